"""A focal point invites a national contributor, who signs in through the one-time link and
writes only the section assigned to them (the rest read-only, no submit); the focal point then
sees their name in the review's history and submits the review (issue 18, Must show 3).
The team page, the invitation page and the contributor's editor are checked with axe in
English and in Arabic."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from accounts.roles import Role
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reviews import services
from reviews.models import Review
from reviews.sections import SECTIONS
from tests.support import factories
from tests.support.browser import assert_no_axe_violations, autosave_of, sign_in
from tests.support.reviews import fill

PASSWORD = "blue-lake-sunrise-2031"
SUMMARY = "Kenya adopted a national crime prevention strategy in 2022, led by the counties."
SHOTS = Path("/tmp/shots")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"contributors-{name}.png"), full_page=True)


def in_arabic(page: Page, user: User, name: str) -> None:
    """The page again with `user` reading the portal in Arabic: axe and a screenshot."""
    User.objects.filter(pk=user.pk).update(language="ar")
    page.reload()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_no_axe_violations(page)
    shot(page, f"{name}-ar")
    User.objects.filter(pk=user.pk).update(language="en")
    page.reload()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_focal_point_invites_a_contributor_who_writes_their_part_only(
    base_data, live_server, browser: Browser, page: Page, kenya
):
    admin = factories.make_user(Role.ADMIN)
    cycle = cycle_services.open_cycle(
        ReviewCycle.objects.get(name="2021–2023 review cycle"), by=admin
    )
    focal_point = factories.make_focal_point(
        kenya, email="focal.ke@example.org", name="Wanjiru Kamau"
    )
    review = services.start_review(kenya, cycle, by=focal_point)
    # Everything is written but the executive summary, which the contributor will write.
    others = {s.key: f"{s.title}: what Kenya did." for s in SECTIONS[1:]}
    fill(review, focal_point, sections=others)

    # ---- The focal point invites a contributor from their home page. ----
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, focal_point.email, factories.PASSWORD)
    page.get_by_role("link", name="Drafting team").click()
    expect(page).to_have_url(f"{live_server.url}/reviews/team/")
    expect(page.get_by_role("heading", level=1)).to_have_text("National drafting team of Kenya")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Invite a contributor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a contributor")
    assert_no_axe_violations(page)
    shot(page, "invite-form-en")
    page.get_by_label("Full name").fill("Juma Mwangi")
    page.get_by_label("E-mail address").fill("juma.mwangi@interior.go.ke")
    page.get_by_label("Institution or ministry").fill("Ministry of Interior")
    page.get_by_label("1. Executive summary").check()
    page.get_by_label("1. Local authorities and governments").check()
    page.get_by_role("button", name="Invite and send the e-mail").click()
    expect(page).to_have_url(f"{live_server.url}/reviews/team/")
    expect(page.get_by_role("status")).to_contain_text("Juma Mwangi joined the drafting team")
    row = page.get_by_role("row").filter(has_text="Juma Mwangi")
    expect(row).to_contain_text("Ministry of Interior")
    expect(row).to_contain_text("1. Executive summary")
    expect(row).to_contain_text("Invited")
    assert_no_axe_violations(page)
    shot(page, "team-en")
    in_arabic(page, focal_point, "team")

    # ---- The contributor opens the one-time link and signs in. ----
    (message,) = mail.outbox
    assert "Wanjiru Kamau, focal point of Kenya" in message.body
    link = re.search(r"http://\S+(/accounts/invitation/\S+/)", message.body).group(1)
    arabic = browser.new_context(locale="ar")
    arabic_page = arabic.new_page()
    arabic_page.goto(f"{live_server.url}{link}")
    expect(arabic_page.locator("html")).to_have_attribute("dir", "rtl")
    assert_no_axe_violations(arabic_page)
    shot(arabic_page, "invitation-ar")
    arabic.close()
    context = browser.new_context(locale="en-US")
    team_page = context.new_page()
    team_page.goto(f"{live_server.url}{link}")
    expect(team_page.get_by_role("heading", level=1)).to_have_text("Set your password")
    assert_no_axe_violations(team_page)
    shot(team_page, "invitation-en")
    team_page.locator("#id_password1").fill(PASSWORD)
    team_page.locator("#id_password2").fill(PASSWORD)
    team_page.get_by_role("button", name="Set password").click()
    sign_in(team_page, "juma.mwangi@interior.go.ke", PASSWORD)
    expect(team_page.get_by_role("heading", level=1)).to_have_text("Welcome, Juma Mwangi")
    assert_no_axe_violations(team_page)
    shot(team_page, "home-en")
    team_page.get_by_role("link", name="Continue writing your part").click()

    # ---- The editor: their section is a field; the others are text; no submit. ----
    expect(team_page).to_have_url(f"{live_server.url}/reviews/{review.pk}/edit/")
    summary = team_page.get_by_role("textbox", name="1. Executive summary")
    expect(summary).to_be_editable()
    expect(team_page.get_by_role("textbox", name=re.compile("2. National context"))).to_have_count(
        0
    )
    expect(team_page.locator("#section-national_context")).to_contain_text(
        "Written by the focal point"
    )
    expect(team_page.locator("#section-national_context")).to_contain_text("what Kenya did.")
    expect(team_page.get_by_role("link", name=re.compile("^Submit"))).to_have_count(0)
    expect(team_page.get_by_role("link", name="Add a good practice")).to_have_count(0)
    assert_no_axe_violations(team_page)
    shot(team_page, "editor-en")
    juma = User.objects.get(email="juma.mwangi@interior.go.ke")
    with autosave_of(team_page, containing={"executive_summary": SUMMARY}):
        summary.fill(SUMMARY)
    expect(team_page.locator("[data-saved]")).to_be_visible()
    in_arabic(team_page, juma, "editor")
    context.close()
    assert Review.objects.get(pk=review.pk).executive_summary == SUMMARY

    # ---- The focal point sees who wrote it, then submits. ----
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    page.get_by_role("link", name="History").click()
    first = page.get_by_role("row").filter(has_text="executive_summary").first
    expect(first).to_contain_text("Juma Mwangi")
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    page.get_by_role("link", name="Submit", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit the review?")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Done: the review is now submitted.")
    assert Review.objects.get(pk=review.pk).status == "submitted"
