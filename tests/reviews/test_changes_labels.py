"""'Changes since the last submission' names what changed: each change under its section's or
indicator's title, one line per changed field with its label, the old value struck through and
the new one underlined; fields that did not change are not listed (issue 17)."""

import lxml.html
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from reviews import evidence, services
from reviews.models import Attachment, Review
from tests.support import factories
from tests.support.clients import client_for
from tests.support.reviews import REQUIRED_ANSWERS, fill

BY_SEX = {"value_female": "48.5", "value_male": "61.2", "value_total": "54.7"}
SOURCE = "INEGI, ENVIPE 2024"
PRACTICE = {"title": "Women's safety audits", "city": "Nairobi", "period": "2021–2023",
            "description": "Walks with residents to map unsafe places."}  # fmt: skip


def resubmitted(review: Review, focal_point, reviewer, *, answers=None, change=None) -> Review:
    """`review` submitted, returned, changed by `change(review)` or with `answers`, and
    submitted again."""
    review = services.submit_review(review, by=focal_point)
    services.return_review(review, by=reviewer, reason="Please check the figures.")
    review = Review.objects.get(pk=review.pk)
    if answers:
        review = fill(review, focal_point, answers=answers)
    if change:
        change(review)
    return services.submit_review(Review.objects.get(pk=review.pk), by=focal_point)


def changes_page(review: Review, user, language: str = "en") -> str:
    with translation.override(language):
        response = client_for(user).get(
            reverse("reviews:changes", args=[review.pk]), HTTP_ACCEPT_LANGUAGE=language
        )
    assert response.status_code == 200
    return response.content.decode()


def changes(page: str) -> dict[str, dict[str, tuple[list[str], list[str]]]]:
    """Title of each change → label of each changed field → (struck-through texts, underlined
    texts), as the page shows them."""
    tree = lxml.html.fromstring(page)
    found = {}
    for section in tree.xpath("//main//section[contains(@class, 'diff')]"):
        title = section.get_element_by_id(section.get("aria-labelledby")).text_content()
        fields = {}
        for term in section.xpath(".//dt"):
            value = term.getnext()
            fields[term.text_content().strip()] = (
                [d.text_content() for d in value.xpath(".//del")],
                [i.text_content() for i in value.xpath(".//ins")],
            )
        found[" ".join(title.split())] = fields
    return found


def test_a_changed_female_value_and_source_are_listed_by_their_labels_and_male_is_not(
    draft_review, focal_point, reviewer
):
    answers = REQUIRED_ANSWERS | {"1.8": BY_SEX | {"source": SOURCE, "reference_year": "2024"}}
    review = fill(draft_review, focal_point, answers=answers)
    changed = {"1.8": BY_SEX | {"value_female": "50.1", "source": "INEGI, ENVIPE 2025",
                                "reference_year": "2024"}}  # fmt: skip
    review = resubmitted(review, focal_point, reviewer, answers=changed)

    page = changes_page(review, reviewer)
    shown = changes(page)
    [title] = [t for t in shown if t.startswith("1.8 ")]
    assert title == "1.8 Population that feels safe walking alone around the area they live"
    assert shown[title] == {
        "Female": (["48.5"], ["50.1"]),
        "Source": (["2024"], ["2025"]),
    }
    assert list(shown) == [title]  # nothing else changed


def test_changed_fields_keep_the_form_order_and_a_gap_shows_its_reason(
    draft_review, focal_point, reviewer
):
    answers = REQUIRED_ANSWERS | {"1.6": {"value": "250000", "currency": "KES", "note": "Budget."}}
    review = fill(draft_review, focal_point, answers=answers)
    changed = {
        "1.4": {"value": "11"},
        "1.6": {"value": "300000", "currency": "USD", "note": "Budget."},
        "1.8": {"not_available": "on", "reason": "The survey runs in 2026."},
    }
    review = resubmitted(review, focal_point, reviewer, answers=changed)

    shown = changes(changes_page(review, reviewer))
    fields = {title.split(" ")[0]: labels for title, labels in shown.items()}
    assert fields == {
        "1.4": {"Value": (["14"], ["11"])},
        "1.6": {"Value": (["250000"], ["300000"]), "Currency": (["KES"], ["USD"])},
        "1.8": {"Not available": ([], ["Yes"]),
                "Reason the data is not available": ([], ["The survey runs in 2026."])},
    }  # fmt: skip
    assert list(fields) == ["1.4", "1.6", "1.8"]


def test_typed_text_is_escaped_and_keeps_its_own_direction(draft_review, focal_point, reviewer):
    review = fill(draft_review, focal_point)
    note = 'Survey of <img src="x" onerror="alert(1)"> households.'
    changed = {"1.4": {"value": "14", "note": note}}
    review = resubmitted(review, focal_point, reviewer, answers=changed)

    page = changes_page(review, reviewer, language="ar")
    assert 'lang="ar" dir="rtl"' in page
    assert "<img" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    tree = lxml.html.fromstring(page)
    [inserted] = [i for i in tree.xpath("//main//dd//ins") if "households" in i.text_content()]
    assert inserted.text_content() == note
    assert inserted.getparent().get("dir") == "auto"


def test_practices_municipalities_and_attachments_are_named_for_what_they_are(
    draft_review, focal_point, reviewer, kenya
):
    review = fill(draft_review, focal_point)
    practice = evidence.add_practice(review, fields=PRACTICE, by=focal_point)
    kisumu = factories.make_municipality(kenya, name="Kisumu", province="Kisumu", population=610)

    def change(review):
        evidence.change_practice(practice, fields=PRACTICE | {"city": "Mombasa"}, by=focal_point)
        factories.make_municipality(
            kenya, name="Nakuru", province="Nakuru County", population=25000
        )
        kisumu.delete()
        Attachment.objects.create(
            review=review, file=ContentFile(factories.TEST_PDF, name="e.pdf"),
            original_name="survey results.pdf", kind="pdf", size=2048, sha256="0" * 64,
            uploaded_by=focal_point,
        )  # fmt: skip

    review = resubmitted(review, focal_point, reviewer, change=change)

    shown = changes(changes_page(review, reviewer))
    assert shown == {
        "Municipality added: Nakuru": {"Province or state": ([], ["Nakuru County"]),
                                       "Population": ([], ["25,000"]),
                                       "Has a local safety strategy": ([], ["No"])},
        "Municipality removed: Kisumu": {"Province or state": (["Kisumu"], []),
                                         "Population": (["610"], []),
                                         "Has a local safety strategy": (["No"], [])},
        "Good practice: Women's safety audits": {"City": (["Nairobi"], ["Mombasa"])},
        "Evidence attachment added: survey results.pdf": {
            "File name": ([], ["survey results.pdf"]), "Type": ([], ["PDF"]),
            "Size": ([], ["2.0\xa0KB"]),
        },
    }  # fmt: skip


def test_the_first_submission_lists_what_it_holds(submitted_review, reviewer):
    shown = changes(changes_page(submitted_review, reviewer))
    assert shown["1. Executive summary"] == {}
    assert shown["1.4 Local municipalities in the National Tool Network on Safer Cities"] == {
        "Value": ([], ["14"])
    }
    assert shown["3.1 Member of the Global Network on Safer Cities"] == {
        "Not available": ([], ["Yes"]),
        "Reason the data is not available": ([], ["Membership is being confirmed."]),
    }
