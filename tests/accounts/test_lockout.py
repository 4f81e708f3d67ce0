from django.test import Client

from tests.support.factories import PASSWORD


def sign_in(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_five_failed_sign_ins_lock_the_account_even_for_the_right_password(focal_point, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, focal_point.email, "wrong-password")
        assert response.status_code == 200  # the form again, with its error
    response = sign_in(client, focal_point.email, "wrong-password")
    assert response.status_code == 429 or response.status_code == 403
    response = sign_in(client, focal_point.email, PASSWORD)
    assert response.status_code in (403, 429)
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_few_failures_then_success_signs_in(focal_point):
    client = Client()
    for _ in range(2):
        sign_in(client, focal_point.email, "wrong-password")
    response = sign_in(client, focal_point.email, PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_failed_sign_in_shows_an_error_and_keeps_the_email(focal_point):
    response = sign_in(Client(), focal_point.email, "wrong-password")
    html = response.content.decode()
    assert focal_point.email in html
    assert "not correct" in html or "incorrect" in html
