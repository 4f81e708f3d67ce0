"""A redis-server of the test's own: the broker of the test process and of the workers it
starts, which the test may kill and start again (tests/reports/test_faults.py)."""

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from config.celery import app as celery_app

QUEUE = "portal-faults-test"  # a queue of its own: nothing a developer's `make run` left


@dataclass
class RedisServer:
    port: int
    folder: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=(self.folder / "redis.log").open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert self.process.poll() is None, (self.folder / "redis.log").read_text()
                assert time.monotonic() < deadline, "redis-server did not answer"
                time.sleep(0.05)

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: what it held in memory is gone
        self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def forget_connections() -> None:
    """Make the app connect to the broker now configured (its pools keep the old one; they
    stay open in kombu's registry for when that broker is configured again)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
