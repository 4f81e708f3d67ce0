"""Recovery: a backup restored into an empty database and an empty file store serves the same
reviews and PDFs (issue 8, "Recovery"; docs/backup-restore.md).

The test builds real content on the test database: Kenya's and Colombia's reviews approved in
the first cycle, which is then published, every PDF rendered (draft, final, compiled report)
and an evidence attachment. It runs scripts/backup.sh against that database and its file store,
scripts/restore.sh into a brand-new database and an empty folder, then starts gunicorn on the
restored pair and signs in over HTTP as a Board member and as a secretariat reviewer (with
their authenticator code). Run with `-s` to see the sizes and timings.
"""

import hashlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pghistory.models
import psycopg2
import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.models import User
from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reports.models import ReportFile
from reviews import evidence, services
from reviews.models import Attachment, Review, ReviewStatus
from tests.support import factories
from tests.support.factories import EVIDENCE_PDF
from tests.support.reviews import fill, run_jobs
from tests.support.workers import worker_database_url

EVIDENCE = EVIDENCE_PDF


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sql(dbname: str, query: str) -> list[tuple]:
    """Rows of `query` on another database of the same server, through its own connection."""
    params = connection.settings_dict
    conn = psycopg2.connect(
        dbname=dbname, user=params["USER"], password=params["PASSWORD"],
        host=params["HOST"], port=params["PORT"] or None,
    )  # fmt: skip
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


def drop_database(name: str) -> None:
    params = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres", user=params["USER"], password=params["PASSWORD"],
        host=params["HOST"], port=params["PORT"] or None,
    )  # fmt: skip
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def run_script(*args: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(
        ["bash", *args], cwd=settings.BASE_DIR, env=os.environ | env,
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    return done, time.monotonic() - started


def audit_trail(dbname: str) -> dict[str, list[tuple]]:
    """Every row of every pghistory event table and of the contexts (who, from where), in order."""
    tables = [
        model._meta.db_table
        for model in django_apps.get_models()
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy
    ]
    assert "reviews_reviewevent" in tables
    trail = {t: sql(dbname, f"SELECT * FROM {t} ORDER BY pgh_id") for t in tables}
    return trail | {"contexts": sql(dbname, "SELECT * FROM pghistory_context ORDER BY id")}


class Browser:
    """A cookie-keeping HTTP client, signing in through the portal's own forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=120) as response:
                return response.status, urllib.parse.urlsplit(response.url).path, response.read()
        except urllib.error.HTTPError as error:
            return error.code, urllib.parse.urlsplit(error.url).path, error.read()

    def submit(self, path: str, fields: dict) -> tuple[int, str, bytes]:
        """Post a form the way a browser does: fetch it first for its CSRF token."""
        status, _, page = self.open(path)
        assert status == 200, (path, status)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on {path}"
        return self.open(path, fields | {"csrfmiddlewaretoken": token.group(1).decode()})

    def sign_in(self, email: str, totp_secret: str = "") -> None:
        status, path, _ = self.submit(
            "/accounts/login/", {"login": email, "password": factories.PASSWORD}
        )
        if totp_secret:
            assert path == "/accounts/2fa/authenticate/", path
            status, path, _ = self.submit(path, {"code": factories.totp_code(totp_secret)})
        assert status == 200 and path == "/", (email, status, path)

    def download_ids(self, path: str) -> set[int]:
        status, _, page = self.open(path)
        assert status == 200, (path, status)
        return {int(pk) for pk in re.findall(rb"/reports/files/(\d+)/download/", page)}

    def download(self, path: str) -> str:
        status, _, body = self.open(path)
        assert status == 200 and body.startswith(b"%PDF-"), (path, status, body[:200])
        return sha256(body)


@pytest.fixture
def published_content(base_data):
    """The first cycle published with two approved reviews, every PDF rendered, an attachment."""
    admin = factories.make_user(Role.ADMIN)
    reviewer = factories.make_user(Role.REVIEWER, email="reviewer@unhabitat.example")
    board = factories.make_user(Role.BOARD, email="board@example.org")
    cycle = cycle_services.open_cycle(
        ReviewCycle.objects.get(name="2021–2023 review cycle"), by=admin
    )
    for iso3 in ("KEN", "COL"):
        country = Country.objects.get(iso3=iso3)
        focal = factories.make_focal_point(country, email=f"focal.{iso3.lower()}@example.org")
        review = fill(services.start_review(country, cycle, by=focal), focal)
        if iso3 == "KEN":
            upload = SimpleUploadedFile("survey.pdf", EVIDENCE, content_type="application/pdf")
            evidence.add_attachment(review, upload=upload, description="Survey", by=focal)
        review = services.submit_review(review, by=focal)
        services.approve_review(review, by=reviewer)
    run_jobs()  # each review's draft and final PDF, and a compile
    cycle_services.close_cycle(cycle, by=admin)
    cycle = cycle_services.publish_cycle(cycle, by=admin)
    run_jobs()  # the compile that publication asked for
    # The portal started on the restored copy uses Django's own password hashers (the tests use
    # a fast one): give the two people who sign in a hash it reads.
    User.objects.filter(pk__in=[reviewer.pk, board.pk]).update(
        password=PBKDF2PasswordHasher().encode(factories.PASSWORD, "recoverytest", iterations=1000)
    )
    return {"cycle": cycle, "reviewer": reviewer, "board": board}


@pytest.fixture
def restored_database():
    """The name of a database the test restores into; it does not exist beforehand."""
    base = urllib.parse.urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = f"{base}_restored{'_' + worker if worker else ''}"
    drop_database(name)
    yield name
    drop_database(name)


@pytest.fixture
def portal_server(tmp_path):
    """Start gunicorn on a free loopback port against a database and a file store."""
    started: list[tuple[subprocess.Popen, Path]] = []

    def start(database_url: str, storage: Path) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        log = tmp_path / "gunicorn.log"
        env = os.environ | {
            "DEBUG": "1",
            "DATABASE_URL": database_url,
            "PRIVATE_STORAGE_ROOT": str(storage),
            "VAR_DIR": str(tmp_path / "var"),
            "CELERY_BROKER_URL": "memory://",
        }
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
                 "--workers", "1", "--timeout", "120"],
                cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        started.append((process, log))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, f"gunicorn stopped:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"gunicorn not ready:\n{log.read_text()[-3000:]}"
            try:
                with urllib.request.urlopen(f"{base}/accounts/login/", timeout=10) as response:
                    if response.status == 200:
                        return base
            except OSError:
                time.sleep(0.3)

    yield start
    for process, _log in started:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_serves_the_same_reviews_and_pdfs(
    published_content, restored_database, portal_server, tmp_path
):
    cycle, reviewer, board = (published_content[k] for k in ("cycle", "reviewer", "board"))
    source_db = connection.settings_dict["NAME"]
    storage = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    reviews = {r.pk: r.country.name for r in Review.objects.select_related("country")}
    assert sorted(reviews.values()) == ["Colombia", "Kenya"]
    assert set(Review.objects.values_list("status", flat=True)) == {ReviewStatus.PUBLISHED}
    pdfs = {r.pk: sha256((storage / r.file.name).read_bytes()) for r in ReportFile.objects.all()}
    assert pdfs == dict(ReportFile.objects.values_list("pk", "sha256"))
    kinds = set(ReportFile.objects.values_list("kind", "draft"))
    assert kinds == {("review", True), ("review", False), ("dossier", False)}
    board_pdfs = set(ReportFile.objects.visible_to(board).values_list("pk", flat=True))
    assert board_pdfs and board_pdfs < set(pdfs)  # the Board sees no drafts
    attachment = Attachment.objects.get()
    trail = audit_trail(source_db)
    assert len(trail["reviews_reviewevent"]) >= 2 * 3  # started, submitted, approved, …
    trigger_count = "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"

    # Back up the test database and its file store.
    source = {"DATABASE_URL": worker_database_url(), "PRIVATE_STORAGE_ROOT": str(storage)}
    done, backup_seconds = run_script("scripts/backup.sh", str(tmp_path / "backups"), env=source)
    assert done.returncode == 0, done.stdout + done.stderr
    backup = Path(done.stdout.strip().splitlines()[-1])
    assert backup.parent == tmp_path / "backups" and backup.name.startswith("portal-backup-")
    listed = (backup / "files.sha256").read_text()
    assert all(f"{digest}  ./{ReportFile.objects.get(pk=pk).file.name}" in listed
               for pk, digest in pdfs.items())  # fmt: skip
    assert f"public.reviews_review\t{len(reviews)}" in (backup / "rows.tsv").read_text()

    # Restore into a database that does not exist yet and a folder that does not either.
    target = urllib.parse.urlsplit(worker_database_url())._replace(path=f"/{restored_database}")
    restored_url = urllib.parse.urlunsplit(target)
    restored_storage = tmp_path / "restored-files"
    into = {"DATABASE_URL": restored_url, "PRIVATE_STORAGE_ROOT": str(restored_storage)}
    done, restore_seconds = run_script("scripts/restore.sh", str(backup), env=into)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Restored and verified" in done.stdout

    # A second restore over the restored database is refused and changes nothing.
    elsewhere = into | {"PRIVATE_STORAGE_ROOT": str(tmp_path / "other-files")}
    refused, _ = run_script("scripts/restore.sh", str(backup), env=elsewhere)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "The database is not empty" in refused.stderr
    assert not (tmp_path / "other-files").exists()

    # The audit trail and the triggers that protect it came back, and loading fired none.
    assert audit_trail(restored_database) == trail
    assert sql(restored_database, trigger_count) == sql(source_db, trigger_count)
    with pytest.raises(psycopg2.Error, match="pgtrigger"):
        sql(restored_database, "DELETE FROM reviews_reviewevent")
    with pytest.raises(psycopg2.Error, match="pgtrigger"):
        sql(restored_database, "UPDATE reviews_transition SET reason = 'rewritten'")
    assert len(sql(restored_database, "SELECT 1 FROM reviews_reviewevent")) == len(
        trail["reviews_reviewevent"]
    )

    # The portal on the restored copy: the same reviews, every PDF byte for byte.
    base = portal_server(restored_url, restored_storage)
    board_browser = Browser(base)
    board_browser.sign_in(board.email)
    centre = board_browser.open("/reports/")[2].decode()
    assert "Kenya" in centre and "Colombia" in centre
    assert board_browser.download_ids("/reports/") == board_pdfs
    for pk in board_pdfs:
        assert board_browser.download(f"/reports/files/{pk}/download/") == pdfs[pk], pk

    secretariat = Browser(base)
    secretariat.sign_in(reviewer.email, totp_secret=reviewer.totp_secret)
    queue = secretariat.open(f"/reviews/queue/?cycle={cycle.pk}")[2].decode()
    for pk, country in reviews.items():
        assert f"/reviews/{pk}/" in queue and country in queue
        status, _, page = secretariat.open(f"/reviews/{pk}/history/")
        assert status == 200 and country in page.decode()
    assert secretariat.download_ids(f"/reports/cycles/{cycle.pk}/") == set(pdfs)
    for pk, digest in pdfs.items():
        assert secretariat.download(f"/reports/files/{pk}/download/") == digest, pk
    evidence_path = f"/reviews/{attachment.review_id}/attachments/{attachment.pk}/"
    status, _, body = secretariat.open(evidence_path)
    assert status == 200 and sha256(body) == attachment.sha256 == sha256(EVIDENCE)

    sizes = {p.name: p.stat().st_size for p in sorted(backup.iterdir())}
    print(
        f"\nbackup {backup_seconds:.1f}s, restore {restore_seconds:.1f}s; {len(pdfs)} PDFs, "
        f"1 attachment; sizes in bytes: {sizes}\n{done.stdout}"
    )
