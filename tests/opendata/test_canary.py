"""Issue 19, Must show 1: what is not published is never public. A draft, a submitted review
and a review approved in an open cycle each carry a value of their own in every field they
have; no public page, download, search result, map or API answer shows any of them. Once the
cycle is published, the approved review's values appear in all of them; the draft's and the
submitted review's still nowhere."""

import io
import re
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from countries.models import Country, Region
from indicators import services as cycle_services
from indicators.models import Indicator, ReviewCycle
from opendata import published as gate
from reviews import services
from reviews.models import GoodPractice, Review
from reviews.sections import SECTIONS
from tests.support import factories
from tests.support.reviews import REQUIRED_ANSWERS, fill

PRACTICE_FIELDS = ("title", "city", "period", "description", "results", "partners", "tools_used")


def canaries(state: str) -> dict[str, str]:
    """A value of its own for every field a review has (words the search can find)."""
    values = {key: f"zq{state}{key.replace('_', '')}" for key in (s.key for s in SECTIONS)}
    values |= {f"practice_{f}": f"zq{state}practice{f.replace('_', '')}" for f in PRACTICE_FIELDS}
    values |= {"source": f"zq{state}source", "note": f"zq{state}note", "reason": f"zq{state}reason"}
    return values


NUMBERS = {
    "draft": "71.3917",
    "submitted": "72.3917",
    "approved": "73.3917",
    "published": "74.3917",
}


def write(country: Country, cycle: ReviewCycle, state: str, *, reviewer) -> Review:
    focal = factories.make_focal_point(country, email=f"canary.{state}@example.org")
    review = services.start_review(country, cycle, by=focal)
    values = canaries(state)
    answers = dict(REQUIRED_ANSWERS) | {
        "1.3": {"value": "12", "source": values["source"], "note": values["note"]},
        "1.7": {"value_female": NUMBERS[state], "value_male": "1", "value_total": "2"},
        "3.1": {"not_available": "on", "reason": values["reason"]},
    }
    review = fill(review, focal, sections={s.key: values[s.key] for s in SECTIONS}, answers=answers)
    GoodPractice.objects.create(
        review=review, **{f: values[f"practice_{f}"] for f in PRACTICE_FIELDS}
    )
    if state != "draft":
        review = services.submit_review(review, by=focal)
    if state in ("approved", "published"):
        review = services.approve_review(review, by=reviewer)
    return review


@pytest.fixture
def world(open_cycle, reviewer, secretariat_admin):
    """A published cycle (Kenya's review) and, in a second cycle still open, Colombia's draft,
    Brazil's submitted review and France's approved one, each with its canaries."""
    write(Country.objects.get(iso3="KEN"), open_cycle, "published", reviewer=reviewer)
    cycle_services.close_cycle(open_cycle, by=secretariat_admin)
    first = cycle_services.publish_cycle(open_cycle, by=secretariat_admin)
    second = factories.make_next_cycle(first, secretariat_admin)
    reviews = {
        state: write(Country.objects.get(iso3=iso3), second, state, reviewer=reviewer)
        for state, iso3 in (("draft", "COL"), ("submitted", "BRA"), ("approved", "FRA"))
    }
    return {"first": first, "second": second, **reviews}


def public_urls(world) -> list[str]:
    """Every public page, download, search, map and API answer there is, and the addresses the
    unpublished objects would have if they were public."""
    urls = [
        reverse("opendata:index"),
        reverse("library:index"),
        "/api/v1/",
        "/api/v1/countries/?page_size=200",
    ]
    for cycle in list(gate.cycles()) + [world["second"]]:
        urls += [reverse("opendata:cycle", args=[cycle.pk]), f"/api/v1/cycles/{cycle.pk}/",
                 f"/api/v1/cycles/{cycle.pk}/indicators/?page_size=200",
                 f"/api/v1/answers/?cycle={cycle.pk}&page_size=200",
                 f"/api/v1/reviews/?cycle={cycle.pk}&page_size=200"]  # fmt: skip
        for fmt in ("csv", "xlsx", "json"):
            urls.append(reverse("opendata:answers", args=[cycle.pk, fmt]))
        for language in ("en", "fr", "es", "ar", "ru", "zh-hans"):
            urls.append(reverse("opendata:dictionary", args=[cycle.pk, language, "csv"]))
        for indicator in Indicator.objects.filter(matrix__cycle=cycle):
            for sort in ("country", "region", "value"):
                url = reverse("opendata:indicator", args=[cycle.pk, indicator.code])
                urls.append(f"{url}?sort={sort}")
    urls += ["/api/v1/cycles/", "/api/v1/reviews/?page_size=200", "/api/v1/answers/?page_size=200"]
    for review in Review.objects.all():
        urls += [reverse("opendata:review", args=[review.pk]), f"/api/v1/reviews/{review.pk}/",
                 f"/api/v1/answers/?country={review.country.iso3}&page_size=200"]  # fmt: skip
        urls += [reverse("opendata:country", args=[review.country.iso3]),
                 f"/api/v1/countries/{review.country.iso3}/"]  # fmt: skip
    search = reverse("opendata:search")
    for state in ("draft", "submitted", "approved", "published"):
        for value in canaries(state).values():
            urls.append(f"{search}?q={value}")
        urls.append(f"{search}?q={NUMBERS.get(state, '0')}")
    for value, _label in Region.choices:
        urls.append(f"{search}?q=zq&region={value}")
        urls.append(f"/api/v1/answers/?region={value}&page_size=200")
    return urls


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):  # XLSX: the XML of every part
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(name) for name in archive.namelist())
    return body.decode("utf-8", "replace").replace("\\u00", "")


def walk(world) -> dict[str, str]:
    client = Client()
    pages = {}
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        text = text_of(response)
        query = response.wsgi_request.GET.get("q")
        if query:  # the search page repeats what was asked; only a result counts
            marked = f"<mark>{query}</mark>"
            text = text.replace(marked, "\0").replace(query, "").replace("\0", marked)
        pages[url] = text
    return pages


def found(pages: dict[str, str], value: str) -> list[str]:
    return [url for url, text in pages.items() if value in text]


def test_what_is_not_published_is_nowhere_until_its_cycle_is_published(world, secretariat_admin):
    pages = walk(world)
    assert len(pages) > 150
    for state in ("draft", "submitted", "approved"):
        assert not [url for url, text in pages.items() if f"zq{state}" in text], state
        assert not found(pages, NUMBERS[state]), state
    # The published review's own values are there: the walk reaches what is public.
    assert found(pages, "zqpublishedmeasures") and found(pages, NUMBERS["published"])

    cycle_services.close_cycle(world["second"], by=secretariat_admin)
    cycle_services.publish_cycle(world["second"], by=secretariat_admin)
    pages = walk(world)
    for state in ("draft", "submitted"):
        assert not [url for url, text in pages.items() if f"zq{state}" in text], state
        assert not found(pages, NUMBERS[state]), state
    france = world["approved"]
    review_page = pages[reverse("opendata:review", args=[france.pk])]
    api_review = pages[f"/api/v1/reviews/{france.pk}/"]
    search = reverse("opendata:search")
    second = world["second"].pk
    downloads = [reverse("opendata:answers", args=[second, fmt]) for fmt in ("csv", "xlsx", "json")]
    for field, value in canaries("approved").items():
        assert value in review_page, field
        assert re.search(rf"<mark>{value}</mark>", pages[f"{search}?q={value}"]), field
        if field in {s.key for s in SECTIONS}:
            assert value in api_review, field
        if field in ("source", "note", "reason"):
            indicator = "3.1" if field == "reason" else "1.3"
            url = reverse("opendata:indicator", args=[second, indicator])
            assert value in pages[f"{url}?sort=country"], field
            assert value in pages[f"/api/v1/answers/?cycle={second}&page_size=200"], field
            for download in downloads:
                assert value in pages[download], (field, download)
    number = NUMBERS["approved"]
    indicator_page = pages[reverse("opendata:indicator", args=[second, "1.7"]) + "?sort=value"]
    assert number in indicator_page  # in the table and the map's name for France
    assert re.search(rf'aria-label="France: [^"]*{re.escape(number)}', indicator_page)
    assert number in pages[f"/api/v1/answers/?cycle={second}&page_size=200"]
    for download in downloads:
        assert number in pages[download], download
    participation = pages[reverse("opendata:cycle", args=[second])]
    assert 'aria-label="France: Published review"' in participation
    assert 'aria-label="Colombia: no published review"' in participation
