from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Expert Group Meetings")

    def ready(self) -> None:
        from meetings import pack
        from reports import jobs
        from reports.models import ReportKind

        jobs.register(ReportKind.PACK, pack.render_job)
