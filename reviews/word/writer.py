"""A review as a Word document built for drafting (python-docx).

A cover (country, cycle, deadline, how to use the document); each section with its guidance,
word limit and a box holding its text; each outcome's indicators as a table, one row per
indicator: what it asks (type, unit, allowed choices or currency, by sex), the answer, its year,
source and note; the comments still open. Written in the review's language, right to left for
Arabic, with the fonts the PDFs use (Noto). Hidden markers (reviews/word/markers.py) let the
document come back (reviews/word/reader.py).
"""

import io
from xml.sax.saxutils import escape

import docx
from django.utils import formats, translation
from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from indicators.models import IndicatorType
from reviews.editor import by_outcome
from reviews.sections import SECTIONS
from reviews.word import markers
from reviews.word.content import cell_lines

LANG_TAGS = {"ar": "ar-SA", "en": "en-GB", "es": "es-ES", "fr": "fr-FR", "ru": "ru-RU",
             "zh-hans": "zh-CN"}  # fmt: skip
FONTS = {"ascii": "Noto Sans", "hAnsi": "Noto Sans", "eastAsia": "Noto Sans CJK SC",
         "cs": "Noto Sans Arabic"}  # fmt: skip
GREY = RGBColor(0x55, 0x55, 0x55)
# The indicator table's columns: indicator, answer, year, source, note (A4 portrait, 2 cm margins)
WIDTHS = (Cm(6.2), Cm(4.2), Cm(1.5), Cm(2.6), Cm(2.5))
CUSTOM_PROPERTIES = "application/vnd.openxmlformats-officedocument.custom-properties+xml"


def build(review, export, indicators, threads) -> bytes:
    """The .docx of `review` for `export` (its content and key), in the export's language."""
    with translation.override(export.language):
        document = docx.Document()
        rtl = translation.get_language_bidi()
        _page(document, rtl)
        _styles(document, export.language, rtl)
        _cover(document, review, export, rtl)
        marks = _Bookmarks()
        for section in SECTIONS:
            _section(document, section, export.content["sections"][section.key], export, marks,
                     rtl)  # fmt: skip
        _indicators(document, indicators, export, marks, rtl)
        _comments(document, threads, rtl)
        _custom_property(document, markers.PROPERTY, markers.sign(export))
        document.core_properties.title = _("Voluntary review: %(country)s") % {
            "country": review.country.name
        }
        document.core_properties.language = LANG_TAGS.get(export.language, "en-GB")
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


# --- Page, styles and fonts ------------------------------------------------------------------


def _page(document, rtl: bool) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    if rtl:
        section._sectPr.append(OxmlElement("w:bidi"))


def _styles(document, language: str, rtl: bool) -> None:
    lang = LANG_TAGS.get(language, "en-GB")
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in list(fonts.attrib):
            if attr.endswith("Theme"):  # theme fonts would win over the ones set here
                del fonts.attrib[attr]
        for slot, font in FONTS.items():
            fonts.set(qn(f"w:{slot}"), font)
        for old in rpr.findall(qn("w:lang")):
            rpr.remove(old)
        tag = OxmlElement("w:lang")
        tag.set(qn("w:val"), lang)
        tag.set(qn("w:eastAsia"), "zh-CN")
        tag.set(qn("w:bidi"), "ar-SA")
        rpr.append(tag)
        if rtl:
            style.element.get_or_add_pPr().append(OxmlElement("w:bidi"))
            rpr.append(OxmlElement("w:rtl"))
    document.styles["Normal"].font.size = Pt(10.5)


def _paragraph(container, text: str = "", *, style=None, bold=False, italic=False, grey=False,
               size=None, rtl=False):  # fmt: skip
    paragraph = container.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if grey:
            run.font.color.rgb = GREY
        if size:
            run.font.size = Pt(size)
        if rtl:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))
    if rtl:
        paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    return paragraph


def _table(document, rows: int, cols: int, rtl: bool):
    table = document.add_table(rows=rows, cols=cols)
    table.style = document.styles["Table Grid"]
    if rtl:
        table._tbl.tblPr.append(OxmlElement("w:bidiVisual"))
    return table


def _cell_text(cell, lines: list[str], rtl: bool, **style) -> None:
    """Fill a cell with one paragraph per line (its first, empty paragraph reused)."""
    first = cell.paragraphs[0]
    for n, line in enumerate(lines or [""]):
        if n == 0:
            if line:
                run = first.add_run(line)
                run.bold = style.get("bold") or None
                if style.get("grey"):
                    run.font.color.rgb = GREY
            if rtl:
                first._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
        else:
            _paragraph(cell, line, rtl=rtl, **style)


class _Bookmarks:
    def __init__(self):
        self.next_id = 1

    def add(self, paragraph, name: str) -> None:
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self.next_id))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self.next_id))
        self.next_id += 1
        p = paragraph._p
        p.insert(1 if p.pPr is not None else 0, start)
        p.append(end)


# --- Cover, sections, indicators, comments ------------------------------------------------------


def _cover(document, review, export, rtl: bool) -> None:
    cycle = review.cycle
    _paragraph(document, _("UN-Habitat · Safer Cities Review Portal"), grey=True, rtl=rtl)
    document.add_paragraph(
        _("Voluntary review: %(country)s") % {"country": review.country.name}, style="Title"
    )
    facts = [
        (_("Cycle"), cycle.name),
        (_("Reports to"), cycle.assembly),
        (_("Submission deadline"), formats.date_format(cycle.deadline, "DATE_FORMAT")),
        (_("Exported"), formats.date_format(export.created_at, "DATETIME_FORMAT")),
        (_("Exported by"), str(export.created_by)),
    ]
    for label, value in facts:
        paragraph = _paragraph(document, rtl=rtl)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    _paragraph(document, _("How to use this document"), style="Heading 2", rtl=rtl)
    for line in (
        _("Write each section in the box below its heading, and each answer in its indicator's "
          "row. Text outside the boxes and tables is not read."),
        _("Keep the headings, boxes and tables in place: they carry hidden markers with which the "
          "portal reads this document back. Do not copy them into another document."),
        _("Write numbers with digits only and a point for decimals (1500000.50). For answers "
          "with several parts, write each after its label (“Female: 12”). If the data is not "
          "available, write “%(label)s: ” and the reason.") % {"label": _("Data not available")},
        _("Tracked changes are read as if accepted. Comments added in Word are not imported."),
        _("When you are done, import the document on the review's page: the portal shows what "
          "would change before anything changes."),
    ):  # fmt: skip
        _paragraph(document, line, style="List Bullet", rtl=rtl)


def _section(document, section, text: str, export, marks: _Bookmarks, rtl: bool) -> None:
    heading = _paragraph(document, f"{section.number}. {section.title}", style="Heading 1",
                         rtl=rtl)  # fmt: skip
    marks.add(heading, markers.bookmark(export.key, "s", section.key))
    guidance = str(section.help) + " " + _("At most %(n)s words.") % {"n": section.word_limit}
    if section.required:
        guidance += " " + _("Required for submission.")
    _paragraph(document, guidance, italic=True, grey=True, size=9, rtl=rtl)
    box = _table(document, 1, 1, rtl)
    _cell_text(box.cell(0, 0), text.split("\n") if text else [""], rtl)


def _indicators(document, indicators, export, marks: _Bookmarks, rtl: bool) -> None:
    _paragraph(document, _("Indicator answers"), style="Heading 1", rtl=rtl)
    _paragraph(
        document,
        _("Each row is one indicator: write the answer, its reference year, the data source and "
          "a note."),
        italic=True, grey=True, size=9, rtl=rtl,
    )  # fmt: skip
    headers = (_("Indicator"), _("Answer"), _("Year"), _("Data source"), _("Note"))
    for outcome, areas in by_outcome(indicators, lambda i: i).items():
        _paragraph(document, f"{outcome.code}. {outcome.title}", style="Heading 2", rtl=rtl)
        table = _table(document, 1, len(headers), rtl)
        table.autofit = False
        for column, width in zip(table.columns, WIDTHS, strict=True):
            column.width = width  # the grid, which LibreOffice follows
        for cell, header, width in zip(table.rows[0].cells, headers, WIDTHS, strict=True):
            _cell_text(cell, [header], rtl, bold=True)
            cell.width = width
        _repeat_header(table.rows[0])
        for area, area_indicators in areas.items():
            row = table.add_row()
            merged = row.cells[0].merge(row.cells[-1])
            _cell_text(merged, [f"{area.code} {area.title}"], rtl, bold=True, grey=True)
            for indicator in area_indicators:
                answer = export.content["answers"][indicator.code]
                cells = table.add_row().cells
                code_title, *details = _about(indicator)
                _cell_text(cells[0], [code_title], rtl, bold=True)
                for line in details:
                    _paragraph(cells[0], line, grey=True, size=8.5, rtl=rtl)
                first = cells[0].paragraphs[0]
                marks.add(first, markers.bookmark(export.key, "i", indicator.code))
                _cell_text(cells[1], cell_lines(indicator, answer), rtl)
                _cell_text(cells[2], [answer["reference_year"]], rtl)
                _cell_text(cells[3], answer["source"].split("\n"), rtl)
                _cell_text(cells[4], answer["note"].split("\n"), rtl)
                for cell, width in zip(cells, WIDTHS, strict=True):
                    cell.width = width


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    trpr.append(header)


def _about(indicator) -> list[str]:
    """The indicator cell: code and title, then what the answer must be."""
    kind = indicator.get_type_display()
    details = [kind + (f" ({indicator.unit})" if indicator.unit else "")]
    if indicator.type == IndicatorType.SINGLE_CHOICE:
        details.append(
            _("One of: %(options)s")
            % {"options": " / ".join(o.label for o in indicator.options.all())}
        )
    elif indicator.type == IndicatorType.YES_NO:
        details.append(_("One of: %(options)s") % {"options": f"{_('Yes')} / {_('No')}"})
    elif indicator.type == IndicatorType.MONEY:
        details.append(_("Amount and ISO 4217 currency code (USD, EUR, KES…)"))
    if indicator.by_sex:
        details.append(_("Female, male and total"))
    if indicator.sdg_code:
        details.append(indicator.sdg_code)
    if indicator.required:
        details.append(_("Required for submission."))
    lines = [f"{indicator.code} {indicator.title}", " · ".join(details)]
    if indicator.guidance:
        lines.append(indicator.guidance)
    return lines


def _comments(document, threads, rtl: bool) -> None:
    open_threads = [t for t in threads if t.status == "open"]
    if not open_threads:
        return
    _paragraph(document, _("Comments still open"), style="Heading 1", rtl=rtl)
    _paragraph(
        document,
        _("Answer them in the portal. Nothing written here is imported."),
        italic=True, grey=True, size=9, rtl=rtl,
    )  # fmt: skip
    for thread in open_threads:
        _paragraph(document, thread.target_label, style="Heading 3", rtl=rtl)
        for comment in thread.comments.all():
            paragraph = _paragraph(document, rtl=rtl)
            when = formats.date_format(comment.created_at, "SHORT_DATE_FORMAT")
            paragraph.add_run(f"{comment.author} ({when}): ").bold = True
            paragraph.add_run(comment.body)


def _custom_property(document, name: str, value: str) -> None:
    """A custom document property (docProps/custom.xml), which python-docx cannot write."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
        f'name="{escape(name)}"><vt:lpwstr>{escape(value)}</vt:lpwstr></property></Properties>'
    )
    package = document.part.package
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_PROPERTIES, xml.encode(), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)
