from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from countries.models import FocalPoint
from tests.support.clients import client_for
from tests.support.factories import EVIDENCE_PDF

PDF = EVIDENCE_PDF


def designate_with_letter(admin, letter, captured, kind="primary"):
    data = {
        "name": "Juan Pérez",
        "email": "juan.perez@example.gov.co",
        "kind": kind,
        "institution": "Ministerio de Vivienda",
        "designated_on": "2025-04-02",
        "letter_reference": "S-GAIID-25-012345",
        "letter": letter,
    }
    with captured(execute=True):
        return client_for(admin).post("/countries/COL/focal-points/add/", data)


def test_a_designating_letter_is_stored_under_a_random_name(
    secretariat_admin, colombia, django_capture_on_commit_callbacks
):
    letter = SimpleUploadedFile("Note verbale.PDF", PDF, content_type="application/pdf")
    response = designate_with_letter(secretariat_admin, letter, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    focal_point = FocalPoint.objects.get(country=colombia)
    assert focal_point.letter_name == "Note verbale.PDF"
    assert "Note verbale" not in focal_point.letter.name
    assert focal_point.letter.name.startswith("letters/")


def test_a_letter_that_is_not_what_its_name_says_is_refused(
    secretariat_admin, colombia, django_capture_on_commit_callbacks
):
    for name, content in [
        ("letter.pdf", b"<html><script>alert(1)</script></html>"),
        ("letter.pdf.html", PDF),
        ("letter.svg", b"<svg onload='alert(1)'/>"),
        ("letter.pdf", b""),
    ]:
        letter = SimpleUploadedFile(name, content)
        response = designate_with_letter(
            secretariat_admin, letter, django_capture_on_commit_callbacks
        )
        assert response.status_code == 200, name
        assert "letter" in response.context["form"].errors, name
        assert "S-GAIID-25-012345" in response.content.decode()  # the typed values stay
    assert not FocalPoint.objects.filter(country=colombia).exists()
    assert not mail.outbox


def test_the_letter_downloads_as_an_attachment_only_within_the_country(
    secretariat_admin, focal_point, other_focal_point, colombia, django_capture_on_commit_callbacks
):
    letter = SimpleUploadedFile("nv.pdf", PDF)
    designate_with_letter(
        secretariat_admin, letter, django_capture_on_commit_callbacks, kind="alternate"
    )
    focal_point_co = FocalPoint.objects.get(
        country=colombia, user__email="juan.perez@example.gov.co"
    )
    url = f"/countries/COL/focal-points/{focal_point_co.pk}/letter/"
    response = client_for(other_focal_point).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert client_for(focal_point).get(url).status_code == 404  # Kenya's focal point
