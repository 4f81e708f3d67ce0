"""The meetings' Celery tasks: thin, taking ids, safe to run twice."""

from celery import shared_task

from meetings import notifications


@shared_task
def confirm_delegation(meeting_id: int, country_id: int, stamp: int) -> int:
    """Confirm a registered delegation to the country's focal points, once."""
    return notifications.confirm_delegation(meeting_id, country_id, stamp)
