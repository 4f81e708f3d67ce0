"""Real Celery worker processes for the tests that need one, on the test's own database."""

import os
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from django.db import connection


def worker_database_url() -> str:
    """A DATABASE_URL for another process, naming the database pytest-django created for this
    run on the server the tests use: over TCP, or through the socket directory of the
    project-local server."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = ":" + urllib.parse.quote(db["PASSWORD"], safe="") if db["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    name = urllib.parse.quote(db["NAME"], safe="")
    host = db["HOST"] or ""
    # A socket directory goes into the URL's host, quoted, as scripts/env.sh writes it.
    host = urllib.parse.quote(host, safe="") if host.startswith("/") else host
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{name}"


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path
    storage: Path
    mail: Path | None = None  # where the file e-mail backend writes, when it is the backend

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while " ready." not in self.log_text():
            assert self.process.poll() is None, f"the worker stopped:\n{self.log_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no worker ready:\n{self.log_text()[-3000:]}"
            time.sleep(0.1)

    def children(self) -> set[int]:
        pids: set[int] = set()
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            try:
                pids |= {int(p) for p in (task / "children").read_text().split()}
            except FileNotFoundError:
                continue
        return pids


def spawn_worker(settings, log: Path, queue: str, *, concurrency: int = 1, env=None,
                 mail: Path | None = None, extra: tuple = (),
                 queues: str | None = None) -> Worker:  # fmt: skip
    """A real Celery worker (prefork) on `queue`, with the test's database and storage; call
    its `wait_ready` once it is in the list the test stops."""
    storage = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    storage.mkdir(parents=True, exist_ok=True)
    env = os.environ | {
        "DATABASE_URL": worker_database_url(),
        "CELERY_QUEUE": queue,
        "PRIVATE_STORAGE_ROOT": str(storage),
    } | (env or {})  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queues or f"{queue},{queue}-compile",
             "--pool=prefork", f"--concurrency={concurrency}", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "--loglevel=INFO", *extra],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    return Worker(process, log, storage, mail)


def stop_workers(started: list) -> None:
    """Stop the real workers a test started, and print the end of each one's log."""
    for worker in started:
        worker.process.terminate()
        try:
            worker.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(timeout=10)
        print(f"\n--- worker log (tail) ---\n{worker.log_text()[-4000:]}")
