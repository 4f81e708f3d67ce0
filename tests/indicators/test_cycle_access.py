"""Who may read and change cycles and matrices."""

import pytest

from indicators import services
from indicators.models import Indicator, Outcome, ReviewCycle
from tests.support.clients import client_for


@pytest.fixture
def cycle(db) -> ReviewCycle:
    return ReviewCycle.objects.get(name="2021–2023 review cycle")


def change_requests(cycle: ReviewCycle) -> list[tuple[str, str, dict]]:
    indicator = Indicator.objects.get(matrix=cycle.matrix, code="1.1")
    base = f"/cycles/{cycle.pk}"
    return [
        ("get", "/cycles/add/", {}),
        ("post", "/cycles/add/", {"name": "X", "assembly": "Y", "opens_on": "2030-01-01", "deadline": "2031-01-01"}),
        ("post", f"{base}/edit/", {"name": "Renamed", "assembly": "Y", "opens_on": "2021-07-01", "deadline": "2023-03-31"}),
        ("post", f"{base}/open/", {}),
        ("post", f"{base}/matrix/outcome/add/", {"code": "9", "title_en": "New"}),
        ("post", f"{base}/matrix/indicator/{indicator.pk}/edit/", {"code": "1.1", "title_en": "Changed", "type": "yes_no"}),
        ("post", f"{base}/matrix/indicator/{indicator.pk}/delete/", {}),
        ("post", f"{base}/matrix/indicator/{indicator.pk}/move/", {"direction": "down"}),
        ("post", f"{base}/matrix/option/add/?parent={indicator.pk}", {"value": "x", "label_en": "X"}),
        ("get", f"{base}/matrix/import/", {}),
    ]  # fmt: skip


@pytest.mark.parametrize("persona", ["reviewer", "board_member"])
def test_reviewers_and_board_members_read_but_get_403_on_changes(request, persona, cycle):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"/cycles/{cycle.pk}/").status_code == 200
    assert client.get(f"/cycles/{cycle.pk}/matrix.csv").status_code == 200
    before = Indicator.objects.filter(matrix=cycle.matrix).count()
    for method, url, data in change_requests(cycle):
        assert getattr(client, method)(url, data).status_code == 403, url
    assert Indicator.objects.filter(matrix=cycle.matrix).count() == before
    cycle.refresh_from_db()
    assert (cycle.name, cycle.status) == ("2021–2023 review cycle", "planning")


def test_focal_points_cannot_read_a_cycle_in_planning(focal_point, cycle):
    client = client_for(focal_point)
    assert cycle not in client.get("/cycles/").context["cycles"]
    assert client.get(f"/cycles/{cycle.pk}/").status_code == 404
    assert client.get(f"/cycles/{cycle.pk}/matrix.csv").status_code == 404
    for method, url, data in change_requests(cycle):
        # Adding a cycle names no cycle: the right is missing (403). Every other request names
        # a cycle the focal point may not see: 404, whatever their rights.
        expected = 403 if url == "/cycles/add/" else 404
        assert getattr(client, method)(url, data).status_code == expected, url


def test_focal_points_read_the_matrix_of_an_open_cycle(focal_point, secretariat_admin, cycle):
    services.open_cycle(cycle, by=secretariat_admin)
    client = client_for(focal_point)
    response = client.get(f"/cycles/{cycle.pk}/")
    assert response.status_code == 200
    assert "Victims of intentional homicide" in response.content.decode()
    assert client.get(f"/cycles/{cycle.pk}/matrix.xlsx").status_code == 200
    assert client.post(f"/cycles/{cycle.pk}/close/").status_code == 403


def test_secretariat_admins_change_cycles_and_matrices(secretariat_admin, cycle):
    client = client_for(secretariat_admin)
    response = client.post(
        f"/cycles/{cycle.pk}/matrix/outcome/add/",
        {"code": "4", "title_en": "Knowledge and learning"},
    )
    assert response.status_code == 302
    assert Outcome.objects.filter(matrix=cycle.matrix, code="4").exists()
    response = client.post(f"/cycles/{cycle.pk}/open/")
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == "open"


def test_a_duplicate_code_is_refused_next_to_the_field(secretariat_admin, cycle):
    response = client_for(secretariat_admin).post(
        f"/cycles/{cycle.pk}/matrix/outcome/add/", {"code": "1", "title_en": "Clash"}
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert 'value="Clash"' in response.content.decode()


def test_editing_a_frozen_matrix_through_the_page_is_404(secretariat_admin, cycle):
    services.open_cycle(cycle, by=secretariat_admin)
    indicator = Indicator.objects.get(matrix=cycle.matrix, code="1.1")
    client = client_for(secretariat_admin)
    response = client.post(
        f"/cycles/{cycle.pk}/matrix/indicator/{indicator.pk}/edit/",
        {"code": "1.1", "title_en": "Changed", "type": "yes_no"},
    )
    assert response.status_code == 404
    indicator.refresh_from_db()
    assert indicator.title != "Changed"
    assert "read-only" in client.get(f"/cycles/{cycle.pk}/").content.decode()


def test_nonsense_urls_are_404(secretariat_admin, cycle):
    client = client_for(secretariat_admin)
    for url in [
        f"/cycles/{cycle.pk}/matrix.pdf",
        f"/cycles/{cycle.pk}/explode/",
        f"/cycles/{cycle.pk}/matrix/widget/add/",
        f"/cycles/{cycle.pk}/matrix/area/add/?parent=1e309",
        f"/cycles/{cycle.pk}/matrix/area/add/",
        "/cycles/999999/",
    ]:
        assert client.get(url).status_code == 404, url


def test_an_admin_reorders_indicators_within_their_area(secretariat_admin, cycle):
    first, second = Indicator.objects.filter(matrix=cycle.matrix, area__code="1.A").order_by(
        "order"
    )[:2]
    client = client_for(secretariat_admin)
    response = client.post(
        f"/cycles/{cycle.pk}/matrix/indicator/{first.pk}/move/", {"direction": "down"}
    )
    assert response.status_code == 302
    codes = list(
        Indicator.objects.filter(matrix=cycle.matrix, area__code="1.A")
        .order_by("order")
        .values_list("code", flat=True)
    )
    assert codes[:2] == [second.code, first.code]
    client.post(f"/cycles/{cycle.pk}/matrix/indicator/{first.pk}/move/", {"direction": "up"})
    codes = list(
        Indicator.objects.filter(matrix=cycle.matrix, area__code="1.A")
        .order_by("order")
        .values_list("code", flat=True)
    )
    assert codes[:2] == [first.code, second.code]


def test_an_admin_removes_an_area_with_its_indicators(secretariat_admin, cycle):
    client = client_for(secretariat_admin)
    area = Indicator.objects.get(matrix=cycle.matrix, code="3.5").area
    assert client.get(f"/cycles/{cycle.pk}/matrix/area/{area.pk}/delete/").status_code == 200
    client.post(f"/cycles/{cycle.pk}/matrix/area/{area.pk}/delete/")
    codes = set(Indicator.objects.filter(matrix=cycle.matrix).values_list("code", flat=True))
    assert not codes & {"3.3", "3.4", "3.5"} and len(codes) == 19


def test_contributors_reach_no_cycle_page(contributor, secretariat_admin, cycle):
    """A national contributor reads the matrix in their editor only."""
    services.open_cycle(cycle, by=secretariat_admin)
    client = client_for(contributor)
    assert list(client.get("/cycles/").context["cycles"]) == []
    assert client.get(f"/cycles/{cycle.pk}/").status_code == 404
    assert client.get(f"/cycles/{cycle.pk}/matrix.csv").status_code == 404
    for method, url, data in change_requests(cycle):
        expected = 403 if url == "/cycles/add/" else 404
        assert getattr(client, method)(url, data).status_code == expected, url
