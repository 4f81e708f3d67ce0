import datetime

import pytest
from django.core import mail

from countries.models import Country
from indicators.models import Indicator
from reviews import notifications, services
from reviews.models import Notification, ReviewStatus
from tests.support.factories import make_focal_point


def test_returning_lists_the_open_comments_to_the_countrys_focal_points(
    submitted_review, focal_point, reviewer, django_capture_on_commit_callbacks
):
    thread = services.add_comment(
        submitted_review, by=reviewer, body="Please name the law adopted in 2022.",
        section="measures",
    )  # fmt: skip
    indicator = Indicator.objects.get(matrix=submitted_review.cycle.matrix, code="1.4")
    services.add_comment(submitted_review, by=reviewer, body="Which year?", indicator=indicator)
    assert thread.section == "measures"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_review(submitted_review, by=reviewer, reason="See the comments.")
    (message,) = mail.outbox
    assert message.to == [focal_point.email]
    assert "See the comments." in message.body
    # Each comment under what its reader calls the place, not the portal's internal key.
    assert (
        "- 3. Measures taken to implement the Guidelines: Please name the law adopted in 2022."
        in message.body
    )
    assert f"- 1.4 {indicator.title}: Which year?" in message.body
    assert "measures:" not in message.body


def test_approval_mail_goes_to_the_country_in_their_language(
    submitted_review, focal_point, reviewer, django_capture_on_commit_callbacks
):
    focal_point.language = "fr"
    focal_point.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_review(submitted_review, by=reviewer)
    (message,) = mail.outbox
    assert message.to == [focal_point.email]


def test_a_transition_mail_is_sent_once_however_often_the_task_runs(submitted_review):
    step = submitted_review.transitions.get()
    mail.outbox.clear()
    assert notifications.notify_transition(step.pk) == 0  # sent already when it was submitted
    assert not mail.outbox
    assert Notification.objects.filter(key=f"transition:{step.pk}").count() == 1


def test_internal_steps_send_no_mail(
    submitted_review, focal_point, reviewer, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_review(submitted_review, by=focal_point, reason="Not ready")
        services.reinstate_review(submitted_review, by=reviewer)
    assert not mail.outbox


@pytest.fixture
def three_countries(open_cycle, focal_point, other_focal_point, kenya):
    """Kenya has submitted; Colombia has a draft; Peru has not started."""
    peru = Country.objects.get(iso3="PER")
    make_focal_point(peru, email="focal.pe@example.org")
    return peru


def test_reminders_go_30_7_and_1_days_before_to_non_submitting_countries_once_each(
    three_countries, submitted_review, open_cycle, other_focal_point, colombia
):
    services.start_review(colombia, open_cycle, by=other_focal_point)
    deadline = open_cycle.deadline
    mail.outbox.clear()
    sent_on = {}
    day = deadline - datetime.timedelta(days=40)
    while day <= deadline + datetime.timedelta(days=2):  # a frozen clock, one day at a time
        for _ in range(3):  # the scheduler runs several times a day
            notifications.send_deadline_reminders(today=day)
        for message in mail.outbox:
            sent_on.setdefault((message.to[0], (deadline - day).days), 0)
            sent_on[(message.to[0], (deadline - day).days)] += 1
        mail.outbox.clear()
        day += datetime.timedelta(days=1)
    assert sent_on == {
        ("focal.co@example.org", 30): 1, ("focal.co@example.org", 7): 1, ("focal.co@example.org", 1): 1,
        ("focal.pe@example.org", 30): 1, ("focal.pe@example.org", 7): 1, ("focal.pe@example.org", 1): 1,
    }  # fmt: skip
    assert submitted_review.status == ReviewStatus.SUBMITTED  # Kenya got none


def test_a_missed_day_still_sends_the_reminder_that_is_due(three_countries, open_cycle):
    mail.outbox.clear()
    notifications.send_deadline_reminders(today=open_cycle.deadline - datetime.timedelta(days=5))
    assert {m.to[0] for m in mail.outbox} == {
        "focal.ke@example.org",
        "focal.co@example.org",
        "focal.pe@example.org",
    }
    assert all("5 days left" in m.subject for m in mail.outbox)
    mail.outbox.clear()
    notifications.send_deadline_reminders(today=open_cycle.deadline - datetime.timedelta(days=4))
    assert not mail.outbox
