from celery import shared_task


@shared_task
def notify_transition(transition_id: int) -> int:
    """E-mail the people who must act on a workflow step (once, however often this runs)."""
    from reviews import notifications

    return notifications.notify_transition(transition_id)


@shared_task
def send_deadline_reminders() -> int:
    from reviews import notifications

    return notifications.send_deadline_reminders()
