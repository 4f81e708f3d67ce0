"""One country's file never stops the Assembly dossier: a chapter that cannot be drawn becomes a
placeholder naming the country and the reason, an image that cannot be found is left out with
a note, the secretariat is told which review and why, and the rest is delivered."""

import hashlib
import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from countries.models import Country
from reports import dossier, pdf
from reports.models import JobStatus, RenderJob, ReportFile, ReportKind
from reviews import services
from reviews.models import Attachment
from reviews.sections import SECTIONS
from tests.support import factories, hostile_files
from tests.support.clients import client_for
from tests.support.pdfs import pdf_text
from tests.support.reviews import fill, make_approved_review, run_jobs


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def approved_with_image(country, cycle, *, reviewer, name: str, content: bytes):
    """A review whose evidence holds `content` as a PNG, stored as if an older, laxer upload
    check had let it in, then submitted and approved."""
    focal = factories.make_focal_point(country, email=f"focal.{country.iso3.lower()}@example.org")
    review = services.start_review(country, cycle, by=focal)
    fill(review, focal, sections={s.key: f"{s.title}: what {country.name} did." for s in SECTIONS})
    Attachment.objects.create(
        review=review, file=ContentFile(content, name="evidence.png"), original_name=name,
        kind="png", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=focal,
    )  # fmt: skip
    review = services.submit_review(review, by=focal)
    return services.approve_review(review, by=reviewer)


@pytest.fixture
def flooded(open_cycle, reviewer):
    """Kenya's approved review carries a pixel-flood PNG; Colombia's and France's are sound."""
    kenya = approved_with_image(
        Country.objects.get(iso3="KEN"), open_cycle, reviewer=reviewer,
        name="flood.png", content=hostile_files.pixel_flood_png(),
    )  # fmt: skip
    for iso3 in ("COL", "FRA"):
        make_approved_review(Country.objects.get(iso3=iso3), open_cycle, reviewer=reviewer)
    return kenya


REASON = (
    "This review could not be drawn: the image flood.png cannot be drawn: "
    "The image is larger than the limit of 40 megapixels."
)


def test_the_compile_completes_with_a_placeholder_chapter_and_tells_the_secretariat(
    flooded, open_cycle, reviewer, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_jobs()
    compile_job = RenderJob.objects.get(kind=ReportKind.DOSSIER, cycle=open_cycle)
    assert compile_job.status == JobStatus.DONE and compile_job.attempts == 1
    text = flat(pdf_text(compile_job.report.file.read(), tmp_path))
    # The placeholder names the country and the reason; Kenya's own text is not there.
    assert re.search(r"Kenya Version 1, submitted on .{5,20}? " + re.escape(REASON), text)
    assert "what Kenya did" not in text
    # The other chapters are whole.
    for name in ("Colombia", "France"):
        for section in SECTIONS:
            assert f"{section.title}: what {name} did." in text
    assert compile_job.stats["problems"] == [
        {"review": flooded.pk, "country": "Kenya", "placeholder": True,
         "reason": REASON.removeprefix("This review could not be drawn: ")},
    ]  # fmt: skip
    assert compile_job.stats["chapters"] == 3

    # The secretariat is told: on the job's page, and by e-mail.
    page = flat(client_for(reviewer).get(f"/reports/jobs/{compile_job.pk}/").content.decode())
    assert "One problem in this PDF needs your attention" in page
    assert f'href="/reviews/{flooded.pk}/"' in page and "image flood.png cannot be drawn" in page
    [ready] = [m for m in mail.outbox if "is ready" in m.subject and reviewer.email in m.to]
    assert "One review needs your attention:" in ready.body
    assert "- Kenya: this review could not be drawn: the image flood.png" in flat(ready.body)


def test_the_reviews_own_pdf_fails_at_once_with_the_reason_on_its_page(
    flooded, open_cycle, reviewer, focal_point
):
    run_jobs()
    own = RenderJob.objects.filter(kind=ReportKind.REVIEW, review=flooded)
    assert own.count() == 2  # the draft PDF of the submission and the approved one
    for job in own:
        assert job.status == JobStatus.FAILED
        assert job.attempts == 1  # the same file would fail again: not tried three times
        assert job.error == REASON
        page = flat(client_for(reviewer).get(f"/reports/jobs/{job.pk}/").content.decode())
        assert 'text-bg-danger">Failed</span>' in page and REASON in page
    assert not ReportFile.objects.filter(review=flooded).exists()


def test_an_image_missing_from_storage_is_left_out_with_a_note(
    open_cycle, reviewer, tmp_path, django_capture_on_commit_callbacks
):
    review = approved_with_image(
        Country.objects.get(iso3="KEN"), open_cycle, reviewer=reviewer,
        name="map.png", content=hostile_files.image("PNG"),
    )  # fmt: skip
    attachment = review.attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        run_jobs()
    note = "The image map.png was left out: the file is missing from storage."
    final = RenderJob.objects.get(kind=ReportKind.REVIEW, review=review, draft=False)
    assert final.status == JobStatus.DONE
    assert final.stats["problems"] == [{"reason": note}]
    assert note in flat(pdf_text(final.report.file.read(), tmp_path))
    compile_job = RenderJob.objects.get(kind=ReportKind.DOSSIER, cycle=open_cycle)
    text = flat(pdf_text(compile_job.report.file.read(), tmp_path))
    assert "Executive summary: what Kenya did." in text and note in text
    assert compile_job.stats["problems"] == [
        {"review": review.pk, "country": "Kenya", "placeholder": False, "reason": note}
    ]
    # A chapter with something left out is not kept: the next compile looks for the file again.
    attachment.file.save("evidence.png", ContentFile(hostile_files.image("PNG")), save=True)
    _rendered, stats = dossier.compile_report(open_cycle)
    assert stats.rendered == 1 and stats.problems == []


def test_a_chapter_that_fails_for_any_other_reason_is_a_placeholder_too(
    open_cycle, reviewer, tmp_path, monkeypatch
):
    for iso3 in ("KEN", "COL"):
        make_approved_review(Country.objects.get(iso3=iso3), open_cycle, reviewer=reviewer)
    drawn = pdf.render_review

    def breaks_for_kenya(document, **kwargs):
        if document.review.country.iso3 == "KEN":
            raise KeyError("answers")  # a fault in the portal's own code, say
        return drawn(document, **kwargs)

    monkeypatch.setattr(pdf, "render_review", breaks_for_kenya)
    rendered, stats = dossier.compile_report(open_cycle)
    text = flat(pdf_text(rendered.pdf, tmp_path))
    assert "This review could not be drawn: an error occurred while drawing it (KeyError)." in text
    assert "Executive summary: what Colombia did." in text
    assert [p["country"] for p in stats.problems] == ["Kenya"]
