"""Kenya's focal point writes and submits a whole review with the keyboard alone.

No mouse and nothing done for the user: after opening the sign-in page, every step is a key
press (Tab / Shift+Tab to move focus, typing, Space and Enter to press, arrows in radio groups),
and every link or button is reached by Tab before it is activated. Each element the focus lands
on must show a focus indicator and not be hidden under anything (WCAG 2.4.7 and 2.4.11).
"""

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Response, expect

from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reviews import editor
from reviews.models import Review, ReviewStatus
from reviews.sections import SECTIONS
from tests.support import factories
from tests.support.browser import assert_no_axe_violations

CYCLE = "2021–2023 review cycle"
FOCAL_POINT = "focal.ke@example.org"

# Every required narrative section (key → text typed); "5. Good practices" is optional and
# left empty.
SECTION_TEXTS = {
    "executive_summary": "A national strategy was adopted.",
    "national_context": "Cities grow fast.",
    "measures": "A safer cities unit exists.",
    "local_implementation": "Fourteen towns ran audits.",
    "difficulties": "Data is scattered.",
    "partnerships": "UNODC helps.",
    "support_requested": "A national survey.",
}
SOURCE_14 = "Network register"
REASON_31 = "Membership is being confirmed."

# What each required indicator's answer must be stored as once submitted.
STORED_ANSWERS = {
    "1.1": {"values": {"value": "adopted"}},
    "1.2": {"values": {"value": True}},
    "1.3": {"values": {"value": 12}},
    "1.4": {"values": {"value": 14}, "reference_year": 2022, "source": SOURCE_14},
    "1.5": {"values": {"value": 3}},
    "1.6": {"values": {"value": "250000"}, "currency": "KES"},
    "2.1": {"values": {"value": True}},
    "2.2": {"values": {"value": "established"}},
    "3.1": {"values": {"value": None}, "not_available": True, "reason": REASON_31},
}

# What document.activeElement is, whether it matches the target, and how its focus shows.
FOCUSED = """(selector) => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const clear = (color) => color === "transparent" || /rgba\\(.*,\\s*0\\)$/.test(color);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && !clear(style.outlineColor);
  // "rgba(13, 110, 253, 0.25) 0px 0px 0px 4px, …": some shadow with a colour and a size.
  const shadow = style.boxShadow !== "none" && style.boxShadow.split(/,(?![^(]*\\))/).some(
    (part) => {
      const color = (part.match(/rgba?\\([^)]*\\)/) || ["transparent"])[0];
      const lengths = part.replace(color, "").match(/-?[\\d.]+px/g) || [];
      return !clear(color) && lengths.slice(2).some((length) => parseFloat(length) > 0);
    });
  // The part of the element inside the viewport, and what is drawn at its centre.
  const box = el.getBoundingClientRect();
  const left = Math.max(box.left, 0), right = Math.min(box.right, innerWidth);
  const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight);
  const shown = right > left && bottom > top;
  const hit = shown ? document.elementFromPoint((left + right) / 2, (top + bottom) / 2) : null;
  const inside = (node) => node && (node === el || el.contains(node)
    || [...(el.labels || [])].some((label) => label.contains(node)));
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const text = (el.getAttribute("aria-label") || label || el.innerText || el.value || "")
    .trim().replace(/\\s+/g, " ").slice(0, 60);
  return {
    tag: el.tagName,
    name: el.getAttribute("name") || "",
    value: el.value === undefined ? "" : String(el.value),
    text,
    description: `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}> "${text}"`,
    matches: selector ? el.matches(selector) : false,
    indicator: outline || shadow,
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
    shadow: style.boxShadow,
    shown,
    box: `${box.left},${box.top} ${box.width}×${box.height} in ${innerWidth}×${innerHeight}`,
    covered_by: inside(hit) || !hit ? "" : hit.outerHTML.slice(0, 120),
  };
}"""


def tab_to(
    page: Page,
    target: str | Callable[[dict], bool],
    *,
    max_presses: int = 40,
    backwards: bool = False,
) -> dict:
    """Press Tab (Shift+Tab when `backwards`) until the focused element matches `target` (a CSS
    selector, or a predicate on what FOCUSED returns); return what FOCUSED says about it.

    Every element the focus passes through must show a focus indicator (an outline or a box
    shadow that is not transparent) and be on screen, not hidden under another element.
    """
    key = "Shift+Tab" if backwards else "Tab"
    selector = target if isinstance(target, str) else None
    wanted = selector or getattr(target, "__name__", repr(target))
    path = []
    for _ in range(max_presses):
        page.keyboard.press(key)
        focus = page.evaluate(FOCUSED, selector)
        path.append(focus["description"])
        assert focus["tag"] != "BODY", (
            f"The focus left the page before reaching {wanted}; it went through: {path}"
        )
        assert focus["indicator"], (
            f"{focus['description']} has the focus but no visible focus indicator "
            f"(outline: {focus['outline']}; box-shadow: {focus['shadow']}) on {page.url}"
        )
        assert focus["shown"], (
            f"{focus['description']} has the focus but is off screen ({focus['box']})"
        )
        assert not focus["covered_by"], (
            f"{focus['description']} has the focus but is hidden under {focus['covered_by']}"
        )
        if focus["matches"] if selector else target(focus):
            return focus
    raise AssertionError(
        f"{wanted} was not reached in {max_presses} presses of {key} on {page.url}; "
        f"the focus went through: {path}"
    )


def control(tag: str, text: str) -> Callable[[dict], bool]:
    """A tab_to predicate: the <tag> (a, button…) whose text or label is `text`."""

    def is_it(focus: dict) -> bool:
        return focus["tag"] == tag.upper() and focus["text"] == text

    is_it.__name__ = f'<{tag}> "{text}"'
    return is_it


def arrived(page: Page, url: str | re.Pattern, heading: str) -> None:
    """Wait for the page an Enter led to, fully loaded (so Tab starts from its beginning)."""
    expect(page).to_have_url(url)
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def in_indicator(code: str, css: str) -> str:
    """A CSS selector for a field of the editor's fieldset answering indicator `code`."""
    return f'fieldset[id="indicator-{code}"] {css}'


def type_into(page: Page, target: str, text: str, *, max_presses: int = 40) -> dict:
    """Tab to a text field and type into it."""
    focus = tab_to(page, target, max_presses=max_presses)
    page.keyboard.type(text)
    expect(page.locator(target)).to_have_value(text)
    return focus


def tick(page: Page, target: str, *, max_presses: int = 40) -> None:
    """Tab to a radio button or checkbox and press Space."""
    tab_to(page, target, max_presses=max_presses)
    page.keyboard.press("Space")
    expect(page.locator(target)).to_be_checked()


def autosave_with(page: Page, name: str, value: str):
    """Expect the editor's autosave that posts `value` for field `name` (posted after everything
    typed before it: the form is sent whole)."""
    edit_path = urlsplit(page.url).path

    def is_it(response: Response) -> bool:
        request = response.request
        return (
            request.method == "POST"
            and urlsplit(request.url).path == edit_path
            and parse_qs(request.post_data or "").get(name) == [value]
        )

    return page.expect_response(is_it, timeout=15_000)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_focal_point_writes_and_submits_a_review_with_the_keyboard_only(
    base_data, live_server, page: Page
):
    kenya = Country.objects.get(iso3="KEN")
    factories.make_focal_point(kenya, email=FOCAL_POINT, name="Wanjiru Kamau")
    admin = factories.make_user(Role.ADMIN, email="admin@unhabitat.example", name="Amina Admin")
    cycle = cycle_services.open_cycle(ReviewCycle.objects.get(name=CYCLE), by=admin)
    assert {s.key for s in SECTIONS if s.required} == set(SECTION_TEXTS), (
        "the required sections changed: SECTION_TEXTS must fill each of them"
    )
    # Bootstrap animates focus rings for 0.15 s unless the user asks for reduced motion: with
    # that setting each ring is complete as soon as the focus lands, when tab_to looks at it.
    page.emulate_media(reduced_motion="reduce")

    # ---- Sign in. ----
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    type_into(page, "#id_login", FOCAL_POINT)
    type_into(page, "#id_password", factories.PASSWORD)
    tab_to(page, control("button", "Sign in"))
    page.keyboard.press("Enter")

    # ---- Home → "Reviews" in the main navigation → start the review of the open cycle. ----
    arrived(page, f"{live_server.url}/", "Welcome, Wanjiru Kamau")
    tab_to(page, 'nav[aria-label="Main"] a[href="/reviews/"]')
    page.keyboard.press("Enter")

    arrived(page, f"{live_server.url}/reviews/", "Country reviews")
    open_cycles = page.get_by_role("region", name="Open cycles")
    expect(open_cycles).to_contain_text(f"{CYCLE} · deadline March 31, 2023")
    tab_to(page, control("button", "Start the review"))
    page.keyboard.press("Enter")

    # ---- The editor. ----
    arrived(page, re.compile(r"/reviews/\d+/edit/$"), "Review of Kenya")
    review = Review.objects.get(country=kenya, cycle=cycle)
    assert {i.code for i in editor.matrix_indicators(review) if i.required} == set(
        STORED_ANSWERS
    ), "the required indicators changed: the test must answer each of them"
    ready = page.get_by_role("region", name="Ready to submit?")
    expect(ready).to_contain_text("Section 1, “Executive summary”, is empty.")

    # The skip link leads past the navigation into the page's content.
    tab_to(page, control("a", "Skip to main content"), max_presses=1)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # The required narrative sections, each with its live word count.
    for section in SECTIONS:
        if section.key in SECTION_TEXTS:
            text = SECTION_TEXTS[section.key]
            type_into(page, f"#id_{section.key}", text)
            expect(page.locator(f"#wc-{section.key}")).to_have_text(
                re.compile(rf"^{len(text.split())} / {section.word_limit} — ")
            )

    # The required indicators, in the order of the form.
    tick(page, in_indicator("1.1", 'input[type="radio"][value="adopted"]'))  # first option
    tick(page, in_indicator("1.2", 'input[type="radio"][value="yes"]'))
    type_into(page, in_indicator("1.3", '[name$="-value"]'), "12")
    type_into(page, in_indicator("1.4", '[name$="-value"]'), "14")
    type_into(page, in_indicator("1.4", '[name$="-reference_year"]'), "2022")
    type_into(page, in_indicator("1.4", '[name$="-source"]'), SOURCE_14)
    type_into(page, in_indicator("1.5", '[name$="-value"]'), "3")
    type_into(page, in_indicator("1.6", '[name$="-value"]'), "250000")
    currency = in_indicator("1.6", "select")
    tab_to(page, currency)
    page.keyboard.type("KES")  # a closed select picks the option whose text is typed
    expect(page.locator(currency)).to_have_value("KES")
    tick(page, in_indicator("2.1", 'input[type="radio"][value="yes"]'), max_presses=80)
    # 2.2: Tab enters the radio group on its first option; the arrow moves to (and picks) the
    # second, "Established".
    first = tab_to(page, in_indicator("2.2", 'input[type="radio"]'))
    assert first["value"] == "established_and_meeting"
    established = page.locator(in_indicator("2.2", '[value="established"]'))
    page.keyboard.press("ArrowDown")
    expect(established).to_be_focused()
    expect(established).to_be_checked()
    expect(page.locator(in_indicator("2.2", "input:checked"))).to_have_count(1)
    # 3.1: "data not available", with its reason; leaving the reason saves it a second later,
    # with everything typed before (the form is posted whole).
    tick(page, in_indicator("3.1", '[name$="-not_available"]'), max_presses=80)
    reason = in_indicator("3.1", '[name$="-reason"]')
    with autosave_with(page, page.locator(reason).get_attribute("name"), REASON_31) as saved:
        type_into(page, reason, REASON_31)
        page.keyboard.press("Tab")
    assert saved.value.ok

    # Saved, and complete: the editor says so.
    save_status = page.get_by_role("status").filter(has=page.get_by_role("button", name="Save now"))
    expect(save_status).to_contain_text(re.compile(r"Saved at \d\d:\d\d:\d\d"))
    expect(ready).to_contain_text("Everything required is there.")
    expect(ready).not_to_contain_text("missing")
    assert_no_axe_violations(page)

    # ---- Submit, through the confirmation page. ----
    tab_to(page, control("a", "Submit the review"), max_presses=80)
    page.keyboard.press("Enter")

    detail_url = f"{live_server.url}/reviews/{review.pk}/"
    arrived(page, f"{detail_url}submit/", "Submit the review?")
    expect(page.get_by_text(f"Kenya · {CYCLE}")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_no_axe_violations(page)
    # From the top of the page Shift+Tab goes round to the end: the footer, Cancel, Confirm.
    tab_to(page, control("button", "Confirm"), backwards=True, max_presses=6)
    page.keyboard.press("Enter")

    # ---- What the focal point sees: the review, submitted and read-only. ----
    # (Submitting renders the DRAFT PDF within the request: tasks run eagerly in tests.)
    expect(page).to_have_url(detail_url, timeout=60_000)
    expect(page.get_by_role("status")).to_contain_text("Done: the review is now submitted.")
    expect(page.get_by_text(f"{CYCLE} · Submitted · written in English")).to_be_visible()
    expect(page.get_by_text("This review is submitted: it is read-only.")).to_be_visible()
    for section in SECTIONS:
        region = page.get_by_role("region", name=f"{section.number}. {section.title}")
        expect(region).to_contain_text(SECTION_TEXTS.get(section.key, "Not written yet."))
    answers = page.get_by_role("region", name="9. Indicator answers")
    for code, shown in {
        "1.1": "Adopted",
        "1.4": "14 municipalities",
        "1.6": "250000 KES",
        "2.2": "Established",
        "3.1": f"Data not available: {REASON_31}",
    }.items():
        row = answers.get_by_role("row", name=re.compile(rf"^{re.escape(code)} "))
        expect(row.get_by_role("cell").first).to_have_text(shown)
    assert_no_axe_violations(page)

    # ---- What the database holds. ----
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    assert review.snapshots.count() == 1
    for section in SECTIONS:
        assert review.section_text(section.key) == SECTION_TEXTS.get(section.key, "")
    stored = {a.indicator.code: a for a in review.answers.select_related("indicator")}
    for code, expected in STORED_ANSWERS.items():
        answer = stored[code]
        assert answer.is_valid, f"{code} is stored as not valid: {answer.raw}"
        assert answer.not_available == expected.get("not_available", False), code
        for field, value in expected.items():
            assert getattr(answer, field) == value, f"{code} {field}: {getattr(answer, field)!r}"
