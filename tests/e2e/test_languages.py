"""Browser tests in Arabic and in Chinese: the home page, the review editor and the secretariat's
review queue render (Arabic right-to-left) with no axe-core violations; screenshots are kept as
test artifacts.

A visitor switches the sign-in page from English with the footer's language switcher, signs in
as Kenya's focal point, is welcomed on the home page and writes a section of Kenya's review in
the editor, in that language. A secretariat reviewer whose account prefers that language
(User.language) then signs in from an English browser and opens the review queue.

Expected interface texts are never written here: each is computed with gettext() of the
template's msgid under translation.override(language), so the checks hold before the catalogues
are compiled (gettext still answers in English) and after (it answers in the language). Dates
are compared with django.utils.formats under the same override.

Besides the screenshots assert_no_axe_violations keeps, each of the three pages is saved as
test-artifacts/lang-<language>-<page>.png.
"""

import re

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.models import User
from accounts.roles import Role
from countries.models import NETWORK_TARGET, Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reviews import editor
from reviews.models import Review, ReviewStatus
from reviews.sections import BY_KEY
from tests.support import factories
from tests.support.browser import ARTIFACTS, assert_no_axe_violations, autosave_of

CYCLE = "2021–2023 review cycle"
FOCAL_POINT = ("focal.ke@example.org", "Wanjiru Kamau")
REVIEWER = ("reviewer@unhabitat.example", "Nia Reviewer")

# What the focal point writes in section 1, in the language of the interface.
EXECUTIVE_SUMMARY = {
    "ar": "اعتمدت كينيا في عام 2022 استراتيجية وطنية لمنع الجريمة، وتقودها المقاطعات.",
    "zh-hans": "肯尼亚于2022年通过了国家预防犯罪战略，由各县牵头实施。",
}
# How the footer's language switcher is sent: by keyboard in Arabic, by mouse in Chinese.
SWITCH_WITH = {"ar": "keyboard", "zh-hans": "click"}


# ---- Expected texts, computed from the catalogues -------------------------------------------


def tr(language: str, msgid: str, **values) -> str:
    """gettext(msgid) in `language`, with a blocktranslate's %(name)s values filled in."""
    with translation.override(language):
        text = translation.gettext(msgid)
    return text % values if values else text


def ntr(language: str, singular: str, plural: str, n: int, **values) -> str:
    with translation.override(language):
        return translation.ngettext(singular, plural, n) % ({"n": n} | values)


def in_language(language: str, lazy) -> str:
    """A lazy translation (a choice label, a section title) rendered in `language`; or a
    callable (a model's get_FOO_display) called in `language`."""
    with translation.override(language):
        return str(lazy() if callable(lazy) else lazy)


def date_in(language: str, value, format_name: str) -> str:
    """What the `date` template filter shows for `value` in `language`."""
    with translation.override(language):
        return formats.date_format(timezone.localtime(value), format_name)


def time_in(language: str, value, format_string: str) -> str:
    """What the `time` template filter shows for `value` in `language`."""
    with translation.override(language):
        return formats.time_format(timezone.localtime(value), format_string)


# ---- Checks every page gets -----------------------------------------------------------------


def main_nav(page: Page, language: str) -> Locator:
    return page.get_by_role("navigation", name=tr(language, "Main"))


def assert_page_language(page: Page, language: str, direction: str, where: str) -> None:
    """<html lang dir>, the stylesheet for that direction, and a layout that follows it."""
    html = page.locator("html")
    expect(html, f"{where}: <html lang> should be {language!r}").to_have_attribute("lang", language)
    expect(html, f"{where}: <html dir> should be {direction!r}").to_have_attribute("dir", direction)
    rtl_css = page.locator('link[rel="stylesheet"][href*="bootstrap.rtl"]')
    expect(
        rtl_css, f"{where}: Bootstrap's RTL stylesheet is for right-to-left pages only"
    ).to_have_count(1 if direction == "rtl" else 0)

    body_direction = page.evaluate("getComputedStyle(document.body).direction")
    assert body_direction == direction, (
        f"{where}: the computed CSS direction of <body> is {body_direction!r}, not {direction!r}"
    )
    main_direction = page.evaluate("getComputedStyle(document.getElementById('main')).direction")
    assert main_direction == direction, (
        f"{where}: the computed CSS direction of <main> is {main_direction!r}, not {direction!r}"
    )

    # The main navigation reads in the page's direction: its first item is on the right of
    # its last one in Arabic, on the left in Chinese.
    items = main_nav(page, language).get_by_role("listitem")
    assert items.count() >= 2, f"{where}: the main navigation should have several items"
    first, last = items.first.bounding_box(), items.last.bounding_box()
    assert first and last, f"{where}: the main navigation's items should be visible"
    first_text, last_text = items.first.inner_text(), items.last.inner_text()
    if direction == "rtl":
        assert first["x"] >= last["x"] + last["width"] - 1, (
            f"{where}: in a right-to-left page the main navigation's first item "
            f"({first_text!r} at x={first['x']:.0f}) should be to the right of its last item "
            f"({last_text!r} at x={last['x']:.0f}, width {last['width']:.0f})"
        )
    else:
        assert first["x"] + first["width"] <= last["x"] + 1, (
            f"{where}: in a left-to-right page the main navigation's first item "
            f"({first_text!r} at x={first['x']:.0f}) should be to the left of its last item "
            f"({last_text!r} at x={last['x']:.0f})"
        )

    # The footer: its credit line and the language switcher, in the language.
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text(
        tr(language, "UN-Habitat · UN System-wide Guidelines on Safer Cities and Human Settlements")
    )
    switcher = footer.get_by_label(tr(language, "Language"), exact=True)
    expect(switcher).to_have_value(language)
    expect(footer.get_by_role("button", name=tr(language, "Change"), exact=True)).to_be_visible()


# The x of each of `parts`, found one after the other in one text node of the element.
_X_OF_PARTS = """(element, parts) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const xs = [];
    let from = 0;
    for (const part of parts) {
      const at = node.data.indexOf(part, from);
      if (at < 0) break;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + part.length);
      xs.push(range.getBoundingClientRect().x);
      from = at + part.length;
    }
    if (xs.length === parts.length) return xs;
  }
  return null;
}"""
# The cycle's name, a left-to-right text, in the pieces it must be drawn in, left to right.
CYCLE_PIECES = ["2021", "2023", "review cycle"]


def cycle_name_misdrawn(element: Locator, where: str) -> str | None:
    """Whether the cycle's name is drawn in the wrong order (as "review cycle 2023–2021"), as
    the Unicode bidi algorithm does to a left-to-right name that is not isolated from the
    right-to-left text around it; a description of the defect if it is."""
    xs = element.evaluate(_X_OF_PARTS, CYCLE_PIECES)
    assert xs is not None, f"{where}: the cycle's name {CYCLE!r} should be shown"
    if xs == sorted(xs):
        return None
    return (
        f"{where}: the cycle's name {CYCLE!r} is drawn out of order (x of {CYCLE_PIECES} = "
        f"{[round(x) for x in xs]}: it reads “review cycle 2023–2021”). A left-to-right name "
        "inside right-to-left text must be isolated, e.g. <bdi>{{ cycle.name }}</bdi>"
    )


def screenshot(page: Page, language: str, name: str) -> None:
    """The named full-page screenshot kept as test-artifacts/lang-<language>-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"lang-{language}-{name}.png", full_page=True)


@pytest.fixture
def reviewer_page(browser: Browser) -> Page:
    """A second browser for the secretariat reviewer, in English like every test context."""
    context = browser.new_context(locale="en-US")
    yield context.new_page()
    context.close()


# ---- The test -------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "direction"),
    [pytest.param("ar", "rtl", id="ar"), pytest.param("zh-hans", "ltr", id="zh-hans")],
)
def test_pages_in_the_language_chosen(
    base_data, live_server, page: Page, reviewer_page: Page, language: str, direction: str
):
    kenya = Country.objects.get(iso3="KEN")
    focal_email, focal_name = FOCAL_POINT
    factories.make_focal_point(kenya, email=focal_email, name=focal_name)
    reviewer_email, reviewer_name = REVIEWER
    reviewer = factories.make_user(Role.REVIEWER, email=reviewer_email, name=reviewer_name)
    User.objects.filter(pk=reviewer.pk).update(language=language)
    admin = factories.make_user(Role.ADMIN, email="admin@unhabitat.example", name="Amina Admin")
    cycle_services.open_cycle(ReviewCycle.objects.get(name=CYCLE), by=admin)
    login_url = f"{live_server.url}/accounts/login/"
    # Texts drawn in the wrong order: reported together at the end, after every other check.
    misdrawn: list[str] = []

    # ---- 1. The sign-in page, in English, switched to the language in its footer. ----
    page.goto(login_url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("en", "Sign in"))
    footer = page.get_by_role("contentinfo")
    switcher = footer.get_by_label(tr("en", "Language"), exact=True)
    expect(switcher).to_have_attribute("name", "language")
    expect(switcher).to_have_value("en")
    expect(switcher.locator(f'option[value="{language}"]')).to_have_attribute("lang", language)
    switcher.select_option(language)
    if SWITCH_WITH[language] == "keyboard":
        switcher.focus()
        page.keyboard.press("Tab")
        change = footer.get_by_role("button", name=tr("en", "Change"), exact=True)
        expect(change).to_be_focused()
        page.keyboard.press("Enter")
    else:
        footer.get_by_role("button", name=tr("en", "Change"), exact=True).click()

    expect(page).to_have_url(login_url)
    assert_page_language(page, language, direction, "the sign-in page after switching")
    expect(page).to_have_title(
        f"{tr(language, 'Sign in')} · {tr(language, 'Safer Cities Review Portal')}"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(language, "Sign in"))
    expect(page.get_by_role("main")).to_contain_text(
        tr(
            language,
            "Focal points are invited by the UN-Habitat secretariat: use the e-mail address "
            "your invitation was sent to.",
        )
    )
    # The form's own labels come from allauth's catalogue: fill the fields by name.
    page.locator('main input[name="login"]').fill(focal_email)
    page.locator('main input[name="password"]').fill(factories.PASSWORD)
    page.get_by_role("main").get_by_role("button", name=tr(language, "Sign in"), exact=True).click()

    # ---- 2. Home, still in the language chosen before signing in. ----
    expect(page).to_have_url(f"{live_server.url}/")
    assert User.objects.get(email=focal_email).language == language, (
        "the language chosen on the sign-in page should become the focal point's preferred "
        "language (User.language)"
    )
    screenshot(page, language, "home")
    assert_page_language(page, language, direction, "the focal point's home page")
    expect(page).to_have_title(re.compile(re.escape(tr(language, "Safer Cities Review Portal"))))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        tr(language, "Welcome, %(name)s", name=focal_name)
    )
    expect(page.get_by_role("heading", level=2, name=kenya.name)).to_be_visible()
    kind = in_language(language, kenya.focal_points.get().get_kind_display)
    main = page.get_by_role("main")
    expect(main).to_contain_text(
        tr(language, "You are the %(role)s focal point of your country.", role=kind)
    )
    expect(main).to_contain_text(
        ntr(
            language,
            "%(n)s municipality takes part in the National Tool Network",
            "%(n)s municipalities take part in the National Tool Network",
            kenya.municipalities.count(),
        )
    )
    expect(main).to_contain_text(tr(language, "target: at least %(target)s", target=NETWORK_TARGET))
    expect(main.get_by_role("link", name=tr(language, "Open my country's profile"))).to_be_visible()
    nav = main_nav(page, language)
    for link in ("My country", "Reviews", "Security"):
        expect(nav.get_by_role("link", name=tr(language, link), exact=True)).to_be_visible()
    # The public pages are linked from the footer once signed in.
    public = page.get_by_role("navigation", name=tr(language, "Public pages"))
    for link in ("Public library", "Open data"):
        expect(public.get_by_role("link", name=tr(language, link), exact=True)).to_be_visible()
    expect(
        nav.get_by_role("button", name=tr(language, "Sign out (%(name)s)", name=focal_name))
    ).to_be_visible()
    assert_no_axe_violations(page)

    # ---- 3. The review editor of Kenya's review in the open cycle. ----
    nav.get_by_role("link", name=tr(language, "Reviews"), exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/reviews/")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(language, "Country reviews"))
    open_cycles = page.get_by_role("region", name=tr(language, "Open cycles"))
    open_cycles.get_by_role("button", name=tr(language, "Start the review")).click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/reviews/\d+/edit/$"))
    edit_url = page.url
    review = Review.objects.get(country=kenya, cycle__name=CYCLE)
    assert_page_language(page, language, direction, "the review editor")
    review_of_kenya = tr(language, "Review of %(country)s", country=kenya.name)
    expect(page).to_have_title(f"{review_of_kenya} · {tr(language, 'Safer Cities Review Portal')}")
    expect(page.get_by_role("heading", level=1)).to_have_text(review_of_kenya)
    draft = in_language(language, ReviewStatus.DRAFT.label)
    # the cycle, the status, then the deadline
    status_line = page.get_by_text(re.compile(rf"^{re.escape(CYCLE)} · {re.escape(draft)}\s+· "))
    expect(status_line).to_be_visible()
    misdrawn.append(cycle_name_misdrawn(status_line, "the review editor's status line"))
    expect(
        page.get_by_role("heading", level=2, name=tr(language, "Narrative sections"))
    ).to_be_visible()
    expect(
        page.get_by_role("heading", level=2, name=tr(language, "Indicator matrix"))
    ).to_be_visible()
    # The report's language follows the focal point's preferred language.
    expect(page.locator("#id_language")).to_have_value(language)
    save_status = page.get_by_role("status").filter(
        has=page.get_by_role("button", name=tr(language, "Save now"))
    )
    # The only time on the page, written with the `time` filter.
    expect(save_status).to_contain_text(
        tr(
            language,
            "Last saved at %(when)s. Changes save automatically.",
            when=time_in(language, review.updated_at, "H:i:s"),
        )
    )
    first_indicator = editor.matrix_indicators(review).first()
    with translation.override(language):
        legend = f"{first_indicator.code} {first_indicator.title}"
    expect(page.get_by_role("group", name=re.compile("^" + re.escape(legend)))).to_be_visible()

    # Section 1, written in the language, autosaved, then saved with the button.
    section = BY_KEY["executive_summary"]
    label = f"{section.number}. {in_language(language, section.title)}"
    summary = page.get_by_label(label, exact=True)
    expect(summary).to_have_value("")
    text = EXECUTIVE_SUMMARY[language]
    with autosave_of(page, containing={"executive_summary": text}) as autosaved:
        summary.fill(text)
    assert autosaved.value.ok
    expect(save_status).to_contain_text(
        re.compile(
            re.escape(tr(language, "Saved at %(when)s", when="@")).replace("@", r"\d\d:\d\d:\d\d")
        )
    )
    page.get_by_role("button", name=tr(language, "Save"), exact=True).click()

    expect(page).to_have_url(edit_url)
    saved = re.compile(rf"^\s*{re.escape(tr(language, 'Saved.'))}\s*$")
    expect(page.get_by_role("status").filter(has_text=saved)).to_be_visible()
    expect(page.get_by_label(label, exact=True)).to_have_value(text)
    page.reload()
    summary = page.get_by_label(label, exact=True)
    expect(summary).to_have_value(text)
    review.refresh_from_db()
    assert review.executive_summary == text, "the section should be stored exactly as typed"
    assert_page_language(page, language, direction, "the review editor after saving")
    screenshot(page, language, "editor")
    assert_no_axe_violations(page)

    # ---- 4. The reviewer, whose account prefers the language, opens the review queue. ----
    r = reviewer_page
    r.goto(login_url)
    expect(r.locator("html")).to_have_attribute("lang", "en")  # an English browser
    r.locator('main input[name="login"]').fill(reviewer_email)
    r.locator('main input[name="password"]').fill(factories.PASSWORD)
    r.locator('main button[type="submit"]').click()
    expect(r).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    # The page's labels come from allauth's catalogue: Enter sends the code's own form.
    code = r.locator('main input[name="code"]')
    code.fill(factories.totp_code(reviewer.totp_secret))
    code.press("Enter")
    expect(r).to_have_url(f"{live_server.url}/")
    expect(
        r.locator("html"),
        f"once signed in, the reviewer's pages should be in the language of their account "
        f"(User.language={language!r}), not in the browser's English",
    ).to_have_attribute("lang", language)
    main_nav(r, language).get_by_role("link", name=tr(language, "Review queue")).click()

    expect(r).to_have_url(f"{live_server.url}/reviews/queue/")
    screenshot(r, language, "queue")
    review.refresh_from_db()
    assert_page_language(r, language, direction, "the review queue")
    queue = tr(language, "Review queue")
    expect(r).to_have_title(f"{queue} · {tr(language, 'Safer Cities Review Portal')}")
    expect(r.get_by_role("heading", level=1)).to_have_text(f"{queue}: {CYCLE}")
    misdrawn.append(cycle_name_misdrawn(r.get_by_role("heading", level=1), "the queue's heading"))
    counts = r.get_by_role("list", name=tr(language, "Counts by status"))
    expect(counts).to_contain_text(f"{draft}: 1")
    expect(counts).to_contain_text(f"{tr(language, 'Not started')}: {Country.objects.count() - 1}")
    table = r.get_by_role("table")
    # Kenya's draft in the table; the countries that have not started are folded away.
    expect(table.locator("caption")).to_contain_text(
        ntr(language, "%(n)s country", "%(n)s countries", 1)
    )
    expect(table.get_by_role("columnheader")).to_have_text(
        [
            tr(language, heading)
            for heading in ("Country", "Region", "Status", "Last change", "Waiting")
        ]
    )
    kenya_row = table.get_by_role("row").filter(has=r.get_by_role("rowheader", name=kenya.name))
    expect(kenya_row.get_by_role("cell")).to_have_text(
        [
            in_language(language, kenya.get_region_display),
            draft,
            # The date of the last change, written with the `date` filter.
            date_in(language, review.updated_at, "DATETIME_FORMAT"),
            "",  # a draft waits for no one
        ]
    )
    assert_no_axe_violations(r)

    misdrawn = [problem for problem in misdrawn if problem]
    assert not misdrawn, "Text drawn in the wrong order:\n" + "\n".join(misdrawn)
