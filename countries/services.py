"""Workflows on countries: designating and deactivating focal points; network figures."""

from pathlib import PurePath

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import Invitation, User
from accounts.roles import Role
from countries.models import (
    Country,
    FocalPoint,
    FocalPointKind,
    Partner,
    PartnerType,
    ToolUse,
    ToolUseKind,
)


@transaction.atomic
def designate_focal_point(
    country: Country,
    *,
    by: User,
    email: str,
    name: str,
    kind: str = FocalPointKind.PRIMARY,
    title: str = "",
    institution: str,
    designated_on,
    letter_reference: str = "",
    letter=None,
    language: str = "",
) -> FocalPoint:
    """Designate a person as focal point of `country` and invite them by e-mail (in
    `language`, which becomes the new user's preferred language)."""
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        # unusable password until the invitation is accepted
        user = User.objects.create_user(email=email, name=name, language=language)
    elif user.role not in (None, Role.FOCAL_POINT) or user.is_superuser:
        raise ValidationError({"email": _("This person has another role in the portal.")})
    elif FocalPoint.objects.filter(user=user, is_active=True).exists():
        raise ValidationError({"email": _("This person is already an active focal point.")})
    else:
        user.name, user.is_active = name, True
        user.language = user.language or language
        user.save(update_fields=["name", "is_active", "language"])
    if (
        kind == FocalPointKind.PRIMARY
        and country.focal_points.filter(is_active=True, kind=FocalPointKind.PRIMARY).exists()
    ):
        raise ValidationError({"kind": _("The country already has an active primary focal point.")})
    user.groups.add(Group.objects.get(name=Role.FOCAL_POINT))
    focal_point = FocalPoint(
        user=user,
        country=country,
        kind=kind,
        title=title,
        institution=institution,
        designated_on=designated_on,
        letter_reference=letter_reference,
    )
    if letter:
        focal_point.letter_name = PurePath(letter.name).name[:200]
        focal_point.letter = letter
    focal_point.save()
    account_services.invite_user(user, by=by)
    return focal_point


@transaction.atomic
def deactivate_focal_point(focal_point: FocalPoint, *, by: User) -> FocalPoint:
    """End a designation; the person loses access at their next request."""
    focal_point = FocalPoint.objects.select_for_update().get(pk=focal_point.pk)
    if not focal_point.is_active:
        raise ValidationError(_("This focal point is already inactive."))
    focal_point.is_active = False
    focal_point.deactivated_at = timezone.now()
    focal_point.save(update_fields=["is_active", "deactivated_at"])
    user = focal_point.user
    # A focal point has no other role, so without a designation they have no access at all.
    user.is_active = False
    user.save(update_fields=["is_active"])
    Invitation.objects.filter(user=user, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return focal_point


def network_figures() -> dict:
    """The concept note's figures on partners and Safer Cities tools, for the dashboard."""
    by_type = dict(
        Partner.objects.active()
        .order_by()
        .values("type")
        .annotate(n=Count("pk"))
        .values_list("type", "n")
    )
    partners_by_type = {str(label): by_type.get(value, 0) for value, label in PartnerType.choices}
    # Each (tool, country) counts once however many times it was shared or piloted.
    pairs = set(ToolUse.objects.order_by().values_list("kind", "tool_id", "country_id").distinct())
    shared = {(tool, country) for kind, tool, country in pairs if kind == ToolUseKind.SHARED}
    piloted = {(tool, country) for kind, tool, country in pairs if kind == ToolUseKind.PILOTED}
    return {
        "partners": sum(by_type.values()),
        "partners_by_type": partners_by_type,
        "tools_shared": len(shared),
        "tools_piloted": len(piloted),
        "countries_sharing": len({country for _tool, country in shared}),
        "countries_piloting": len({country for _tool, country in piloted}),
    }
