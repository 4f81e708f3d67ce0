"""The Celery application: configured from Django settings (CELERY_* names); tasks are sent
after their commit through core.tasks.Task."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from core.tasks import Task  # noqa: E402  (after the settings module is named)

app = Celery("portal", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_process_init.connect
@signals.worker_ready.connect
def _start_heartbeat(**_kwargs) -> None:
    """Each process that runs tasks says it is alive, in the database (core/heartbeat.py)."""
    from core import heartbeat

    heartbeat.start()


@signals.worker_process_shutdown.connect
@signals.worker_shutdown.connect
def _stop_heartbeat(**_kwargs) -> None:
    from core import heartbeat

    heartbeat.stop()
