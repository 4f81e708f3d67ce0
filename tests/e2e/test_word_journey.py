"""A focal point takes the review to Word and back, in English and in Arabic: downloads it from
the editor, edits it (python-docx, as in Word), uploads it, reads the preview of exactly what
it changes, applies it and finds the text in the editor. axe-core checks every page."""

from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from playwright.sync_api import Page, expect

from accounts.models import User
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reviews import services
from reviews.models import Review
from tests.support import factories
from tests.support.browser import assert_no_axe_violations, sign_in
from tests.support.word import edit, full_review

FOCAL_POINT = "focal.ke@example.org"


def labels_in(language: str) -> dict[str, str]:
    with translation.override(language):
        return {"work": _("Work in Word"), "heading": _("Work on the review in Word"),
                "download": _("Download the Word document"),
                "field": _("The edited Word document (.docx)"), "read": _("Read the document"),
                "preview": _("What the document changes")}  # fmt: skip


def round_trip(page: Page, live_server, review: Review, tmp_path: Path, language: str,
               summary: str, value: int) -> None:  # fmt: skip
    labels = labels_in(language)
    page.goto(f"{live_server.url}/reviews/{review.pk}/edit/")
    page.get_by_role("link", name=labels["work"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(labels["heading"])
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=labels["download"]).click()
    exported = tmp_path / f"{language}-exported.docx"
    download.value.save_as(exported)
    edited = tmp_path / "review-edited.docx"
    edited.write_bytes(edit(exported.read_bytes(), sections={1: summary},
                            answers={"1.3": {"answer": str(value)}}))  # fmt: skip
    page.get_by_label(labels["field"]).set_input_files(str(edited))
    page.get_by_role("button", name=labels["read"]).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(labels["preview"])
    changes = page.locator("[data-change]")
    expect(changes).to_have_count(2)
    expect(changes.first.locator("ins").first).to_contain_text(summary.split()[0])
    assert_no_axe_violations(page)
    page.locator("#apply-import").click()
    expect(page).to_have_url(f"{live_server.url}/reviews/{review.pk}/edit/")
    expect(page.locator("#id_executive_summary")).to_have_value(summary)
    assert Review.objects.get(pk=review.pk).answers.get(indicator__code="1.3").values == {
        "value": value
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_review_goes_to_word_and_back_in_english_and_arabic(base_data, live_server,
                                                              page: Page, tmp_path):  # fmt: skip
    kenya = Country.objects.get(iso3="KEN")
    focal = factories.make_focal_point(kenya, email=FOCAL_POINT, name="Wanjiru Kamau")
    admin = factories.make_user(email="admin@unhabitat.example", name="Amina Admin")
    cycle = cycle_services.open_cycle(ReviewCycle.objects.get(name="2021–2023 review cycle"),
                                      by=admin)  # fmt: skip
    review = full_review(services.start_review(kenya, cycle, by=focal), focal, "en")

    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, FOCAL_POINT, factories.PASSWORD)
    round_trip(page, live_server, review, tmp_path, "en", "Written in Word by the ministry.", 15)

    User.objects.filter(pk=focal.pk).update(language="ar")
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    round_trip(page, live_server, review, tmp_path, "ar", "كتبته الوزارة في وورد.", 16)
