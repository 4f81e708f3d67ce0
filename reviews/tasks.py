"""The reviews' Celery tasks: thin, taking ids, safe to run twice."""

from celery import shared_task

from reviews import notifications


@shared_task
def notify_transition(transition_id: int) -> int:
    """E-mail the people who must act on a workflow step (once, however often this runs)."""
    return notifications.notify_transition(transition_id)


@shared_task
def send_deadline_reminders() -> int:
    return notifications.send_deadline_reminders()


@shared_task
def send_missed_notifications() -> int:
    """Send the e-mails of workflow steps whose task was lost while the broker was down."""
    return notifications.send_missed()


@shared_task
def notify_peer_event(assessment_id: int, event: str, stamp: int) -> int:
    """E-mail who must act on a step of a peer assessment (reviews/peers.py), once."""
    return notifications.notify_peer_event(assessment_id, event, stamp)
