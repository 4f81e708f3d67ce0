"""A real Celery worker process takes tasks from the real broker and writes to PostgreSQL."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Invitation
from config.celery import app as celery_app
from tests.support.clients import client_for
from tests.support.workers import worker_database_url


@pytest.fixture
def worker(tmp_path):
    celery_app.conf.task_always_eager = False
    queue = celery_app.conf.task_default_queue
    log = (tmp_path / "worker.log").open("w")
    env = os.environ | {"DATABASE_URL": worker_database_url(), "CELERY_QUEUE": queue}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
         "--concurrency=1", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()
    print((tmp_path / "worker.log").read_text()[-3000:])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_invitation_is_sent_by_a_worker_process_through_the_broker(
    base_data, secretariat_admin, kenya, worker
):
    started = time.time()
    response = client_for(secretariat_admin).post(
        "/countries/KEN/focal-points/add/",
        {
            "name": "Grace Mutua",
            "email": "grace.mutua@example.go.ke",
            "kind": "primary",
            "institution": "Ministry of Interior",
            "designated_on": "2025-10-01",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(user__email="grace.mutua@example.go.ke")
    assert invitation.sent_at is None  # the request only queued it
    deadline = time.time() + 60
    while invitation.sent_at is None and time.time() < deadline and worker.poll() is None:
        time.sleep(0.25)
        invitation.refresh_from_db()
    assert invitation.sent_at is not None, "the worker did not send the invitation"
    assert invitation.token_hash
    if "filebased" in settings.MAILERS["default"]["BACKEND"]:
        mail_dir = Path(settings.MAILERS["default"]["OPTIONS"]["file_path"])
        recent = [p for p in mail_dir.iterdir() if p.stat().st_mtime >= started - 1]
        assert any("grace.mutua@example.go.ke" in p.read_text() for p in recent)
