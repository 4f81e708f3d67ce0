"""The reports' Celery tasks: thin, taking ids, safe to run twice."""

from celery import shared_task

from reports import jobs, notifications


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_render_job(job_id: int) -> str:
    """Render one PDF of the job table (safe to run twice: one artifact)."""
    return jobs.run(job_id)


@shared_task
def sweep_render_jobs() -> int:
    """Send again the render jobs whose message was lost or whose worker stopped."""
    return jobs.sweep()


@shared_task
def notify_report_ready(report_id: int) -> bool:
    return notifications.notify_report_ready(report_id)


@shared_task
def send_missed_notifications() -> int:
    """Send the "report ready" e-mails whose task was lost while the broker was down."""
    return notifications.send_missed()
