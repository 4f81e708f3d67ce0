"""The compiled Assembly report: parts, contents, outline, and chapters reused by content."""

import io

import pikepdf
import pytest

from countries.models import Country
from reviews import dossier
from tests.reports.conftest import make_approved_review, pdf_text


@pytest.fixture
def three_approved(open_cycle, reviewer):
    return [
        make_approved_review(Country.objects.get(iso3=iso3), open_cycle, reviewer=reviewer)
        for iso3 in ("KEN", "COL", "FRA")
    ]


def test_compiled_report_has_a_chapter_per_approved_review_and_an_outline(
    open_cycle, three_approved, tmp_path
):
    rendered, stats = dossier.compile_report(open_cycle, language="en", version=1)
    text = pdf_text(rendered.pdf, tmp_path)
    assert stats.chapters == 3 and stats.rendered == 3 and stats.reused == 0
    for name in ("Kenya", "Colombia", "France"):
        assert f"{name}: what" not in text  # section titles are followed by the country's text
    assert "Executive summary: what Kenya did." in text
    with pikepdf.open(io.BytesIO(rendered.pdf)) as document:
        with document.open_outline() as outline:
            titles = [item.title for item in outline.root]
            reviews = next(item for item in outline.root if item.title == "Country reviews")
            assert [c.title for c in reviews.children] == ["Colombia", "France", "Kenya"]
        assert len(document.pages) == rendered.pages
    assert titles[0] == "Introduction"
    assert titles[-1] == "Annex: the indicator matrix"
