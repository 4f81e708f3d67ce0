"""A cycle's dashboard and the export of its indicator answers (SPEC §7)."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from accounts.access import BOARD, any_permission_required, scoped
from accounts.http import PortalRequest
from accounts.models import User
from accounts.roles import Role
from core import spreadsheets
from countries.models import Country, FocalPoint
from dashboard import homes
from dashboard.front import front_page
from indicators.answers import SEXES
from indicators.models import CycleStatus, Indicator, ReviewCycle
from meetings import services as meeting_services
from reports import dossier, success
from reviews.models import Answer, Review, ReviewStatus

DONE = (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, ReviewStatus.PUBLISHED)


def dashboard_cycles(user):
    """The cycles whose dashboard `user` may read: every cycle past planning for the
    secretariat, the published ones for the Board (whose reviews it may read)."""
    return scoped(
        ReviewCycle.objects.exclude(status=CycleStatus.PLANNING), user,
        everything="reviews.view_all_reviews", board=Q(status=CycleStatus.PUBLISHED),
    )  # fmt: skip


def _overdue(member_states, reviews, waiting):
    """The countries still waiting after the deadline, with their active focal points."""
    focal_points = FocalPoint.objects.active().select_related("user")
    return [
        (country, reviews.get(country.pk))
        for country in member_states.filter(pk__in=waiting).prefetch_related(
            Prefetch("focal_points", queryset=focal_points)
        )
    ]


def _meetings_recorded(cycle: ReviewCycle) -> dict:
    """The Expert Group Meetings of the cycle the secretariat recorded as held, and the
    delegations that attended them, beside what countries report (indicator 3.5)."""
    held, attended = meeting_services.attendance(cycle)
    return {
        "label": _("Expert Group Meeting attendances, as recorded by the secretariat"),
        "value": sum(attended.values()),
        "detail": ngettext(
            "%(countries)d country at %(n)d meeting held",
            "%(countries)d countries at %(n)d meetings held",
            held,
        )
        % {"countries": len(attended), "n": held},
    }


@any_permission_required("reviews.view_all_reviews", BOARD)
def dashboard(request: PortalRequest, cycle: int) -> HttpResponse:
    """Countries by status and region, the deadline, overdue countries, indicators of success."""
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
    # The countries and their focal points only when the overdue list is shown.
    late = days_left < 0 and cycle_obj.status != CycleStatus.PUBLISHED
    overdue = _overdue(member_states, reviews, waiting) if late else []
    context = {
        "cycle": cycle_obj,
        "cycles": dashboard_cycles(request.user),
        "participation": dossier.participation(
            cycle_obj, {country_id: review.status for country_id, review in reviews.items()}
        ),
        "success": [
            *success.indicators_of_success(success.approved_contents(cycle_obj)),
            _meetings_recorded(cycle_obj),
        ],
        "days_left": days_left,
        "days_overdue": -days_left,
        "overdue": overdue,
        "waiting_count": len(waiting),
        "today": today,
    }
    return render(request, "dashboard/dashboard.html", context)


COLUMNS = [
    "country", "iso3", "region", "review_status", "indicator", "title", "type", "unit",
    "value", "female", "male", "total", "currency", "reference_year", "source", "note",
    "not_available", "reason",
]  # fmt: skip


@require_safe
@any_permission_required("reviews.view_review", BOARD)
def answers_export(request: PortalRequest, cycle: int, fmt: str) -> HttpResponse:
    """One row per country × indicator of the reviews the user may see, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
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


@require_safe
@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting page: what to do next first (dashboard/homes.py); the public
    front page for visitors who are not signed in (dashboard/front.py)."""
    if not request.user.is_authenticated:
        return front_page(request)
    user = request.user
    assert isinstance(user, User)
    today = timezone.localdate()
    context: dict = {"role": user.role, "today": today}
    if user.role == Role.FOCAL_POINT and user.country:
        context |= homes.focal_point_home(user, today)
    if user.role == Role.CONTRIBUTOR and user.contribution:
        context |= homes.contributor_home(user, today)
    if user.role == Role.PEER or (
        user.has_perm("reviews.assess_review") and user.peer_assessments.exists()
    ):
        context |= homes.peer_home(user)
    if user.has_perm("reviews.view_all_reviews") and user.has_perm("reviews.decide_review"):
        context |= homes.reviewer_home(today)
    if user.has_perm("indicators.change_reviewcycle"):
        context["cycle_tasks"] = homes.cycle_tasks(user, today)
    if user.has_perm(BOARD):
        context |= homes.board_home(request)
    if user.has_perm("countries.view_all_countries"):
        context |= homes.member_states()
    return render(request, "dashboard/home.html", context)
