"""Reading and writing tables as CSV and XLSX, safe to open in a spreadsheet program."""

import csv
import io
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.uploads import XLSX, inspect, sniff

# A cell starting with one of these can run as a formula when a spreadsheet opens the file.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024


def neutralise(value) -> object:
    """Text that cannot run as a formula; `restore` gives the original back."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def restore(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS):
        return value[1:]
    return value


def _storable(value) -> object:
    """Text an XLSX cell can hold: control characters (a vertical tab pasted from a word
    processor) become a stand-in, as openpyxl refuses them."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def to_csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8


def to_xlsx(
    header: list[str],
    rows: list[list],
    *,
    title: str = "Sheet",
    more_sheets: Sequence[tuple[str, list[str], list[list]]] = (),
) -> bytes:
    """A workbook of one sheet, and of `more_sheets` (title, header, rows) after it."""
    workbook = Workbook()
    for number, (name, head, body) in enumerate([(title, header, rows), *more_sheets]):
        sheet = workbook.active if number == 0 else workbook.create_sheet()
        sheet.title = name[:31]
        sheet.append(head)
        for row in body:
            sheet.append([neutralise(_storable(v)) for v in row])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_table(upload) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded CSV or XLSX as (line number, {column: text}), header excluded."""
    if sniff(upload) == XLSX:
        rows = _xlsx_rows(upload)
    else:
        upload.seek(0)
        raw = upload.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise ValidationError(_("The file is too large."))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                _("The file is neither an XLSX workbook nor UTF-8 CSV.")
            ) from None
        if "\x00" in text:
            raise ValidationError(_("The file is neither an XLSX workbook nor UTF-8 CSV."))
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as error:
            raise ValidationError(
                _("The CSV file cannot be read: %(error)s") % {"error": error}
            ) from None
    if not rows:
        raise ValidationError(_("The file is empty."))
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
    header = [h.strip().lower() for h in rows[0]]
    table = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: restore(row[i]) if i < len(row) else "" for i, name in enumerate(header)}
        table.append((number, cells))
    return table


def _xlsx_rows(upload) -> list[list[str]]:
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is too large."))
    inspect(upload, XLSX)  # what the workbook expands to, before openpyxl opens it
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:
        raise ValidationError(_("The XLSX workbook cannot be read.")) from None
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(["" if v is None else str(v) for v in row])
        if len(rows) > MAX_ROWS + 1:
            break
    workbook.close()
    return rows
