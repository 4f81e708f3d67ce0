"""A country review from the first draft to approval, through one return for revision.

Kenya's focal point starts the review from their home page, writes it in the editor and
submits it; a secretariat reviewer comments beside one indicator answer and returns it; the
focal point continues from home, reads the return reason at the top of the editor, moves
through the section navigator, answers the comment where it is, changes that answer, previews
the PDF and submits again; the reviewer finds the resubmission first in the queue, resolves
the thread beside the indicator, starts and resolves one beside a section, sees the change
marked and approves; the review is then read-only.
"""

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from tests.support import factories
from tests.support.browser import (
    assert_no_axe_violations,
    autosave_of,
    sign_in,
    sign_in_secretariat,
)

CYCLE = "2021–2023 review cycle"
FOCAL_POINT = "focal.ke@example.org"
REVIEWER = "reviewer@unhabitat.example"

# The narrative sections the focal point writes (label → text); "5. Good practices" is
# optional and left empty.
SECTIONS = {
    "1. Executive summary": "Kenya adopted a national crime prevention strategy in 2022.",
    "2. National context and approach to urban safety": (
        "Nairobi and Mombasa grow fast; violence prevention is led by the counties."
    ),
    "3. Measures taken to implement the Guidelines": "A safer cities unit was created.",
    "4. Local implementation and the National Tool Network": (
        "Fourteen municipalities joined the network and ran safety audits."
    ),
    "6. Difficulties encountered": "Data on victimisation remains scattered.",
    "7. Partnerships, joint programming and resources": "UN-Habitat and UNODC support the unit.",
    "8. Support requested and next steps": "Kenya asks for help with a national survey.",
}
WORD_LIMITS = {"1": 800, "2": 1500, "3": 2000, "4": 2000, "5": 800, "6": 1500, "7": 1500, "8": 1000}
COMMENT = "Please check 1.4: the network's membership list counts 11 municipalities, not 14."
RETURN_REASON = "The number of municipalities in the network (1.4) needs checking."
REPLY = "Corrected: the list counts 11 municipalities."


@pytest.fixture
def reviewer_page(browser: Browser) -> Page:
    """A second browser (its own cookies) for the secretariat reviewer."""
    context = browser.new_context(locale="en-US")
    yield context.new_page()
    context.close()


def indicator(page: Page, code: str) -> Locator:
    """The editor's group of fields answering one indicator ("1.1 National urban safety…")."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(code)} "))


def status_line(page: Page) -> Locator:
    """The line under the heading: the cycle, then the review's status badge (and, in the
    editor, the deadline)."""
    return page.get_by_text(re.compile(rf"^{re.escape(CYCLE)} · "))


def editor_status(status: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(CYCLE)} · {status}\s+· due on ")


def threads_beside(page: Page, anchor: str) -> Locator:
    """The comment threads shown beside a section ("section-…") or indicator ("indicator-…")."""
    return page.locator(f"[id='threads-{anchor}']")


def save_status(page: Page) -> Locator:
    """The editor's live save status (the bar with the "Save now" button)."""
    return page.get_by_role("status").filter(has=page.get_by_role("button", name="Save now"))


def answer_cell(page: Page, code: str) -> Locator:
    """The answer shown for one indicator on the review's read-only page."""
    answers = page.get_by_role("region", name="9. Indicator answers")
    return (
        answers.get_by_role("row", name=re.compile(rf"^{re.escape(code)} "))
        .get_by_role("cell")
        .first
    )


def field_name(field: Locator) -> str:
    return field.get_attribute("name")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_review_is_written_returned_revised_and_approved(
    base_data, live_server, page: Page, reviewer_page: Page
):
    # The seeded first cycle (base_data), opened by a secretariat admin.
    kenya = Country.objects.get(iso3="KEN")
    factories.make_focal_point(kenya, email=FOCAL_POINT, name="Wanjiru Kamau")
    reviewer = factories.make_user(Role.REVIEWER, email=REVIEWER, name="Nia Reviewer")
    admin = factories.make_user(Role.ADMIN, email="admin@unhabitat.example", name="Amina Admin")
    cycle_services.open_cycle(ReviewCycle.objects.get(name=CYCLE), by=admin)

    # ---- 1. The focal point starts the review, writes it and submits it. ----
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_no_axe_violations(page)
    sign_in(page, FOCAL_POINT, factories.PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Wanjiru Kamau")
    next_step = page.get_by_role("region", name="Your next step")
    expect(next_step).to_contain_text(CYCLE)
    expect(next_step).to_contain_text("Your country has not started its review of this cycle.")
    assert_no_axe_violations(page)
    next_step.get_by_role("button", name="Start the review").click()

    # The editor, empty.
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/reviews/\d+/edit/$"))
    edit_url = page.url
    detail_url = edit_url.removesuffix("edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review of Kenya")
    expect(status_line(page)).to_have_text(editor_status("Draft"))
    expect(save_status(page)).to_contain_text("Changes save automatically.")
    expect(page.locator("#return-reason")).to_have_count(0)
    navigator = page.get_by_role("navigation", name="In this review")
    expect(
        navigator.get_by_role("link", name=re.compile(r"^1\. Executive summary"))
    ).to_contain_text("required, not written yet")
    expect(page.get_by_role("region", name="Ready to submit?")).to_contain_text(
        "Section 1, “Executive summary”, is empty."
    )
    assert_no_axe_violations(page)

    # The narrative sections, each with its live word count.
    for label, text in SECTIONS.items():
        area = page.get_by_label(label, exact=True)
        limit = WORD_LIMITS[label.split(".")[0]]
        count = f"{{}} / {limit} — Limit: {limit} words."
        expect(area).to_have_accessible_description(re.compile("^" + re.escape(count.format(0))))
        area.fill(text)
        expect(area).to_have_accessible_description(
            re.compile("^" + re.escape(count.format(len(text.split()))))
        )
    practices = page.get_by_label("5. Good practices", exact=True)
    expect(practices).to_have_value("")
    expect(practices).to_have_accessible_description(re.compile(r"^0 / 800 — Limit: 800 words\."))

    # Every required indicator (tests/support/reviews.py REQUIRED_ANSWERS, through the UI).
    indicator(page, "1.1").get_by_label("Adopted", exact=True).check()
    indicator(page, "1.2").get_by_label("Yes", exact=True).check()
    indicator(page, "1.3").get_by_label("Value", exact=True).fill("12")
    indicator(page, "1.4").get_by_label("Value", exact=True).fill("14")
    indicator(page, "1.5").get_by_label("Value", exact=True).fill("3")
    indicator(page, "1.6").get_by_label("Value", exact=True).fill("250000")
    indicator(page, "1.6").get_by_label("Currency").select_option("KES")
    indicator(page, "2.1").get_by_label("Yes", exact=True).check()
    not_available = indicator(page, "3.1")
    not_available.get_by_label("Data not available").check()
    not_available.get_by_label("Why the data is not available").fill(
        "Membership is being confirmed."
    )
    # The last answer: the autosave that follows carries everything typed above.
    established = indicator(page, "2.2").get_by_label("Established", exact=True)
    with autosave_of(page, containing={field_name(established): "established"}) as autosaved:
        established.check()
    assert autosaved.value.ok
    expect(save_status(page)).to_contain_text(re.compile(r"Saved at \d\d:\d\d:\d\d"))

    # "Save now" saves again at once.
    with page.expect_response(
        lambda r: r.request.method == "POST"
        and r.url == edit_url
        and r.request.header_value("HX-Trigger") is None  # the button, not the form
    ) as saved_now:
        save_status(page).get_by_role("button", name="Save now").click()
    assert saved_now.value.ok
    expect(save_status(page)).to_contain_text(re.compile(r"Saved at \d\d:\d\d:\d\d"))
    expect(save_status(page)).not_to_contain_text("Not saved")
    assert_no_axe_violations(page)

    # Submitting, after a confirmation.
    page.get_by_role("link", name="Submit the review").click()
    expect(page).to_have_url(f"{detail_url}submit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit the review?")
    expect(page.get_by_text(f"Kenya · {CYCLE}")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(
        page.get_by_text("The secretariat will examine it. You cannot change it while it is")
    ).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirm").click()

    # Submitted: read-only.
    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("status")).to_contain_text("Done: the review is now submitted.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review of Kenya")
    expect(status_line(page)).to_have_text(f"{CYCLE} · Submitted · written in English")
    expect(page.get_by_text("This review is submitted: it is read-only.")).to_be_visible()
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Submit", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Save now")).to_have_count(0)
    expect(answer_cell(page, "1.4")).to_have_text("14 municipalities")
    expect(answer_cell(page, "1.6")).to_have_text("250000 KES")
    expect(answer_cell(page, "3.1")).to_have_text(
        "Data not available: Membership is being confirmed."
    )
    expect(page.get_by_role("region", name="1. Executive summary")).to_contain_text(
        SECTIONS["1. Executive summary"]
    )
    expect(page.get_by_role("region", name="5. Good practices")).to_contain_text("Not written yet.")
    assert_no_axe_violations(page)

    # ---- 2. The reviewer finds it in the queue, comments on 1.4 and returns it. ----
    r = reviewer_page
    sign_in_secretariat(r, live_server.url, reviewer)
    assert_no_axe_violations(r)
    r.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()

    expect(r).to_have_url(f"{live_server.url}/reviews/queue/")
    expect(r.get_by_role("heading", level=1)).to_have_text(f"Review queue: {CYCLE}")
    expect(r.get_by_role("list", name="Counts by status")).to_contain_text("Submitted: 1")
    kenya_row = r.get_by_role("row").filter(has=r.get_by_role("rowheader", name="Kenya"))
    expect(kenya_row.get_by_role("cell").nth(1)).to_have_text("Submitted")
    assert_no_axe_violations(r)
    kenya_row.get_by_role("link", name="Kenya").click()

    expect(r).to_have_url(detail_url)
    expect(status_line(r)).to_have_text(f"{CYCLE} · Submitted · written in English")
    expect(r.get_by_role("article")).to_have_count(0)  # no comment yet
    expect(r.get_by_label("About")).to_have_count(0)  # no list of every section and indicator
    assert_no_axe_violations(r)
    beside_1_4 = threads_beside(r, "indicator-1.4")
    beside_1_4.get_by_text("Comment here").click()
    beside_1_4.get_by_label("Comment", exact=True).fill(COMMENT)
    beside_1_4.get_by_role("button", name="Add the comment").click()

    expect(r).to_have_url(re.compile(rf"^{re.escape(detail_url)}#thread-\d+$"))
    expect(r.get_by_role("status")).to_contain_text("Your comment was added.")
    thread = beside_1_4.get_by_role(
        "article", name=re.compile(r"^Open comment\s*: 1\.4 Local municipalities")
    )
    expect(thread).to_contain_text("Nia Reviewer")
    expect(thread).to_contain_text(COMMENT)
    assert_no_axe_violations(r)
    r.get_by_role("link", name="Return for revision").click()

    expect(r).to_have_url(f"{detail_url}return/")
    expect(r.get_by_role("heading", level=1)).to_have_text("Return the review for revision?")
    expect(r.get_by_text("1 open comment will be listed for the country.")).to_be_visible()
    assert_no_axe_violations(r)
    r.get_by_label("Reason").fill(RETURN_REASON)
    r.get_by_role("button", name="Confirm").click()

    expect(r).to_have_url(detail_url)
    expect(r.get_by_role("status")).to_contain_text(
        "Done: the review is now returned for revision."
    )
    expect(status_line(r)).to_have_text(f"{CYCLE} · Returned for revision · written in English")
    last_step = r.get_by_role("region", name="Timeline").get_by_role("listitem").last
    expect(last_step).to_contain_text("Submitted → Returned for revision · Nia Reviewer")
    expect(last_step).to_contain_text(RETURN_REASON)
    assert_no_axe_violations(r)

    # ---- 3. The focal point continues from home, answers the comment where it is. ----
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Safer Cities Review Portal"
    ).click()  # home
    next_step = page.get_by_role("region", name="Your next step")
    expect(next_step).to_contain_text("Returned for revision")
    expect(next_step).to_contain_text(RETURN_REASON)
    assert_no_axe_violations(page)
    next_step.get_by_role("link", name="Continue the review").click()

    expect(page).to_have_url(edit_url)
    expect(status_line(page)).to_have_text(editor_status("Returned for revision"))
    reason = page.get_by_role("region", name=re.compile(r"^Returned for revision on "))
    expect(reason).to_contain_text(RETURN_REASON)
    expect(reason).to_contain_text("Nia Reviewer. 1 open comment waits for your answer")
    expect(page.get_by_role("region", name="Ready to submit?")).to_contain_text(
        "Everything required is there."
    )
    for label, text in SECTIONS.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(text)
    # The navigator: every section written; outcome 1 has the open comment.
    navigator = page.get_by_role("navigation", name="In this review")
    expect(navigator.get_by_role("link", name=re.compile(r"\(written\)"))).to_have_count(7)
    outcome_1 = navigator.get_by_role("link", name=re.compile(r"^Outcome 1 "))
    expect(outcome_1).to_contain_text("1 open comment")
    assert_no_axe_violations(page)
    outcome_1.click()
    expect(page).to_have_url(re.compile(r"#outcome-\d+$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Outcome 1: "))).to_be_in_viewport()

    beside_1_4 = threads_beside(page, "indicator-1.4")
    thread = beside_1_4.get_by_role("article", name=re.compile(r"^Open comment\s*: 1\.4 "))
    expect(thread).to_contain_text(COMMENT)
    thread.get_by_label("Your reply").fill(REPLY)
    thread.get_by_role("button", name="Reply").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(edit_url)}#thread-\d+$"))
    expect(thread).to_contain_text(REPLY)
    expect(thread).to_contain_text("Wanjiru Kamau")
    assert_no_axe_violations(page)

    municipalities = indicator(page, "1.4").get_by_label("Value", exact=True)
    expect(municipalities).to_have_value("14")
    # Leaving with the change unsaved is asked about first.
    municipalities.fill("12")
    dialogs: list[str] = []
    page.once("dialog", lambda dialog: dialogs.append(dialog.type) or dialog.dismiss())
    page.get_by_role("navigation", name="Public pages").get_by_role(
        "link", name="Public library"
    ).click()
    expect(page).to_have_url(edit_url + re.search(r"#thread-\d+$", page.url).group(0))
    assert dialogs == ["beforeunload"]

    municipalities.fill("11")
    # Leaving the field autosaves it; then the bottom button saves the whole form.
    with autosave_of(page, containing={field_name(municipalities): "11"}) as autosaved:
        municipalities.press("Tab")
    assert autosaved.value.ok
    expect(save_status(page)).to_contain_text(re.compile(r"Saved at \d\d:\d\d:\d\d"))
    page.get_by_role("button", name="Save", exact=True).click()

    # (the browser keeps the #thread-… the page was at: the form posts to the page's URL)
    expect(page).to_have_url(re.compile(rf"^{re.escape(edit_url)}(#thread-\d+)?$"))
    expect(
        page.get_by_role("status").filter(has_text=re.compile(r"^\s*Saved\.\s*$"))
    ).to_be_visible()
    expect(indicator(page, "1.4").get_by_label("Value", exact=True)).to_have_value("11")
    expect(save_status(page)).to_contain_text(re.compile(r"Last saved at \d\d:\d\d:\d\d\."))
    expect(page.get_by_role("region", name="Ready to submit?")).to_contain_text(
        "Everything required is there."
    )
    assert_no_axe_violations(page)
    # The preview: the PDF of what is saved now, drawn on request, not stored.
    preview = page.get_by_role("link", name="Preview the PDF")
    with page.context.expect_page() as opened:
        preview.click()
    preview_tab = opened.value
    preview_tab.close()
    pdf = page.request.get(live_server.url + preview.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    page.get_by_role("link", name="Submit the review").click()

    expect(page).to_have_url(f"{detail_url}submit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit the review?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("status")).to_contain_text("Done: the review is now submitted.")
    expect(status_line(page)).to_have_text(f"{CYCLE} · Submitted · written in English")
    expect(answer_cell(page, "1.4")).to_have_text("11 municipalities")
    assert_no_axe_violations(page)

    # ---- 4. The reviewer finds the resubmission first, settles the threads, approves. ----
    r.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    first_row = r.get_by_role("table").get_by_role("row").nth(1)
    expect(first_row.get_by_role("rowheader")).to_have_text("Kenya")
    expect(first_row).to_contain_text("Resubmitted")
    assert_no_axe_violations(r)
    first_row.get_by_role("link", name="Kenya").click()

    expect(r).to_have_url(detail_url)
    expect(status_line(r)).to_have_text(f"{CYCLE} · Submitted · written in English")
    beside_1_4 = threads_beside(r, "indicator-1.4")
    thread = beside_1_4.get_by_role("article", name=re.compile(r"^Open comment\s*: 1\.4 "))
    expect(thread).to_contain_text(REPLY)
    thread.get_by_role("button", name="Mark resolved").click()
    resolved = beside_1_4.get_by_role("article", name=re.compile(r"^Resolved comment\s*: 1\.4 "))
    expect(resolved).to_contain_text("resolved by Nia Reviewer")
    expect(resolved.get_by_role("button", name="Reopen the thread")).to_be_visible()
    # A new thread beside section 6, resolved from there too.
    beside_6 = threads_beside(r, "section-difficulties")
    beside_6.get_by_text("Comment here").click()
    beside_6.get_by_label("Comment", exact=True).fill("Thank you for naming the obstacles.")
    before = r.url  # maybe already at a thread (the one just resolved): wait for the new one
    beside_6.get_by_role("button", name="Add the comment").click()
    expect(r).not_to_have_url(before)
    expect(r).to_have_url(re.compile(rf"^{re.escape(detail_url)}#thread-\d+$"))
    section_thread = beside_6.get_by_role(
        "article", name=re.compile(r"^Open comment\s*: 6\. Difficulties encountered")
    )
    expect(section_thread).to_contain_text("Thank you for naming the obstacles.")
    assert_no_axe_violations(r)
    section_thread.get_by_role("button", name="Mark resolved").click()
    expect(
        beside_6.get_by_role("article", name=re.compile(r"^Resolved comment\s*: 6\. "))
    ).to_be_visible()
    r.get_by_role("link", name="Changes since the last submission").click()

    expect(r).to_have_url(f"{detail_url}changes/")
    expect(r.get_by_role("heading", level=1)).to_have_text("Changes from version 1 to version 2")
    changed = r.get_by_role("main").get_by_role("region")
    expect(changed).to_have_count(1)
    change = r.get_by_role("region", name=re.compile(r"^1\.4 Local municipalities"))
    expect(change.get_by_role("deletion")).to_have_text("14")
    expect(change.get_by_role("insertion")).to_have_text("11")
    assert_no_axe_violations(r)
    r.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name=f"Kenya · {CYCLE}"
    ).click()

    expect(r).to_have_url(detail_url)
    r.get_by_role("link", name="Approve").click()
    expect(r).to_have_url(f"{detail_url}approve/")
    expect(r.get_by_role("heading", level=1)).to_have_text("Approve the review?")
    assert_no_axe_violations(r)
    r.get_by_role("button", name="Confirm").click()

    expect(r).to_have_url(detail_url)
    expect(r.get_by_role("status")).to_contain_text("Done: the review is now approved.")
    expect(status_line(r)).to_have_text(f"{CYCLE} · Approved · written in English")
    expect(r.get_by_role("link", name="Approve")).to_have_count(0)
    expect(r.get_by_role("link", name="Return for revision")).to_have_count(0)
    assert_no_axe_violations(r)

    # ---- 5. For the focal point the approved review is read-only. ----
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reviews").click()
    review_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=CYCLE))
    expect(review_row).to_contain_text("Approved")
    review_row.get_by_role("link", name=CYCLE).click()

    expect(page).to_have_url(detail_url)
    expect(status_line(page)).to_have_text(f"{CYCLE} · Approved · written in English")
    read_only = "This review is approved: it is read-only."
    expect(page.get_by_text(read_only)).to_be_visible()
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^(Submit|Withdraw)$"))).to_have_count(0)
    assert_no_axe_violations(page)

    page.goto(edit_url)
    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("status")).to_contain_text(read_only)
    expect(page.get_by_role("button", name="Save now")).to_have_count(0)
    assert_no_axe_violations(page)
