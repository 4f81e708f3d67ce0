"""Render jobs: every PDF is a row in PostgreSQL before it is a message to the worker.

    queued ──claim──▶ running ──▶ done (one ReportFile)
       ▲                 │
       └── retry/sweep ──┴──▶ failed (after MAX_ATTEMPTS, or an error; the page offers a retry)

- The task is acknowledged late and re-queued if its worker dies (settings: acks_late,
  reject_on_worker_lost). A redelivered task takes over a job whose worker process is gone.
- A job is safe to run twice: the finishing step locks the row and stores one artifact.
- A job is sent to the worker after the commit that creates it. When the broker cannot be
  reached, the commit stands and the job stays queued, marked `unsent`;
  `sweep` (beat, every minute) sends it again on its next run after the broker is back.
- `sweep` also sends again the jobs whose message was lost in the broker (queued long past
  their time) or whose worker stopped answering.
"""

import functools
import logging
from datetime import timedelta
from typing import cast

from celery import current_app
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core import heartbeat
from core import tasks as core_tasks
from indicators.models import ReviewCycle
from reports import compiling, pdf
from reports.models import CompilePart, JobStatus, PartStatus, RenderJob, ReportFile, ReportKind
from reviews.models import Review, Snapshot

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3

# Kinds of PDF other apps draw through this job table: {kind: render(job) → (Rendered, stats)}.
# An app registers its kind in its AppConfig.ready() (meetings: the benchmarking pack).
RENDERERS: dict = {}


def register(kind: str, render) -> None:
    RENDERERS[kind] = render


def _task(name: str):
    """A task of reports/tasks.py, found by its registered name (that module imports this one,
    so this one does not import it)."""
    return current_app.tasks[f"reports.tasks.{name}"]


def _enqueue(job: RenderJob, *, countdown: int = 0) -> None:
    transaction.on_commit(functools.partial(_send, job.pk, countdown=countdown, kind=job.kind))


def _queue(kind: str) -> str | None:
    """Compiles (the dossier, packs) on the compile queue; country PDFs on the default one."""
    return None if kind == ReportKind.REVIEW else compiling.queue()


def _send(job_id: int, *, countdown: int = 0, kind: str = ReportKind.REVIEW) -> bool:
    """Send the job's task; when the broker is unreachable, mark the job for the sweeper."""
    options: dict = {"countdown": countdown or None}
    if _queue(kind):
        options["queue"] = _queue(kind)
    sent = core_tasks.publish(_task("run_render_job"), (job_id,), **options)
    if not sent:
        _mark_unsent(job_id, True)
    return sent


def _mark_unsent(job_id: int, unsent: bool) -> None:
    # Only while queued: a worker that took the job meanwhile got the message after all.
    RenderJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(unsent=unsent)


def request_review_pdf(review: Review, snapshot: Snapshot, *, draft: bool, by: User) -> RenderJob:
    """Queue the PDF of a submitted version (draft) or of the approved one."""
    job = RenderJob.objects.create(
        kind=ReportKind.REVIEW, cycle_id=review.cycle_id, review=review, snapshot=snapshot,
        draft=draft, language=review.language, requested_by=by,
    )  # fmt: skip
    _enqueue(job)
    return job


def request_subject(
    kind: str, cycle: ReviewCycle, subject_id: int, *, language: str, by: User
) -> RenderJob:
    """Queue the PDF of a registered kind (a meeting's benchmarking pack); while one for the
    same subject and language is queued or running, that one is the answer."""
    with transaction.atomic():
        ReviewCycle.objects.select_for_update().get(pk=cycle.pk)  # one request at a time
        pending = (
            RenderJob.objects.filter(kind=kind, subject_id=subject_id, language=language)
            .filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
            .first()
        )
        if pending:
            return pending
        job = RenderJob.objects.create(
            kind=kind, cycle=cycle, subject_id=subject_id, language=language, requested_by=by
        )
        _enqueue(job)
    return job


def request_compile(
    cycle: ReviewCycle, *, by: User | None, language: str = "en", delay: int = 0
) -> RenderJob:
    """Queue a compile of the cycle's report; requests close together share one job.

    With `delay`, the compile waits until `delay` seconds after the last request (a burst of
    approvals makes one compile, not one each).
    """
    not_before = timezone.now() + timedelta(seconds=delay)
    with transaction.atomic():
        job = (
            RenderJob.objects.select_for_update()
            .filter(
                kind=ReportKind.DOSSIER, cycle=cycle, language=language, status=JobStatus.QUEUED
            )
            .first()
        )
        if job is None:
            try:
                with transaction.atomic():
                    job = RenderJob.objects.create(
                        kind=ReportKind.DOSSIER, cycle=cycle, language=language,
                        requested_by=by, not_before=not_before,
                    )  # fmt: skip
            except IntegrityError:  # another request created it at the same moment
                job = RenderJob.objects.select_for_update().get(
                    kind=ReportKind.DOSSIER, cycle=cycle, language=language, status=JobStatus.QUEUED
                )
        RenderJob.objects.filter(pk=job.pk).update(
            not_before=not_before, requested_by=by or job.requested_by
        )
        job.refresh_from_db()
    _enqueue(job, countdown=delay)
    return job


def request_compiles(cycle: ReviewCycle, *, by: User | None, delay: int = 0) -> list[RenderJob]:
    """Recompile the cycle's report in English and in every language it was built in before."""
    built = set(
        ReportFile.objects.filter(cycle=cycle, kind=ReportKind.DOSSIER).values_list(
            "language", flat=True
        )
    )
    languages = [code for code, _name in settings.LANGUAGES if code == "en" or code in built]
    return [request_compile(cycle, by=by, language=code, delay=delay) for code in languages]


def retry(job: RenderJob, *, by: User) -> RenderJob:
    """Send a failed job again, with a fresh count of attempts (for a compile, the one
    already waiting, if there is one)."""
    newer = _queued_compile(job)
    if newer:
        return request_compile(job.cycle, by=by, language=job.language)
    updated = RenderJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
        status=JobStatus.QUEUED, attempts=0, error="", not_before=None, requested_by=by
    )
    if updated:
        _enqueue(job)
    job.refresh_from_db()
    return job


def _me() -> str:
    return heartbeat.me()


def claim(job_id: int) -> RenderJob | None:
    """Take the job for this process, or None when it is not this process's to run."""
    with transaction.atomic():
        job = RenderJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        if job.not_before and job.not_before > timezone.now():
            return None  # debounced: a later message runs it
        if job.status == JobStatus.RUNNING and (
            job.parts.exists() or not heartbeat.claim_dead(job.worker, job.started_at)
        ):
            return None  # running; a compile's parts are followed by the sweeper
        if job.attempts >= MAX_ATTEMPTS:
            job.status, job.finished_at = JobStatus.FAILED, timezone.now()
            job.error = job.error or f"Gave up after {job.attempts} attempts (the worker stopped)."
            job.save(update_fields=["status", "finished_at", "error"])
            return None
        heartbeat.beat()
        job.status, job.attempts, job.worker = JobStatus.RUNNING, job.attempts + 1, _me()
        job.started_at, job.error = timezone.now(), ""
        job.save(update_fields=["status", "attempts", "worker", "started_at", "error"])
        return job


def run(job_id: int) -> str:
    """Claim, render and store one job. Called by the task; safe to call twice."""
    job = claim(job_id)
    if job is None:
        return "skipped"
    try:
        rendered, stats = render(job)
    except compiling.Pending:  # its parts are on the compile queue; their join finishes it
        job.refresh_from_db(fields=["status"])
        return job.status if job.is_finished else "running"
    except pdf.DrawError as error:  # the review's own content: trying again changes nothing
        with translation.override(job.language):
            reason = _("This review could not be drawn: %(reason)s") % {"reason": error}
        fail(job, reason, final=True)
        return "failed"
    except Exception as error:  # noqa: BLE001 — every failure is recorded on the job
        logger.exception("Render job %s failed", job.pk)
        fail(job, f"{type(error).__name__}: {error}")
        return "failed"
    return finish(job, rendered, stats)


def render(job: RenderJob) -> tuple[pdf.Rendered, dict]:
    if job.kind in RENDERERS:
        return RENDERERS[job.kind](job)
    if job.kind == ReportKind.REVIEW:
        # A review's job names its review and version (the constraint render_job_target).
        review, snapshot = cast(Review, job.review), cast(Snapshot, job.snapshot)
        document = pdf.review_document(review, snapshot, draft=job.draft, language=job.language)
        rendered = pdf.render_review(document)
        return rendered, {"problems": [{"reason": note} for note in rendered.notes]}
    return compiling.start(job, **edition(job))


def edition(job: RenderJob) -> dict:
    """The number and author the compile's cover gives."""
    built_by = str(job.requested_by) if job.requested_by else ""
    return {"version": _next_number(job.cycle, job.language), "built_by": built_by}


def join(job_id: int) -> str:
    """Join a compile whose parts are all drawn, and store its report (the join task)."""
    job = compiling.begin_join(job_id)
    if job is None:
        return "skipped"
    try:
        rendered, stats = compiling.join(job, **edition(job))
    except Exception as error:  # noqa: BLE001 — recorded on the job, which is tried again
        logger.exception("Join of compile %s failed", job.pk)
        fail(job, f"{type(error).__name__}: {error}")
        return "failed"
    return finish(job, rendered, stats)


def draw_part(part_id: int) -> str:
    """Draw one part of a compile (the part task); an error fails its job, tried again."""
    try:
        return compiling.draw_part(part_id)
    except Exception as error:  # noqa: BLE001 — recorded on the job, which is tried again
        logger.exception("Part %s of a compile failed", part_id)
        part = CompilePart.objects.select_related("job").get(pk=part_id)
        CompilePart.objects.filter(pk=part_id).update(status=PartStatus.WAITING, worker="")
        fail(part.job, f"{type(error).__name__}: {error}")
        return "failed"


def _next_number(cycle, language: str) -> int:
    """The next edition of the cycle's compiled report in `language`."""
    done = ReportFile.objects.filter(
        cycle=cycle, kind=ReportKind.DOSSIER, language=language
    ).aggregate(n=Max("number"))
    return (done["n"] or 0) + 1


def _queued_compile(job: RenderJob) -> RenderJob | None:
    """Another compile of the same cycle and language already waiting, if any."""
    if job.kind != ReportKind.DOSSIER:
        return None
    return (
        RenderJob.objects.filter(
            kind=ReportKind.DOSSIER,
            cycle_id=job.cycle_id,
            language=job.language,
            status=JobStatus.QUEUED,
        )
        .exclude(pk=job.pk)
        .first()
    )


def fail(job: RenderJob, error: str, *, final: bool = False) -> None:
    """Record the error; queue the job again while attempts remain (unless `final`: another
    attempt would meet the same error), else mark it failed."""
    with transaction.atomic():
        current = RenderJob.objects.select_for_update().get(pk=job.pk)
        if current.status != JobStatus.RUNNING:
            return
        again = current.attempts < MAX_ATTEMPTS and not final
        newer = _queued_compile(current) if again else None
        if newer:  # a newer compile of the same report is waiting: it does this one's work
            again = False
            error = f"{error}\nNot tried again: compile #{newer.pk} is queued and will include everything."
        current.status = JobStatus.QUEUED if again else JobStatus.FAILED
        current.error = error[:2000]
        current.finished_at = None if again else timezone.now()
        current.save(update_fields=["status", "error", "finished_at"])
    if again:
        _enqueue(current, countdown=settings.RENDER_RETRY_DELAY * current.attempts)


def finish(job: RenderJob, rendered: pdf.Rendered, stats: dict) -> str:
    """Store the PDF and mark the job done, once: a second run finds it done and stops."""
    with transaction.atomic():
        job = RenderJob.objects.select_for_update().select_related("cycle").get(pk=job.pk)
        if job.status == JobStatus.DONE:
            return "already done"
        number = None
        if job.kind == ReportKind.DOSSIER:
            ReviewCycle.objects.select_for_update().get(pk=job.cycle_id)  # numbers in order
            number = _next_number(job.cycle, job.language)
        name = f"reports/{job.kind}/job-{job.pk}.pdf"
        if default_storage.exists(name):  # left by a run that died before its commit
            default_storage.delete(name)
        with rendered.open() as handle:  # a joined dossier: from its file, not memory
            saved = default_storage.save(name, File(handle, name=name))
        report = ReportFile.objects.create(
            job=job, kind=job.kind, cycle_id=job.cycle_id, review_id=job.review_id,
            subject_id=job.subject_id, snapshot_id=job.snapshot_id, draft=job.draft, language=job.language, number=number,
            file=saved, pages=rendered.pages, bytes=rendered.size, sha256=rendered.sha256,
            built_by=job.requested_by,
        )  # fmt: skip
        job.status, job.finished_at, job.stats = JobStatus.DONE, timezone.now(), stats
        job.save(update_fields=["status", "finished_at", "stats"])
        if job.kind == ReportKind.DOSSIER:
            _task("notify_report_ready").delay_on_commit(report.pk)
    return "done"


def sweep() -> int:
    """Send again the jobs nobody is working on: unsent or lost messages, stopped workers; and
    for a compile spread over workers, its parts and join left by dead or lost workers."""
    now = timezone.now()
    unsent = Q(status=JobStatus.QUEUED, unsent=True) & (
        Q(not_before__isnull=True) | Q(not_before__lte=now)
    )
    lost = Q(status=JobStatus.QUEUED) & (
        Q(
            not_before__isnull=True,
            requested_at__lt=now - timedelta(seconds=settings.RENDER_QUEUED_GRACE),
        )
        | Q(not_before__lt=now - timedelta(seconds=settings.RENDER_QUEUED_GRACE))
    )
    sent = 0
    for job in RenderJob.objects.filter(unsent | lost):
        if _send(job.pk, kind=job.kind):
            sent += 1
            if job.unsent:
                _mark_unsent(job.pk, False)
    for job in RenderJob.objects.filter(status=JobStatus.RUNNING):
        if job.parts.exists():
            sent += compiling.sweep(job)
        elif heartbeat.claim_dead(job.worker, job.started_at) and _send(job.pk, kind=job.kind):
            sent += 1
    return sent
