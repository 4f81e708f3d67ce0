"""A worker child killed with `kill -9` mid-render: after restart the job completes with exactly
one artifact.

The first test starts a real Celery worker (prefork pool, one child) against the test database
and the configured broker, asks for a compile of a cycle with several approved reviews, and
kills the pool child with SIGKILL while it renders. The task is acknowledged late and rejected
on worker loss (reports/tasks.py, config/settings.py), so the broker hands the message to the
new child, which takes over the job whose claimed process is gone (reports/jobs.py `claim`).
Run with `-s` to see the recorded timeline and the worker's log.

The other tests drive reports/jobs.py in-process (tasks eager): a job run twice, a dead claim
taken over, the sweeper, and the cap on attempts.
"""

import hashlib
import io
import os
import signal
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app as celery_app
from core import heartbeat
from core.models import WorkerBeat
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reports import jobs, pdf
from reports.models import JobStatus, PartStatus, RenderJob, ReportFile, ReportKind
from tests.support.reviews import make_approved_review
from tests.support.workers import Worker, spawn_worker, stop_workers

# A queue of its own, so the worker takes nothing a developer's `make run` left in the broker.
QUEUE = "portal-worker-kill-test"
COUNTRIES = ("KEN", "COL", "FRA", "BRA", "IND", "JPN")  # a compile takes 10–20 s here
SECONDS = 120


# --- A real worker --------------------------------------------------------------------------


def _purge(queue: str) -> int:
    with celery_app.connection_for_write() as connection:
        return connection.default_channel.queue_purge(queue) or 0


@pytest.fixture
def start_worker(tmp_path, settings):
    """Start a worker (prefork, one child) on its own queue; the test's storage is its storage."""
    previous_queue = celery_app.conf.task_default_queue
    started: list[Worker] = []

    def start() -> Worker:
        celery_app.conf.task_always_eager = False
        celery_app.conf.task_default_queue = QUEUE
        _purge(QUEUE)
        worker = spawn_worker(settings, tmp_path / "worker.log", QUEUE)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    stop_workers(started)
    if started:
        _purge(QUEUE)  # e.g. the "report ready" e-mail the worker had no time to take
    celery_app.conf.task_default_queue = previous_queue


def seeded_open_cycle(admin) -> ReviewCycle:
    """The seeded first cycle (put back by base_data), opened."""
    cycle = ReviewCycle.objects.get(name="2021–2023 review cycle")
    return cycle_services.open_cycle(cycle, by=admin)


def wait_for(job: RenderJob, worker: Worker, test, what: str, timeout: float = SECONDS):
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if test(job):
            return job
        assert worker.process.poll() is None, f"the worker stopped:\n{worker.log_text()[-3000:]}"
        assert time.monotonic() < deadline, (
            f"{what}: not within {timeout}s (job {job.status}, attempts {job.attempts})\n"
            f"{worker.log_text()[-3000:]}"
        )
        time.sleep(0.05)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_compile_whose_worker_child_is_killed_completes_once_after_restart(
    base_data, secretariat_admin, reviewer, start_worker, monkeypatch
):
    cycle = seeded_open_cycle(secretariat_admin)
    setup = time.monotonic()
    with monkeypatch.context() as patch:
        # The approvals' own renders (country PDFs, a debounced compile) are not this test's.
        patch.setattr(jobs, "_enqueue", lambda job, countdown=0: None)
        for iso3 in COUNTRIES:
            make_approved_review(Country.objects.get(iso3=iso3), cycle, reviewer=reviewer)
    print(f"\n{len(COUNTRIES)} approved reviews in {time.monotonic() - setup:.1f}s")

    worker = start_worker()
    t0 = time.monotonic()
    job = jobs.request_compile(cycle, by=secretariat_admin, delay=0)
    job = wait_for(job, worker, lambda j: j.parts.filter(status=PartStatus.DONE).exists()
                   and j.parts.filter(status=PartStatus.DRAWING).exists(), "a part being drawn")  # fmt: skip
    part = job.parts.get(status=PartStatus.DRAWING)
    killed_claim = part.worker
    host, _sep, pid = killed_claim.rpartition(":")
    child = int(pid)
    assert child in worker.children(), "the part was claimed by the worker's pool child"
    done_before = {p.pk: p.worker for p in job.parts.filter(status=PartStatus.DONE, drawn=True)}
    os.kill(child, signal.SIGKILL)
    killed = time.monotonic()
    job = wait_for(job, worker, lambda j: j.is_finished, "finished")
    done = time.monotonic()
    part.refresh_from_db()
    print(
        f"\n--- timeline of job {job.pk} (s after the compile was requested) ---\n"
        f"{killed - t0:6.2f}  kill -9 {child}, drawing part {part.order} ({part.kind})\n"
        f"{done - t0:6.2f}  {job.status}, part {part.order} drawn again by {part.worker}, "
        f"stats {job.stats}"
    )
    assert job.status == JobStatus.DONE, job.error
    assert (job.attempts, job.error) == (1, "")
    assert part.status == PartStatus.DONE and part.worker != killed_claim
    assert part.worker.rpartition(":")[0] == host
    assert not Path(f"/proc/{child}").exists()
    # The parts drawn before the kill were not drawn again.
    assert {p.pk: p.worker for p in job.parts.filter(pk__in=done_before)} == done_before
    report = ReportFile.objects.get(job=job)
    assert ReportFile.objects.filter(kind=ReportKind.DOSSIER, cycle=cycle).count() == 1
    assert report.number == 1
    assert job.stats["chapters"] == len(COUNTRIES)
    files = sorted(p.name for p in (worker.storage / "reports" / "dossier").iterdir())
    assert files == [f"job-{job.pk}.pdf"]
    body = (worker.storage / report.file.name).read_bytes()
    assert (len(body), hashlib.sha256(body).hexdigest()) == (report.bytes, report.sha256)
    with pikepdf.open(io.BytesIO(body)) as document:
        assert len(document.pages) == report.pages > len(COUNTRIES)
    log = worker.log_text()
    assert f"pid:{child} exited with 'signal 9 (SIGKILL)'" in log  # the pool saw it die …
    assert "draw_compile_part" in log.split("SIGKILL")[-1]  # … and the part went to another


# --- In-process (tasks eager) -----------------------------------------------------------------


def dead_claim() -> str:
    """host:pid of a process of this host that has ended (and been reaped)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{socket.gethostname()}:{process.pid}"


def dossier_files() -> list[str]:
    folder = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / "reports" / "dossier"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def compile_job(open_cycle, reviewer, secretariat_admin, kenya) -> RenderJob:
    """A queued compile of the open cycle with Kenya's approved review (nothing rendered yet:
    the approval's on-commit renders do not run in this test's transaction)."""
    make_approved_review(kenya, open_cycle, reviewer=reviewer)
    return jobs.request_compile(open_cycle, by=secretariat_admin, delay=0)


def test_a_job_run_twice_stores_one_artifact(compile_job):
    assert jobs.run(compile_job.pk) == "done"
    assert jobs.run(compile_job.pk) == "skipped"
    # A second render that reaches the finishing step (two processes held the job) stops there.
    late = pdf.Rendered(b"%PDF-1.7 a second render", 1, [])
    assert jobs.finish(compile_job, late, {}) == "already done"
    compile_job.refresh_from_db()
    assert (compile_job.status, compile_job.attempts) == (JobStatus.DONE, 1)
    report = ReportFile.objects.get(job=compile_job)
    assert ReportFile.objects.filter(kind=ReportKind.DOSSIER).count() == 1
    assert dossier_files() == [f"job-{compile_job.pk}.pdf"]
    with report.file.open("rb") as handle, pikepdf.open(io.BytesIO(handle.read())) as document:
        assert len(document.pages) == report.pages


def test_a_running_job_whose_process_is_gone_is_taken_over(compile_job):
    alive = f"{socket.gethostname()}:{os.getppid()}"
    WorkerBeat.objects.create(name=alive, beat_at=timezone.now())  # its heartbeat: alive
    RenderJob.objects.filter(pk=compile_job.pk).update(
        status=JobStatus.RUNNING, attempts=1, worker=alive, started_at=timezone.now()
    )
    assert jobs.run(compile_job.pk) == "skipped"  # its process still runs it
    compile_job.refresh_from_db()
    assert (compile_job.status, compile_job.attempts) == (JobStatus.RUNNING, 1)

    gone = dead_claim()
    RenderJob.objects.filter(pk=compile_job.pk).update(worker=gone)
    # What the killed process may have left: its file written, its transaction never committed.
    storage = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    (storage / "reports" / "dossier").mkdir(parents=True)
    (storage / "reports" / "dossier" / f"job-{compile_job.pk}.pdf").write_bytes(b"%PDF-1.7 cut")

    assert jobs.run(compile_job.pk) == "done"
    compile_job.refresh_from_db()
    assert (compile_job.status, compile_job.attempts) == (JobStatus.DONE, 2)
    assert compile_job.worker == jobs._me() != gone
    report = ReportFile.objects.get(job=compile_job)
    assert dossier_files() == [f"job-{compile_job.pk}.pdf"]
    assert report.file.name == f"reports/dossier/job-{compile_job.pk}.pdf"
    with report.file.open("rb") as handle:
        body = handle.read()
    assert hashlib.sha256(body).hexdigest() == report.sha256
    with pikepdf.open(io.BytesIO(body)) as document:
        assert len(document.pages) == report.pages


def test_the_sweeper_sends_again_lost_and_stuck_jobs_only(
    open_cycle, reviewer, secretariat_admin, kenya
):
    review = make_approved_review(kenya, open_cycle, reviewer=reviewer)
    snapshot = review.snapshots.order_by("-version").first()

    def review_job(**fields) -> RenderJob:
        job = RenderJob.objects.create(
            kind=ReportKind.REVIEW, cycle=open_cycle, review=review, snapshot=snapshot,
            requested_by=secretariat_admin,
        )  # fmt: skip
        RenderJob.objects.filter(pk=job.pk).update(**fields)
        return job

    now = timezone.now()
    me = jobs._me()  # a live process: only the age of its claim makes it stuck
    heartbeat.beat()
    lost = review_job(requested_at=now - timedelta(seconds=settings.RENDER_QUEUED_GRACE + 60))
    stuck = review_job(
        status=JobStatus.RUNNING, attempts=1, worker=me,
        started_at=now - timedelta(seconds=settings.RENDER_STUCK_AFTER + 60),
    )  # fmt: skip
    fresh = review_job()
    busy = review_job(status=JobStatus.RUNNING, attempts=1, worker=me, started_at=now)
    debounced = jobs.request_compile(open_cycle, by=secretariat_admin, delay=60)

    assert jobs.sweep() == 2  # eager here: each one sent is run at once

    states = {
        name: RenderJob.objects.values_list("status", "attempts").get(pk=job.pk)
        for name, job in {"lost": lost, "stuck": stuck, "fresh": fresh, "busy": busy,
                          "debounced": debounced}.items()
    }  # fmt: skip
    assert states == {
        "lost": (JobStatus.DONE, 1),
        "stuck": (JobStatus.DONE, 2),
        "fresh": (JobStatus.QUEUED, 0),
        "busy": (JobStatus.RUNNING, 1),
        "debounced": (JobStatus.QUEUED, 0),
    }
    assert set(ReportFile.objects.values_list("job_id", flat=True)) == {lost.pk, stuck.pk}


def test_a_job_at_the_attempt_cap_whose_worker_died_fails_without_artifact(compile_job):
    RenderJob.objects.filter(pk=compile_job.pk).update(
        status=JobStatus.RUNNING, attempts=jobs.MAX_ATTEMPTS, worker=dead_claim(),
        started_at=timezone.now(),
    )  # fmt: skip
    assert jobs.run(compile_job.pk) == "skipped"
    compile_job.refresh_from_db()
    assert compile_job.status == JobStatus.FAILED
    assert compile_job.attempts == jobs.MAX_ATTEMPTS
    assert compile_job.error == f"Gave up after {jobs.MAX_ATTEMPTS} attempts (the worker stopped)."
    assert compile_job.finished_at is not None
    assert not ReportFile.objects.filter(job=compile_job).exists()
    assert dossier_files() == []
    assert jobs.run(compile_job.pk) == "skipped"  # a late redelivery changes nothing
    compile_job.refresh_from_db()
    assert compile_job.status == JobStatus.FAILED
