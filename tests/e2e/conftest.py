"""Browser tests: Debian's Chromium driven by Playwright, checked with axe-core.

The browser is launched once per session; each test gets a fresh context (its own cookies,
locale en-US). Tests use pytest-django's `live_server`, are marked
`@pytest.mark.django_db(transaction=True)` and request the `base_data` fixture (member states
and role groups, which a transactional test's flush removes).

Every page handed to `assert_no_axe_violations` is also saved as a screenshot under
test-artifacts/ (gitignored), named after the test.
"""

import os
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests import factories

# Playwright's sync API runs an asyncio event loop in this thread, and the live server's
# database (and the test's own factory calls) live in the same process: let Django's ORM
# run even though it sees that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

_axe = Axe()
_screenshots_taken: defaultdict[str, int] = defaultdict(int)


@pytest.fixture(scope="session")
def browser() -> Browser:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Page:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def _current_test_name() -> str:
    # "tests/e2e/test_x.py::test_name (call)" -> "test_name"
    current = os.environ.get("PYTEST_CURRENT_TEST", "unknown-test")
    return current.split("::")[-1].split(" ")[0]


def _screenshot(page: Page) -> Path:
    test_name = _current_test_name()
    _screenshots_taken[test_name] += 1
    where = re.sub(r"[^a-z0-9]+", "-", urlsplit(page.url).path.lower()).strip("-") or "home"
    path = ARTIFACTS / f"{test_name}--{_screenshots_taken[test_name]:02d}-{where}.png"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=path, full_page=True)
    return path


def assert_no_axe_violations(page: Page) -> None:
    """Run axe-core on the page as it is now; fail listing every violation found."""
    screenshot = _screenshot(page)
    results = _axe.run(page)
    report = _describe_violations(results.response["violations"], page.url, screenshot)
    if results.violations_count:
        print(report)
    assert results.violations_count == 0, report


def _describe_violations(violations: list[dict], url: str, screenshot: Path) -> str:
    lines = [f"{len(violations)} axe violation(s) on {url} (screenshot {screenshot.name}):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:300]}")
            for summary_line in node.get("failureSummary", "").splitlines():
                lines.append(f"       {summary_line}")
    return "\n".join(lines)


def sign_in(page: Page, email: str, password: str) -> None:
    """Fill and send the real sign-in form (the page must be showing it)."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_secretariat(page: Page, base_url: str, user) -> None:
    """Sign a secretariat user in with password and authenticator code, checking both pages."""
    page.goto(f"{base_url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_no_axe_violations(page)
    sign_in(page, user.email, factories.PASSWORD)
    expect(page).to_have_url(f"{base_url}/accounts/2fa/authenticate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    assert_no_axe_violations(page)
    page.get_by_label("Code").fill(factories.totp_code(user.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base_url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {user.name}")
