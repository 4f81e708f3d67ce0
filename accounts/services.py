"""Workflows on accounts: inviting people and accepting invitations."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts import tasks
from accounts.models import Invitation, User, hash_token


@transaction.atomic
def invite_user(user: User, *, by: User | None) -> Invitation:
    """Revoke earlier open invitations of `user` and queue a new one for the worker to send."""
    now = timezone.now()
    Invitation.objects.filter(user=user, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    invitation = Invitation.objects.create(
        user=user,
        invited_by=by,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    tasks.send_invitation.delay_on_commit(invitation.pk)
    return invitation


def send_invitation(invitation_id: int) -> bool:
    """Mint the token, e-mail the link and record the sending; does nothing the second time."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("user", "invited_by")
            .get(pk=invitation_id)
        )
        if invitation.sent_at or invitation.revoked_at:
            return False
        token = secrets.token_urlsafe(32)
        invitation.token_hash = hash_token(token)
        user = invitation.user
        link = settings.SITE_URL + reverse("accounts:invitation", args=[token])
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {
                "user": user, "link": link, "expires_at": invitation.expires_at,
                # a national contributor is told who invited them, for which country
                "invited_by": invitation.invited_by, "contribution": user.contribution,
            }  # fmt: skip
            subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
            body = render_to_string("accounts/email/invitation_body.txt", context)
        send_mail(subject, body, None, [user.email])
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "sent_at"])
        return True


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.usable()
        .select_related("user")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def accept_invitation(invitation: Invitation, *, password: str) -> User:
    """Set the invited person's password and use up the invitation."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValueError("invitation already used")
    user = invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user
