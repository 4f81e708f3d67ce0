"""The Celery application: configured from Django settings (CELERY_* names); tasks are sent
after their commit through core.tasks.Task."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from core.tasks import Task  # noqa: E402  (after the settings module is named)

app = Celery("portal", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
