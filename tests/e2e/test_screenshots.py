"""Full-page screenshots of the portal's key pages in English and Arabic (issue 17).

The demo data (seed_demo) plus, in its open cycle, Mexico's review returned to its focal point
with the secretariat's comments and the Philippines' review submitted and waiting in the queue.
Each persona signs in once, through the real pages (the secretariat with its authenticator
code); each language is then picked with the language cookie, and every page is opened by its
URL (never by clicking a link, whose wording or place may change), checked as a user sees it
(it answers 200, has its main heading, is in the language and direction asked for) and saved
as `<language>-<page>.png` (1280×800 viewport, full page) in $SCREENSHOT_DIR (by default
test-artifacts/screenshots/).

The same test makes the set on any commit, so that two sets can be compared side by side.
"""

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from accounts import demo
from accounts.models import User
from countries.models import Country
from dashboard.management.commands.seed_demo import DEMO_ANSWERS, DEMO_CYCLE
from indicators.models import Indicator, ReviewCycle
from reports import jobs
from reviews import services
from reviews.models import Review, ReviewStatus
from reviews.sections import SECTIONS
from tests.support import factories
from tests.support.browser import ARTIFACTS
from tests.support.reviews import fill, quick_render, run_jobs

LANGUAGES = {"en": "ltr", "ar": "rtl"}  # language → the direction its pages must have
VIEWPORT = {"width": 1280, "height": 800}
OUTPUT = Path(os.environ.get("SCREENSHOT_DIR") or ARTIFACTS / "screenshots")

RETURN_REASON = "Please give the sources of indicators 1.3 and 1.4 before we approve."
SECTION_COMMENT = "The summary names the policy but not the year it was adopted."
INDICATOR_COMMENT = "Which survey gives the number of cities with a safety audit?"


@dataclass
class Shot:
    name: str  # <language>-<name>.png
    path: str
    heading_contains: str = ""  # a text the main heading shows in every language
    shows: str = ""  # a text the page shows in every language


@dataclass
class Persona:
    email: str | None  # None: nobody signed in
    totp_secret: str | None
    shots: list[Shot]


def build_portal(settings, monkeypatch) -> dict[str, Persona]:
    """seed_demo (five countries' focal points, every role, the first cycle published with five
    approved reviews, an open cycle) and, in the open cycle, Mexico's review returned with
    comments and the Philippines' review submitted."""
    monkeypatch.setattr(jobs, "render", quick_render)  # render jobs run in-process
    settings.DEBUG = True  # seed_demo refuses to run without it (known passwords)
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    run_jobs()  # the PDFs of the published cycle

    cycle = ReviewCycle.objects.get(name=DEMO_CYCLE)
    reviewer = User.objects.get(email="reviewer@example.org")
    admin = User.objects.get(email="admin@example.org")

    def submitted(iso3: str) -> Review:
        country = Country.objects.get(iso3=iso3)
        focal = country.focal_points.get().user
        review = services.start_review(country, cycle, by=focal)
        sections = {s.key: f"{s.title}: what {country.name} did in 2024." for s in SECTIONS}
        review = fill(review, focal, sections=sections, answers=DEMO_ANSWERS)
        return services.submit_review(review, by=focal)

    mexico = submitted("MEX")
    services.add_comment(mexico, by=reviewer, body=SECTION_COMMENT, section=SECTIONS[0].key)
    indicator = Indicator.objects.get(matrix=cycle.matrix, code="1.4")
    services.add_comment(mexico, by=reviewer, body=INDICATOR_COMMENT, indicator=indicator)
    mexico = services.return_review(mexico, by=reviewer, reason=RETURN_REASON)
    philippines = submitted("PHL")
    run_jobs()  # the draft PDFs of the two submissions
    assert mexico.status == ReviewStatus.RETURNED
    assert philippines.status == ReviewStatus.SUBMITTED

    def secret(user: User) -> str:
        return demo.ensure_two_factor(user)[0]

    return {
        "anonymous": Persona(None, None, [Shot("front", "/")]),
        "focal_point": Persona(
            "focal.mx@example.org",
            None,
            [
                Shot("focal-home", "/"),
                Shot(
                    "editor",
                    f"/reviews/{mexico.pk}/edit/",
                    heading_contains="Mexico",
                    shows=INDICATOR_COMMENT,
                ),
            ],
        ),
        "reviewer": Persona(
            reviewer.email,
            secret(reviewer),
            [
                Shot("reviewer-home", "/"),
                Shot("queue", "/reviews/queue/", shows="Philippines"),
                Shot("review", f"/reviews/{philippines.pk}/", heading_contains="Philippines"),
            ],
        ),
        "admin": Persona(admin.email, secret(admin), [Shot("admin-home", "/")]),
        "board_member": Persona("board@example.org", None, [Shot("board-home", "/")]),
    }


def sign_in(page: Page, base_url: str, persona: Persona) -> None:
    """Password, then the authenticator code for the secretariat: by the forms' field names,
    which stay whatever the pages look like."""
    page.goto(f"{base_url}/accounts/login/")
    form = page.locator("form").filter(has=page.locator('[name="login"]'))
    form.locator('[name="login"]').fill(persona.email)
    form.locator('[name="password"]').fill(demo.DEMO_PASSWORD)
    with page.expect_navigation():
        form.locator('[name="password"]').press("Enter")
    if persona.totp_secret:
        expect(page).to_have_url(f"{base_url}/accounts/2fa/authenticate/")
        code = page.locator('[name="code"]')
        code.fill(factories.totp_code(persona.totp_secret))
        with page.expect_navigation():
            code.press("Enter")
    expect(page).to_have_url(f"{base_url}/")


def take(page: Page, base_url: str, shot: Shot, language: str, signed_in: bool) -> Path:
    response = page.goto(f"{base_url}{shot.path}")
    where = f"{language}-{shot.name} ({shot.path})"
    assert response is not None and response.status == 200, (
        f"{where}: answered {response and response.status}"
    )
    if signed_in:
        expect(page, f"{where}: should not send a signed-in user away").to_have_url(
            f"{base_url}{shot.path}"
        )
    html = page.locator("html")
    expect(html, f"{where}: <html lang>").to_have_attribute("lang", language)
    expect(html, f"{where}: <html dir>").to_have_attribute("dir", LANGUAGES[language])
    heading = page.get_by_role("heading", level=1)
    expect(heading, f"{where}: one main heading").to_have_count(1)
    expect(heading, f"{where}: the main heading").to_have_text(re.compile(r"\S"))
    if shot.heading_contains:
        expect(heading).to_contain_text(shot.heading_contains)
    if shot.shows:
        expect(page.get_by_role("main")).to_contain_text(shot.shows)
    path = OUTPUT / f"{language}-{shot.name}.png"
    page.screenshot(path=path, full_page=True)
    return path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_screenshots_of_the_key_pages_in_english_and_arabic(
    base_data, live_server, browser: Browser, settings, monkeypatch
):
    personas = build_portal(settings, monkeypatch)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    base_url = live_server.url
    written = []
    for persona in personas.values():
        # One browser per persona, signed in once (an authenticator code is used only once);
        # the language cookie then picks each language in turn.
        context = browser.new_context(locale="en-US", viewport=VIEWPORT)
        try:
            page = context.new_page()
            if persona.email:
                sign_in(page, base_url, persona)
            for language in LANGUAGES:
                context.add_cookies(
                    [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
                )
                for shot in persona.shots:
                    written.append(take(page, base_url, shot, language, bool(persona.email)))
        finally:
            context.close()

    expected = {
        f"{language}-{shot.name}.png"
        for language in LANGUAGES
        for persona in personas.values()
        for shot in persona.shots
    }
    assert {path.name for path in written} == expected
    assert len(expected) == 16
    for path in written:
        assert path.is_file() and path.stat().st_size > 0, f"{path} should be a non-empty PNG"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{path} should be a PNG"
