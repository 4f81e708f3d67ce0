"""A focal point signs in and adds a municipality to their country's National Tool Network."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support import factories
from tests.support.browser import assert_no_axe_violations, sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_focal_point_adds_a_municipality_to_their_network(
    base_data, live_server, page: Page, kenya
):
    factories.make_focal_point(kenya, email="focal.ke@example.org", name="Wanjiru Kamau")

    # The real sign-in form.
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_no_axe_violations(page)
    sign_in(page, "focal.ke@example.org", factories.PASSWORD)

    # The home page, which leads to their own country.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Wanjiru Kamau")
    my_country = page.get_by_role("region", name="Kenya")
    expect(my_country).to_contain_text("0 municipalities take part in the National Tool Network")
    assert_no_axe_violations(page)
    my_country.get_by_role("link", name="Open my country's profile").click()

    # Kenya's profile, with an empty network.
    expect(page).to_have_url(f"{live_server.url}/countries/KEN/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kenya")
    network = page.get_by_role("region", name="National Tool Network")
    expect(network).to_contain_text("No municipality has joined the network yet.")
    assert_no_axe_violations(page)
    network.get_by_role("link", name="Add a municipality").click()

    # The municipality form, first with a negative population.
    expect(page).to_have_url(f"{live_server.url}/countries/KEN/municipalities/add/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Add a municipality to the network of Kenya"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Name").fill("Kisumu")
    page.get_by_label("Province or state").fill("Kisumu County")
    page.get_by_label("Population").fill("-610000")
    page.get_by_label("Joined the network on").fill("2025-03-01")
    page.get_by_label("Has a local safety strategy").check()
    page.get_by_role("button", name="Save").click()

    # The error is shown with the population field and announced as its description;
    # everything else typed is still there.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Add a municipality to the network of Kenya"
    )
    population = page.get_by_label("Population")
    error = "Ensure this value is greater than or equal to 0."
    expect(page.locator("#div_id_population")).to_contain_text(error)
    expect(population).to_have_accessible_description(error)
    expect(population).to_have_attribute("aria-invalid", "true")
    expect(population).to_have_value("-610000")
    expect(page.get_by_label("Name")).to_have_value("Kisumu")
    expect(page.get_by_label("Name")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Province or state")).to_have_value("Kisumu County")
    expect(page.get_by_label("Joined the network on")).to_have_value("2025-03-01")
    expect(page.get_by_label("Has a local safety strategy")).to_be_checked()
    assert_no_axe_violations(page)

    # Corrected and saved: back on Kenya's profile with the new municipality listed.
    population.fill("610000")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{live_server.url}/countries/KEN/")
    expect(page.get_by_role("status")).to_contain_text("Kisumu joined the network.")
    network = page.get_by_role("region", name="National Tool Network")
    expect(network).to_contain_text("1 municipality of the target of 10.")
    row = network.get_by_role("row").filter(has_text="Kisumu")
    expect(row.get_by_role("cell")).to_have_text(
        [
            "Kisumu",
            "Kisumu County",
            "610,000",  # grouped as the reader's language writes numbers
            "March 1, 2025",
            "Yes",
            re.compile(r"Edit Kisumu\s+Remove Kisumu"),
        ]
    )
    assert_no_axe_violations(page)
