"""Browser tests: Debian's Chromium driven by Playwright, checked with axe-core.

The browser is launched once per session; each test gets a fresh context (its own cookies,
locale en-US). Tests use pytest-django's `live_server`, are marked
`@pytest.mark.django_db(transaction=True)` and request the `base_data` fixture (member states
and role groups, which a transactional test's flush removes).

Every page handed to `assert_no_axe_violations` is also saved as a screenshot under
test-artifacts/ (gitignored), named after the test.
"""

import os

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

# Playwright's sync API runs an asyncio event loop in this thread, and the live server's
# database (and the test's own factory calls) live in the same process: let Django's ORM
# run even though it sees that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


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
