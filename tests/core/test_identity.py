"""The portal's identity (issue 17): the stylesheet compiled from static/scss/ is the one the
pages link, in each direction; its colours pass WCAG AA contrast; /favicon.ico answers with
the SVG icon, signed in or not."""

import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from reviews.models import ReviewStatus, status_badge

BRAND_BLUE = "#0b4f8a"  # the mark's blue, the theme's primary colour
STATUSES = [*ReviewStatus.values, "not_started"]  # "not_started": a queue row with no review
THEME_COLOURS = ["primary", "secondary", "success", "info", "warning", "danger", "light", "dark"]


class Head(HTMLParser):
    """The stylesheets and icons a page links."""

    def __init__(self, html: str):
        super().__init__()
        self.stylesheets: list[str] = []
        self.icons: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a["href"])
        elif tag == "link" and a.get("rel") == "icon":
            self.icons.append(a)


def static_file(url: str) -> Path:
    """The file a static URL is served from (no collectstatic in tests: the finders)."""
    assert url.startswith(settings.STATIC_URL), url
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert found, f"{url}: no such static file (has scripts/setup.sh compiled static/scss/?)"
    return Path(found)


def linked_stylesheet(language: str) -> Path:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    stylesheets = Head(response.content.decode()).stylesheets
    assert len(stylesheets) == 1, f"one stylesheet per page, not {stylesheets}"
    return static_file(stylesheets[0])


@pytest.fixture(scope="module")
def css() -> str:
    """The compiled left-to-right stylesheet, as base.html links it in English."""
    return static_file(f"{settings.STATIC_URL}build/portal.bootstrap.css").read_text()


# ---- Colours and contrast (WCAG 2.x) --------------------------------------------------------

NAMED = {"white": (255, 255, 255), "black": (0, 0, 0)}


def rgba(value: str) -> tuple[float, float, float, float]:
    """A CSS colour as the compiled stylesheet writes it: #rgb, #rrggbb, rgba(), a name."""
    value = value.strip().removesuffix("!important").strip().lower()
    if value in NAMED:
        return (*NAMED[value], 1.0)
    if m := re.fullmatch(r"#([0-9a-f]{3}|[0-9a-f]{6})", value):
        digits = m[1] if len(m[1]) == 6 else "".join(c * 2 for c in m[1])
        r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
        return (r, g, b, 1.0)
    if m := re.fullmatch(r"rgba?\(\s*(\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\s*\)", value):
        return (int(m[1]), int(m[2]), int(m[3]), float(m[4] or 1))
    raise AssertionError(f"a colour this test cannot read: {value!r}")


def over(colour: str, background: str) -> tuple[float, float, float]:
    """`colour` as seen on the solid `background` (alpha composited)."""
    r, g, b, a = rgba(colour)
    br, bg, bb, _ = rgba(background)
    return (r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a))


def luminance(rgb: tuple[float, float, float]) -> float:
    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(text: str, background: str) -> float:
    lighter, darker = sorted(
        (luminance(over(text, background)), luminance(over(background, "#fff"))), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_itself():
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#fff", "#fff") == pytest.approx(1)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)  # the classic near-miss
    assert contrast("rgba(0, 0, 0, 0.5)", "#fff") == pytest.approx(
        contrast("#7f7f7f", "#fff"), 0.01
    )


def declarations(css: str, selector: str) -> dict[str, str]:
    """The declarations of the (compressed) rules whose selector, or one of whose selectors,
    is exactly `selector`, merged."""
    found: dict[str, str] = {}
    pattern = r"(?:^|[{},])" + re.escape(selector) + r"(?:,[^{}]*)?\{([^{}]*)\}"
    for m in re.finditer(pattern, css):
        for declaration in m[1].split(";"):
            if ":" in declaration:
                name, value = declaration.split(":", 1)
                found[name.strip()] = value.strip()
    assert found, f"no rule for {selector} in the compiled stylesheet"
    return found


def root_variable(css: str, name: str) -> str:
    m = re.search(r":root[^{]*\{[^}]*?--bs-" + name + r":\s*([^;}]+)", css)
    assert m, f"--bs-{name} is not set in :root"
    return m[1].strip()


@pytest.mark.parametrize("status", STATUSES)
def test_each_review_status_has_a_badge_whose_text_passes_contrast(css, status):
    css_class = status_badge(status)
    assert css_class == f"status-{status}"
    rule = declarations(css, f".{css_class}")
    text, background = rule["color"], rule["background-color"]
    assert rule["--bs-badge-color"] == text
    ratio = contrast(text, background)
    assert ratio >= 4.5, f"{status}: {text} on {background} is {ratio:.2f}:1, under 4.5:1"


def test_an_unknown_status_still_gets_a_readable_badge():
    assert status_badge("no_such_status") == "text-bg-light border"


@pytest.mark.parametrize("name", THEME_COLOURS)
def test_bootstraps_text_on_theme_colour_badges_pass_contrast(css, name):
    """`text-bg-<colour>` (cycle, job and thread statuses): Bootstrap picks the text colour."""
    background = "rgb({})".format(root_variable(css, f"{name}-rgb"))
    text = declarations(css, f".text-bg-{name}")["color"]
    ratio = contrast(text, background)
    assert ratio >= 4.5, f"text-bg-{name}: {text} on {background} is {ratio:.2f}:1"


def test_text_and_links_pass_contrast_on_white_and_on_the_canvas(css):
    canvas = re.search(r"(?:^|})body\{background-color:(#[0-9a-f]+)\}", css)
    assert canvas, "the page's canvas colour (body's background) is not in the stylesheet"
    white = root_variable(css, "body-bg")
    assert rgba(white) == (255, 255, 255, 1.0)
    colours = {
        name: root_variable(css, name)
        for name in ("body-color", "secondary-color", "link-color", "link-hover-color")
    }
    for background in (white, canvas[1]):
        for name, colour in colours.items():
            ratio = contrast(colour, background)
            assert ratio >= 4.5, f"--bs-{name} {colour} on {background}: {ratio:.2f}:1"


def test_the_navigation_bar_and_footer_text_pass_contrast(css):
    bar = declarations(css, ".portal-navbar")["background-color"]
    link = declarations(css, ".navbar-dark")["--bs-navbar-color"]
    assert contrast(link, bar) >= 4.5, f"navigation links {link} on {bar}"
    assert contrast("#fff", bar) >= 4.5
    footer = declarations(css, ".portal-footer")
    assert contrast(footer["color"], footer["background-color"]) >= 4.5


def test_the_state_markers_of_the_section_navigation_pass_contrast(css):
    for state in ("done", "required", "over", "comments"):
        rule = declarations(css, f".state-{state}")
        background = rule.get("background-color", "#fff")
        ratio = contrast(rule["color"], background)
        assert ratio >= 4.5, f".state-{state}: {rule['color']} on {background}: {ratio:.2f}:1"


# ---- The stylesheet the pages link ----------------------------------------------------------


def test_english_pages_link_the_compiled_left_to_right_stylesheet(db, css):
    stylesheet = linked_stylesheet("en")
    assert stylesheet.name == "portal.bootstrap.css"
    assert stylesheet.read_text() == css
    assert BRAND_BLUE in css
    assert "--bs-primary: #0b4f8a" in css
    for component in (".page-header", ".empty-state", ".stat-value", ".task-card-primary",
                      ".section-nav", ".thread-open", ".hero", ".status-returned"):  # fmt: skip
        assert component + "{" in css or component + "," in css, f"{component} is not styled"
    assert "margin-right:auto !important" in declaration_text(css, ".me-auto")


def test_arabic_pages_link_the_mirrored_stylesheet(db):
    stylesheet = linked_stylesheet("ar")
    assert stylesheet.name == "portal.bootstrap.rtl.css"
    rtl = stylesheet.read_text()
    assert BRAND_BLUE in rtl and ".page-header" in rtl
    # rtlcss mirrored Bootstrap: a margin at the end is a left margin in Arabic.
    assert "margin-left:auto !important" in declaration_text(rtl, ".me-auto")
    # The Arabic font, and taller lines than the other scripts'.
    arabic = declarations(rtl, ":root:lang(ar)")
    assert arabic["--bs-body-font-family"].startswith('"Noto Sans Arabic"')
    assert float(arabic["--bs-body-line-height"]) > float(root_variable(rtl, "body-line-height"))


def test_chinese_pages_link_the_left_to_right_stylesheet_with_a_chinese_font(db, css):
    assert linked_stylesheet("zh-hans").name == "portal.bootstrap.css"
    chinese = declarations(css, ":root:lang(zh-hans)")
    assert chinese["--bs-body-font-family"].startswith('"Noto Sans CJK SC"')


def declaration_text(css: str, selector: str) -> str:
    m = re.search(r"(?:^|[{}])" + re.escape(selector) + r"\{([^}]*)\}", css)
    assert m, f"no rule for {selector}"
    return m[1]


@pytest.mark.parametrize(("language", "stylesheet"), [("en", "portal.bootstrap.css"),
                                                     ("ar", "portal.bootstrap.rtl.css")])  # fmt: skip
def test_the_server_error_page_has_the_look_without_a_request_context(language, stylesheet):
    """Django renders 500.html with no context (no user, no nonce): the page still links the
    stylesheet for its direction and the mark, by their plain static URLs."""
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    head = Head(page)
    assert [static_file(href).name for href in head.stylesheets] == [stylesheet]
    assert static_file(head.icons[0]["href"]).name == "favicon.svg"
    assert f'src="{settings.STATIC_URL}img/mark.svg"' in page
    assert f'lang="{language}"' in page


# ---- The icon -------------------------------------------------------------------------------


def test_favicon_ico_leads_an_anonymous_visitor_to_the_svg_icon(db, settings):
    settings.WHITENOISE_USE_FINDERS = True  # no collectstatic in tests: serve from the finders
    client = Client()
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    location = response["Location"]
    assert location == f"{settings.STATIC_URL}img/favicon.svg"

    icon = client.get(location)
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    svg = ElementTree.fromstring(b"".join(icon.streaming_content))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def test_every_page_names_the_same_svg_icon(db):
    icons = Head(Client().get("/accounts/login/").content.decode()).icons
    assert icons == [
        {"rel": "icon", "href": f"{settings.STATIC_URL}img/favicon.svg", "type": "image/svg+xml"}
    ]
