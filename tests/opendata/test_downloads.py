"""The open downloads of a published cycle (issue 19): every answer as CSV, XLSX and JSON, and
a data dictionary in six languages, under an open licence; kept in the cache. Must show 5:
the downloads and the API agree."""

import csv
import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from core.spreadsheets import restore
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import Area, Indicator, IndicatorType, Outcome, ReviewCycle
from opendata import cache
from opendata.exports import COLUMNS
from reviews.models import Answer, Review
from tests.support.reviews import REQUIRED_ANSWERS, make_approved_review

LANGUAGES = [code for code, _name in settings.LANGUAGES]
FREE_TEXT_TITLE = "What else the country wants known"
FREE_TEXT_TITLE_FR = "Ce que le pays veut encore faire savoir"
FORMULA = '=HYPERLINK("https://example.org","click")'

ANSWERS = {
    "KEN": REQUIRED_ANSWERS | {
        "1.7": {"value_female": "3.25", "value_male": "7.5", "value_total": "5.4",
                "reference_year": "2022", "source": "National Police Service"},
        "1.8": {"value_female": "40", "value_male": "45.5", "value_total": "42.75"},
        "1.10": {"value": "12.5", "note": "+3 points since 2019"},
        "3.6": {"value": FORMULA, "source": "@ministry"},
    },
    "COL": REQUIRED_ANSWERS | {
        "1.1": {"value": "in_preparation"},
        "1.2": {"value": "no"},
        "1.6": {"value": "1500000.50", "currency": "COP"},
        "3.1": {"value": "yes"},
        "3.6": {"value": "-20 % de homicidios en Medellín"},
    },
    "EGY": REQUIRED_ANSWERS | {
        "2.2": {"value": "established_and_meeting"},
        "3.2": {"value": "0", "note": "لا توجد شراكات رسمية بعد"},
        "3.6": {"value": "城市安全 — 安全城市", "reference_year": "2023"},
    },
}  # fmt: skip


@pytest.fixture
def cycle(secretariat_admin, reviewer) -> ReviewCycle:
    """The first cycle, with a free-text indicator added to its matrix, published with the
    reviews of Kenya, Colombia and Egypt: between them every type of indicator the matrix has,
    by sex and not, money in two currencies, and data not available with its reason."""
    first = ReviewCycle.objects.get(name="2021–2023 review cycle")
    area = Indicator.objects.get(matrix=first.matrix, code="3.5").area
    cycle_services.save_node(
        Indicator(matrix=first.matrix, area=area, code="3.6", title=FREE_TEXT_TITLE,
                  title_fr=FREE_TEXT_TITLE_FR, type=IndicatorType.FREE_TEXT)
    )  # fmt: skip
    first = cycle_services.open_cycle(first, by=secretariat_admin)
    for iso3, answers in ANSWERS.items():
        country = Country.objects.get(iso3=iso3)
        make_approved_review(country, first, reviewer=reviewer, answers=answers)
    cycle_services.close_cycle(first, by=secretariat_admin)
    return cycle_services.publish_cycle(first, by=secretariat_admin)


def download(client: Client, cycle: ReviewCycle, fmt: str):
    return client.get(reverse("opendata:answers", args=[cycle.pk, fmt]))


def dictionary(client: Client, cycle: ReviewCycle, language: str, fmt: str = "csv"):
    return client.get(reverse("opendata:dictionary", args=[cycle.pk, language, fmt]))


def api_answers(client: Client, cycle: ReviewCycle) -> list[dict]:
    """Every answer the API gives for the cycle, page after page (small pages, so several)."""
    items: list[dict] = []
    page = 1
    while True:
        body = client.get(
            "/api/v1/answers/", {"cycle": cycle.pk, "page": page, "page_size": 10}
        ).json()
        items += body["items"]
        if len(items) >= body["count"]:
            return items
        page += 1


def csv_rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: spreadsheets read Arabic and Chinese
    reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""))
    return [{k: restore(v) for k, v in row.items()} for row in reader]


def csv_table(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def xlsx_sheets(body: bytes) -> dict[str, list[dict[str, str]]]:
    """Each sheet's rows as {header: text}, neutralised cells restored."""
    workbook = load_workbook(io.BytesIO(body))
    sheets = {}
    for sheet in workbook.worksheets:
        header, *rows = [[("" if v is None else str(v)) for v in row]
                         for row in sheet.iter_rows(values_only=True)]  # fmt: skip
        sheets[sheet.title] = [dict(zip(header, map(restore, row), strict=True)) for row in rows]
    return sheets


def as_cell(value) -> str:
    """How the table writes a value of the API."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def assert_row_is_the_api_item(row: dict[str, str], item: dict) -> None:
    for field in ("review", "cycle", "country", "indicator", "currency", "year", "source",
                  "note", "not_available", "reason"):  # fmt: skip
        assert row[field] == as_cell(item[field]), (field, row, item)
    for key in ("value", "female", "male", "total"):
        assert row[key] == as_cell(item["values"].get(key)), (key, row, item)


def test_the_json_csv_and_xlsx_downloads_hold_exactly_the_apis_answers(cycle, anonymous):
    items = api_answers(anonymous, cycle)
    assert len(items) == sum(len(answers) for answers in ANSWERS.values()) > 30
    assert {i["country"] for i in items} == set(ANSWERS)

    data = download(anonymous, cycle, "json").json()
    assert data["answers"] == items
    assert data["cycle"] == anonymous.get(f"/api/v1/cycles/{cycle.pk}/").json()
    assert data["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "CC BY 4.0" in data["licence"]["name"]
    assert cycle.name in data["licence"]["attribution"]

    rows = csv_rows(download(anonymous, cycle, "csv").content)
    assert len(rows) == len(items)
    for row, item in zip(rows, items, strict=True):
        assert_row_is_the_api_item(row, item)

    sheets = xlsx_sheets(download(anonymous, cycle, "xlsx").content)
    answers, licence = sheets.values()
    assert answers == rows
    assert any("CC BY 4.0" in cell for row in licence for cell in row.values())


def test_every_kind_of_answer_is_written_as_the_country_gave_it(cycle, anonymous):
    rows = csv_rows(download(anonymous, cycle, "csv").content)
    by_key = {(r["country"], r["indicator"]): r for r in rows}
    assert list(rows[0]) == [name for name, _title, _description in COLUMNS]
    assert [r["country"] for r in rows[:2]] == ["COL", "COL"]  # by country name, matrix order
    money = by_key["COL", "1.6"]
    assert (money["value"], money["currency"], money["type"]) == ("1500000.50", "COP", "money")
    sexes = by_key["KEN", "1.7"]
    assert (sexes["value"], sexes["female"], sexes["male"], sexes["total"]) == (
        "", "3.25", "7.5", "5.4")  # fmt: skip
    assert sexes["year"] == "2022" and sexes["unit"] == "per 100,000 population"
    assert by_key["KEN", "1.10"]["value"] == "12.5"
    assert by_key["KEN", "1.10"]["note"] == "+3 points since 2019"
    assert (by_key["COL", "1.2"]["value"], by_key["COL", "1.2"]["value_label"]) == ("false", "No")
    choice = by_key["COL", "1.1"]
    assert (choice["value"], choice["value_label"]) == ("in_preparation", "In preparation")
    missing = by_key["KEN", "3.1"]
    assert missing["not_available"] == "true" and missing["value"] == ""
    assert missing["reason"] == "Membership is being confirmed."
    assert by_key["COL", "3.1"]["not_available"] == "false"
    assert (by_key["KEN", "3.6"]["value"], by_key["KEN", "3.6"]["source"]) == (FORMULA, "@ministry")
    assert by_key["EGY", "3.2"]["note"] == "لا توجد شراكات رسمية بعد"
    assert by_key["EGY", "3.6"]["value"] == "城市安全 — 安全城市"
    assert by_key["EGY", "3.6"]["indicator_title"] == FREE_TEXT_TITLE
    assert by_key["EGY", "1.1"]["region"] == "Africa"


def test_no_cell_of_a_download_runs_as_a_formula(cycle, anonymous):
    cells = [cell for row in csv_table(download(anonymous, cycle, "csv").content) for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert "'-20 % de homicidios en Medellín" in cells and "'@ministry" in cells
    workbook = load_workbook(io.BytesIO(download(anonymous, cycle, "xlsx").content))
    values = [c for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row]
    assert "'" + FORMULA in values and FORMULA not in values


def test_labels_follow_the_readers_language_and_column_names_do_not(cycle):
    french = Client(headers={"accept-language": "fr"})
    rows = csv_rows(download(french, cycle, "csv").content)
    by_key = {(r["country"], r["indicator"]): r for r in rows}
    assert by_key["KEN", "3.6"]["indicator_title"] == FREE_TEXT_TITLE_FR
    assert by_key["COL", "1.1"]["value_label"] == "En préparation"
    assert list(rows[0]) == [name for name, _title, _description in COLUMNS]


def test_files_are_attachments_with_ascii_names_and_their_types(cycle, anonymous):
    expected = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json",
    }
    for fmt, content_type in expected.items():
        response = download(anonymous, cycle, fmt)
        assert response.status_code == 200 and response["Content-Type"] == content_type
        assert response["Content-Disposition"] == (
            f'attachment; filename="safer-cities-2021-2023-review-cycle-answers.{fmt}"'
        )
    response = dictionary(anonymous, cycle, "zh-hans", "xlsx")
    assert response["Content-Disposition"] == (
        'attachment; filename="safer-cities-2021-2023-review-cycle-dictionary-zh-hans.xlsx"'
    )


def test_the_dictionary_explains_every_column_and_indicator_in_six_languages(cycle, anonymous):
    codes = [i.code for i in Indicator.objects.of_matrix(cycle.matrix)]
    assert "3.6" in codes
    columns = [name for name, _title, _description in COLUMNS]
    first_titles = {}
    for language in LANGUAGES:
        response = dictionary(anonymous, cycle, language)
        assert response.status_code == 200, language
        rows = csv_table(response.content)[1:]
        assert [row[1] for row in rows] == columns + codes, language
        assert all(row[2] and row[3] for row in rows[: len(columns)]), language
        first_titles[language] = rows[len(columns)][2]
        for fmt in ("xlsx", "json"):
            assert dictionary(anonymous, cycle, language, fmt).status_code == 200
    assert first_titles["en"] == "National urban safety or crime-prevention policy in place"
    assert first_titles["ar"] == "وجود سياسة وطنية للسلامة الحضرية أو لمنع الجريمة"
    assert len(set(first_titles.values())) == len(LANGUAGES)

    rows = csv_table(dictionary(anonymous, cycle, "fr").content)
    free_text = next(row for row in rows if row[1] == "3.6")
    assert free_text[2] == FREE_TEXT_TITLE_FR
    policy = next(row for row in rows if row[1] == "1.1")
    assert policy[-1] == "adopted = Adoptée; in_preparation = En préparation; none = Aucune"
    english = csv_table(dictionary(anonymous, cycle, "en").content)
    sexes = next(row for row in english if row[1] == "1.7")
    assert sexes[6:] == ["Decimal number", "per 100,000 population", "yes", "SDG 16.1.1", ""]
    assert sexes[4].startswith("1 ") and sexes[5].startswith("1.")

    as_json = dictionary(anonymous, cycle, "fr", "json").json()
    assert [c["name"] for c in as_json["columns"]] == columns
    assert [i["code"] for i in as_json["indicators"]] == codes
    api = anonymous.get(f"/api/v1/cycles/{cycle.pk}/indicators/", {"page_size": 200},
                        headers={"accept-language": "fr"}).json()  # fmt: skip
    assert as_json["indicators"] == api["items"]


def test_what_is_not_published_never_appears(cycle, anonymous, secretariat_admin, reviewer):
    second = cycle_services.create_cycle(
        name="2024–2026 review cycle", assembly="Third session", by=secretariat_admin,
        opens_on=cycle.deadline.replace(year=cycle.deadline.year + 1),
        deadline=cycle.deadline.replace(year=cycle.deadline.year + 2),
    )  # fmt: skip
    matrix = second.matrix
    outcome = Outcome(matrix=matrix, code="9", title="Anything")
    cycle_services.save_node(outcome)
    area = Area(matrix=matrix, outcome=outcome, code="9.A", title="Anything")
    cycle_services.save_node(area)
    cycle_services.save_node(Indicator(matrix=matrix, area=area, code="9.9", title="Anything",
                                       type=IndicatorType.WHOLE_NUMBER))  # fmt: skip
    second = cycle_services.open_cycle(second, by=secretariat_admin)
    france = Country.objects.get(iso3="FRA")
    france = make_approved_review(
        france, second, reviewer=reviewer, answers={"9.9": {"value": "424242"}}
    )
    assert france.status == "approved" and france.answers.count() == 1
    for fmt in ("csv", "xlsx", "json"):
        assert download(anonymous, second, fmt).status_code == 404
        assert b"424242" not in download(anonymous, cycle, fmt).content
        assert dictionary(anonymous, second, "en", fmt).status_code == 404
    assert {a["country"] for a in download(anonymous, cycle, "json").json()["answers"]} == set(
        ANSWERS
    )


def test_a_cycle_not_yet_published_has_no_downloads(approved_review, anonymous):
    for fmt in ("csv", "xlsx", "json"):
        assert download(anonymous, approved_review.cycle, fmt).status_code == 404
        assert dictionary(anonymous, approved_review.cycle, "en", fmt).status_code == 404


def test_an_unknown_format_language_or_cycle_is_a_404(cycle, anonymous):
    assert download(anonymous, cycle, "pdf").status_code == 404
    assert download(anonymous, cycle, "CSV").status_code == 404
    assert dictionary(anonymous, cycle, "de").status_code == 404
    assert dictionary(anonymous, cycle, "zh").status_code == 404
    assert dictionary(anonymous, cycle, "en", "pdf").status_code == 404
    assert anonymous.get(f"/data/cycles/{cycle.pk + 1000}/answers.csv").status_code == 404
    assert anonymous.get("/data/cycles/99999999999/answers.json").status_code == 404


def test_downloads_are_read_only(cycle, anonymous):
    assert anonymous.post(reverse("opendata:answers", args=[cycle.pk, "csv"])).status_code == 405
    assert anonymous.head(reverse("opendata:answers", args=[cycle.pk, "csv"])).status_code == 200


def test_a_download_asked_for_again_costs_no_query_until_the_data_changes(
    cycle, anonymous, django_assert_num_queries
):
    urls = [reverse("opendata:answers", args=[cycle.pk, fmt]) for fmt in ("csv", "xlsx", "json")]
    urls += [reverse("opendata:dictionary", args=[cycle.pk, "ar", "csv"]),
             reverse("opendata:answers", args=[cycle.pk + 1000, "csv"])]  # fmt: skip
    first = [anonymous.get(url) for url in urls]
    assert [r.status_code for r in first] == [200] * 4 + [404]
    with django_assert_num_queries(0):
        again = [anonymous.get(url) for url in urls]
    assert [r.status_code for r in again] == [r.status_code for r in first]
    assert [r.content for r in again[:4]] == [r.content for r in first[:4]]

    # A change behind Django's back (no signal) shows once cache.changed() says so.
    kenya = Review.objects.get(cycle=cycle, country__iso3="KEN")
    Answer.objects.filter(review=kenya, indicator__code="1.3").update(values={"value": 77})
    assert download(anonymous, cycle, "json").content == first[2].content
    cache.changed()
    answers = download(anonymous, cycle, "json").json()["answers"]
    changed = next(a for a in answers if a["country"] == "KEN" and a["indicator"] == "1.3")
    assert changed["values"] == {"value": 77}
    row = next(r for r in csv_rows(download(anonymous, cycle, "csv").content)
               if r["country"] == "KEN" and r["indicator"] == "1.3")  # fmt: skip
    assert row["value"] == "77"


def test_a_control_character_pasted_into_a_note_does_not_break_the_workbook(cycle, anonymous):
    kenya = Review.objects.get(cycle=cycle, country__iso3="KEN")
    Answer.objects.filter(review=kenya, indicator__code="1.3").update(note="One\x0btwo")
    response = download(anonymous, cycle, "xlsx")
    assert response.status_code == 200
    answers, _licence = xlsx_sheets(response.content).values()
    row = next(r for r in answers if r["country"] == "KEN" and r["indicator"] == "1.3")
    assert row["note"] == "One\ufffdtwo"
    notes = [a["note"] for a in download(anonymous, cycle, "json").json()["answers"]]
    assert "One\x0btwo" in notes  # the JSON and the CSV keep it as it is
