"""The compiled report and the country review PDFs in other languages than English.

What a reader sees: an Arabic report set right to left with Arabic fonts embedded and Arabic
headings; the Board's download centre offering each language the report was built in; every
language already built recompiled when another review is approved; a French report with the
French indicator titles.

Nothing here hard-codes a translation: the expected headings are the catalog's own (gettext
under `translation.override`), the indicator titles the matrix's own columns (`title_ar`,
`title_fr`). The PDFs are real WeasyPrint output read back with poppler (`pdffonts`,
`pdfinfo`, `pdftotext`) and pikepdf.

Positions come from `pdftotext -bbox-layout`: one box per line, words left to right on the
page, a right-to-left word's letters in visual order (turned round here). poppler (22.12) also
turns round the letters of a ligature glyph in a right-to-left run ("سلامة" reads "سالمة", see
test_scripts.py): the comparisons accept either order of the letters of each ligature the PDF's
ToUnicode maps define, and nothing else.

Renders cost seconds, so each test builds its PDFs once and makes several checks (subtests,
so one failing check does not hide the others).
"""

import io
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import NamedTuple

import lxml.html
import pikepdf
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import Indicator
from reports import dossier, jobs, pdf
from reports.models import JobStatus, RenderJob, ReportFile, ReportKind
from reviews import editor, services
from tests.support import factories
from tests.support.clients import client_for
from tests.support.pdfs import BIDI_CONTROLS, family, ligatures, pdffonts, squash
from tests.support.reviews import fill, make_approved_review, run_jobs

pytestmark = pytest.mark.django_db

MARGIN = 18 / 25.4 * 72  # the left and right page margins of static/css/pdf.css (18 mm)
INDENT = 6 / 25.4 * 72  # nav.toc li.sub: margin-inline-start 6 mm
NEAR = 2.0  # points: how close to a margin a line "at the margin" is
ARABIC_FAMILIES = {"Noto-Sans-Arabic", "Noto-Naskh-Arabic"}

# Fixed headings of the compiled report (templates/pdf/dossier_*.html), as msgids.
DOSSIER_HEADINGS = [
    "Contents",
    "Compiled report",
    "Review cycle",
    "Introduction",
    "Participation",
    "Indicators of success",
    "Synthesis by indicator",
    "Country reviews",
    "Annex: the indicator matrix",
]
# Fixed labels of a country review (templates/pdf/review.html), as msgids.
REVIEW_LABELS = [
    "Voluntary country review",
    "Review cycle",
    "Reports to",
    "Status",
    "Approved",
    "Contents",
    "Indicator answers",
    "Evidence attachments",
]


# --- Reading the PDFs ------------------------------------------------------------------------


def run(*args) -> str:
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def stored(report: ReportFile, tmp_path: Path) -> Path:
    """The report's PDF as stored, written out for poppler."""
    path = tmp_path / f"report-{report.pk}.pdf"
    with report.file.open("rb") as handle:
        path.write_bytes(handle.read())
    return path


def translated(language: str, msgid: str) -> str:
    """The catalog's translation of `msgid`. The catalog must be there (compiled): "Contents"
    is translated in every language; in Arabic, every msgid (another script)."""
    with translation.override(language):
        text, contents = gettext(msgid), gettext("Contents")
    assert contents != "Contents", f"no {language} catalog: are the catalogs compiled?"
    assert language != "ar" or text != msgid, f"no Arabic translation of {msgid!r}"
    return text


def pattern(expected: str, ligature_texts: set[str]) -> re.Pattern:
    """`expected`, squashed, as a pattern in which the letters of each ligature may come out
    in either order (poppler's quirk, see the module's docstring)."""
    flat, ligs = squash(expected), sorted(ligature_texts, key=len, reverse=True)
    parts, i = [], 0
    while i < len(flat):
        lig = next((lig for lig in ligs if flat.startswith(lig, i)), None)
        if lig:
            parts.append(f"(?:{re.escape(lig)}|{re.escape(lig[::-1])})")
            i += len(lig)
        else:
            parts.append(re.escape(flat[i]))
            i += 1
    return re.compile("".join(parts))


def rtl(word: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in word)


class Word(NamedTuple):
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    text: str


class Line(NamedTuple):
    page: int  # 1-based
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    words: list[Word]

    @property
    def text(self) -> str:
        """The line in reading order: a right-to-left line's words from the right."""
        words = [w.text for w in self.words]
        return " ".join(reversed(words) if any(map(rtl, words)) else words)


class Layout(NamedTuple):
    width: float
    height: float
    lines: list[Line]

    @property
    def left(self) -> float:
        return MARGIN

    @property
    def right(self) -> float:
        return self.width - MARGIN

    def on(self, page: int) -> list[Line]:
        return [line for line in self.lines if line.page == page]

    def find(self, expected: str, ligature_texts: set[str], page: int | None = None) -> Line:
        """The first line (on `page`) that reads exactly `expected`."""
        wanted = pattern(expected, ligature_texts)
        for line in self.on(page) if page else self.lines:
            if wanted.fullmatch(squash(line.text)):
                return line
        shown = [(line.page, line.text) for line in (self.on(page) if page else self.lines)][:60]
        raise AssertionError(f"no line reads {expected!r} (page {page}); lines: {shown}")


def layout(path: Path) -> Layout:
    """Lines and words with their boxes, from `pdftotext -bbox-layout`."""
    out = run("pdftotext", "-bbox-layout", "-enc", "UTF-8", str(path), "-")
    root = lxml.html.fromstring(out.encode(), parser=lxml.html.HTMLParser(encoding="utf-8"))
    lines, size = [], None

    def box(element):
        return [float(element.get(k)) for k in ("xmin", "ymin", "xmax", "ymax")]

    for number, page in enumerate(root.iter("page"), start=1):
        size = size or (float(page.get("width")), float(page.get("height")))
        for line in page.iter("line"):
            words = [
                Word(*box(w), w.text_content()[::-1] if rtl(w.text_content()) else w.text_content())
                for w in line.iter("word")
            ]
            lines.append(Line(number, *box(line), words))
    return Layout(*size, lines)


def outline(path: Path, chapters_under: str) -> list[tuple[str, int, int]]:
    """What the contents page lists, from the bookmarks: (title, page number, level) of the
    top level, with the chapters hanging under the `chapters_under` heading at level 2."""
    entries = []
    with pikepdf.open(path) as document:
        index = {page.obj.objgen: n for n, page in enumerate(document.pages, start=1)}
        with document.open_outline() as tree:
            for item in tree.root:
                entries.append((item.title, index[item.destination[0].objgen], 1))
                if item.title == chapters_under:
                    entries += [(c.title, index[c.destination[0].objgen], 2) for c in item.children]
    return entries


def pdf_lang(body: bytes) -> str:
    with pikepdf.open(io.BytesIO(body)) as document:
        return str(document.Root.Lang)


def tagged(path: Path) -> bool:
    return bool(re.search(r"^Tagged:\s+yes$", run("pdfinfo", str(path)), re.M))


def overlaps(a, b) -> bool:
    """Two boxes share some height (they sit on one row)."""
    return a.y_min < b.y_max and b.y_min < a.y_max


# --- Building reports ------------------------------------------------------------------------


def compiles(cycle) -> list[ReportFile]:
    return list(ReportFile.objects.filter(cycle=cycle, kind=ReportKind.DOSSIER).order_by("pk"))


def queued_compiles(cycle) -> list[str]:
    return sorted(
        RenderJob.objects.filter(
            cycle=cycle, kind=ReportKind.DOSSIER, status=JobStatus.QUEUED
        ).values_list("language", flat=True)
    )


def run_compiles(**filters) -> None:
    results = run_jobs(kind=ReportKind.DOSSIER, **filters)
    assert results and set(results) == {"done"}, results


def centre_rows(html: str, cycle) -> list[dict]:
    """The rows of the cycle's "Compiled report" table in the download centre."""
    section = lxml.html.fromstring(html).xpath(f'//section[@aria-labelledby="cycle-{cycle.pk}"]')
    assert section, f"the centre shows no section for {cycle}"
    rows = []
    for tr in section[0].xpath(".//table/tbody/tr"):
        header, (latest, _compiled, earlier) = tr.xpath("./th")[0], tr.xpath("./td")
        link = latest.xpath(".//a")[0]
        rows.append({
            "lang": header.get("lang"),
            "name": header.text_content().strip(),
            "latest": (link.get("href"), link.text_content().strip()),
            "latest_text": " ".join(latest.text_content().split()),
            "earlier": [(a.get("href"), a.text_content().strip()) for a in earlier.xpath(".//a")],
        })  # fmt: skip
    return rows


def bare(text: str) -> str:
    """Without diacritics (Django spells Arabic "العربيّة", with a shadda; the catalog does not)."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def link(report: ReportFile) -> tuple[str, str]:
    return reverse("reports:download", args=[report.pk]), report.filename


# --- The compiled report in Arabic, the Board's centre, recompiles ---------------------------


def test_arabic_compiled_report_the_board_centre_and_recompiles_per_language(
    open_cycle, reviewer, secretariat_admin, board_member, subtests, tmp_path
):
    """Kenya's review approved: the report compiled in English (version 1), then in Arabic
    (its own version 1: each language's editions are numbered on their own). Colombia's
    review approved: a compile queued in both languages. The cycle published, the Arabic
    report asked for again: version 2 in each language is the published cycle's."""
    cycle = open_cycle
    make_approved_review(Country.objects.get(iso3="KEN"), cycle, reviewer=reviewer)
    run_compiles()
    jobs.request_compile(cycle, by=secretariat_admin, language="ar")
    run_compiles(language="ar")
    assert [(r.language, r.number) for r in compiles(cycle)] == [("en", 1), ("ar", 1)]
    assert queued_compiles(cycle) == []

    make_approved_review(Country.objects.get(iso3="COL"), cycle, reviewer=reviewer)
    with subtests.test("approving a review queues a compile in English and in Arabic, only"):
        queued = RenderJob.objects.filter(
            cycle=cycle, kind=ReportKind.DOSSIER, status=JobStatus.QUEUED
        )
        assert sorted(job.language for job in queued) == ["ar", "en"], (
            "one compile per language already built (and English), no other language"
        )
        assert {job.requested_by for job in queued} == {reviewer}

    cycle_services.close_cycle(cycle, by=secretariat_admin)
    cycle = cycle_services.publish_cycle(cycle, by=secretariat_admin)
    jobs.request_compile(cycle, by=secretariat_admin, language="ar")
    assert queued_compiles(cycle) == ["ar", "en"]  # publication and the request joined them
    run_compiles()
    built = {(r.language, r.number): r for r in compiles(cycle)}
    assert sorted(built) == [("ar", 1), ("ar", 2), ("en", 1), ("en", 2)]
    en_v1, ar_v1, en_v2, ar_v2 = built["en", 1], built["ar", 1], built["en", 2], built["ar", 2]
    arabic, english = stored(ar_v2, tmp_path), stored(en_v2, tmp_path)
    ligs = ligatures(arabic.read_bytes())
    ar_layout, en_layout = layout(arabic), layout(english)

    def ar(msgid):
        return translated("ar", msgid)

    # 1. An Arabic compiled report: Arabic fonts embedded, tagged, Arabic text, right to left.
    with subtests.test("every font embedded with a ToUnicode map, an Arabic Noto among them"):
        rows = pdffonts(arabic)
        assert rows, "pdffonts lists no font"
        for row in rows:
            assert row["emb"] == "yes" and row["uni"] == "yes", row
        families = {family(row["name"]) for row in rows}
        assert families & ARABIC_FAMILIES, f"no Arabic font among {sorted(families)}"

    with subtests.test("a tagged PDF whose language is Arabic"):
        assert tagged(arabic)
        assert pdf_lang(arabic.read_bytes()) == "ar"
        assert pdf_lang(english.read_bytes()) == "en"

    with subtests.test("the document title (shown by the viewer) is Arabic"):
        info = run("pdfinfo", "-enc", "UTF-8", str(arabic))
        shown = re.search(r"^Title:\s+(.*)$", info, re.M)[1]
        msgid = "%(cycle)s: compiled report of the voluntary country reviews"  # dossier.py
        with translation.override("ar"):
            arabic_title = gettext(msgid)
        with translation.override("ar"):  # the cycle's name composed from its years
            name = gettext("%(years)s review cycle") % {"years": "2021–2023"}
        expected = arabic_title % {"cycle": name}
        shown = shown.translate(BIDI_CONTROLS)  # the isolates that keep the years in order
        assert arabic_title != msgid and shown == expected, (
            f"the Arabic report's title (pdfinfo Title, which viewers show: DisplayDocTitle) "
            f"is {shown!r}; the Arabic catalog gives {expected!r}"
        )

    with subtests.test("the cover and the running header keep the cycle's years in order"):
        # Issue 17: "review cycle 2027–2025". pdftotext gives a right-to-left line's numbers
        # in the order they are drawn, left to right.
        for page, where in ((1, "cover"), (3, "running header")):
            text = run(
                "pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(arabic), "-"
            )
            if where == "running header":
                text = " ".join(line.text for line in ar_layout.on(3) if line.y_max < 45)
            assert "2021–2023" in text and "2023–2021" not in text, (where, text)

    with subtests.test("the fixed headings and the indicator titles are Arabic"):
        text = run("pdftotext", "-enc", "UTF-8", str(arabic), "-")
        flat = squash(text)
        missing = [m for m in DOSSIER_HEADINGS if not pattern(ar(m), ligs).search(flat)]
        assert not missing, f"Arabic headings missing: {[(m, ar(m)) for m in missing]}"
        english_left = [m for m in DOSSIER_HEADINGS if m in text]
        assert not english_left, f"English headings in the Arabic report: {english_left}"
        indicators = Indicator.objects.filter(matrix=cycle.matrix).order_by("pk")
        assert len(indicators) > 5
        absent = [i.code for i in indicators if not pattern(i.title_ar, ligs).search(flat)]
        assert not absent, f"indicators without their Arabic title (title_ar): {absent}"

    with subtests.test("the contents heading is set right to left, the English one left"):
        heading = ar_layout.find(ar("Contents"), ligs, page=2)
        assert abs(heading.x_max - ar_layout.right) < NEAR, (
            f"Arabic contents heading ends at x={heading.x_max:.1f}, "
            f"the right margin is x={ar_layout.right:.1f}"
        )
        assert heading.x_min > ar_layout.width / 2, heading
        with translation.override("en"):
            english_heading = en_layout.find(gettext("Contents"), set(), page=2)
        assert abs(english_heading.x_min - en_layout.left) < NEAR, english_heading
        assert english_heading.x_max < en_layout.width / 2, english_heading

    def contents_problems(lay: Layout, path: Path, chapters_under: str, start_edge: str):
        """Per entry of the contents: its title at the `start_edge` margin (indented for a
        chapter), its page number on the same row at the other margin."""
        problems, entries = [], outline(path, chapters_under)
        assert len(entries) >= 7, entries
        numbers = [w for line in lay.on(2) for w in line.words if w.text.isdigit()]
        path_ligatures = ligatures(path.read_bytes())
        for title, page, level in entries:
            line = lay.find(title, path_ligatures, page=2)
            indent = INDENT if level == 2 else 0
            if start_edge == "right":
                title_at, title_should = line.x_max, lay.right - indent
            else:
                title_at, title_should = line.x_min, lay.left + indent
            if abs(title_at - title_should) >= NEAR:
                problems.append(f"{title!r} starts at x={title_at:.1f}, not {title_should:.1f}")
            row = [w for w in numbers if w.text == str(page) and overlaps(w, line)]
            if not row:
                problems.append(f"{title!r}: no page number {page} on its row")
                continue
            number = min(row, key=lambda w: abs(w.y_min + w.y_max - line.y_min - line.y_max))
            at, should = (
                (number.x_min, lay.left) if start_edge == "right" else (number.x_max, lay.right)
            )
            if abs(at - should) >= NEAR:
                problems.append(f"{title!r}: page number {page} at x={at:.1f}, not {should:.1f}")
        placed = [(w.text, round(w.x_min, 1), round(w.x_max, 1)) for w in numbers]
        return problems, placed

    with subtests.test("the English contents: titles at the left, page numbers at the right"):
        with translation.override("en"):
            problems, placed = contents_problems(
                en_layout, english, gettext("Country reviews"), "left"
            )
        assert not problems, (problems, placed)

    with subtests.test("the Arabic contents is mirrored: titles right, page numbers left"):
        problems, placed = contents_problems(ar_layout, arabic, ar("Country reviews"), "right")
        assert not problems, (
            f"Arabic contents page (text area x={ar_layout.left:.1f}–{ar_layout.right:.1f}, "
            f"page width {ar_layout.width:.1f}): {problems}; numbers drawn (text, xMin, xMax): "
            f"{placed}"
        )

    with subtests.test("the page furniture is mirrored: page number and running title"):
        for lay, number_edge, number_side in (
            (ar_layout, ar_layout.left, "x_min"),
            (en_layout, en_layout.right, "x_max"),
        ):
            folio = [
                w for line in lay.on(2) for w in line.words
                if w.y_min > lay.height - 60 and w.text == "2"
            ]  # fmt: skip
            assert len(folio) == 1, folio
            assert abs(getattr(folio[0], number_side) - number_edge) < NEAR, (folio, lay.width)
            top = [line for line in lay.on(3) if line.y_max < 45]
            assert len(top) == 1, top  # the running title, above the text area
            if lay is ar_layout:
                assert abs(top[0].x_min - lay.left) < NEAR, top[0]
            else:
                assert abs(top[0].x_max - lay.right) < NEAR, top[0]

    # 3. The Board's download centre: one row per language built, the reader's first.
    reader_ar = factories.make_user(Role.BOARD, email="board.ar@example.org", name="عضو المجلس")
    reader_ar.language = "ar"
    reader_ar.save(update_fields=["language"])
    expected = {
        "en": {"latest": link(en_v2), "earlier": [link(en_v1)], "number": 2},
        "ar": {"latest": link(ar_v2), "earlier": [link(ar_v1)], "number": 2},
    }
    for reader, order in ((board_member, ["en", "ar"]), (reader_ar, ["ar", "en"])):
        language = reader.language or settings.LANGUAGE_CODE
        page = client_for(reader).get(reverse("reports:centre"))
        assert page.status_code == 200
        rows = centre_rows(page.text, cycle)
        with subtests.test("a row per language built, the reader's first", reader=language):
            assert [row["lang"] for row in rows] == order
        with subtests.test("each row links its own latest and earlier versions", reader=language):
            for row in rows:
                want = expected[row["lang"]]
                assert row["latest"] == want["latest"], row
                assert row["earlier"] == want["earlier"], row
                with translation.override(language):
                    version = gettext("Version %(number)s") % {"number": want["number"]}
                assert row["latest_text"].startswith(version), row
        with subtests.test("each language is named in its own language", reader=language):
            names = {row["lang"]: bare(row["name"]) for row in rows}
            own = {code: bare(translation.get_language_info(code)["name_local"]) for code in names}
            assert names == own, (
                f"the centre names the languages {names} for a reader in {language!r}; each "
                f"row's <th lang=...> should read the language's own name {own}"
            )

    with subtests.test("downloading the Arabic row's report gives the Arabic PDF"):
        client = client_for(board_member)
        centre = client.get(reverse("reports:centre")).text
        rows = {row["lang"]: row for row in centre_rows(centre, cycle)}
        for code in ("ar", "en"):
            href, filename = rows[code]["latest"]
            response = client.get(href)
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            assert f'filename="{filename}"' in response["Content-Disposition"]
            body = b"".join(response.streaming_content)
            assert body.startswith(b"%PDF-")
            assert pdf_lang(body) == code


# --- The cycle's names in an Arabic edition --------------------------------------------------

# A translator's Arabic for the patterns of the cycle's names (reports/names.py). The test
# writes its own catalog with them, put before the project's, so that it shows what the
# Arabic edition does with an Arabic pattern whatever locale/ holds today.
ARABIC_NAMES = {
    "%(years)s review cycle": "دورة الاستعراض %(years)s",
    "Second session of the UN-Habitat Assembly": "الدورة الثانية لجمعية موئل الأمم المتحدة",
}


@pytest.fixture
def arabic_names(settings, tmp_path) -> dict:
    folder = tmp_path / "locale" / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    entries = "".join(
        f'msgid "{msgid}"\nmsgstr "{text}"\n\n' for msgid, text in ARABIC_NAMES.items()
    )
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    (folder / "django.po").write_text(header + entries, encoding="utf-8")
    run("msgfmt", "-o", str(folder / "django.mo"), str(folder / "django.po"))
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]  # clears the caches
    with translation.override("ar"):
        assert gettext("%(years)s review cycle") == ARABIC_NAMES["%(years)s review cycle"]
    return ARABIC_NAMES


def test_an_arabic_edition_names_the_cycle_and_the_session_in_arabic_years_in_order(
    open_cycle, reviewer, arabic_names, subtests, tmp_path
):
    """Issue 17: the Arabic compiled report's cover and running header read "review cycle
    2027–2025" and kept the English names inside Arabic sentences. The cycle's name and the
    session it reports to are composed in Arabic, the years drawn left to right, on the covers,
    the running headers and in the sentences of the compiled report and of a review's PDF."""
    review = make_approved_review(Country.objects.get(iso3="KEN"), open_cycle, reviewer=reviewer)
    rendered, _stats = dossier.compile_report(open_cycle, language="ar")
    compiled = tmp_path / "compiled-ar.pdf"
    compiled.write_bytes(rendered.pdf)
    document = pdf.review_document(review, pdf.latest_snapshot(review), draft=False, language="ar")
    own = tmp_path / "review-ar.pdf"
    own.write_bytes(pdf.render_review(document).pdf)
    cycle_ar = ARABIC_NAMES["%(years)s review cycle"] % {"years": "2021–2023"}
    session_ar = ARABIC_NAMES["Second session of the UN-Habitat Assembly"]

    def margins(lay: Layout, page: int) -> str:
        """The text above and below the text area of a page (running title, page number)."""
        lines = [line for line in lay.on(page) if line.y_max < 45 or line.y_min > lay.height - 45]
        return squash(" ".join(line.text for line in lines))

    chapters = outline(compiled, translated("ar", "Country reviews"))
    chapter_start = next(n for title, n, _level in chapters if title == "Kenya")
    for path, header_page, header in (
        (compiled, 3, cycle_ar),  # the introduction's page
        (compiled, chapter_start + 1, f"Kenya · {cycle_ar}"),  # Kenya's chapter
        (own, 2, f"Kenya · {cycle_ar}"),  # the review's own PDF
    ):
        lay, ligs = layout(path), ligatures(path.read_bytes())
        with subtests.test("the cover names the cycle and the session in Arabic", pdf=path.name):
            lay.find(cycle_ar, ligs, page=1)
            lay.find(session_ar, ligs, page=1)
        with subtests.test("the running header too", pdf=path.name, page=header_page):
            shown = margins(lay, header_page)
            assert pattern(header, ligs).search(shown), (shown, header)
        with subtests.test("no English name of the cycle or the session is left", pdf=path.name):
            text = run("pdftotext", "-enc", "UTF-8", str(path), "-")
            left = re.findall(r"review cycle|session of the UN-Habitat Assembly", text, re.I)
            assert not left, f"{path.name} still reads {left}"
            assert "2023–2021" not in text

    with subtests.test("the introduction's sentence names both in Arabic"):
        flat = squash(" ".join(line.text for line in layout(compiled).on(3)))
        for name in (cycle_ar, session_ar):
            assert pattern(name, ligatures(compiled.read_bytes())).search(flat), (name, flat)

    with subtests.test("the document title names the cycle in Arabic"):
        info = run("pdfinfo", "-enc", "UTF-8", str(compiled))
        shown = re.search(r"^Title:\s+(.*)$", info, re.M)[1].translate(BIDI_CONTROLS)
        with translation.override("ar"):
            title = gettext("%(cycle)s: compiled report of the voluntary country reviews")
        assert shown == title % {"cycle": cycle_ar}, shown


# --- A country review written in Arabic ------------------------------------------------------


def test_country_review_in_arabic_is_right_to_left_with_arabic_labels(
    open_cycle, kenya, focal_point, reviewer, subtests, tmp_path
):
    review = services.start_review(kenya, open_cycle, by=focal_point)
    review = editor.save_draft(
        review, by=focal_point, base_version=review.lock_version, sections={}, language="ar"
    )
    review = fill(review, focal_point)
    review = services.approve_review(services.submit_review(review, by=focal_point), by=reviewer)
    assert run_jobs(kind=ReportKind.REVIEW, draft=False) == ["done"]
    report = ReportFile.objects.get(review=review, kind=ReportKind.REVIEW, draft=False)
    assert report.language == "ar"
    path = stored(report, tmp_path)
    ligs = ligatures(path.read_bytes())
    lay = layout(path)

    with subtests.test("a tagged Arabic PDF with an Arabic font embedded"):
        assert tagged(path)
        assert pdf_lang(path.read_bytes()) == "ar"
        rows = pdffonts(path)
        assert all(row["emb"] == "yes" and row["uni"] == "yes" for row in rows), rows
        assert {family(row["name"]) for row in rows} & ARABIC_FAMILIES, rows

    with subtests.test("the fixed labels and the indicator titles are Arabic"):
        text = run("pdftotext", "-enc", "UTF-8", str(path), "-")
        flat = squash(text)
        missing = [m for m in REVIEW_LABELS if not pattern(translated("ar", m), ligs).search(flat)]
        assert not missing, f"Arabic labels missing: {missing}"
        english_left = [m for m in REVIEW_LABELS if len(m.split()) > 1 and m in text] + [
            m for m in ("Contents", "Status") if re.search(rf"\b{m}\b", text)
        ]
        assert not english_left, f"English labels in the Arabic review: {english_left}"

    with subtests.test("the answers table gives the Arabic indicator titles"):
        # The indicator column (46 % of the table, at the right in Arabic) read top to bottom:
        # plain pdftotext interleaves a wrapped title with the answer beside it.
        column = lay.right - 0.46 * (lay.right - lay.left) - NEAR
        lines = sorted(
            (line for line in lay.lines if line.x_min >= column),
            key=lambda line: (line.page, line.y_min),
        )
        flat = squash(" ".join(line.text for line in lines))
        indicators = Indicator.objects.filter(matrix=open_cycle.matrix).order_by("pk")
        absent = [i.code for i in indicators if not pattern(i.title_ar, ligs).search(flat)]
        assert not absent, f"indicators without their Arabic title (title_ar): {absent}"

    with subtests.test("the cover and the contents are set right to left"):
        for msgid in ("Voluntary country review", "Contents"):
            line = lay.find(translated("ar", msgid), ligs)
            assert abs(line.x_max - lay.right) < NEAR, (msgid, line.x_max, lay.right)
            assert line.x_min > lay.width / 2, (msgid, line)

    with subtests.test("the page number sits at the left, mirrored"):
        # "2 / N" at the foot of page 2, read right to left: it ends at the left margin.
        foot = [w for line in lay.on(2) for w in line.words if w.y_min > lay.height - 60]
        folio = [w for w in foot if w.x_max < lay.width / 2]
        assert "2" in [w.text for w in folio], foot
        assert abs(min(w.x_min for w in folio) - lay.left) < NEAR, folio


# --- The compiled report in French -----------------------------------------------------------


def test_french_compile_shows_the_french_indicator_titles(
    open_cycle, kenya, reviewer, secretariat_admin, subtests, tmp_path
):
    make_approved_review(kenya, open_cycle, reviewer=reviewer)
    jobs.request_compile(open_cycle, by=secretariat_admin, language="fr")
    run_compiles(language="fr")
    report = ReportFile.objects.get(cycle=open_cycle, kind=ReportKind.DOSSIER, language="fr")
    path = stored(report, tmp_path)
    assert pdf_lang(path.read_bytes()) == "fr"
    pages = run("pdftotext", "-enc", "UTF-8", str(path), "-").split("\f")
    starts = {title: page for title, page, _level in outline(path, "")}
    synthesis, countries, annex = (
        translated("fr", m)
        for m in ("Synthesis by indicator", "Country reviews", "Annex: the indicator matrix")
    )
    assert {synthesis, countries, annex} <= set(starts), f"French bookmarks: {list(starts)}"
    parts = {  # the text of the pages from one bookmark to the next
        "synthesis": squash(" ".join(pages[starts[synthesis] - 1 : starts[countries] - 1])),
        "annex": squash(" ".join(pages[starts[annex] - 1 :])),
    }
    indicators = list(Indicator.objects.filter(matrix=open_cycle.matrix).order_by("pk"))
    for part, flat in parts.items():
        with subtests.test("French indicator titles (title_fr)", part=part):
            absent = [i.code for i in indicators if squash(i.title_fr) not in flat]
            assert not absent, f"{part}: no French title for {absent}"
            english = [i.code for i in indicators if squash(i.title_en) in flat]
            assert not english, f"{part}: English titles of {english}"
