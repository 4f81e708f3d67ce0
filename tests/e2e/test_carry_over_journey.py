"""A focal point starts the new cycle's review from their last approved one (issue 18), sees
what was not carried over, and edits a copied answer, whose mark then goes."""

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reviews import services
from tests.support import factories
from tests.support.browser import assert_no_axe_violations, autosave_of, sign_in
from tests.support.carry import (
    FIRST_ANSWERS,
    SECTIONS_TEXT,
    next_cycle,
    retype_and_remove,
)
from tests.support.reviews import fill

SHOTS = "/tmp/shots"


def shot(page: Page, name: str) -> None:
    page.screenshot(path=f"{SHOTS}/carry-over-{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_focal_point_starts_from_the_last_review_and_edits_a_copied_answer(
    base_data, live_server, browser: Browser
):
    kenya = Country.objects.get(iso3="KEN")
    focal = factories.make_focal_point(kenya, email="focal.ke@example.org", name="Wanjiru Kamau")
    admin = factories.make_user(Role.ADMIN)
    reviewer = factories.make_user(Role.REVIEWER)
    first = cycle_services.open_cycle(
        ReviewCycle.objects.get(name="2021–2023 review cycle"), by=admin
    )
    last = services.start_review(kenya, first, by=focal)
    fill(last, focal, sections=SECTIONS_TEXT, answers=FIRST_ANSWERS)
    services.approve_review(services.submit_review(last, by=focal), by=reviewer)
    next_cycle(first, admin, retype_and_remove)

    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, focal.email, factories.PASSWORD)

    # The home offers the choice, starting from the last review by default.
    step = page.locator("#next-step")
    from_last = step.get_by_label("Start from your review of the 2021–2023 review cycle")
    expect(from_last).to_be_checked()
    expect(step.get_by_label("Start empty")).not_to_be_checked()
    expect(step).to_contain_text("Good practices and evidence attachments are not copied.")
    assert_no_axe_violations(page)
    shot(page, "en-home")
    page.goto(f"{live_server.url}/reviews/")
    expect(
        page.get_by_label("Start from your review of the 2021–2023 review cycle")
    ).to_be_checked()
    assert_no_axe_violations(page)
    shot(page, "en-list")
    in_language(context, live_server.url, "ar")
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#next-step input[name=from_last]")).to_have_count(2)
    assert_no_axe_violations(page)
    shot(page, "ar-home")
    in_language(context, live_server.url, "en")
    page.goto(f"{live_server.url}/")
    step.get_by_role("button", name="Start the review").click()

    # The editor says where it started from and what was left behind.
    box = page.get_by_role("region", name="Started from your review of the 2021–2023 review cycle")
    expect(box).to_contain_text("its type changed from Whole number to Percentage")
    expect(box).to_contain_text("removed from this cycle's matrix")
    mark = "From your review of the 2021–2023 review cycle"
    expect(page.locator("#indicator-1\\.3")).to_contain_text(mark)
    expect(page.locator("#indicator-1\\.4")).not_to_contain_text(mark)
    expect(page.locator("#id_executive_summary")).to_have_value(SECTIONS_TEXT["executive_summary"])
    assert_no_axe_violations(page)
    shot(page, "en-editor")

    # Editing a copied answer: after the autosave its mark is gone, the others' stay.
    value = page.locator("#indicator-1\\.3").get_by_label("Value")
    with autosave_of(page, containing={}):
        value.fill("15")
    page.reload()
    expect(page.locator("#indicator-1\\.3")).not_to_contain_text(mark)
    expect(page.locator("#indicator-1\\.3").get_by_label("Value")).to_have_value("15")
    expect(page.locator("#indicator-1\\.6")).to_contain_text(mark)
    expect(box).to_be_visible()

    # The same pages in Arabic, right to left.
    in_language(context, live_server.url, "ar")
    page.reload()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#started-from")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")  # the reload kept the place of 1.3
    assert_no_axe_violations(page)
    shot(page, "ar-editor")
    context.close()


def in_language(context, url: str, language: str) -> None:
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}])
