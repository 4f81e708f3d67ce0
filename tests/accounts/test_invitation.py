import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, User
from countries.models import FocalPoint
from tests.support.clients import client_for

NEW_PASSWORD = "blue-lake-sunrise-2031"


def designate(admin, django_capture_on_commit_callbacks, **overrides):
    data = {
        "name": "Amina Odhiambo",
        "email": "Amina.Odhiambo@housing.go.ke",
        "kind": "primary",
        "title": "Director of Urban Safety",
        "institution": "State Department for Housing and Urban Development",
        "designated_on": "2025-09-01",
        "letter_reference": "MFA/UNH/2025/114",
    } | overrides
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post("/countries/KEN/focal-points/add/", data)
    return response


def invitation_link() -> str:
    (message,) = mail.outbox
    return re.search(r"http://\S+/accounts/invitation/(\S+)/", message.body).group(0)


def test_designating_a_focal_point_sends_an_invitation(
    secretariat_admin, kenya, django_capture_on_commit_callbacks
):
    response = designate(secretariat_admin, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    focal_point = FocalPoint.objects.get(country=kenya)
    assert focal_point.user.email == "amina.odhiambo@housing.go.ke"
    assert focal_point.user.role == "focal_point"
    assert not focal_point.user.has_usable_password()
    assert mail.outbox[0].to == ["amina.odhiambo@housing.go.ke"]
    invitation = Invitation.objects.get(user=focal_point.user)
    assert invitation.sent_at is not None and invitation.token_hash


def test_the_invitation_link_sets_a_password_once(
    secretariat_admin, kenya, anonymous, django_capture_on_commit_callbacks
):
    designate(secretariat_admin, django_capture_on_commit_callbacks)
    link = invitation_link().replace("http://127.0.0.1:8000", "")
    assert anonymous.get(link).status_code == 200
    response = anonymous.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="amina.odhiambo@housing.go.ke")
    assert user.check_password(NEW_PASSWORD)
    # A second use of the same link is refused and changes nothing.
    assert anonymous.get(link).status_code == 410
    again = anonymous.post(link, {"password1": "other-pass-9999x", "password2": "other-pass-9999x"})
    assert again.status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_weak_or_mismatched_password_is_refused_next_to_the_field(
    secretariat_admin, kenya, anonymous, django_capture_on_commit_callbacks
):
    designate(secretariat_admin, django_capture_on_commit_callbacks)
    link = invitation_link().replace("http://127.0.0.1:8000", "")
    response = anonymous.post(link, {"password1": "short", "password2": "short"})
    assert "password1" in response.context["form"].errors
    response = anonymous.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert "password2" in response.context["form"].errors
    assert anonymous.get(link).status_code == 200  # still usable


def test_an_expired_or_replaced_invitation_does_not_work(
    secretariat_admin, kenya, anonymous, django_capture_on_commit_callbacks
):
    designate(secretariat_admin, django_capture_on_commit_callbacks)
    link = invitation_link().replace("http://127.0.0.1:8000", "")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert anonymous.get(link).status_code == 410
    Invitation.objects.update(expires_at=timezone.now() + timedelta(days=1))
    focal_point = FocalPoint.objects.get(country=kenya)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(secretariat_admin).post(
            f"/countries/KEN/focal-points/{focal_point.pk}/reinvite/"
        )
    assert anonymous.get(link).status_code == 410  # replaced by the new one
    new_link = invitation_link().replace("http://127.0.0.1:8000", "")
    assert anonymous.get(new_link).status_code == 200


def test_garbage_tokens_are_refused(anonymous, db):
    for token in ["x", "a" * 5000, "%00", "..%2F..%2Fetc%2Fpasswd"]:
        assert anonymous.get(f"/accounts/invitation/{token}/").status_code in (404, 410)


def test_sending_the_same_invitation_twice_sends_one_email(
    secretariat_admin, kenya, django_capture_on_commit_callbacks
):
    from accounts import services

    designate(secretariat_admin, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    assert services.send_invitation(invitation.pk) is False
    assert len(mail.outbox) == 1


def test_an_active_focal_point_cannot_be_designated_twice(
    secretariat_admin, focal_point, kenya, django_capture_on_commit_callbacks
):
    response = designate(
        secretariat_admin,
        django_capture_on_commit_callbacks,
        email=focal_point.email,
        kind="alternate",
    )
    assert response.status_code == 200
    assert "already an active focal point" in response.content.decode()
    assert "Director of Urban Safety" in response.content.decode()  # typed input kept


def test_a_second_primary_focal_point_is_refused(
    secretariat_admin, focal_point, kenya, django_capture_on_commit_callbacks
):
    response = designate(secretariat_admin, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "already has an active primary focal point" in response.content.decode()
    assert not User.objects.filter(email="amina.odhiambo@housing.go.ke").exists()
