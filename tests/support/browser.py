"""Browser tests' helpers: Debian's Chromium, axe-core checks with a screenshot of each page, signing in."""

import os
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Response, expect

from tests.support import factories

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


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # gitignored


_axe = Axe()


_screenshots_taken: defaultdict[str, int] = defaultdict(int)


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


def autosave_of(page: Page, *, containing: dict[str, str]):
    """Expect the editor's own autosave (triggered by the form, not by "Save now") that posts
    these field values: it is queued after anything typed before, so when it has been answered
    nothing is left to save."""
    edit_path = urlsplit(page.url).path

    def is_it(response: Response) -> bool:
        request = response.request
        if request.method != "POST" or urlsplit(request.url).path != edit_path:
            return False
        if request.header_value("HX-Trigger") != "review-form":
            return False
        posted = parse_qs(request.post_data or "")
        return all(posted.get(name) == [value] for name, value in containing.items())

    return page.expect_response(is_it)
