"""The country review PDF: what it shows, drafts marked, approval stamped, tagged."""

import subprocess

from reports import pdf
from reviews.models import Snapshot
from tests.support.pdfs import pdf_text


def test_submitted_review_renders_as_a_marked_draft(submitted_review, tmp_path):
    snapshot = Snapshot.objects.get(review=submitted_review)
    document = pdf.review_document(submitted_review, snapshot, draft=True)
    rendered = pdf.render_review(document)
    text = pdf_text(rendered.pdf, tmp_path)
    assert "Kenya" in text
    assert "DRAFT" in text
    assert "Executive summary: the measures and results of Kenya." in text
    assert "250,000" in text or "250000" in text
    assert rendered.pages >= 3
    (tmp_path / "r.pdf").write_bytes(rendered.pdf)
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "r.pdf")], capture_output=True, text=True
    ).stdout
    assert "Tagged:          yes" in info
