"""Reading an edited review document back: its markers, its sections' boxes and its indicator
rows, without trusting anything in it.

The file has already passed `core.uploads.validate_upload` (a .docx by content, within the size,
member and expansion bounds, no document type declarations). Here:

- a macro-enabled document, a template or any other main part is refused by its content type;
- only these parts are read: [Content_Types].xml, docProps/custom.xml (the marker),
  word/document.xml and the relationship files, each bounded, parsed by lxml without
  entities, DTDs or network; a document that links to files outside it (a linked picture, a
  template on another computer) is refused, and the link is never followed;
- text is read as if every tracked change were accepted (insertions in, deletions out) and
  Word's comments are left out; both are counted so the preview can say so;
- nothing of the document is ever rendered as HTML: it becomes plain text, escaped wherever it
  is shown.
"""

import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

from reviews.word import markers

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
P, TBL, TR, TC, T = f"{W}p", f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}t"
SDT, SDT_CONTENT, CUSTOM_XML = f"{W}sdt", f"{W}sdtContent", f"{W}customXml"
BOOKMARK = f"{W}bookmarkStart"
SKIPPED = {f"{W}del", f"{W}moveFrom", f"{W}delText", f"{W}instrText", f"{W}drawing", f"{W}pict",
           f"{W}object", f"{W}footnoteReference", f"{W}endnoteReference", f"{W}rPr", f"{W}pPr"}  # fmt: skip
TRACKED = (f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo")
MAIN_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAX_PART_BYTES = 20 * 1024 * 1024
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False,
                       dtd_validation=False, huge_tree=False, remove_comments=True)  # fmt: skip


@dataclass
class ReadDocument:
    """What a document holds, by its markers' names."""

    marker: str | None
    sections: dict[str, list[str]] = field(default_factory=dict)  # bookmark → lines of its box
    rows: dict[str, list[list[str]]] = field(default_factory=dict)  # bookmark → cells' lines
    tracked_changes: int = 0
    comments: int = 0
    boxes_missing: list[str] = field(default_factory=list)  # section bookmarks without a box


def read(data: bytes) -> ReadDocument:
    """The document's marker and marked content, or a ValidationError saying why not."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        raise ValidationError(
            _("The file is not a Word document (.docx)."), code="content"
        ) from None
    with archive:
        names = set(archive.namelist())
        _check_kind(archive, names)
        document = _xml(archive, "word/document.xml")
        external = [t for n in sorted(names) if n.endswith(".rels") for t in _external(archive, n)]
        if external:
            raise ValidationError(
                _("The document links to %(n)d file(s) outside it (a linked picture or a template "
                  "kept on another computer: %(first)s). Insert pictures into the document "
                  "instead of linking them, or remove them, and import it again. Nothing was "
                  "fetched.") % {"n": len(external), "first": external[0][:100]},
                code="external",
            )  # fmt: skip
        result = ReadDocument(marker=_marker(archive, names))
    body = document.find(f"{W}body")
    if body is None:
        raise _damaged("word/document.xml")
    result.tracked_changes = sum(1 for _e in document.iter(*TRACKED))
    result.comments = sum(1 for _e in document.iter(f"{W}commentReference"))
    _read_body(body, result)
    return result


def check_kind(upload) -> None:
    """Refuse a macro-enabled document or a template before anything else is opened (a zip
    that is not one at all is left to core.uploads, which names what it is)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            _check_kind(archive, set(archive.namelist()))
    except zipfile.BadZipFile:
        pass
    finally:
        upload.seek(0)


def _check_kind(archive: zipfile.ZipFile, names: set[str]) -> None:
    types = _xml(archive, "[Content_Types].xml")
    ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    overrides = {
        o.get("PartName", "").lstrip("/").lower(): o.get("ContentType", "")
        for o in types.iter(f"{ns}Override")
    }
    main = overrides.get("word/document.xml", "")
    macros = any("vbaproject" in n.lower() or n.lower().endswith(".bin") for n in names)
    if "macroEnabled" in main or macros or any("macroEnabled" in t for t in overrides.values()):
        raise ValidationError(
            _("This is a macro-enabled Word document (.docm). Save it as “Word Document "
              "(.docx)”, without macros, and import that."),
            code="macros",
        )  # fmt: skip
    if main != MAIN_DOCUMENT:
        raise ValidationError(
            _("This file is not a Word document (.docx) but another kind of file (%(type)s). "
              "Save it as “Word Document (.docx)” and import that.")
            % {"type": main.rsplit("/", 1)[-1] or _("unknown")},
            code="content",
        )  # fmt: skip


def _xml(archive: zipfile.ZipFile, name: str):
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise _damaged(name) from None
    if info.file_size > MAX_PART_BYTES:
        raise ValidationError(
            _("The document's text is too large to import (%(name)s).") % {"name": name},
            code="too_large",
        )
    with archive.open(info) as handle:
        body = handle.read(MAX_PART_BYTES + 1)
    if len(body) > MAX_PART_BYTES:
        raise ValidationError(_("The document's text is too large to import."), code="too_large")
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:  # also refused by core.uploads
        raise ValidationError(_("The document declares entities; it cannot be read."))
    try:
        return etree.fromstring(body, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError:
        raise _damaged(name) from None


def _damaged(name: str) -> ValidationError:
    return ValidationError(
        _("The document is damaged: its part %(name)s cannot be read.") % {"name": name},
        code="damaged",
    )


def _marker(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if "docProps/custom.xml" not in names:
        return None
    properties = _xml(archive, "docProps/custom.xml")
    for prop in properties:
        if prop.get("name") == markers.PROPERTY:
            return "".join(prop.itertext()).strip() or None
    return None


def _external(archive: zipfile.ZipFile, name: str) -> list[str]:
    """The targets outside the document that a part would load (a hyperlink is only text)."""
    return [
        rel.get("Target", "")
        for rel in _xml(archive, name)
        if rel.get("TargetMode") == "External" and not rel.get("Type", "").endswith("/hyperlink")
    ]


# --- The body ------------------------------------------------------------------------------


def _blocks(parent):
    """Paragraphs, tables and body-level bookmarks in reading order (through content controls)."""
    for child in parent:
        if child.tag in (P, TBL, BOOKMARK):
            yield child
        elif child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)
        elif child.tag == CUSTOM_XML:
            yield from _blocks(child)


def _read_body(body, result: ReadDocument) -> None:
    pending = None  # the section whose heading was read last, waiting for its box
    for block in _blocks(body):
        if block.tag == TBL:
            if pending:
                result.sections[pending] = _table_lines(block)
                pending = None
            for row in block.iter(TR):
                if _row_deleted(row):
                    continue
                for name in _bookmarks(row):
                    if name.startswith(f"{markers.PREFIX}i"):
                        result.rows[name] = [_cell_lines(cell) for cell in _cells(row)]
            continue
        for name in _bookmarks(block):
            if name.startswith(f"{markers.PREFIX}s"):
                if pending:
                    result.boxes_missing.append(pending)
                pending = name
    if pending:
        result.boxes_missing.append(pending)


def _bookmarks(element) -> list[str]:
    names = [element.get(f"{W}name", "")] if element.tag == BOOKMARK else []
    names += [b.get(f"{W}name", "") for b in element.iter(BOOKMARK)]
    return [n for n in names if n.startswith(markers.PREFIX)]


def _row_deleted(row) -> bool:
    properties = row.find(f"{W}trPr")
    return properties is not None and properties.find(f"{W}del") is not None


def _cells(row) -> list:
    cells = []
    for child in row:
        if child.tag == TC:
            cells.append(child)
        elif child.tag in (SDT, CUSTOM_XML):
            cells.extend(child.iter(TC))
    return cells


def _cell_lines(cell) -> list[str]:
    return _lines(p for p in cell.iter(P))


def _table_lines(table) -> list[str]:
    return _lines(p for p in table.iter(P))


def _lines(paragraphs) -> list[str]:
    """Each paragraph's text as a line; a paragraph whose mark was deleted (tracked) joins the
    next one, as it would once the change is accepted."""
    lines: list[str] = []
    carried = ""
    for paragraph in paragraphs:
        text = carried + _text(paragraph)
        if _mark_deleted(paragraph):
            carried = text
            continue
        carried = ""
        lines.extend(text.split("\n"))
    if carried:
        lines.extend(carried.split("\n"))
    return lines


def _mark_deleted(paragraph) -> bool:
    properties = paragraph.find(f"{W}pPr")
    marks = properties.find(f"{W}rPr") if properties is not None else None
    return marks is not None and marks.find(f"{W}del") is not None


def _text(element) -> str:
    """The paragraph's text with tracked insertions and without tracked deletions."""
    out: list[str] = []
    _collect(element, out)
    return re.sub("[\u00ad\u200b]", "", "".join(out))  # soft hyphens, zero-width spaces


def _collect(element, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIPPED or tag in (P, TBL):
            continue
        if tag == T:
            out.append(child.text or "")
        elif tag == f"{W}tab":
            out.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
        elif tag == f"{W}noBreakHyphen":
            out.append("-")
        else:
            _collect(child, out)
