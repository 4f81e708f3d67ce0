from celery import shared_task


@shared_task
def notify_transition(transition_id: int) -> int:
    """E-mail the people who must act on a workflow step (once, however often this runs)."""
    from reviews import notifications

    return notifications.notify_transition(transition_id)


@shared_task
def send_deadline_reminders() -> int:
    from reviews import notifications

    return notifications.send_deadline_reminders()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_render_job(job_id: int) -> str:
    """Render one PDF of the job table (safe to run twice: one artifact)."""
    from reviews import jobs

    return jobs.run(job_id)


@shared_task
def sweep_render_jobs() -> int:
    """Send again the render jobs whose message was lost or whose worker stopped."""
    from reviews import jobs

    return jobs.sweep()


@shared_task
def notify_report_ready(report_id: int) -> bool:
    from reviews import notifications

    return notifications.notify_report_ready(report_id)


@shared_task
def send_missed_notifications() -> int:
    """Send the e-mails whose task was lost while the broker was down."""
    from reviews import notifications

    return notifications.send_missed()
