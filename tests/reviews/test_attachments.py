"""Evidence attachments: checked by content, stored under random names, served to readers only."""

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from core import uploads
from indicators import services as cycle_services
from reviews import evidence, services
from reviews.models import Attachment, ReviewStatus
from tests.support.clients import client_for
from tests.support.factories import EVIDENCE_PDF

PDF = EVIDENCE_PDF
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, format=fmt)
    return buffer.getvalue()


def zip_bytes(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<?xml version='1.0'?><x/>")
    return buffer.getvalue()


DOCX = zip_bytes("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX = zip_bytes("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")


def upload(client, review, name: str, content: bytes, description: str = "", **kwargs):
    return client.post(
        reverse("reviews:attachment_add", args=[review.pk]),
        {
            "attachment-file": SimpleUploadedFile(name, content),
            "attachment-description": description,
        },
        **kwargs,
    )


def raw_upload(client, review, filename: str, content: bytes):
    """Post a hand-built multipart body, so the file name reaches the server as typed."""
    boundary = "----evidence-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachment-file"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        reverse("reviews:attachment_add", args=[review.pk]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def stored_files(settings) -> list[Path]:
    """Uploaded evidence in storage (the review's PDFs live beside it, under reports/)."""
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / "attachments"
    return [p for p in root.rglob("*") if p.is_file()]


def download(client, attachment):
    return client.get(reverse("reviews:attachment", args=[attachment.review_id, attachment.pk]))


@pytest.fixture
def attachment(draft_review, focal_point) -> Attachment:  # a PDF on Kenya's draft
    return evidence.add_attachment(
        draft_review,
        upload=SimpleUploadedFile("Crime survey 2023.pdf", PDF),
        description="City survey",
        by=focal_point,
    )


def test_focal_point_uploads_a_real_pdf_named_in_capitals(draft_review, focal_point, settings):
    response = upload(client_for(focal_point), draft_review, "Report.PDF", PDF, "Annex 1")
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:edit", args=[draft_review.pk]) + "#evidence"
    stored = draft_review.attachments.get()
    assert (stored.original_name, stored.kind, stored.size, stored.description) == (
        "Report.PDF", "pdf", len(PDF), "Annex 1",
    )  # fmt: skip
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.uploaded_by == focal_point
    assert stored.file.name.startswith("attachments/") and stored.file.name.endswith(".pdf")
    assert "Report" not in stored.file.name
    assert [p.read_bytes() for p in stored_files(settings)] == [PDF]


def test_the_upload_is_announced_on_the_next_page(draft_review, focal_point):
    response = upload(client_for(focal_point), draft_review, "Report.pdf", PDF, follow=True)
    assert "Report.pdf was added." in messages_of(response)


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("map.png", image_bytes("PNG"), "png"),
        ("photo.JPG", image_bytes("JPEG"), "jpeg"),
        ("photo.jpeg", image_bytes("JPEG"), "jpeg"),
        ("Action plan.docx", DOCX, "docx"),
        ("Budget.xlsx", XLSX, "xlsx"),
    ],
)
def test_images_and_office_files_are_accepted_by_their_content(
    draft_review, focal_point, name, content, kind
):
    upload(client_for(focal_point), draft_review, name, content)
    stored = draft_review.attachments.get()
    assert (stored.original_name, stored.kind) == (name, kind)
    assert stored.file.read() == content


def refusal(response) -> str:
    """The reason a refused upload gives beside the file field (its page shown again)."""
    assert response.status_code == 200
    assert "The file was not added." in response.content.decode()
    form = response.context["form"]
    return " ".join(form.errors["file"])


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("minutes.pdf", HTML, "The file's content is not a valid"),
        ("drawing.svg", SVG, "Only these file types are accepted"),
        ("drawing.png", SVG, "The file's content is not a valid"),
        ("report.pdf.html", HTML, "Only these file types are accepted"),
        ("evil.html.pdf", HTML, "Only these file types are accepted"),
        # Even with real PDF content: a hidden .html inside the name is refused.
        ("evil.html.pdf", PDF, "Only these file types are accepted"),
        ("photo.png", image_bytes("JPEG"), "The file's content is not a valid"),
        ("letter.docx", zip_bytes("[Content_Types].xml", "xl/workbook.xml"), "not a valid"),
        ("archive.docx", zip_bytes("readme.txt"), "not a valid"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a valid"),
        ("empty.pdf", b"", "The file is empty."),
        ("script.js", b"alert(1)", "Only these file types are accepted"),
        ("no-extension", PDF, "Only these file types are accepted"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused_with_a_message(
    draft_review, focal_point, settings, name, content, reason
):
    response = upload(client_for(focal_point), draft_review, name, content, "Annex 4")
    assert reason in refusal(response)
    html = response.content.decode()
    assert 'value="Annex 4"' in html  # the description is kept
    assert 'aria-describedby="error_1_id_attachment-file"' in html or "invalid-feedback" in html
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_file_over_the_size_cap_is_refused(draft_review, focal_point, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    response = upload(client_for(focal_point), draft_review, "big.pdf", PDF + b"0" * 1000)
    assert "the limit is 1000" in refusal(response)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_posting_without_a_file_asks_for_one(draft_review, focal_point):
    response = client_for(focal_point).post(
        reverse("reviews:attachment_add", args=[draft_review.pk]), {}
    )
    assert refusal(response) == "Choose a file to upload."


def test_a_description_with_a_nul_byte_is_refused(draft_review, focal_point):
    response = upload(client_for(focal_point), draft_review, "a.pdf", PDF, "bad\x00text")
    assert response.status_code == 200
    assert "Null characters are not allowed." in " ".join(
        response.context["form"].errors["description"]
    )
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\evidence.pdf", "evidence.pdf"),
        ("/var/www/portal/settings.pdf", "settings.pdf"),
    ],
)
def test_a_path_in_the_file_name_is_dropped_and_the_file_stored_under_a_random_name(
    draft_review, focal_point, settings, typed, kept
):
    response = raw_upload(client_for(focal_point), draft_review, typed, PDF)
    assert response.status_code == 302
    stored = draft_review.attachments.get()
    assert stored.original_name == kept
    assert kept.removesuffix(".pdf") not in stored.file.name and ".." not in stored.file.name
    [path] = stored_files(settings)
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    assert path.parent == root / "attachments" and path.read_bytes() == PDF


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\ana\\plan.pdf", "plan.pdf"),
        ("tab\there\x00.pdf", "tabhere.pdf"),
        ("evil\u202efdp.pdf", "evilfdp.pdf"),
        ("  spaced.pdf  ", "spaced.pdf"),
        ("../", "attachment.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_the_kept_file_name_has_no_folders_controls_or_excess_length(typed, kept):
    assert uploads.clean_file_name(typed, "pdf") == kept


def test_a_long_file_name_is_shortened_to_200_characters_keeping_its_extension(
    draft_review, focal_point
):
    upload(client_for(focal_point), draft_review, "r" * 240 + ".pdf", PDF)
    name = draft_review.attachments.get().original_name
    assert len(name) == 200 and name.endswith("r.pdf")


def test_the_focal_point_downloads_the_exact_bytes_as_an_attachment(attachment, focal_point):
    response = download(client_for(focal_point), attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Crime survey 2023.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_a_name_in_another_script_is_sent_encoded(draft_review, focal_point):
    stored = evidence.add_attachment(
        draft_review, upload=SimpleUploadedFile("Отчёт.pdf", PDF), by=focal_point
    )
    response = download(client_for(focal_point), stored)
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D0%9E%D1%82%D1%87%D1%91%D1%82.pdf"
    )


def test_the_secretariat_downloads_any_countrys_attachment(attachment, reviewer):
    response = download(client_for(reviewer), attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_another_countrys_focal_point_gets_404(attachment, other_focal_point):
    assert download(client_for(other_focal_point), attachment).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(attachment, anonymous):
    response = download(anonymous, attachment)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_board_member_gets_404_while_the_cycle_is_unpublished(attachment, board_member):
    assert download(client_for(board_member), attachment).status_code == 404


def test_a_board_member_downloads_once_the_review_is_approved_and_published(
    attachment, focal_point, reviewer, secretariat_admin, board_member, open_cycle
):
    from tests.support.reviews import fill

    review = fill(attachment.review, focal_point)
    services.submit_review(review, by=focal_point)
    services.approve_review(review, by=reviewer)
    cycle_services.close_cycle(open_cycle, by=secretariat_admin)
    cycle_services.publish_cycle(open_cycle, by=secretariat_admin)
    response = download(client_for(board_member), attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_an_attachment_is_not_reachable_through_another_review(
    attachment, other_focal_point, colombia, open_cycle, focal_point
):
    colombian = services.start_review(colombia, open_cycle, by=other_focal_point)
    url = reverse("reviews:attachment", args=[colombian.pk, attachment.pk])
    assert client_for(other_focal_point).get(url).status_code == 404
    assert client_for(focal_point).get(url).status_code == 404


def test_a_missing_file_answers_404_not_a_server_error(attachment, focal_point):
    attachment.file.storage.delete(attachment.file.name)
    assert download(client_for(focal_point), attachment).status_code == 404


@pytest.mark.parametrize("persona", ["reviewer", "secretariat_admin"])
def test_the_secretariat_may_not_upload(draft_review, persona, request):
    user = request.getfixturevalue(persona)
    assert upload(client_for(user), draft_review, "a.pdf", PDF).status_code == 403
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("persona", ["other_focal_point", "board_member"])
def test_people_who_cannot_see_the_review_get_404_on_upload(draft_review, persona, request):
    user = request.getfixturevalue(persona)
    assert upload(client_for(user), draft_review, "a.pdf", PDF).status_code == 404
    assert not Attachment.objects.exists()


def test_anonymous_upload_is_sent_to_sign_in(draft_review, anonymous):
    response = upload(anonymous, draft_review, "a.pdf", PDF)
    assert response.status_code == 302 and not Attachment.objects.exists()


def test_the_upload_address_only_takes_posts(draft_review, focal_point):
    url = reverse("reviews:attachment_add", args=[draft_review.pk])
    assert client_for(focal_point).get(url).status_code == 405


def test_upload_to_a_submitted_review_is_refused_and_stores_nothing(
    submitted_review, focal_point, settings
):
    response = upload(client_for(focal_point), submitted_review, "late.pdf", PDF, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reviews:detail", args=[submitted_review.pk])
    assert messages_of(response) == [
        "The file was not added. This review is submitted: its evidence can no longer be changed."
    ]
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_the_focal_point_removes_an_attachment_and_its_file(
    attachment, focal_point, settings, django_capture_on_commit_callbacks
):
    url = reverse("reviews:attachment_delete", args=[attachment.review_id, attachment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(focal_point).post(url, follow=True)
    assert "Crime survey 2023.pdf was removed." in messages_of(response)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    "persona, status", [("reviewer", 403), ("other_focal_point", 404), ("board_member", 404)]
)
def test_only_the_countrys_focal_points_remove_attachments(attachment, persona, status, request):
    user = request.getfixturevalue(persona)
    url = reverse("reviews:attachment_delete", args=[attachment.review_id, attachment.pk])
    assert client_for(user).post(url).status_code == status
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_removing_from_a_submitted_review_is_refused(attachment, focal_point, settings):
    from tests.support.reviews import fill

    review = fill(attachment.review, focal_point)
    services.submit_review(review, by=focal_point)
    url = reverse("reviews:attachment_delete", args=[review.pk, attachment.pk])
    response = client_for(focal_point).post(url, follow=True)
    assert messages_of(response) == [
        "This review is submitted: its evidence can no longer be changed."
    ]
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert len(stored_files(settings)) == 1


def test_the_history_records_who_uploaded(attachment, focal_point):
    event = apps.get_model("reviews", "AttachmentEvent").objects.get(pgh_obj=attachment)
    assert event.pgh_label == "insert"
    assert event.pgh_context.metadata["user"] == focal_point.pk


def test_the_detail_page_links_each_attachment_to_its_download(attachment, reviewer):
    response = client_for(reviewer).get(reverse("reviews:detail", args=[attachment.review_id]))
    url = reverse("reviews:attachment", args=[attachment.review_id, attachment.pk])
    assert f'<a href="{url}"><bdi>Crime survey 2023.pdf</bdi></a>' in response.content.decode()


def test_the_evidence_panel_offers_a_labelled_upload_form_to_the_focal_point(
    attachment, focal_point
):
    review = attachment.review
    request = RequestFactory().get("/")
    request.user = focal_point
    html = render_to_string(
        "reviews/includes/evidence.html",
        {"review": review, **evidence.evidence_context(review, focal_point)},
        request=request,
    )
    assert reverse("reviews:attachment", args=[review.pk, attachment.pk]) in html
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<label\s+for="id_attachment-file"', html)
    assert re.search(r'<label\s+for="id_attachment-description"', html)
    assert reverse("reviews:attachment_delete", args=[review.pk, attachment.pk]) in html


def test_the_evidence_panel_shows_no_controls_to_a_reviewer(attachment, reviewer):
    review = attachment.review
    html = render_to_string(
        "reviews/includes/evidence.html",
        {"review": review, **evidence.evidence_context(review, reviewer)},
    )
    assert reverse("reviews:attachment", args=[review.pk, attachment.pk]) in html
    assert "multipart/form-data" not in html
    assert reverse("reviews:attachment_delete", args=[review.pk, attachment.pk]) not in html


def test_the_editor_shows_the_evidence_after_its_own_form(attachment, focal_point):
    response = client_for(focal_point).get(reverse("reviews:edit", args=[attachment.review_id]))
    html = response.content.decode()
    editor = html.index('id="review-form"')
    assert html.index('id="evidence"') > html.index("</form>", editor)
    assert "Crime survey 2023.pdf" in html


def test_a_submitted_review_is_not_open_to_evidence_changes(submitted_review, focal_point):
    context = evidence.evidence_context(submitted_review, focal_point)
    assert context["can_edit_evidence"] is False
    assert submitted_review.status == ReviewStatus.SUBMITTED
