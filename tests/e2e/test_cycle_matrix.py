"""A secretariat admin creates a review cycle, builds its matrix and opens it, freezing it."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from tests.support import factories
from tests.support.browser import assert_no_axe_violations, sign_in_secretariat

CYCLE = "Third review cycle"
ASSEMBLY = "The third session of the UN-Habitat Assembly"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_builds_a_cycle_matrix_and_opens_the_cycle(base_data, live_server, page: Page):
    admin = factories.make_user(Role.ADMIN, email="admin@unhabitat.example", name="Amina Admin")

    # Signing in, then the authenticator code.
    sign_in_secretariat(page, live_server.url, admin)

    # The list of cycles (the seeded first cycle may be there, depending on which transactional
    # test ran before this one).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review cycles").click()
    expect(page).to_have_url(f"{live_server.url}/cycles/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review cycles")
    expect(page.get_by_role("table")).not_to_contain_text(CYCLE)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Create a cycle").click()

    # The cycle form, first with a deadline before the opening date.
    expect(page).to_have_url(f"{live_server.url}/cycles/add/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a review cycle")
    assert_no_axe_violations(page)
    page.get_by_label("Name").fill(CYCLE)
    page.get_by_label("Reports to").fill(ASSEMBLY)
    page.get_by_label("Opens on").fill("2027-03-01")
    page.get_by_label("Submission deadline").fill("2027-02-01")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Create a review cycle")
    deadline = page.get_by_label("Submission deadline")
    error = "The deadline must come after the opening date."
    expect(page.locator("#div_id_deadline")).to_contain_text(error)
    expect(deadline).to_have_accessible_description(error)
    expect(deadline).to_have_attribute("aria-invalid", "true")
    expect(deadline).to_have_value("2027-02-01")
    expect(page.get_by_label("Name")).to_have_value(CYCLE)
    expect(page.get_by_label("Reports to")).to_have_value(ASSEMBLY)
    expect(page.get_by_label("Opens on")).to_have_value("2027-03-01")
    expect(page.get_by_label("Opens on")).not_to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page)

    # Corrected and saved: the new cycle's page, with an empty draft matrix.
    deadline.fill("2027-06-30")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/cycles/\d+/$"))
    cycle_url = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text(CYCLE)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planning")
    expect(page.get_by_role("status")).to_contain_text(
        "The cycle was created. Build its matrix next."
    )
    expect(page.get_by_text(f"Reports to: {ASSEMBLY}")).to_be_visible()
    expect(
        page.get_by_text("Opens on March 1, 2027 · submission deadline June 30, 2027")
    ).to_be_visible()
    matrix = page.get_by_role("region", name="Indicator matrix, version 1")
    expect(matrix).to_contain_text("This matrix is a draft")
    expect(matrix).to_contain_text("The matrix has no outcome yet.")
    assert_no_axe_violations(page)
    matrix.get_by_role("link", name="Add an outcome").click()

    # An outcome.
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an outcome")
    assert_no_axe_violations(page)
    page.get_by_label("Code").fill("1")
    page.get_by_label("Title (English)").fill("Safer public spaces")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(cycle_url)
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    outcome = matrix.get_by_role("region", name="Outcome 1: Safer public spaces")
    expect(outcome).to_be_visible()
    expect(matrix).not_to_contain_text("The matrix has no outcome yet.")
    outcome.get_by_role("link", name="Add an area to outcome 1").click()

    # An area in it.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Add an area to 1 Safer public spaces"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Code").fill("1.A")
    page.get_by_label("Title (English)").fill("Lighting and design")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(cycle_url)
    area = outcome.get_by_role("region", name="1.A Lighting and design")
    expect(area).to_be_visible()
    area.get_by_role("link", name="Add an indicator to 1.A").click()

    # A single-choice indicator in the area.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Add an indicator to 1.A Lighting and design"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Code").fill("1.1")
    page.get_by_label("Title (English)").fill("Street lighting coverage")
    page.get_by_label("Guidance for focal points (English)").fill(
        "Choose the share of main streets lit at night."
    )
    page.get_by_label("Answer type").select_option(label="Single choice")
    page.get_by_label("Required").check()
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(cycle_url)
    indicator = area.get_by_role("listitem").filter(has_text="Street lighting coverage").first
    expect(indicator).to_contain_text("1.1 Street lighting coverage")
    expect(indicator).to_contain_text("Single choice · required")
    indicator.get_by_text("Guidance").click()
    expect(indicator.get_by_text("Choose the share of main streets lit at night.")).to_be_visible()
    indicator_edit_url = indicator.get_by_role(
        "link", name="Edit 1.1 Street lighting coverage"
    ).get_attribute("href")
    assert indicator_edit_url and indicator_edit_url.endswith("/edit/")
    assert_no_axe_violations(page)

    # Two choices, each added through the indicator's own link.
    choices = [("most", "Most main streets"), ("few", "Few main streets")]
    for value, label in choices:
        indicator.get_by_role("link", name="Add a choice to 1.1").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Add a choice to 1.1 Street lighting coverage"
        )
        assert_no_axe_violations(page)
        page.get_by_label("Stored value").fill(value)
        page.get_by_label("Label (English)").fill(label)
        page.get_by_role("button", name="Save").click()

        expect(page).to_have_url(cycle_url)
        expect(page.get_by_role("status")).to_contain_text("Saved.")
        expect(indicator.get_by_role("listitem").filter(has_text=label)).to_contain_text(
            f"{label} {value}"
        )
    expect(indicator.locator("li[id^=option-]")).to_have_text(
        [re.compile(rf"^{label} {value}") for value, label in choices]
    )
    assert_no_axe_violations(page)

    # Opening the cycle, after a confirmation.
    page.get_by_role("link", name="Open the cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open the cycle?")
    expect(page.get_by_text("The indicator matrix will be frozen")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirm").click()

    # The matrix is frozen: read-only, with everything still listed.
    expect(page).to_have_url(cycle_url)
    expect(page.get_by_role("status")).to_contain_text("The cycle is now open.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open")
    expect(page.get_by_role("link", name="Open the cycle")).to_have_count(0)
    expect(page.get_by_role("link", name="Close the cycle")).to_be_visible()
    expect(matrix.locator("#matrix-state")).to_contain_text(
        re.compile(r"This matrix is frozen \(since .+\): it is read-only\.")
    )
    node_controls = re.compile(r"^(Edit|Remove|Add|Move|Import)\b")
    expect(matrix.get_by_role("link", name=node_controls)).to_have_count(0)
    expect(matrix.get_by_role("button", name=node_controls)).to_have_count(0)
    expect(matrix.locator(".node-actions")).to_have_count(0)
    expect(matrix.get_by_role("region", name="Outcome 1: Safer public spaces")).to_be_visible()
    expect(area).to_be_visible()
    expect(indicator).to_contain_text("1.1 Street lighting coverage")
    expect(indicator.locator("li[id^=option-]")).to_have_text(
        [f"{label} {value}" for value, label in choices]
    )
    expect(page.get_by_role("region", name="History")).to_contain_text(
        "Planning → Open (Amina Admin)"
    )
    assert_no_axe_violations(page)

    # The indicator's edit form is gone too.
    response = page.goto(f"{live_server.url}{indicator_edit_url}")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_no_axe_violations(page)
