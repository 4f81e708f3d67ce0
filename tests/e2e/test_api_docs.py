"""The open-data API's interactive page, /api/v1/docs (opendata/api.py): Swagger UI from
django-ninja's static files works under the portal's nonce-based Content-Security-Policy,
loads nothing from elsewhere, and calls the API from the page."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import ARTIFACTS


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_page_lists_the_endpoints_and_calls_them_under_the_policy(
    live_server, base_data, page: Page
):
    refused, elsewhere = [], []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.on(
        "request",
        lambda r: elsewhere.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/answers/" in paths and "/api/v1/reviews/{id}/" in paths
    page.locator("#operations-countries-opendata_api_countries").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_contain_text(
        "200"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "api-docs.png", full_page=True)
    assert refused == [] and elsewhere == []
