"""Hostile content: what a country writes or uploads is drawn as text, never fetched or embedded.

A review whose sections, good practices, answers and evidence images carry `file:///etc/passwd`,
the address of a canary HTTP server started here, CSS `@import`, `<link rel=attachment>`,
`<iframe>` and `<object>` renders as a draft, as the approved final and as a dossier chapter;
the canary receives no request, the PDF embeds no file and no line of /etc/passwd is in it.
The renderer's own guard, `LockedFetcher`, is also tested on raw hostile HTML (as if the
template's escaping had failed) and on its own.
"""

import base64
import hashlib
import io
import os
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from countries.models import Municipality
from reports import pdf
from reviews import evidence, services
from reviews.models import Attachment, Snapshot
from reviews.sections import SECTIONS
from tests.support.factories import EVIDENCE_PDF
from tests.support.pdfs import pdf_text
from tests.support.reviews import REQUIRED_ANSWERS, fill

PASSWD = Path("/etc/passwd")
PASSWD_LINES = [line for line in PASSWD.read_text().splitlines() if line.strip()]
MINIMAL_PDF = EVIDENCE_PDF


# The canary: an HTTP server on the loopback that records every request it receives.


@dataclass
class Canary:
    url: str
    hits: list[str]


class _RecordingHandler(BaseHTTPRequestHandler):
    def parse_request(self):  # every request, whatever its method, is recorded first
        self.server.hits.append(self.raw_requestline.decode("latin-1").strip())
        return super().parse_request()

    def do_GET(self):
        body = b"body { background: url(/bg.png) } /* canary */"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_HEAD = do_GET

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def canary():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RecordingHandler)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Canary(f"http://127.0.0.1:{server.server_address[1]}", server.hits)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# Hostile payloads, with CANARY standing for the canary's address.

PAYLOADS = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<a rel="attachment" href="file:///etc/passwd">x</a>',
    '<style>@import url("CANARY/import.css");</style>',
    '<link rel="stylesheet" href="CANARY/style.css">',
    '<iframe src="CANARY/iframe"></iframe>',
    '<object data="CANARY/object"></object>',
    '<embed src="file:///etc/passwd">',
    "url(CANARY/bg.png)",
    '<svg><image href="file:///etc/passwd"/></svg>',
    "file:///etc/passwd",
    "CANARY/plain",
]


def hostile(canary: Canary, where: str, limit: int = 5000) -> str:
    """The payloads, pointed at the canary, in a text that says where it was written: as many
    whole payloads as fit in `limit` characters (every one unless the field is short)."""
    text = f"{where}:"
    for payload in PAYLOADS:
        more = f"{text} {payload.replace('CANARY', canary.url)}"
        if len(more) > limit:
            break
        text = more
    return text


def png_with_text_chunks(canary: Canary) -> bytes:
    info = PngInfo()
    info.add_text("Comment", hostile(canary, "PNG tEXt"))
    info.add_text("Description", '<link rel="attachment" href="file:///etc/passwd">', zip=True)
    info.add_itxt("XML:com.adobe.xmp", f'<x:xmpmeta><rdf:li href="{canary.url}/xmp"/></x:xmpmeta>')
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_with_comment(canary: Canary) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "darkred").save(
        buffer, format="JPEG", comment=hostile(canary, "JPEG COM").encode()
    )
    return buffer.getvalue()


@pytest.fixture
def hostile_review(canary, open_cycle, kenya, focal_point):
    """Kenya's review, every field it prints full of payloads, submitted (snapshot version 1)."""
    review = services.start_review(kenya, open_cycle, by=focal_point)
    Municipality.objects.create(
        country=kenya, name=hostile(canary, "Municipality", 200), province="<iframe src=x>"
    )
    answers = {
        code: fields
        | {
            "source": hostile(canary, f"Source {code}", 500),
            "note": hostile(canary, f"Note {code}"),
        }
        for code, fields in REQUIRED_ANSWERS.items()
    }
    answers["3.1"]["reason"] = hostile(canary, "Reason")
    sections = {s.key: hostile(canary, f"Section {s.number}") for s in SECTIONS}
    review = fill(review, focal_point, sections=sections, answers=answers)
    evidence.add_practice(
        review,
        fields={name: hostile(canary, f"Practice {name}") for name in evidence.PRACTICE_FIELDS}
        | {"title": hostile(canary, "Title", 300), "city": "<object data=x>", "period": "<iframe>"},
        by=focal_point,
    )
    uploads = [
        ('<iframe src="x"><object data="y"> file:passwd.png', png_with_text_chunks(canary)),
        ("<link rel=attachment href=passwd>.jpg", jpeg_with_comment(canary)),
        ("<embed src=passwd> evidence.pdf", MINIMAL_PDF),
    ]
    for name, content in uploads:
        evidence.add_attachment(
            review,
            upload=SimpleUploadedFile(name, content),
            description=hostile(canary, "Description", 300),
            by=focal_point,
        )
    # The upload keeps no folders in a name; a name stored before that check had them.
    jpeg = review.attachments.get(kind="jpeg")
    Attachment.objects.filter(pk=jpeg.pk).update(original_name=hostile(canary, "Name", 200))
    return services.submit_review(review, by=focal_point)


class RecordingFetcher(pdf.LockedFetcher):
    """The renderer's own fetcher, kept so that a test can read what it refused."""

    made: list["RecordingFetcher"] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        RecordingFetcher.made.append(self)


@pytest.fixture
def fetchers(monkeypatch) -> list[RecordingFetcher]:
    RecordingFetcher.made = []
    monkeypatch.setattr(pdf, "LockedFetcher", RecordingFetcher)
    return RecordingFetcher.made


# What a PDF holds.


def embedded_files(data: bytes) -> list[str]:
    """Every trace of an embedded file: the name tree, file specs, streams, annotations."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as document:
        names = document.Root.get("/Names")
        if names is not None and "/EmbeddedFiles" in names:
            found.append("/Root/Names/EmbeddedFiles")
        if "/AF" in document.Root:
            found.append("/Root/AF")
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                kind = obj.get("/Type")
                if kind in (pikepdf.Name.EmbeddedFile, pikepdf.Name.Filespec):
                    found.append(f"{kind} object {obj.objgen}")
                if obj.get("/Subtype") == pikepdf.Name.FileAttachment:
                    found.append(f"file attachment annotation {obj.objgen}")
                if "/EF" in obj:
                    found.append(f"/EF entry in {obj.objgen}")
    return found


def decoded_streams(data: bytes) -> bytes:
    """Every stream of the PDF, decoded where a general filter allows, joined."""
    parts = []
    with pikepdf.open(io.BytesIO(data)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes())
                except pikepdf.PdfError:
                    parts.append(obj.read_raw_bytes())
    return b"\n".join(parts)


def image_count(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as document:
        return sum(
            1
            for obj in document.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == pikepdf.Name.Image
        )


def pdfdetach_list(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "detach.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdfdetach", "-list", str(path)], capture_output=True, check=True, text=True
    ).stdout


def says(text: str, phrase: str) -> bool:
    """Whether the PDF's text has `phrase`, wherever the lines were broken."""
    return "".join(phrase.split()) in "".join(text.split())


def assert_nothing_fetched_embedded_or_leaked(rendered: pdf.Rendered, canary, tmp_path) -> str:
    """The checks every hostile render must pass; returns the PDF's text for more checks."""
    assert canary.hits == []
    assert embedded_files(rendered.pdf) == []
    assert pdfdetach_list(rendered.pdf, tmp_path).strip() == "0 embedded files"
    text = pdf_text(rendered.pdf, tmp_path)
    raw = decoded_streams(rendered.pdf) + rendered.pdf
    assert "root:x:0:0" not in text and b"root:x:0:0" not in raw
    assert PASSWD_LINES[0] not in text
    for line in PASSWD_LINES:
        assert line not in text
        assert line.encode() not in raw
    return text


# The review as the portal renders it.


@pytest.mark.django_db
@pytest.mark.parametrize(
    "draft, chapter",
    [(True, False), (False, False), (False, True)],
    ids=["draft", "final", "chapter"],
)
def test_a_hostile_review_renders_as_text_and_nothing_is_fetched_embedded_or_leaked(
    hostile_review, canary, reviewer, fetchers, tmp_path, draft, chapter
):
    review = hostile_review
    if not draft:
        review = services.approve_review(review, by=reviewer)
    snapshot = Snapshot.objects.get(review=review)
    document = pdf.review_document(review, snapshot, draft=draft)
    assert len(document.images()) == 2  # the PNG and the JPEG, not the PDF

    rendered = pdf.render_review(document, chapter=chapter)

    text = assert_nothing_fetched_embedded_or_leaked(rendered, canary, tmp_path)
    # The renderer was asked for its stylesheet and the two images only: nothing refused.
    [fetcher] = fetchers
    assert fetcher.refused == []
    assert image_count(rendered.pdf) == 2
    # The markup is there as literal text, which shows it was never interpreted.
    for literal in ["<iframe", "<object", "<link", "@import", "<embed", "<svg><image"]:
        assert literal in text
    for where in ["Section 1", "Section 8", "Practice description", "Title", "Municipality"]:
        assert says(text, f'{where}: <img src="file:///etc/passwd"> <link rel="attachment"')
    for where in ["Source 1.1", "Note 2.2", "Data not available: Reason", "Name"]:
        assert says(text, f'{where}: <img src="file:///etc/passwd">')
    assert says(text, f'<iframe src="{canary.url}/iframe"></iframe>')
    assert says(text, f'<object data="{canary.url}/object"></object>')
    assert says(text, f"file:///etc/passwd {canary.url}/plain")
    assert ("DRAFT" in text) is draft


# Raw hostile HTML, as if the template's escaping had failed: the fetcher is the last guard.


def test_raw_hostile_html_is_stopped_by_the_locked_fetcher(canary, tmp_path):
    png = png_with_text_chunks(canary)
    own_image = hashlib.sha256(png).hexdigest()
    data_png = base64.b64encode(png).decode()
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Hostile</title>
<link rel=stylesheet href="asset:css/pdf.css">
<link rel=stylesheet href={canary.url}/x.css>
<style>@import url({canary.url}/y.css); body{{background:url(file:///etc/passwd)}}</style>
<link rel=attachment href=file:///etc/passwd>
<link rel=stylesheet href="asset:../config/settings.py">
</head><body>
<h1>Hostile</h1>
<img src=file:///etc/passwd>
<img src={canary.url}/img.png>
<a rel=attachment href=file:///etc/passwd>a</a>
<iframe src={canary.url}/f></iframe>
<object data=file:///etc/passwd></object>
<embed src={canary.url}/e>
<img src="asset:../../../../etc/passwd">
<img src="data:image/png;base64,{data_png}">
<img src="image:{own_image}" alt="own image">
</body></html>"""
    fetcher = pdf.LockedFetcher({own_image: (png, "image/png")})

    rendered = pdf.render_html(html, fetcher=fetcher)

    assert_nothing_fetched_embedded_or_leaked(rendered, canary, tmp_path)
    for url in [
        "file:///etc/passwd",
        f"{canary.url}/x.css",
        f"{canary.url}/y.css",
        f"{canary.url}/img.png",
        f"{canary.url}/e",
        "asset:../../../../etc/passwd",
        "asset:../config/settings.py",
        f"data:image/png;base64,{data_png}",
    ]:
        assert url in fetcher.refused
    # Positive controls: the project's stylesheet and the document's own image are handed over.
    assert "asset:css/pdf.css" not in fetcher.refused
    assert f"image:{own_image}" not in fetcher.refused
    assert image_count(rendered.pdf) == 1


# The fetcher on its own.


@pytest.fixture
def css_outside_static(tmp_path) -> Path:
    """A real stylesheet outside the project's static folder."""
    path = tmp_path / "outside.css"
    path.write_text("body { color: red }")
    return path


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "CANARY/style.css",
        "https://example.org/style.css",
        "ftp://example.org/style.css",
        "data:text/css;base64,Ym9keXtjb2xvcjpyZWR9",
        "asset:../config/settings.py",
        "asset:../../../../etc/passwd",
        "asset:css/../../config/settings.py",
        "asset:OUTSIDE_RELATIVE",
        "asset:OUTSIDE_ABSOLUTE",
        "asset:/etc/passwd",
        "asset:js/portal.js",
        "asset:css/missing.css",
        "asset:",
        "image:" + "0" * 64,
        "image:",
        "passwd",
    ],
)
def test_the_locked_fetcher_refuses_everything_but_its_assets_and_images(
    url, canary, css_outside_static
):
    static = (Path(settings.BASE_DIR) / "static").resolve()
    url = (
        url.replace("CANARY", canary.url)
        .replace("OUTSIDE_RELATIVE", os.path.relpath(css_outside_static, static))
        .replace("OUTSIDE_ABSOLUTE", str(css_outside_static))
    )
    fetcher = pdf.LockedFetcher({"a" * 64: (b"png bytes", "image/png")})
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert canary.hits == []


def test_the_locked_fetcher_hands_over_the_project_stylesheet():
    fetcher = pdf.LockedFetcher()
    response = fetcher.fetch("asset:css/pdf.css")
    assert response.read() == (Path(settings.BASE_DIR) / "static/css/pdf.css").read_bytes()
    assert response.content_type == "text/css"
    assert fetcher.refused == []


def test_the_locked_fetcher_hands_over_an_image_it_was_given():
    key = hashlib.sha256(b"png bytes").hexdigest()
    fetcher = pdf.LockedFetcher({key: (b"png bytes", "image/png")})
    response = fetcher.fetch(f"image:{key}")
    assert response.read() == b"png bytes"
    assert response.content_type == "image/png"
    assert fetcher.refused == []
