"""The world map (reports/worldmap.py): every Member State drawn, named and focusable."""

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import sync_playwright

from countries.models import Country
from reports import worldmap
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, assert_no_axe_violations

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
LEGEND = [("yes", "Yes"), ("no", "No")]


def member_states():
    return list(Country.objects.filter(is_member_state=True))


def draw(values, **options) -> ET.Element:
    options = {"title": "A national policy on urban safety", "legend": LEGEND} | options
    return ET.fromstring(worldmap.world_map(member_states(), values, **options))


def country_elements(svg: ET.Element) -> dict[str, ET.Element]:
    return {element.get("data-iso3"): element for element in svg.iter() if element.get("data-iso3")}


def everyone_answers() -> dict[str, tuple[str, str]]:
    return {
        country.iso3: (str(number), "yes" if number % 2 else "no")
        for number, country in enumerate(member_states())
    }


def test_all_193_member_states_are_drawn_each_with_its_name_and_value():
    values = everyone_answers()

    drawn = country_elements(draw(values))

    assert len(member_states()) == 193
    assert drawn.keys() == values.keys()
    for country in member_states():
        element = drawn[country.iso3]
        name = f"{country.name}: {values[country.iso3][0]}"
        assert element.get("aria-label") == name
        assert element.find(f"{SVG}title").text == name
        assert element.find(f"{SVG}path") is not None or element.find(f"{SVG}circle") is not None


def test_small_states_missing_from_the_atlas_are_drawn_as_circles():
    drawn = country_elements(draw(everyone_answers()))

    for iso3 in ["TUV", "MDV", "SGP", "LIE", "KNA"]:
        assert drawn[iso3].find(f"{SVG}circle") is not None
    assert drawn["KEN"].find(f"{SVG}circle") is None


def test_a_country_without_an_answer_is_marked_no_answer():
    values = everyone_answers()
    del values["KEN"]
    values["COL"] = None

    drawn = country_elements(draw(values))

    assert drawn["KEN"].get("aria-label") == "Kenya: no answer"
    assert drawn["COL"].get("aria-label") == "Colombia: no answer"
    hatched = drawn["KEN"].find(f"{SVG}path").get("fill")
    assert hatched == "url(#worldmap-none)"
    assert drawn["ARG"].find(f"{SVG}path").get("fill") != hatched


def test_every_country_is_focusable():
    plain = country_elements(draw(everyone_answers()))
    linked = country_elements(draw(everyone_answers(), link=lambda c: f"/countries/{c.iso3}/"))

    assert {element.get("tabindex") for element in plain.values()} == {"0"}
    assert {element.tag for element in linked.values()} == {f"{SVG}a"}
    assert linked["KEN"].get("href") == "/countries/KEN/"


def test_the_map_is_a_labelled_group_that_parses_as_xml_without_entities_or_scripts():
    values = everyone_answers() | {"KEN": ('<script>alert("x")</script> & more', "yes")}

    markup = str(
        worldmap.world_map(member_states(), values, title="Policies & <laws>", legend=LEGEND)
    )
    svg = ET.fromstring(markup)

    assert "<!DOCTYPE" not in markup and "<!ENTITY" not in markup
    assert not [element for element in svg.iter() if element.tag == f"{SVG}script"]
    assert not [name for e in svg.iter() for name in e.attrib if name.startswith("on")]
    assert svg.get("role") == "group"
    title = svg.find(f"{SVG}title")
    assert title.text == "Policies & <laws>"
    assert svg.get("aria-labelledby") == title.get("id")
    assert country_elements(svg)["KEN"].get("aria-label") == (
        'Kenya: <script>alert("x")</script> & more'
    )


def centre(element: ET.Element) -> tuple[float, float]:
    """The middle of a country's bounding box, in SVG coordinates."""
    circle = element.find(f"{SVG}circle")
    if circle is not None:
        return float(circle.get("cx")), float(circle.get("cy"))
    points = []
    for ring in re.findall(r"M([^z]+)z", element.find(f"{SVG}path").get("d")):
        start, _l, steps = ring.partition("l")
        x, y = map(float, start.split())
        points.append((x, y))
        numbers = list(map(float, steps.split()))
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def test_countries_are_where_they_are_on_the_globe():
    drawn = country_elements(draw(everyone_answers()))
    at = {iso3: centre(element) for iso3, element in drawn.items()}

    assert at["COL"][0] < at["KEN"][0]  # Kenya east of Colombia
    assert at["NOR"][1] < at["ZAF"][1]  # Norway north of South Africa
    assert at["JPN"][0] > at["CHN"][0] > at["IND"][0] > at["EGY"][0] > at["BRA"][0] > at["USA"][0]
    assert at["MLT"][1] < at["LBY"][1] and at["SGP"][0] > at["MDV"][0]  # two small states
    for x, y in at.values():
        assert 0 <= x <= worldmap.WIDTH and 0 <= y <= worldmap.HEIGHT


def test_the_legend_names_each_category_and_no_answer_in_words():
    svg = draw(everyone_answers())

    legend = next(e for e in svg.iter() if e.get("class") == "wm-legend")
    assert [text.text for text in legend.iter(f"{SVG}text")] == ["Yes", "No", "No answer"]


def test_numbers_are_put_in_ordered_bins_with_their_range_in_the_legend():
    values, legend = worldmap.bins({"KEN": 0, "COL": 10, "ARG": 4, "NOR": None}, count=5)

    assert legend[0] == ("0", "0 – 2") and legend[-1] == ("4", "8 – 10")
    assert values == {"KEN": ("0", "0"), "COL": ("10", "4"), "ARG": ("4", "2"), "NOR": None}
    svg = draw(values, legend=legend, scale="sequential")
    fills = {iso3: e[-1].get("fill") for iso3, e in country_elements(svg).items()}
    assert fills["KEN"] == worldmap.SEQUENTIAL[0] and fills["COL"] == worldmap.SEQUENTIAL[-1]


def test_one_number_given_by_every_country_is_one_bin_named_once():
    values, legend = worldmap.bins({"KEN": 12, "COL": 12, "NOR": None})

    assert legend == [("0", "12")]
    assert values == {"KEN": ("12", "0"), "COL": ("12", "0"), "NOR": None}


def test_a_missing_atlas_fails_with_a_message_saying_how_to_install_it(settings, tmp_path):
    worldmap.shapes.cache_clear()
    settings.BASE_DIR = tmp_path
    try:
        with pytest.raises(worldmap.AtlasMissing, match="world-atlas.*npm ci"):
            worldmap.shapes()
    finally:
        worldmap.shapes.cache_clear()


@pytest.mark.browser
def test_a_page_holding_the_map_has_no_axe_violations(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    values = everyone_answers()
    del values["KEN"]
    svg = worldmap.world_map(
        member_states(), values, title="A national policy", legend=LEGEND, link=lambda c: "#"
    )
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Map</title></head>'
        f"<body><main><h1>A national policy</h1>{svg}</main></body></html>"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 800})
            page.set_content(html)
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
            assert focused == "Afghanistan: 0"
            assert_no_axe_violations(page)
        finally:
            browser.close()
