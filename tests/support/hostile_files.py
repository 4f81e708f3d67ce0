"""Small files that expand to something large or hostile, and legitimate files of each kind.

Each is built in memory (nothing binary is committed) and is small on disk: the point is what
it turns into when opened.
"""

import functools
import io
import struct
import zipfile
import zlib

import pikepdf
from openpyxl import Workbook
from PIL import Image

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"""
XML = b"<?xml version='1.0' encoding='UTF-8'?><x/>"


def _zip(members: dict[str, bytes], level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    return _zip(
        {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": XML, "word/document.xml": XML}
        | (extra or {})
    )


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Indicator", "Value"])
    workbook.active.append(["1.4", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def image(fmt: str, size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=fmt)
    return buffer.getvalue()


def pdf(*, open_action: dict | None = None, **save_options) -> bytes:
    """A one-page PDF; `open_action` runs when it is opened, `save_options` go to pikepdf."""
    document = pikepdf.new()
    document.add_blank_page()
    if open_action:
        document.Root.OpenAction = pikepdf.Dictionary(open_action)
    buffer = io.BytesIO()
    document.save(buffer, **save_options)
    return buffer.getvalue()


# --- Hostile ----------------------------------------------------------------------------------


@functools.cache
def zip_bomb_docx() -> bytes:
    """About 200 KB on disk, 200 MiB once opened."""
    return _bomb(
        {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": XML, "word/document.xml": XML}
    )


@functools.cache
def zip_bomb_xlsx() -> bytes:
    return _bomb({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": XML, "xl/workbook.xml": XML})


def _bomb(members: dict[str, bytes]) -> bytes:
    """`members` and one more that inflates 200 MiB of zeros, written in pieces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
        with archive.open("customXml/item1.xml", "w") as handle:
            chunk = b"\0" * (8 * 1024 * 1024)
            for _ in range(25):
                handle.write(chunk)
    return buffer.getvalue()


def lying_docx() -> bytes:
    """A member whose header says 100 bytes and whose data inflates to 50 MiB."""
    body = b"<" * (50 * 1024 * 1024)
    data = bytearray(docx({"word/styles.xml": body}))
    info = next(i for i in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()
                if i.filename == "word/styles.xml")  # fmt: skip
    # Rewrite the declared size in the local header and in the central directory.
    struct.pack_into("<I", data, info.header_offset + 22, 100)
    for offset in _central_entries(bytes(data)):
        name_len = struct.unpack_from("<H", data, offset + 28)[0]
        if bytes(data[offset + 46 : offset + 46 + name_len]) == b"word/styles.xml":
            struct.pack_into("<I", data, offset + 24, 100)
    return bytes(data)


def _central_entries(data: bytes):
    start = 0
    while (found := data.find(b"PK\x01\x02", start)) != -1:
        yield found
        start = found + 4


def nested_zip_docx() -> bytes:
    inner = _zip({"payload.zip": _zip({"deeper.txt": b"x" * 1000})})
    return docx({"word/media/archive.zip": inner})


def docx_with_ole_object() -> bytes:
    return docx(
        {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504}
    )


def docx_with_chart_workbook() -> bytes:
    """Legitimate: a Word chart keeps its data in an embedded workbook."""
    return docx({"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx()})


def docx_with_entities() -> bytes:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><x>&lol2;</x>'
    )
    return docx({"word/settings.xml": laughs})


def encrypted_member_docx() -> bytes:
    data = bytearray(docx())
    for offset in _central_entries(bytes(data)):
        flags = struct.unpack_from("<H", data, offset + 8)[0]
        struct.pack_into("<H", data, offset + 8, flags | 0x1)
    return bytes(data)


def password_protected_docx() -> bytes:
    """What Word saves with a password: an OLE compound file, not a zip."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4088


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def pixel_flood_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG header claiming `width` × `height` pixels and almost no data (about 100 bytes)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _png_chunk(b"IEND", b"")
    )


def lying_png() -> bytes:
    """A header saying 4,000 × 4,000 (inside the pixel limit) over the data of 10 × 10."""
    real = image("PNG", (10, 10))
    ihdr = real.index(b"IHDR")
    body = bytearray(real[ihdr + 4 : ihdr + 17])
    struct.pack_into(">II", body, 0, 4000, 4000)
    return (
        real[:ihdr]
        + b"IHDR"
        + bytes(body)
        + struct.pack(">I", zlib.crc32(b"IHDR" + body))
        + real[ihdr + 21 :]
    )


def pixel_flood_jpeg() -> bytes:
    """A small JPEG whose frame header claims 60,000 × 60,000 pixels."""
    data = bytearray(image("JPEG", (16, 16)))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, 60_000, 60_000)
    return bytes(data)


def encrypted_pdf(user_password: str = "") -> bytes:
    return pdf(encryption=pikepdf.Encryption(owner="owner-secret", user=user_password))


def javascript_pdf() -> bytes:
    return pdf(open_action={"/S": pikepdf.Name.JavaScript, "/JS": pikepdf.String("app.alert(1)")})


def launch_pdf() -> bytes:
    return pdf(open_action={"/S": pikepdf.Name.Launch, "/F": pikepdf.String("calc.exe")})


@functools.cache
def many_objects_pdf(count: int = 100_000) -> bytes:
    """One blank page and `count` empty objects, packed in object streams (small on disk)."""
    document = pikepdf.new()
    document.add_blank_page()
    following = document.make_indirect(pikepdf.Dictionary())
    for _ in range(count - 1):  # a chain, each naming the next: nothing is left unreferenced
        following = document.make_indirect(pikepdf.Dictionary(N=following))
    document.Root.Padding = following
    buffer = io.BytesIO()
    document.save(
        buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True
    )
    return buffer.getvalue()


# name → (file name, bytes, a word of the message it is refused with)
HOSTILE = {
    "zip bomb DOCX": ("report.docx", zip_bomb_docx, "expands to more than"),
    "zip bomb XLSX": ("figures.xlsx", zip_bomb_xlsx, "expands to more than"),
    "DOCX whose part lies about its size": ("styles.docx", lying_docx, "damaged"),
    "nested zip": ("nested.docx", nested_zip_docx, "another archive"),
    "embedded OLE object": ("ole.docx", docx_with_ole_object, "embedded object"),
    "XML entities": ("laughs.docx", docx_with_entities, "entities"),
    "encrypted member": ("locked-part.docx", encrypted_member_docx, "encrypted part"),
    "password-protected DOCX": ("locked.docx", password_protected_docx, "password"),
    "pixel-flood PNG": ("flood.png", pixel_flood_png, "megapixels"),
    "pixel-flood JPEG": ("flood.jpg", pixel_flood_jpeg, "megapixels"),
    "PNG whose header lies about its size": ("lying.png", lying_png, "declared size"),
    "encrypted PDF": ("secret.pdf", lambda: encrypted_pdf("open-sesame"), "encrypted"),
    "PDF with an owner password": ("owner.pdf", encrypted_pdf, "encrypted"),
    "PDF with JavaScript": ("script.pdf", javascript_pdf, "JavaScript"),
    "PDF with a launch action": ("launch.pdf", launch_pdf, "starts a program"),
    "PDF with 100,000 empty objects": ("objects.pdf", many_objects_pdf, "objects"),
}
LEGITIMATE = {
    "PDF": ("report.pdf", pdf),
    "DOCX": ("report.docx", docx),
    "DOCX with a chart's workbook": ("chart.docx", docx_with_chart_workbook),
    "XLSX": ("figures.xlsx", xlsx),
    "PNG": ("photo.png", lambda: image("PNG")),
    "JPEG": ("photo.jpg", lambda: image("JPEG")),
    "large PNG inside the limit": ("map.png", lambda: image("PNG", (6000, 4000))),
}
KINDS = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".png": "png", ".jpg": "jpeg"}
