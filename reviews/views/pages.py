"""A focal point's reviews, one review's page and its changes (the queue is in queue.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import Reach, permission_required
from accounts.http import PortalRequest
from indicators.models import CycleStatus, ReviewCycle
from reviews import carry, editor, peers, services, snapshots, workflow
from reviews.models import PeerAssessment, Review, ReviewStatus
from reviews.sections import SECTIONS


def visible_review(request: PortalRequest, pk: int) -> Review:
    """The review if the user may see it, else 404 (its existence is not leaked)."""
    queryset = Review.objects.visible_to(request.user).select_related("country", "cycle")
    return get_object_or_404(queryset, pk=pk)


REVIEW = Reach("pk", visible_review)


@permission_required("reviews.view_review")
def review_list(request: PortalRequest) -> HttpResponse:
    """A focal point's reviews, and the open cycles their country can start a review for."""
    user = request.user
    if user.has_perm("reviews.view_all_reviews"):
        return redirect("reviews:queue")
    reviews = list(Review.objects.visible_to(user).select_related("country", "cycle"))
    context: dict = {"reviews": reviews}
    if user.focal_point and user.has_perm("reviews.add_review"):
        started = [review.cycle_id for review in reviews]
        context["startable"] = ReviewCycle.objects.filter(status=CycleStatus.OPEN).exclude(
            pk__in=started
        )
        # What a new review may start from: "Start from your review of …" or "Start empty".
        context["last_review"] = carry.latest_of(reviews)
    return render(request, "reviews/review_list.html", context)


@require_POST
@permission_required("reviews.add_review")
def review_start(request: PortalRequest, cycle: int) -> HttpResponse:
    country = request.user.country
    if country is None:  # reviews are started by their country's focal points
        raise PermissionDenied
    cycle_obj = get_object_or_404(ReviewCycle.objects.visible_to(request.user), pk=cycle)
    try:
        review = services.start_review(
            country, cycle_obj, by=request.user, from_last=request.POST.get("from_last") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:list")
    return redirect("reviews:edit", review.pk)


@permission_required("reviews.view_review", reach=REVIEW)
def review_detail(request: PortalRequest, review: Review) -> HttpResponse:
    return render_detail(request, review)


def render_detail(request: PortalRequest, review: Review, *, comment=None) -> HttpResponse:
    """The review page, each comment thread beside what it is about; a refused comment or
    reply (`comment`: its place or thread, text and messages) comes back where it was written."""
    user = request.user
    indicators = list(editor.matrix_indicators(review))
    shown = _as_shown(review, indicators)
    placed = editor.by_anchor(editor.threads_of(review))
    context = {
        "review": review,
        "sections": [
            (s, shown["sections"][s.key], f"section-{s.key}", placed.get(f"section-{s.key}", []))
            for s in SECTIONS
        ],
        "frozen": shown["frozen"],
        "outcomes": editor.by_outcome(
            [(i, a, placed.get(f"indicator-{i.code}", [])) for i, a in shown["rows"]],
            lambda row: row[0],
        ),
        "general_threads": placed.get("", []),
        "transitions": review.transitions.select_related("by"),
        "actions": workflow.offered(review, user),
        "can_comment": user.has_perm("reviews.comment_review"),
        "can_resolve": user.has_perm("reviews.decide_review"),
        "can_edit": review.is_editable and user.has_perm("reviews.change_review"),
        "comment": comment,
        "practices": shown["practices"],
        "municipalities": shown["municipalities"],
        "attachments": shown["attachments"],
        "has_versions": review.snapshots.count() > 1,
        "can_see_history": user.has_perm("reviews.view_contributor"),
        # peer review (reviews/peers.py): the secretariat every assessment, the country the
        # ones shared with it
        "peer_assessments": PeerAssessment.objects.visible_to(user)
        .filter(review=review)
        .select_related("peer"),
        "can_assign_peers": user.has_perm("reviews.assign_peer")
        and review.status in peers.ASSIGNABLE
        and review.cycle.status != CycleStatus.PUBLISHED,
        # a national contributor writes their part (reviews/contributors.py)
        "can_contribute": review.is_editable
        and not user.has_perm("reviews.change_review")
        and user.has_perm("reviews.contribute_review"),
    }
    return render(request, "reviews/review_detail.html", context)


# What the secretariat examines, approves and publishes is a submitted version: once a review
# is in one of these states its page shows that version, as its PDF does, not today's data
# (the country's municipalities go on changing after it was submitted).
FROZEN = (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, ReviewStatus.PUBLISHED)


def _as_shown(review: Review, indicators: list) -> dict:
    """The review's content as its page shows it: its last submitted version when frozen,
    else what is being written."""
    snapshot = review.snapshots.order_by("-version").first()
    if review.status in FROZEN and snapshot:
        shown = snapshots.as_submitted(review, snapshot)
        stored = {a.sha256: a for a in review.attachments.all()}
        shown["attachments"] = [
            stored[a["sha256"]] for a in shown["attachments"] if a["sha256"] in stored
        ]
        return shown | {"frozen": snapshot}
    answers = {a.indicator_id: a for a in review.answers.all()}
    return {
        "frozen": None,
        "sections": {s.key: review.section_text(s.key) for s in SECTIONS},
        "rows": [(indicator, answers.get(indicator.pk)) for indicator in indicators],
        "practices": review.practices.all(),
        "municipalities": review.country.municipalities.all(),
        "attachments": review.attachments.all(),
    }


@permission_required("reviews.view_review", reach=REVIEW)
def review_changes(request: PortalRequest, review: Review) -> HttpResponse:
    """The latest submission against the one before, section by section, field by field."""
    versions = list(review.snapshots.select_related("review").order_by("-version")[:2])
    if not versions:
        raise Http404
    newer, older = versions[0], (versions[1] if len(versions) > 1 else None)
    changes = snapshots.changes_between(older, newer)
    context = {"review": review, "newer": newer, "older": older, "changes": changes}
    return render(request, "reviews/review_changes.html", context)
