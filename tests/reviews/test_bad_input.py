"""Hostile and odd input in every field of the review editor, the comments and the workflow
reasons (SPEC §10: bad input gets a clear message next to the field and nothing the user typed
is lost; no input produces a server error).

Each test posts the form as a browser would, starting from the values the page holds, with
one field changed. The result must be one of:
- a message next to the field, and the typed value still in the field (for radio buttons and
  menus, which cannot hold a value that is not among their choices, the message only); or
- the value stored, and shown escaped on the review's page.
A payload with HTML in it never appears unescaped on any page.
"""

import pytest
from django.test import Client
from django.utils.html import escape

from indicators import services as cycle_services
from indicators.models import Area, Indicator, IndicatorType, ReviewCycle
from reviews import services
from reviews.models import Comment, CommentThread, Review
from reviews.sections import SECTIONS
from tests.support.forms import form_values
from tests.support.reviews import fill

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img-onerror": '"><img src=x onerror=alert(1)>',
    "100k-chars": "x" * 100_000,
    "nul": "Before\x00after",
    "rtl-override": "Nairobi \u202egnp.exe",
    "1e309": "1e309",
    "nan": "NaN",
    "template": "{{ 7*7 }}",
}

# Editor fields: (indicator code or None, field name); the free-text and year indicators are
# added to the seeded matrix for these tests (it has none).
FREE_TEXT, YEAR = "1.90", "1.91"
EDITOR_FIELDS = {
    **{section.key: (None, section.key) for section in SECTIONS},
    "language": (None, "language"),
    "1.1 value (single choice)": ("1.1", "value"),
    "1.2 value (yes or no)": ("1.2", "value"),
    "1.3 value (whole number)": ("1.3", "value"),
    "1.6 value (money)": ("1.6", "value"),
    "1.6 currency": ("1.6", "currency"),
    "1.7 value_female (decimal by sex)": ("1.7", "value_female"),
    "1.10 value (percentage)": ("1.10", "value"),
    f"{FREE_TEXT} value (free text)": (FREE_TEXT, "value"),
    f"{YEAR} value (year)": (YEAR, "value"),
    "1.3 reference_year": ("1.3", "reference_year"),
    "1.3 source": ("1.3", "source"),
    "1.3 note": ("1.3", "note"),
    "3.1 reason (data not available)": ("3.1", "reason"),
}
CHOICE_FIELDS = {"language", "1.1 value (single choice)", "1.2 value (yes or no)", "1.6 currency"}


# The review


@pytest.fixture
def review(secretariat_admin, kenya, focal_point) -> Review:
    """Kenya's complete draft in the seeded first cycle, opened with a free-text and a year
    indicator added to its matrix."""
    cycle = ReviewCycle.objects.get(name="2021–2023 review cycle")
    area = Area.objects.get(matrix=cycle.matrix, code="1.A")
    for code, kind in [(FREE_TEXT, IndicatorType.FREE_TEXT), (YEAR, IndicatorType.YEAR)]:
        cycle_services.save_node(
            Indicator(matrix=cycle.matrix, area=area, code=code, title=f"Odd {kind}", type=kind)
        )
    cycle = cycle_services.open_cycle(cycle, by=secretariat_admin)
    return fill(services.start_review(kenya, cycle, by=focal_point), focal_point)


def browser(user) -> Client:
    """A signed-in client that answers a server error with a 500 page instead of raising."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def html_name(review: Review, code: str | None, field: str) -> str:
    if code is None:
        return field
    indicator = Indicator.objects.get(matrix=review.cycle.matrix, code=code)
    return f"ind-{indicator.pk}-{field}"


def never_unescaped(payload: str, page: str, where: str) -> None:
    if escape(payload) != payload:
        assert payload not in page, f"the payload appears unescaped on {where}"


def message_next_to_field(page: str, auto_id: str) -> bool:
    return f'id="error_1_{auto_id}"' in page


def shown_on_the_review(client: Client, review: Review, payload: str) -> bool:
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    never_unescaped(payload, page, "the review's page")
    return escape(payload) in page


def assert_handled(response, *, client, review, payload, name, form, choice=False, auto_id=""):
    """A message next to the field `name` with the typed value kept, or the value stored and
    shown escaped on the review's page."""
    assert response.status_code < 500, f"server error {response.status_code}"
    assert response.status_code in (200, 302), response.status_code
    page = response.content.decode()
    if response.status_code == 302:
        page = client.get(response["Location"]).content.decode()
    never_unescaped(payload, page, "the page shown after saving")
    if message_next_to_field(page, auto_id or f"id_{name}"):
        if not choice:
            kept = form(page).get(name)
            assert kept == payload, (
                f"the typed value is not kept in the field (it holds {kept!r:.80})"
            )
        return
    assert shown_on_the_review(client, review, payload), (
        "neither a message next to the field (with the typed value kept) nor the value stored "
        "and shown on the review's page"
    )


# The editor


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("field", EDITOR_FIELDS)
def test_the_editor_handles_bad_input(field, payload, review, focal_point):
    client = browser(focal_point)
    url = f"/reviews/{review.pk}/edit/"
    data = form_values(client.get(url).content.decode())
    code, field_name = EDITOR_FIELDS[field]
    name = html_name(review, code, field_name)
    assert name in data, f"{name} is not in the editor's form"
    response = client.post(url, data | {name: payload})
    assert_handled(
        response, client=client, review=review, payload=payload, name=name,
        form=form_values, choice=field in CHOICE_FIELDS,
    )  # fmt: skip


# Comments and workflow reasons


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_new_comment_handles_bad_input(payload, review, reviewer):
    client = browser(reviewer)
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    # the form beside section 3 (its fields point at it with their `form` attribute)
    data = form_values(page, form_id="new-section-measures")
    response = client.post(f"/reviews/{review.pk}/comments/", data | {"body": payload})
    assert_handled(
        response, client=client, review=review, payload=payload, name="body",
        form=lambda html: form_values(html, form_id="new-section-measures"),
        auto_id="new-body-section-measures",
    )  # fmt: skip


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_reply_handles_bad_input(payload, review, reviewer, focal_point):
    thread = CommentThread.objects.create(review=review, section="measures")
    Comment.objects.create(thread=thread, author=reviewer, body="Which law was adopted?")
    client = browser(focal_point)
    action = f"/reviews/{review.pk}/comments/{thread.pk}/reply/"
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    data = form_values(page, action=action)
    response = client.post(action, data | {"body": payload})

    def reply_form(html):
        return form_values(html, action=action)

    # The reply box's field is "body" with the id "reply-body-<thread>".
    assert response.status_code < 500, f"server error {response.status_code}"
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        page = client.get(response["Location"]).content.decode()
    else:
        page = response.content.decode()
    never_unescaped(payload, page, "the review's page")
    # PostgreSQL cannot even compare against a NUL, so such a reply cannot have been stored.
    stored = "\x00" not in payload and thread.comments.filter(body=payload).exists()
    if not stored:
        assert message_next_to_field(page, f"reply-body-{thread.pk}"), (
            "no message next to the reply"
        )
        assert reply_form(page).get("body") == payload, "the typed reply is lost"
    else:
        assert escape(payload) in page


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("action", ["withdraw", "return"])
def test_a_workflow_reason_handles_bad_input(action, payload, review, focal_point, reviewer):
    if action == "return":
        review = services.submit_review(review, by=focal_point)
    client = browser(focal_point if action == "withdraw" else reviewer)
    url = f"/reviews/{review.pk}/{action}/"
    data = form_values(client.get(url).content.decode(), action="")
    assert "reason" in data
    response = client.post(url, data | {"reason": payload})
    assert_handled(
        response, client=client, review=review, payload=payload, name="reason",
        form=lambda html: form_values(html, action=""),
    )  # fmt: skip
    if response.status_code == 200:
        assert Review.objects.get(pk=review.pk).status == review.status
