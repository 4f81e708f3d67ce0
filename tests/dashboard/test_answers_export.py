"""Exports of a cycle's indicator answers: one row per country × indicator, scoped to what the
user may see, formulas neutralised."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from countries.models import Country
from dashboard.views import COLUMNS
from tests.support.clients import client_for
from tests.support.reviews import REQUIRED_ANSWERS, make_approved_review

HOSTILE = {
    "1.3": {"value": "12", "source": '=HYPERLINK("http://evil.example","x")', "note": "+1+2"},
    "1.4": {"value": "14", "source": "-2+3", "note": "@SUM(A1:A2)"},
    "1.8": {"value_female": "40.5", "value_male": "55", "value_total": "47.2"},
}


@pytest.fixture
def exported(open_cycle, reviewer):
    make_approved_review(Country.objects.get(iso3="KEN"), open_cycle, reviewer=reviewer,
                         answers=REQUIRED_ANSWERS | HOSTILE)  # fmt: skip
    make_approved_review(Country.objects.get(iso3="COL"), open_cycle, reviewer=reviewer)
    return open_cycle


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_one_row_per_country_and_indicator_with_disaggregations_and_reasons(exported, reviewer):
    rows = csv_rows(
        client_for(reviewer).get(reverse("dashboard:answers", args=[exported.pk, "csv"]))
    )
    assert len(rows) == 2 * 22
    kenya = {r["indicator"]: r for r in rows if r["iso3"] == "KEN"}
    assert kenya["1.1"]["value"] == "Adopted" and kenya["1.2"]["value"] == "yes"
    assert (kenya["1.8"]["female"], kenya["1.8"]["male"], kenya["1.8"]["total"]) == (
        "40.5",
        "55",
        "47.2",
    )
    assert (kenya["1.6"]["value"], kenya["1.6"]["currency"]) == ("250000", "KES")
    assert kenya["3.1"]["not_available"] == "yes"
    assert kenya["3.1"]["reason"] == "Membership is being confirmed."
    assert kenya["1.11"]["value"] == "" and kenya["1.11"]["review_status"] == "approved"


def test_csv_cells_cannot_run_as_formulas(exported, reviewer):
    rows = csv_rows(
        client_for(reviewer).get(reverse("dashboard:answers", args=[exported.pk, "csv"]))
    )
    kenya = {r["indicator"]: r for r in rows if r["iso3"] == "KEN"}
    assert kenya["1.3"]["source"] == '\'=HYPERLINK("http://evil.example","x")'
    assert kenya["1.3"]["note"] == "'+1+2"
    assert kenya["1.4"]["source"] == "'-2+3"
    assert kenya["1.4"]["note"] == "'@SUM(A1:A2)"
    for row in rows:
        assert not any(str(v).startswith(("=", "+", "-", "@")) for v in row.values()), row


def test_xlsx_cells_are_text_never_formulas(exported, reviewer):
    response = client_for(reviewer).get(reverse("dashboard:answers", args=[exported.pk, "xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = xlsx_sheet(response)
    header = [c.value for c in sheet[1]]
    assert header == COLUMNS
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [c for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert '\'=HYPERLINK("http://evil.example","x")' in values and "'@SUM(A1:A2)" in values
    # The file itself holds no formula element: nothing a spreadsheet would calculate.
    import zipfile

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_a_focal_points_export_holds_only_their_country(exported, focal_point, other_focal_point):
    for user, iso3 in ((focal_point, "KEN"), (other_focal_point, "COL")):
        rows = csv_rows(
            client_for(user).get(reverse("dashboard:answers", args=[exported.pk, "csv"]))
        )
        assert {r["iso3"] for r in rows} == {iso3}
        sheet = xlsx_sheet(
            client_for(user).get(reverse("dashboard:answers", args=[exported.pk, "xlsx"]))
        )
        assert {row[1].value for row in sheet.iter_rows(min_row=2)} == {iso3}


def test_board_members_export_published_cycles_only(exported, board_member, secretariat_admin):
    from indicators import services as cycle_services

    url = reverse("dashboard:answers", args=[exported.pk, "csv"])
    assert csv_rows(client_for(board_member).get(url)) == []  # open cycle: nothing yet
    cycle_services.close_cycle(exported, by=secretariat_admin)
    cycle_services.publish_cycle(exported, by=secretariat_admin)
    assert {r["iso3"] for r in csv_rows(client_for(board_member).get(url))} == {"KEN", "COL"}


@pytest.mark.parametrize("fmt", ["pdf", "xls", "csv.exe"])
def test_unknown_formats_are_404(exported, reviewer, fmt):
    assert (
        client_for(reviewer).get(f"/reports/cycles/{exported.pk}/answers.{fmt}").status_code == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(exported, anonymous):
    response = anonymous.get(reverse("dashboard:answers", args=[exported.pk, "csv"]))
    assert response.status_code == 302 and "/accounts/login/" in response.url
