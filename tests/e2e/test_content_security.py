"""No page breaks its own Content-Security-Policy: the editor's autosave included (a swapped
fragment must not bring inline styles or scripts that the policy refuses)."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reviews import services
from tests.support import factories
from tests.support.browser import autosave_of, sign_in


def violations_of(page: Page) -> list[str]:
    """Every CSP violation the page reports, as the browser's console and events say."""
    seen: list[str] = []
    page.on(
        "console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return seen


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_editor_and_its_autosave_keep_to_the_policy(base_data, live_server, page: Page):
    kenya = Country.objects.get(iso3="KEN")
    focal = factories.make_focal_point(kenya, email="focal.ke@example.org")
    admin = factories.make_user(Role.ADMIN, email="admin@unhabitat.example")
    cycle = cycle_services.open_cycle(
        ReviewCycle.objects.get(name="2021–2023 review cycle"), by=admin
    )
    review = services.start_review(kenya, cycle, by=focal)
    seen = violations_of(page)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, focal.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/reviews/{review.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review of Kenya")
    summary = page.get_by_label("1. Executive summary", exact=True)
    name = summary.get_attribute("name")
    with autosave_of(page, containing={name: "Kenya adopted a national policy."}) as saved:
        summary.fill("Kenya adopted a national policy.")
    assert saved.value.ok
    expect(page.locator("#save-status")).to_contain_text("Saved")
    # An answer (its change autosaves), then the button that saves at once.
    yes = page.get_by_role("group", name=re.compile(r"^1\.2 ")).get_by_label("Yes", exact=True)
    with autosave_of(page, containing={yes.get_attribute("name"): "yes"}) as saved:
        yes.check()
    assert saved.value.ok
    page.get_by_role("button", name="Save now").click()
    expect(page.locator("#save-status")).to_contain_text("Saved")
    page.wait_for_timeout(500)  # a violation is reported after the swap settles
    assert seen == []
