"""The secretariat's queue: every country's review of a cycle, what needs action first."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import permission_required
from accounts.http import PortalRequest
from countries.models import Country, Region
from indicators.models import CycleStatus, ReviewCycle
from reviews.models import Review, ReviewStatus, status_badge

NOT_STARTED = "not_started"
# The order of the queue: what waits for the secretariat first, then what waits for the
# country, then what is done; the countries that have not started come last (folded away).
ACTION_ORDER = [
    ReviewStatus.SUBMITTED,
    ReviewStatus.RETURNED,
    ReviewStatus.DRAFT,
    ReviewStatus.APPROVED,
    ReviewStatus.PUBLISHED,
    ReviewStatus.WITHDRAWN,
    NOT_STARTED,
]


def with_submissions(reviews: QuerySet) -> QuerySet:
    """The reviews with `submitted_at` (the latest submission: the latest transition to
    "submitted") and `submissions` (how many times they were submitted), in the same query."""
    submitted = Q(transitions__to_status=ReviewStatus.SUBMITTED)
    return reviews.annotate(
        submitted_at=Max("transitions__at", filter=submitted),
        submissions=Count("transitions", filter=submitted),
    )


def days_since(moment: datetime.datetime | None, today: datetime.date) -> int | None:
    """Whole days from `moment` (in the portal's time zone) to `today`."""
    return None if moment is None else (today - timezone.localdate(moment)).days


@dataclass
class Row:
    """One country of the queue, worked out once per page (not once per row in the
    template): its review (None when not started), labels, badge, link and wait."""

    country: Country
    review: Review | None
    status: str
    link: str  # to the review, or to the country's page when it has not started
    region_label: str
    status_label: str
    badge: str
    submitted_at: datetime.datetime | None = None  # the latest submission, when submitted
    days_waiting: int | None = None
    resubmitted: bool = False


@permission_required("reviews.view_all_reviews")
def review_queue(request: PortalRequest) -> HttpResponse:
    """Every country's review for a cycle, what needs action first (submitted reviews, the
    oldest submission first), the countries not started folded away; filterable."""
    cycles = ReviewCycle.objects.exclude(status=CycleStatus.PLANNING)
    cycle_id = request.GET.get("cycle", "")
    cycle = cycles.filter(pk=cycle_id).first() if cycle_id.isdecimal() else cycles.first()
    status, region = request.GET.get("status", ""), request.GET.get("region", "")
    statuses = [(NOT_STARTED, _("Not started")), *ReviewStatus.choices]
    rows = _queue_rows(cycle, region, statuses)
    counts = {key: sum(1 for r in rows if r.status == key) for key, _label in statuses}
    if status:
        rows, folded = [r for r in rows if r.status == status], []
    else:  # the countries that have not started are counted, and shown on demand
        folded = [r for r in rows if r.status == NOT_STARTED]
        rows = [r for r in rows if r.status != NOT_STARTED]
    context = {
        "cycles": cycles, "cycle": cycle, "rows": rows, "folded": folded, "status": status,
        "statuses": statuses, "region": region, "regions": Region.choices,
        "status_counts": [(value, label, counts[value]) for value, label in statuses],
    }  # fmt: skip
    return render(request, "reviews/review_queue.html", context)


def _queue_rows(cycle: ReviewCycle | None, region: str, statuses: list) -> list[Row]:
    """One row per country of `region` (or all), in the order of ACTION_ORDER: submitted
    reviews by their latest submission (the oldest first), the others by country name."""
    # Only what the rows show: the narrative sections are most of a review's row.
    fields = ("pk", "country_id", "status", "updated_at")
    reviews = (
        {
            r.country_id: r
            for r in with_submissions(Review.objects.filter(cycle=cycle).order_by().only(*fields))
        }
        if cycle
        else {}
    )
    labels = {value: str(label) for value, label in statuses}
    regions = {value: str(label) for value, label in Region.choices}
    only_region = region if region in regions else None
    today = timezone.localdate()
    rows = []
    for country in Country.objects.only("pk", "name", "iso3", "region"):
        if only_region and country.region != only_region:
            continue
        review = reviews.get(country.pk)
        row_status = review.status if review else NOT_STARTED
        row = Row(
            country, review, row_status,
            reverse("reviews:detail", args=[review.pk]) if review
            else reverse("countries:detail", args=[country.iso3]),
            regions.get(country.region, country.region), labels.get(row_status, row_status),
            status_badge(row_status),
        )  # fmt: skip
        if review and row_status == ReviewStatus.SUBMITTED:
            row.submitted_at = getattr(review, "submitted_at", None)
            row.days_waiting = days_since(row.submitted_at, today)
            row.resubmitted = getattr(review, "submissions", 0) > 1
        rows.append(row)
    rank = {value: n for n, value in enumerate(ACTION_ORDER)}
    oldest = datetime.datetime.max.replace(tzinfo=datetime.UTC)

    def order(row: Row):
        return rank.get(row.status, len(rank)), row.submitted_at or oldest

    return sorted(rows, key=order)  # stable: by country name within each group
