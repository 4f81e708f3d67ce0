from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.support.clients import client_for


def test_every_request_renews_the_idle_timeout(focal_point, settings):
    client = client_for(focal_point)
    client.get("/")
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < remaining
    assert remaining <= timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_an_idle_session_expires(focal_point, settings):
    client = client_for(focal_point)
    assert client.get("/reviews/").status_code == 200
    # As if the last request had been made SESSION_COOKIE_AGE + 1 minute ago.
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    response = client.get("/reviews/")  # (the home page "/" is the public front page then)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signed_in_pages_are_not_cached(focal_point):
    response = client_for(focal_point).get("/")
    assert "no-store" in response["Cache-Control"]


def test_signing_out_needs_post(focal_point):
    client = client_for(focal_point)
    client.post("/accounts/logout/")
    assert client.get("/reviews/").status_code == 302
