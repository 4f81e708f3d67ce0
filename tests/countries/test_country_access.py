"""Who may see and change which country: 404 outside one's reach, 403 for a missing right."""

import pytest

from tests.support.clients import client_for
from tests.support.factories import make_municipality


def test_focal_point_sees_only_their_own_country_in_the_list(focal_point, kenya):
    response = client_for(focal_point).get("/countries/")
    assert list(response.context["countries"]) == [kenya]


def test_focal_point_gets_404_on_another_country(focal_point, colombia):
    client = client_for(focal_point)
    for url in [
        "/countries/COL/",
        "/countries/COL/status/",
        "/countries/COL/municipalities/add/",
        "/countries/COL/focal-points/add/",
    ]:
        assert client.get(url).status_code == 404, url


def test_focal_point_gets_404_on_another_countrys_municipality(focal_point, colombia):
    municipality = make_municipality(colombia, name="Medellín")
    client = client_for(focal_point)
    assert client.get(f"/countries/COL/municipalities/{municipality.pk}/edit/").status_code == 404
    # Reached through their own country, the other country's object is still not found.
    assert client.get(f"/countries/KEN/municipalities/{municipality.pk}/edit/").status_code == 404
    assert (
        client.post(f"/countries/KEN/municipalities/{municipality.pk}/delete/").status_code == 404
    )
    assert colombia.municipalities.filter(pk=municipality.pk).exists()


def test_focal_point_may_not_change_their_countrys_status(focal_point, kenya):
    response = client_for(focal_point).post("/countries/KEN/status/", {"engagement": "reporting"})
    assert response.status_code == 403
    kenya.refresh_from_db()
    assert kenya.engagement == "not_engaged"


def test_board_member_reads_every_country_but_changes_nothing(board_member, kenya):
    client = client_for(board_member)
    assert client.get("/countries/").context["countries"].count() == 193
    assert client.get("/countries/KEN/").status_code == 200
    assert client.get("/countries/KEN/municipalities/add/").status_code == 403
    assert client.post("/countries/KEN/municipalities/add/", {"name": "X"}).status_code == 403
    assert client.get("/countries/KEN/status/").status_code == 403
    assert not kenya.municipalities.exists()


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("contributor", 404),  # no country page at all: 404 before any right is looked at
        ("focal_point", 403),
        ("reviewer", 403),
        ("board_member", 403),
        ("secretariat_admin", 200),
    ],
)
def test_only_secretariat_admins_designate_focal_points(request, persona, expected, kenya):
    user = request.getfixturevalue(persona)
    assert client_for(user).get("/countries/KEN/focal-points/add/").status_code == expected


def test_reviewer_changes_engagement_and_champion_status(reviewer, kenya):
    response = client_for(reviewer).post(
        "/countries/KEN/status/",
        {"engagement": "committed", "is_champion": "on", "champion_since": "2022-05-01"},
    )
    assert response.status_code == 302
    kenya.refresh_from_db()
    assert (kenya.engagement, kenya.is_champion, str(kenya.champion_since)) == (
        "committed",
        True,
        "2022-05-01",
    )


def test_champion_since_without_champion_is_refused_next_to_the_field(reviewer, kenya):
    response = client_for(reviewer).post(
        "/countries/KEN/status/",
        {"engagement": "interested", "champion_since": "2022-05-01", "interest_note": "kept"},
    )
    assert response.status_code == 200
    assert "champion_since" in response.context["form"].errors
    assert "kept" in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(anonymous, kenya):
    response = anonymous.get("/countries/KEN/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_country_code_is_404(reviewer):
    client = client_for(reviewer)
    for code in ["XXX", "1e309", "..%2F..%2Fetc", "K" * 500]:
        assert client.get(f"/countries/{code}/").status_code == 404


def test_contributor_reaches_no_country_page(contributor, kenya):
    client = client_for(contributor)
    assert list(client.get("/countries/").context["countries"]) == []
    for url in ["/countries/KEN/", "/countries/COL/", "/countries/KEN/municipalities/add/"]:
        assert client.get(url).status_code == 404, url
    assert client.post("/countries/KEN/municipalities/add/", {"name": "X"}).status_code == 404
    assert not kenya.municipalities.exists()
