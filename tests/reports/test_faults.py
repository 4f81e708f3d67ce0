"""Faults of the broker and of delivery, with a real Redis, a real worker and real PostgreSQL.

Each test starts a redis-server of its own on a free port (nothing kept on disk, as a broker
that restarts empty), points the web process and a real `celery worker` at it, and reads what
the worker wrote: rows in the test database, PDFs in the test's storage, e-mails as files.

- Redis stopped: an approval still commits and answers at once; its renders show "Queued"
  and wait, marked unsent. Redis back: the sweeper (beat's tasks, sent here by hand instead of
  waiting a minute) sends them, every render completes and every e-mail goes out once.
- One job delivered twice: one PDF and one "report ready" e-mail.

kill -9 of a worker child mid-render is tests/reports/test_worker_kill.py.
"""

import email
import re
import time
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from accounts.roles import Role
from core.tasks import publish
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reports import jobs
from reports import tasks as report_tasks
from reports.models import JobStatus, RenderJob, ReportFile, ReportKind
from reviews import services, tasks
from reviews.models import Notification, ReviewStatus, Transition
from tests.support import factories
from tests.support.broker import QUEUE
from tests.support.clients import client_for
from tests.support.reviews import fill
from tests.support.workers import Worker, spawn_worker, stop_workers

SECONDS = 120


# --- A real worker ------------------------------------------------------------------------------


@pytest.fixture
def start_worker(broker, tmp_path, settings):
    started: list[Worker] = []

    def start(concurrency: int = 1) -> Worker:
        log, var = tmp_path / f"worker-{len(started)}.log", tmp_path / "var"
        env = {
            "VAR_DIR": str(var),  # its e-mails: files under var/mail
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        }
        worker = spawn_worker(settings, log, QUEUE, concurrency=concurrency, env=env,
                              mail=var / "mail")  # fmt: skip
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    stop_workers(started)


def wait_until(test, worker: Worker, what: str, timeout: float = SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        assert worker.process.poll() is None, f"the worker stopped:\n{worker.log_text()[-3000:]}"
        assert time.monotonic() < deadline, f"{what}: not within {timeout}s\n{worker.log_text()}"
        time.sleep(0.1)


def sent_mail(folder: Path) -> list[tuple[str, str]]:
    """(recipient, subject) of every message the file backend wrote."""
    found = []
    for path in sorted(folder.iterdir()) if folder.exists() else []:
        for chunk in path.read_text().split("\n" + "-" * 79 + "\n"):
            if chunk.strip():
                message = email.message_from_string(chunk)
                subject = str(make_header(decode_header(message["Subject"])))
                found.append((message["To"], subject))
    return sorted(found)


# --- Data -----------------------------------------------------------------------------------


@pytest.fixture
def people(base_data):
    """The seeded first cycle opened, the secretariat and Kenya's focal point."""
    admin = factories.make_user(Role.ADMIN, email="admin@unhabitat.example")
    reviewer = factories.make_user(Role.REVIEWER, email="reviewer@unhabitat.example")
    kenya = Country.objects.get(iso3="KEN")
    focal = factories.make_focal_point(kenya, email="focal.ke@example.org")
    cycle = cycle_services.open_cycle(
        ReviewCycle.objects.get(name="2021–2023 review cycle"), by=admin
    )
    return {"cycle": cycle, "admin": admin, "reviewer": reviewer, "focal": focal, "kenya": kenya}


def submitted_review(people):
    review = services.start_review(people["kenya"], people["cycle"], by=people["focal"])
    fill(review, people["focal"])
    return services.submit_review(review, by=people["focal"])


# --- Redis stopped during an approval ---------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_approvals_while_redis_is_down_commit_and_every_render_and_email_follows_its_return(
    people, broker, start_worker, settings
):
    settings.DOSSIER_DEBOUNCE_SECONDS = 0  # the compile is due at once, not a minute later
    worker = start_worker()
    broker.kill()

    review = submitted_review(people)  # its draft PDF and e-mail are not sent either
    client = client_for(people["reviewer"])
    started = time.monotonic()
    response = client.post(f"/reviews/{review.pk}/approve/", {"reason": ""})
    took = time.monotonic() - started
    print(f"\napproval with the broker down answered in {took:.2f}s")
    assert response.status_code == 302 and response.url == f"/reviews/{review.pk}/"
    assert took < 3, f"the approval took {took:.1f}s with the broker down"

    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    assert review.transitions.filter(to_status=ReviewStatus.APPROVED).exists()
    queued = list(RenderJob.objects.order_by("pk"))
    assert [(j.kind, j.draft, j.status, j.attempts) for j in queued] == [
        (ReportKind.REVIEW, True, JobStatus.QUEUED, 0),
        (ReportKind.REVIEW, False, JobStatus.QUEUED, 0),
        (ReportKind.DOSSIER, False, JobStatus.QUEUED, 0),
    ]
    assert all(j.unsent and j.error == "" for j in queued)
    page = client.get(response.url)
    assert "Done: the review is now approved." in page.text
    assert page.text.count("PDF render: Queued") == 2  # the draft's and the final's
    for job in queued:
        job_page = client.get(f"/reports/jobs/{job.pk}/").text
        assert re.search(r'<span class="badge text-bg-secondary">Queued</span>', job_page)
        assert "could not be reached" in job_page
    assert not Notification.objects.exists()

    broker.start()  # on the same port, empty
    # What beat sends every minute (the worker, meanwhile, has connected again by itself).
    assert publish(report_tasks.sweep_render_jobs)
    assert publish(tasks.send_missed_notifications)
    assert publish(report_tasks.send_missed_notifications)
    wait_until(
        lambda: all(j.is_finished for j in RenderJob.objects.all()), worker, "every render done"
    )

    assert (
        list(RenderJob.objects.order_by("pk").values_list("status", "attempts", "error", "unsent"))
        == [(JobStatus.DONE, 1, "", False)] * 3
    )
    assert RenderJob.objects.count() == 3
    storage = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    for job in queued:
        report = ReportFile.objects.get(job=job)
        body = (storage / report.file.name).read_bytes()
        assert body.startswith(b"%PDF-") and len(body) == report.bytes
    assert ReportFile.objects.count() == 3

    report = ReportFile.objects.get(kind=ReportKind.DOSSIER)
    submitted, approved = review.transitions.order_by("pk").filter(
        to_status__in=[ReviewStatus.SUBMITTED, ReviewStatus.APPROVED]
    )
    keys = {f"transition:{submitted.pk}", f"transition:{approved.pk}", f"report-ready:{report.pk}"}
    wait_until(
        lambda: set(Notification.objects.values_list("key", flat=True)) == keys,
        worker,
        "every e-mail sent",
    )
    secretariat = ["admin@unhabitat.example", "reviewer@unhabitat.example"]
    cycle = people["cycle"].name
    assert sent_mail(worker.mail) == sorted(
        [("focal.ke@example.org", f"[Safer Cities] Your review for the {cycle} was approved")]
        + [(to, "[Safer Cities] Kenya submitted its review") for to in secretariat]
        + [
            (to, f"[Safer Cities] Compiled report of the {cycle}: version 1 is ready")
            for to in secretariat
        ]
    )
    # Beat's next runs find nothing left to send.
    assert jobs.sweep() == 0
    assert Transition.objects.count() == 2


# --- One job delivered twice --------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_compile_delivered_twice_makes_one_report_and_one_email(
    people, broker, start_worker, monkeypatch, settings
):
    with monkeypatch.context() as patch:
        patch.setattr(jobs, "_enqueue", lambda job, countdown=0: None)  # not this test's renders
        patch.setattr(tasks.notify_transition, "delay_on_commit", lambda *args: None)
        services.approve_review(submitted_review(people), by=people["reviewer"])
        job = jobs.request_compile(people["cycle"], by=people["admin"], delay=0)
    assert RenderJob.objects.filter(status=JobStatus.QUEUED).count() == 3

    # Two messages for one job, taken by two worker processes side by side.
    assert publish(report_tasks.run_render_job, (job.pk,))
    assert publish(report_tasks.run_render_job, (job.pk,))
    worker = start_worker(concurrency=2)
    received = r"run_render_job\[[-0-9a-f]+\] received"
    finished = r"run_render_job\[[-0-9a-f]+\] succeeded in [0-9.]+s: '(\w[\w ]*)'"
    wait_until(lambda: len(re.findall(finished, worker.log_text())) == 2, worker, "both ran")
    log = worker.log_text()
    assert len(re.findall(received, log)) == 2
    # One plans the compile and sends its parts to the compile queue (the other child may have
    # drawn and joined them all before it looks again: "done"); the other finds it taken.
    planned, skipped = sorted(re.findall(finished, log))
    assert planned in ("done", "running") and skipped == "skipped"
    wait_until(lambda: RenderJob.objects.get(pk=job.pk).is_finished, worker, "joined")
    # The last two parts, done at once by the two children, may both send the join: one joins.
    joins = re.findall(r"join_compile\[[-0-9a-f]+\] succeeded in [0-9.]+s: '(\w+)'",
                       worker.log_text())  # fmt: skip
    assert joins.count("done") == 1 and set(joins) <= {"done", "skipped"}

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
    report = ReportFile.objects.get(kind=ReportKind.DOSSIER)
    assert report.job == job and report.number == 1
    folder = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / "reports" / "dossier"
    assert sorted(p.name for p in folder.iterdir()) == [f"job-{job.pk}.pdf"]

    # The e-mail's own task delivered twice as well: still one message each.
    key = f"report-ready:{report.pk}"
    wait_until(lambda: Notification.objects.filter(key=key).exists(), worker, "e-mail sent")
    assert publish(report_tasks.notify_report_ready, (report.pk,))
    notify = r"notify_report_ready\[[-0-9a-f]+\] succeeded in [0-9.]+s: (\w+)"
    wait_until(lambda: len(re.findall(notify, worker.log_text())) == 2, worker, "sent again")
    assert sorted(re.findall(notify, worker.log_text())) == ["False", "True"]
    subject = f"[Safer Cities] Compiled report of the {people['cycle'].name}: version 1 is ready"
    assert sent_mail(worker.mail) == [
        ("admin@unhabitat.example", subject),
        ("reviewer@unhabitat.example", subject),
    ]
    assert ReportFile.objects.count() == 1
