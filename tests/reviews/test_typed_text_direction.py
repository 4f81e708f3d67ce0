"""Text people typed keeps its own direction on a page of any language (dir="auto" or <bdi>):
an English review read with the Arabic interface must not show "A national programme …
adopted." as ".A national programme…"."""

import lxml.html
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from reviews import services
from reviews.models import Attachment
from reviews.sections import SECTIONS
from tests.support import factories
from tests.support.clients import client_for
from tests.support.reviews import REQUIRED_ANSWERS, fill

SUMMARY = "A national programme for safer cities was adopted."
TYPED = {
    "section": SUMMARY,
    "source": "INEGI, ENVIPE 2025",
    "note": 'Survey of <img src="file:///etc/passwd"> households.',
    "attachment": "survey results.pdf",
    "reason": "Please add the 2023 figures.",
    "comment": "Which law was adopted in 2022?",
}


def isolated(page: str, text: str) -> bool:
    """Whether every element whose own text holds `text` sits in a dir="auto" or <bdi>."""
    tree = lxml.html.fromstring(page)
    holders = [el for el in tree.iter() if text in (el.text or "") + "".join(
        (child.tail or "") for child in el
    )]  # fmt: skip
    assert holders, f"{text!r} is not on the page"
    return all(
        any(a.tag == "bdi" or a.get("dir") == "auto" for a in [el, *el.iterancestors()])
        for el in holders
    )


def test_typed_text_has_its_own_direction_on_an_arabic_page(draft_review, focal_point, reviewer):
    answers = REQUIRED_ANSWERS | {
        "1.4": {"value": "14", "source": TYPED["source"], "note": TYPED["note"]},
    }
    sections = {s.key: f"{s.title}: what Kenya did." for s in SECTIONS}
    review = fill(draft_review, focal_point, sections=sections | {"executive_summary": SUMMARY},
                  answers=answers)  # fmt: skip
    Attachment.objects.create(
        review=review, file=ContentFile(factories.TEST_PDF, name="e.pdf"),
        original_name=TYPED["attachment"], kind="pdf", size=len(factories.TEST_PDF),
        sha256="0" * 64, uploaded_by=focal_point,
    )  # fmt: skip
    services.add_comment(review, by=reviewer, body=TYPED["comment"], section="measures")
    review = services.submit_review(review, by=focal_point)
    services.return_review(review, by=reviewer, reason=TYPED["reason"])
    client = client_for(reviewer)
    with translation.override("ar"):
        page = client.get(
            reverse("reviews:detail", args=[review.pk]), HTTP_ACCEPT_LANGUAGE="ar"
        ).content.decode()
    assert 'lang="ar" dir="rtl"' in page
    wrong = [name for name, text in TYPED.items() if not isolated(page, text)]
    assert wrong == []


def test_the_editor_fields_people_type_in_take_their_own_direction(complete_review, focal_point):
    """An English paragraph typed on an Arabic page reads left to right in its field too."""
    page = client_for(focal_point).get(f"/reviews/{complete_review.pk}/edit/").content.decode()
    tree = lxml.html.fromstring(page)
    typed = tree.xpath(
        '//form[@id="review-form"]//textarea | //form[@id="review-form"]//input[@type="text"]'
    )
    names = {field.get("name").rsplit("-", 1)[-1] for field in typed}
    assert {"executive_summary", "source", "note", "reason"} <= names
    undirected = [
        field.get("name")
        for field in typed
        if field.get("dir") != "auto"
        and not field.get("name").endswith(("reference_year",))
        and field.get("inputmode") not in ("numeric", "decimal")
    ]
    assert undirected == []
