from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext, ngettext

from accounts import tasks
from accounts.models import User


def locked_out_message() -> str:
    """What a locked-out person reads, whether their password or their code was wrong."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return ngettext(
        "Too many failed attempts to sign in. For your security, signing in to this account "
        "from here is paused for up to %(minutes)d minute. Try again after that.",
        "Too many failed attempts to sign in. For your security, signing in to this account "
        "from here is paused for up to %(minutes)d minutes. Try again after that.",
        minutes,
    ) % {"minutes": minutes}


class PortalAccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials) -> None:
        """Passwords are counted by django-axes alone; allauth's "login_failed" limit is left
        to the second factor (settings.ACCOUNT_RATE_LIMITS), so no failure counts twice."""

    def validation_error(self, code, *args) -> ValidationError:
        if code == "too_many_login_attempts":
            return ValidationError(locked_out_message(), code=code)
        return super().validation_error(code, *args)

    def is_open_for_signup(self, request) -> bool:
        # Nobody self-registers: focal points are invited by the secretariat.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Render here (the context holds the request), in the recipient's language; send from
        # the worker.
        user = User.objects.filter(email__iexact=email).only("language").first()
        with translation.override((user and user.language) or translation.get_language()):
            # What allauth's own send_mail gives its templates; the site is the portal.
            site = SimpleNamespace(
                name=gettext("Safer Cities Review Portal"),
                domain=urlsplit(settings.SITE_URL).netloc,
            )
            ctx = {"request": allauth_context.request, "email": email, "current_site": site}
            message = self.render_mail(template_prefix, email, ctx | context)
        tasks.send_email_message.delay_on_commit(
            {
                "subject": message.subject,
                "body": message.body,
                "from_email": message.from_email,
                "to": list(message.to),
                "alternatives": [tuple(a) for a in getattr(message, "alternatives", [])],
            }
        )
