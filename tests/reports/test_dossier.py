"""The compiled Assembly report: parts, contents, outline, and chapters reused by content."""

import io
import re
import subprocess

import pikepdf
import pytest

from countries.models import Country
from reports import dossier
from reviews import peers
from reviews.models import PeerAssessment, PeerKind
from tests.support.pdfs import pdf_text
from tests.support.reviews import make_approved_review


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
    # Page numbers run over the whole dossier (the cover carries none).
    path = tmp_path / "numbers.pdf"
    path.write_bytes(rendered.pdf)
    for number in (2, rendered.pages // 2, rendered.pages):
        page = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(path), "-"],
                              capture_output=True, text=True).stdout  # fmt: skip
        assert str(number) in page.split(), number


def test_the_compiled_report_is_one_tagged_pdf_with_every_parts_structure(
    open_cycle, three_approved, tmp_path
):
    rendered, _stats = dossier.compile_report(open_cycle, language="en")
    path = tmp_path / "dossier.pdf"
    path.write_bytes(rendered.pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    # poppler reads the text of each heading back through the joined structure tree.
    tree = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True
    ).stdout
    headings = re.findall(r'H1 \(block\)\n(?:\s+Span \(inline\)\n)?\s+"([^"]+)"', tree)
    for title in ("Introduction", "Participation", "Country reviews", "Colombia", "France", "Kenya",
                  "Annex: the indicator matrix"):  # fmt: skip
        assert title in headings, (title, headings)
    with pikepdf.open(path) as document:
        assert str(document.Root.Lang) == "en"
        pages = {page.obj.objgen for page in document.pages}
        keys = [int(k) for k in pikepdf.NumberTree(document.Root.StructTreeRoot.ParentTree)]
        assert len(keys) == len(set(keys))  # every key once
        assert all(
            int(p.obj.StructParents) in keys for p in document.pages if "/StructParents" in p.obj
        )
        # Every element marking page content points at a page of the dossier (none copied twice).
        stack = list(document.Root.StructTreeRoot.K)
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Dictionary):
                if "/Pg" in element:
                    assert element.Pg.objgen in pages
                kids = element.get("/K")
                stack.extend(
                    kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
                )


def test_a_chapter_carries_the_agreed_peer_assessment_and_the_response_when_included(
    open_cycle, three_approved, reviewer, peer, focal_point, tmp_path
):
    """Issue 20: the secretariat includes a shared assessment; its chapter alone is redrawn,
    with the assessment and the country's response; excluded again, both leave it."""
    kenya = next(r for r in three_approved if r.country.iso3 == "KEN")
    assessment = PeerAssessment.objects.create(
        review=kenya, snapshot=kenya.snapshots.get(), peer=peer, kind=PeerKind.EXPERT,
        organisation="Safer Cities Network", assigned_by=reviewer,
        outcomes={"1": {"strengths": "Audits in every city.", "gaps": "", "recommendations": ""}},
    )  # fmt: skip
    dossier.compile_report(open_cycle, language="en", version=1)
    peers.save_assessment(
        assessment, by=peer, outcomes=assessment.outcomes, overall="A candid review.", send=True
    )
    peers.share_assessment(assessment, by=reviewer, in_report=True)
    peers.respond(assessment, by=focal_point, response="Kenya thanks the peer.")
    rendered, stats = dossier.compile_report(open_cycle, language="en", version=2)
    assert (stats.rendered, stats.reused) == (1, 2)
    text = " ".join(pdf_text(rendered.pdf, tmp_path).split())
    assert "Peer assessment" in text and "By a peer from Safer Cities Network" in text
    assert "Audits in every city." in text and "A candid review." in text
    assert "The response of Kenya Kenya thanks the peer." in text
    peers.set_in_report(assessment, by=reviewer, in_report=False)
    rendered, stats = dossier.compile_report(open_cycle, language="en", version=3)
    assert "Kenya thanks the peer." not in pdf_text(rendered.pdf, tmp_path)
