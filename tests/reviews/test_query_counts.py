"""The review pages make a bounded number of queries (SPEC §10): the same number whether the
matrix has 22 indicators or 42, the review 9 answers or 42, one comment or thirty, the cycle one
review or thirty-one.

Each page is requested once before it is measured (the session and the caches warm up), then
measured with CaptureQueriesContext. When a count differs, the failure lists the queries that
were made more often (numbers in them replaced by N).
"""

import datetime
import hashlib
import re
from collections import Counter

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countries.models import Country
from indicators import matrix_io
from indicators import services as cycle_services
from indicators.models import Area, ChoiceOption, Indicator, IndicatorType
from reviews import editor, services
from reviews.models import Attachment, Comment, CommentThread, GoodPractice, Review
from reviews.sections import SECTIONS
from tests.support.clients import client_for
from tests.support.factories import make_focal_point, make_municipality
from tests.support.reviews import REQUIRED_ANSWERS, fill

EXTRA_INDICATORS = 20
MORE_COUNTRIES = 30


def queries(client, url: str, *, showing: str = "") -> list[str]:
    """The SQL of one request of the page (after a first one), which must show `showing`."""
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert showing in response.content.decode(), f"{url} does not show {showing!r}"
    return [q["sql"] for q in captured.captured_queries]


def more_often(before: list[str], after: list[str]) -> str:
    """The queries whose number changed, with by how much."""

    def pattern(sql: str) -> str:
        return re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'", "'…'", sql))

    counted_before, counted_after = Counter(map(pattern, before)), Counter(map(pattern, after))
    changed = [
        f"{counted_after[p] - counted_before[p]:+d} × {p[:400]}"
        for p in counted_before | counted_after
        if counted_after[p] != counted_before[p]
    ]
    return f"{len(before)} queries, then {len(after)}:\n" + "\n".join(changed)


def answer_for(indicator: Indicator) -> dict:
    """A valid answer of the indicator's type."""
    value = {
        IndicatorType.WHOLE_NUMBER: "7",
        IndicatorType.DECIMAL: "1.5",
        IndicatorType.PERCENTAGE: "40",
        IndicatorType.MONEY: "1000",
        IndicatorType.YES_NO: "yes",
        IndicatorType.YEAR: "2022",
        IndicatorType.FREE_TEXT: "A sentence.",
    }.get(indicator.type)
    if indicator.type == IndicatorType.SINGLE_CHOICE:
        value = indicator.options.first().value
    answer = {"value": value}
    if indicator.by_sex:
        answer = {"value_female": value, "value_male": value, "value_total": "14"}
    if indicator.type == IndicatorType.MONEY:
        answer["currency"] = "KES"
    return answer | {"source": "National statistics office", "reference_year": "2022"}


def add_evidence_and_comments(review: Review, *, threads: int, authors: list) -> None:
    """Good practices, attachments and comment threads (on the whole review, sections and
    indicators), with replies by each of `authors`; one thread in three resolved."""
    indicators = list(editor.matrix_indicators(review))
    for n in range(threads):
        target = {"section": SECTIONS[n % len(SECTIONS)].key} if n % 3 == 1 else {}
        if n % 3 == 2:
            target = {"indicator": indicators[n % len(indicators)]}
        thread = CommentThread.objects.create(review=review, **target)
        for author in authors:
            Comment.objects.create(thread=thread, author=author, body=f"Comment {n} by {author}.")
        if n % 3 == 0 and n:
            thread.status = "resolved"
            thread.resolved_by = authors[0]
            thread.save()
        GoodPractice.objects.create(review=review, title=f"Practice {n}", description="What.")
        data = f"%PDF-1.4 evidence {n}".encode()
        Attachment.objects.create(
            review=review, file=ContentFile(data, name="e.pdf"), original_name=f"e{n}.pdf",
            kind="pdf", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=review.updated_by,
        )  # fmt: skip


def submit_and_return(review: Review, rounds: int, *, focal_point, reviewer) -> Review:
    for n in range(rounds):
        services.submit_review(review, by=focal_point)
        services.return_review(review, by=reviewer, reason=f"Round {n}: see the comments.")
    return Review.objects.get(pk=review.pk)


@pytest.fixture
def bigger_cycle(open_cycle, secretariat_admin):
    """A second open cycle: the first cycle's matrix and 20 more indicators of every type."""
    cycle = cycle_services.create_cycle(
        by=secretariat_admin, name="2025–2027 review cycle", assembly="Third session",
        opens_on=datetime.date(2025, 7, 1), deadline=datetime.date(2027, 3, 31),
    )  # fmt: skip
    matrix_io.copy_tree(open_cycle.matrix, cycle.matrix, django_apps.get_model)
    area = Area.objects.filter(matrix=cycle.matrix).order_by("pk").last()
    kinds = list(IndicatorType)
    for n in range(EXTRA_INDICATORS):
        kind = kinds[n % len(kinds)]
        indicator = Indicator(
            matrix=cycle.matrix, area=area, code=f"9.{n + 1}", title=f"Extra indicator {n + 1}",
            type=kind, required=n % 2 == 0,
            by_sex=kind in (IndicatorType.WHOLE_NUMBER, IndicatorType.DECIMAL) and n % 3 == 0,
        )  # fmt: skip
        cycle_services.save_node(indicator)
        if kind == IndicatorType.SINGLE_CHOICE:
            for value in ["low", "medium", "high"]:
                cycle_services.save_node(
                    ChoiceOption(matrix=cycle.matrix, indicator=indicator, value=value, label=value)
                )
    assert Indicator.objects.filter(matrix=cycle.matrix).count() == 22 + EXTRA_INDICATORS
    return cycle_services.open_cycle(cycle, by=secretariat_admin)


def test_the_editor_and_the_review_page_do_not_grow_with_indicators_answers_or_comments(
    open_cycle, bigger_cycle, kenya, focal_point, reviewer, secretariat_admin
):
    # The first cycle: 22 indicators, the 9 required answered, one comment, one round.
    small = fill(services.start_review(kenya, open_cycle, by=focal_point), focal_point)
    add_evidence_and_comments(small, threads=1, authors=[reviewer])
    small = submit_and_return(small, 1, focal_point=focal_point, reviewer=reviewer)
    pages = {  # what the big review's page shows that the small one's does not
        "editor (focal point)": (focal_point, "/reviews/{}/edit/", "Comment 28 by"),
        "review page (focal point)": (focal_point, "/reviews/{}/", "Comment 29 by"),
        "review page (reviewer)": (reviewer, "/reviews/{}/", "Extra indicator 20"),
    }
    clients = {user: client_for(user) for user in (focal_point, reviewer)}
    before = {
        page: queries(clients[user], url.format(small.pk)) for page, (user, url, _) in pages.items()
    }

    # The second cycle: 42 indicators all answered, 30 threads of 3 comments, 30 practices and
    # attachments, 3 rounds of submission and return; 10 more municipalities in the network.
    big = services.start_review(kenya, bigger_cycle, by=focal_point)
    answers = {i.code: answer_for(i) for i in editor.matrix_indicators(big)} | REQUIRED_ANSWERS
    big = editor.save_draft(
        big, by=focal_point, base_version=big.lock_version,
        sections={s.key: f"{s.title}: Kenya." for s in SECTIONS},
        answer_forms=editor.answer_forms_for(big, answers),
    )  # fmt: skip
    assert big.answers.count() == 42 and all(a.is_valid for a in big.answers.all())
    add_evidence_and_comments(big, threads=30, authors=[reviewer, secretariat_admin, focal_point])
    big = submit_and_return(big, 3, focal_point=focal_point, reviewer=reviewer)
    for _ in range(10):
        make_municipality(kenya)

    wrong = []
    for page, (user, url, showing) in pages.items():
        after = queries(clients[user], url.format(big.pk), showing=showing)
        if len(after) != len(before[page]):
            wrong.append(f"{page}: {more_often(before[page], after)}")
    assert not wrong, "\n\n".join(wrong)


def test_the_queue_does_not_grow_with_reviews_or_countries(
    open_cycle, kenya, focal_point, reviewer
):
    fill(services.start_review(kenya, open_cycle, by=focal_point), focal_point)
    client = client_for(reviewer)
    urls = [
        f"/reviews/queue/?cycle={open_cycle.pk}",
        f"/reviews/queue/?cycle={open_cycle.pk}&status=submitted&region=Africa",
    ]
    before = {url: queries(client, url) for url in urls}

    countries = Country.objects.exclude(pk=kenya.pk).order_by("name")[:MORE_COUNTRIES]
    shown = {}  # a review each URL shows now, and did not before
    for n, country in enumerate(countries):
        user = make_focal_point(country, email=f"focal.{country.iso3.lower()}@example.org")
        review = services.start_review(country, open_cycle, by=user)
        shown[urls[0]] = review
        if n % 2 == 0:
            review = services.submit_review(fill(review, user), by=user)
            if country.region == "Africa":
                shown[urls[1]] = review
    assert Review.objects.filter(cycle=open_cycle).count() == 1 + MORE_COUNTRIES

    wrong = []
    for url in urls:
        after = queries(client, url, showing=f'href="/reviews/{shown[url].pk}/"')
        if len(after) != len(before[url]):
            wrong.append(f"{url}: {more_often(before[url], after)}")
    assert not wrong, "\n\n".join(wrong)


def test_a_focal_points_list_does_not_grow_with_cycles(
    open_cycle, bigger_cycle, kenya, focal_point
):
    client = client_for(focal_point)
    services.start_review(kenya, open_cycle, by=focal_point)
    before = queries(client, "/reviews/")
    services.start_review(kenya, bigger_cycle, by=focal_point)
    after = queries(client, "/reviews/")
    assert len(after) == len(before), more_often(before, after)
