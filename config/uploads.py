"""Checking uploaded files by what they contain, not by what they are called."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF, DOCX, XLSX, PNG, JPEG = "pdf", "docx", "xlsx", "png", "jpeg"
EXTENSIONS = {
    PDF: {".pdf"},
    DOCX: {".docx"},
    XLSX: {".xlsx"},
    PNG: {".png"},
    JPEG: {".jpg", ".jpeg"},
}
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PNG: "image/png",
    JPEG: "image/jpeg",
}


def sniff(upload) -> str | None:
    """The kind of file the bytes of `upload` are, among the allowed kinds, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def validate_upload(upload, allowed: tuple[str, ...]) -> str:
    """Return the checked kind of `upload` or raise a ValidationError saying what is wrong."""
    name = PurePath(upload.name or "").name
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
            },
            code="too_large",
        )
    suffixes = [s.lower() for s in PurePath(name).suffixes]
    allowed_ext = set().union(*(EXTENSIONS[k] for k in allowed))
    kinds = ", ".join(k.upper() for k in allowed)
    if (
        not suffixes
        or suffixes[-1] not in allowed_ext
        or any(s in {".html", ".htm", ".svg", ".js", ".exe", ".php"} for s in suffixes[:-1])
    ):
        raise ValidationError(
            _("Only these file types are accepted: %(kinds)s.") % {"kinds": kinds}, code="type"
        )
    kind = sniff(upload)
    if kind not in allowed or suffixes[-1] not in EXTENSIONS[kind]:
        raise ValidationError(
            _("The file's content is not a valid %(kinds)s file.") % {"kinds": kinds},
            code="content",
        )
    return kind
