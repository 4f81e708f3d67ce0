"""Peer review (issue 20): the secretariat assigns peers to a submitted review, each peer writes
a structured assessment of the submitted version, the secretariat returns it or shares it with
the country, the country responds, and the compiled report may carry both.

    writing ──send──▶ sent ──share──▶ shared (the country reads it and responds)
       ▲               │
       └── return ◀────┘  (with the secretariat's comment)

A peer is an expert of a partner organisation of the Global Network on Safer Cities (an account
invited for that, with the peer role and nothing else) or the focal point of another Member
State. A peer reaches the assessments assigned to them and the submitted version each is
about, nothing more: the review's own pages (comments, history, attachments, PDFs) stay out of
their reach (`Review.objects.visible_to` does not know peers).
"""

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import User
from accounts.roles import Role
from countries.models import FocalPoint
from indicators.models import CycleStatus
from reviews import tasks
from reviews.models import (
    AssessmentStatus,
    PeerAssessment,
    PeerKind,
    Review,
    ReviewStatus,
    Snapshot,
)

# The reviews a peer may be assigned to: submitted, or approved before the cycle is published.
ASSIGNABLE = (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)
FIELDS = ("strengths", "gaps", "recommendations")
EDITABLE = (AssessmentStatus.WRITING, AssessmentStatus.RETURNED)


def _announce(assessment: PeerAssessment, event: str) -> None:
    """E-mail whoever must act next, by the worker, after the commit (reviews/tasks.py)."""
    stamp = int(timezone.now().timestamp() * 1000)
    tasks.notify_peer_event.apply_async_on_commit((assessment.pk, event, stamp))


def _locked(assessment: PeerAssessment) -> PeerAssessment:
    return PeerAssessment.objects.select_for_update().select_related("review").get(pk=assessment.pk)


@transaction.atomic
def assign_peer(
    review: Review,
    *,
    by: User,
    kind: str,
    email: str,
    name: str = "",
    organisation: str = "",
    language: str = "",
) -> PeerAssessment:
    """Assign a peer to `review` (submitted or approved, its cycle not yet published): an
    expert by e-mail (invited when new to the portal) or an active focal point of another
    Member State (by their e-mail). The peer reads the latest submitted version."""
    review = Review.objects.select_for_update().select_related("country", "cycle").get(pk=review.pk)
    if review.status not in ASSIGNABLE or review.cycle.status == CycleStatus.PUBLISHED:
        raise ValidationError(_("Peers are assigned to submitted or approved reviews only."))
    snapshot = Snapshot.objects.filter(review=review).order_by("-version").first()
    if snapshot is None:
        raise ValidationError(_("This review has no submitted version to assess."))
    user = User.objects.select_for_update().filter(email__iexact=email.strip()).first()
    if kind == PeerKind.MEMBER_STATE:
        designation = (
            FocalPoint.objects.active().filter(user=user).select_related("country").first()
            if user
            else None
        )
        if designation is None:
            raise ValidationError({"email": _("No active focal point has this e-mail address.")})
        if designation.country_id == review.country_id:
            raise ValidationError(
                {"email": _("A peer comes from another Member State than the one reviewed.")}
            )
        organisation = designation.country.name
    elif kind == PeerKind.EXPERT:
        if not organisation.strip():
            raise ValidationError({"organisation": _("Name the expert's organisation.")})
        if user is None:
            user = User.objects.create_user(email=email.strip(), name=name, language=language)
            invite = True
        elif user.is_superuser or user.role not in (None, Role.PEER):
            raise ValidationError(
                {"email": _("This person has another role in the portal: choose a focal point "
                            "of another Member State as the peer instead, or another expert.")}
            )  # fmt: skip
        else:
            invite = not user.has_usable_password()
            user.is_active = True
            user.save(update_fields=["is_active"])
        user.groups.add(Group.objects.get(name=Role.PEER))
        if invite:
            account_services.invite_user(user, by=by)
    else:
        raise ValidationError({"kind": _("Choose the kind of peer.")})
    assert user is not None
    if PeerAssessment.objects.filter(review=review, peer=user).exists():
        raise ValidationError({"email": _("This person is already a peer of this review.")})
    assessment = PeerAssessment.objects.create(
        review=review, snapshot=snapshot, peer=user, kind=kind,
        organisation=organisation.strip(), assigned_by=by,
    )  # fmt: skip
    _announce(assessment, "assigned")
    return assessment


def _check_writer(assessment: PeerAssessment, by: User) -> None:
    if assessment.peer_id != by.pk:
        raise ValidationError(_("Only the assigned peer writes this assessment."))
    if assessment.status not in EDITABLE:
        raise ValidationError(_("This assessment has been sent; it can no longer be changed."))


@transaction.atomic
def save_assessment(
    assessment: PeerAssessment,
    *,
    by: User,
    outcomes: dict[str, dict[str, str]],
    overall: str,
    send: bool = False,
) -> PeerAssessment:
    """Keep what the peer wrote; with `send`, send it to the secretariat (the overall note is
    then required)."""
    assessment = _locked(assessment)
    _check_writer(assessment, by)
    assessment.outcomes = {
        code: {field: (fields.get(field) or "").strip() for field in FIELDS}
        for code, fields in outcomes.items()
    }
    assessment.overall = overall.strip()
    if send:
        if not assessment.overall:
            raise ValidationError(
                {"overall": _("Write the overall note before sending the assessment.")}
            )
        assessment.status, assessment.sent_at = AssessmentStatus.SENT, timezone.now()
        _announce(assessment, "sent")
    assessment.save()
    return assessment


@transaction.atomic
def return_assessment(assessment: PeerAssessment, *, by: User, comment: str) -> PeerAssessment:
    """Back to the peer with the secretariat's comment (required)."""
    assessment = _locked(assessment)
    if assessment.status != AssessmentStatus.SENT:
        raise ValidationError(_("Only an assessment sent to the secretariat can be returned."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the peer should look at again.")})
    assessment.status, assessment.secretariat_comment = AssessmentStatus.RETURNED, comment.strip()
    assessment.save(update_fields=["status", "secretariat_comment", "updated_at"])
    _announce(assessment, "returned")
    return assessment


@transaction.atomic
def share_assessment(
    assessment: PeerAssessment, *, by: User, in_report: bool = False
) -> PeerAssessment:
    """The agreed assessment goes to the country, which may respond."""
    assessment = _locked(assessment)
    if assessment.status != AssessmentStatus.SENT:
        raise ValidationError(_("Only an assessment sent to the secretariat can be shared."))
    assessment.status, assessment.shared_at = AssessmentStatus.SHARED, timezone.now()
    assessment.in_report = in_report
    assessment.save(update_fields=["status", "shared_at", "in_report", "updated_at"])
    _announce(assessment, "shared")
    return assessment


@transaction.atomic
def set_in_report(assessment: PeerAssessment, *, by: User, in_report: bool) -> PeerAssessment:
    """Whether the review's chapter of the compiled report carries the assessment and the
    country's response."""
    assessment = _locked(assessment)
    if assessment.status != AssessmentStatus.SHARED:
        raise ValidationError(_("Only an assessment shared with the country can be in the report."))
    assessment.in_report = in_report
    assessment.save(update_fields=["in_report", "updated_at"])
    return assessment


@transaction.atomic
def respond(assessment: PeerAssessment, *, by: User, response: str) -> PeerAssessment:
    """The country's response to a shared assessment (its focal points'; it may be revised)."""
    assessment = _locked(assessment)
    if assessment.status != AssessmentStatus.SHARED:
        raise ValidationError(_("The country responds once the assessment is shared with it."))
    if not (by.focal_point and by.focal_point.country_id == assessment.review.country_id):
        raise ValidationError(_("The focal points of the reviewed country write its response."))
    if not response.strip():
        raise ValidationError({"response": _("Write the country's response.")})
    assessment.response, assessment.responded_at = response.strip(), timezone.now()
    assessment.responded_by = by
    assessment.save(update_fields=["response", "responded_at", "responded_by", "updated_at"])
    return assessment


def in_report(review: Review) -> list[dict[str, Any]]:
    """The agreed assessments the review's chapter of the compiled report carries, with the
    country's responses, as plain data (the chapter's content key is made from it)."""
    shared = review.peer_assessments.filter(status=AssessmentStatus.SHARED, in_report=True)
    return [
        {
            "organisation": a.organisation,
            "kind": a.kind,
            "outcomes": a.outcomes,
            "overall": a.overall,
            "response": a.response,
        }
        for a in shared.order_by("shared_at", "pk")
    ]
