"""The open-data JSON API, /api/v1/ (issue 19): only what is published, to anyone, read-only;
paginated, revalidated with ETags, rate-limited per client address, errors as JSON."""

import datetime

import pytest
from django.test import Client

from countries.models import Country
from indicators import services as cycle_services
from indicators.models import CycleStatus, Indicator, ReviewCycle
from reviews.models import Answer, Review
from tests.support.clients import client_for
from tests.support.reviews import make_approved_review

LIST_ENDPOINTS = ["cycles/", "countries/", "reviews/", "answers/"]


@pytest.fixture
def published(open_cycle, reviewer, secretariat_admin) -> ReviewCycle:
    """The first cycle published with Kenya's and Colombia's reviews (no PDFs rendered)."""
    for iso3 in ("KEN", "COL"):
        make_approved_review(Country.objects.get(iso3=iso3), open_cycle, reviewer=reviewer)
    cycle_services.close_cycle(open_cycle, by=secretariat_admin)
    return cycle_services.publish_cycle(open_cycle, by=secretariat_admin)


@pytest.fixture
def unpublished(published) -> dict[str, Review]:
    """In a second, open cycle: a draft, a submitted and an approved review, each with an
    answer; and an approved review in a closed cycle."""
    indicator = Indicator.objects.filter(matrix=published.matrix).first()
    day = datetime.date(2030, 1, 1)
    open_ = ReviewCycle.objects.create(name="Open cycle", assembly="Fifth session", opens_on=day,
                                       deadline=day.replace(month=6), status=CycleStatus.OPEN)  # fmt: skip
    closed = ReviewCycle.objects.create(name="Closed cycle", assembly="Fourth session",
                                        opens_on=day.replace(year=2028),
                                        deadline=day.replace(year=2028, month=6),
                                        status=CycleStatus.CLOSED)  # fmt: skip
    reviews = {
        "draft": Review.objects.create(country=_country("KEN"), cycle=open_, status="draft"),
        "submitted": Review.objects.create(
            country=_country("COL"), cycle=open_, status="submitted"
        ),
        "approved": Review.objects.create(country=_country("BRA"), cycle=open_, status="approved"),
        "approved, cycle closed": Review.objects.create(
            country=_country("FRA"), cycle=closed, status="approved"
        ),
    }
    for review in reviews.values():
        review.executive_summary = "SECRET DRAFT TEXT"
        review.save()
        Answer.objects.create(review=review, indicator=indicator, values={"value": "999999"})
    return reviews | {"open cycle": open_, "closed cycle": closed}  # type: ignore[dict-item]


def _country(iso3: str) -> Country:
    return Country.objects.get(iso3=iso3)


def get(client: Client, path: str, **params):
    return client.get(f"/api/v1/{path}", params)


def test_anyone_reads_the_published_cycle_its_reviews_and_answers(published, anonymous):
    cycles = get(anonymous, "cycles/").json()
    assert cycles["count"] == 1
    [cycle] = cycles["items"]
    assert cycle["id"] == published.pk and cycle["reviews"] == 2
    assert cycle["published_on"] == datetime.date.today().isoformat()
    assert get(anonymous, f"cycles/{published.pk}/").json() == cycle

    reviews = get(anonymous, "reviews/").json()
    assert {r["country"]["iso3"] for r in reviews["items"]} == {"KEN", "COL"}
    kenya = next(r for r in reviews["items"] if r["country"]["iso3"] == "KEN")
    assert kenya["approved_at"] and kenya["version"] == 1 and kenya["cycle"] == published.pk
    detail = get(anonymous, f"reviews/{kenya['id']}/").json()
    assert detail["sections"][0]["key"] == "executive_summary"
    assert detail["sections"][0]["text"] == "Executive summary: what Kenya did."
    assert detail["language"] == "en"

    answers = get(anonymous, "answers/", country="ken", indicator="1.6").json()
    assert answers["count"] == 1
    [answer] = answers["items"]
    assert answer["values"] == {"value": "250000"} and answer["currency"] == "KES"
    assert answer["country"] == "KEN" and answer["review"] == kenya["id"]
    unavailable = get(anonymous, "answers/", country="KEN", indicator="3.1").json()["items"][0]
    assert unavailable["not_available"] is True
    assert unavailable["reason"] == "Membership is being confirmed."


def test_a_signed_in_person_gets_the_same_answers_and_nothing_more(published, focal_point):
    anonymous = get(Client(), "reviews/").json()
    assert get(client_for(focal_point), "reviews/").json() == anonymous


def test_every_country_is_listed_with_its_codes_and_the_cycles_it_reported_in(published):
    client = Client()
    first = get(client, "countries/", page_size=200).json()
    assert first["count"] == Country.objects.count() >= 193
    kenya = get(client, "countries/KEN/").json()
    assert kenya == {
        "iso3": "KEN", "iso2": "KE", "m49": "404", "name": "Kenya", "region": "Africa",
        "subregion": kenya["subregion"], "member_state": True, "reported_in": [published.pk],
    }  # fmt: skip
    assert kenya["subregion"]
    assert get(client, "countries/bra/").json()["reported_in"] == []
    africa = get(client, "countries/", region="Africa", page_size=200).json()
    assert africa["count"] == Country.objects.filter(region="Africa").count()
    assert {c["region"] for c in africa["items"]} == {"Africa"}


def test_a_cycles_indicators_come_in_matrix_order_with_outcome_area_and_choices(published):
    indicators = get(Client(), f"cycles/{published.pk}/indicators/", page_size=200).json()
    codes = [i["code"] for i in indicators["items"]]
    assert codes[:2] == ["1.1", "1.2"] and indicators["count"] == len(codes)
    first = indicators["items"][0]
    assert first["type"] == "single_choice"
    assert {"value": "adopted", "label": "Adopted"} in first["choices"]
    assert first["outcome"]["code"] == "1" and first["area"]["code"] == "1.A"


def test_indicator_titles_follow_the_language_asked_for(published):
    english = get(Client(), f"cycles/{published.pk}/indicators/").json()["items"][0]["title"]
    french = Client(HTTP_ACCEPT_LANGUAGE="fr").get(f"/api/v1/cycles/{published.pk}/indicators/")
    assert french.json()["items"][0]["title"] != english


def test_nothing_unpublished_appears_anywhere_and_its_ids_answer_404(unpublished, anonymous):
    for path in LIST_ENDPOINTS:
        body = get(anonymous, path, page_size=200).content.decode()
        assert "SECRET DRAFT TEXT" not in body and "999999" not in body, path
    listed = {r["id"] for r in get(anonymous, "reviews/").json()["items"]}
    assert listed == set(Review.objects.filter(status="published").values_list("pk", flat=True))
    cycles = {c["id"] for c in get(anonymous, "cycles/").json()["items"]}
    assert unpublished["open cycle"].pk not in cycles
    assert unpublished["closed cycle"].pk not in cycles
    for name in ("draft", "submitted", "approved", "approved, cycle closed"):
        response = get(anonymous, f"reviews/{unpublished[name].pk}/")
        assert response.status_code == 404, name
        assert response.json() == {
            "detail": f"No published review has the id {unpublished[name].pk}."
        }
    for cycle in (unpublished["open cycle"], unpublished["closed cycle"]):
        assert get(anonymous, f"cycles/{cycle.pk}/").status_code == 404
        assert get(anonymous, f"cycles/{cycle.pk}/indicators/").status_code == 404
        assert get(anonymous, "answers/", cycle=cycle.pk).json()["count"] == 0
        assert get(anonymous, "reviews/", cycle=cycle.pk).json()["count"] == 0
    # Brazil and France have reviews, but none published.
    assert get(anonymous, "countries/BRA/").json()["reported_in"] == []
    assert get(anonymous, "countries/FRA/").json()["reported_in"] == []


def test_with_nothing_published_yet_every_list_is_empty(approved_review, anonymous):
    for path in LIST_ENDPOINTS[::2]:  # cycles and reviews
        assert get(anonymous, path).json()["count"] == 0
    assert get(anonymous, "answers/").json()["count"] == 0
    assert get(anonymous, f"reviews/{approved_review.pk}/").status_code == 404
    assert get(anonymous, f"cycles/{approved_review.cycle_id}/").status_code == 404


def test_reviews_and_answers_filter_by_cycle_country_region_and_indicator(published, anonymous):
    def countries(path, **params):
        return {item["country"] if isinstance(item["country"], str) else item["country"]["iso3"]
                for item in get(anonymous, path, page_size=200, **params).json()["items"]}  # fmt: skip

    assert countries("reviews/", region="Americas") == {"COL"}
    assert countries("reviews/", country="col") == {"COL"}
    assert countries("reviews/", cycle=published.pk) == {"KEN", "COL"}
    assert countries("reviews/", cycle=published.pk + 1000) == set()
    assert countries("answers/", region="Africa") == {"KEN"}
    assert countries("answers/", indicator="1.1") == {"KEN", "COL"}
    assert countries("answers/", indicator="9.9") == set()
    assert countries("reviews/", country="XXX") == set()


def test_lists_come_in_pages_of_at_most_200(published, anonymous):
    total = Country.objects.count()
    first = get(anonymous, "countries/", page_size=100).json()
    assert (first["count"], first["page"], first["page_size"]) == (total, 1, 100)
    assert len(first["items"]) == 100
    last = get(anonymous, "countries/", page_size=100, page=2).json()
    assert len(last["items"]) == total - 100
    assert not {c["iso3"] for c in first["items"]} & {c["iso3"] for c in last["items"]}
    assert get(anonymous, "countries/", page=99).json()["items"] == []
    assert len(get(anonymous, "countries/").json()["items"]) == 50  # the default
    too_big = get(anonymous, "countries/", page_size=201)
    assert too_big.status_code == 400
    assert "page_size" in too_big.json()["detail"]


def test_answers_carry_an_etag_and_last_modified_and_revalidate_with_304(published, anonymous):
    first = get(anonymous, "reviews/")
    assert first["ETag"] and first["Last-Modified"]
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    again = anonymous.get("/api/v1/reviews/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = anonymous.get("/api/v1/reviews/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    other = anonymous.get("/api/v1/reviews/?region=Africa", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200
    # A change to what is published gives a new ETag.
    kenya = Review.objects.get(country__iso3="KEN")
    before = get(anonymous, f"reviews/{kenya.pk}/")
    kenya.executive_summary = "Revised."
    kenya.save()  # (the cached answers are drawn again: opendata/receivers.py)
    after = anonymous.get(f"/api/v1/reviews/{kenya.pk}/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert get(anonymous, "openapi.json")["ETag"]


def test_an_answer_read_again_costs_no_query(published, anonymous, django_assert_num_queries):
    """Cached until what is published changes; the rate limit still counts every request."""
    paths = ["cycles/", f"cycles/{published.pk}/indicators/", "countries/KEN/", "reviews/",
             f"answers/?cycle={published.pk}", "reviews/999999/"]  # fmt: skip
    first = [get(anonymous, path) for path in paths]
    with django_assert_num_queries(0):
        again = [get(anonymous, path) for path in paths]
    assert [(r.status_code, r.content) for r in again] == [
        (r.status_code, r.content) for r in first
    ]
    assert again[-1].status_code == 404


def test_past_the_rate_limit_a_client_address_gets_429_in_json(published, settings):
    settings.OPENDATA_API_RATE = "3/min"
    client, elsewhere = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="198.51.100.2")
    assert [get(client, "cycles/").status_code for _ in range(3)] == [200, 200, 200]
    refused = get(client, "cycles/")
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Too many requests."}
    assert int(refused["Retry-After"]) > 0
    assert get(elsewhere, "cycles/").status_code == 200
    # A forged X-Forwarded-For is not another address (no trusted proxy is configured).
    forged = client.get("/api/v1/cycles/", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert forged.status_code == 429


@pytest.mark.parametrize(
    "path, params, named",
    [
        ("reviews/", {"cycle": "abc"}, "cycle"),
        ("reviews/", {"cycle": "99999999999999999999"}, "cycle"),
        ("reviews/", {"country": "KENYA"}, "country"),
        ("reviews/", {"region": "Atlantis"}, "region"),
        ("answers/", {"indicator": "1.1\x00"}, "indicator"),
        ("answers/", {"page": "0"}, "page"),
        ("countries/", {"page": "-1"}, "page"),
        ("cycles/0/", {}, "id"),
        ("cycles/abc/indicators/", {}, "id"),
        ("reviews/1e9/", {}, "id"),
        ("countries/K3N/", {}, "iso3"),
    ],
)
def test_a_bad_parameter_gets_400_with_a_message_naming_it(db, anonymous, path, params, named):
    response = get(anonymous, path, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert detail.startswith("Bad parameter:") and f"'{named}'" in detail


def test_errors_are_json_with_a_message(db, anonymous):
    unknown = get(anonymous, "cycles/12345/")
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "No published cycle has the id 12345."}
    assert get(anonymous, "countries/ZZZ/").json() == {"detail": "No country has the code ZZZ."}
    nowhere = get(anonymous, "no-such-thing/")
    assert nowhere.status_code == 404 and "/api/v1/docs" in nowhere.json()["detail"]
    for method in ("post", "put", "delete", "patch"):
        refused = getattr(anonymous, method)("/api/v1/reviews/")
        assert refused.status_code == 405, method
        assert refused["Allow"] == "GET, HEAD"
        assert "read-only" in refused.json()["detail"]
    assert anonymous.head("/api/v1/cycles/").status_code == 200


def test_the_index_the_description_and_the_docs_page_are_public(db, anonymous):
    index = get(anonymous, "").json()
    assert index["openapi"] == "/api/v1/openapi.json" and index["docs"] == "/api/v1/docs"
    description = get(anonymous, "openapi.json").json()
    assert description["openapi"].startswith("3.1")
    assert description["info"]["title"] == "Safer Cities Review Portal: open data"
    assert "/api/v1/answers/" in description["paths"]
    assert set(description["paths"]["/api/v1/answers/"]) == {"get"}
    docs = get(anonymous, "docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert "nonce-" in docs["Content-Security-Policy"]
