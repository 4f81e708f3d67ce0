"""Checking uploaded files by what they contain and what they expand to, not by their name.

Every accepted kind is opened, within stated bounds, before it is accepted:

- PNG and JPEG: at most `MAX_PIXELS` pixels (all frames together), decoded in full so that an
  image whose header claims more than its data holds is refused;
- DOCX and XLSX (zip archives): at most `MAX_MEMBERS` members expanding to `MAX_EXPANDED_BYTES`
  in all, each member read to its end (a lying size fails its checksum), no encrypted member,
  no archive inside but one Office document embedded in an `embeddings/` folder (checked by
  the same rules), no XML document type declaration (entities);
- PDF: opened with pikepdf (qpdf; no network), not encrypted, at most `MAX_PDF_PAGES` pages
  and `MAX_PDF_OBJECTS` objects, no JavaScript, launch or other actions that run or fetch
  something, no embedded files.

`decode_image` is the one image decoder: the PDFs draw images through it, so a file that came
in under an older rule cannot take a render down either.
"""

import contextlib
import hashlib
import io
import threading
import unicodedata
import zipfile
from pathlib import PurePath, PurePosixPath

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFile

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

# The stored file's extension comes from the checked content, never from the uploaded name.
STORED_SUFFIX = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", PNG: ".png", JPEG: ".jpg"}
MAX_NAME_CHARS = 200
# Right-to-left overrides and isolates can make "evil\u202efdp.exe" read as "evil.exe.pdf".
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

MAX_PIXELS = 40_000_000
MAX_MEMBERS = 2_000
MAX_EXPANDED_BYTES = 100 * 1024 * 1024
MAX_PDF_PAGES = 2_000
MAX_PDF_OBJECTS = 50_000

_PIL_FORMATS = {PNG: "PNG", JPEG: "JPEG"}
_ARCHIVE_STARTS = (b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0", b"7z\xbc\xaf", b"Rar!",
                   b"\x1f\x8b", b"BZh", b"\xfd7zXZ")  # fmt: skip
_OFFICE_SUFFIXES = {".docx", ".xlsx", ".pptx"}
# PDF actions that run code, start programs, send or fetch data, or open embedded files.
_PDF_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/RichMedia"}
_PDF_ACTIVE_KEYS = {"/XFA", "/RichMediaContent"}


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
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def serve(file, *, name: str, kind: str) -> FileResponse:
    """A stored, checked file as a download under its own name; 404 when the file is gone."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )


def clean_file_name(name: str, kind: str) -> str:
    """The uploaded file's own name: no folders, no control characters, at most 200 chars."""
    name = "".join(
        c for c in name or "" if unicodedata.category(c) != "Cc" and c not in _BIDI_CONTROLS
    )
    name = PurePosixPath(name.replace("\\", "/")).name.strip(" .")
    if len(name) > MAX_NAME_CHARS:
        suffix = PurePosixPath(name).suffix[:10]
        name = name[: MAX_NAME_CHARS - len(suffix)] + suffix
    return name or f"attachment{STORED_SUFFIX[kind]}"


def sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def described(upload, kind: str) -> dict:
    """What a stored file's row keeps of a checked upload: its own name, size and hash."""
    return {
        "original_name": clean_file_name(upload.name, kind),
        "size": upload.size,
        "sha256": sha256(upload),
    }


def store(record, upload, *, kind: str, stem: str) -> None:
    """Save `upload` in `record.file` under a random name ending as its checked kind, then the
    record; the file goes again if the row cannot be saved."""
    record.file.save(f"{stem}{STORED_SUFFIX[kind]}", upload, save=False)
    try:
        record.save()
    except Exception:
        record.file.delete(save=False)
        raise


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
    if kind is None and _is_encrypted_office(upload, suffixes[-1]):
        raise ValidationError(
            _("The document is protected by a password. Remove the password and upload it again."),
            code="encrypted",
        )
    if kind not in allowed or suffixes[-1] not in EXTENSIONS[kind]:
        raise ValidationError(
            _("The file's content is not a valid %(kinds)s file.") % {"kinds": kinds},
            code="content",
        )
    inspect(upload, kind)
    return kind


def inspect(upload, kind: str) -> None:
    """Open the file within bounds; raise a ValidationError naming what is wrong with it."""
    upload.seek(0)
    try:
        if kind in (PNG, JPEG):
            # (a copy: Pillow closes the file it was given)
            decode_image(io.BytesIO(upload.read()), kind).close()
        elif kind in (DOCX, XLSX):
            with zipfile.ZipFile(upload) as archive:
                _check_archive(archive, budget=[MAX_EXPANDED_BYTES, MAX_MEMBERS], depth=0)
        elif kind == PDF:
            _check_pdf(upload)
    finally:
        upload.seek(0)


# --- Images -----------------------------------------------------------------------------------


def decode_image(source, kind: str) -> Image.Image:
    """The image, decoded in full, if it is a `kind` image of at most MAX_PIXELS pixels whose
    data holds what its header declares; otherwise a ValidationError saying why not."""
    try:
        image = Image.open(source, formats=[_PIL_FORMATS[kind]])
    except Image.DecompressionBombError:
        raise _too_many_pixels(None) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("The image cannot be read: it is damaged or not a %(kind)s image.")
            % {"kind": kind.upper()},
            code="image",
        ) from None
    try:
        width, height = image.size
        frames = getattr(image, "n_frames", 1)
        if width * height * frames > MAX_PIXELS:
            raise _too_many_pixels((width, height, frames))
        with _strict_decoding():
            image.load()
    except ValidationError:
        image.close()
        raise
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        image.close()
        raise ValidationError(
            _("The image's data does not match its declared size of %(width)d × %(height)d "
              "pixels: the file is damaged or crafted.")
            % {"width": width, "height": height},
            code="image",
        ) from None  # fmt: skip
    return image


_strict = threading.Lock()


@contextlib.contextmanager
def _strict_decoding():
    """Pillow's truncated-image tolerance off while one image loads: WeasyPrint switches it on
    for the whole process when it is imported, which would pass an image whose data stops
    short of its declared size."""
    with _strict:
        tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _too_many_pixels(size) -> ValidationError:
    limit = MAX_PIXELS // 1_000_000
    if size is None:
        message = _("The image is larger than the limit of %(limit)d megapixels.") % {
            "limit": limit
        }
    else:
        width, height, frames = size
        message = _(
            "The image is %(width)d × %(height)d pixels%(frames)s; the limit is %(limit)d "
            "megapixels."
        ) % {
            "width": width,
            "height": height,
            "frames": (_(" in %(n)d frames") % {"n": frames}) if frames > 1 else "",
            "limit": limit,
        }
    return ValidationError(message, code="pixels")


# --- Office documents (zip archives) ----------------------------------------------------------


def _is_encrypted_office(upload, suffix: str) -> bool:
    """Office keeps a password-protected DOCX or XLSX in an OLE container, not a zip."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return suffix in (".docx", ".xlsx") and head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _archive_error(message: str) -> ValidationError:
    return ValidationError(message, code="archive")


def _check_archive(archive: zipfile.ZipFile, *, budget: list[int], depth: int) -> None:
    """Read every member to its end within `budget` ([bytes, members] left, shared with the
    archives inside); refuse what an office document has no reason to hold."""
    members = archive.infolist()
    budget[1] -= len(members)
    if budget[1] < 0:
        raise _archive_error(
            _("The document holds more than %(n)d files inside it.") % {"n": MAX_MEMBERS}
        )
    if sum(info.file_size for info in members) > budget[0]:
        raise _too_expanded()
    for info in members:
        if info.flag_bits & 0x1:
            raise _archive_error(
                _("The document holds an encrypted part (%(name)s).") % {"name": info.filename}
            )
        if info.is_dir():
            continue
        body = _read_member(archive, info, budget)
        if body.startswith(_ARCHIVE_STARTS):
            _check_nested(info.filename, body, budget, depth)
        elif PurePosixPath(info.filename).suffix.lower() in (".xml", ".rels", ".vml"):
            if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
                raise _archive_error(
                    _("The document's part %(name)s declares a document type or entities, "
                      "which Office files never do.") % {"name": info.filename}
                )  # fmt: skip


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """The member's bytes, read in chunks and never past the bytes left in `budget`."""
    chunks = []
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(1 << 16):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise _too_expanded()
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError,
            RuntimeError, ValueError):  # fmt: skip
        raise _archive_error(
            _("The document is damaged: its part %(name)s cannot be read.")
            % {"name": info.filename}
        ) from None
    return b"".join(chunks)


def _check_nested(name: str, body: bytes, budget: list[int], depth: int) -> None:
    """An Office document embedded in another (a chart's workbook), one level deep."""
    path = PurePosixPath(name)
    embedded_office = (
        depth == 0
        and "embeddings" in path.parts
        and path.suffix.lower() in _OFFICE_SUFFIXES
        and body.startswith(b"PK\x03\x04")
    )
    if not embedded_office:
        raise _archive_error(
            _("The document holds another archive or an embedded object (%(name)s). Save it "
              "without embedded objects and upload it again.") % {"name": name}
        )  # fmt: skip
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as inner:
            _check_archive(inner, budget=budget, depth=depth + 1)
    except zipfile.BadZipFile:
        raise _archive_error(
            _("The document is damaged: its part %(name)s cannot be read.") % {"name": name}
        ) from None


def _too_expanded() -> ValidationError:
    return _archive_error(
        _("The document expands to more than %(limit)s when opened.")
        % {"limit": filesizeformat(MAX_EXPANDED_BYTES)}
    )


# --- PDF --------------------------------------------------------------------------------------


def _check_pdf(upload) -> None:
    upload.seek(0)
    data = upload.read()
    try:
        document = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise _encrypted_pdf() from None
    except (pikepdf.PdfError, ValueError, RecursionError):
        raise ValidationError(
            _("The PDF cannot be opened: it is damaged."), code="content"
        ) from None
    with document:
        if document.is_encrypted:
            raise _encrypted_pdf()
        try:
            objects = len(document.objects)
            if objects > MAX_PDF_OBJECTS:
                raise ValidationError(
                    _("The PDF is made of %(n)s objects; the limit is %(limit)s.")
                    % {"n": f"{objects:,}", "limit": f"{MAX_PDF_OBJECTS:,}"},
                    code="pdf",
                )
            pages = len(document.pages)
            if pages > MAX_PDF_PAGES:
                raise ValidationError(
                    _("The PDF has %(n)d pages; the limit is %(limit)d.")
                    % {"n": pages, "limit": MAX_PDF_PAGES},
                    code="pdf",
                )
            active = _active_content(document)
        except (pikepdf.PdfError, RecursionError):
            raise ValidationError(
                _("The PDF cannot be opened: it is damaged."), code="content"
            ) from None
    if active:
        raise ValidationError(
            _("The PDF contains %(what)s. Print it to a new PDF (or export it without scripts "
              "and attachments) and upload that.") % {"what": active},
            code="pdf",
        )  # fmt: skip


def _encrypted_pdf() -> ValidationError:
    return ValidationError(
        _("The PDF is encrypted or protected by a password. Save a copy without protection "
          "and upload it again."),
        code="encrypted",
    )  # fmt: skip


def _active_content(document: pikepdf.Pdf) -> str:
    """What in the PDF would run, start, send, fetch or unpack something, or ""."""
    for obj in document.objects:
        found = _active_in(obj, depth=0)
        if found:
            return found
    return ""


def _active_in(obj, *, depth: int) -> str:
    """Look through `obj` and the direct objects inside it; each indirect object is looked at
    once, by `_active_content` (so a loop of references cannot keep this going)."""
    if depth > 50:
        return ""
    if isinstance(obj, pikepdf.Array):
        children = list(obj)
    elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        keys = set(obj.keys())
        action = obj.get("/S")
        if "/JS" in keys or "/JavaScript" in keys or action == pikepdf.Name.JavaScript:
            return _("JavaScript")
        if action == pikepdf.Name.Launch:
            return _("an action that starts a program")
        if "/EmbeddedFiles" in keys or "/EF" in keys or obj.get("/Type") == "/EmbeddedFile":
            return _("embedded files")
        if isinstance(action, pikepdf.Name) and str(action) in _PDF_ACTIONS:
            return _("an action that sends or fetches data")
        if keys & _PDF_ACTIVE_KEYS:
            return _("interactive content (forms or media that run scripts)")
        children = [obj[key] for key in keys]
    else:
        return ""
    for child in children:
        if isinstance(child, pikepdf.Object) and not child.is_indirect:
            found = _active_in(child, depth=depth + 1)
            if found:
                return found
    return ""
