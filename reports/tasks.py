"""The reports' Celery tasks: thin, taking ids, safe to run twice."""

from celery import shared_task

from reports import jobs, notifications


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_render_job(job_id: int) -> str:
    """Render one PDF of the job table (safe to run twice: one artifact)."""
    return jobs.run(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def draw_compile_part(part_id: int) -> str:
    """Draw one part of a compile spread over workers (reports/compiling.py); safe to run
    twice: a part found done is left alone."""
    return jobs.draw_part(part_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def join_compile(job_id: int) -> str:
    """Join a compile whose parts are all drawn and store its report (once)."""
    return jobs.join(job_id)


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
