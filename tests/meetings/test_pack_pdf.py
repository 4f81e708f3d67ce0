"""The benchmarking pack as a PDF (meetings/pack.py): twelve countries, tagged, fonts embedded,
its language set, in English and Arabic; drawn by the worker's render job; and after one
country's review changes, only that country's part drawn again (counted, as the dossier's
chapters are)."""

import datetime
import subprocess

import pikepdf
import pytest

from accounts.roles import Role
from countries.models import Country
from meetings import pack
from meetings.models import Meeting
from reports.models import JobStatus, RenderJob, ReportFile, ReportKind
from reviews import services
from reviews.sections import SECTIONS
from tests.support import factories
from tests.support.clients import client_for
from tests.support.pdfs import pdf_text, pdffonts, write
from tests.support.reviews import fill, make_approved_review, run_jobs

TWELVE = ("KEN", "COL", "FRA", "BRA", "IND", "JPN", "MEX", "NGA", "PHL", "SEN", "TUN", "EGY")


@pytest.fixture
def twelve(open_cycle, reviewer):
    """Eleven approved reviews and Egypt's, submitted in Arabic and not yet approved."""
    countries = {c.iso3: c for c in Country.objects.filter(iso3__in=TWELVE)}
    for iso3 in TWELVE[:-1]:
        make_approved_review(countries[iso3], open_cycle, reviewer=reviewer)
    egypt = countries["EGY"]
    focal = factories.make_focal_point(egypt, email="focal.egy@example.org")
    focal.language = "ar"
    focal.save()
    review = services.start_review(egypt, open_cycle, by=focal)
    fill(review, focal, sections={s.key: f"{s.title}: ما قامت به مصر." for s in SECTIONS})
    services.submit_review(review, by=focal)
    meeting = Meeting.objects.create(
        cycle=open_cycle, title="Second Expert Group Meeting", place="Nairobi",
        starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2026, 9, 2),
        created_by=reviewer,
    )  # fmt: skip
    meeting.countries.set(countries.values())
    return meeting


def check_tagged(body: bytes, tmp_path, language: str) -> str:
    path = write(body, tmp_path, f"pack-{language}.pdf")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    rows = pdffonts(path)
    assert rows and all(row["emb"] == "yes" for row in rows), rows
    with pikepdf.open(path) as document:
        assert str(document.Root.Lang) == language
        assert document.Root.MarkInfo.Marked
        with document.open_outline() as outline:
            titles = [item.title for item in outline.root]
            countries = outline.root[-1]
            assert len(countries.children) == 12
    assert titles[0] != ""
    return pdf_text(body, tmp_path)


def test_a_pack_of_twelve_countries_is_a_tagged_pdf_in_english_and_arabic(twelve, tmp_path):
    rendered, stats = pack.render_pdf(twelve, "en")
    assert (stats.chapters, stats.rendered, stats.reused) == (12, 12, 0)
    text = check_tagged(rendered.pdf, tmp_path, "en")
    for name in ("Kenya", "Colombia", "Tunisia", "Egypt"):
        assert name in text
    assert "Measures taken to implement the Guidelines: what Kenya did." in text
    assert "submitted version 1, not yet approved" in text
    assert "approved version 1" in text
    assert "Indicators side by side" in text

    arabic, stats = pack.render_pdf(twelve, "ar")
    assert (stats.rendered, stats.reused) == (12, 0)  # another language: other parts
    text = check_tagged(arabic.pdf, tmp_path, "ar")
    assert "مصر" in text
    assert any("Arab" in row["name"] for row in pdffonts(write(arabic.pdf, tmp_path, "a.pdf")))


def test_one_changed_review_redraws_only_its_countrys_part(twelve, reviewer, tmp_path):
    pack.render_pdf(twelve, "en")
    again, stats = pack.render_pdf(twelve, "en")
    assert (stats.rendered, stats.reused) == (0, 12)

    # Egypt's review is returned, changed and submitted again: version 2.
    egypt = twelve.cycle.reviews.get(country__iso3="EGY")
    focal = egypt.country.focal_points.first().user
    egypt = services.return_review(egypt, by=reviewer, reason="Say more on difficulties.")
    fill(egypt, focal, sections={s.key: f"{s.title}: الصيغة الثانية." for s in SECTIONS})
    services.submit_review(egypt, by=focal)

    changed, stats = pack.render_pdf(twelve, "en")
    assert (stats.rendered, stats.reused) == (1, 11)
    text = pdf_text(changed.pdf, tmp_path)
    assert "submitted version 2, not yet approved" in text
    assert "الصيغة الثانية" in text.replace("\u200f", "") or "الثانية" in text


def test_the_worker_draws_the_pack_and_those_who_see_the_meeting_download_it(
    twelve, reviewer, open_cycle
):
    kenya = Country.objects.get(iso3="KEN")
    as_kenya = client_for(kenya.focal_points.first().user)
    response = as_kenya.post(f"/meetings/{twelve.pk}/pack/pdf/", {"language": "fr"})
    assert response.status_code == 302
    # Asked twice while it waits: one job.
    as_kenya.post(f"/meetings/{twelve.pk}/pack/pdf/", {"language": "fr"})
    job = RenderJob.objects.get(kind=ReportKind.PACK)
    assert (job.subject_id, job.language, job.cycle_id) == (twelve.pk, "fr", open_cycle.pk)
    assert run_jobs(kind=ReportKind.PACK) == ["done"]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.stats["chapters"] == 12
    report = ReportFile.objects.get(kind=ReportKind.PACK)
    page = as_kenya.get(f"/meetings/{twelve.pk}/pack/").content.decode()
    url = f"/meetings/{twelve.pk}/pack/pdf/{report.pk}/"
    assert url in page
    download = as_kenya.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert report.downloads.count() == 1
    # Someone the meeting is not visible to: 404, on the page, the file and the request.
    outsider = factories.make_focal_point(Country.objects.get(iso3="DEU"), email="f.de@example.org")
    as_outsider = client_for(outsider)
    assert as_outsider.get(url).status_code == 404
    assert (
        as_outsider.post(f"/meetings/{twelve.pk}/pack/pdf/", {"language": "en"}).status_code == 404
    )
    # The generic download of reports does not hand a pack to the Board.
    board = factories.make_user(Role.BOARD, email="board.member@example.org")
    assert client_for(board).get(f"/reports/files/{report.pk}/download/").status_code == 404
