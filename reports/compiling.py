"""A compile spread over workers (issue 21): one task per part, on the compile queue.

    run_render_job ─ plan: each part under its content key ─┬─ in the cache: done at once
                                                            └─ missing: draw_compile_part ×N
    draw_compile_part (any worker, any machine) ── the last one done sends ──▶ join_compile
    join_compile: cover and contents, the merge, the ReportFile (reports/jobs.py `finish`)

Every step is safe to run twice and to take over from a process that died:

- a part is claimed by the process drawing it (`core.heartbeat.me()`); a claim whose process
  stopped beating is dead, and the part is sent again (`sweep`);
- drawing a part stores it in the chapter cache under its content key (reports/dossier.py),
  under a PostgreSQL advisory lock on that key: two compiles needing the same chapter at once
  draw it once, and a part finished by a worker that died afterwards is reused, not redrawn;
- the join stores one report (`jobs.finish` locks the job and stops if it is done).

The parts live in `CompilePart` rows: the job page counts them (done / needed) while it runs.
"""

import logging
import time
import zlib
from contextlib import contextmanager
from typing import cast

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from core import heartbeat
from core import tasks as core_tasks
from reports import dossier, pdf
from reports.models import CompilePart, JobStatus, PartStatus, RenderJob
from reviews.models import Review, Snapshot

logger = logging.getLogger(__name__)


class Pending(Exception):
    """The compile's parts are on the compile queue: the join will finish the job."""


def queue() -> str:
    """The compile queue: CELERY_COMPILE_QUEUE, else the default queue's name + "-compile"."""
    return settings.CELERY_COMPILE_QUEUE or f"{current_app.conf.task_default_queue}-compile"


def _send(name: str, *args) -> bool:
    task = current_app.tasks[f"reports.tasks.{name}"]
    return core_tasks.publish(task, args, queue=queue())


def start(job: RenderJob, *, version: int, built_by: str) -> tuple[pdf.Rendered, dict]:
    """Plan the job's compile and send the parts the cache lacks to the compile queue (raises
    Pending); when none is missing, join here and answer the report. A job taken over after
    its planner died keeps the parts planned before."""
    if not job.parts.exists():
        plan = dossier.plan(job.cycle, job.language)
        found = dossier.cached_keys([part.key for part in plan.parts])
        with transaction.atomic():
            if not RenderJob.objects.select_for_update().get(pk=job.pk).parts.exists():
                CompilePart.objects.bulk_create(
                    CompilePart(
                        job=job, order=order, kind=part.kind, key=part.key, chunk=part.chunk,
                        html=part.html,
                        review=part.document.review if part.document else None,
                        snapshot=part.document.snapshot if part.document else None,
                        status=PartStatus.DONE if part.key in found else PartStatus.WAITING,
                        result=part.key if part.key in found else "",
                        finished_at=timezone.now() if part.key in found else None,
                    )
                    for order, part in enumerate(plan.parts)
                )  # fmt: skip
    missing = list(job.parts.exclude(status=PartStatus.DONE))
    if not missing:
        return join(job, version=version, built_by=built_by)
    now = timezone.now()
    for part in missing:
        if part.status == PartStatus.WAITING or not heartbeat.alive(part.worker):
            if _send("draw_compile_part", part.pk):
                CompilePart.objects.filter(pk=part.pk).update(sent_at=now)
    raise Pending


@contextmanager
def _drawing(key: str):
    """Hold PostgreSQL's advisory lock on `key` while the part is drawn: another process
    wanting the same part waits, then finds it in the cache. The server lets the lock go if
    this process dies."""
    lock = zlib.crc32(key.encode()) - 2**31
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])


def claim_part(part_id: int) -> CompilePart | None:
    """Take the part for this process, or None: done, its job over, or alive in another's hands."""
    with transaction.atomic():
        part = (
            CompilePart.objects.select_for_update(of=("self",))
            .select_related("job")
            .filter(pk=part_id)
            .first()
        )
        if part is None or part.status == PartStatus.DONE or part.job.status != JobStatus.RUNNING:
            return None
        if part.status == PartStatus.DRAWING and part.worker != heartbeat.me():
            if not heartbeat.claim_dead(part.worker, part.started_at):
                return None
        heartbeat.beat()
        part.status, part.worker, part.started_at = (
            PartStatus.DRAWING,
            heartbeat.me(),
            timezone.now(),
        )
        part.save(update_fields=["status", "worker", "started_at"])
        return part


def _planned(part: CompilePart) -> dossier.Planned:
    """The part as reports/dossier.py draws it."""
    planned = dossier.Planned(part.kind, part.key, chunk=part.chunk, html=part.html)
    if part.kind == "chapter":  # a chapter's row names its review and version
        review, snapshot = cast(Review, part.review), cast(Snapshot, part.snapshot)
        planned.document = pdf.review_document(review, snapshot, draft=False,
                                               language=part.job.language)  # fmt: skip
    return planned


def draw_part(part_id: int) -> str:
    """Draw one part (or find it drawn), mark it done; the last part done sends the join."""
    part = claim_part(part_id)
    if part is None:
        return "skipped"
    job = part.job
    stats = dossier.CompileStats()
    began = time.monotonic()
    with _drawing(part.key):
        drawn = not dossier.cached_keys([part.key])
        rendered = dossier.draw(job.cycle, job.language, _planned(part), stats)
        result = part.key
        dossier.linkable(rendered, forms=part.kind == "folio")  # ready for the join
        if not dossier.cached_keys([part.key]):
            # a placeholder, a chapter drawn with notes, or content changed since the plan:
            # kept under a key of its own for the join, the content key left to try again
            result = dossier.content_key("as-drawn", part.key, rendered.sha256)
            dossier.store(result, rendered)
    CompilePart.objects.filter(pk=part.pk).update(
        status=PartStatus.DONE, result=result, finished_at=timezone.now(),
        seconds=round(time.monotonic() - began, 3), drawn=drawn, problems=stats.problems,
    )  # fmt: skip
    if not job.parts.exclude(status=PartStatus.DONE).exists():
        _send("join_compile", job.pk)
    return "drawn"


def begin_join(job_id: int) -> RenderJob | None:
    """The job, marked as being joined by this process; None when it is not to join now (not
    running, a part not done, or a live process joining it already)."""
    with transaction.atomic():
        jobs = RenderJob.objects.select_for_update(of=("self",))
        job = jobs.select_related("cycle", "requested_by").filter(pk=job_id).first()
        if job is None or job.status != JobStatus.RUNNING:
            return None
        if job.parts.exclude(status=PartStatus.DONE).exists() or not job.parts.exists():
            return None
        joiner = job.stats.get("joining", "")
        if joiner and joiner != heartbeat.me() and heartbeat.alive(joiner):
            return None
        heartbeat.beat()
        job.stats = job.stats | {"joining": heartbeat.me()}
        job.save(update_fields=["stats"])
        return job


def join(job: RenderJob, *, version: int, built_by: str) -> tuple[pdf.Rendered, dict]:
    """The report from the job's parts, all done (cover, contents, merge)."""
    parts = list(job.parts.order_by("order"))
    body = []
    for part in parts:
        if part.kind == "folio":
            continue
        found = dossier.load(part.result)
        if found is None:  # its file went missing since: drawn again here
            found = dossier.draw(job.cycle, job.language, _planned(part), dossier.CompileStats())
        body.append(found)
    chapters = sum(1 for p in parts if p.kind == "chapter")
    started = job.started_at or timezone.now()
    rendered = dossier.join(job.cycle, job.language, body, chapters=chapters, version=version,
                            built_by=built_by, started=started)  # fmt: skip
    return rendered, summary(job)


def summary(job: RenderJob) -> dict:
    """What the job's page and e-mail say of the compile: chapters drawn and reused, problems,
    which worker drew how many parts, and its wall time."""
    parts = list(job.parts.all())
    chapters = [p for p in parts if p.kind == "chapter"]
    workers: dict[str, int] = {}
    for part in parts:
        if part.drawn:
            workers[part.worker] = workers.get(part.worker, 0) + 1
    started = job.started_at or timezone.now()
    return {
        "chapters": len(chapters),
        "rendered": sum(1 for p in chapters if p.drawn),
        "reused": sum(1 for p in chapters if not p.drawn),
        "parts": len(parts),
        "parts_drawn": sum(1 for p in parts if p.drawn),
        "workers": workers,
        "seconds": round((timezone.now() - started).total_seconds(), 2),
        "problems": [problem for p in chapters for problem in p.problems],
    }


def progress(job: RenderJob) -> tuple[int, int]:
    """(parts done, parts needed) of a compile spread over workers; (0, 0) for other jobs."""
    counts = job.parts.aggregate(done=Count("pk", filter=Q(status=PartStatus.DONE)),
                                 needed=Count("pk"))  # fmt: skip
    return counts["done"], counts["needed"]


def sweep(job: RenderJob) -> int:
    """Send again what a compile's dead or lost workers left: parts whose claim stopped beating
    or whose message was lost, and the join once every part is done. How many were sent."""
    now = timezone.now()
    sent = 0
    grace = settings.RENDER_QUEUED_GRACE
    for part in job.parts.exclude(status=PartStatus.DONE):
        if part.status == PartStatus.DRAWING:
            if not heartbeat.claim_dead(part.worker, part.started_at):
                continue
        elif part.sent_at and (now - part.sent_at).total_seconds() < grace:
            continue
        if _send("draw_compile_part", part.pk):
            CompilePart.objects.filter(pk=part.pk).update(sent_at=now)
            sent += 1
    if not job.parts.exclude(status=PartStatus.DONE).exists():
        joiner = job.stats.get("joining", "")
        if not heartbeat.alive(joiner) and _send("join_compile", job.pk):
            sent += 1
    return sent
