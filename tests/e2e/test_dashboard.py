"""A reviewer opens a cycle's dashboard, follows an overdue country to its review, and
downloads the indicator answers as XLSX."""

import datetime
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reviews import services
from tests.support import factories
from tests.support.browser import assert_no_axe_violations, sign_in_secretariat
from tests.support.reviews import make_approved_review

CYCLE = "2021–2023 review cycle"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reviewer_follows_an_overdue_country_and_downloads_the_answers(
    base_data, live_server, page: Page
):
    admin = factories.make_user(Role.ADMIN, email="admin@unhabitat.example", name="Amina Admin")
    reviewer = factories.make_user(
        Role.REVIEWER, email="reviewer@unhabitat.example", name="Nia Reviewer"
    )
    cycle = cycle_services.open_cycle(ReviewCycle.objects.get(name=CYCLE), by=admin)
    make_approved_review(Country.objects.get(iso3="KEN"), cycle, reviewer=admin)
    japan = Country.objects.get(iso3="JPN")
    focal = factories.make_focal_point(japan, email="focal.jp@example.org", name="Haruto Sato")
    draft = services.start_review(japan, cycle, by=focal)
    today = datetime.date.today()
    ReviewCycle.objects.filter(pk=cycle.pk).update(
        opens_on=today - datetime.timedelta(days=90), deadline=today - datetime.timedelta(days=5)
    )

    sign_in_secretariat(page, live_server.url, reviewer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    page.get_by_role("link", name="Dashboard of this cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dashboard of the {CYCLE}")
    expect(page.get_by_text("days since the deadline")).to_be_visible()
    expect(page.locator("#success-table")).to_contain_text("Champion countries")
    expect(
        page.get_by_role("img", name="Countries by status of their review, per region")
    ).to_be_visible()
    assert_no_axe_violations(page)

    # The XLSX of the answers: one row per country × indicator of the reviews in the cycle.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download XLSX").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    countries = {row[1].value for row in sheet.iter_rows(min_row=2)}
    assert countries == {"KEN", "JPN"} and sheet.max_row == 1 + 2 * 22

    # Japan is overdue with a draft: its row names the focal point and leads to the review.
    overdue = page.locator("#overdue-table")
    row = overdue.get_by_role("row").filter(has_text="Japan")
    expect(row).to_contain_text("focal.jp@example.org")
    expect(overdue).not_to_contain_text("Kenya")
    row.get_by_role("link", name="Draft").click()
    expect(page).to_have_url(f"{live_server.url}/reviews/{draft.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review of Japan")
    assert_no_axe_violations(page)
