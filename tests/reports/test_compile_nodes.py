"""A compile spread over two worker nodes (issue 21), with real Celery workers on a Redis of the
test's own: each node is a worker process with its own host name (WORKER_HOST), as on a
machine of its own, sharing the test's database and file store.

Node A is killed with SIGKILL — its main process and its pool child, the whole node — while it
draws a part. Its heartbeats stop; once they are WORKER_DEAD_AFTER old, node B's sweeper (its
embedded scheduler) sends that part again and node B draws it. The compile ends with one report;
the parts node A had finished are reused, not drawn again. Run with `-s` for the timeline.
"""

import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from accounts.services import invite_user
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reports import jobs
from reports.models import JobStatus, PartStatus, RenderJob, ReportFile, ReportKind
from tests.support import factories
from tests.support.broker import QUEUE
from tests.support.reviews import make_approved_review
from tests.support.workers import Worker, spawn_worker, stop_workers

COUNTRIES = ("KEN", "COL", "FRA", "BRA", "IND", "JPN", "MEX", "NGA")
FAST = {"WORKER_BEAT_EVERY": "0.5", "WORKER_DEAD_AFTER": "3", "RENDER_SWEEP_EVERY": "1"}
SECONDS = 180


@pytest.fixture
def nodes(broker, tmp_path, settings):
    started: list[Worker] = []

    def start(name: str, *, sweeper: bool = False) -> Worker:
        extra = ("-B", "-s", str(tmp_path / f"{name}-schedule")) if sweeper else ()
        worker = spawn_worker(settings, tmp_path / f"{name}.log", QUEUE,
                              env=FAST | {"WORKER_HOST": name}, extra=extra)  # fmt: skip
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    stop_workers(started)


def wait_for(test, what: str, *workers: Worker) -> None:
    deadline = time.monotonic() + SECONDS
    while not test():
        for worker in workers:
            assert worker.process.poll() is None, worker.log_text()[-3000:]
        assert time.monotonic() < deadline, f"{what}: not within {SECONDS}s\n" + "\n".join(
            w.log_text()[-2000:] for w in workers
        )
        time.sleep(0.1)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_node_killed_mid_compile_leaves_its_parts_to_the_other(
    base_data, secretariat_admin, reviewer, nodes, monkeypatch
):
    cycle = cycle_services.open_cycle(
        ReviewCycle.objects.get(name="2021–2023 review cycle"), by=secretariat_admin
    )
    with monkeypatch.context() as patch:
        patch.setattr(jobs, "_enqueue", lambda job, countdown=0: None)  # not this test's renders
        for iso3 in COUNTRIES:
            make_approved_review(Country.objects.get(iso3=iso3), cycle, reviewer=reviewer)
    node_a = nodes("node-a")
    node_b = nodes("node-b", sweeper=True)
    t0 = time.monotonic()
    job = jobs.request_compile(cycle, by=secretariat_admin, delay=0)
    parts = RenderJob.objects.get(pk=job.pk).parts

    def a_mid_part() -> bool:
        by_a = parts.filter(worker__startswith="node-a:")
        return (
            by_a.filter(status=PartStatus.DONE, drawn=True).exists()
            and by_a.filter(status=PartStatus.DRAWING).exists()
        )

    wait_for(a_mid_part, "node A between parts", node_a, node_b)
    finished_by_a = dict(
        parts.filter(worker__startswith="node-a:", status=PartStatus.DONE).values_list(
            "pk", "worker"
        )
    )
    cut = parts.get(worker__startswith="node-a:", status=PartStatus.DRAWING)
    for pid in [*node_a.children(), node_a.process.pid]:  # the whole node, not a pool child
        os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    wait_for(lambda: RenderJob.objects.get(pk=job.pk).is_finished, "the compile", node_b)
    done = time.monotonic()
    job.refresh_from_db()
    cut.refresh_from_db()
    print(
        f"\n{killed - t0:6.2f}s  node A killed while drawing part {cut.order} ({cut.kind}); "
        f"it had finished {len(finished_by_a)}\n{done - t0:6.2f}s  {job.status}, "
        f"part {cut.order} drawn by {cut.worker}; parts per worker {job.stats.get('workers')}"
    )
    assert job.status == JobStatus.DONE, job.error
    assert ReportFile.objects.filter(kind=ReportKind.DOSSIER).count() == 1
    folder = Path(django_settings.STORAGES["default"]["OPTIONS"]["location"]) / "reports"
    assert sorted(p.name for p in (folder / "dossier").iterdir()) == [f"job-{job.pk}.pdf"]
    # The part cut short went to node B; what node A had finished stayed as it drew it.
    assert cut.status == PartStatus.DONE and cut.worker.startswith("node-b:")
    assert dict(parts.filter(pk__in=finished_by_a).values_list("pk", "worker")) == finished_by_a
    drawn_by_b = parts.filter(worker__startswith="node-b:", drawn=True).count()
    assert drawn_by_b + len(finished_by_a) == parts.filter(drawn=True).count()
    assert sum(job.stats["workers"].values()) == parts.filter(drawn=True).count()


def _clear_cache() -> None:
    from django.core.files.storage import default_storage

    from reports.models import ChapterCache

    ChapterCache.objects.all().delete()
    for folder in ("chapters", "links"):
        for name in default_storage.listdir(folder)[1] if default_storage.exists(folder) else []:
            default_storage.delete(f"{folder}/{name}")


def _shape(body: bytes, tmp_path) -> dict:
    """What a reader gets of a PDF but its cover: pages, the text of each page after the cover,
    the outline, and the structure elements in document order."""
    import io
    import subprocess

    import pikepdf

    path = tmp_path / "shape.pdf"
    path.write_bytes(body)
    text = subprocess.run(["pdftotext", "-f", "2", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout.split("\f")  # fmt: skip
    with pikepdf.open(io.BytesIO(body)) as document:
        with document.open_outline() as outline:
            titles = [(i.title, [c.title for c in i.children]) for i in outline.root]
        tags, stack = [], [document.Root.StructTreeRoot.K[0]]
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                tags.append(str(element.S))
                kids = element.get("/K")
                kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids else []
                stack.extend(reversed(kids))
        return {"pages": len(document.pages), "text": text, "outline": titles, "tags": tags}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_one_node_or_two_draw_the_same_report(
    base_data, secretariat_admin, reviewer, nodes, monkeypatch, tmp_path
):
    cycle = cycle_services.open_cycle(
        ReviewCycle.objects.get(name="2021–2023 review cycle"), by=secretariat_admin
    )
    with monkeypatch.context() as patch:
        patch.setattr(jobs, "_enqueue", lambda job, countdown=0: None)
        for iso3 in COUNTRIES[:5]:
            make_approved_review(Country.objects.get(iso3=iso3), cycle, reviewer=reviewer)
    first = nodes("node-1")
    shapes, spread = [], []
    for round_ in (1, 2):
        if round_ == 2:
            _clear_cache()
            nodes("node-2")
        job = jobs.request_compile(cycle, by=secretariat_admin, delay=0)
        wait_for(lambda job=job: RenderJob.objects.get(pk=job.pk).is_finished, "compile", first)
        job.refresh_from_db()
        assert job.status == JobStatus.DONE, job.error
        assert job.stats["rendered"] == len(COUNTRIES[:5])  # drawn anew each time
        spread.append(sorted(name.split(":")[0] for name in job.stats["workers"]))
        with ReportFile.objects.get(job=job).file.open("rb") as handle:
            shapes.append(_shape(handle.read(), tmp_path))
    assert spread[0] == ["node-1"] and spread[1] == ["node-1", "node-2"]
    assert shapes[0] == shapes[1]
    assert shapes[0]["pages"] > 5 and "Kenya" in "".join(shapes[0]["text"])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_email_and_a_country_pdf_asked_for_during_a_compile_are_done_within_ten_seconds(
    base_data,
    secretariat_admin,
    reviewer,
    broker,
    settings,
    monkeypatch,
    tmp_path,
):
    cycle = cycle_services.open_cycle(
        ReviewCycle.objects.get(name="2021–2023 review cycle"), by=secretariat_admin
    )
    with monkeypatch.context() as patch:
        patch.setattr(jobs, "_enqueue", lambda job, countdown=0: None)
        approved = [make_approved_review(Country.objects.get(iso3=iso3), cycle, reviewer=reviewer)
                    for iso3 in COUNTRIES]  # fmt: skip
    mail = {"VAR_DIR": str(tmp_path / "var"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}  # fmt: skip
    started = [
        spawn_worker(settings, tmp_path / "default.log", QUEUE, queues=QUEUE,
                     env=FAST | mail | {"WORKER_HOST": "default-node"}),
        spawn_worker(settings, tmp_path / "compile.log", QUEUE, queues=f"{QUEUE}-compile",
                     env=FAST | {"WORKER_HOST": "compile-node"}),
    ]  # fmt: skip
    try:
        for worker in started:
            worker.wait_ready()
        compile_job = jobs.request_compile(cycle, by=secretariat_admin, delay=0)
        parts = RenderJob.objects.get(pk=compile_job.pk).parts
        wait_for(lambda: parts.filter(status=PartStatus.DRAWING).exists(), "compile", *started)
        asked = time.monotonic()
        invitation = invite_user(factories.make_user(email="new.colleague@example.org"),
                                 by=secretariat_admin)  # fmt: skip
        review = approved[0]
        country_pdf = jobs.request_review_pdf(review, review.snapshots.order_by("-version")[0],
                                              draft=False, by=secretariat_admin)  # fmt: skip

        def both_done() -> bool:
            invitation.refresh_from_db()
            country_pdf.refresh_from_db()
            return invitation.sent_at is not None and country_pdf.status == JobStatus.DONE

        wait_for(both_done, "the e-mail and the country PDF", *started)
        took = time.monotonic() - asked
        compile_job.refresh_from_db()
        waiting = parts.exclude(status=PartStatus.DONE).count()
        print(f"\ne-mail sent and country PDF drawn {took:.2f}s after they were asked for; "
              f"the compile then: {compile_job.status}, {waiting} parts still to draw")  # fmt: skip
        assert took <= 10
        assert not compile_job.is_finished and waiting > 0  # the compile was still running
        wait_for(lambda: RenderJob.objects.get(pk=compile_job.pk).is_finished, "compile", *started)
    finally:
        stop_workers(started)
