"""Peer review (reviews/peers.py): the secretariat assigns peers to a submitted review; a peer
writes their assessment beside the submitted version; the secretariat returns or shares it;
the country reads the shared assessment and responds.

Every assessment is reached through `PeerAssessment.objects.visible_to` (404 out of reach): a
peer's own assignments, every one for the secretariat, the shared ones of their country for a
focal point. A peer never reaches the review's own pages (reviews/views/pages.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import Reach, any_permission_required, permission_required
from accounts.http import PortalRequest
from indicators.models import Matrix, Outcome
from reviews import peers, reading
from reviews.forms import (
    AssessmentForm,
    AssignPeerForm,
    ResponseForm,
    SecretariatCommentForm,
    ShareForm,
)
from reviews.models import AssessmentStatus, PeerAssessment, Review
from reviews.views.pages import REVIEW

SEES_ASSESSMENTS = ("reviews.view_peerassessment", "reviews.assess_review", "reviews.view_review")


def _assessment(request: PortalRequest, pk: int) -> PeerAssessment:
    queryset = PeerAssessment.objects.visible_to(request.user).select_related(
        "review__country", "review__cycle", "peer", "snapshot"
    )
    return get_object_or_404(queryset, pk=pk)


ASSESSMENT = Reach("pk", _assessment)


@require_safe
@any_permission_required("reviews.view_peerassessment", "reviews.assess_review")
def assessment_list(request: PortalRequest) -> HttpResponse:
    """A peer's assignments; for the secretariat, every assessment."""
    assessments = PeerAssessment.objects.visible_to(request.user).select_related(
        "review__country", "review__cycle", "peer"
    )
    if not request.user.has_perm("reviews.view_peerassessment"):
        assessments = assessments.filter(peer=request.user)
    return render(
        request,
        "reviews/assessment_list.html",
        {"assessments": assessments.order_by("-assigned_at", "pk")},
    )


@permission_required("reviews.assign_peer", reach=REVIEW)
def peer_assign(request: PortalRequest, review: Review) -> HttpResponse:
    """Assign a peer to a submitted review."""
    form = AssignPeerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = peers.assign_peer(review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is a peer of this review; an e-mail tells them what to do.")
                % {"name": assessment.peer.name or assessment.peer.email},
            )
            return redirect("reviews:detail", review.pk)
    assigned = review.peer_assessments.select_related("peer")
    context = {"review": review, "form": form, "assigned": assigned}
    return render(request, "reviews/peer_assign.html", context)


def outcomes_of(assessment: PeerAssessment) -> list[Outcome]:
    """The outcomes of the matrix version the assessed submission answered."""
    version = assessment.snapshot.content.get("matrix_version")
    matrix = Matrix.objects.filter(cycle_id=assessment.review.cycle_id, version=version).first()
    return list(Outcome.objects.filter(matrix=matrix).order_by("order", "pk")) if matrix else []


@any_permission_required(*SEES_ASSESSMENTS, reach=ASSESSMENT)
def assessment_detail(request: PortalRequest, assessment: PeerAssessment) -> HttpResponse:
    """The assessment beside the submitted version: the peer writes it, the secretariat
    returns or shares it, the country reads it and responds."""
    user = request.user
    outcomes = outcomes_of(assessment)
    is_peer = assessment.peer_id == user.pk
    writing = is_peer and assessment.status in peers.EDITABLE
    form = AssessmentForm(
        request.POST if request.method == "POST" and writing else None,
        outcomes=outcomes,
        assessment=assessment,
    )
    if request.method == "POST":
        if not writing:
            raise PermissionDenied
        if form.is_valid():
            send = request.POST.get("send") == "1"
            try:
                peers.save_assessment(
                    assessment, by=user, outcomes=form.outcomes_data(),
                    overall=form.cleaned_data["overall"], send=send,
                )  # fmt: skip
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Your assessment was sent to the secretariat.") if send
                    else _("Your assessment was saved; send it when it is ready."),
                )  # fmt: skip
                return redirect("reviews:assessment", assessment.pk)
    return _render(request, assessment, outcomes, form=form, writing=writing)


def _render(
    request: PortalRequest, assessment: PeerAssessment, outcomes, **context
) -> HttpResponse:
    user = request.user
    secretariat = user.has_perm("reviews.assign_peer")
    country = user.focal_point.country_id if user.focal_point else None
    context = {
        "assessment": assessment,
        "review": assessment.review,
        "outcomes": [(o, assessment.outcomes.get(o.code, {})) for o in outcomes],
        "submitted": reading.render_submitted(assessment.review, assessment.snapshot, level=2),
        "can_decide": secretariat and assessment.status == AssessmentStatus.SENT,
        "can_include": secretariat and assessment.status == AssessmentStatus.SHARED,
        "can_respond": assessment.status == AssessmentStatus.SHARED
        and country == assessment.review.country_id
        and user.has_perm("reviews.change_review"),
        "return_form": SecretariatCommentForm(),
        "share_form": ShareForm(initial={"in_report": True}),
        "include_form": ShareForm(initial={"in_report": assessment.in_report}),
        "response_form": ResponseForm(initial={"response": assessment.response}),
        "can_open_review": Review.objects.visible_to(user).filter(pk=assessment.review_id).exists(),
    } | context
    return render(request, "reviews/assessment_detail.html", context)


ACTIONS = ("return", "share", "include", "respond")


@require_POST
@any_permission_required("reviews.assign_peer", "reviews.change_review", reach=ASSESSMENT)
def assessment_action(request: PortalRequest, assessment: PeerAssessment, action: str):
    """The secretariat returns, shares or includes in the report; the country responds."""
    if action not in ACTIONS:
        raise Http404
    user = request.user
    if action != "respond" and not user.has_perm("reviews.assign_peer"):
        raise PermissionDenied
    country = user.focal_point.country_id if user.focal_point else None
    if action == "respond" and country != assessment.review.country_id:
        raise PermissionDenied  # a focal point who is this review's peer
    forms = {
        "return": ("return_form", SecretariatCommentForm),
        "share": ("share_form", ShareForm),
        "include": ("include_form", ShareForm),
        "respond": ("response_form", ResponseForm),
    }
    name, form_class = forms[action]
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "return":
                peers.return_assessment(assessment, by=user, comment=data["comment"])
                done = _("The assessment went back to the peer with your comment.")
            elif action == "share":
                peers.share_assessment(assessment, by=user, in_report=data["in_report"])
                done = _("The assessment was shared with the country.")
            elif action == "include":
                peers.set_in_report(assessment, by=user, in_report=data["in_report"])
                done = _("Saved: the compiled report follows this choice at its next compile.")
            else:
                peers.respond(assessment, by=user, response=data["response"])
                done = _("Your country's response was saved.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("reviews:assessment", assessment.pk)
    fresh = _assessment(request, assessment.pk)
    return _render(request, fresh, outcomes_of(fresh), form=None, writing=False, **{name: form})
