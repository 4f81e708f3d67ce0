"""E-mails about reports, sent by the worker: each goes out once (reviews' Notification)."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportFile, ReportKind
from reviews.notifications import secretariat, send_missing, send_once

MISSED_WINDOW = datetime.timedelta(days=2)


def notify_report_ready(report_id: int) -> bool:
    """A new version of a cycle's compiled report is ready: tell the secretariat, naming the
    reviews that could not be drawn or lost an image."""
    report = ReportFile.objects.select_related("cycle", "job").get(pk=report_id)
    context = {
        "report": report,
        "problems": report.job.stats.get("problems", []),
        "link": settings.SITE_URL + reverse("reports:cycle", args=[report.cycle_id]),
    }
    return send_once(f"report-ready:{report.pk}", secretariat(), "reports/email/report_ready",
                     context)  # fmt: skip


def send_missed() -> int:
    """Send the "report ready" e-mails of the last two days that never went out."""
    since = timezone.now() - MISSED_WINDOW
    reports = ReportFile.objects.filter(built_at__gte=since, kind=ReportKind.DOSSIER)
    return send_missing({f"report-ready:{pk}": (notify_report_ready, pk)
                         for pk in reports.values_list("pk", flat=True)})  # fmt: skip
