"""A country's national drafting team: who may write which part of a review.

A focal point writes the whole review; a national contributor (reviews.models.Contributor)
writes the sections and the indicator outcomes a focal point assigned to them, in draft and
returned reviews, and never submits or withdraws. Every place that writes a review (the
editor, the Word import) asks `part_of(user)` what it may change.

The services below keep the team: a focal point invites (`invite_contributor`), reassigns,
removes (access ends at the person's next request) and re-invites its members.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import Invitation, User
from accounts.roles import Role
from countries.models import Country
from indicators.models import CycleStatus, Indicator, Outcome, ReviewCycle
from reviews.models import Contributor
from reviews.sections import BY_KEY, SECTION_KEYS


@dataclass(frozen=True)
class Part:
    """What one person may write in their country's reviews."""

    everything: bool
    sections: frozenset[str] = frozenset()
    outcomes: frozenset[str] = frozenset()  # outcome codes: "1", "2", …

    def has_section(self, key: str) -> bool:
        return self.everything or key in self.sections

    def has_indicator(self, indicator: Indicator) -> bool:
        """Whether the indicator's outcome is assigned (the indicator comes with its area and
        outcome: `Indicator.objects.of_matrix`)."""
        return self.everything or indicator.area.outcome.code in self.outcomes


NOTHING = Part(everything=False)
WHOLE = Part(everything=True)


def part_of(user: User) -> Part:
    """The whole review for a focal point, the assigned part for a contributor, else nothing."""
    if user.has_perm("reviews.change_review"):
        return WHOLE
    contribution = user.contribution if user.has_perm("reviews.contribute_review") else None
    if contribution is None:
        return NOTHING
    return Part(
        everything=False,
        sections=frozenset(contribution.sections),
        outcomes=frozenset(contribution.outcomes),
    )


# --- The drafting team: inviting, reassigning, removing -----------------------------------------


def _check_sections(sections: list[str]) -> None:
    unknown = set(sections) - set(SECTION_KEYS)
    if unknown:
        raise ValidationError({"sections": _("Unknown sections: %(keys)s.")
                               % {"keys": ", ".join(sorted(unknown))}})  # fmt: skip


@transaction.atomic
def invite_contributor(
    country: Country,
    *,
    by: User,
    email: str,
    name: str,
    institution: str,
    sections: list[str],
    outcomes: list[str],
    language: str = "",
) -> Contributor:
    """Add a person to `country`'s drafting team and invite them by e-mail (in `language`,
    which becomes a new user's preferred language); a removed member of the same country's
    team comes back with the new assignment."""
    _check_sections(sections)
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        # unusable password until the invitation is accepted
        user = User.objects.create_user(email=email, name=name, language=language)
    elif user.is_superuser or user.role not in (None, Role.CONTRIBUTOR):
        raise ValidationError({"email": _("This person has another role in the portal.")})
    elif Contributor.objects.filter(user=user, is_active=True).exists():
        raise ValidationError(
            {"email": _("This person is already a member of a national drafting team.")}
        )
    else:
        user.name, user.is_active = name, True
        user.language = language or user.language
        user.save(update_fields=["name", "is_active", "language"])
    user.groups.add(Group.objects.get(name=Role.CONTRIBUTOR))
    contributor = Contributor.objects.filter(user=user, country=country).first()
    if contributor is None:
        contributor = Contributor(user=user, country=country)
    contributor.institution, contributor.invited_by = institution, by
    contributor.sections, contributor.outcomes = list(sections), list(outcomes)
    contributor.is_active, contributor.removed_at = True, None
    contributor.save()
    account_services.invite_user(user, by=by)
    return contributor


@transaction.atomic
def reassign_contributor(
    contributor: Contributor,
    *,
    by: User,
    institution: str,
    sections: list[str],
    outcomes: list[str],
) -> Contributor:
    """Change what a member of the drafting team writes (from their next request on)."""
    _check_sections(sections)
    contributor = Contributor.objects.select_for_update().get(pk=contributor.pk)
    if not contributor.is_active:
        raise ValidationError(_("This person is no longer a member of the drafting team."))
    contributor.institution = institution
    contributor.sections, contributor.outcomes = list(sections), list(outcomes)
    contributor.save(update_fields=["institution", "sections", "outcomes"])
    return contributor


@transaction.atomic
def remove_contributor(contributor: Contributor, *, by: User) -> Contributor:
    """Take a person off the drafting team; they lose access at their next request (their
    account becomes inactive, so Django's authentication drops their session, as for a
    deactivated focal point), and their open invitations are revoked."""
    contributor = (
        Contributor.objects.select_for_update().select_related("user").get(pk=contributor.pk)
    )
    if not contributor.is_active:
        raise ValidationError(_("This person is no longer a member of the drafting team."))
    now = timezone.now()
    contributor.is_active, contributor.removed_at = False, now
    contributor.save(update_fields=["is_active", "removed_at"])
    user = contributor.user
    # A contributor has no other role: without the team, no access at all.
    user.is_active = False
    user.save(update_fields=["is_active"])
    Invitation.objects.filter(user=user, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    return contributor


def reinvite_contributor(contributor: Contributor, *, by: User) -> Invitation:
    """A new one-time link for an active member (the earlier ones stop working)."""
    if not contributor.is_active:
        raise ValidationError(_("This person is no longer a member of the drafting team."))
    return account_services.invite_user(contributor.user, by=by)


def assignees(country: Country) -> tuple[dict[str, list[User]], dict[str, list[User]]]:
    """Who of the country's active drafting team writes each section and each outcome:
    ({section key: [users]}, {outcome code: [users]})."""
    sections: dict[str, list[User]] = {}
    outcomes: dict[str, list[User]] = {}
    for member in Contributor.objects.active().filter(country=country).select_related("user"):
        for key in member.sections:
            sections.setdefault(key, []).append(member.user)
        for code in member.outcomes:
            outcomes.setdefault(code, []).append(member.user)
    return sections, outcomes


def open_outcomes():
    """The outcomes of the open cycle's matrix (the first to finish, if several are open)."""
    cycle = ReviewCycle.objects.filter(status=CycleStatus.OPEN).order_by("deadline").first()
    return Outcome.objects.filter(matrix=cycle.matrix) if cycle else Outcome.objects.none()


def team_rows(queryset, outcomes) -> list[dict]:
    """The members of a team with what they write, when they were invited and joined."""
    titles = {o.code: o.title for o in outcomes}
    members = queryset.select_related("user", "invited_by").annotate(
        invited_at=Max("user__invitations__created_at"),
        joined_at=Max("user__invitations__accepted_at"),
    )
    return [
        {
            "member": member,
            "sections": [BY_KEY[key] for key in member.sections if key in BY_KEY],
            "outcomes": [(code, titles.get(code, "")) for code in member.outcomes],
        }
        for member in members.order_by("-is_active", "user__name")
    ]
