"""What the security scan (bench/scan.py, wapiti) found, fixed: one test per finding."""

from django.conf import settings
from django.test import Client

from tests.support.clients import client_for

COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_static_files_are_sent_with_x_frame_options(settings):
    # WhiteNoise answers static files itself, before the middleware that comes after it.
    settings.WHITENOISE_USE_FINDERS = True  # no collectstatic in tests: serve from the finders
    response = Client().get("/static/js/portal.js")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_language_cookie_is_http_only_and_as_secure_as_the_session_cookie(anonymous, db):
    response = anonymous.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert response.status_code == 302
    language = response.cookies[COOKIE]
    assert language.value == "fr"
    assert language["httponly"] is True
    assert language["samesite"] == "Lax"
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert bool(language["secure"]) == bool(session["secure"])


def test_country_search_with_a_nul_byte_is_not_a_server_error(reviewer, kenya):
    # wapiti's file and ldap payloads end in %00; PostgreSQL refuses a NUL in a query (500).
    client = client_for(reviewer)
    response = client.get("/countries/", {"q": "Kenya\x00", "region": "Africa"})
    assert response.status_code == 200
    assert list(response.context["countries"]) == [kenya]
    assert client.get("/countries/", {"q": "/etc/passwd\x00"}).status_code == 200


def test_messages_are_kept_in_the_session_not_in_a_cookie(secretariat_admin, kenya):
    # Django deletes its "messages" cookie with a Set-Cookie that has neither Secure nor
    # HttpOnly (wapiti's cookieflags on /countries/…/status/); kept in the session, there is
    # no such cookie to set or delete.
    assert settings.MESSAGE_STORAGE == "django.contrib.messages.storage.session.SessionStorage"
    client = client_for(secretariat_admin)
    response = client.post("/countries/KEN/status/", {"engagement": "reporting"})
    assert response.status_code == 302
    assert "messages" not in response.cookies
    shown = client.get(response["Location"])
    assert "messages" not in shown.cookies
    assert any("was saved" in str(m) for m in shown.context["messages"])
    assert not [str(m) for m in client.get("/countries/KEN/").context["messages"]]
