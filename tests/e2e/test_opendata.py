"""The open data's pages in a browser (issue 19, Must show 3): axe-core finds no violation on
the cycle, indicator, country, search and review pages, in English and in Arabic; the map's
countries are reached with the keyboard and named with their value; the indicator table sorts."""

import pytest
from playwright.sync_api import Browser, expect

from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reviews.models import Review
from reviews.sections import SECTIONS
from tests.support import factories
from tests.support.browser import assert_no_axe_violations
from tests.support.reviews import REQUIRED_ANSWERS, make_approved_review

ARABIC_TEXT = "أنشأت المدن مجالس محلية للسلامة الحضرية وأجرت تدقيقات للسلامة في الأسواق."


@pytest.fixture
def published(base_data) -> ReviewCycle:
    admin, reviewer = factories.make_user(Role.ADMIN), factories.make_user(Role.REVIEWER)
    cycle = cycle_services.open_cycle(
        ReviewCycle.objects.get(name="2021–2023 review cycle"), by=admin
    )
    by_sex = {"1.8": {"value_female": "48.5", "value_male": "61.2", "value_total": "54.7"}}
    for iso3 in ("KEN", "COL"):
        make_approved_review(
            Country.objects.get(iso3=iso3), cycle, reviewer=reviewer,
            answers=REQUIRED_ANSWERS | by_sex,
        )  # fmt: skip
    arabic = {s.key: f"{ARABIC_TEXT} ({s.number})" for s in SECTIONS}
    make_approved_review(Country.objects.get(iso3="EGY"), cycle, reviewer=reviewer, sections=arabic)
    Review.objects.filter(country__iso3="EGY").update(language="ar")
    cycle_services.close_cycle(cycle, by=admin)
    return cycle_services.publish_cycle(cycle, by=admin)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language, direction", [("en", "ltr"), ("ar", "rtl")])
def test_the_open_data_pages_pass_axe_in_english_and_arabic(
    live_server, published, browser: Browser, language, direction
):
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    egypt = Review.objects.get(cycle=published, country__iso3="EGY")
    base = live_server.url
    paths = [
        "/data/",
        f"/data/cycles/{published.pk}/",
        f"/data/cycles/{published.pk}/indicators/1.3/",
        f"/data/cycles/{published.pk}/indicators/1.1/?sort=region",
        f"/data/cycles/{published.pk}/indicators/1.8/",
        "/data/countries/KEN/",
        f"/data/reviews/{egypt.pk}/",
        "/data/search/?q=Kenya",
        "/data/search/?q=measures&region=Africa",
    ]
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        html = page.locator("html")
        expect(html).to_have_attribute("lang", language)
        expect(html).to_have_attribute("dir", direction)
        assert_no_axe_violations(page)
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_map_is_reached_with_the_keyboard_and_the_table_sorts(live_server, published, page):
    page.goto(f"{live_server.url}/data/cycles/{published.pk}/indicators/1.3/")
    kenya = page.locator('#answers-map [data-iso3="KEN"]')
    expect(kenya).to_have_attribute("aria-label", "Kenya: 12 local governments")
    kenya.focus()
    expect(kenya).to_be_focused()
    page.keyboard.press("Enter")  # a country with an answer leads to its row in the table
    assert page.url.endswith("#answer-KEN")
    norway = page.locator('#answers-map [data-iso3="NOR"]')
    expect(norway).to_have_attribute("aria-label", "Norway: no answer")
    page.get_by_role("link", name="Region").click()
    expect(page.locator("th[aria-sort]")).to_contain_text("Region")
    rows = page.locator("#answers ~ div table tbody th").all_inner_texts()
    assert rows == ["Egypt", "Kenya", "Colombia"]  # Africa (Egypt, Kenya), then the Americas
