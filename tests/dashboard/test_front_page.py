"""The public front page at `/`: visitors who are not signed in learn what the portal and the
review mechanism are, find the published cycles in the library, and sign in in one click
(issue 17). Signed-in people still get their own home."""

import datetime

import lxml.html
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from countries.models import Country
from indicators.models import CycleStatus, ReviewCycle
from reports.models import ReportKind
from reviews.models import Review, ReviewStatus
from tests.support import factories
from tests.support.clients import client_for

COUNTRIES = ("KEN", "COL", "MEX", "PER", "CHL", "GHA")


def publish_cycle(name: str, year: int, *, countries=("KEN",), by) -> ReviewCycle:
    """A published cycle whose reviews of `countries` have their final PDF in the library,
    besides a draft PDF and a compiled report that the library does not list."""
    cycle = ReviewCycle.objects.create(
        name=name, assembly="First session of the UN-Habitat Assembly",
        opens_on=datetime.date(year, 1, 1), deadline=datetime.date(year, 6, 30),
        status=CycleStatus.PUBLISHED,
    )  # fmt: skip
    for iso3 in countries:
        review = Review.objects.create(
            country=Country.objects.get(iso3=iso3), cycle=cycle, status=ReviewStatus.PUBLISHED
        )
        factories.make_report_file(cycle, ReportKind.REVIEW, review=review, by=by)
        factories.make_report_file(cycle, ReportKind.REVIEW, review=review, by=by)  # rebuilt
        factories.make_report_file(cycle, ReportKind.REVIEW, review=review, draft=True, by=by)
    factories.make_report_file(cycle, ReportKind.DOSSIER, number=1, by=by)
    return cycle


def main_of(response):
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode()).xpath("//main")[0]


def text(element) -> str:
    return " ".join(element.text_content().split())


def test_a_visitor_learns_what_the_portal_is_and_signs_in_in_one_click(anonymous, db):
    main = main_of(anonymous.get("/"))
    words = text(main)
    assert (
        "UN Member States file voluntary country reviews here on how they implement the UN "
        "System-wide Guidelines on Safer Cities and Human Settlements." in words
    )
    assert "UN-Habitat's secretariat examines and approves them" in words
    assert "How the review mechanism works" in words
    assert "Focal points are invited by the secretariat" in words
    [hero] = main.xpath('.//section[@class="hero"]')
    [sign_in] = hero.xpath('.//a[normalize-space()="Sign in"]')
    assert sign_in.get("href") == "/accounts/login/"
    assert "btn-primary" in sign_in.get("class")
    assert [a.get("href") for a in main.xpath('.//a[contains(., "public library")]')] == [
        "/library/", "/library/"
    ]  # fmt: skip
    [wordmark] = hero.xpath(".//img")
    assert wordmark.get("src").endswith("img/wordmark.svg")
    assert wordmark.get("alt") == "Safer Cities Review Portal"


def test_the_front_page_lists_the_published_cycles_with_their_reviews_in_the_library(
    anonymous, secretariat_admin
):
    cycle = publish_cycle("2018–2020 review cycle", 2020, countries=("KEN", "COL"),
                          by=secretariat_admin)  # fmt: skip
    main = main_of(anonymous.get("/"))
    [card] = main.xpath('.//li[.//a[normalize-space()="2018–2020 review cycle"]]')
    [link] = card.xpath(".//a")
    assert link.get("href") == f"/library/?cycle={cycle.pk}"
    assert text(card) == (
        "2018–2020 review cycle Reports to: First session of the UN-Habitat Assembly "
        "2 country reviews in the library"
    )
    # The open and planned cycles are not public.
    assert "2021–2023 review cycle" not in text(main)
    assert not main.xpath('.//*[contains(@class, "empty-state")]')


def test_before_any_cycle_is_published_the_page_says_so(anonymous, db):
    main = main_of(anonymous.get("/"))
    [empty] = main.xpath('.//*[contains(@class, "empty-state")]')
    assert text(empty).startswith("No review cycle has been published yet")


def test_the_front_page_is_in_the_visitors_language(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = client.get("/")
    assert page.status_code == 200
    tree = lxml.html.fromstring(page.content.decode())
    assert (tree.get("lang"), tree.get("dir")) == ("ar", "rtl")
    [mark] = tree.xpath('//section[@class="hero"]//img')
    assert mark.get("src").endswith("img/mark.svg")  # the wordmark's words are English
    assert mark.get("alt")


def test_the_front_page_makes_as_many_queries_for_one_published_cycle_as_for_many(
    anonymous, secretariat_admin
):
    publish_cycle("2015–2017 review cycle", 2017, by=secretariat_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert anonymous.get("/").status_code == 200
        return len(captured)

    one = queries()
    for year in (2018, 2019, 2020):
        publish_cycle(f"Cycle {year}", year, countries=COUNTRIES, by=secretariat_admin)
    assert queries() == one <= 2


@pytest.mark.parametrize("persona", ["focal_point", "reviewer", "board_member"])
def test_a_signed_in_person_still_gets_their_home(request, persona):
    response = client_for(request.getfixturevalue(persona)).get("/")
    assert response.status_code == 200
    assert "dashboard/home.html" in [t.name for t in response.templates]
    assert "How the review mechanism works" not in response.content.decode()
