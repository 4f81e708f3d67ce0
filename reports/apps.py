from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from reports import (
            receivers,  # noqa: F401  (subscribes to the reviews' hooks)
            tasks,  # noqa: F401  (registered: reports/jobs.py sends them by name)
        )
