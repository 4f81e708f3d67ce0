"""Good practices (section 5): added, changed and removed by the country's focal points."""

import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from reviews import evidence, services
from reviews.models import GoodPractice
from tests.support.clients import client_for
from tests.support.reviews import fill

PRACTICE = {
    "title": "Women's safety audits",
    "city": "Nairobi",
    "period": "2021–2023",
    "description": "Walks with residents to map unsafe places.",
    "results": "Forty new street lights.",
    "partners": "County government, residents' associations",
    "tools_used": "Women's safety audit guide",
}


@pytest.fixture
def practice(draft_review, focal_point) -> GoodPractice:  # one practice on Kenya's draft
    return evidence.add_practice(draft_review, fields=PRACTICE, by=focal_point)


def url(name: str, review, practice=None) -> str:
    return reverse(f"reviews:{name}", args=[review.pk] + ([practice.pk] if practice else []))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_add_form_labels_every_field(draft_review, focal_point):
    response = client_for(focal_point).get(url("practice_add", draft_review))
    html = response.content.decode()
    assert response.status_code == 200
    for name in evidence.PRACTICE_FIELDS:
        assert re.search(rf'<label\s+for="id_{name}"', html)
    assert 'enctype="multipart/form-data"' in html


def test_focal_point_adds_a_good_practice(draft_review, focal_point):
    response = client_for(focal_point).post(url("practice_add", draft_review), PRACTICE)
    assert response.status_code == 302
    assert response["Location"] == url("edit", draft_review) + "#evidence"
    stored = draft_review.practices.get()
    assert {name: getattr(stored, name) for name in PRACTICE} == PRACTICE
    assert stored.order == 1


def test_practices_keep_the_order_they_were_added_in(practice, draft_review, focal_point):
    client_for(focal_point).post(url("practice_add", draft_review), PRACTICE | {"title": "Second"})
    assert [(p.title, p.order) for p in draft_review.practices.all()] == [
        ("Women's safety audits", 1), ("Second", 2),
    ]  # fmt: skip


def test_a_practice_without_title_or_description_is_refused_keeping_what_was_typed(
    draft_review, focal_point
):
    data = PRACTICE | {"title": "   ", "description": ""}
    response = client_for(focal_point).post(url("practice_add", draft_review), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "title": ["This field is required."],
        "description": ["This field is required."],
    }
    html = response.content.decode()
    assert 'value="Nairobi"' in html and "Forty new street lights." in html
    assert 'aria-invalid="true"' in html or "is-invalid" in html
    assert not GoodPractice.objects.exists()


@pytest.mark.parametrize("field", ["title", "description", "partners"])
def test_a_nul_byte_is_refused_next_to_the_field(draft_review, focal_point, field):
    data = PRACTICE | {field: "Before\x00after"}
    response = client_for(focal_point).post(url("practice_add", draft_review), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: ["Null characters are not allowed."]}
    assert "Nairobi" in response.content.decode()
    assert not GoodPractice.objects.exists()


def test_overlong_values_are_refused_not_truncated(draft_review, focal_point):
    data = PRACTICE | {"title": "t" * 301, "results": "r" * 10_001}
    response = client_for(focal_point).post(url("practice_add", draft_review), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "results"}
    assert not GoodPractice.objects.exists()


def test_focal_point_edits_a_practice(practice, draft_review, focal_point):
    form = client_for(focal_point).get(url("practice_edit", draft_review, practice))
    assert "Walks with residents" in form.content.decode()
    data = PRACTICE | {"results": "Sixty new street lights."}
    response = client_for(focal_point).post(url("practice_edit", draft_review, practice), data)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.results == "Sixty new street lights."


def test_an_invalid_edit_changes_nothing_and_keeps_the_typing(practice, draft_review, focal_point):
    data = PRACTICE | {"title": "", "results": "Typed but not saved"}
    response = client_for(focal_point).post(url("practice_edit", draft_review, practice), data)
    assert response.status_code == 200
    assert "Typed but not saved" in response.content.decode()
    practice.refresh_from_db()
    assert (practice.title, practice.results) == (PRACTICE["title"], PRACTICE["results"])


def test_removal_asks_for_confirmation_then_removes(practice, draft_review, focal_point):
    client = client_for(focal_point)
    confirm = client.get(url("practice_delete", draft_review, practice))
    assert confirm.status_code == 200
    assert "Remove the good practice “Women&#x27;s safety audits”?" in confirm.content.decode()
    assert GoodPractice.objects.exists()
    response = client.post(url("practice_delete", draft_review, practice), follow=True)
    assert "The good practice “Women's safety audits” was removed." in messages_of(response)
    assert not GoodPractice.objects.exists()


def test_the_history_records_who_added_and_changed_a_practice(practice, focal_point):
    evidence.change_practice(practice, fields={"city": "Mombasa"}, by=focal_point)
    events = apps.get_model("reviews", "GoodPracticeEvent").objects.filter(pgh_obj=practice)
    assert [(e.pgh_label, e.city, e.pgh_context.metadata["user"]) for e in events.order_by("pk")] == [
        ("insert", "Nairobi", focal_point.pk), ("update", "Mombasa", focal_point.pk),
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["practice_add", "practice_edit", "practice_delete"])
@pytest.mark.parametrize(
    "persona, status",
    [
        ("reviewer", 403),
        ("secretariat_admin", 403),
        ("other_focal_point", 404),
        ("board_member", 404),
    ],
)
def test_only_the_countrys_focal_points_reach_the_practice_pages(
    practice, draft_review, name, persona, status, request
):
    client = client_for(request.getfixturevalue(persona))
    target = url(name, draft_review, None if name == "practice_add" else practice)
    assert client.get(target).status_code == status
    assert client.post(target, PRACTICE | {"title": "Changed"}).status_code == status
    assert [p.title for p in GoodPractice.objects.all()] == [PRACTICE["title"]]


def test_anonymous_visitors_are_sent_to_sign_in(practice, draft_review, anonymous):
    response = anonymous.get(url("practice_edit", draft_review, practice))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_practice_is_not_reachable_through_another_review(
    practice, colombia, open_cycle, other_focal_point
):
    colombian = services.start_review(colombia, open_cycle, by=other_focal_point)
    client = client_for(other_focal_point)
    assert client.get(url("practice_edit", colombian, practice)).status_code == 404
    assert client.post(url("practice_delete", colombian, practice)).status_code == 404
    assert GoodPractice.objects.filter(pk=practice.pk).exists()


def test_a_submitted_review_refuses_practice_changes(practice, draft_review, focal_point):
    review = services.submit_review(fill(draft_review, focal_point), by=focal_point)
    client = client_for(focal_point)
    response = client.get(url("practice_add", review), follow=True)
    assert response.redirect_chain[-1][0] == url("detail", review)
    assert messages_of(response) == ["This review is submitted: it is read-only."]
    client.post(url("practice_add", review), PRACTICE | {"title": "Late"})
    client.post(url("practice_edit", review, practice), PRACTICE | {"title": "Changed"})
    client.post(url("practice_delete", review, practice))
    assert [p.title for p in GoodPractice.objects.all()] == [PRACTICE["title"]]


def test_the_services_refuse_a_review_that_is_not_editable(practice, draft_review, focal_point):
    review = services.submit_review(fill(draft_review, focal_point), by=focal_point)
    with pytest.raises(ValidationError):
        evidence.add_practice(review, fields=PRACTICE, by=focal_point)
    with pytest.raises(ValidationError):
        evidence.change_practice(practice, fields={"title": "Changed"}, by=focal_point)
    with pytest.raises(ValidationError):
        evidence.remove_practice(practice, by=focal_point)
    assert [p.title for p in GoodPractice.objects.all()] == [PRACTICE["title"]]


def test_the_detail_page_shows_the_practice(practice, draft_review, reviewer):
    response = client_for(reviewer).get(url("detail", draft_review))
    assert "Women&#x27;s safety audits" in response.content.decode()


def test_the_evidence_panel_links_to_edit_and_remove_for_the_focal_point(
    practice, draft_review, focal_point
):
    request = RequestFactory().get("/")
    request.user = focal_point
    html = render_to_string(
        "reviews/includes/evidence.html",
        {"review": draft_review, **evidence.evidence_context(draft_review, focal_point)},
        request=request,
    )
    assert url("practice_edit", draft_review, practice) in html
    assert url("practice_delete", draft_review, practice) in html
    assert url("practice_add", draft_review) in html


def test_the_evidence_panel_falls_back_on_the_review_without_edit_links(practice, draft_review):
    html = render_to_string("reviews/includes/evidence.html", {"review": draft_review})
    assert "Women&#x27;s safety audits" in html
    assert url("practice_edit", draft_review, practice) not in html
