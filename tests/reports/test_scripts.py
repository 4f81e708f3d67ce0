"""Arabic, Chinese and Russian in the PDFs: embedded fonts per script, text that round-trips,
tagged PDFs that carry the document language (the issue: "A review written with Arabic,
Chinese and Russian text renders with embedded fonts for each script (checked with `pdffonts`)
and the text round-trips through `pdftotext`", "Tagged PDF (PDF/UA) with the document
language").

About Arabic and poppler (22.12 here): `pdftotext` gives Arabic runs in logical order, wrapped
in bidi embedding marks (U+202B … U+202C), but it turns the lam-alef ligature glyph (whose
ToUnicode entry is correctly "لا", U+0644 U+0627) round into "ال" when it reorders the
right-to-left run: "سلامة" reads "سالمة". The ToUnicode map is right (asserted below), so the
comparison accepts either order of those two letters and nothing else.
"""

import html
import re
import unicodedata
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from reports import dossier, pdf
from reviews import editor, services
from reviews.models import Snapshot
from reviews.sections import SECTIONS
from tests.support.pdfs import family, font_characters, ligatures, pdffonts, run, squash, write
from tests.support.reviews import fill, make_approved_review

pytestmark = pytest.mark.django_db

ARABIC = "تعزيز سلامة المدن والمستوطنات البشرية في جميع البلديات"
# Each ends with a full stop in the review (see MULTISCRIPT), left out here: at the end of a
# right-to-left paragraph it is drawn at the left, and pdftotext puts it before the words.
ARABIC_PARAGRAPHS = [
    ARABIC,
    "تواجه المدن الكبرى تحديات متزايدة في مجال الجريمة والعنف",
    "وضعت الحكومة خطة وطنية للوقاية من الجريمة بالتعاون مع السلطات المحلية والمجتمع المدني",
]
CHINESE = "城市安全与人类住区准则的实施情况"
RUSSIAN = "Безопасность городов и населённых пунктов"
ENGLISH = "Kenya adopted a national urban safety policy in 2022."

# Sections of Kenya's review: the three scripts side by side, and one section in Arabic only.
MULTISCRIPT = {s.key: f"{s.title}: {ENGLISH}" for s in SECTIONS} | {
    "executive_summary": f"{ENGLISH} {ARABIC}. {CHINESE}。 {RUSSIAN}.",
    "national_context": "\n\n".join(f"{p}." for p in ARABIC_PARAGRAPHS),
    "measures": f"{CHINESE}：国家城市安全政策于2022年通过。",
    "difficulties": f"{RUSSIAN}: рост преступности в крупных городах.",
}

# The families of static/css/pdf.css, as pdffonts names them (spaces become hyphens).
FAMILIES = {"Noto-Sans", "Noto-Sans-Arabic", "Noto-Naskh-Arabic", "Noto-Sans-CJK-SC"}


# --- Helpers ---------------------------------------------------------------------------------


def check_scripts(body: bytes, tmp_path: Path) -> list[dict]:
    """Every font embedded, none Type 3, only the stylesheet's Noto families, one per script;
    and each script's letters drawn from its own font."""
    rows = pdffonts(write(body, tmp_path, "fonts.pdf"))
    assert rows, "pdffonts lists no font"
    for row in rows:
        assert row["emb"] == "yes", row
        assert row["uni"] == "yes", row  # a ToUnicode map, so the text can be extracted
        assert "Type 3" not in row["type"], row
        assert family(row["name"]) in FAMILIES, f"a font outside pdf.css's stack: {row}"
    families = {family(row["name"]) for row in rows}
    assert "Noto-Sans" in families
    assert {"Noto-Sans-Arabic", "Noto-Naskh-Arabic"} & families
    assert "Noto-Sans-CJK-SC" in families
    chars = font_characters(body)
    assert set("Безопасность") <= chars["Noto-Sans"]
    assert set(ARABIC.replace(" ", "")) <= set().union(
        *(chars.get(f, set()) for f in ("Noto-Sans-Arabic", "Noto-Naskh-Arabic"))
    )
    assert set(CHINESE) <= chars["Noto-Sans-CJK-SC"]
    return rows


def arabic_pattern(sentence: str) -> re.Pattern:
    """`sentence`, squashed, as a pattern; lam-alef may come out as "لا" or "ال" (see above)."""
    parts = [re.escape(part) for part in squash(sentence).split("لا")]
    return re.compile("(?:لا|ال)".join(parts))


def arabic_order(text: str, sentence: str) -> str | None:
    """How the Arabic `sentence` appears in the extracted `text`: "logical" (as typed),
    "visual" (words right to left, as `pdftotext -raw` gives them), or None (not there)."""
    flat = squash(text)
    if arabic_pattern(sentence).search(flat):
        return "logical"
    if arabic_pattern(" ".join(reversed(sentence.split()))).search(flat):
        return "visual"
    return None


def words(path: Path) -> list[tuple[int, float, float, str]]:
    """(page, xMin, xMax, word) from `pdftotext -bbox`. That gives a right-to-left word's
    letters in visual order (left to right on the page), so those are turned round here."""
    out, page = [], -1
    for line in run("pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-").splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*)</word>', line)  # fmt: skip
        if match:
            word = html.unescape(match[3])
            if any(unicodedata.bidirectional(c) in ("R", "AL") for c in word):
                word = word[::-1]
            out.append((page, float(match[1]), float(match[2]), word))
    return out


def page_box(path: Path) -> tuple[float, float]:
    """The left and right edges of the text area (A4, margins of 18 mm, see pdf.css)."""
    width = float(re.search(r"Page size:\s+([\d.]+) x", run("pdfinfo", str(path)))[1])
    margin = 18 / 25.4 * 72
    return margin, width - margin


@pytest.fixture
def submit_kenya(open_cycle, focal_point, kenya):
    """Submit Kenya's review with the multi-script sections, written in `language`."""

    def submit(language: str | None = None):
        review = services.start_review(kenya, open_cycle, by=focal_point)
        if language:
            review = editor.save_draft(
                review, by=focal_point, base_version=review.lock_version, sections={},
                language=language,
            )  # fmt: skip
        review = fill(review, focal_point, sections=MULTISCRIPT)
        return services.submit_review(review, by=focal_point)

    return submit


@pytest.fixture
def multiscript_review(submit_kenya):
    return submit_kenya()


def render(review, **kwargs) -> pdf.Rendered:
    snapshot = Snapshot.objects.filter(review=review).latest("version")
    return pdf.render_review(pdf.review_document(review, snapshot, draft=True, **kwargs))


# --- The country review ----------------------------------------------------------------------


def test_review_embeds_a_noto_font_for_each_script(multiscript_review, tmp_path):
    rendered = render(multiscript_review)
    rows = check_scripts(rendered.pdf, tmp_path)
    assert {row["type"] for row in rows} <= {"CID TrueType", "CID Type 0C (OT)", "CID Type 0C"}


def test_review_text_round_trips_through_pdftotext(multiscript_review, tmp_path):
    rendered = render(multiscript_review)
    text = run("pdftotext", "-enc", "UTF-8", str(write(rendered.pdf, tmp_path, "r.pdf")), "-")
    flat = squash(text)
    for sentence in (ENGLISH, CHINESE, RUSSIAN, "国家城市安全政策于2022年通过", "рост преступности в крупных городах"):  # fmt: skip
        assert squash(sentence) in flat, sentence
    assert squash(f"{CHINESE}。{RUSSIAN}.") in flat  # mixed in one paragraph, in order
    # Arabic: each paragraph found, in logical order (poppler 22.12), one after the other.
    assert [arabic_order(text, p) for p in ARABIC_PARAGRAPHS] == ["logical"] * 3
    starts = [arabic_pattern(p).search(flat).start() for p in ARABIC_PARAGRAPHS]
    assert starts == sorted(starts)
    # The executive summary: English, then Arabic, then Chinese, as written.
    summary = arabic_pattern(f"{ENGLISH} {ARABIC}. {CHINESE}").search(flat)
    assert summary, "the mixed executive summary is not in reading order"


def test_arabic_text_extraction_matches_the_tounicode_map(multiscript_review, tmp_path):
    """The lam-alef quirk is poppler's, not the PDF's: the ligature maps to "لا" in order."""
    rendered = render(multiscript_review)
    assert "لا" in ligatures(rendered.pdf)
    assert "ال" not in ligatures(rendered.pdf)
    raw = run("pdftotext", "-raw", "-enc", "UTF-8", str(write(rendered.pdf, tmp_path, "r.pdf")), "-")  # fmt: skip
    # -raw keeps the order of the content stream: Arabic words right to left, each word's
    # letters in logical order.
    assert [arabic_order(raw, p) for p in ARABIC_PARAGRAPHS] == ["visual"] * 3


def test_arabic_section_of_an_english_review_is_set_right_to_left(multiscript_review, tmp_path):
    rendered = render(multiscript_review)
    path = write(rendered.pdf, tmp_path, "r.pdf")
    left, right = page_box(path)
    found = words(path)

    def word(text):
        return next(w for w in found if w[3] == text)

    # The Arabic-only section: its first word at the right edge, its last further left.
    first, last = word("تواجه"), word("والعنف.")
    assert first[0] == last[0]
    assert abs(first[2] - right) < 2, (first, right)
    assert last[2] < first[1]
    assert first[1] - left > 100  # a short line: it does not start at the left margin
    # English sections of the same review stay left to right.
    assert any(w[3] == "Partnerships," and abs(w[1] - left) < 2 for w in found)


def test_an_arabic_paragraph_in_an_english_section_is_set_right_to_left(
    open_cycle, focal_point, kenya, tmp_path
):
    """Each paragraph takes the direction of its own first strong letter, not the section's."""
    mixed = f"Twinning with Kampala began. {ENGLISH}\n\nتعمل البلديات على إنارة الشوارع والأسواق والحدائق العامة."
    review = services.start_review(kenya, open_cycle, by=focal_point)
    review = fill(review, focal_point, sections=MULTISCRIPT | {"partnerships": mixed})
    path = write(render(services.submit_review(review, by=focal_point)).pdf, tmp_path, "r.pdf")
    left, right = page_box(path)
    found = words(path)
    first = next(w for w in found if w[3] == "تعمل")
    assert abs(first[2] - right) < 2, (first, right)  # it starts at the right edge
    assert first[1] - left > 100  # a short line: it does not start at the left margin
    english = [w for w in found if w[3] == "Twinning"]
    assert english and abs(english[0][1] - left) < 2  # the English paragraph stays at the left


@pytest.mark.parametrize(
    ("language", "direction"), [("ar", "rtl"), ("ru", "ltr"), ("zh-hans", "ltr")]
)
def test_review_is_tagged_with_its_language(submit_kenya, language, direction, tmp_path):
    assert language in dict(settings.LANGUAGES)
    review = submit_kenya(language)
    assert review.language == language
    snapshot = Snapshot.objects.filter(review=review).latest("version")
    document = pdf.review_document(review, snapshot, draft=True)
    assert document.language == language
    with translation.override(language):
        markup = render_to_string("pdf/review.html", document.context() | {"chapter": False})
    assert f'<html lang="{language}" dir="{direction}">' in markup

    rendered = pdf.render_review(document)
    path = write(rendered.pdf, tmp_path, f"{language}.pdf")
    with pikepdf.open(path) as result:
        assert str(result.Root.Lang) == language
        assert result.Root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in result.Root
        assert result.open_metadata().get("pdfuaid:part") == "1"
    assert re.search(r"^Tagged:\s+yes$", run("pdfinfo", str(path)), re.M)
    check_scripts(rendered.pdf, tmp_path)
    assert squash(CHINESE) in squash(run("pdftotext", "-enc", "UTF-8", str(path), "-"))
    if direction == "rtl":
        # The whole document is right to left: the cover's title sits at the right edge.
        left, right = page_box(path)
        found = words(path)
        kenya_title = next(w for w in found if w[3] == "Kenya")  # the cover's, on page 1
        assert kenya_title[0] == 0
        assert abs(kenya_title[2] - right) < 2, (kenya_title, right)


# --- The compiled report ---------------------------------------------------------------------


def test_compiled_report_embeds_every_script_and_keeps_the_text(
    open_cycle, kenya, reviewer, tmp_path
):
    make_approved_review(kenya, open_cycle, reviewer=reviewer, sections=MULTISCRIPT)
    rendered, stats = dossier.compile_report(open_cycle, language="en")
    assert stats.chapters == 1
    check_scripts(rendered.pdf, tmp_path)
    path = write(rendered.pdf, tmp_path, "dossier.pdf")
    text = run("pdftotext", "-enc", "UTF-8", str(path), "-")
    flat = squash(text)
    assert squash(CHINESE) in flat
    assert squash(RUSSIAN) in flat
    assert [arabic_order(text, p) for p in ARABIC_PARAGRAPHS] == ["logical"] * 3
    with pikepdf.open(path) as result:
        assert str(result.Root.Lang) == "en"
