from countries.models import FocalPoint
from tests.support.clients import client_for


def test_deactivated_focal_point_is_signed_out_on_their_next_request(
    focal_point, secretariat_admin, kenya
):
    their_client = client_for(focal_point)
    assert their_client.get("/countries/KEN/").status_code == 200
    designation = FocalPoint.objects.get(user=focal_point)
    response = client_for(secretariat_admin).post(
        f"/countries/KEN/focal-points/{designation.pk}/deactivate/"
    )
    assert response.status_code == 302
    response = their_client.get("/countries/KEN/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    designation.refresh_from_db()
    assert not designation.is_active and designation.deactivated_at


def test_deactivated_focal_point_cannot_sign_in_again(focal_point, secretariat_admin, anonymous):
    designation = FocalPoint.objects.get(user=focal_point)
    client_for(secretariat_admin).post(f"/countries/KEN/focal-points/{designation.pk}/deactivate/")
    from tests.support.factories import PASSWORD

    response = anonymous.post(
        "/accounts/login/", {"login": focal_point.email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in anonymous.session
    assert response.status_code in (200, 302)
    assert anonymous.get("/reviews/").status_code == 302  # still signed out


def test_deactivation_needs_post_and_an_admin(focal_point, reviewer):
    designation = FocalPoint.objects.get(user=focal_point)
    url = f"/countries/KEN/focal-points/{designation.pk}/deactivate/"
    assert client_for(reviewer).post(url).status_code == 403
    from tests.support.clients import client_for as c

    assert c(focal_point).post(url).status_code == 403
    designation.refresh_from_db()
    assert designation.is_active
