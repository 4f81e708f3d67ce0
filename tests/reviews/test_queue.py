"""The secretariat's queue puts what needs action first (issue 17): submitted reviews, the
oldest submission first, resubmissions marked, with the days they have waited; then returned,
draft, approved reviews; the countries that have not started are folded away, counted, and
shown by the status filter. Its query count does not grow with countries or comments."""

import datetime
import re

import pgtrigger
import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from countries.models import Country
from reviews import services
from reviews.models import Review
from tests.support import factories
from tests.support.clients import client_for
from tests.support.reviews import fill


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def rows_of(html: str, table_id: str = "queue-table") -> list[str]:
    """The text of each body row of the table."""
    start = html.index(f'id="{table_id}"')
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def move_back(review: Review, days: int) -> None:
    """Move the review's history `days` back (transitions are otherwise immutable)."""
    with pgtrigger.ignore("reviews.Transition:transition_immutable"):
        review.transitions.update(at=F("at") - datetime.timedelta(days=days))


def started(iso3: str, cycle) -> tuple[Review, object]:
    country = Country.objects.get(iso3=iso3)
    focal = factories.make_focal_point(country)
    return fill(services.start_review(country, cycle, by=focal), focal), focal


@pytest.fixture
def queue(open_cycle, reviewer):
    """Brazil submitted 3 days ago; Kenya submitted 9 days ago, returned, resubmitted 6 days
    ago; Colombia returned; Japan a draft; France approved; the other countries nothing."""
    brazil, focal = started("BRA", open_cycle)
    move_back(services.submit_review(brazil, by=focal), 3)
    kenya, focal = started("KEN", open_cycle)
    kenya = services.submit_review(kenya, by=focal)
    services.return_review(kenya, by=reviewer, reason="Add the 2023 figures.")
    move_back(kenya, 3)
    move_back(services.submit_review(kenya, by=focal), 6)
    colombia, focal = started("COL", open_cycle)
    services.return_review(services.submit_review(colombia, by=focal), by=reviewer, reason="R.")
    started("JPN", open_cycle)
    france, focal = started("FRA", open_cycle)
    services.approve_review(services.submit_review(france, by=focal), by=reviewer)
    return open_cycle


def test_what_needs_action_comes_first_and_not_started_countries_are_folded(queue, reviewer):
    html = client_for(reviewer).get("/reviews/queue/").content.decode()
    rows = rows_of(html)
    assert [row.split(" ")[0] for row in rows] == ["Kenya", "Brazil", "Colombia", "Japan", "France"]
    assert " Submitted " in rows[0] and rows[0].endswith("6 days Resubmitted")
    assert rows[1].endswith("3 days") and "Resubmitted" not in rows[1]
    assert "Returned for revision" in rows[2] and "days" not in rows[2]
    # The countries that have not started: counted, folded away, one link each to the country.
    others = Country.objects.count() - 5
    assert f"Not started: {others}" in re.sub(r"<[^>]+>", "", html)  # in the counts by status
    details = html[html.index('<details class="mb-3" id="not-started">') :]
    assert f"Show the {others} countries that have not started" in text_of(details)
    assert len(rows_of(details, "not-started")) == others
    assert 'href="/countries/AFG/"' in details
    assert "Afghanistan" not in html[: html.index("<details")]


def test_the_status_filter_shows_the_countries_not_started(queue, reviewer):
    client = client_for(reviewer)
    html = client.get("/reviews/queue/?status=not_started").content.decode()
    rows = rows_of(html)
    assert len(rows) == Country.objects.count() - 5
    assert rows[0].startswith("Afghanistan") and "Not started" in rows[0]
    assert "<details" not in html

    html = client.get("/reviews/queue/?status=submitted").content.decode()
    assert [row.split(" ")[0] for row in rows_of(html)] == ["Kenya", "Brazil"]
    assert "<details" not in html


def test_the_region_and_cycle_filters_still_work(queue, reviewer):
    client = client_for(reviewer)
    html = client.get("/reviews/queue/?region=Africa").content.decode()
    assert [row.split(" ")[0] for row in rows_of(html)] == ["Kenya"]
    africa = Country.objects.filter(region="Africa").count()
    assert f"Show the {africa - 1} countries that have not started" in text_of(html)
    html = client.get(f"/reviews/queue/?cycle={queue.pk}&status=approved").content.decode()
    assert [row.split(" ")[0] for row in rows_of(html)] == ["France"]


def test_the_queue_does_not_grow_with_countries_submissions_or_comments(open_cycle, reviewer):
    client = client_for(reviewer)

    def grow(countries: int, threads: int) -> None:
        taken = Review.objects.filter(cycle=open_cycle).values("country")
        for n, country in enumerate(Country.objects.exclude(pk__in=taken)[:countries]):
            review, focal = started(country.iso3, open_cycle)
            if n % 3 == 2:
                continue
            review = services.submit_review(review, by=focal)
            for t in range(threads):
                services.add_comment(review, by=reviewer, body=f"Comment {t}.")
            if n % 3 == 1:
                services.return_review(review, by=reviewer, reason="Again.")
                services.submit_review(review, by=focal)

    def queries(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [
        "/reviews/queue/",
        "/reviews/queue/?status=submitted",
        "/reviews/queue/?status=not_started",
    ]
    grow(3, 1)
    before = {url: queries(url) for url in urls}
    grow(30, 5)
    assert "Resubmitted" in client.get(urls[0]).content.decode()
    after = {url: queries(url) for url in urls}
    assert after == before
