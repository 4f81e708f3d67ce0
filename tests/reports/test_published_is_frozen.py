"""What was published reads the same on the review's page and in its PDF: the submitted
version, municipalities and good practices included, whatever the country changes later."""

import re

from countries.models import Country
from indicators import services as cycle_services
from reports import pdf
from reports.models import ReportFile
from reviews.models import Review, ReviewStatus
from tests.support import factories
from tests.support.clients import client_for
from tests.support.pdfs import pdf_text
from tests.support.reviews import make_approved_review, run_jobs


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_municipalities_added_after_publication_stay_off_the_published_review(
    open_cycle, reviewer, secretariat_admin, board_member, tmp_path
):
    kenya = Country.objects.get(iso3="KEN")
    factories.make_municipality(kenya, name="Kisumu", province="Kisumu County")
    review = make_approved_review(kenya, open_cycle, reviewer=reviewer)
    run_jobs()
    cycle_services.close_cycle(open_cycle, by=secretariat_admin)
    cycle_services.publish_cycle(open_cycle, by=secretariat_admin)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED

    factories.make_municipality(kenya, name="Nakuru-after-publication", province="Nakuru")

    page = flat(client_for(board_member).get(f"/reviews/{review.pk}/").content.decode())
    assert "Kisumu" in page and "Nakuru-after-publication" not in page
    assert "This page shows version 1, as submitted on" in page
    published_pdf = ReportFile.objects.get(review=review, draft=False)
    text = pdf_text(published_pdf.file.read(), tmp_path)
    assert "Kisumu" in text and "Nakuru-after-publication" not in text
    # Drawn again today, the PDF still shows the submitted version.
    document = pdf.review_document(review, review.snapshots.get(), draft=False)
    again = pdf_text(pdf.render_review(document).pdf, tmp_path)
    assert "Kisumu" in again and "Nakuru-after-publication" not in again

    # The country's profile shows the network as it is now.
    profile = client_for(reviewer).get("/countries/KEN/").content.decode()
    assert "Kisumu" in profile and "Nakuru-after-publication" in profile


def test_a_submitted_review_shows_what_was_submitted_not_what_the_country_has_now(
    submitted_review, reviewer, kenya
):
    factories.make_municipality(kenya, name="Added-while-under-review")
    page = client_for(reviewer).get(f"/reviews/{submitted_review.pk}/").content.decode()
    assert "Added-while-under-review" not in page


def test_a_draft_shows_the_network_as_it_is_now(draft_review, focal_point, kenya):
    factories.make_municipality(kenya, name="Added-to-the-draft")
    assert Review.objects.get(pk=draft_review.pk).status == ReviewStatus.DRAFT
    page = client_for(focal_point).get(f"/reviews/{draft_review.pk}/").content.decode()
    assert "Added-to-the-draft" in page
