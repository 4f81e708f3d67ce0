"""Search over the published reviews (issue 19): words found in the language each review was
written in (stemmed where PostgreSQL knows the language, as typed in Chinese), filtered by
cycle, region and indicator, each result the passage that matched with its words marked;
never a word of a review that is not published."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.html import escape

from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from opendata import search
from opendata.models import Passage
from reviews import editor, services
from reviews.models import GoodPractice, Review
from reviews.sections import SECTIONS
from tests.support import factories
from tests.support.reviews import REQUIRED_ANSWERS

URL = "/data/search/"


def write(iso3: str, cycle: ReviewCycle, *, reviewer, language: str = "en", sections=None,
          practice=None, answers=None, state: str = "approved") -> Review:  # fmt: skip
    """A country's review in `language`, every section written (`sections` overriding some),
    taken through the services to `state`."""
    country = Country.objects.get(iso3=iso3)
    focal = factories.make_focal_point(
        country, email=f"focal.{iso3.lower()}.{cycle.pk}@example.org"
    )
    review = services.start_review(country, cycle, by=focal)
    texts = {s.key: f"{s.title}: what {country.name} did with Saferplan." for s in SECTIONS}
    review = editor.save_draft(
        review, by=focal, base_version=review.lock_version, language=language,
        sections=texts | (sections or {}),
        answer_forms=editor.answer_forms_for(review, REQUIRED_ANSWERS | (answers or {})),
    )  # fmt: skip
    if practice:
        GoodPractice.objects.create(review=review, **practice)
    if state != "draft":
        review = services.submit_review(review, by=focal)
    if state == "approved":
        review = services.approve_review(review, by=reviewer)
    return review


@pytest.fixture
def reviews(open_cycle, reviewer) -> dict[str, Review]:
    """The first cycle's approved reviews in five languages, before publication."""
    return {
        "en": write(
            "KEN",
            open_cycle,
            reviewer=reviewer,
            sections={
                "measures": "Cities installed street lighting in forty markets.",
                "executive_summary": '<script>alert("x")</script> Streetlamps came first.',
            },
            practice={
                "title": "Safe markets programme",
                "city": "Nairobi",
                "description": "Women traders mapped the dark corners of the market.",
                "results": "Fewer thefts reported.",
            },
            answers={
                "1.3": {"value": "12", "note": "Counted by the ministry of devolution."},
            },
        ),
        "fr": write(
            "FRA",
            open_cycle,
            reviewer=reviewer,
            language="fr",
            sections={
                "national_context": "Les municipalités ont renforcé la médiation sociale.",
            },
        ),
        "ru": write(
            "RUS",
            open_cycle,
            reviewer=reviewer,
            language="ru",
            sections={
                "measures": "Городские власти установили камеры видеонаблюдения.",
            },
        ),
        "ar": write(
            "EGY",
            open_cycle,
            reviewer=reviewer,
            language="ar",
            sections={
                "measures": "تحسين الإنارة العامة في الأحياء الفقيرة.",
            },
        ),
        "zh": write(
            "CHN",
            open_cycle,
            reviewer=reviewer,
            language="zh-hans",
            sections={
                "local_implementation": "各城市在妇女团体参与下开展了城市安全审计。",
            },
        ),
    }


@pytest.fixture
def published(reviews, open_cycle, secretariat_admin) -> ReviewCycle:
    cycle_services.close_cycle(open_cycle, by=secretariat_admin)
    return cycle_services.publish_cycle(open_cycle, by=secretariat_admin)


def page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_without_words_the_page_says_what_can_be_searched(published, anonymous):
    html = page(anonymous)
    assert "<title>Search the published reviews" in html
    assert "its eight sections, its good practices" in html
    assert "passages found" not in html
    assert 'role="search"' in html


def test_english_words_are_found_in_their_other_forms(published, anonymous):
    html = page(anonymous, q="street lights")
    assert "1 passage found" in html
    assert "<mark>street</mark> <mark>lighting</mark>" in html
    kenya = published.reviews.get(country__iso3="KEN")
    assert f'href="/data/reviews/{kenya.pk}/#section-measures"' in html
    assert "3. Measures taken to implement the Guidelines" in html
    assert 'href="/data/countries/KEN/"><bdi>Kenya</bdi></a>' in html
    assert f"<bdi>{published.name}</bdi>" in html
    assert '<p class="mb-0" lang="en" dir="auto">' in html


@pytest.mark.parametrize(
    ("query", "language", "country", "marked"),
    [
        ("médiations", "fr", "France", "médiation"),  # the plural finds the singular
        ("камера", "ru", "Russian Federation", "камеры"),
        ("انارة", "ar", "Egypt", "الإنارة"),  # without the article and the hamza
    ],
)
def test_words_are_found_in_reviews_written_in_french_russian_and_arabic(
    published, anonymous, query, language, country, marked
):
    html = page(anonymous, q=query)
    assert "1 passage found" in html, query
    assert f'<p class="mb-0" lang="{language}" dir="auto">' in html
    assert f"<mark>{marked}</mark>" in html
    assert country in html


def test_chinese_is_found_by_the_characters_typed(published, anonymous):
    html = page(anonymous, q="安全审计")
    assert "1 passage found" in html
    assert "城市<mark>安全审计</mark>" in html
    assert 'lang="zh-hans" dir="auto"' in html
    assert "#section-local_implementation" in html


def test_part_of_a_word_and_any_case_are_found(published, anonymous):
    html = page(anonymous, q="TREETLAMP")
    assert "1 passage found" in html and "S<mark>treetlamp</mark>s came first" in html


def test_a_good_practice_and_an_answer_are_found_at_their_place(published, anonymous):
    kenya = published.reviews.get(country__iso3="KEN")
    html = page(anonymous, q="dark corners")
    assert "Good practice: <bdi>Safe markets programme</bdi>" in html
    assert f"/data/reviews/{kenya.pk}/#practice-1" in html
    html = page(anonymous, q="devolution")
    assert "1.3 Local governments with an adopted urban safety strategy or plan" in html
    assert f"/data/reviews/{kenya.pk}/#indicator-1.3" in html


def test_what_the_review_says_is_escaped_and_only_the_match_is_marked(published, anonymous):
    html = page(anonymous, q="streetlamps")
    assert escape('<script>alert("x")</script>') in html
    assert "<script>alert" not in html
    assert "<mark>Streetlamps</mark>" in html


def test_titles_are_in_the_readers_language_passages_in_the_reviews(published, anonymous):
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = page(anonymous, q="devolution")
    assert "1.3 Collectivités locales dotées d&#x27;une stratégie" in html
    assert "Counted by the ministry of <mark>devolution</mark>." in html
    assert "3. Mesures" in page(anonymous, q="street lights")


def test_the_filters_narrow_the_search(published, anonymous, secretariat_admin, reviewer):
    everything = page(anonymous, q="Saferplan")
    assert "34 passages found" in everything  # the sections not written over, of five reviews
    europe = page(anonymous, q="Saferplan", region="Europe")
    assert "14 passages found" in europe
    assert "France" in europe and "Kenya" not in europe
    answers = page(anonymous, q="ministry", indicator="1.3")
    assert "1 passage found" in answers and "#indicator-1.3" in answers
    assert "1 passage found" in page(anonymous, q="ministry", indicator="1.3", region="Africa")
    assert "0 passages found" in page(anonymous, q="ministry", indicator="1.3", region="Asia")

    second = factories.make_next_cycle(published, secretariat_admin)
    write("KEN", second, reviewer=reviewer, sections={"measures": "Saferplan again."})
    cycle_services.close_cycle(second, by=secretariat_admin)
    cycle_services.publish_cycle(second, by=secretariat_admin)
    assert "42 passages found" in page(anonymous, q="Saferplan", page="3")
    only_second = page(anonymous, q="Saferplan", cycle=second.pk)
    assert "8 passages found" in only_second
    assert "<mark>Saferplan</mark> again." in only_second
    assert "34 passages found" in page(anonymous, q="Saferplan", cycle=published.pk)


def test_results_come_twenty_to_a_page(published, anonymous):
    first = page(anonymous, q="Saferplan")
    assert first.count("<mark>Saferplan</mark>") == 20
    assert "Page 1 of 2" in first
    assert 'href="?q=Saferplan&amp;page=2"' in first
    second = page(anonymous, q="Saferplan", page="2")
    assert second.count("<mark>Saferplan</mark>") == 14 and "Page 2 of 2" in second
    assert 'start="21"' in second
    assert "Page 2 of 2" in page(anonymous, q="Saferplan", page="999999999999")


def test_no_result_says_so(published, anonymous):
    html = page(anonymous, q="zeppelin")
    assert "0 passages found" in html
    assert "No passage of a published review holds these words" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cycle", "999999", "“999999” is not a published review cycle: choose one from the list."),
        ("region", "Atlantis", "“Atlantis” is not a region: choose one from the list."),
        (
            "indicator",
            "9.9",
            "“9.9” is not an indicator of a published cycle: choose one from the list.",
        ),
        ("q", "x" * 10_000, "Ensure this value has at most 200 characters (it has 10000)."),
        ("q", "street\x00lights", "Null characters are not allowed."),
    ],
)
def test_a_bad_value_gets_a_message_next_to_its_field_and_is_kept(
    published, anonymous, field, value, message
):
    html = page(anonymous, **({"q": "Saferplan"} | {field: value}))
    assert f'id="id_{field}_error">{escape(message)}</div>' in html
    assert 'aria-invalid="true"' in html and "passages found" not in html
    if field == "q":
        assert f'value="{value}"' in html


def test_hostile_and_odd_values_of_every_parameter_never_break_the_page(published, anonymous):
    corpus = json.loads((Path(settings.BASE_DIR) / "tests/fixtures/bad_input.json").read_text())
    for key, value in corpus["values"].items():
        value = value if isinstance(value, str) else value["repeat"] * value["times"]
        for name in ("q", "cycle", "region", "indicator", "page"):
            response = anonymous.get(URL, {"q": "Saferplan", name: value})
            assert response.status_code == 200, (key, name)
            assert escape(value) == value or value not in response.content.decode(), (key, name)


def test_a_search_asked_again_costs_no_query(published, anonymous, django_assert_num_queries):
    first = page(anonymous, q="street lights", region="Africa")
    assert "1 passage found" in first
    with django_assert_num_queries(0):
        again = page(anonymous, q="street lights", region="Africa")
    assert main(again) == main(first)


def main(html: str) -> str:
    return html[html.index('<main id="main"') : html.index("</main>")]


def test_unpublished_reviews_are_never_found(published, secretariat_admin, reviewer, anonymous):
    second = factories.make_next_cycle(published, secretariat_admin)
    hidden = {
        state: write(iso3, second, reviewer=reviewer, state=state,
                     sections={"measures": f"Zqsecret{state} words."})
        for state, iso3 in (("draft", "COL"), ("submitted", "BRA"), ("approved", "KEN"))
    }  # fmt: skip
    for state, review in hidden.items():
        # Even a passage that found its way into the index is not shown.
        Passage.objects.create(review=review, kind="section", key="measures", language="en",
                               config="english", text=f"Zqsecret{state} words.")  # fmt: skip
        assert "0 passages found" in page(anonymous, q=f"Zqsecret{state}"), state
        assert not search.search(f"zqsecret{state}").exists(), state
    assert "0 passages found" in page(anonymous, q="Zqsecret")


def test_the_index_is_built_when_the_cycle_is_published(reviews, open_cycle, secretariat_admin):
    assert not Passage.objects.exists()
    assert not search.search("street lights").exists()  # approved, in a cycle still open
    cycle_services.close_cycle(open_cycle, by=secretariat_admin)
    cycle_services.publish_cycle(open_cycle, by=secretariat_admin)
    kenya = reviews["en"]
    assert set(Passage.objects.filter(review=kenya).values_list("kind", "key")) == {
        *(("section", s.key) for s in SECTIONS), ("practice", "1"), ("answer", "1.3"),
        ("answer", "3.1"),  # the reason data is not available
    }  # fmt: skip
    configs = dict(Passage.objects.values_list("review__language", "config").distinct())
    assert configs == {"en": "english", "fr": "french", "ru": "russian", "ar": "arabic",
                       "zh-hans": "simple"}  # fmt: skip
    [found] = search.search("street lights")
    assert found.review_id == kenya.pk and found.key == "measures"


def test_a_published_review_changed_is_indexed_again(published, anonymous):
    russia = published.reviews.get(country__iso3="RUS")
    assert "1 passage found" in page(anonymous, q="камера")
    russia.language = "en"  # changed in the admin
    russia.save()
    assert set(Passage.objects.filter(review=russia).values_list("config", flat=True)) == {
        "english"
    }
    assert "0 passages found" in page(anonymous, q="камера")  # not stemmed as Russian now
    assert "1 passage found" in page(anonymous, q="камеры")  # as typed, still


def test_the_command_rebuilds_the_index(published, anonymous):
    count = Passage.objects.count()
    Passage.objects.all().delete()
    out = io.StringIO()
    call_command("index_passages", stdout=out)
    assert out.getvalue() == f"Indexed {count} passages of 5 published reviews.\n"
    assert Passage.objects.count() == count
    assert "1 passage found" in page(anonymous, q="street lights")
