"""A new secretariat reviewer must set up two-factor authentication before anything else."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Response, expect

from accounts.roles import Role
from tests.support import factories
from tests.support.browser import assert_no_axe_violations, sign_in

ACTIVATION_PAGE = "/accounts/2fa/totp/activate/"
MUST_ENROL = "Secretariat accounts must use two-factor authentication. Set it up to go on."


def paths_through(response: Response) -> list[str]:
    """Every path the browser went through to get `response`, in order."""
    paths, request = [], response.request
    while request is not None:
        paths.insert(0, urlsplit(request.url).path)
        request = request.redirected_from
    return paths


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_new_reviewer_enrols_in_two_factor_before_seeing_any_country(
    base_data, live_server, page: Page
):
    factories.make_user(
        Role.REVIEWER, email="new.reviewer@unhabitat.example", name="Nia Reviewer", two_factor=False
    )

    # Signing in leads through the home page to the activation page, which first asks the
    # reviewer to confirm their password (allauth's reauthentication for MFA changes).
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_no_axe_violations(page)
    with page.expect_response(re.compile("/accounts/reauthenticate/")) as signed_in:
        sign_in(page, "new.reviewer@unhabitat.example", factories.PASSWORD)
    assert paths_through(signed_in.value) == [
        "/accounts/login/",
        "/",
        ACTIVATION_PAGE,
        "/accounts/reauthenticate/",
    ]
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    expect(page.get_by_role("status")).to_contain_text(MUST_ENROL)
    assert_no_axe_violations(page)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    # The activation page.
    expect(page).to_have_url(f"{live_server.url}{ACTIVATION_PAGE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    assert_no_axe_violations(page)

    # Every other page sends the reviewer back here.
    for wanted in ("/countries/", "/"):
        response = page.goto(f"{live_server.url}{wanted}")
        assert paths_through(response) == [wanted, ACTIVATION_PAGE]
        expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
        expect(page.get_by_role("status")).to_contain_text(MUST_ENROL)
        expect(page.get_by_role("table")).to_have_count(0)

    # The reviewer's authenticator app would read the secret shown on the page.
    secret = page.get_by_label("Authenticator secret").input_value()
    assert len(secret) == 32
    page.get_by_label("Authenticator code").fill(factories.totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    # Activation generates recovery codes and shows them.
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/recovery-codes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")
    expect(page.get_by_role("status")).to_contain_text("Authenticator app activated.")
    expect(page.get_by_text("There are 10 out of 10 recovery codes available.")).to_be_visible()
    recovery_codes = page.get_by_label("Unused codes").input_value().split()
    assert len(recovery_codes) == 10
    expect(page.get_by_role("link", name="Download codes")).to_be_visible()
    assert_no_axe_violations(page)

    # Now the country list opens.
    response = page.goto(f"{live_server.url}/countries/")
    assert response.status == 200
    assert paths_through(response) == ["/countries/"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Countries")
    expect(page.get_by_role("table")).to_contain_text("193 countries")
    expect(page.get_by_role("rowheader", name="Kenya")).to_be_visible()
    assert_no_axe_violations(page)

    # Signing out, then in again: the second step asks for the authenticator code.
    page.get_by_role("button", name="Sign out (Nia Reviewer)").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    sign_in(page, "new.reviewer@unhabitat.example", factories.PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    expect(page.get_by_text("Please enter an authenticator code")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Code").fill(factories.totp_code(secret))
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Nia Reviewer")
    expect(page.get_by_role("link", name="All countries")).to_be_visible()
    assert_no_axe_violations(page)
