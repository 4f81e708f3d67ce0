"""The covers of the PDFs in the portal's identity: the wordmark at the top (once in the whole
document), a band of the primary colour under it, the portal's name at the foot; mirrored in
Arabic. Read back as a reader sees them: the pages drawn to pixels by poppler (pdftoppm), the
text by pdftotext, the image's alternative text from the tagged PDF's structure."""

import io
import re

import pikepdf
import pytest
from django.utils import translation
from django.utils.translation import gettext

from countries.models import Country
from reports import dossier, pdf
from tests.support.pdfs import ligatures, run, squash, write
from tests.support.reviews import make_approved_review

pytestmark = pytest.mark.django_db

PRIMARY = (0x0B, 0x4F, 0x8A)
SUN = (0xF2, 0xB3, 0x3D)
DPI = 40
PAGE_WIDTH_MM = 210


def px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


class Picture:
    """Page 1 of a PDF as poppler draws it (a PPM image), read pixel by pixel."""

    def __init__(self, body: bytes, tmp_path, name: str):
        path = write(body, tmp_path, f"{name}.pdf")
        run("pdftoppm", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", str(path),
            str(tmp_path / name))  # fmt: skip
        data = (tmp_path / f"{name}.ppm").read_bytes()
        magic, width, height, _depth, self.pixels = data.split(maxsplit=4)
        assert magic == b"P6"
        self.width, self.height = int(width), int(height)

    def at(self, x: int, y: int) -> tuple[int, int, int]:
        i = (y * self.width + x) * 3
        return tuple(self.pixels[i : i + 3])

    def runs(self, x: int, colour) -> list[tuple[int, int]]:
        """The stretches (first row, rows) of `colour` down the column of pixels at `x`."""
        found, start = [], None
        for y in range(self.height + 1):
            inside = y < self.height and near(self.at(x, y), colour)
            if inside and start is None:
                start = y
            elif not inside and start is not None:
                found.append((start, y - start))
                start = None
        return found

    def columns_with(self, colour, rows: range) -> list[int]:
        return [x for x in range(self.width) if any(near(self.at(x, y), colour) for y in rows)]


def near(pixel, colour, tolerance=14) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def pages_text(body: bytes, tmp_path) -> list[str]:
    path = write(body, tmp_path, "text.pdf")
    return run("pdftotext", "-enc", "UTF-8", str(path), "-").split("\f")


def reads(expected: str, text: str, ligature_texts: set[str]) -> bool:
    """Does `text` hold `expected`? poppler gives the letters of a ligature in a right-to-left
    word turned round ("الأكثر" reads "لاأكثر"): either order of each ligature is accepted."""
    flat, found = squash(expected), []
    ligs = sorted(ligature_texts, key=len, reverse=True)
    i = 0
    while i < len(flat):
        lig = next((lig for lig in ligs if flat.startswith(lig, i)), flat[i])
        found.append(f"(?:{re.escape(lig)}|{re.escape(lig[::-1])})")
        i += len(lig)
    return re.search("".join(found), squash(text)) is not None


def figure_alts(body: bytes) -> list[str]:
    """The alternative texts of the figures (images) of a tagged PDF."""
    alts = []
    with pikepdf.open(io.BytesIO(body)) as document:
        stack = [document.Root.StructTreeRoot]
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Array):
                stack.extend(element)
            elif isinstance(element, pikepdf.Dictionary):
                if element.get("/S") == "/Figure" and "/Alt" in element:
                    alts.append(str(element.Alt))
                if "/K" in element:
                    stack.append(element.K)
    return alts


@pytest.fixture
def approved(open_cycle, reviewer):
    return make_approved_review(Country.objects.get(iso3="KEN"), open_cycle, reviewer=reviewer)


def check_cover(body: bytes, language: str, tmp_path, subtests) -> None:
    picture = Picture(body, tmp_path, f"cover-{language}")
    with translation.override(language):
        portal = gettext("Safer Cities Review Portal")
    margin = px(5)  # outside the text: only the bands reach the paper's edge

    with subtests.test("a band of the primary colour edge to edge, a yellow rule under it"):
        bands = [run for run in picture.runs(margin, PRIMARY) if run[1] >= px(30)]
        assert bands, picture.runs(margin, PRIMARY)
        top, rows = bands[0]
        assert top < picture.height / 2
        assert near(picture.at(picture.width - 1 - margin, top + rows // 2), PRIMARY)
        assert any(start - (top + rows) <= 2 for start, _n in picture.runs(margin, SUN))

    with subtests.test("the foot of the cover is a primary band too"):
        last = picture.runs(margin, PRIMARY)[-1]
        assert last[0] + last[1] == picture.height and last[1] >= px(12), last

    with subtests.test("the wordmark at the top, on the side the language starts from"):
        above_band = range(px(15), px(35))
        marked = picture.columns_with(PRIMARY, above_band)
        assert marked, "no wordmark above the band"
        if language == "ar":
            assert min(marked) > picture.width / 2, (min(marked), picture.width)
            assert max(marked) <= picture.width - px(17), max(marked)
        else:
            assert max(marked) < picture.width / 2, (max(marked), picture.width)
            assert min(marked) >= px(17), min(marked)

    pages = pages_text(body, tmp_path)
    with subtests.test("the wordmark once in the document, the portal's name in the language"):
        assert "REVIEW PORTAL" in pages[0] and "Safer Cities" in pages[0], pages[0]
        assert not [n for n, text in enumerate(pages[1:], 2) if "REVIEW PORTAL" in text]
        assert reads(portal, pages[0], ligatures(body)), pages[0]
        assert portal in figure_alts(body), figure_alts(body)


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_a_country_review_pdf_has_the_portals_cover(approved, language, subtests, tmp_path):
    document = pdf.review_document(
        approved, pdf.latest_snapshot(approved), draft=False, language=language
    )
    check_cover(pdf.render_review(document).pdf, language, tmp_path, subtests)


def test_the_compiled_report_has_the_portals_cover(open_cycle, approved, subtests, tmp_path):
    rendered, _stats = dossier.compile_report(open_cycle, language="en")
    check_cover(rendered.pdf, "en", tmp_path, subtests)


def test_the_locked_fetcher_hands_over_the_wordmark_and_no_other_kind_of_file():
    fetcher = pdf.LockedFetcher()
    response = fetcher.fetch("asset:img/wordmark.svg")
    assert response.content_type == "image/svg+xml"
    assert response.read().startswith(b"<svg")
    for url in ("asset:js/portal.js", "asset:img/../../manage.py", "asset:scss/_components.scss"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert fetcher.refused == [
        "asset:js/portal.js", "asset:img/../../manage.py", "asset:scss/_components.scss"
    ]  # fmt: skip
