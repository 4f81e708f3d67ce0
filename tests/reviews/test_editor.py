from tests.support.clients import client_for


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
