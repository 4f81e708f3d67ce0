"""Sending Celery tasks after the commit that asks for them, without failing a request.

If the broker cannot be reached then, the commit stands and the request carries on: the send
is logged and `publish` answers False, and whatever the task would have done is found undone in
PostgreSQL later (the render jobs and e-mails of the sweepers, reports/jobs.py and
reviews/notifications.py).
"""

import functools
import logging

from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def publish(task, args: tuple = (), kwargs: dict | None = None, **options) -> bool:
    """Send `task`; False (logged) when the broker is unreachable, instead of an error."""
    try:
        task.apply_async(args, kwargs, **options)
    except OperationalError as error:  # kombu's "could not reach the broker", after retries
        logger.warning("Task %s%s not sent, the broker is unreachable: %s", task.name, args, error)
        return False
    return True


class Task(DjangoTask):
    """The portal's task class (config/celery.py): sent after the commit, never failing it."""

    def apply_async_on_commit(self, args=(), kwargs=None, **options) -> None:
        """Sent once the transaction commits; a dead broker does not fail the request."""
        transaction.on_commit(functools.partial(publish, self, args, kwargs, **options))

    def delay_on_commit(self, *args, **kwargs) -> None:
        self.apply_async_on_commit(args, kwargs)
