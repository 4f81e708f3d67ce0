from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from accounts import services
from accounts.adapter import locked_out_message
from accounts.forms import InvitationPasswordForm


@login_not_required
def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (settings.AXES_LOCKOUT_CALLABLE)."""
    context = {"message": locked_out_message()}
    return render(request, "account/lockout.html", context, status=429)


@login_not_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    form = InvitationPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(invitation, password=form.cleaned_data["password1"])
        except ValueError:
            return render(request, "accounts/invitation_invalid.html", status=410)
        messages.success(request, _("Your password is set. Sign in to continue."))
        return redirect("account_login")
    context = {"form": form, "invited": invitation.user}
    return render(request, "accounts/invitation_accept.html", context)


# Set by the language switcher before sign-in: the choice becomes the user's preference.
CHOSEN_LANGUAGE = "chosen_language"


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (cookie, redirect back), kept as a signed-in user's preference."""
    response = i18n.set_language(request)
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):  # Django knows more languages than the portal offers
        response.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
        return response
    if request.user.is_authenticated:
        request.user.language = code
        request.user.save(update_fields=["language"])
    else:
        request.session[CHOSEN_LANGUAGE] = code
    return response
