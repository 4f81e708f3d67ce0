"""The review mechanism's round in a browser (issue 20): the secretariat plans an Expert Group
Meeting and assigns a peer to Kenya's submitted review; Kenya's focal point registers its
delegation; the peer writes an assessment and sends it; the secretariat shares it with Kenya,
to be included in the compiled report; Kenya responds. Once the review is approved, the
compiled report's chapter on Kenya carries the assessment and the response (read back with
pdftotext). axe-core checks every new page on the way, in English, and again in Arabic once
the round is over."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reports import jobs
from reports.models import ReportFile, ReportKind
from reviews import services
from reviews.models import PeerAssessment, Review
from tests.support import factories
from tests.support.browser import assert_no_axe_violations, sign_in, sign_in_secretariat
from tests.support.pdfs import pdf_text
from tests.support.reviews import fill, run_jobs

CYCLE = "2021–2023 review cycle"
MEETING = "First Expert Group Meeting on the Guidelines"
STRENGTH = "A national crime prevention strategy led by the counties, with a budget line."
OVERALL = "Kenya's review shows a mature policy; local data remain the main gap."
RESPONSE = "Kenya welcomes the assessment and will run a national victimisation survey in 2027."


def _own_page(browser: Browser):
    """A browser context of its own (its own cookies): one more person at the same time."""
    context = browser.new_context(locale="en-US")
    yield context.new_page()
    context.close()


second_page = pytest.fixture(_own_page, name="second_page")
third_page = pytest.fixture(_own_page, name="third_page")


def check(page: Page, heading: str | re.Pattern) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_no_axe_violations(page)


def in_arabic(page: Page, user: User, urls: list[str]) -> None:
    """The same person reads the pages again in Arabic: right to left, no axe violations."""
    user.language = "ar"
    user.save(update_fields=["language"])
    for url in urls:
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        assert_no_axe_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_meeting_and_a_peer_assessment_from_plan_to_the_compiled_report(
    base_data, live_server, page: Page, second_page: Page, third_page: Page, tmp_path
):
    base = live_server.url
    kenya = Country.objects.get(iso3="KEN")
    focal = factories.make_focal_point(kenya, email="focal.ke@example.org", name="Wanjiru Kamau")
    reviewer = factories.make_user(Role.REVIEWER, email="reviewer@unhabitat.example",
                                   name="Nia Reviewer")  # fmt: skip
    peer = factories.make_user(Role.PEER, email="lena.berg@partner.example", name="Lena Berg")
    cycle = ReviewCycle.objects.get(name=CYCLE)
    cycle = cycle_services.open_cycle(cycle, by=reviewer)
    review = services.start_review(kenya, cycle, by=focal)
    fill(review, focal)
    services.submit_review(review, by=focal)

    # ---- 1. The secretariat plans the meeting and assigns a peer. ----
    secretariat = page
    sign_in_secretariat(secretariat, base, reviewer)
    secretariat.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    check(secretariat, "Expert Group Meetings")
    secretariat.get_by_role("link", name="Plan a meeting").click()
    check(secretariat, "Plan a meeting")
    secretariat.get_by_label("Review cycle").select_option(label=CYCLE)
    secretariat.get_by_label("Title").fill(MEETING)
    secretariat.get_by_label("First day").fill("2026-05-04")
    secretariat.get_by_label("Last day").fill("2026-05-05")
    secretariat.get_by_label("Member States invited").select_option(label="Kenya")
    secretariat.get_by_label("Agenda").fill("1. Opening\n2. Measures taken\n3. Difficulties met")
    secretariat.get_by_role("button", name="Save").click()
    # The place was left empty without "online": said beside the field, the rest kept.
    expect(secretariat.get_by_text("Give the place, or tick “online”.")).to_be_visible()
    expect(secretariat.get_by_label("Title")).to_have_value(MEETING)
    assert_no_axe_violations(secretariat)
    secretariat.get_by_label("Place").fill("Nairobi, Kenya")
    secretariat.get_by_role("button", name="Save").click()
    check(secretariat, MEETING)
    meeting_url = secretariat.url
    expect(secretariat.get_by_role("region", name="Member States invited")).to_contain_text("Kenya")

    secretariat.goto(f"{base}/reviews/{review.pk}/")
    secretariat.get_by_role("link", name="Assign a peer").click()
    check(secretariat, "Assign a peer to the review of Kenya")
    secretariat.get_by_label("E-mail address").fill(peer.email)
    secretariat.get_by_role("textbox", name="Organisation").fill("Global Network on Safer Cities")
    secretariat.get_by_role("button", name="Assign and send the e-mail").click()
    expect(secretariat.get_by_role("status").first).to_contain_text(
        "Lena Berg is a peer of this review"
    )
    assessment = PeerAssessment.objects.get(review=review)
    assessment_url = f"{base}/reviews/assessments/{assessment.pk}/"

    # ---- 2. Kenya's focal point registers its delegation. ----
    country = second_page
    country.goto(f"{base}/accounts/login/")
    sign_in(country, focal.email, factories.PASSWORD)
    country.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    check(country, "Expert Group Meetings")
    country.get_by_role("link", name=MEETING).click()
    check(country, MEETING)
    delegation = country.get_by_role("region", name="Register your delegation")
    delegation.get_by_label("Full name").first.fill("Wanjiru Kamau")
    delegation.get_by_label("Function").first.fill("Head of delegation")
    delegation.get_by_label("Institution").first.fill("State Department for Housing")
    delegation.get_by_role("button", name="Register the delegation").click()
    expect(country.get_by_role("status").first).to_contain_text("Your delegation is registered")
    expect(country.get_by_role("region", name="Your delegation")).to_be_visible()
    assert_no_axe_violations(country)
    country.get_by_role("link", name="Benchmarking pack").first.click()
    check(country, "Benchmarking pack")

    # ---- 3. The peer writes the assessment and sends it to the secretariat. ----
    reader = third_page
    reader.goto(f"{base}/accounts/login/")
    sign_in(reader, peer.email, factories.PASSWORD)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Welcome, Lena Berg")
    assert_no_axe_violations(reader)
    reader.get_by_role("link", name=re.compile("Kenya")).first.click()
    check(reader, "Peer assessment of the review of Kenya")
    reader.get_by_label("Strengths").first.fill(STRENGTH)
    reader.get_by_label("Overall note").fill(OVERALL)
    reader.get_by_role("button", name="Send to the secretariat").click()
    expect(reader.get_by_role("status").first).to_contain_text(
        "Your assessment was sent to the secretariat."
    )
    assert_no_axe_violations(reader)
    # The peer reaches the assignment only: Kenya's review page itself is out of reach.
    assert reader.goto(f"{base}/reviews/{review.pk}/").status == 404

    # ---- 4. The secretariat shares it with Kenya, for the compiled report. ----
    secretariat.goto(f"{base}/reviews/assessments/")
    check(secretariat, "Peer assessments")
    secretariat.get_by_role("link", name=re.compile("Kenya")).first.click()
    check(secretariat, "Peer assessment of the review of Kenya")
    expect(secretariat.get_by_role("main")).to_contain_text(OVERALL)
    share = secretariat.locator(f"form[action$='/assessments/{assessment.pk}/share/']")
    share.get_by_role("checkbox").check()
    share.get_by_role("button", name="Share with the country").click()
    expect(secretariat.get_by_role("status").first).to_contain_text("shared")
    assert_no_axe_violations(secretariat)

    # ---- 5. Kenya reads it and responds. ----
    country.goto(f"{base}/reviews/{review.pk}/")
    country.get_by_role("region", name="Peer assessments").get_by_role("link").first.click()
    check(country, "Peer assessment of the review of Kenya")
    expect(country.get_by_role("main")).to_contain_text(STRENGTH)
    country.get_by_label(re.compile("response", re.I)).fill(RESPONSE)
    country.get_by_role("button", name="Save the response").click()
    expect(country.get_by_role("main")).to_contain_text(RESPONSE)
    assert_no_axe_violations(country)

    # ---- 6. Approved, the review's chapter in the compiled report carries both. ----
    services.approve_review(Review.objects.get(pk=review.pk), by=reviewer)
    jobs.request_compile(cycle, by=reviewer)
    run_jobs(kind=ReportKind.DOSSIER)  # unless the task already ran it
    report = ReportFile.objects.get(kind=ReportKind.DOSSIER)
    text = re.sub(r"\s+", " ", pdf_text(report.file.read(), tmp_path))
    for said in ("Peer assessment", STRENGTH, OVERALL, "The response of Kenya", RESPONSE):
        assert said in text, said

    # ---- 7. The new pages again, in Arabic. ----
    in_arabic(secretariat, reviewer, [f"{base}/meetings/", f"{base}/meetings/add/", meeting_url,
                                      f"{meeting_url}edit/", f"{meeting_url}pack/",
                                      f"{base}/reviews/assessments/", assessment_url])  # fmt: skip
    in_arabic(country, focal, [f"{base}/meetings/", meeting_url, assessment_url])
    in_arabic(reader, peer, [f"{base}/", f"{base}/reviews/assessments/", assessment_url])
