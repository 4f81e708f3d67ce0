"""Partners of the Global Network on Safer Cities and the Safer Cities tools countries shared or
piloted: records the secretariat keeps, the Board reads, focal points do not see."""

import datetime
import re
from html import unescape

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from countries import services
from countries.models import Partner, SaferCitiesTool, ToolUse
from tests.support.clients import client_for, url_names

PAGES = {"partners", "tools"}  # what the Board may read
NETWORK_URLS = {
    "partners",
    "partner_add",
    "partner_edit",
    "partner_delete",
    "tools",
    "tool_add",
    "tool_edit",
    "tool_use_add",
    "tool_use_delete",
}
POST_ONLY = {"tool_use_delete"}


def make_partner(**kwargs) -> Partner:
    defaults = {
        "organisation": "Huairou Commission",
        "type": "civil_society",
        "region": "Africa",
        "joined_on": datetime.date(2021, 3, 8),
    }
    return Partner.objects.create(**(defaults | kwargs))


def make_tool(**kwargs) -> SaferCitiesTool:
    defaults = {
        "name": "Women's Safety Audit",
        "description": "A walk through a neighbourhood noting what makes it feel unsafe.",
        "owner": "UN-Habitat",
    }
    return SaferCitiesTool.objects.create(**(defaults | kwargs))


def make_use(tool, country, kind="shared", on=datetime.date(2024, 5, 2)) -> ToolUse:
    return ToolUse.objects.create(tool=tool, country=country, kind=kind, on=on)


def error_next_to(html: str, field: str) -> str:
    """The HTML crispy renders for one field: its label, input and messages."""
    start = html.index(f'id="div_id_{field}"')
    end = html.find('id="div_id_', start + 1)
    return html[start : end if end != -1 else len(html)]


@pytest.fixture
def records(kenya):
    tool = make_tool()
    return {"partner": make_partner(), "tool": tool, "use": make_use(tool, kenya)}


def url(name: str, records) -> str:
    args = {
        "partner_edit": records["partner"].pk,
        "partner_delete": records["partner"].pk,
        "tool_edit": records["tool"].pk,
        "tool_use_add": records["tool"].pk,
        "tool_use_delete": records["use"].pk,
    }
    return reverse(f"countries:{name}", args=[args[name]] if name in args else [])


# Who may reach what


def test_every_network_url_is_in_the_access_table():
    assert NETWORK_URLS <= url_names("countries")


@pytest.mark.parametrize("name", sorted(NETWORK_URLS))
def test_anonymous_is_sent_to_sign_in(anonymous, records, name):
    for response in [anonymous.get(url(name, records)), anonymous.post(url(name, records))]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["focal_point", "other_focal_point"])
@pytest.mark.parametrize("name", sorted(NETWORK_URLS))
def test_focal_points_get_403_everywhere(request, persona, records, name):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(name, records)).status_code == 403
    assert client.post(url(name, records), {"organisation": "X"}).status_code == 403
    assert Partner.objects.get().organisation == "Huairou Commission"
    assert ToolUse.objects.exists()


@pytest.mark.parametrize("name", sorted(NETWORK_URLS))
def test_board_member_reads_the_lists_but_changes_nothing(board_member, records, name):
    client = client_for(board_member)
    assert client.get(url(name, records)).status_code == (200 if name in PAGES else 403)
    assert client.post(url(name, records), {"name": "X"}).status_code == (
        405 if name in PAGES else 403
    )
    assert Partner.objects.get().organisation == "Huairou Commission"
    assert ToolUse.objects.exists()


@pytest.mark.parametrize("persona", ["reviewer", "secretariat_admin"])
@pytest.mark.parametrize("name", sorted(NETWORK_URLS))
def test_secretariat_reaches_every_page(request, persona, records, name):
    response = client_for(request.getfixturevalue(persona)).get(url(name, records))
    assert response.status_code == (405 if name in POST_ONLY else 200)


def test_board_member_sees_no_buttons_to_change_records(board_member, records):
    html = client_for(board_member).get("/countries/network/tools/").content.decode()
    assert "Kenya" in html
    assert url("tool_use_delete", records) not in html
    assert url("tool_edit", records) not in html


@pytest.mark.parametrize(
    "persona, sees_links",
    [
        ("reviewer", True),
        ("secretariat_admin", True),
        ("board_member", True),
        ("focal_point", False),
    ],
)
def test_country_list_links_to_the_network_records(request, persona, sees_links, kenya):
    html = client_for(request.getfixturevalue(persona)).get("/countries/").content.decode()
    assert ('href="/countries/network/partners/"' in html) is sees_links
    assert ('href="/countries/network/tools/"' in html) is sees_links


# Partners


def test_reviewer_adds_a_partner(reviewer, kenya):
    response = client_for(reviewer).post(
        "/countries/network/partners/add/",
        {
            "organisation": "University of Nairobi",
            "type": "academia",
            "country": kenya.pk,
            "joined_on": "2023-10-01",
            "note": "Urban safety research group.",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert (partner.organisation, partner.type, partner.country, partner.region) == (
        "University of Nairobi",
        "academia",
        kenya,
        "",
    )
    assert (partner.joined_on, partner.is_active) == (datetime.date(2023, 10, 1), True)


def test_admin_edits_a_partner_and_marks_it_inactive(secretariat_admin):
    partner = make_partner()
    response = client_for(secretariat_admin).post(
        f"/countries/network/partners/{partner.pk}/edit/",
        {
            "organisation": "Huairou Commission",
            "type": "civil_society",
            "region": "Americas",
            "joined_on": "2021-03-08",
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.region, partner.is_active) == ("Americas", False)


def test_deleting_a_partner_asks_first(reviewer):
    partner = make_partner()
    client = client_for(reviewer)
    page = client.get(f"/countries/network/partners/{partner.pk}/delete/")
    assert "Remove Huairou Commission from the partners?" in page.content.decode()
    assert Partner.objects.filter(pk=partner.pk).exists()
    client.post(f"/countries/network/partners/{partner.pk}/delete/")
    assert not Partner.objects.filter(pk=partner.pk).exists()


def test_partner_list_filters_by_type(board_member, kenya):
    make_partner(organisation="UN Women", type="un_entity")
    make_partner(organisation="City of Nairobi", type="local_government", country=kenya)
    client = client_for(board_member)
    assert client.get("/countries/network/partners/").context["partners"].count() == 2
    response = client.get("/countries/network/partners/", {"type": "un_entity"})
    assert [p.organisation for p in response.context["partners"]] == ["UN Women"]
    # An unknown type is no filter rather than an error.
    response = client.get("/countries/network/partners/", {"type": "nonsense\x00"})
    assert response.status_code == 200
    assert response.context["partners"].count() == 2


def test_the_same_organisation_cannot_be_added_twice(reviewer):
    make_partner(organisation="Huairou Commission")
    response = client_for(reviewer).post(
        "/countries/network/partners/add/",
        {
            "organisation": "huairou commission",
            "type": "other",
            "region": "Asia",
            "joined_on": "2022-01-01",
        },
    )
    assert response.status_code == 200
    field = error_next_to(response.content.decode(), "organisation")
    assert "This organisation is already a partner." in field
    assert 'value="huairou commission"' in field
    assert Partner.objects.count() == 1


def test_a_joining_date_in_the_future_is_refused(reviewer):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(reviewer).post(
        "/countries/network/partners/add/",
        {
            "organisation": "Future Cities Lab",
            "type": "academia",
            "region": "Europe",
            "joined_on": tomorrow.isoformat(),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    field = error_next_to(html, "joined_on")
    assert "This date is in the future." in field
    assert f'value="{tomorrow.isoformat()}"' in field
    assert 'value="Future Cities Lab"' in html
    assert not Partner.objects.exists()


def test_a_partner_needs_a_country_or_a_region(reviewer):
    response = client_for(reviewer).post(
        "/countries/network/partners/add/",
        {"organisation": "Nowhere Org", "type": "other", "joined_on": "2020-01-01"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert escape("Give the partner's country or region.") in error_next_to(html, "country")
    assert 'value="Nowhere Org"' in html
    assert not Partner.objects.exists()


def test_the_database_refuses_a_partner_without_country_or_region(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_partner(country=None, region="")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"organisation": "Before\x00after"}, "organisation"),
        ({"note": "Before\x00after"}, "note"),
        ({"joined_on": "2021-13-45"}, "joined_on"),
        ({"type": "cartel"}, "type"),
        ({"country": "999999"}, "country"),
        ({"region": "Atlantis"}, "region"),
        ({"organisation": "x" * 201}, "organisation"),
    ],
)
def test_bad_partner_input_gets_a_message_next_to_the_field(reviewer, changes, field):
    data = {
        "organisation": "Good Org",
        "type": "other",
        "region": "Asia",
        "joined_on": "2020-01-01",
    }
    response = client_for(reviewer).post("/countries/network/partners/add/", data | changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "invalid-feedback" in error_next_to(response.content.decode(), field)
    assert not Partner.objects.exists()


# Tools and their uses


def test_reviewer_adds_and_edits_a_tool(reviewer):
    client = client_for(reviewer)
    response = client.post(
        "/countries/network/tools/add/",
        {
            "name": "Safer Cities Index",
            "description": "Indicators of urban safety.",
            "owner": "UN-Habitat",
            "url": "https://unhabitat.org/safer-cities",
        },
    )
    assert response.status_code == 302
    tool = SaferCitiesTool.objects.get()
    client.post(
        f"/countries/network/tools/{tool.pk}/edit/",
        {"name": "Safer Cities Index", "description": "Revised.", "owner": "UN-Habitat Nairobi"},
    )
    tool.refresh_from_db()
    assert (tool.description, tool.owner, tool.url) == ("Revised.", "UN-Habitat Nairobi", "")


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"name": "women's safety audit"}, "name", "A tool with this name already exists."),
        ({"url": "javascript:alert(1)"}, "url", "Enter a valid URL."),
        ({"description": "Before\x00after"}, "description", "Null characters are not allowed."),
        ({"owner": ""}, "owner", "This field is required."),
    ],
)
def test_bad_tool_input_gets_a_message_next_to_the_field(reviewer, changes, field, message):
    make_tool()
    data = {"name": "Safer Cities Index", "description": "Indicators.", "owner": "UN-Habitat"}
    response = client_for(reviewer).post("/countries/network/tools/add/", data | changes)
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(message) in error_next_to(html, field)
    assert "Indicators." in html or field == "description"
    assert SaferCitiesTool.objects.count() == 1


def test_reviewer_records_that_a_country_piloted_a_tool(reviewer, colombia):
    tool = make_tool()
    response = client_for(reviewer).post(
        f"/countries/network/tools/{tool.pk}/uses/add/",
        {"country": colombia.pk, "kind": "piloted", "on": "2024-09-30", "note": "In Medellín."},
    )
    assert response.status_code == 302
    use = tool.uses.get()
    assert (use.country, use.kind, use.on, use.note) == (
        colombia,
        "piloted",
        datetime.date(2024, 9, 30),
        "In Medellín.",
    )


def test_the_same_use_cannot_be_recorded_twice(reviewer, kenya):
    tool = make_tool()
    make_use(tool, kenya, "shared", datetime.date(2024, 5, 2))
    response = client_for(reviewer).post(
        f"/countries/network/tools/{tool.pk}/uses/add/",
        {"country": kenya.pk, "kind": "shared", "on": "2024-05-02"},
    )
    assert response.status_code == 200
    field = error_next_to(response.content.decode(), "on")
    assert "This use of the tool is already recorded." in field
    assert 'value="2024-05-02"' in field
    assert tool.uses.count() == 1


def test_a_use_in_the_future_is_refused(reviewer, kenya):
    tool = make_tool()
    next_year = (timezone.localdate() + datetime.timedelta(days=366)).isoformat()
    response = client_for(reviewer).post(
        f"/countries/network/tools/{tool.pk}/uses/add/",
        {"country": kenya.pk, "kind": "piloted", "on": next_year, "note": "Planned."},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This date is in the future." in error_next_to(html, "on")
    assert "Planned." in error_next_to(html, "note")
    assert not tool.uses.exists()


def test_admin_removes_a_recorded_use(secretariat_admin, kenya):
    use = make_use(make_tool(), kenya)
    response = client_for(secretariat_admin).post(f"/countries/network/tool-uses/{use.pk}/delete/")
    assert response.status_code == 302
    assert not ToolUse.objects.exists()


def test_tools_list_shows_which_countries_shared_or_piloted_each_tool(
    board_member, kenya, colombia
):
    audit = make_tool()
    index = make_tool(name="Safer Cities Index", owner="UN-Habitat")
    make_use(audit, kenya, "shared", datetime.date(2023, 6, 1))
    make_use(audit, colombia, "piloted", datetime.date(2024, 2, 15))
    html = client_for(board_member).get("/countries/network/tools/").content.decode()
    # One section per tool, its tags dropped: what a reader sees of it.
    sections = {}
    for section in html.split("<section")[1:]:
        name = unescape(re.search(r"<h2[^>]*>(.*?)</h2>", section).group(1))
        sections[name] = unescape(" ".join(re.sub(r"<[^>]+>", " ", section).split()))
    assert "Kenya Shared 1 June 2023" in sections["Women's Safety Audit"]
    assert "Colombia Piloted 15 February 2024" in sections["Women's Safety Audit"]
    assert "No country has shared or piloted" in sections[index.name]


# Figures for the dashboard


def test_network_figures_count_active_partners_and_distinct_uses(kenya, colombia):
    brazil = colombia.__class__.objects.get(iso3="BRA")
    make_partner(organisation="UN Women", type="un_entity")
    make_partner(organisation="City of Bogotá", type="local_government", country=colombia)
    make_partner(organisation="Old Friends", type="civil_society", is_active=False)
    audit, index = make_tool(), make_tool(name="Safer Cities Index")
    make_use(audit, kenya, "shared", datetime.date(2023, 1, 1))
    make_use(audit, kenya, "shared", datetime.date(2024, 1, 1))  # the same pair again
    make_use(index, kenya, "shared")
    make_use(audit, colombia, "shared")
    make_use(audit, colombia, "piloted")
    make_use(index, brazil, "piloted")
    figures = services.network_figures()
    assert figures["partners"] == 2
    assert figures["partners_by_type"]["UN entity"] == 1
    assert figures["partners_by_type"]["Local government"] == 1
    assert figures["partners_by_type"]["Civil society"] == 0
    assert sum(figures["partners_by_type"].values()) == 2
    assert {k: v for k, v in figures.items() if k.startswith(("tools", "countries"))} == {
        "tools_shared": 3,
        "tools_piloted": 2,
        "countries_sharing": 2,
        "countries_piloting": 2,
    }


def test_network_figures_are_zero_without_records(db):
    figures = services.network_figures()
    assert figures["partners"] == 0
    assert set(figures["partners_by_type"].values()) == {0}
    assert figures["tools_shared"] == figures["countries_piloting"] == 0
