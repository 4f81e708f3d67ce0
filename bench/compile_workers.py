"""The compile spread over worker processes (issue 21), measured by bench/compile_report.py.

    .venv/bin/python bench/compile_report.py workers     # 1 then 2 worker nodes, full compile
    .venv/bin/python bench/compile_report.py rebuild     # one change, 1 worker node, 3 rounds
    .venv/bin/python bench/compile_report.py series      # join's peak memory at 50/100/193

Each worker node is its own `celery worker` process with one pool child, its own host name
(WORKER_HOST: the name its claims and heartbeats carry, as on a machine of its own), on the
bench database, the bench file store and the machine's Redis (CELERY_BROKER_URL, default
redis://127.0.0.1:6379/14): as separate machines sharing one PostgreSQL, one Redis and one file
store would be. The compile is asked for as the portal asks for it (`jobs.request_compile`);
its wall time runs from the request to the report stored. CPU time and peak RSS are read from
/proc for every process of every node before it is stopped.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
QUEUE = "bench"
TICK = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Node:
    """One worker node: a Celery worker (prefork, one child) on the compile and default queues."""

    def __init__(self, name: str, log: Path):
        from django.conf import settings

        self.name, self.log = name, log
        env = os.environ | {
            "CELERY_BROKER_URL": BROKER, "CELERY_QUEUE": QUEUE, "WORKER_HOST": name,
            "PRIVATE_STORAGE_ROOT": str(settings.STORAGES["default"]["OPTIONS"]["location"]),
            "LOG_LEVEL": "WARNING",
        }  # fmt: skip
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q",
                 f"{QUEUE}-compile,{QUEUE}", "--pool=prefork", "--concurrency=1",
                 "-n", f"{name}@bench", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "--loglevel=INFO"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while " ready." not in self.log.read_text(errors="replace"):
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            assert time.monotonic() < deadline, "worker not ready"
            time.sleep(0.1)

    def usage(self) -> dict:
        pids = [self.process.pid, *_children(self.process.pid)]
        return {
            "cpu_seconds": round(sum(_cpu_seconds(p) for p in pids), 2),
            "peak_rss_mib": {str(p): round(_peak_mib(p), 1) for p in pids},
        }

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _purge() -> None:
    from config.celery import app

    with app.connection_for_write() as connection:
        for queue in (QUEUE, f"{QUEUE}-compile"):
            connection.default_channel.queue_purge(queue)


def compile_with(cycle, nodes: int, tag: str) -> dict:
    """One compile of `cycle` in English by `nodes` worker nodes; its figures."""
    from compile_report import OUT, secretariat

    from config.celery import app
    from reports import jobs
    from reports.models import JobStatus, ReportFile

    os.environ["CELERY_BROKER_URL"] = BROKER  # Celery reads it before its own configuration
    app.conf.broker_url = BROKER
    app.conf.task_default_queue = QUEUE
    app.conf.task_always_eager = False
    app._pool = None  # connect to the broker now configured, not the bench's in-memory one
    app.amqp._producer_pool = None
    _purge()
    admin, _reviewer = secretariat()
    started_nodes = [Node(f"node{i + 1}", OUT / f"{tag}-node{i + 1}.log") for i in range(nodes)]
    try:
        for node in started_nodes:
            node.wait_ready()
        before = {n.name: n.usage()["cpu_seconds"] for n in started_nodes}
        began = time.perf_counter()
        job = jobs.request_compile(cycle, by=admin, language="en", delay=0)
        while True:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.2)
        wall = time.perf_counter() - began
        usage = {n.name: n.usage() for n in started_nodes}
    finally:
        for node in started_nodes:
            node.stop()
    assert job.status == JobStatus.DONE, job.error
    report = ReportFile.objects.get(job=job)
    parts = list(job.parts.order_by("order"))
    drawn = [p for p in parts if p.drawn]
    last_part = max((p.finished_at for p in parts if p.finished_at), default=job.started_at)
    first_part = min((p.started_at for p in drawn if p.started_at), default=job.started_at)
    return {
        "nodes": nodes,
        "wall_seconds": round(wall, 2),
        "cpu_seconds_per_node": {
            name: round(u["cpu_seconds"] - before[name], 2) for name, u in usage.items()
        },
        "peak_rss_mib_per_process": {name: u["peak_rss_mib"] for name, u in usage.items()},
        "parts": len(parts),
        "parts_drawn": len(drawn),
        "parts_per_worker": job.stats.get("workers", {}),
        "chapters_drawn": job.stats.get("rendered"),
        "chapters_reused": job.stats.get("reused"),
        "plan_seconds": round((first_part - job.started_at).total_seconds(), 2) if drawn else 0,
        "join_seconds": round((job.finished_at - last_part).total_seconds(), 2),
        "part_seconds": sorted((round(p.seconds or 0, 3) for p in drawn), reverse=True),
        "pages": report.pages,
        "bytes": report.bytes,
        "report": report.file.name,
    }


def projection(result: dict, workers=(4, 8, 16)) -> dict:
    """From one run's per-part times: the critical path (plan, the longest part, the join)
    and the wall time k workers would take, parts handed out longest first to the worker
    free first (a projection, not a measurement)."""
    seconds = result["part_seconds"]
    fixed = result["plan_seconds"] + result["join_seconds"]
    out = {"critical_path_seconds": round(fixed + (seconds[0] if seconds else 0), 2)}
    for k in workers:
        loads = [0.0] * k
        for s in seconds:
            loads[loads.index(min(loads))] += s
        out[f"{k}_workers_seconds"] = round(fixed + max(loads), 2)
    return out
