"""What each role's home page shows, its next step first (issue 17).

- A focal point: the open cycle, its deadline, their country's review and its state, the
  progress of the review (the editor's own `progress_of` and `missing_for_submission`), the
  return reason and open comments, one button to continue; their earlier reviews.
- The secretariat: the submitted reviews waiting for a decision, the oldest first; the reviews
  in progress of the open cycles; for admins, the cycles' own tasks.
- The Board: the published cycles and their reports, what is new since their last visit.

Each builder makes a fixed number of queries, whatever the number of countries, indicators,
reviews and comments (tests/dashboard/test_homes.py).
"""

import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, prefetch_related_objects
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from countries.models import NETWORK_TARGET, Country, Engagement
from indicators.models import CycleStatus, Indicator, ReviewCycle
from reports.models import ReportFile, ReportKind
from reviews import carry, contributors, editor, peers
from reviews.models import PeerAssessment, Review, ReviewStatus, ThreadStatus
from reviews.views.queue import days_since, with_submissions

WAITING_SHOWN = 10  # submitted reviews listed on the home page; the queue has them all


# --- Focal point ------------------------------------------------------------------------------


def focal_point_home(user: User, today: datetime.date) -> dict:
    """The open cycle, the country's review of it and what to do next; earlier reviews."""
    country = user.country
    assert country is not None
    reviews = list(
        Review.objects.filter(country=country).select_related("cycle").order_by("-cycle__opens_on")
    )
    by_cycle = {review.cycle_id: review for review in reviews}
    open_cycles = list(ReviewCycle.objects.filter(status=CycleStatus.OPEN).order_by("deadline"))
    context: dict = {
        "country": country,
        "network_size": country.municipalities.count(),
        "target": NETWORK_TARGET,
        "earlier": [r for r in reviews if r.cycle.status != CycleStatus.OPEN],
        # What a new review may start from (reviews/carry.py), offered with "Start empty".
        "last_review": carry.latest_of(reviews),
        # Other open cycles than the first one to finish, if any (rare), each with its review.
        "other_open": [(cycle, by_cycle.get(cycle.pk)) for cycle in open_cycles[1:]],
    }
    if not open_cycles:
        # Only the date: a cycle in planning is not shown to focal points otherwise.
        planned = ReviewCycle.objects.filter(status=CycleStatus.PLANNING, opens_on__gte=today)
        context["next_opens_on"] = (
            planned.order_by("opens_on").values_list("opens_on", flat=True).first()
        )
        return context
    cycle = open_cycles[0]
    review = by_cycle.get(cycle.pk)
    context |= {"cycle": cycle, "review": review, "days_left": (cycle.deadline - today).days}
    context["days_overdue"] = -context["days_left"]
    if review is None:
        context["action"] = "start"
        return context
    context["action"] = "edit" if review.is_editable else "detail"
    if review.is_editable:
        context |= _progress(review)
    context["returned"] = editor.last_return(review)
    if review.status == ReviewStatus.SUBMITTED:
        submissions = review.transitions.filter(to_status=ReviewStatus.SUBMITTED)
        context["submitted_at"] = submissions.aggregate(at=Max("at"))["at"]
    context["threads"] = _open_threads(review)
    return context


def _progress(review: Review) -> dict:
    """The editor's progress and missing list ("Ready to submit?"), summed up."""
    prefetch_related_objects([review], "answers")
    indicators = list(editor.matrix_indicators(review))
    progress = editor.progress_of(review, indicators)
    required = [row for row in progress["sections"] if row["section"].required]
    outcomes = list(progress["outcomes"].items())
    return {
        "progress": progress,
        "missing": editor.missing_for_submission(review, indicators),
        "sections_written": sum(1 for row in required if row["state"] == "written"),
        "sections_required": len(required),
        "answered": sum(row["answered"] for _outcome, row in outcomes),
        "indicators": sum(row["total"] for _outcome, row in outcomes),
    }


def _open_threads(review: Review) -> list[dict]:
    """The review's open comment threads, each with a link to its place: in the editor while
    the review can be edited, else on the review's page."""
    threads = [t for t in editor.threads_of(review) if t.status == ThreadStatus.OPEN]
    base = reverse("reviews:edit" if review.is_editable else "reviews:detail", args=[review.pk])
    shown = []
    for thread in threads:
        comments = list(thread.comments.all())
        shown.append({
            "label": thread.target_label,
            "link": f"{base}#thread-{thread.pk}",
            "first": comments[0].body if comments else "",
            "replies": max(len(comments) - 1, 0),
        })  # fmt: skip
    return shown


# --- National contributor --------------------------------------------------------------------


def contributor_home(user: User, today: datetime.date) -> dict:
    """A member of a national drafting team: their country's review of the open cycle, the
    sections and outcomes assigned to them with their progress, the deadline; nothing else."""
    contribution = user.contribution
    assert contribution is not None
    part = contributors.part_of(user)
    home: dict = {"contribution": contribution}
    cycle = ReviewCycle.objects.filter(status=CycleStatus.OPEN).order_by("deadline").first()
    if cycle is None:
        return {"team_home": home}
    review = Review.objects.visible_to(user).filter(cycle=cycle).select_related("cycle").first()
    home |= {"cycle": cycle, "review": review, "days_left": (cycle.deadline - today).days}
    if review is not None:
        prefetch_related_objects([review], "answers")
        progress = editor.progress_of(review, list(editor.matrix_indicators(review)))
        home["sections"] = [
            row for row in progress["sections"] if part.has_section(row["section"].key)
        ]
        home["outcomes"] = [
            (outcome, row)
            for outcome, row in progress["outcomes"].items()
            if outcome.code in part.outcomes
        ]
    return {"team_home": home}


def peer_home(user: User) -> dict:
    """A peer's assignments (an expert of a partner organisation, or a focal point who is the
    peer of another Member State's review): the ones to write first."""
    mine = list(
        PeerAssessment.objects.filter(peer=user)
        .select_related("review__country", "review__cycle")
        .order_by("sent_at", "-assigned_at", "pk")
    )
    to_write = [a for a in mine if a.status in peers.EDITABLE]
    return {"peer_home": {"to_write": to_write, "others": [a for a in mine if a not in to_write]}}


# --- Secretariat ------------------------------------------------------------------------------


def reviewer_home(today: datetime.date) -> dict:
    """The submitted reviews, the oldest submission first, and the open cycles' progress."""
    submitted = with_submissions(Review.objects.filter(status=ReviewStatus.SUBMITTED))
    waiting = [
        {
            "review": review,
            "submitted_at": review.submitted_at,
            "days": days_since(review.submitted_at, today),
            "resubmitted": review.submissions > 1,
        }
        for review in submitted.select_related("country", "cycle")
        .only("pk", "status", "country__name", "cycle__name")
        .order_by("submitted_at", "pk")
    ]
    statuses = (ReviewStatus.DRAFT, ReviewStatus.RETURNED, ReviewStatus.APPROVED)
    open_cycles = ReviewCycle.objects.filter(status=CycleStatus.OPEN).order_by("deadline")
    counted = open_cycles.annotate(
        started=Count("reviews"),
        **{status: Count("reviews", filter=Q(reviews__status=status)) for status in statuses},
    )
    countries = Country.objects.count()
    in_progress = [
        {
            "cycle": cycle,
            "days_left": (cycle.deadline - today).days,
            "counts": [
                (status, ReviewStatus(status).label, getattr(cycle, status)) for status in statuses
            ]
            + [("not_started", None, countries - cycle.started)],
        }
        for cycle in counted
    ]
    return {
        "waiting": waiting[:WAITING_SHOWN],
        "waiting_count": len(waiting),
        "in_progress": in_progress,
    }


def cycle_tasks(user: User, today: datetime.date) -> list[dict]:
    """What the cycles ask of an admin, each with the page where it is done: a matrix to
    build and a cycle to open, a deadline passed (close), a closed cycle's compiled report to
    prepare and its approved reviews to publish."""
    can_compile = user.has_perm("reports.compile_reports")
    cycles = (
        ReviewCycle.objects.exclude(status=CycleStatus.PUBLISHED)
        .annotate(
            approved=Count("reviews", filter=Q(reviews__status=ReviewStatus.APPROVED)),
            has_indicators=Exists(
                Indicator.objects.filter(
                    matrix__cycle=OuterRef("pk"), matrix__frozen_at__isnull=True
                )
            ),
            compiled=Exists(
                ReportFile.objects.filter(cycle=OuterRef("pk"), kind=ReportKind.DOSSIER)
            ),
        )
        .order_by("opens_on", "pk")
    )
    tasks: list[dict] = []

    def task(cycle, kind: str, url_name: str, *args, **extra) -> None:
        url = reverse(url_name, args=[cycle.pk, *args])
        tasks.append({"cycle": cycle, "kind": kind, "url": url, **extra})

    for cycle in cycles:
        if cycle.status == CycleStatus.PLANNING and not cycle.has_indicators:
            task(cycle, "build", "indicators:detail")
        elif cycle.status == CycleStatus.PLANNING:
            task(cycle, "open", "indicators:transition", "open")
        elif cycle.status == CycleStatus.OPEN and cycle.deadline < today:
            task(cycle, "close", "indicators:transition", "close",
                 days=(today - cycle.deadline).days)  # fmt: skip
        elif cycle.status == CycleStatus.CLOSED:
            if can_compile and not cycle.compiled:
                task(cycle, "compile", "reports:cycle")
            task(cycle, "publish", "indicators:transition", "publish", approved=cycle.approved)
    return tasks


def member_states() -> dict:
    """The countries by engagement and the champions (the secretariat's and Board's overview)."""
    by_engagement = dict(
        Country.objects.values_list("engagement").annotate(n=Count("pk")).order_by()
    )
    return {
        "engagement": [(label, by_engagement.get(value, 0)) for value, label in Engagement.choices],
        "champions": Country.objects.filter(is_champion=True).count(),
    }


# --- Executive Board --------------------------------------------------------------------------

SINCE = "home_since"  # the session's "last visit": kept for the whole session


def last_visit(request: HttpRequest) -> datetime.datetime | None:
    """When the person last opened their home page before this session (None: never).

    The first home page of a session reads `User.home_visited_at` and keeps it in the session,
    so that what is new stays marked "New" while they read it; every home page then records the
    visit, so that the next session marks only what came after.
    """
    user = request.user
    assert isinstance(user, User)
    if SINCE not in request.session:
        previous = user.home_visited_at
        request.session[SINCE] = previous.isoformat() if previous else ""
    User.objects.filter(pk=user.pk).update(home_visited_at=timezone.now())
    since = request.session[SINCE]
    return datetime.datetime.fromisoformat(since) if since else None


def board_home(request: HttpRequest) -> dict:
    """The published cycles, newest first, with the latest compiled report in each language
    and the number of country reviews; "new" what was published or built after `since`."""
    since = last_visit(request)

    def is_new(moment: datetime.datetime | None) -> bool:
        return moment is not None and (since is None or moment > since)

    files = ReportFile.objects.visible_to(request.user).filter(
        cycle__status=CycleStatus.PUBLISHED, draft=False
    )
    compiled: dict[int, list] = {}
    latest = (
        files.filter(kind=ReportKind.DOSSIER)
        .order_by("cycle_id", "language", "-number")
        .distinct("cycle_id", "language")
        .select_related("cycle")
    )
    for report in latest:
        language = translation.get_language_info(report.language)["name_local"]
        compiled.setdefault(report.cycle_id, []).append(
            {"report": report, "language": language, "new": is_new(report.built_at)}
        )
    # Every country review is new to someone who never came.
    newer = Q(built_at__gt=since) if since else Q(pk__isnull=False)
    review_counts = {
        row["cycle_id"]: row
        for row in files.filter(kind=ReportKind.REVIEW)
        .values("cycle_id")
        .annotate(
            n=Count("review_id", distinct=True), new=Count("review_id", distinct=True, filter=newer)
        )
        .order_by()
    }
    published_at = Max("events__at", filter=Q(events__to_status=CycleStatus.PUBLISHED))
    cycles = []
    for cycle in (
        ReviewCycle.objects.filter(status=CycleStatus.PUBLISHED)
        .annotate(published_at=published_at)
        .order_by("-opens_on", "name")
    ):
        counts = review_counts.get(cycle.pk, {"n": 0, "new": 0})
        cycles.append({
            "cycle": cycle, "published_at": cycle.published_at,
            "new": is_new(cycle.published_at), "compiled": compiled.get(cycle.pk, []),
            "reviews": counts["n"], "new_reviews": counts["new"],
        })  # fmt: skip
    return {"published": cycles, "since": since}
