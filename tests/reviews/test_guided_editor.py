"""The editor as a guided task (issue 17): the return reason at the top, a navigator of the
sections and outcomes with what is required, done or commented, required sections marked,
comment threads beside what they are about — answered and started from there — and a preview
of the PDF before submitting."""

import lxml.html
import pytest

from indicators.models import Indicator
from reviews import services
from reviews.models import Comment, CommentThread, Snapshot, ThreadStatus
from tests.support.clients import client_for
from tests.support.pdfs import pdf_text


def tree(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content.decode())


def text_of(element) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture
def returned_review(submitted_review, reviewer):
    services.add_comment(submitted_review, by=reviewer, body="Give the year of the policy.",
                         section="measures")  # fmt: skip
    indicator = Indicator.objects.get(matrix=submitted_review.cycle.matrix, code="1.4")
    services.add_comment(submitted_review, by=reviewer, body="Which source gives 14?",
                         indicator=indicator)  # fmt: skip
    return services.return_review(
        submitted_review, by=reviewer, reason="Two answers need their sources, see the comments."
    )


def test_the_return_reason_is_at_the_top_of_the_editor(returned_review, focal_point):
    page = tree(client_for(focal_point).get(f"/reviews/{returned_review.pk}/edit/"))
    reason = page.get_element_by_id("return-reason")
    assert "Two answers need their sources, see the comments." in text_of(reason)
    assert "Rev Iewer" in text_of(reason) and "2 open comments wait" in text_of(reason)
    # before the first section of the form
    body = lxml.html.tostring(page, encoding="unicode")
    assert body.index('id="return-reason"') < body.index('id="section-executive_summary"')


def test_a_draft_shows_no_return_reason(draft_review, focal_point):
    page = tree(client_for(focal_point).get(f"/reviews/{draft_review.pk}/edit/"))
    assert not page.xpath('//*[@id="return-reason"]')


def test_the_navigator_says_what_is_required_done_and_commented(returned_review, focal_point):
    page = tree(client_for(focal_point).get(f"/reviews/{returned_review.pk}/edit/"))
    nav = page.get_element_by_id("section-nav")
    links = {a.get("href"): text_of(a) for a in nav.xpath(".//a")}
    assert "(written)" in links["#section-executive_summary"]
    # the open comment on section 3 is counted beside it, and on outcome 1 (indicator 1.4)
    assert "1 open comment" in links["#section-measures"]
    outcome_1 = next(text for href, text in links.items() if "Outcome 1 " in text)
    assert "1 open comment" in outcome_1 and "6 of 11" in outcome_1
    assert "#ready" in links and "#practices-heading" in links


def test_empty_required_sections_are_marked_in_the_navigator_and_their_labels(
    draft_review, focal_point
):
    page = tree(client_for(focal_point).get(f"/reviews/{draft_review.pk}/edit/"))
    nav = page.get_element_by_id("section-nav")
    summary = text_of(nav.xpath('.//a[@href="#section-executive_summary"]')[0])
    practices = text_of(nav.xpath('.//a[@href="#section-good_practices"]')[0])
    assert "required, not written yet" in summary
    assert "optional" in practices
    label = page.xpath('//label[@for="id_executive_summary"]')[0]
    assert text_of(label) == "1. Executive summary"
    assert text_of(label.getnext()) == "required"
    assert page.get_element_by_id("id_executive_summary").get("aria-required") == "true"
    assert page.get_element_by_id("id_good_practices").get("aria-required") is None
    practices_label = page.xpath('//label[@for="id_good_practices"]')[0]
    assert practices_label.getnext() is None or "required" not in text_of(practices_label.getnext())


def test_threads_are_shown_beside_their_section_and_indicator(returned_review, focal_point):
    page = tree(client_for(focal_point).get(f"/reviews/{returned_review.pk}/edit/"))
    assert "Give the year of the policy." in text_of(page.get_element_by_id("section-measures"))
    assert "Which source gives 14?" in text_of(page.get_element_by_id("indicator-1.4"))
    assert "Which source gives 14?" not in text_of(page.get_element_by_id("section-measures"))


def test_the_focal_point_answers_a_comment_from_the_editor(returned_review, focal_point):
    thread = returned_review.threads.get(section="measures")
    client = client_for(focal_point)
    response = client.post(
        f"/reviews/{returned_review.pk}/comments/{thread.pk}/reply/",
        {"body": "Adopted in 2021.", "return_to": "edit"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/{returned_review.pk}/edit/#thread-{thread.pk}"
    assert list(thread.comments.values_list("body", flat=True))[-1] == "Adopted in 2021."
    page = tree(client.get(response["Location"]))
    assert "Adopted in 2021." in text_of(page.get_element_by_id(f"thread-{thread.pk}"))
    # the reply field is tied to a form outside the review's own form (forms cannot nest)
    field = page.get_element_by_id(f"reply-body-{thread.pk}")
    holder = page.get_element_by_id(field.get("form"))
    assert holder.tag == "form" and not holder.xpath("ancestor::form")


def test_a_refused_reply_comes_back_in_the_editor_with_its_text(returned_review, focal_point):
    thread = returned_review.threads.get(section="measures")
    too_long = "Adopted in 2021. " * 400  # over the 5,000 characters of a comment
    response = client_for(focal_point).post(
        f"/reviews/{returned_review.pk}/comments/{thread.pk}/reply/",
        {"body": too_long, "return_to": "edit"},
    )
    page = tree(response)
    field = page.get_element_by_id(f"reply-body-{thread.pk}")
    assert field.get("aria-invalid") == "true" and field.text.strip() == too_long.strip()
    error = page.get_element_by_id(field.get("aria-describedby"))
    assert "5000" in text_of(error) or "5,000" in text_of(error)
    assert page.get_element_by_id("review-form") is not None  # still the editor
    assert thread.comments.count() == 1


def test_the_reviewer_starts_and_resolves_a_thread_beside_a_section(submitted_review, reviewer):
    client = client_for(reviewer)
    page = tree(client.get(f"/reviews/{submitted_review.pk}/"))
    section = page.get_element_by_id("section-difficulties")
    field = section.xpath('.//textarea[@name="body"]')[0]
    form = page.get_element_by_id(field.get("form"))
    assert form.xpath('.//input[@name="target"]')[0].get("value") == "difficulties"
    response = client.post(form.get("action"), {"target": "difficulties", "body": "Name them."})
    thread = CommentThread.objects.get(review=submitted_review, section="difficulties")
    assert response["Location"] == f"/reviews/{submitted_review.pk}/#thread-{thread.pk}"
    page = tree(client.get(f"/reviews/{submitted_review.pk}/"))
    assert "Name them." in text_of(page.get_element_by_id("section-difficulties"))
    client.post(f"/reviews/{submitted_review.pk}/comments/{thread.pk}/status/",
                {"status": "resolved"})  # fmt: skip
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.RESOLVED
    page = tree(client.get(f"/reviews/{submitted_review.pk}/"))
    shown = text_of(page.get_element_by_id(f"thread-{thread.pk}"))
    assert "Resolved comment" in shown and "Reopen the thread" in shown


def test_the_reviewer_comments_on_an_indicator_from_its_row(submitted_review, reviewer):
    client = client_for(reviewer)
    page = tree(client.get(f"/reviews/{submitted_review.pk}/"))
    assert not page.xpath('//select[@name="target"]')  # no 31-option list any more
    row = page.get_element_by_id("indicator-1.4").getnext()
    field = row.xpath('.//textarea[@name="body"]')[0]
    form = page.get_element_by_id(field.get("form"))
    assert form.xpath('.//input[@name="target"]')[0].get("value") == "indicator:1.4"
    client.post(form.get("action"), {"target": "indicator:1.4", "body": "Source?"})
    thread = CommentThread.objects.get(review=submitted_review, indicator__code="1.4")
    assert Comment.objects.get(thread=thread).body == "Source?"


def test_an_empty_comment_comes_back_beside_its_indicator(submitted_review, reviewer):
    response = client_for(reviewer).post(
        f"/reviews/{submitted_review.pk}/comments/", {"target": "indicator:1.4", "body": "  "}
    )
    page = tree(response)
    field = page.get_element_by_id("new-body-indicator-1.4")
    assert field.get("aria-invalid") == "true"
    assert field.xpath("ancestor::details")[0].get("open") is not None
    assert not CommentThread.objects.filter(review=submitted_review).exists()


def test_the_preview_is_the_pdf_of_what_is_saved_now(complete_review, focal_point, tmp_path):
    client = client_for(focal_point)
    page = tree(client.get(f"/reviews/{complete_review.pk}/edit/"))
    link = page.get_element_by_id("preview-link").get("href")
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = pdf_text(body, tmp_path)
    assert "Kenya" in text and "Executive summary" in text
    assert not Snapshot.objects.filter(review=complete_review).exists()  # nothing stored


def test_other_countries_cannot_preview(complete_review, other_focal_point, reviewer):
    url = f"/reviews/{complete_review.pk}/edit/"
    preview = tree(client_for(complete_review.country.focal_points.first().user).get(url))
    link = preview.get_element_by_id("preview-link").get("href")
    assert client_for(other_focal_point).get(link).status_code == 404
    assert client_for(reviewer).get(link).status_code == 403  # the secretariat does not edit


def test_the_submit_page_lists_what_is_missing_as_links(draft_review, focal_point):
    page = tree(client_for(focal_point).get(f"/reviews/{draft_review.pk}/submit/"))
    links = page.get_element_by_id("missing-list").xpath(".//a")
    assert links[0].get("href") == f"/reviews/{draft_review.pk}/edit/#section-executive_summary"
    assert page.xpath('//main//button[@type="submit"]')[0].get("disabled") is not None
