from django.apps import apps

from reviews.models import Review
from tests.support.clients import client_for
from tests.support.forms import form_values


def test_the_editor_shows_progress_per_section_and_outcome(complete_review, focal_point):
    page = client_for(focal_point).get(f"/reviews/{complete_review.pk}/edit/").content.decode()
    assert 'id="progress-sections"' in page and 'id="progress-indicators"' in page
    assert page.count(">Written<") == 8  # the fixture writes every section
    assert "6 / 11" in page  # outcome 1: 1.1–1.6 answered, 1.7–1.11 not
    assert "2 / 6" in page  # outcome 2: 2.1 and 2.2
    assert "1 / 5" in page  # outcome 3: 3.1, marked "not available" with a reason


def test_autosave_answers_with_the_status_and_the_refreshed_checklist(draft_review, focal_point):
    client = client_for(focal_point)
    response = client.post(
        f"/reviews/{draft_review.pk}/edit/",
        {
            "lock_version": draft_review.lock_version,
            "language": "en",
            "executive_summary": "Kenya…",
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saved at" in html and 'id="ready"' in html and 'hx-swap-oob="true"' in html
    assert "Section 1" not in html  # the executive summary is no longer missing


def test_an_empty_required_answer_is_not_an_error_while_drafting(draft_review, focal_point):
    client = client_for(focal_point)
    response = client.post(
        f"/reviews/{draft_review.pk}/edit/",
        {"lock_version": draft_review.lock_version, "language": "en"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "need correcting" not in page


def test_an_autosave_writes_only_the_answers_it_changes(complete_review, focal_point):
    """The editor posts every answer at each autosave: the answers left as they were are not
    written again (their time stays, no history row); a changed one is, once."""
    events = apps.get_model("reviews", "AnswerEvent")
    client = client_for(focal_point)
    url = f"/reviews/{complete_review.pk}/edit/"
    posted = form_values(client.get(url).content.decode())
    client.post(url, posted, headers={"HX-Request": "true"})  # as the page shows them

    def again(**changes) -> None:
        version = Review.objects.get(pk=complete_review.pk).lock_version
        response = client.post(url, posted | {"lock_version": str(version)} | changes,
                               headers={"HX-Request": "true"})  # fmt: skip
        assert response.status_code == 200 and "Saved at" in response.content.decode()

    before = events.objects.count()
    stamps = dict(complete_review.answers.values_list("indicator__code", "updated_at"))
    again()
    assert events.objects.count() == before
    assert dict(complete_review.answers.values_list("indicator__code", "updated_at")) == stamps

    one_four = complete_review.answers.get(indicator__code="1.4")
    again(**{f"ind-{one_four.indicator_id}-value": "13"})
    assert events.objects.count() == before + 1
    now = dict(complete_review.answers.values_list("indicator__code", "updated_at"))
    assert [code for code in now if now[code] != stamps[code]] == ["1.4"]
    assert complete_review.answers.get(indicator__code="1.4").values == {"value": 13}
