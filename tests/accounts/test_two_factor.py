"""Secretariat accounts use TOTP two-factor authentication, with recovery codes."""

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from accounts.roles import Role
from tests.support.clients import client_for
from tests.support.factories import PASSWORD, make_user, totp_code


def sign_in(client: Client, email: str):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


def test_secretariat_user_without_two_factor_reaches_no_secretariat_page(db, kenya):
    user = make_user(Role.REVIEWER, two_factor=False)
    client = Client()
    response = sign_in(client, user.email)
    for url in ["/", "/countries/", "/countries/KEN/", "/countries/KEN/status/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/accounts/2fa/totp/activate/", url
    # Enrolment itself is reachable (allauth first confirms the password once more).
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(response["Location"], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/2fa/totp/activate/"
    assert response.status_code == 200


def test_secretariat_admin_without_two_factor_cannot_post_changes(db, kenya):
    user = make_user(Role.ADMIN, two_factor=False)
    response = client_for(user).post("/countries/KEN/status/", {"engagement": "reporting"})
    assert response.status_code == 302
    kenya.refresh_from_db()
    assert kenya.engagement == "not_engaged"


def test_focal_points_and_board_members_need_no_second_factor(focal_point, board_member):
    assert client_for(focal_point).get("/").status_code == 200
    assert client_for(board_member).get("/countries/").status_code == 200


def test_signing_in_asks_for_the_authenticator_code(reviewer):
    client = Client()
    response = sign_in(client, reviewer.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # The password alone opens nothing.
    assert client.get("/countries/").status_code == 302
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(reviewer.totp_secret)})
    assert response.status_code == 302
    assert client.get("/countries/").status_code == 200


def test_a_recovery_code_works_once(reviewer):
    codes = RecoveryCodes(
        Authenticator.objects.get(user=reviewer, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    first = Client()
    sign_in(first, reviewer.email)
    first.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert first.get("/countries/").status_code == 200
    second = Client()
    sign_in(second, reviewer.email)
    second.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert "_auth_user_id" not in second.session
