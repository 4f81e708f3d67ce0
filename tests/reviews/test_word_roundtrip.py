"""A review goes out as a Word document and comes back: untouched it changes nothing; saved by
LibreOffice and edited as a person edits in Word, it changes exactly what was edited, in
English, Arabic and Chinese."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from reviews.models import Review, WordImport
from tests.support.clients import client_for
from tests.support.word import (
    edit,
    export,
    full_review,
    full_sections,
    libreoffice_resave,
    upload,
)

SUMMARIES = {
    "en": "The new summary, written by the Ministry.\nIts second paragraph.",
    "ar": "ملخص جديد كتبته الوزارة.\nفقرته الثانية.",
    "zh-hans": "部委撰写的新摘要。\n第二段。",
}


def typed_in(language: str) -> tuple[str, str]:
    """An answer by sex and a "yes", typed with the labels of the document's language."""
    with translation.override(language):
        by_sex = f"{_('Female')}: 2.5\n{_('Male')}: 7\n{_('Total')}: 4.8"
        return by_sex, _("Yes")


def import_document(client, review: Review, data: bytes):
    response = client.post(
        reverse("reviews:word_import", args=[review.pk]), {"document": upload(data)}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return client.get(response["Location"])


def test_a_document_imported_untouched_changes_nothing(draft_review, focal_point):
    review = full_review(draft_review, focal_point, "en")
    client = client_for(focal_point)
    preview = import_document(client, review, export(client, review))
    assert preview.context["preview"].changes == []
    assert preview.context["preview"].problems == []
    assert 'id="no-changes"' in preview.content.decode()


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_a_document_saved_by_libreoffice_and_edited_changes_exactly_what_was_edited(
    draft_review, focal_point, language
):
    review = full_review(draft_review, focal_point, language)
    client = client_for(focal_point)
    summary, (by_sex, yes) = SUMMARIES[language], typed_in(language)
    saved = libreoffice_resave(export(client, review))
    assert import_document(client, review, saved).context["preview"].changes == []

    edited = edit(saved, sections={1: summary}, answers={
        "1.3": {"answer": "15", "year": "2024"},
        "1.7": {"answer": by_sex},
        "2.5": {"answer": yes, "note": ""},
    })  # fmt: skip
    preview = import_document(client, review, edited)
    changes = preview.context["preview"].changes
    assert [(c.kind, c.key) for c in changes] == [
        ("section", "executive_summary"), ("answer", "1.3"), ("answer", "1.7"), ("answer", "2.5"),
    ]  # fmt: skip
    assert preview.context["preview"].problems == []
    document = WordImport.objects.latest("created_at")

    response = client.post(
        reverse("reviews:word_accept", args=[review.pk, document.pk]),
        {"version": preview.context["preview"].base_version},
    )
    assert response.status_code == 302
    after = Review.objects.get(pk=review.pk)
    assert after.executive_summary == summary
    answers = {a.indicator.code: a for a in after.answers.select_related("indicator")}
    assert answers["1.3"].values == {"value": 15} and answers["1.3"].reference_year == 2024
    assert answers["1.7"].values == {"female": "2.5", "male": "7", "total": "4.8"}
    assert answers["2.5"].values == {"value": True} and answers["2.5"].note == ""
    # everything else exactly as it was
    before = full_sections(language)
    for key, text in before.items():
        if key != "executive_summary":
            assert getattr(after, key) == text
    assert answers["1.6"].values == {"value": "250000.50"} and answers["1.6"].currency == "KES"
    assert answers["1.11"].not_available and answers["1.11"].reason.startswith("No land-use")
    assert answers["1.7"].note == "Provisional figures.\nRevised in 2024."
    assert all(a.is_valid for a in answers.values())
    assert after.lock_version == review.lock_version + 1  # one draft save
