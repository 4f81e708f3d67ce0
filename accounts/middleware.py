from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

# Pages a secretariat user may reach before enrolling in two-factor authentication.
_ENROLMENT_PATHS = ("/accounts/", "/static/", "/healthz", "/i18n/")


class SecretariatTwoFactorMiddleware:
    """Send secretariat users without TOTP to enrolment before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_secretariat
            and not request.path.startswith(_ENROLMENT_PATHS)
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
        ):
            messages.warning(
                request,
                _("Secretariat accounts must use two-factor authentication. Set it up to go on."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Keep pages shown to a signed-in person out of every cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class PreferredLanguageMiddleware:
    """A signed-in user reads the portal in their preferred language (after LocaleMiddleware,
    which serves visitors by their language cookie or their browser's languages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = getattr(request.user, "language", "")
        if language and translation.check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
