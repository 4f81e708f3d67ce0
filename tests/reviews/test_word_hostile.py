"""Documents that must never be imported: each is refused with a message that says why, next
to the file field; the draft is unchanged; a canary server the document points at is never
called. All but the renamed PDF and the oversized file are real exports of the review with one
hostile change, so only that change can be why they are refused."""

import io
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import docx
import pytest
from django.urls import reverse

from reviews import services
from reviews.models import Review, WordImport
from tests.support import hostile_files
from tests.support.clients import client_for
from tests.support.word import edit, export, full_review, upload

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None,
          add: dict[str, bytes] | None = None) -> bytes:  # fmt: skip
    """The document with parts replaced or added (the rest copied byte for byte)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = (replace or {}).get(info.filename, source.read(info))
            target.writestr(info.filename, body, zipfile.ZIP_DEFLATED)
        for name, body in (add or {}).items():
            target.writestr(name, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


class Canary:
    """A web server on 127.0.0.1 that counts the requests it gets."""

    def __init__(self):
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary():
    server = Canary()
    yield server
    server.close()


def with_entities(data: bytes, entities: str) -> bytes:
    document = part(data, "word/document.xml")
    head, body = document.split(b"?>", 1)
    return rezip(data, replace={"word/document.xml": head + b"?>" + entities.encode() + body})


def billion_laughs(data: bytes) -> bytes:
    lols = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    return with_entities(data, f'<!DOCTYPE w:document [<!ENTITY lol0 "lol">{lols}]>')


def external_entity(data: bytes) -> bytes:
    document = with_entities(
        data, '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    )
    text = part(document, "word/document.xml").replace(b"what the country did", b"&xxe;", 1)
    return rezip(document, replace={"word/document.xml": text})


def macro_enabled(data: bytes) -> bytes:
    types = part(data, "[Content_Types].xml").replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    return rezip(data, replace={"[Content_Types].xml": types},
                 add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"Attribute VB_Name" * 20})  # fmt: skip


def linked_image(data: bytes, url: str) -> bytes:
    """An exported document with a picture linked (not embedded) from `url`."""
    rels = part(data, "word/_rels/document.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdCanary" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/image" Target="' + url.encode() + b'/canary.png" '
        b'TargetMode="External"/></Relationships>',
    )
    picture = (
        f'<w:p xmlns:w="{W_NS}"><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" '
        'style="width:10pt;height:10pt"><v:imagedata xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships" r:id="rIdCanary"/></v:shape></w:pict></w:r></w:p>'
    ).encode()
    document = part(data, "word/document.xml").replace(b"<w:body>", b"<w:body>" + picture, 1)
    return rezip(data, replace={"word/_rels/document.xml.rels": rels,
                                "word/document.xml": document})  # fmt: skip


def tampered_marker(data: bytes) -> bytes:
    custom = part(data, "docProps/custom.xml")
    start = custom.index(b"<vt:lpwstr>") + len(b"<vt:lpwstr>")
    forged = (
        custom[:start] + (b"Z" if custom[start : start + 1] != b"Z" else b"Y") + custom[start + 1 :]
    )
    return rezip(data, replace={"docProps/custom.xml": forged})


def plain_word_document() -> bytes:
    """A Word document made elsewhere (python-docx), with a heading and a table."""
    document = docx.Document()
    document.add_heading("1. Executive summary", 1)
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Our summary."
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def state_of(review: Review) -> tuple:
    review = Review.objects.get(pk=review.pk)
    answers = sorted(review.answers.values_list("indicator__code", "raw", "values", "note"))
    return (review.lock_version, review.executive_summary, review.measures, answers)


@pytest.fixture
def kenya_draft(draft_review, focal_point):
    return full_review(draft_review, focal_point, "en")


def refused(client, review, data: bytes, name: str = "review.docx") -> str:
    """Upload; assert the import was refused next to the field; return the message."""
    response = client.post(
        reverse("reviews:word_import", args=[review.pk]), {"document": upload(data, name)}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["document"]
    assert errors and 'id="id_document"' in response.content.decode()
    assert 'class="invalid-feedback"' in response.content.decode()
    return " ".join(errors)


CASES = {
    # name: (how the document is made from a real export, words of the message)
    "zip bomb": (lambda d, c: rezip(d, add={"word/padding.xml": b" " * (200 * 1024 * 1024)}),
                 "expands to more than"),
    "billion laughs": (lambda d, c: billion_laughs(d), "document type or entities"),
    "external entity to /etc/passwd": (lambda d, c: external_entity(d),
                                       "document type or entities"),
    "macro-enabled, named .docx": (lambda d, c: macro_enabled(d), "macro-enabled"),
    "linked image on a canary server": (lambda d, c: linked_image(d, c.url), "links to"),
    "markers changed": (lambda d, c: tampered_marker(d), "markers were changed"),
    "not exported from the portal": (lambda d, c: plain_word_document(), "not exported from"),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_document_is_refused_and_changes_nothing(case, kenya_draft, focal_point,
                                                             canary):  # fmt: skip
    client = client_for(focal_point)
    make, words = CASES[case]
    data = make(edit(export(client, kenya_draft), sections={1: "Edited."}), canary)
    before = state_of(kenya_draft)
    assert words in refused(client, kenya_draft, data)
    assert state_of(kenya_draft) == before
    assert not WordImport.objects.exists()
    assert canary.hits == []


def test_a_docm_is_refused_as_macro_enabled_by_its_content(kenya_draft, focal_point):
    client = client_for(focal_point)
    data = macro_enabled(export(client, kenya_draft))
    before = state_of(kenya_draft)
    assert "macro-enabled" in refused(client, kenya_draft, data, "review.docm")
    assert state_of(kenya_draft) == before and not WordImport.objects.exists()


def test_a_pdf_renamed_docx_is_refused(kenya_draft, focal_point):
    before = state_of(kenya_draft)
    message = refused(client_for(focal_point), kenya_draft, hostile_files.pdf())
    assert "not a valid DOCX file" in message
    assert state_of(kenya_draft) == before and not WordImport.objects.exists()


def test_a_100_mb_file_is_refused_by_its_size(kenya_draft, focal_point):
    data = export(client_for(focal_point), kenya_draft)
    big = data + b"\0" * (100 * 1024 * 1024 - len(data))
    before = state_of(kenya_draft)
    message = refused(client_for(focal_point), kenya_draft, big)
    assert state_of(kenya_draft) == before and not WordImport.objects.exists()
    assert "100.0\xa0MB" in message and "the limit is 10.0\xa0MB" in message


def test_another_countrys_document_is_refused(kenya_draft, focal_point, other_focal_point,
                                              colombia, open_cycle):  # fmt: skip
    colombia_review = services.start_review(colombia, open_cycle, by=other_focal_point)
    theirs = export(client_for(other_focal_point), colombia_review)
    before = state_of(kenya_draft)
    message = refused(client_for(focal_point), kenya_draft, theirs)
    assert "another country (Colombia)" in message
    assert state_of(kenya_draft) == before


def test_an_export_older_than_the_last_import_is_refused(kenya_draft, focal_point):
    client = client_for(focal_point)
    first = export(client, kenya_draft)
    second = export(client, kenya_draft)
    response = client.post(
        reverse("reviews:word_import", args=[kenya_draft.pk]),
        {"document": upload(edit(second, sections={1: "From the second."}))},
    )
    preview = client.get(response["Location"])
    client.post(
        response["Location"] + "accept/", {"version": preview.context["preview"].base_version}
    )
    assert Review.objects.get(pk=kenya_draft.pk).executive_summary == "From the second."
    before = state_of(kenya_draft)
    message = refused(client, kenya_draft, edit(first, sections={1: "From the first."}))
    assert "before the last import" in message and "export the review again" in message
    assert state_of(kenya_draft) == before
