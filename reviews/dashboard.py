"""A cycle's dashboard and the export of its indicator answers (SPEC §7)."""

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from config import spreadsheets
from countries.models import Country, FocalPoint
from indicators.answers import SEXES
from indicators.models import CycleStatus, Indicator, ReviewCycle
from reviews import dossier, success
from reviews.models import Answer, Review, ReviewStatus
from reviews.reports import require_any

DONE = (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, ReviewStatus.PUBLISHED)


def dashboard_cycles(user):
    """The secretariat sees every cycle past planning; the Board the published ones."""
    if user.has_perm("reviews.view_all_reviews"):
        return ReviewCycle.objects.exclude(status=CycleStatus.PLANNING)
    return ReviewCycle.objects.filter(status=CycleStatus.PUBLISHED)


def dashboard(request: HttpRequest, cycle: int) -> HttpResponse:
    """Countries by status and region, the deadline, overdue countries, indicators of success."""
    require_any(request, "reviews.view_all_reviews", "accounts.read_board_documents")
    cycle_obj = get_object_or_404(dashboard_cycles(request.user), pk=cycle)
    today = timezone.localdate()
    reviews = {
        r.country_id: r
        for r in Review.objects.filter(cycle=cycle_obj)
        .order_by()  # a dict: the default ordering would only add joins
        .only("pk", "country_id", "status")
    }
    member_states = Country.objects.filter(is_member_state=True)
    waiting = [
        pk
        for pk in member_states.values_list("pk", flat=True)
        if pk not in reviews or reviews[pk].status not in DONE
    ]
    days_left = (cycle_obj.deadline - today).days
    overdue = []
    if days_left < 0 and cycle_obj.status != CycleStatus.PUBLISHED:
        # The countries and their focal points only when the overdue list is shown.
        overdue = [
            (country, reviews.get(country.pk))
            for country in member_states.filter(pk__in=waiting).prefetch_related(
                Prefetch(
                    "focal_points", queryset=FocalPoint.objects.active().select_related("user")
                )
            )
        ]
    context = {
        "cycle": cycle_obj,
        "cycles": dashboard_cycles(request.user),
        "participation": dossier.participation(
            cycle_obj, {country_id: review.status for country_id, review in reviews.items()}
        ),
        "success": success.indicators_of_success(success.approved_contents(cycle_obj)),
        "days_left": days_left,
        "days_overdue": -days_left,
        "overdue": overdue,
        "waiting_count": len(waiting),
        "today": today,
    }
    return render(request, "reviews/dashboard.html", context)


COLUMNS = [
    "country", "iso3", "region", "review_status", "indicator", "title", "type", "unit",
    "value", "female", "male", "total", "currency", "reference_year", "source", "note",
    "not_available", "reason",
]  # fmt: skip


@require_safe
def answers_export(request: HttpRequest, cycle: int, fmt: str) -> HttpResponse:
    """One row per country × indicator of the reviews the user may see, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    require_any(request, "reviews.view_review", "accounts.read_board_documents")
    cycle_obj = get_object_or_404(ReviewCycle.objects.visible_to(request.user), pk=cycle)
    rows = export_rows(cycle_obj, Review.objects.visible_to(request.user).filter(cycle=cycle_obj))
    name = f"answers-{cycle_obj.name.replace('–', '-').replace(' ', '-')}"
    if fmt == "xlsx":
        body = spreadsheets.to_xlsx(COLUMNS, rows, title=_("Answers"))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = spreadsheets.to_csv(COLUMNS, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def export_rows(cycle: ReviewCycle, reviews) -> list[list]:
    indicators = list(
        Indicator.objects.filter(matrix__cycle=cycle, matrix__frozen_at__isnull=False)
        .select_related("area__outcome", "matrix")
        .prefetch_related("options")
        .order_by("matrix__version", "area__outcome__order", "area__order", "order")
    )
    answers = {
        (a.review_id, a.indicator_id): a
        for a in Answer.objects.filter(review__in=reviews, is_valid=True)
    }
    matrix = cycle.matrix
    rows = []
    for review in reviews.select_related("country").order_by("country__name"):
        for indicator in indicators:
            if indicator.matrix_id != matrix.pk and (review.pk, indicator.pk) not in answers:
                continue  # an older matrix version's indicator this review did not answer
            rows.append(_row(review, indicator, answers.get((review.pk, indicator.pk))))
    return rows


def _row(review: Review, indicator: Indicator, answer: Answer | None) -> list:
    country = review.country
    head = [country.name, country.iso3, country.region, review.status, indicator.code,
            indicator.title, indicator.type, indicator.unit]  # fmt: skip
    if answer is None:
        return head + [""] * 10
    labels = {o.value: o.label for o in indicator.options.all()}

    def show(value):
        if value is True:
            return _("yes")
        if value is False:
            return _("no")
        return labels.get(value, value if value is not None else "")

    values = answer.values
    by_sex = [show(values.get(sex)) for sex, _label in SEXES] if indicator.by_sex else ["", "", ""]
    return head + [
        "" if indicator.by_sex else show(values.get("value")), *by_sex, answer.currency,
        answer.reference_year or "", answer.source, answer.note,
        _("yes") if answer.not_available else "", answer.reason,
    ]  # fmt: skip
