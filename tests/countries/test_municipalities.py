from countries.models import Municipality
from tests.support.clients import client_for
from tests.support.factories import make_municipality


def test_focal_point_adds_a_municipality_to_their_network(focal_point, kenya):
    response = client_for(focal_point).post(
        "/countries/KEN/municipalities/add/",
        {
            "name": "Nakuru",
            "province": "Nakuru County",
            "population": "570674",
            "joined_on": "2024-02-01",
            "has_safety_strategy": "on",
        },
    )
    assert response.status_code == 302
    municipality = kenya.municipalities.get()
    assert (municipality.name, municipality.population, municipality.has_safety_strategy) == (
        "Nakuru",
        570674,
        True,
    )


def test_bad_population_is_refused_and_the_typed_values_are_kept(focal_point, kenya):
    response = client_for(focal_point).post(
        "/countries/KEN/municipalities/add/",
        {"name": "Eldoret", "province": "Uasin Gishu", "population": "-5"},
    )
    assert response.status_code == 200
    assert "population" in response.context["form"].errors
    html = response.content.decode()
    assert 'value="Eldoret"' in html and 'value="Uasin Gishu"' in html
    assert not kenya.municipalities.exists()


def test_the_same_municipality_cannot_join_twice(focal_point, kenya):
    make_municipality(kenya, name="Kisumu", province="Kisumu County")
    response = client_for(focal_point).post(
        "/countries/KEN/municipalities/add/", {"name": "kisumu", "province": "Kisumu County"}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert kenya.municipalities.count() == 1


def test_the_page_shows_progress_towards_the_target_of_ten(focal_point, kenya):
    for _ in range(9):
        make_municipality(kenya)
    client = client_for(focal_point)
    assert "does not yet meet the target" in client.get("/countries/KEN/").content.decode()
    make_municipality(kenya)
    assert "The network meets the target" in client.get("/countries/KEN/").content.decode()


def test_focal_point_edits_and_removes_a_municipality(focal_point, kenya):
    municipality = make_municipality(kenya, name="Thika")
    client = client_for(focal_point)
    url = f"/countries/KEN/municipalities/{municipality.pk}/"
    client.post(url + "edit/", {"name": "Thika Town", "province": "Kiambu", "population": "1"})
    municipality.refresh_from_db()
    assert municipality.name == "Thika Town"
    assert client.get(url + "delete/").status_code == 200  # the confirmation page
    assert Municipality.objects.filter(pk=municipality.pk).exists()
    client.post(url + "delete/")
    assert not Municipality.objects.filter(pk=municipality.pk).exists()


def test_hostile_text_is_stored_and_shown_escaped(focal_point, kenya):
    payload = "<script>alert(1)</script>\u202e"
    client_for(focal_point).post(
        "/countries/KEN/municipalities/add/", {"name": payload, "province": "x"}
    )
    html = client_for(focal_point).get("/countries/KEN/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
