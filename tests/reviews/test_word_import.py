"""Importing an edited Word document: what the preview says (changes, problems named by where
they are, how the document was read), optimistic locking on accept, who may import what."""

from io import BytesIO

import docx
import pytest
from django.urls import reverse
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from reviews import editor
from reviews.models import Review, WordImport
from tests.support import factories
from tests.support.clients import client_for
from tests.support.word import edit, export, full_review, upload


@pytest.fixture
def kenya_draft(draft_review, focal_point):
    return full_review(draft_review, focal_point, "en")


def post_document(client, review, data):
    response = client.post(
        reverse("reviews:word_import", args=[review.pk]), {"document": upload(data)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"], client.get(response["Location"])


def accept(client, location, version):
    return client.post(location + "accept/", {"version": version})


def test_a_value_that_does_not_validate_is_named_by_where_it_is(kenya_draft, focal_point):
    client = client_for(focal_point)
    data = edit(export(client, kenya_draft), answers={
        "1.6": {"answer": "Value: about 2 million\nCurrency: KES"},
        "1.3": {"year": "last year"},
    })  # fmt: skip
    location, preview = post_document(client, kenya_draft, data)
    problems = preview.context["preview"].problems
    assert any(p.startswith("1.6, Value: “about 2 million”: ") for p in problems), problems
    assert any(p.startswith("1.3, Reference year: “last year”: ") for p in problems), problems
    assert "about 2 million" in preview.content.decode()
    # accepted, it is kept as typed and marked invalid, as the editor keeps what was typed
    accept(client, location, preview.context["preview"].base_version)
    answer = Review.objects.get(pk=kenya_draft.pk).answers.get(indicator__code="1.6")
    assert answer.raw["value"] == "about 2 million" and not answer.is_valid
    page = client.get(reverse("reviews:edit", args=[kenya_draft.pk])).content.decode()
    assert "about 2 million" in page and "Enter a number" in page


def test_a_section_the_draft_changed_meanwhile_is_a_conflict_and_nothing_is_lost(
    kenya_draft, focal_point
):
    client = client_for(focal_point)
    data = edit(export(client, kenya_draft), sections={1: "Written in Word."},
                answers={"1.3": {"answer": "20"}})  # fmt: skip
    saved = editor.save_draft(kenya_draft, by=focal_point, base_version=kenya_draft.lock_version,
                              sections={"executive_summary": "Written in the portal."})  # fmt: skip
    location, preview = post_document(client, kenya_draft, data)
    assert [c.key for c in preview.context["preview"].conflicts] == ["executive_summary"]
    assert "Nothing was imported: the draft changed meanwhile" in preview.content.decode()
    response = accept(client, location, saved.lock_version)
    assert response.status_code == 200 and response.context["refused"] == "conflicts"
    after = Review.objects.get(pk=kenya_draft.pk)
    assert after.executive_summary == "Written in the portal."
    assert after.answers.get(indicator__code="1.3").values == {"value": 12}
    assert WordImport.objects.get().applied_at is None


def test_a_draft_saved_after_the_preview_asks_for_a_second_look(kenya_draft, focal_point):
    client = client_for(focal_point)
    data = edit(export(client, kenya_draft), sections={1: "Written in Word."})
    location, preview = post_document(client, kenya_draft, data)
    seen = preview.context["preview"].base_version
    editor.save_draft(kenya_draft, by=focal_point, base_version=seen,
                      sections={"difficulties": "Another part, saved meanwhile."})  # fmt: skip
    response = accept(client, location, seen)
    assert response.context["refused"] == "changed"
    assert Review.objects.get(pk=kenya_draft.pk).executive_summary != "Written in Word."
    response = accept(client, location, response.context["preview"].base_version)
    after = Review.objects.get(pk=kenya_draft.pk)
    assert response.status_code == 302
    assert after.executive_summary == "Written in Word."
    assert after.difficulties == "Another part, saved meanwhile."


def with_tracked_change_and_comment(data: bytes) -> bytes:
    """Section 1's first line replaced with tracking on, and a reviewer's comment on it."""
    document = docx.Document(BytesIO(data))
    paragraph = next(p for t in document.tables for p in t.cell(0, 0).paragraphs
                     if p.text.startswith("Executive summary: "))  # fmt: skip
    old = paragraph.text
    for run in list(paragraph.runs):
        paragraph._p.remove(run._r)
    deleted, inserted = OxmlElement("w:del"), OxmlElement("w:ins")
    for change in (deleted, inserted):
        change.set(qn("w:id"), "901" if change is deleted else "902")
        change.set(qn("w:author"), "Ministry of Interior")
        change.set(qn("w:date"), "2026-11-30T10:00:00Z")
        run, text = OxmlElement("w:r"), OxmlElement("w:delText" if change is deleted else "w:t")
        text.text = old if change is deleted else "Rewritten with tracked changes."
        run.append(text)
        change.append(run)
        paragraph._p.append(change)
    reference = OxmlElement("w:r")
    mark = OxmlElement("w:commentReference")
    mark.set(qn("w:id"), "0")
    reference.append(mark)
    paragraph._p.append(reference)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def test_tracked_changes_are_read_as_accepted_and_comments_left_out(kenya_draft, focal_point):
    client = client_for(focal_point)
    data = with_tracked_change_and_comment(export(client, kenya_draft))
    location, preview = post_document(client, kenya_draft, data)
    page = preview.content.decode()
    assert "2 tracked changes were read as if accepted" in page
    assert "1 comment written in Word was not imported" in page
    accept(client, location, preview.context["preview"].base_version)
    summary = Review.objects.get(pk=kenya_draft.pk).executive_summary
    assert summary.startswith("Rewritten with tracked changes.\n")
    assert "what the country did" not in summary.split("\n")[0]


def test_other_countries_and_other_peoples_imports_answer_404(
    kenya_draft, focal_point, other_focal_point, board_member, reviewer
):
    client = client_for(focal_point)
    location, _preview = post_document(client, kenya_draft, export(client, kenya_draft))
    for pk_url in ("reviews:word_export", "reviews:word_import"):
        url = reverse(pk_url, args=[kenya_draft.pk])
        assert client_for(other_focal_point).get(url).status_code == 404
    assert client_for(other_focal_point).get(location).status_code == 404
    second = factories.make_focal_point(kenya_draft.country, email="alt.ken@example.org")
    assert client_for(second).get(location).status_code == 404  # someone else's import
    assert client_for(reviewer).get(reverse("reviews:word_export",
                                            args=[kenya_draft.pk])).status_code == 403  # fmt: skip


def test_a_contributor_imports_only_their_part(kenya_draft, focal_point, kenya):
    user = factories.make_contributor(kenya, sections=["difficulties"], outcomes=["2"])
    client = client_for(user)
    data = edit(export(client, kenya_draft), sections={1: "Not mine.", 6: "Mine."},
                answers={"1.3": {"answer": "99"}, "2.4": {"answer": "8"}})  # fmt: skip
    location, preview = post_document(client, kenya_draft, data)
    result = preview.context["preview"]
    assert [c.key for c in result.changes] == ["difficulties", "2.4"]
    assert [c.key for c in result.not_yours] == ["executive_summary", "1.3"]
    accept(client, location, result.base_version)
    after = Review.objects.get(pk=kenya_draft.pk)
    assert after.difficulties == "Mine." and after.executive_summary != "Not mine."
    assert after.answers.get(indicator__code="2.4").values == {"value": 8}
    assert after.answers.get(indicator__code="1.3").values == {"value": 12}
    assert after.updated_by == user


def test_the_history_names_the_document_an_import_applied(kenya_draft, focal_point):
    client = client_for(focal_point)
    data = edit(export(client, kenya_draft), sections={1: "Written in Word."})
    response = client.post(
        reverse("reviews:word_import", args=[kenya_draft.pk]),
        {"document": upload(data, "Kenya review - Ministry of Interior.docx")},
    )
    preview = client.get(response["Location"])
    accept(client, response["Location"], preview.context["preview"].base_version)
    history = client.get(reverse("reviews:history", args=[kenya_draft.pk])).content.decode()
    assert (
        'from the Word document “<bdi dir="auto">Kenya review - Ministry of Interior.docx'
        in history
    )
