"""The cycle's and its Assembly session's names as the PDFs word them (reports/names.py).

A name of the convention ("2025–2027 review cycle", "Third session of the UN-Habitat
Assembly") is composed in another language from the catalog's pattern; any other name, and
every name in English, is shown as the secretariat typed it. Whatever is shown goes into a
sentence as a bidi isolate, so that an Arabic sentence cannot turn it round.
"""

from types import SimpleNamespace

import pytest
from django.utils import translation
from django.utils.translation import gettext

from reports import names

FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"


def cycle(name="2025–2027 review cycle", assembly="Third session of the UN-Habitat Assembly"):
    return SimpleNamespace(name=name, assembly=assembly)


@pytest.mark.parametrize(
    ("typed", "years"),
    [
        ("2025–2027 review cycle", "2025–2027"),
        ("2025-2027 Review Cycle", "2025–2027"),
        ("The 2025 — 2027 review cycle", "2025–2027"),
        ("Review cycle 2025–2027", "2025–2027"),
        ("2031 review cycle", "2031"),
        ("Pilot review cycle 2025–2027", None),
        ("2025–2027 review cycle (pilot)", None),
        ("Second round", None),
    ],
)
def test_the_years_of_a_cycle_are_read_from_a_name_of_the_convention_only(typed, years):
    assert names.cycle_years(typed) == years


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("Third session of the UN-Habitat Assembly", 3),
        ("the second session of the UN-Habitat Assembly.", 2),
        ("Third session", 3),
        ("4th session of the UN-Habitat Assembly", 4),
        ("Tenth session of the UN-Habitat Assembly", 10),
        ("11th session of the UN-Habitat Assembly", None),
        ("Resumed third session of the UN-Habitat Assembly", None),
        ("Third session of the Executive Board", None),
    ],
)
def test_the_session_is_read_from_an_assembly_name_of_the_convention_only(typed, number):
    assert names.session_number(typed) == number


def test_english_shows_the_names_as_typed():
    typed = cycle("2025-2027 Review Cycle", "the third session of the UN-Habitat Assembly")
    with translation.override("en"):
        assert names.cycle_name(typed) == "2025-2027 Review Cycle"
        assert names.assembly_name(typed) == "the third session of the UN-Habitat Assembly"


def test_a_name_is_isolated_where_a_direction_could_turn_it_round():
    with translation.override("en"):  # an Arabic name in an English sentence
        assert names.isolated("عضو المجلس") == f"{FSI}عضو المجلس{PDI}"
        assert names.isolated("Rev Iewer") == "Rev Iewer"
        assert names.ltr("2021–2023") == "2021–2023"
    with translation.override("ar"):  # anything in an Arabic sentence
        assert names.isolated("Rev Iewer") == f"{FSI}Rev Iewer{PDI}"
        assert names.ltr("2021–2023") == f"{LRI}2021–2023{PDI}"


@pytest.mark.parametrize("language", ["fr", "zh-hans"])
def test_another_language_composes_the_names_from_its_catalog(language):
    with translation.override(language):
        pattern = gettext("%(years)s review cycle")
        session = gettext("Third session of the UN-Habitat Assembly")
        assert names.cycle_name(cycle()) == pattern % {"years": "2025–2027"}
        assert names.assembly_name(cycle()) == session


def test_arabic_composes_the_names_with_the_years_left_to_right():
    with translation.override("ar"):
        pattern = gettext("%(years)s review cycle")
        session = gettext("Third session of the UN-Habitat Assembly")
        assert names.cycle_name(cycle()) == FSI + pattern % {"years": f"{LRI}2025–2027{PDI}"} + PDI
        assert names.assembly_name(cycle()) == f"{FSI}{session}{PDI}"


def test_another_language_shows_a_name_of_another_form_as_typed():
    odd = cycle("Pilot round", "Special session of the UN-Habitat Assembly")
    with translation.override("ar"):
        assert names.cycle_name(odd) == f"{FSI}Pilot round{PDI}"
        assert names.assembly_name(odd) == f"{FSI}Special session of the UN-Habitat Assembly{PDI}"


def test_nothing_typed_gives_no_isolate():
    with translation.override("ar"):
        assert names.isolated("") == names.isolated(None) == names.ltr("") == ""
