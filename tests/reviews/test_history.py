import pytest
from django.db import InternalError, transaction

from tests.support.clients import client_for


def test_the_secretariat_reads_who_changed_what(complete_review, focal_point, reviewer):
    page = client_for(reviewer).get(f"/reviews/{complete_review.pk}/history/").content.decode()
    assert focal_point.name in page
    assert "executive_summary" in page and "answer" in page.lower()


def test_only_the_countrys_own_focal_points_read_its_history(
    complete_review, focal_point, other_focal_point
):
    """Who of the drafting team wrote what (issue 18); another country's review is 404."""
    assert client_for(focal_point).get(f"/reviews/{complete_review.pk}/history/").status_code == 200
    assert (
        client_for(other_focal_point).get(f"/reviews/{complete_review.pk}/history/").status_code
        == 404
    )


def test_the_application_cannot_alter_the_history(complete_review):
    from django.apps import apps
    from pghistory.models import Events

    event = Events.objects.references(complete_review).first()
    assert event is not None
    model = apps.get_model(event.pgh_model)
    with pytest.raises(InternalError), transaction.atomic():
        model.objects.filter(pk=event.pgh_id).update(pgh_label="forged")
    with pytest.raises(InternalError), transaction.atomic():
        model.objects.filter(pk=event.pgh_id).delete()
    assert model.objects.filter(pk=event.pgh_id).exclude(pgh_label="forged").exists()
