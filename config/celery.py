"""The Celery application: configured from Django settings (CELERY_* names).

Tasks are sent after the commit that asks for them. If the broker cannot be reached then, the
commit stands and the request carries on: the send is logged and `publish` answers False, and
whatever the task would have done is found undone in PostgreSQL later (the render jobs and
e-mails of the sweeper, reviews/jobs.py and reviews/notifications.py).
"""

import functools
import logging
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

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
    def apply_async_on_commit(self, args=(), kwargs=None, **options) -> None:
        """Sent once the transaction commits; a dead broker does not fail the request."""
        transaction.on_commit(functools.partial(publish, self, args, kwargs, **options))

    def delay_on_commit(self, *args, **kwargs) -> None:
        self.apply_async_on_commit(args, kwargs)


app = Celery("portal", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
