"""Demo accounts for trying every role on a development machine."""

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role

DEMO_PASSWORD = "safer-cities-demo"


def ensure_user(email: str, name: str, role: Role) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
    user.is_active = True
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user


def ensure_two_factor(user: User) -> tuple[str, list[str]]:
    """Enrol `user` in TOTP once; return the TOTP secret and the unused recovery codes."""
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None:
        totp = TOTP.activate(user, generate_totp_secret()).instance
    codes = RecoveryCodes.activate(user)
    return decrypt(totp.data["secret"]), codes.get_unused_codes()
