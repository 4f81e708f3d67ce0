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
    refused like a wrong one, on every web node (allauth alone remembers codes in the cache,
    for 30 seconds, though a code stays valid for 90)."""

    authenticator: Authenticator  # set by allauth's form, which comes next in the MRO

    def clean_code(self) -> str:
        # allauth: rate limit, then the code against every factor (a mixin: mypy cannot know)
        code = super().clean_code()  # type: ignore[misc]
        if self.authenticator.type == Authenticator.Type.TOTP:
            _accept_totp_step_once(self.authenticator, code)
        return code


def _accept_totp_step_once(authenticator: Authenticator, code: str) -> None:
    secret = decrypt(authenticator.data["secret"])
    steps = [
        step
        for step in yield_hotp_counters_from_time()
        if compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, step)))
    ]
    with transaction.atomic():
        row = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
        last = row.data.get("last_step", -1)
        if not steps or max(steps) <= last:
            raise get_mfa_adapter().validation_error("incorrect_code")
        row.data["last_step"] = max(steps)
        row.save(update_fields=["data"])


class SecondFactorForm(_CodeOnce, AuthenticateForm):
    pass


class SecondFactorReauthenticateForm(_CodeOnce, ReauthenticateForm):
    pass
