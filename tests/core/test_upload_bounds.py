"""Evidence is judged by what it expands to: each file of the hostile corpus is refused at
upload, with its reason beside the file field and the description kept; a legitimate file of
each kind is still accepted."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.models import Attachment
from tests.support import hostile_files
from tests.support.clients import client_for


def upload(client, review, name: str, content: bytes, description: str = ""):
    return client.post(
        reverse("reviews:attachment_add", args=[review.pk]),
        {"attachment-file": SimpleUploadedFile(name, content),
         "attachment-description": description},
    )  # fmt: skip


@pytest.mark.parametrize("label", hostile_files.HOSTILE)
def test_a_hostile_file_is_refused_beside_the_field_and_nothing_is_stored(
    draft_review, focal_point, label
):
    name, make, word = hostile_files.HOSTILE[label]
    content = make()
    assert len(content) < 1024 * 1024  # small on disk: it is what it expands to that counts
    response = upload(client_for(focal_point), draft_review, name, content, "Annex 7, page 2")
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert word in errors, errors
    html = response.content.decode()
    assert 'value="Annex 7, page 2"' in html
    assert "The file was not added." in html
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("label", hostile_files.LEGITIMATE)
def test_a_legitimate_file_of_each_kind_is_accepted(draft_review, focal_point, label):
    name, make = hostile_files.LEGITIMATE[label]
    content = make()
    response = upload(client_for(focal_point), draft_review, name, content)
    assert response.status_code == 302
    stored = draft_review.attachments.get()
    assert stored.kind == hostile_files.KINDS[name[name.rindex(".") :]]
    assert stored.file.read() == content
