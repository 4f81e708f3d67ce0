"""A focal point's reviews, the secretariat's queue, one review's page and its changes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import Reach, permission_required
from accounts.http import PortalRequest
from countries.models import Country, Region
from indicators.models import CycleStatus, ReviewCycle
from reviews import editor, services, snapshots, workflow
from reviews.forms import CommentForm
from reviews.models import Comment, Review, ReviewStatus, status_badge
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
    reviews = Review.objects.visible_to(user).select_related("country", "cycle")
    context = {"reviews": reviews}
    if user.focal_point and user.has_perm("reviews.add_review"):
        started = reviews.values_list("cycle_id", flat=True)
        context["startable"] = ReviewCycle.objects.filter(status=CycleStatus.OPEN).exclude(
            pk__in=started
        )
    return render(request, "reviews/review_list.html", context)


@require_POST
@permission_required("reviews.add_review")
def review_start(request: PortalRequest, cycle: int) -> HttpResponse:
    country = request.user.country
    if country is None:  # reviews are started by their country's focal points
        raise PermissionDenied
    cycle_obj = get_object_or_404(ReviewCycle.objects.visible_to(request.user), pk=cycle)
    try:
        review = services.start_review(country, cycle_obj, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:list")
    return redirect("reviews:edit", review.pk)


@permission_required("reviews.view_all_reviews")
def review_queue(request: PortalRequest) -> HttpResponse:
    """Every country's review for a cycle, with those not started, filterable."""
    cycles = ReviewCycle.objects.exclude(status=CycleStatus.PLANNING)
    cycle_id = request.GET.get("cycle", "")
    cycle = cycles.filter(pk=cycle_id).first() if cycle_id.isdecimal() else cycles.first()
    status, region = request.GET.get("status", ""), request.GET.get("region", "")
    statuses = [("not_started", _("Not started")), *ReviewStatus.choices]
    rows = _queue_rows(cycle, region, statuses)
    counts = {
        key: sum(1 for r in rows if r[2] == key) for key in ["not_started", *ReviewStatus.values]
    }
    if status:
        rows = [r for r in rows if r[2] == status]
    context = {
        "cycles": cycles, "cycle": cycle, "rows": rows, "status": status, "statuses": statuses,
        "status_counts": [(value, label, counts[value]) for value, label in statuses],
        "region": region, "regions": Region.choices,
    }  # fmt: skip
    return render(request, "reviews/review_queue.html", context)


def _queue_rows(cycle: ReviewCycle | None, region: str, statuses: list) -> list[tuple]:
    """One row per country of `region` (or all): its review and how to show it. Labels,
    badges and links are worked out here once per page, not once per row in the template."""
    # Only what the rows show: the narrative sections are most of a review's row.
    fields = ("pk", "country_id", "status", "updated_at")
    reviews = (
        {r.country_id: r for r in Review.objects.filter(cycle=cycle).order_by().only(*fields)}
        if cycle
        else {}
    )
    labels = {value: str(label) for value, label in statuses}
    regions = {value: str(label) for value, label in Region.choices}
    only_region = region if region in regions else None
    rows = []
    for country in Country.objects.only("pk", "name", "region"):
        if only_region and country.region != only_region:
            continue
        review = reviews.get(country.pk)
        row_status = review.status if review else "not_started"
        link = reverse("reviews:detail", args=[review.pk]) if review else ""
        rows.append((country, review, row_status, link, regions.get(country.region, country.region),
                     labels.get(row_status, row_status), status_badge(row_status)))  # fmt: skip
    return rows


@permission_required("reviews.view_review", reach=REVIEW)
def review_detail(request: PortalRequest, review: Review) -> HttpResponse:
    return render_detail(request, review)


def render_detail(request: PortalRequest, review: Review, *, comment_form=None, reply=None):
    """The review page; a refused comment or reply comes back with its text and message."""
    user = request.user
    indicators = list(editor.matrix_indicators(review))
    shown = _as_shown(review, indicators)
    threads = review.threads.select_related("indicator", "resolved_by").prefetch_related(
        Prefetch("comments", queryset=Comment.objects.select_related("author"))
    )
    context = {
        "review": review,
        "sections": [(s, shown["sections"][s.key]) for s in SECTIONS],
        "frozen": shown["frozen"],
        "outcomes": editor.by_outcome(shown["rows"], lambda row: row[0]),
        "threads": threads,
        "transitions": review.transitions.select_related("by"),
        "actions": workflow.offered(review, user),
        "can_comment": user.has_perm("reviews.comment_review"),
        "can_edit": review.is_editable and user.has_perm("reviews.change_review"),
        "comment_form": comment_form or CommentForm(review=review, indicators=indicators),
        "reply": reply,
        "practices": shown["practices"],
        "municipalities": shown["municipalities"],
        "attachments": shown["attachments"],
        "has_versions": review.snapshots.count() > 1,
        "can_see_history": user.has_perm("reviews.view_all_reviews"),
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
    """The latest submission against the one before, section by section."""
    versions = list(review.snapshots.order_by("-version")[:2])
    if not versions:
        raise Http404
    newer, older = versions[0], (versions[1] if len(versions) > 1 else None)
    titles = {i.code: f"{i.code} {i.title}" for i in editor.matrix_indicators(review)}
    changes = snapshots.diff(older.content if older else None, newer.content, titles)
    context = {"review": review, "newer": newer, "older": older, "changes": changes}
    return render(request, "reviews/review_changes.html", context)
