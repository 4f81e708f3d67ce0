import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from reviews import editor, services
from reviews.models import Review, ReviewStatus
from tests.support.reviews import fill


def test_an_empty_draft_lists_exactly_what_is_missing(draft_review):
    missing = [m.anchor for m in editor.missing_for_submission(draft_review)]
    assert "section-executive_summary" in missing and "section-good_practices" not in missing
    assert [a for a in missing if a.startswith("indicator-")] == [
        "indicator-1.1", "indicator-1.2", "indicator-1.3", "indicator-1.4", "indicator-1.5",
        "indicator-1.6", "indicator-2.1", "indicator-2.2", "indicator-3.1",
    ]  # fmt: skip
    error = refused(services.submit_review, draft_review, by=draft_review.updated_by)
    assert error.messages == [m.message for m in editor.missing_for_submission(draft_review)]
    assert error.messages[0] == "Section 1, “Executive summary”, is empty."


def test_submitting_a_complete_review_freezes_version_1_and_tells_the_secretariat(
    complete_review, focal_point, reviewer, secretariat_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = services.submit_review(complete_review, by=focal_point)
    assert review.status == ReviewStatus.SUBMITTED
    snapshot = review.snapshots.get()
    assert snapshot.version == 1
    assert snapshot.content["answers"]["1.4"]["values"] == {"value": 14}
    assert snapshot.content["answers"]["3.1"]["not_available"] is True
    step = review.transitions.get()
    assert (step.from_status, step.to_status, step.by, step.snapshot) == (
        "draft",
        "submitted",
        focal_point,
        snapshot,
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([reviewer.email, secretariat_admin.email])


def test_return_needs_a_reason_and_resubmission_makes_version_2(
    submitted_review, focal_point, reviewer, django_capture_on_commit_callbacks
):
    error = refused(services.return_review, submitted_review, by=reviewer, reason="  ")
    assert error.message_dict == {"reason": ["Give a reason."]}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_review(
            submitted_review, by=reviewer, reason="Indicator 1.4 looks too high."
        )
    assert [m.to for m in mail.outbox] == [[focal_point.email]]
    review = Review.objects.get(pk=submitted_review.pk)
    review = fill(review, focal_point, answers={"1.4": {"value": "11"}})
    services.submit_review(review, by=focal_point)
    assert list(review.snapshots.values_list("version", flat=True)) == [1, 2]
    assert review.snapshots.get(version=2).content["answers"]["1.4"]["values"] == {"value": 11}


def refused(step, review: Review, **kwargs) -> ValidationError:
    """Take a step the workflow must refuse: the review's status and its transitions stay as
    they were, and the error says why."""
    before = (Review.objects.get(pk=review.pk).status, list(review.transitions.values_list("pk")))
    with pytest.raises(ValidationError) as caught:
        step(review, **kwargs)
    after = (Review.objects.get(pk=review.pk).status, list(review.transitions.values_list("pk")))
    assert after == before
    return caught.value


def test_illegal_transitions_are_refused(draft_review, reviewer, focal_point):
    error = refused(services.approve_review, draft_review, by=reviewer)
    assert error.messages == ["A review that is draft cannot be approved."]
    error = refused(services.reinstate_review, draft_review, by=reviewer)
    assert error.messages == ["A review that is draft cannot be reinstated."]
    submitted_review = services.submit_review(fill(draft_review, focal_point), by=focal_point)
    services.approve_review(submitted_review, by=reviewer)
    error = refused(services.return_review, submitted_review, by=reviewer, reason="late")
    assert error.messages == ["A review that is approved cannot be returned for revision."]
    error = refused(
        services.withdraw_review, submitted_review, by=focal_point, reason="changed our mind"
    )
    assert error.messages == ["A review that is approved cannot be withdrawn."]
    assert Review.objects.get(pk=draft_review.pk).status == ReviewStatus.APPROVED


def test_withdraw_reinstate_and_reopen(submitted_review, focal_point, reviewer, secretariat_admin):
    services.withdraw_review(submitted_review, by=focal_point, reason="New data is coming.")
    services.reinstate_review(submitted_review, by=reviewer)
    assert Review.objects.get(pk=submitted_review.pk).status == ReviewStatus.DRAFT
    services.submit_review(Review.objects.get(pk=submitted_review.pk), by=focal_point)
    services.approve_review(submitted_review, by=reviewer)
    services.reopen_review(submitted_review, by=secretariat_admin, reason="A figure was wrong.")
    review = Review.objects.get(pk=submitted_review.pk)
    assert review.status == ReviewStatus.RETURNED
    assert [t.to_status for t in review.transitions.all()] == [
        "submitted", "withdrawn", "draft", "submitted", "approved", "returned",
    ]  # fmt: skip


def test_saving_from_a_stale_version_is_refused(complete_review, focal_point):
    stale = complete_review.lock_version
    fill(complete_review, focal_point)
    with pytest.raises(editor.StaleEdit):
        editor.save_draft(
            complete_review, by=focal_point, base_version=stale, sections={"difficulties": "Mine"}
        )
    assert Review.objects.get(pk=complete_review.pk).difficulties != "Mine"
