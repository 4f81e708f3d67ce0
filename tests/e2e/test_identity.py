"""The identity as a browser draws it (issue 17): the sign-in and "not found" pages in English,
Arabic and Chinese use the compiled stylesheet for their direction, each script's own font and
line height, the brand's colours and mark, a header that mirrors in Arabic, and an icon that
loads; and they pass axe-core. Screenshots of each go to test-artifacts/."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import assert_no_axe_violations

# language → (direction, the first font of the body's stack)
LANGUAGES = {
    "en": ("ltr", "Noto Sans"),
    "ar": ("rtl", "Noto Sans Arabic"),
    "zh-hans": ("ltr", "Noto Sans CJK SC"),
}
NAVBAR_BLUE = "rgb(8, 60, 105)"  # $portal-blue-dark
PRIMARY_BLUE = "rgb(11, 79, 138)"  # $portal-blue: the mark's, the buttons'


@pytest.fixture
def pages_in(browser: Browser, live_server):
    """A new browser whose language cookie says `language`."""
    contexts = []

    def open_in(language: str) -> Page:
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        contexts.append(context)
        return context.new_page()

    yield open_in
    for context in contexts:
        context.close()


def computed(page: Page, selector: str, prop: str) -> str:
    return page.eval_on_selector(
        selector, "(element, prop) => getComputedStyle(element).getPropertyValue(prop)", prop
    )


def first_font(stack: str) -> str:
    return stack.split(",")[0].strip().strip('"')


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_in_and_not_found_pages_in_each_script(base_data, live_server, pages_in):
    line_heights = {}
    for language, (direction, font) in LANGUAGES.items():
        page = pages_in(language)
        response = page.goto(f"{live_server.url}/accounts/login/")
        assert response is not None and response.status == 200
        html = page.locator("html")
        expect(html).to_have_attribute("lang", language)
        expect(html).to_have_attribute("dir", direction)

        # The compiled stylesheet of the page's direction, loaded and applied.
        stylesheet = page.locator('link[rel="stylesheet"]')
        expect(stylesheet).to_have_count(1)
        expected = "portal.bootstrap.rtl.css" if direction == "rtl" else "portal.bootstrap.css"
        expect(stylesheet).to_have_attribute("href", re.compile(re.escape(expected) + "$"))
        assert computed(page, "body", "direction") == direction
        assert first_font(computed(page, "body", "font-family")) == font, language
        line_heights[language] = float(computed(page, "body", "line-height").removesuffix("px"))
        line_heights[language] /= float(computed(page, "body", "font-size").removesuffix("px"))

        # The brand: the bar's blue, the mark loaded, the name in words beside it.
        navigation = page.get_by_role("navigation", name=re.compile(r"\S"))
        assert computed(page, ".portal-navbar", "background-color") == NAVBAR_BLUE
        mark = page.locator(".navbar-brand img")
        expect(mark).to_have_attribute("alt", "")
        assert mark.evaluate("img => img.complete && img.naturalWidth > 0"), "the mark did not load"
        brand = page.locator(".navbar-brand")
        expect(brand).to_have_accessible_name(re.compile(r"\S"))
        sign_in_button = page.get_by_role("main").locator('button[type="submit"]')
        assert computed(page, 'main button[type="submit"]', "background-color") == PRIMARY_BLUE
        expect(sign_in_button).to_be_visible()

        # The header mirrors: the brand at the start of the line, the links at its end.
        brand_box = brand.bounding_box()
        links_box = navigation.locator(".navbar-nav").last.bounding_box()
        assert brand_box and links_box
        if direction == "rtl":
            assert brand_box["x"] > links_box["x"] + links_box["width"], "brand on the right"
        else:
            assert brand_box["x"] + brand_box["width"] < links_box["x"], "brand on the left"
        # … and so does the mark in the sign-in panel, at the start of its line.
        panel = page.locator(".auth-panel").bounding_box()
        panel_mark = page.locator(".auth-panel-mark").bounding_box()
        assert panel and panel_mark
        start_gap = (
            panel["x"] + panel["width"] - panel_mark["x"] - panel_mark["width"]
            if direction == "rtl"
            else panel_mark["x"] - panel["x"]
        )
        assert start_gap < 64, f"{language}: the panel's mark is not at the start of its line"

        # The icon the page names is an SVG that loads.
        icon = page.locator('link[rel="icon"]')
        expect(icon).to_have_attribute("type", "image/svg+xml")
        fetched = page.request.get(live_server.url + icon.get_attribute("href"))
        assert fetched.status == 200
        assert fetched.headers["content-type"].startswith("image/svg+xml")
        assert_no_axe_violations(page)

        # "Not found", as a visitor meets it: a document of the public library that is not there.
        response = page.goto(f"{live_server.url}/library/999999/download/")
        assert response is not None and response.status == 404
        expect(page.locator(".error-page h1")).to_be_visible()
        expect(page.locator(".error-page a.btn-primary")).to_have_attribute("href", "/")
        # A short page still ends with its footer at the bottom of the window.
        footer = page.get_by_role("contentinfo").bounding_box()
        assert footer and footer["y"] + footer["height"] == pytest.approx(800, abs=1)
        assert_no_axe_violations(page)

    # Arabic's marks above and below the letters, Chinese characters' full square: more room.
    assert line_heights["ar"] > line_heights["en"] + 0.2
    assert line_heights["zh-hans"] > line_heights["en"] + 0.1
