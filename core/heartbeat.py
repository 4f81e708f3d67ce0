"""Heartbeats of the worker processes, in PostgreSQL (core.models.WorkerBeat).

Each process that runs tasks (a pool child, or a solo worker) writes its beat every
`WORKER_BEAT_EVERY` seconds from a thread of its own (config/celery.py starts it). A claim on
a job or a part names the process (`me()`: host:pid); the claim is dead when that process has
not beaten for `WORKER_DEAD_AFTER` seconds — whatever machine or container it ran on. A process
that claims work without the thread (a test, a bench, `manage.py` in a shell) beats once when
it claims (`beat()`), and is judged dead if a claim of its outlives `WORKER_DEAD_AFTER`.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from core.models import WorkerBeat

logger = logging.getLogger(__name__)
_thread: threading.Thread | None = None
_stop = threading.Event()


def me() -> str:
    """This process's name in claims and beats: host:pid (the host as the worker's node sees
    it: its container's or machine's name, or WORKER_HOST when set)."""
    host = os.environ.get("WORKER_HOST") or socket.gethostname()
    return f"{host}:{os.getpid()}"


def beat() -> None:
    """Say that this process is alive, now."""
    WorkerBeat.objects.update_or_create(name=me(), defaults={"beat_at": timezone.now()})


def alive(name: str) -> bool:
    """Whether the process named `name` has beaten within WORKER_DEAD_AFTER seconds (and, when
    it is a process of this host, still exists: a process of ours that ended is known dead at
    once, without waiting for its beat to age)."""
    if not name:
        return False
    host, _sep, pid = name.rpartition(":")
    if host == me().rpartition(":")[0] and pid.isdecimal():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # another user's process: it exists
    since = timezone.now() - timedelta(seconds=settings.WORKER_DEAD_AFTER)
    return WorkerBeat.objects.filter(name=name, beat_at__gte=since).exists()


def claim_dead(name: str, started_at) -> bool:
    """Whether a claim on work (a render job, a compile's part) held by the process `name`
    since `started_at` is dead: its process stopped beating, or it has held the claim longer
    than RENDER_STUCK_AFTER seconds."""
    if started_at and timezone.now() - started_at > timedelta(seconds=settings.RENDER_STUCK_AFTER):
        return True
    return not alive(name)


def _run() -> None:
    while not _stop.is_set():
        try:
            close_old_connections()
            beat()
        except Exception:  # noqa: BLE001 — a missed beat is logged; the next one tries again
            logger.warning("Heartbeat of %s not written", me(), exc_info=True)
        _stop.wait(settings.WORKER_BEAT_EVERY)
    connection.close()


def start() -> None:
    """Beat from a daemon thread of this process (once per process; again after a fork)."""
    global _thread
    if _thread is not None and _thread.is_alive():
        return
    _stop.clear()
    _thread = threading.Thread(target=_run, name="worker-heartbeat", daemon=True)
    _thread.start()


def stop() -> None:
    """Stop beating and take this process's beat away (a clean exit is not a death)."""
    _stop.set()
    try:
        WorkerBeat.objects.filter(name=me()).delete()
    except Exception:  # noqa: BLE001 — the beat then ages out on its own
        logger.warning("Heartbeat of %s not removed", me(), exc_info=True)
