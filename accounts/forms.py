from typing import Any

from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django import forms
from django.contrib.auth import password_validation
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class InvitationPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("New password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class _CodeOnce:
    """Each authenticator code signs in once (RFC 6238 §5.2): the time step of the last
    accepted code is kept on the authenticator, and a code of that step or an earlier one is
    refused on every web node (allauth alone remembers codes in the cache, for 30 seconds,
    though a code stays valid for 90). A code used before is refused saying so, within those
    30 seconds too; it still counts against the limit of attempts like any refused code."""

    user: User  # set by allauth's form, which comes next in the MRO
    authenticator: Authenticator
    cleaned_data: dict[str, Any]

    def clean_code(self) -> str:
        try:
            # allauth: rate limit, then the code against every factor (a mixin: mypy cannot know)
            code = super().clean_code()  # type: ignore[misc]
        except forms.ValidationError as error:
            typed = self.cleaned_data.get("code", "")
            if error.code == "incorrect_code" and _used_before(self.user, typed):
                raise _already_used() from None
            raise
        if self.authenticator.type == Authenticator.Type.TOTP:
            _accept_totp_step_once(self.authenticator, code)
        return code


def _already_used() -> forms.ValidationError:
    return forms.ValidationError(
        _("This code was already used. Wait for the next code from your authenticator app."),
        code="code_already_used",
    )


def _matching_steps(authenticator: Authenticator, code: str) -> list[int]:
    """The time steps of the current window whose code is `code`."""
    secret = decrypt(authenticator.data["secret"])
    return [
        step
        for step in yield_hotp_counters_from_time()
        if compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, step)))
    ]


def _used_before(user: User, code: str) -> bool:
    """Whether `code` is the code of a time step already used to sign in."""
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None or not code:
        return False
    steps = _matching_steps(totp, code)
    return bool(steps) and max(steps) <= totp.data.get("last_step", -1)


def _accept_totp_step_once(authenticator: Authenticator, code: str) -> None:
    steps = _matching_steps(authenticator, code)
    with transaction.atomic():
        row = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
        last = row.data.get("last_step", -1)
        if not steps:
            raise get_mfa_adapter().validation_error("incorrect_code")
        if max(steps) <= last:
            raise _already_used()
        row.data["last_step"] = max(steps)
        row.save(update_fields=["data"])


class SecondFactorForm(_CodeOnce, AuthenticateForm):
    pass


class SecondFactorReauthenticateForm(_CodeOnce, ReauthenticateForm):
    pass
