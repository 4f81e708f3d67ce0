"""Word documents in tests: a review filled in everywhere, a document edited as a person would
in Word (python-docx), and a real office suite's save (LibreOffice, headless)."""

import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews import editor
from reviews.models import Review
from reviews.sections import SECTIONS
from reviews.word import imports

# Every indicator of the seeded matrix answered (22), with years, sources and notes.
FULL_ANSWERS = {
    "1.1": {"value": "adopted", "reference_year": "2022", "source": "Ministry of Interior"},
    "1.2": {"value": "yes", "note": "Chapter 4 of the national urban policy."},
    "1.3": {"value": "12", "reference_year": "2023"},
    "1.4": {"value": "14", "source": "National Tool Network register"},
    "1.5": {"value": "3"},
    "1.6": {"value": "250000.50", "currency": "KES", "reference_year": "2023"},
    "1.7": {"value_female": "1.2", "value_male": "6.8", "value_total": "4.1",
            "source": "Police statistics", "note": "Provisional figures.\nRevised in 2024."},
    "1.8": {"value_female": "48", "value_male": "61", "value_total": "55"},
    "1.9": {"value_female": "21.5", "value_male": "9", "value_total": "15.2"},
    "1.10": {"value": "12.5"},
    "1.11": {"not_available": "on", "reason": "No land-use survey since 2015."},
    "2.1": {"value": "yes"},
    "2.2": {"value": "established"},
    "2.3": {"value": "40"},
    "2.4": {"value": "5"},
    "2.5": {"value": "no", "note": "A bill is before parliament."},
    "2.6": {"value": "7"},
    "3.1": {"value": "yes"},
    "3.2": {"value": "9"},
    "3.3": {"value": "2"},
    "3.4": {"value": "yes"},
    "3.5": {"value": "1", "reference_year": "2023"},
}  # fmt: skip

SAMPLE_TEXT = {
    "en": "{title}: what the country did.\n\nA second paragraph, with “quotes”, 1,000 people "
    "and a tab\tin it.",
    "ar": "{title}: ما قامت به الدولة.\n\nفقرة ثانية تذكر 1000 شخص وبرنامج Safer Cities.",
    "zh-hans": "{title}：国家采取的措施。\n\n第二段，提到 1000 人和 Safer Cities 方案。",
}


def full_sections(language: str) -> dict[str, str]:
    return {s.key: SAMPLE_TEXT[language].format(title=s.title) for s in SECTIONS}


def full_review(review: Review, user, language: str) -> Review:
    return editor.save_draft(
        review, by=user, base_version=review.lock_version, sections=full_sections(language),
        language=language, answer_forms=editor.answer_forms_for(review, FULL_ANSWERS),
    )  # fmt: skip


def export(client, review: Review) -> bytes:
    response = client.get(reverse("reviews:word_export", args=[review.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response.content


def upload(data: bytes, name: str = "review.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def libreoffice_resave(data: bytes) -> bytes:
    """Open and save the document with LibreOffice Writer (headless), as .docx again."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        source = folder / "in" / "review.docx"
        source.write_bytes(data)
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
             "--norestore", "--convert-to", "docx:MS Word 2007 XML", "--outdir",
             str(folder / "out"), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        return (folder / "out" / "review.docx").read_bytes()


def _section_box(document, number: int):
    """The box (table) after the heading of section `number`."""
    body = document.element.body
    found = False
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p" and "".join(child.itertext()).strip().startswith(f"{number}. "):
            found = True
        elif tag == "tbl" and found:
            return docx.table.Table(child, document._body)
    raise AssertionError(f"no box for section {number}")


def _indicator_row(document, code: str):
    for table in document.tables:
        for row in table.rows:
            if row.cells[0].text.startswith(f"{code} "):
                return row
    raise AssertionError(f"no row for indicator {code}")


COLUMNS = {"answer": 1, "year": 2, "source": 3, "note": 4}


def edit(data: bytes, *, sections: dict[int, str] | None = None,
         answers: dict[str, dict[str, str]] | None = None) -> bytes:  # fmt: skip
    """The document with a section's box and some answer cells retyped, as in Word."""
    document = docx.Document(BytesIO(data))
    for number, text in (sections or {}).items():
        cell = _section_box(document, number).cell(0, 0)
        paragraphs = text.split("\n")
        cell.text = paragraphs[0]
        for line in paragraphs[1:]:
            cell.add_paragraph(line)
    for code, cells in (answers or {}).items():
        row = _indicator_row(document, code)
        for column, text in cells.items():
            row.cells[COLUMNS[column]].text = text
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def make_import(review, user, summary: str = "Written in Word."):
    """An edited document of `review` read back by `user` (its preview not yet accepted)."""
    _export, data = imports.export_review(review, by=user)
    return imports.read_upload(review, upload(edit(data, sections={1: summary})), by=user)
