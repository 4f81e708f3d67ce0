"""Each role's home page says what to do next (issue 17): a focal point's review of the open
cycle, the reviews waiting for the secretariat (the oldest first), an admin's cycle tasks, what
the Board has not seen yet. Their query counts do not grow with the countries, indicators and
comments."""

import datetime
import re

import pgtrigger
import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from countries.models import Country
from indicators import matrix_io
from indicators import services as cycle_services
from indicators.models import Area, CycleStatus, Indicator, IndicatorType, ReviewCycle
from reports.models import ReportKind
from reviews import services
from reviews.models import CommentThread, Review, ReviewStatus
from tests.support import factories
from tests.support.clients import client_for
from tests.support.reviews import fill

KENYA_REASON = "Please add the 2023 figures for the network.\nالرجاء إضافة أرقام 2023."


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, element_id: str) -> str:
    """The element with this id and what follows it up to the next section of the page."""
    start = html.index(f'id="{element_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def text_of(html: str) -> str:
    """The text a person reads: tags removed, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def submitted_days_ago(review: Review, days: int) -> None:
    """Move the review's whole history `days` back, so that its latest submission was made
    `days` ago (transitions are otherwise immutable)."""
    with pgtrigger.ignore("reviews.Transition:transition_immutable"):
        review.transitions.update(at=F("at") - datetime.timedelta(days=days))


# --- Focal point ------------------------------------------------------------------------------


def test_a_focal_point_without_a_review_is_asked_to_start_it(open_cycle, focal_point, kenya):
    client = client_for(focal_point)
    html = home(client)
    step = text_of(section(html, "next-step"))
    assert "Your next step" in step
    assert open_cycle.name in step
    overdue = (timezone.localdate() - open_cycle.deadline).days  # the seeded deadline has passed
    assert f"deadline March 31, 2023, {overdue} days overdue" in step
    assert "Not started" in step
    assert f'action="/reviews/start/{open_cycle.pk}/"' in section(html, "next-step")
    assert "Start the review" in step
    # The network line is still there, lower down.
    assert html.index("Your next step") < html.index("municipalities take part in the National")

    response = client.post(f"/reviews/start/{open_cycle.pk}/")
    review = Review.objects.get(country=kenya, cycle=open_cycle)
    assert response.status_code == 302 and response.url == f"/reviews/{review.pk}/edit/"


def test_a_draft_shows_its_progress_by_section_and_outcome(draft_review, focal_point):
    client = client_for(focal_point)
    html = home(client)
    step = section(html, "next-step")
    assert f'href="/reviews/{draft_review.pk}/edit/">Continue the review' in step
    assert "Start the review" not in html
    assert "Draft" in text_of(step)
    progress = text_of(section(html, "progress"))
    assert "Sections: 0 of 7 required sections written" in progress
    assert "Indicators: 0 of 22 answered" in progress
    assert "See the 16 things missing before the review can be submitted" in progress
    assert f'href="/reviews/{draft_review.pk}/edit/#section-measures"' in html

    fill(draft_review, focal_point)
    progress = text_of(section(home(client), "progress"))
    assert "Sections: 7 of 7 required sections written" in progress
    assert "Indicators: 9 of 22 answered" in progress
    assert "Everything required is there." in progress


def test_a_returned_review_shows_the_reason_and_the_open_comments(
    submitted_review, focal_point, reviewer
):
    indicator = Indicator.objects.get(matrix=submitted_review.cycle.matrix, code="1.4")
    services.add_comment(submitted_review, by=reviewer, body="Which towns joined?",
                         indicator=indicator)  # fmt: skip
    services.add_comment(submitted_review, by=reviewer, body="Name the law.", section="measures")
    resolved = services.add_comment(submitted_review, by=reviewer, body="Typo in the summary.")
    services.set_thread_status(resolved, by=reviewer, resolved=True)
    review = services.return_review(submitted_review, by=reviewer, reason=KENYA_REASON)

    html = home(client_for(focal_point))
    step = section(html, "next-step")
    assert "Returned for revision" in text_of(step)
    # The reason as typed, each line in its own direction.
    assert '<p class="mb-0" dir="auto">Please add the 2023 figures for the network.</p>' in step
    assert '<p class="mb-0" dir="auto">الرجاء إضافة أرقام 2023.</p>' in step
    assert "2 open comments to address" in text_of(step)
    assert f'href="/reviews/{review.pk}/edit/">Continue the review' in step
    threads = section(html, "open-threads")
    # each link goes to the thread, shown in the editor beside its indicator or section
    on_1_4 = review.threads.get(indicator=indicator).pk
    on_measures = review.threads.get(section="measures").pk
    assert f'href="/reviews/{review.pk}/edit/#thread-{on_1_4}"' in threads
    assert f'href="/reviews/{review.pk}/edit/#thread-{on_measures}"' in threads
    assert "Which towns joined?" in threads and "Name the law." in threads
    assert "Typo in the summary." not in threads  # resolved


def test_a_submitted_review_is_only_to_be_seen(submitted_review, focal_point):
    html = home(client_for(focal_point))
    step = section(html, "next-step")
    assert f'href="/reviews/{submitted_review.pk}/">See the submitted review' in step
    assert "The review was submitted on" in text_of(step)
    assert "Continue the review" not in html and "Start the review" not in html
    assert 'id="progress"' not in html


def test_without_an_open_cycle_the_next_one_is_announced_and_earlier_reviews_listed(
    focal_point, kenya, secretariat_admin
):
    day = datetime.date(2020, 1, 1)
    published = ReviewCycle.objects.create(name="Published cycle", assembly="A", opens_on=day,
                                           deadline=day.replace(month=6), status="published")  # fmt: skip
    earlier = Review.objects.create(country=kenya, cycle=published, status="published")
    opens = timezone.localdate() + datetime.timedelta(days=40)
    cycle_services.create_cycle(by=secretariat_admin, name="Next cycle", assembly="B",
                                opens_on=opens, deadline=opens.replace(year=opens.year + 1))  # fmt: skip

    html = home(client_for(focal_point))
    step = text_of(section(html, "next-step"))
    assert "No review cycle is open at the moment" in step
    assert f"The next cycle is planned to open on {date_format(opens, 'DATE_FORMAT')}." in step
    assert "Next cycle" not in html  # a cycle in planning is not shown to focal points
    assert f'href="/reviews/{earlier.pk}/"' in section(html, "earlier-reviews")


# --- Secretariat ------------------------------------------------------------------------------


@pytest.fixture
def waiting(open_cycle, kenya, colombia, focal_point, other_focal_point, reviewer):
    """Kenya's review submitted 5 days ago after a first round; Colombia's 2 days ago; Brazil
    a draft and Japan returned."""
    kenya_review = fill(services.start_review(kenya, open_cycle, by=focal_point), focal_point)
    services.submit_review(kenya_review, by=focal_point)
    services.return_review(kenya_review, by=reviewer, reason="Add the 2023 figures.")
    kenya_review = services.submit_review(kenya_review, by=focal_point)
    submitted_days_ago(kenya_review, 5)
    colombia_review = fill(services.start_review(colombia, open_cycle, by=other_focal_point),
                           other_focal_point)  # fmt: skip
    colombia_review = services.submit_review(colombia_review, by=other_focal_point)
    submitted_days_ago(colombia_review, 2)
    brazil = Country.objects.get(iso3="BRA")
    services.start_review(brazil, open_cycle, by=factories.make_focal_point(brazil))
    japan = Country.objects.get(iso3="JPN")
    japan_focal = factories.make_focal_point(japan)
    japan_review = services.submit_review(
        fill(services.start_review(japan, open_cycle, by=japan_focal), japan_focal), by=japan_focal
    )
    services.return_review(japan_review, by=reviewer, reason="More.")
    return {"kenya": kenya_review, "colombia": colombia_review}


def test_the_reviewer_sees_the_oldest_submission_first_and_resubmissions_marked(
    waiting, reviewer, open_cycle
):
    html = home(client_for(reviewer))
    assert "2 reviews wait for your decision." in text_of(html)
    table = section(html, "waiting-table")
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    first, second = (text_of(row) for row in rows[1:])  # after the header
    assert first == f"Kenya Resubmitted {open_cycle.name} {date_of(waiting['kenya'])} 5 days"
    assert second == f"Colombia {open_cycle.name} {date_of(waiting['colombia'])} 2 days"
    assert f'href="/reviews/{waiting["kenya"].pk}/">Open the oldest: <bdi>Kenya</bdi>' in html
    in_progress = section(html, "in-progress")
    assert f'href="/reviews/queue/?cycle={open_cycle.pk}&amp;status=draft"' in in_progress
    counts = text_of(in_progress)
    assert "1 Draft" in counts and "1 Returned for revision" in counts
    assert f"{Country.objects.count() - 4} Not started" in counts
    assert "Cycle tasks" not in html  # an admin's
    assert "Member States at a glance" in html and "Champion countries" in html
    assert html.index("Waiting for you") < html.index("Member States at a glance")


def date_of(review: Review) -> str:
    at = review.transitions.filter(to_status=ReviewStatus.SUBMITTED).latest("at").at
    return date_format(timezone.localdate(at), "DATE_FORMAT")


def test_nothing_waiting_is_said_plainly(open_cycle, reviewer):
    html = home(client_for(reviewer))
    waiting = section(html, "waiting")
    assert 'class="empty-state"' in waiting
    assert "Nothing waits for your decision" in text_of(waiting)
    assert 'href="/reviews/queue/"' in waiting


def test_the_admin_sees_the_reviewers_page_and_the_cycle_tasks(
    waiting, secretariat_admin, open_cycle, reviewer
):
    day = timezone.localdate() + datetime.timedelta(days=30)
    planning = cycle_services.create_cycle(by=secretariat_admin, name="Next cycle", assembly="B",
                                           opens_on=day, deadline=day.replace(year=day.year + 1))  # fmt: skip
    closed = cycle_services.create_cycle(
        by=secretariat_admin, name="Closed cycle", assembly="C",
        opens_on=datetime.date(2019, 1, 1), deadline=datetime.date(2019, 6, 1),
    )  # fmt: skip
    ReviewCycle.objects.filter(pk=closed.pk).update(status=CycleStatus.CLOSED)
    Review.objects.create(country=Country.objects.get(iso3="FRA"), cycle=closed, status="approved")

    html = home(client_for(secretariat_admin))
    assert "Waiting for you" in html and "Kenya" in section(html, "waiting-table")
    tasks = section(html, "cycle-tasks")
    text = text_of(tasks)
    assert "Next cycle" in text and "Build the matrix" in text
    assert f'href="/cycles/{planning.pk}/">Build the matrix' in tasks
    passed = (timezone.localdate() - open_cycle.deadline).days
    assert f"passed {passed} days ago: close the cycle" in text
    assert f'href="/cycles/{open_cycle.pk}/close/">Close the cycle' in tasks
    assert f'href="/reports/cycles/{closed.pk}/">Prepare the compiled report' in tasks
    assert "1 approved review waits to be published with the cycle." in text
    assert f'href="/cycles/{closed.pk}/publish/">Publish the cycle' in tasks


# --- Executive Board --------------------------------------------------------------------------


@pytest.fixture
def published(kenya, colombia, secretariat_admin):
    """A published cycle with Kenya's and Colombia's review PDFs and a compiled report."""
    day = datetime.date(2020, 1, 1)
    cycle = ReviewCycle.objects.create(name="Published cycle", assembly="First session",
                                       opens_on=day, deadline=day.replace(month=6),
                                       status="published")  # fmt: skip
    for country in (kenya, colombia):
        review = Review.objects.create(country=country, cycle=cycle, status="published")
        factories.make_report_file(cycle, ReportKind.REVIEW, review=review, by=secretariat_admin)
    factories.make_report_file(cycle, ReportKind.DOSSIER, number=1, by=secretariat_admin)
    return cycle


def test_the_board_sees_what_is_new_since_its_last_visit(
    published, board_member, secretariat_admin
):
    client = client_for(board_member)
    html = home(client)
    board = text_of(section(html, "published"))
    assert "Published cycle" in board
    assert "Compiled report, version 1 · English New" in board
    assert "2 approved country reviews · 2 new" in board
    assert 'href="/reports/"' in html
    assert "Waiting for you" not in html and "Cycle tasks" not in html
    # Still new while the visit goes on (the same session), …
    assert "version 1 · English New" in text_of(section(home(client), "published"))

    # … not in the next one; what came since is.
    factories.make_report_file(published, ReportKind.DOSSIER, number=2, by=secretariat_admin)
    board = text_of(section(home(client_for(board_member)), "published"))
    assert "Compiled report, version 2 · English New" in board
    assert "version 1 · English New" not in board
    assert "2 approved country reviews · Every report of the Published cycle" in board
    assert "Marked “New”: published since your last visit" in board


def test_anonymous_visitors_get_the_public_front_page(anonymous, db):
    response = anonymous.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/accounts/login/"' in html
    assert "Your next step" not in html and "Waiting for you" not in html


# --- Query counts -----------------------------------------------------------------------------


def queries(client) -> list[str]:
    client.get("/")  # warm up
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def grow(open_cycle, reviewer, *, countries: int, threads: int) -> None:
    """`countries` more countries with a review each, every other one submitted (some
    resubmitted) with `threads` comment threads."""
    taken = Review.objects.filter(cycle=open_cycle).values("country")
    for n, country in enumerate(Country.objects.exclude(pk__in=taken).order_by("name")[:countries]):
        user = factories.make_focal_point(country)
        review = fill(services.start_review(country, open_cycle, by=user), user)
        if n % 2:
            continue
        review = services.submit_review(review, by=user)
        for t in range(threads):
            services.add_comment(review, by=reviewer, body=f"Comment {t}.", section="measures")
        if n % 4 == 0:
            services.return_review(review, by=reviewer, reason="Again.")
            services.submit_review(review, by=user)


def with_more_indicators(cycle: ReviewCycle, admin, extra: int) -> ReviewCycle:
    """A new open cycle: `cycle`'s matrix and `extra` more indicators; `cycle` is closed."""
    bigger = cycle_services.create_cycle(
        by=admin, name="2025–2027 review cycle", assembly="Third session",
        opens_on=datetime.date(2025, 7, 1), deadline=datetime.date(2027, 3, 31),
    )  # fmt: skip
    matrix_io.copy_tree(cycle.matrix, bigger.matrix, django_apps.get_model)
    area = Area.objects.filter(matrix=bigger.matrix).order_by("pk").last()
    for n in range(extra):
        cycle_services.save_node(Indicator(matrix=bigger.matrix, area=area, code=f"9.{n + 1}",
                                           title=f"Extra {n}", type=IndicatorType.WHOLE_NUMBER))  # fmt: skip
    cycle_services.close_cycle(cycle, by=admin)
    return cycle_services.open_cycle(bigger, by=admin)


def returned_with_threads(review: Review, focal, reviewer, threads: int) -> Review:
    review = services.submit_review(fill(review, focal), by=focal)
    indicator = Indicator.objects.filter(matrix=review.cycle.matrix).order_by("pk").first()
    for t in range(threads):
        target = {"indicator": indicator} if t % 2 else {"section": "measures"}
        thread = services.add_comment(review, by=reviewer, body=f"Comment {t}.", **target)
        services.reply(thread, by=focal, body="Done.")
    return services.return_review(review, by=reviewer, reason="See the comments.")


def test_the_focal_points_home_does_not_grow(
    open_cycle, kenya, focal_point, reviewer, secretariat_admin
):
    client = client_for(focal_point)
    returned_with_threads(services.start_review(kenya, open_cycle, by=focal_point), focal_point,
                          reviewer, 1)  # fmt: skip
    grow(open_cycle, reviewer, countries=2, threads=1)
    before = queries(client)

    bigger = with_more_indicators(open_cycle, secretariat_admin, 20)
    review = returned_with_threads(services.start_review(kenya, bigger, by=focal_point),
                                   focal_point, reviewer, 30)  # fmt: skip
    grow(bigger, reviewer, countries=30, threads=5)
    for _ in range(10):
        factories.make_municipality(kenya)
    html = home(client)
    assert "Indicators: 9 of 42 answered" in text_of(html)
    assert "30 open comments" in text_of(html) and f"/reviews/{review.pk}/edit/" in html
    after = queries(client)
    assert len(after) == len(before), "\n".join(after)


def test_the_secretariat_and_board_homes_do_not_grow(
    open_cycle, reviewer, secretariat_admin, board_member, published
):
    clients = {user: client_for(user) for user in (reviewer, secretariat_admin, board_member)}
    grow(open_cycle, reviewer, countries=3, threads=1)
    before = {user: queries(client) for user, client in clients.items()}

    grow(open_cycle, reviewer, countries=30, threads=5)
    for review in Review.objects.filter(cycle=open_cycle)[:20]:
        other = Review.objects.create(country=review.country, cycle=published, status="published")
        factories.make_report_file(published, ReportKind.REVIEW, review=other, by=reviewer)
    assert "Resubmitted" in home(clients[reviewer])
    assert "22 approved country reviews" in text_of(home(clients[board_member]))
    wrong = []
    for user, client in clients.items():
        after = queries(client)
        if len(after) != len(before[user]):
            wrong.append(f"{user}: {len(before[user])} queries, then {len(after)}")
    assert not wrong, wrong


def test_a_resolved_thread_is_not_an_open_comment(submitted_review, reviewer, focal_point):
    thread = services.add_comment(submitted_review, by=reviewer, body="Fine now.")
    services.set_thread_status(thread, by=reviewer, resolved=True)
    services.return_review(submitted_review, by=reviewer, reason="One more figure.")
    assert CommentThread.objects.filter(review=submitted_review).count() == 1
    html = home(client_for(focal_point))
    assert 'id="open-threads"' not in html and "open comment" not in text_of(html)
