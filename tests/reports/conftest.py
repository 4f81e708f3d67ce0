"""Fixtures of the reports tests."""

import pytest

from config.celery import app as celery_app
from tests.support.broker import QUEUE, RedisServer, forget_connections, free_port


@pytest.fixture
def broker(tmp_path, monkeypatch):
    """A running redis-server of this test's own, the broker of this process and its workers."""
    server = RedisServer(free_port(), tmp_path / "redis")
    server.folder.mkdir()
    server.start()
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "broker_transport_options", "task_default_queue")
    }
    celery_app.conf.update(
        broker_url=server.url,
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 10},
        task_default_queue=QUEUE,
        task_always_eager=False,
    )
    forget_connections()
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)  # for the worker's settings
    yield server
    if server.process.poll() is None:
        server.kill()
    celery_app.conf.update(saved)
    forget_connections()
