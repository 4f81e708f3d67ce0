"""The indicator matrix in the six languages of the portal.

The matrix texts (outcome, area and indicator titles, guidance, units, choice labels) have a
column per language; the seeded first-cycle matrix is filled in all six; the node editor has
a field per language; the CSV/XLSX export and import carry every language; and a signed-in
person reads the matrix in their preferred language, falling back to English.
"""

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import linebreaksbr
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from indicators import matrix_io, services
from indicators.models import Area, ChoiceOption, Indicator, Outcome, ReviewCycle
from reviews import services as review_services
from tests.support.clients import client_for

OTHER_LANGUAGES = ["fr", "es", "ar", "ru", "zh_hans"]  # column suffixes
LANGUAGES = ["en", *OTHER_LANGUAGES]
# What each language's text is written in: a wrong or swapped column fails these.
SCRIPTS = {
    "ar": re.compile(r"[\u0600-\u06ff]"),
    "ru": re.compile(r"[\u0400-\u04ff]"),
    "zh_hans": re.compile(r"[\u4e00-\u9fff]"),
}
DATA_FILE = Path(matrix_io.__file__).resolve().parent / "data" / "first_cycle_matrix.csv"
# Indicator 1.4, from that file.
TITLE_1_4_EN = "Local municipalities in the National Tool Network on Safer Cities"
TITLE_1_4_AR = "البلديات المحلية الأعضاء في الشبكة الوطنية لأدوات المدن الأكثر أمانا"


def columns(node, field_name: str) -> dict[str, str | None]:
    """The language columns of one text of `node`, as the database holds them."""
    names = [f"{field_name}_{lang}" for lang in LANGUAGES]
    row = type(node).objects.filter(pk=node.pk).values(*names).get()
    return {lang: row[f"{field_name}_{lang}"] for lang in LANGUAGES}


def untranslated_column(node, field_name: str) -> str:
    """The text in the field's own column (`title`), read with SQL: the ORM would read the
    active language's column instead."""
    table = type(node)._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{field_name}" FROM "{table}" WHERE id = %s', [node.pk])
        return cursor.fetchone()[0]


def nodes_with_texts(matrix):
    """(name for messages, node, translated field) for every text of the matrix."""
    for outcome in Outcome.objects.filter(matrix=matrix):
        yield f"outcome {outcome.code}", outcome, "title"
    for area in Area.objects.filter(matrix=matrix):
        yield f"area {area.code}", area, "title"
    for indicator in Indicator.objects.filter(matrix=matrix):
        for field_name in ("title", "guidance", "unit"):
            yield f"indicator {indicator.code}", indicator, field_name
    for option in ChoiceOption.objects.filter(matrix=matrix).select_related("indicator"):
        yield f"option {option.indicator.code}/{option.value}", option, "label"


# --- 1. The seeded first-cycle matrix in six languages -----------------------------------


def test_the_seeded_matrix_has_every_text_in_all_six_languages(seeded):
    matrix = seeded.matrix
    counts = {
        "outcomes": Outcome.objects.filter(matrix=matrix).count(),
        "areas": Area.objects.filter(matrix=matrix).count(),
        "indicators": Indicator.objects.filter(matrix=matrix).count(),
        "options": ChoiceOption.objects.filter(matrix=matrix).count(),
    }
    assert counts["outcomes"] == 3 and counts["indicators"] == 22 and counts["options"] == 6
    assert counts["areas"] >= 3
    missing, untranslated, wrong_script = [], [], []
    for name, node, field_name in nodes_with_texts(matrix):
        texts = columns(node, field_name)
        english = (texts["en"] or "").strip()
        if field_name == "unit" and not english:
            continue  # no unit in English (a yes/no or a choice): none to translate
        assert english, f"{name}: {field_name}_en is empty"
        for lang in OTHER_LANGUAGES:
            text = (texts[lang] or "").strip()
            if not text:
                missing.append(f"{name} {field_name}_{lang}")
            elif field_name in ("title", "guidance", "label") and text == english:
                untranslated.append(f"{name} {field_name}_{lang}: {text!r}")
            if text and lang in SCRIPTS and field_name != "unit" and not SCRIPTS[lang].search(text):
                wrong_script.append(f"{name} {field_name}_{lang}: {text[:40]!r}")
    assert not missing, f"texts missing in a language: {missing}"
    assert not untranslated, f"texts left in English: {untranslated}"
    assert not wrong_script, f"texts not in their language's script: {wrong_script}"


def test_the_seeded_texts_are_those_of_the_data_file_in_every_language(seeded):
    """Migration 0007 filled each column with the file's text for that node and language."""
    with DATA_FILE.open(encoding="utf-8", newline="") as f:
        rows = {row["indicator_code"]: row for row in csv.DictReader(f)}
    assert len(rows) == 22
    for indicator in Indicator.objects.filter(matrix=seeded.matrix).select_related("area__outcome"):
        row = rows[indicator.code]
        for lang in LANGUAGES:
            suffix = "" if lang == "en" else f"_{lang}"
            expected = {
                "indicator_title": columns(indicator, "title")[lang],
                "guidance": columns(indicator, "guidance")[lang],
                "unit": columns(indicator, "unit")[lang],
                "area_title": columns(indicator.area, "title")[lang],
                "outcome_title": columns(indicator.area.outcome, "title")[lang],
            }
            for column, stored in expected.items():
                assert (stored or "") == row[column + suffix].strip(), (
                    f"indicator {indicator.code}: {column}{suffix} differs from the data file"
                )
            labels = dict(line.split("=", 1) for line in row["choices" + suffix].splitlines())
            stored_labels = {o.value: columns(o, "label")[lang] for o in indicator.options.all()}
            assert stored_labels == labels, f"indicator {indicator.code}: choices{suffix}"


def test_the_untranslated_columns_of_the_seeded_matrix_hold_the_english(seeded):
    for name, node, field_name in nodes_with_texts(seeded.matrix):
        assert untranslated_column(node, field_name) == (columns(node, field_name)["en"] or ""), (
            f"{name}: the {field_name} column is not the English text"
        )
    indicator = Indicator.objects.get(matrix=seeded.matrix, code="1.4")
    assert columns(indicator, "title")["ar"] == TITLE_1_4_AR
    assert untranslated_column(indicator, "title") == TITLE_1_4_EN


# --- 2. Reading in a language, and the English fallback -----------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reading_a_seeded_node_in_a_language_gives_that_languages_column(seeded, lang):
    indicator = Indicator.objects.get(matrix=seeded.matrix, code="1.4")
    option = ChoiceOption.objects.get(matrix=seeded.matrix, indicator__code="1.1", value="adopted")
    with translation.override(lang.replace("_", "-")):
        # Read afresh inside the language too: what a page does.
        fresh = Indicator.objects.select_related("area__outcome").get(pk=indicator.pk)
        assert fresh.title == columns(indicator, "title")[lang]
        assert fresh.guidance == columns(indicator, "guidance")[lang]
        assert fresh.unit == columns(indicator, "unit")[lang]
        assert fresh.area.title == columns(indicator.area, "title")[lang]
        assert fresh.area.outcome.title == columns(indicator.area.outcome, "title")[lang]
        assert option.label == columns(option, "label")[lang]
        assert str(fresh) == f"1.4 {columns(indicator, 'title')[lang]}"


def test_reading_in_arabic_gives_the_arabic_texts(seeded):
    indicator = Indicator.objects.get(matrix=seeded.matrix, code="1.4")
    with translation.override("ar"):
        assert indicator.title == TITLE_1_4_AR
        assert SCRIPTS["ar"].search(indicator.guidance)
        assert indicator.unit == "بلديات"
    with translation.override("en"):
        assert indicator.title == TITLE_1_4_EN


def test_a_node_given_only_english_reads_english_in_every_language(seeded, secretariat_admin):
    client = client_for(secretariat_admin)
    response = client.post(
        f"/cycles/{seeded.pk}/matrix/outcome/add/", {"code": "4", "title_en": "Knowledge"}
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(matrix=seeded.matrix, code="4")
    area = Area.objects.filter(matrix=seeded.matrix).first()
    response = client.post(
        f"/cycles/{seeded.pk}/matrix/indicator/add/?parent={area.pk}",
        {"code": "1.99", "title_en": "Safety audits held", "guidance_en": "Count the audits.",
         "unit_en": "audits", "type": "whole_number"},
    )  # fmt: skip
    assert response.status_code == 302, response.context and response.context["form"].errors
    indicator = Indicator.objects.get(matrix=seeded.matrix, code="1.99")
    for lang in OTHER_LANGUAGES:
        assert not columns(outcome, "title")[lang]
        assert not columns(indicator, "title")[lang] and not columns(indicator, "guidance")[lang]
    for lang in LANGUAGES:
        with translation.override(lang.replace("_", "-")):
            outcome = Outcome.objects.get(pk=outcome.pk)
            indicator = Indicator.objects.get(pk=indicator.pk)
            assert outcome.title == "Knowledge", lang
            assert (indicator.title, indicator.guidance, indicator.unit) == (
                "Safety audits held", "Count the audits.", "audits",
            ), lang  # fmt: skip


def test_a_partly_translated_indicator_falls_back_text_by_text(seeded):
    indicator = Indicator.objects.get(matrix=seeded.matrix, code="1.4")
    indicator.guidance_ar = ""  # Arabic title kept, Arabic guidance removed
    indicator.unit_ar = None
    services.save_node(indicator)
    english_guidance = columns(indicator, "guidance")["en"]
    with translation.override("ar"):
        fresh = Indicator.objects.get(pk=indicator.pk)
        assert fresh.title == TITLE_1_4_AR
        assert fresh.guidance == english_guidance
        assert fresh.unit == "municipalities"


# --- 3. The secretariat admin edits the texts through the node editor --------------------


def edit_url(cycle: ReviewCycle, indicator: Indicator) -> str:
    return f"/cycles/{cycle.pk}/matrix/indicator/{indicator.pk}/edit/"


def posted(indicator: Indicator, **changes) -> dict:
    """The node editor's fields for `indicator` as they stand, with `changes`."""
    data = {
        "code": indicator.code,
        "type": indicator.type,
        "sdg_code": indicator.sdg_code,
        "max_length": "" if indicator.max_length is None else indicator.max_length,
    }
    for field_name in ("title", "guidance", "unit"):
        for lang, text in columns(indicator, field_name).items():
            data[f"{field_name}_{lang}"] = text or ""
    if indicator.required:
        data["required"] = "on"
    if indicator.by_sex:
        data["by_sex"] = "on"
    return data | changes


@pytest.fixture
def arabic_admin(secretariat_admin):
    secretariat_admin.language = "ar"
    secretariat_admin.save(update_fields=["language"])
    return secretariat_admin


def test_an_admin_reading_in_arabic_stores_each_language_in_its_column(seeded, arabic_admin):
    indicator = Indicator.objects.get(matrix=seeded.matrix, code="1.4")
    before = {f: columns(indicator, f) for f in ("title", "guidance", "unit")}
    client = client_for(arabic_admin)
    page = client.get(edit_url(seeded, indicator)).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    # Each field shows its own language's text, the English one too.
    assert f'value="{escape(TITLE_1_4_EN)}"' in page
    assert f'value="{escape(TITLE_1_4_AR)}"' in page
    response = client.post(
        edit_url(seeded, indicator),
        posted(
            indicator,
            title_en="Municipalities in the national network",
            title_ar="البلديات في الشبكة الوطنية",
            title_zh_hans="国家网络中的市镇",
        ),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    titles = columns(indicator, "title")
    assert titles["en"] == "Municipalities in the national network"
    assert titles["ar"] == "البلديات في الشبكة الوطنية"
    assert titles["zh_hans"] == "国家网络中的市镇"
    assert {lang: titles[lang] for lang in ("fr", "es", "ru")} == {
        lang: before["title"][lang] for lang in ("fr", "es", "ru")
    }
    assert untranslated_column(indicator, "title") == "Municipalities in the national network", (
        "the untranslated title column took the editor's interface language"
    )
    assert columns(indicator, "guidance") == before["guidance"]
    assert columns(indicator, "unit") == before["unit"]
    assert untranslated_column(indicator, "guidance") == before["guidance"]["en"]
    assert untranslated_column(indicator, "unit") == before["unit"]["en"]
    # The matrix page, in Arabic, shows the new Arabic title.
    page = client.get(f"/cycles/{seeded.pk}/").content.decode()
    assert "البلديات في الشبكة الوطنية" in page


def test_an_admin_reading_in_arabic_adds_an_outcome_whose_own_column_is_english(
    seeded, arabic_admin
):
    response = client_for(arabic_admin).post(
        f"/cycles/{seeded.pk}/matrix/outcome/add/",
        {"code": "4", "title_en": "Knowledge and learning", "title_ar": "المعرفة والتعلم"},
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(matrix=seeded.matrix, code="4")
    assert columns(outcome, "title")["en"] == "Knowledge and learning"
    assert columns(outcome, "title")["ar"] == "المعرفة والتعلم"
    assert untranslated_column(outcome, "title") == "Knowledge and learning"


def test_an_emptied_arabic_title_reads_english_in_arabic_again(seeded, secretariat_admin):
    indicator = Indicator.objects.get(matrix=seeded.matrix, code="1.4")
    response = client_for(secretariat_admin).post(
        edit_url(seeded, indicator), posted(indicator, title_ar="")
    )
    assert response.status_code == 302
    assert not columns(indicator, "title")["ar"]
    with translation.override("ar"):
        assert Indicator.objects.get(pk=indicator.pk).title == TITLE_1_4_EN


def test_a_missing_english_title_is_refused_next_to_the_field_keeping_what_was_typed(
    seeded, arabic_admin
):
    indicator = Indicator.objects.get(matrix=seeded.matrix, code="1.4")
    before = columns(indicator, "title")
    typed_ar = "عنوان جديد كتبه المسؤول"
    typed_zh = "管理员输入的新标题"
    response = client_for(arabic_admin).post(
        edit_url(seeded, indicator),
        posted(indicator, title_en="", title_ar=typed_ar, title_zh_hans=typed_zh),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["title_en"]
    html = response.content.decode()
    assert f'value="{typed_ar}"' in html and f'value="{typed_zh}"' in html
    # The message sits with the English title field (crispy's invalid-feedback for it).
    field = Page(html).tag(name="title_en")
    assert "is-invalid" in field["class"]
    assert re.search(r'id="error_\d+_id_title_en"', html), "no error message by the field"
    message = form.errors["title_en"][0]
    assert escape(message) in html
    assert columns(indicator, "title") == before


# --- 4. The language fields in the rendered form ----------------------------------------


class Page(HTMLParser):
    """The form controls of a page by name, and the label texts by their `for`."""

    def __init__(self, html: str):
        super().__init__()
        self.controls: dict[str, dict] = {}
        self.labels: dict[str, str] = {}
        self._label_for = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag in ("input", "textarea", "select") and "name" in attrs:
            self.controls[attrs["name"]] = attrs
        elif tag == "label" and "for" in attrs:
            self._label_for = attrs["for"]
            self.labels[self._label_for] = ""

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_for = None

    def handle_data(self, data):
        if self._label_for:
            self.labels[self._label_for] += data

    def tag(self, *, name: str) -> dict:
        assert name in self.controls, f"no form field {name!r} on the page"
        return self.controls[name]

    def label(self, *, name: str) -> str:
        return " ".join(self.labels[f"id_{name}"].replace("*", "").split())


LANGUAGE_NAMES = {
    "en": "English",
    "fr": "français",
    "es": "español",
    "ar": "العربيّة",  # Django's name_local, with the shadda
    "ru": "Русский",
    "zh_hans": "简体中文",
}


def test_the_language_fields_carry_their_language_direction_and_own_name(seeded, secretariat_admin):
    indicator = Indicator.objects.get(matrix=seeded.matrix, code="1.4")
    page = Page(client_for(secretariat_admin).get(edit_url(seeded, indicator)).content.decode())
    for field_name, label in [("title", "Title"), ("guidance", "Guidance for focal points"),
                              ("unit", "Unit")]:  # fmt: skip
        for lang in LANGUAGES:
            control = page.tag(name=f"{field_name}_{lang}")
            assert control["lang"] == lang.replace("_", "-"), f"{field_name}_{lang}"
            assert control["dir"] == ("rtl" if lang == "ar" else "ltr"), f"{field_name}_{lang}"
            assert page.label(name=f"{field_name}_{lang}") == f"{label} ({LANGUAGE_NAMES[lang]})"
    assert page.tag(name="guidance_ar")["dir"] == "rtl"
    assert page.tag(name="title_zh_hans")["lang"] == "zh-hans"
    # English is required, the other languages are not.
    assert "required" in page.tag(name="title_en")
    assert not any("required" in page.tag(name=f"title_{lang}") for lang in OTHER_LANGUAGES)
    assert "required" not in page.tag(name="unit_en")


def test_outcome_and_option_fields_are_marked_the_same_way(seeded, secretariat_admin):
    client = client_for(secretariat_admin)
    outcome = Outcome.objects.get(matrix=seeded.matrix, code="1")
    option = ChoiceOption.objects.get(matrix=seeded.matrix, indicator__code="1.1", value="none")
    pages = {
        "title": Page(
            client.get(f"/cycles/{seeded.pk}/matrix/outcome/{outcome.pk}/edit/").content.decode()
        ),
        "label": Page(
            client.get(f"/cycles/{seeded.pk}/matrix/option/{option.pk}/edit/").content.decode()
        ),
    }
    for field_name, page in pages.items():
        ar, zh = page.tag(name=f"{field_name}_ar"), page.tag(name=f"{field_name}_zh_hans")
        assert (ar["lang"], ar["dir"]) == ("ar", "rtl")
        assert (zh["lang"], zh["dir"]) == ("zh-hans", "ltr")
        assert page.label(name=f"{field_name}_ar") == f"{field_name.title()} (العربيّة)"
    assert pages["label"].tag(name="label_ar")["value"] == columns(option, "label")["ar"]


def test_in_an_arabic_page_the_english_field_stays_left_to_right(seeded, arabic_admin):
    indicator = Indicator.objects.get(matrix=seeded.matrix, code="1.4")
    html = client_for(arabic_admin).get(edit_url(seeded, indicator)).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    page = Page(html)
    assert (page.tag(name="title_en")["lang"], page.tag(name="title_en")["dir"]) == ("en", "ltr")
    assert page.tag(name="title_ar")["dir"] == "rtl"
    assert page.label(name="title_en").endswith("(English)")
    assert page.label(name="title_ar").endswith("(العربيّة)")


# --- 5. Export and import in every language -----------------------------------------------


def test_the_csv_export_has_the_language_columns_and_the_arabic_titles(seeded, secretariat_admin):
    response = client_for(secretariat_admin).get(f"/cycles/{seeded.pk}/matrix.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    header = rows[0]
    assert header[:14] == matrix_io.BASE_COLUMNS
    for column in ("indicator_title_ar", "guidance_zh_hans", "choices_fr", "unit_ru",
                   "outcome_title_es", "area_title_ar"):  # fmt: skip
        assert column in header
    by_code = {row[header.index("indicator_code")]: row for row in rows[1:]}
    assert by_code["1.4"][header.index("indicator_title")] == TITLE_1_4_EN
    assert by_code["1.4"][header.index("indicator_title_ar")] == TITLE_1_4_AR
    choices_ar = by_code["1.1"][header.index("choices_ar")]
    assert choices_ar.splitlines() == [
        f"{o.value}={columns(o, 'label')['ar']}"
        for o in ChoiceOption.objects.filter(matrix=seeded.matrix, indicator__code="1.1")
    ]


def test_the_xlsx_export_has_the_language_columns_and_the_arabic_titles(seeded, secretariat_admin):
    response = client_for(secretariat_admin).get(f"/cycles/{seeded.pk}/matrix.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert "indicator_title_ar" in header and "guidance_zh_hans" in header
    assert "choices_fr" in header
    row_1_4 = next(r for r in rows[1:] if r[header.index("indicator_code")] == "1.4")
    assert row_1_4[header.index("indicator_title_ar")] == TITLE_1_4_AR


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("through", ["page", "service"])
def test_an_exported_matrix_imports_into_a_new_draft_in_every_language(
    fmt, through, seeded, new_cycle, secretariat_admin
):
    client = client_for(secretariat_admin)
    exported = client.get(f"/cycles/{seeded.pk}/matrix.{fmt}").content
    upload = SimpleUploadedFile(f"matrix.{fmt}", exported)
    if through == "page":
        response = client.post(f"/cycles/{new_cycle.pk}/matrix/import/", {"file": upload})
        assert response.status_code == 302, response.context and response.context["errors"]
    else:
        assert services.import_matrix(new_cycle.matrix, upload, by=secretariat_admin) == 22
    assert matrix_io.export_rows(new_cycle.matrix) == matrix_io.export_rows(seeded.matrix)
    # The columns themselves, not only what the export makes of them.
    copies = {
        (name, field_name): columns(node, field_name)
        for name, node, field_name in nodes_with_texts(new_cycle.matrix)
    }
    originals = {
        (name, field_name): columns(node, field_name)
        for name, node, field_name in nodes_with_texts(seeded.matrix)
    }
    normalise = {key: {k: v or "" for k, v in texts.items()} for key, texts in originals.items()}
    assert {key: {k: v or "" for k, v in texts.items()} for key, texts in copies.items()} == (
        normalise
    )
    copy = Indicator.objects.get(matrix=new_cycle.matrix, code="1.4")
    assert untranslated_column(copy, "title") == TITLE_1_4_EN
    with translation.override("ar"):
        assert Indicator.objects.get(pk=copy.pk).title == TITLE_1_4_AR


def test_a_file_in_the_old_format_imports_with_english_texts(seeded, new_cycle, secretariat_admin):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(matrix_io.BASE_COLUMNS)
    for row in matrix_io.export_rows(seeded.matrix):
        writer.writerow(row[: len(matrix_io.BASE_COLUMNS)])
    upload = SimpleUploadedFile("old.csv", out.getvalue().encode())
    response = client_for(secretariat_admin).post(
        f"/cycles/{new_cycle.pk}/matrix/import/", {"file": upload}
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    new_rows = matrix_io.export_rows(new_cycle.matrix)
    english = [row[: len(matrix_io.BASE_COLUMNS)] for row in matrix_io.export_rows(seeded.matrix)]
    assert [row[: len(matrix_io.BASE_COLUMNS)] for row in new_rows] == english
    assert all(not cell for row in new_rows for cell in row[len(matrix_io.BASE_COLUMNS) :])
    indicator = Indicator.objects.get(matrix=new_cycle.matrix, code="1.4")
    assert columns(indicator, "title")["en"] == TITLE_1_4_EN
    assert not columns(indicator, "title")["ar"]
    with translation.override("ar"):
        assert Indicator.objects.get(pk=indicator.pk).title == TITLE_1_4_EN
        labels = ChoiceOption.objects.filter(matrix=new_cycle.matrix, indicator__code="1.1")
        assert [o.label for o in labels] == ["Adopted", "In preparation", "None"]


def test_a_file_with_only_some_languages_fills_those_columns(new_cycle, secretariat_admin):
    text = (
        "outcome_code,outcome_title,area_code,area_title,indicator_code,indicator_title,"
        "guidance,type,unit,required,sdg_code,by_sex,max_length,choices,"
        "outcome_title_ar,indicator_title_ar,choices_ar\n"
        '1,Safety,1.A,Policies,1.1,Policy adopted,,single_choice,,yes,,no,,"yes=Yes\nno=No",'
        'السلامة,اعتماد السياسة,"yes=نعم\nno=لا"\n'
    )
    upload = SimpleUploadedFile("ar.csv", text.encode())
    assert services.import_matrix(new_cycle.matrix, upload, by=secretariat_admin) == 1
    indicator = Indicator.objects.get(matrix=new_cycle.matrix, code="1.1")
    assert columns(indicator, "title")["ar"] == "اعتماد السياسة"
    assert not columns(indicator, "title")["fr"]
    assert columns(indicator.area.outcome, "title")["ar"] == "السلامة"
    assert not columns(indicator.area, "title")["ar"]
    with translation.override("ar"):
        assert [o.label for o in ChoiceOption.objects.filter(indicator=indicator)] == ["نعم", "لا"]
    with translation.override("fr"):
        assert [o.label for o in ChoiceOption.objects.filter(indicator=indicator)] == ["Yes", "No"]


def test_translated_choices_naming_an_unknown_value_are_refused_with_the_line(
    new_cycle, secretariat_admin
):
    text = (
        "outcome_code,outcome_title,area_code,area_title,indicator_code,indicator_title,"
        "guidance,type,unit,required,sdg_code,by_sex,max_length,choices,choices_fr\n"
        "1,Safety,1.A,Policies,1.1,Audit held,,yes_no,,yes,,no,,,\n"
        '1,Safety,1.A,Policies,1.2,Policy adopted,,single_choice,,no,,no,,"yes=Yes\nno=No",'
        '"yes=Oui\nmaybe=Peut-être"\n'
    )
    upload = SimpleUploadedFile("bad.csv", text.encode())
    response = client_for(secretariat_admin).post(
        f"/cycles/{new_cycle.pk}/matrix/import/", {"file": upload}
    )
    assert response.status_code == 200
    errors = response.context["errors"]
    assert len(errors) == 1 and errors[0].startswith("Line 3:"), errors
    assert "choices_fr" in errors[0]
    assert "Line 3" in response.content.decode()
    assert not Indicator.objects.filter(matrix=new_cycle.matrix).exists()


TWO_ROWS = (
    "outcome_code,outcome_title,area_code,area_title,indicator_code,indicator_title,"
    "guidance,type,unit,required,sdg_code,by_sex,max_length,choices,"
    "outcome_title_ar,area_title_ar\n"
    "1,Safety,1.A,Policies,1.1,Policy adopted,,yes_no,,no,,no,,,{first},{first}\n"
    "1,Safety,1.A,Policies,1.2,Audit held,,yes_no,,no,,no,,,{second},{second}\n"
)


def test_an_outcome_with_two_arabic_titles_is_refused_like_two_english_ones(
    new_cycle, secretariat_admin
):
    """Two English titles for one outcome are refused ("another title on an earlier line");
    two Arabic ones must not be settled silently by keeping the first line's."""
    text = TWO_ROWS.format(first="السلامة", second="الأمان الحضري")
    response = client_for(secretariat_admin).post(
        f"/cycles/{new_cycle.pk}/matrix/import/",
        {"file": SimpleUploadedFile("two.csv", text.encode())},
    )
    assert response.status_code == 200, (
        "DEFECT: matrix_io.parse_rows compares only the English outcome/area titles across "
        "lines; a different outcome_title_ar/area_title_ar on line 3 is dropped without a word"
    )
    errors = response.context["errors"]
    assert errors and errors[0].startswith("Line 3:"), errors
    assert not Indicator.objects.filter(matrix=new_cycle.matrix).exists()


def test_an_arabic_outcome_title_given_only_on_a_later_line_is_not_lost(
    new_cycle, secretariat_admin
):
    text = TWO_ROWS.format(first="", second="الأمان الحضري")
    try:
        services.import_matrix(
            new_cycle.matrix, SimpleUploadedFile("two.csv", text.encode()), by=secretariat_admin
        )
    except services.ImportErrors as refused:
        assert any(m.startswith("Line 3:") for m in refused.messages), refused.messages
        return
    outcome = Outcome.objects.get(matrix=new_cycle.matrix, code="1")
    assert columns(outcome, "title")["ar"] == "الأمان الحضري", (
        "DEFECT: matrix_io.parse_rows takes an outcome's (and area's) translations from its "
        "first line only; the Arabic title on line 3 was imported as nothing"
    )
    assert columns(outcome.areas.get(), "title")["ar"] == "الأمان الحضري"


def test_the_export_is_the_same_whatever_language_its_reader_uses(seeded, secretariat_admin):
    english = client_for(secretariat_admin).get(f"/cycles/{seeded.pk}/matrix.csv").content
    secretariat_admin.language = "ar"
    secretariat_admin.save(update_fields=["language"])
    arabic = client_for(secretariat_admin).get(f"/cycles/{seeded.pk}/matrix.csv").content
    assert arabic == english
    text = arabic.decode("utf-8-sig")
    assert TITLE_1_4_EN in text and TITLE_1_4_AR in text


def test_an_import_by_an_admin_reading_in_arabic_keeps_english_in_the_base_columns(
    seeded, new_cycle, arabic_admin
):
    client = client_for(arabic_admin)
    exported = client.get(f"/cycles/{seeded.pk}/matrix.csv").content
    response = client.post(
        f"/cycles/{new_cycle.pk}/matrix/import/",
        {"file": SimpleUploadedFile("matrix.csv", exported)},
    )
    assert response.status_code == 302
    copy = Indicator.objects.get(matrix=new_cycle.matrix, code="1.4")
    assert untranslated_column(copy, "title") == TITLE_1_4_EN
    assert columns(copy, "title")["en"] == TITLE_1_4_EN
    assert columns(copy, "title")["ar"] == TITLE_1_4_AR
    assert matrix_io.export_rows(new_cycle.matrix) == matrix_io.export_rows(seeded.matrix)


def test_a_new_version_of_an_open_cycle_keeps_every_language(seeded, secretariat_admin):
    services.open_cycle(seeded, by=secretariat_admin)
    frozen = seeded.matrix
    draft = services.new_matrix_version(seeded, by=secretariat_admin)
    assert matrix_io.export_rows(draft) == matrix_io.export_rows(frozen)
    copy = Indicator.objects.get(matrix=draft, code="1.4")
    assert columns(copy, "title")["ar"] == TITLE_1_4_AR


# --- 6. A focal point reads the matrix in their language ---------------------------------


@pytest.fixture
def open_seeded(seeded, secretariat_admin) -> ReviewCycle:
    return services.open_cycle(seeded, by=secretariat_admin)


@pytest.mark.parametrize(
    "language, column, direction", [("ar", "ar", "rtl"), ("zh-hans", "zh_hans", "ltr"),
                                    ("fr", "fr", "ltr")],
)  # fmt: skip
def test_a_focal_point_reads_the_review_editor_in_their_language(
    language, column, direction, open_seeded, focal_point, kenya
):
    focal_point.language = language
    focal_point.save(update_fields=["language"])
    review = review_services.start_review(kenya, open_seeded, by=focal_point)
    response = client_for(focal_point).get(f"/reviews/{review.pk}/edit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in page
    matrix = open_seeded.matrix
    for indicator in Indicator.objects.filter(matrix=matrix):
        title = columns(indicator, "title")[column]
        guidance = columns(indicator, "guidance")[column]
        assert escape(title) in page, f"{indicator.code}: title in {language} not shown"
        assert linebreaksbr(guidance, autoescape=True) in page, (
            f"{indicator.code}: guidance in {language} not shown"
        )
    for node in [*Outcome.objects.filter(matrix=matrix), *Area.objects.filter(matrix=matrix)]:
        assert escape(columns(node, "title")[column]) in page
    for option in ChoiceOption.objects.filter(matrix=matrix):
        assert escape(columns(option, "label")[column]) in page
    # Not the English texts.
    assert TITLE_1_4_EN not in page
    assert "Victims of intentional homicide" not in page


def test_a_focal_point_reading_in_arabic_sees_the_arabic_matrix_page(open_seeded, focal_point):
    focal_point.language = "ar"
    focal_point.save(update_fields=["language"])
    page = client_for(focal_point).get(f"/cycles/{open_seeded.pk}/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert escape(TITLE_1_4_AR) in page
    assert TITLE_1_4_EN not in page


def test_a_focal_point_without_a_preferred_language_reads_english(open_seeded, focal_point, kenya):
    review = review_services.start_review(kenya, open_seeded, by=focal_point)
    page = client_for(focal_point).get(f"/reviews/{review.pk}/edit/").content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert TITLE_1_4_EN in page and TITLE_1_4_AR not in page
