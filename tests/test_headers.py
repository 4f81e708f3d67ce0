"""The headers of every page (SPEC §10): a nonce-based Content-Security-Policy without
'unsafe-inline' scripts and with frame-ancestors 'none', nosniff, a referrer policy; no-store
for whoever is signed in; and, in production, cookies that are Secure and HttpOnly.

The pages are every URL of the portal that answers a GET, as each persona who may open it
(the table and the objects of tests/support/urlwalk.py).
"""

import json
from html.parser import HTMLParser

import pytest
from django.conf import settings

from tests.support.production import PRODUCTION_ENV, manage
from tests.support.urlwalk import ACCESS, OK, PERSONAS, browser, fill_route, walk
from tests.support.workers import worker_database_url


class _Inline(HTMLParser):
    """Inline scripts and their nonces, inline styles, event-handler and style attributes."""

    def __init__(self):
        super().__init__()
        self.script_nonces: list[str | None] = []
        self.style_nonces: list[str | None] = []
        self.handlers: list[str] = []
        self.style_attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.script_nonces.append(attrs.get("nonce"))
        if tag == "style":
            self.style_nonces.append(attrs.get("nonce"))
        self.handlers += [f"<{tag} {name}>" for name in attrs if name.startswith("on")]
        if "style" in attrs:
            self.style_attributes.append(f"<{tag} style={attrs['style']!r}>")


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


def problems_with(response, *, signed_in: bool) -> list[str]:
    found = []
    csp = policy(response)
    scripts = csp.get("script-src", [])
    nonces = {word.strip("'").removeprefix("nonce-") for word in scripts if "nonce-" in word}
    html = response.get("Content-Type", "").startswith("text/html") and not response.streaming
    # Django names the nonce only in the responses whose templates used it: the portal's pages.
    # Redirects, files and exports get the stricter policy without one.
    if html and response.status_code == 200 and len(nonces) != 1:
        found.append(f"a page whose script-src has no nonce: {scripts}")
    if len(nonces) > 1 or set(scripts) - {"'self'"} - {f"'nonce-{n}'" for n in nonces}:
        found.append(f"script-src allows more than the portal and the nonce: {scripts}")
    if "'unsafe-inline'" in csp.get("style-src", ["'unsafe-inline'"]):
        found.append("style-src allows inline styles (or is missing)")
    if csp.get("frame-ancestors") != ["'none'"]:
        found.append(f"frame-ancestors {csp.get('frame-ancestors')}")
    if csp.get("object-src") != ["'none'"] or csp.get("base-uri") != ["'none'"]:
        found.append("object-src or base-uri is not 'none'")
    if response.get("X-Content-Type-Options") != "nosniff":
        found.append("no nosniff")
    if response.get("Referrer-Policy") not in ("same-origin", "no-referrer", "strict-origin"):
        found.append(f"referrer policy {response.get('Referrer-Policy')!r}")
    if response.get("X-Frame-Options") != "DENY":
        found.append(f"X-Frame-Options {response.get('X-Frame-Options')!r}")
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        found.append(f"signed in, but Cache-Control is {response.get('Cache-Control')!r}")
    if html:
        page = _Inline()
        page.feed(response.content.decode())
        nonce = next(iter(nonces), None)
        if any(n != nonce for n in page.script_nonces + page.style_nonces):
            found.append("an inline <script> or <style> without the policy's nonce")
        if page.handlers:
            found.append(f"event-handler attributes, which the policy blocks: {page.handlers[:3]}")
        if page.style_attributes:
            found.append(f"style attributes, which the policy blocks: {page.style_attributes[:3]}")
    return found


@pytest.mark.slow
def test_every_page_as_everyone_who_may_open_it_carries_the_headers(world):  # noqa: F811
    wrong, seen = [], 0
    for route, _pattern in walk():
        url = fill_route(route, world["arguments"][route])
        for persona, expected in zip(PERSONAS, ACCESS[route][0], strict=True):
            if expected != OK:
                continue
            person = world["people"][persona]
            response = browser(person).get(url)
            seen += 1
            signed_in = person is not None and persona != "deactivated"
            wrong += [
                f"{url} as {persona}: {p}" for p in problems_with(response, signed_in=signed_in)
            ]
    assert seen > 200
    assert wrong == [], "\n".join(wrong)


def test_refusals_and_errors_carry_the_headers_too(world, client):  # noqa: F811
    focal_point = browser(world["people"]["focal_point"])
    for response, signed_in in [
        (client.get("/no-such-page/"), False),  # 404 (sign-in first, then 404)
        (focal_point.get("/no-such-page/"), True),
        (focal_point.get("/reviews/queue/"), True),  # 403
        (focal_point.post("/healthz", {}), True),
    ]:
        assert problems_with(response, signed_in=signed_in) == [], response.status_code


PROBE = """
import json
from django.conf import settings
from django.test import Client
# The manifest of hashed static files is made by collectstatic at deployment; not needed here.
settings.STORAGES = settings.STORAGES | {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
client = Client(enforce_csrf_checks=True)
page = client.get("/accounts/login/", secure=True)
chosen = client.post("/i18n/setlang/", {"language": "fr", "next": "/",
                     "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
                     secure=True, HTTP_REFERER="https://portal.example.org/accounts/login/")
cookies = {}
for response in (page, chosen):
    for name, morsel in response.cookies.items():
        cookies[name] = {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
                         "samesite": morsel["samesite"]}
print(json.dumps({"status": [page.status_code, chosen.status_code], "cookies": cookies}))
"""


def test_in_production_every_cookie_is_secure_and_http_only(db):
    """The production settings (no DEBUG, only the documented variables), over HTTPS: the
    cookies the portal sets before and at a visitor's first choice (CSRF, language, session)."""
    env = PRODUCTION_ENV | {
        "DATABASE_URL": worker_database_url(),  # over TCP or through the socket directory
        "ALLOWED_HOSTS": "testserver,portal.example.org",
    }
    result = manage("shell", "-c", PROBE, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["status"] == [200, 302], seen
    assert {"csrftoken", "sessionid", settings.LANGUAGE_COOKIE_NAME} <= set(seen["cookies"])
    for name, flags in seen["cookies"].items():
        assert flags == {"secure": True, "httponly": True, "samesite": "Lax"}, (name, flags)
