"""Designating letters go through the same checks as evidence: what a PDF or an image expands
to, not only its name and first bytes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from countries.models import FocalPoint
from tests.support import hostile_files
from tests.support.clients import client_for

LETTER_KINDS = (".pdf", ".png", ".jpg")


def designate(admin, letter):
    data = {
        "name": "Juan Pérez",
        "email": "juan.perez@example.gov.co",
        "kind": "primary",
        "institution": "Ministerio de Vivienda",
        "designated_on": "2025-04-02",
        "letter_reference": "S-GAIID-25-012345",
        "letter": letter,
    }
    return client_for(admin).post("/countries/COL/focal-points/add/", data)


@pytest.mark.parametrize(
    "label", [k for k, v in hostile_files.HOSTILE.items() if v[0].endswith(LETTER_KINDS)]
)
def test_a_hostile_letter_is_refused_beside_the_field_and_the_rest_is_kept(
    secretariat_admin, colombia, label
):
    name, make, word = hostile_files.HOSTILE[label]
    response = designate(secretariat_admin, SimpleUploadedFile(name, make()))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["letter"])
    assert word in errors, errors
    html = response.content.decode()
    assert 'value="Juan Pérez"' in html and 'value="S-GAIID-25-012345"' in html
    assert not FocalPoint.objects.filter(country=colombia).exists()


@pytest.mark.parametrize(
    "label", [k for k, v in hostile_files.LEGITIMATE.items() if v[0].endswith(LETTER_KINDS)]
)
def test_a_legitimate_letter_of_each_kind_is_accepted(secretariat_admin, colombia, label):
    name, make = hostile_files.LEGITIMATE[label]
    content = make()
    response = designate(secretariat_admin, SimpleUploadedFile(name, content))
    assert response.status_code == 302
    assert FocalPoint.objects.get(country=colombia).letter.read() == content
