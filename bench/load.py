"""Load test of the portal under gunicorn: 20 signed-in users at once (issue 8, point 7).

    .venv/bin/python bench/load.py all       # setup, run, report (writes bench/RESULTS.md)

Phases:

    setup   The 193 approved reviews of bench/compile_report.py (its `build`, in portal_bench),
            copied into a database of this bench's own, portal_load (CREATE DATABASE … TEMPLATE),
            so that what this bench does to it (publishing the cycle) never reaches the compile
            bench. There, through the services the portal uses: five review PDFs rendered, the
            cycle closed and published (the Board only reads published cycles), the compiled
            report drawn by its render job (≈7 minutes on 2 cores), a second cycle opened with
            the same matrix and five full-size drafts in it (the editor is only for a draft: a
            published cycle's reviews can no longer be reopened), and the load's accounts:
            10 secretariat reviewers with two-factor authentication, 5 Board members, and the
            focal points of the five drafts' countries. Idempotent.
    run     collectstatic, then gunicorn (2 sync workers, DEBUG off, production settings) on
            127.0.0.1:8301, then locust (its own virtualenv, var/load-venv, from
            bench/requirements-load.txt) with 20 users for WARMUP + DURATION seconds; then the
            streaming check (headers and first chunk of the compiled report; worker memory
            before and after downloading it many times). Every request is logged with its time,
            so the figures are computed here over the measured window only.
    report  Writes the "Load" section of bench/RESULTS.md from var/load/results.json.

The same file is the locustfile: locust imports it (the user classes below are only defined
where locust is installed) and the Django parts are only imported by the phases.

Requests go to gunicorn as a TLS-terminating proxy would send them: with
`X-Forwarded-Proto: https` (the settings trust it, SECURE_PROXY_SSL_HEADER) and, for POSTs,
the Origin of the site. The clients keep the session cookie although it is marked Secure:
in production the browser holds it over HTTPS and the proxy passes it on.
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import http.cookiejar
import itertools
import json
import os
import platform
import random
import re
import secrets
import signal
import statistics
import struct
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "load"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
LOAD_VENV = ROOT / "var" / "load-venv"
BENCH_DB = "portal_bench"
LOAD_DB = "portal_load"
PG = "postgres://postgres@127.0.0.1:5432"
STORAGE = ROOT / "var" / "bench-storage" / "load"
PORT = 8301
BASE = f"http://127.0.0.1:{PORT}"
SITE = f"https://127.0.0.1:{PORT}"  # what the browser sees, behind the TLS proxy
USERS_FILE = OUT / "users.json"
REQUEST_LOG = OUT / "requests.csv"
PASSWORD = "load-bench-password-2026"
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
EDITOR_COUNTRIES = ["KEN", "BRA", "FRA", "IND", "NGA"]
PDF_COUNTRIES = ["KEN", "BRA", "FRA", "IND", "NGA"]
REVIEWERS, BOARD = 10, 5
SECOND_CYCLE = "2025–2027 review cycle (load bench)"
WARMUP, DURATION = 20, 90
STREAM_DOWNLOADS = 40
SECTION_TITLE = "## Load: 20 users on gunicorn"
TARGET_P95_MS = 150


# --- Shared helpers ------------------------------------------------------------------------


def totp(secret: str, at: float | None = None) -> str:
    """The current six-digit code of a base32 TOTP secret (RFC 6238, SHA-1, 30 s)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(at or time.time()) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("No CSRF token in the page.")
    return match.group(1)


class ProxiedCookies(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies over the plain-HTTP hop from the (emulated) TLS proxy."""

    def return_ok_secure(self, cookie, request):
        return True


PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- The locust users (only where locust is installed: var/load-venv) ----------------------

try:
    from locust import FastHttpUser, between, events, task
except ImportError:  # the project's virtualenv: the phases below
    FastHttpUser = None

if FastHttpUser is not None:
    _accounts = json.loads(Path(os.environ.get("LOAD_USERS", USERS_FILE)).read_text())
    _log = open(os.environ.get("LOAD_LOG", REQUEST_LOG), "a", buffering=1)  # noqa: SIM115
    _counters = {role: itertools.count() for role in ("focal_point", "reviewer", "board")}

    @events.request.add_listener
    def _record(request_type, name, response_time, response_length, exception, **_kw):
        ended = time.time()
        failed = "" if exception is None else str(exception).replace(",", ";")[:200]
        _log.write(f"{ended - response_time / 1000:.4f},{name},{response_time:.2f},"
                   f"{response_length or 0},{failed}\n")  # fmt: skip

    class Portal(FastHttpUser):
        abstract = True
        role = ""
        wait_time = between(1, 3)  # a person reads the page before the next click
        default_headers = PROXY_HEADERS

        def on_start(self):
            self.account = _accounts[self.role][next(_counters[self.role])]
            self.client.cookiejar.set_policy(ProxiedCookies())
            self.sign_in()

        def post(self, path: str, data: dict, name: str):
            headers = {"Origin": SITE, "Referer": SITE + path,
                       "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
            return self.client.post(path, data=urllib.parse.urlencode(data), headers=headers,
                                    name=name, allow_redirects=False)  # fmt: skip

        def sign_in(self):
            """Through the real sign-in form, then the two-factor form for the secretariat."""
            page = self.client.get("/accounts/login/", name="sign-in")
            data = {"login": self.account["email"], "password": PASSWORD,
                    "csrfmiddlewaretoken": csrf_token(page.text)}  # fmt: skip
            answer = self.post("/accounts/login/", data, name="sign-in")
            location = answer.headers.get("Location") or ""
            if "secret" in self.account:
                if "/2fa/authenticate" not in location:
                    raise RuntimeError(f"No two-factor step for {self.account['email']}")
                page = self.client.get(location, name="sign-in 2fa")
                data = {"code": totp(self.account["secret"]),
                        "csrfmiddlewaretoken": csrf_token(page.text)}  # fmt: skip
                answer = self.post(location, data, name="sign-in 2fa")
                location = answer.headers.get("Location") or ""
            if answer.status_code != 302 or "/accounts/" in location:
                raise RuntimeError(f"Sign-in failed for {self.account['email']}: {location}")

        def fetch(self, path: str, name: str, problem):
            """GET `path`, which must answer 200 itself (no redirect) and pass `problem`
            (what is wrong with the response, or None)."""
            with self.client.get(
                path, name=name, allow_redirects=False, catch_response=True
            ) as response:
                wrong = f"HTTP {response.status_code}" if response.status_code != 200 else None
                wrong = wrong or problem(response)
                if wrong:
                    response.failure(wrong)

        def page(self, path: str, name: str, expect: str):
            """A page with `expect` in it."""
            self.fetch(path, name, lambda r: None if expect in r.text else f"{expect!r} missing")

        def pdf(self, path: str, name: str, size: int):
            def problem(response):
                body = response.content
                if len(body) != size or not body.startswith(b"%PDF"):
                    return f"{len(body)} bytes, expected {size}"
                return None

            self.fetch(path, name, problem)

    class FocalPointUser(Portal):
        role = "focal_point"
        fixed_count = len(EDITOR_COUNTRIES)

        @task
        def editor(self):
            self.page(self.account["editor"], "review editor", 'name="lock_version"')

    class ReviewerUser(Portal):
        role = "reviewer"
        fixed_count = REVIEWERS

        @task
        def queue(self):
            self.page(_accounts["queue"], "queue", "Zimbabwe")

        @task
        def dashboard(self):
            self.page(_accounts["dashboard"], "dashboard", "Champion countries")

    class BoardUser(Portal):
        role = "board"
        fixed_count = BOARD

        @task(1)
        def compiled_report(self):
            report = _accounts["compiled_report"]
            self.pdf(report["url"], "PDF: compiled report", report["bytes"])

        @task(3)
        def review_pdf(self):
            report = random.choice(_accounts["review_pdfs"])
            self.pdf(report["url"], "PDF: country review", report["bytes"])


# --- Phase: setup (Django, project virtualenv) ----------------------------------------------


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["psql", f"{PG}/{db}", "-tAc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def django_setup(db: str = LOAD_DB, storage: Path = STORAGE) -> None:
    """Django in this process, on the bench's database `db` (bench/load_public.py too)."""
    os.environ["DATABASE_URL"] = f"{PG}/{db}"
    os.environ["PRIVATE_STORAGE_ROOT"] = str(storage)
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"  # renders are run here, below
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()


def setup(fresh: bool) -> dict:
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(ROOT / "bench" / "compile_report.py"), "build"],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    if fresh:
        psql(f"DROP DATABASE IF EXISTS {LOAD_DB}")
        subprocess.run(["rm", "-rf", str(STORAGE)], check=True)
    if not psql(f"SELECT 1 FROM pg_database WHERE datname = '{LOAD_DB}'"):
        psql(f"CREATE DATABASE {LOAD_DB} TEMPLATE {BENCH_DB}")
        copied = True
    else:
        copied = False
    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    data = prepare(copied) | {"copied_from_portal_bench": copied}
    data["seconds"] = round(time.perf_counter() - started, 1)
    (OUT / "setup.json").write_text(json.dumps(data, indent=2))
    print(json.dumps(data, indent=2))
    return data


def prepare(copied: bool) -> dict:
    import compile_report as cr
    from django.apps import apps
    from django.db import transaction

    from countries.models import Country
    from indicators import matrix_io
    from indicators import services as cycle_services
    from indicators.models import CycleStatus, ReviewCycle
    from reports import jobs
    from reports.models import ChapterCache, RenderJob, ReportFile, ReportKind
    from reviews import editor, evidence, services
    from reviews.models import Review

    cycle = cr.the_cycle()
    admin, _reviewer = cr.secretariat()
    if copied:  # the compile bench's cached chapters are files of its own storage
        ChapterCache.objects.all().delete()
    timings = {}

    # Country review PDFs, by the render jobs the approvals queued.
    started = time.perf_counter()
    for iso3 in PDF_COUNTRIES:
        review = Review.objects.get(cycle=cycle, country__iso3=iso3)
        if not ReportFile.objects.filter(review=review, kind=ReportKind.REVIEW).exists():
            job = RenderJob.objects.filter(review=review, kind=ReportKind.REVIEW).latest("pk")
            assert jobs.run(job.pk) == "done", job.error
    timings["review_pdfs_s"] = round(time.perf_counter() - started, 1)

    if cycle.status == CycleStatus.OPEN:
        cycle = cycle_services.close_cycle(cycle, by=admin)
    if cycle.status == CycleStatus.CLOSED:
        cycle = cycle_services.publish_cycle(cycle, by=admin)

    started = time.perf_counter()
    if not ReportFile.objects.filter(cycle=cycle, kind=ReportKind.DOSSIER).exists():
        job = RenderJob.objects.filter(cycle=cycle, kind=ReportKind.DOSSIER, language="en",
                                       status="queued").latest("pk")  # fmt: skip
        RenderJob.objects.filter(pk=job.pk).update(not_before=None)
        assert jobs.run(job.pk) == "done", RenderJob.objects.get(pk=job.pk).error
    timings["compiled_report_s"] = round(time.perf_counter() - started, 1)

    # A second cycle, open, with the same matrix: five full-size drafts to edit.
    second = ReviewCycle.objects.filter(name=SECOND_CYCLE).first()
    if second is None:
        with transaction.atomic():
            second = cycle_services.create_cycle(
                by=admin, name=SECOND_CYCLE, assembly="Third session",
                opens_on=datetime.date(2025, 7, 1), deadline=datetime.date(2027, 3, 31),
            )  # fmt: skip
            matrix_io.copy_tree(cycle.matrix, second.matrix, apps.get_model)
        second = cycle_services.open_cycle(second, by=admin)
    editors = []
    for iso3 in EDITOR_COUNTRIES:
        country = Country.objects.get(iso3=iso3)
        focal = cr.focal_point(country)
        review = Review.objects.filter(cycle=second, country=country).first()
        if review is None:
            writer = cr.Writer(country)
            with transaction.atomic():
                review = services.start_review(country, second, by=focal)
                review = editor.save_draft(
                    review, by=focal, base_version=review.lock_version,
                    sections=writer.sections(), answer_forms=cr.answer_forms(review, writer),
                )  # fmt: skip
                for fields in writer.practices():
                    evidence.add_practice(review, fields=fields, by=focal)
        editors.append({"email": focal.email, "editor": f"/reviews/{review.pk}/edit/",
                        "review_status": review.status})  # fmt: skip
    set_passwords([focal_user(e["email"]) for e in editors])

    reviewers = [load_user(f"load.reviewer{n}@unhabitat.example", "secretariat_reviewer")
                 for n in range(1, REVIEWERS + 1)]  # fmt: skip
    board = [load_user(f"load.board{n}@board.example", "board_member")
             for n in range(1, BOARD + 1)]  # fmt: skip
    set_passwords(reviewers + board)
    files = ReportFile.objects.visible_to(board[0]).select_related("review__country")
    compiled = files.filter(kind=ReportKind.DOSSIER, language="en").latest("number")
    reviews = [files.filter(kind=ReportKind.REVIEW, review__country__iso3=iso3).latest("pk")
               for iso3 in PDF_COUNTRIES]  # fmt: skip

    def entry(report):
        return {"url": f"/reports/files/{report.pk}/download/", "bytes": report.bytes,
                "pages": report.pages, "name": report.filename}  # fmt: skip

    accounts = {
        "focal_point": editors,
        "reviewer": [{"email": u.email, "secret": enrol(u)} for u in reviewers],
        "board": [{"email": u.email} for u in board],
        "queue": f"/reviews/queue/?cycle={cycle.pk}",
        "dashboard": f"/reports/cycles/{cycle.pk}/dashboard/",
        "compiled_report": entry(compiled),
        "review_pdfs": [entry(r) for r in reviews],
    }
    USERS_FILE.write_text(json.dumps(accounts, indent=2))
    return {
        "cycle": {
            "name": cycle.name,
            "status": cycle.status,
            "reviews": Review.objects.filter(cycle=cycle).count(),
            "reviews_by_status": dict(census(cycle)),
        },  # fmt: skip
        "second_cycle": {
            "name": second.name,
            "status": second.status,
            "drafts": [e["editor"] for e in editors],
        },  # fmt: skip
        "draft_words": [
            words(Review.objects.get(pk=e["editor"].split("/")[2])) for e in editors
        ],  # fmt: skip
        "compiled_report": entry(compiled),
        "review_pdfs": [entry(r) for r in reviews],
        "streaming": streaming_class(board[0], compiled),
        **timings,
    }


def census(cycle):
    from django.db.models import Count

    from reviews.models import Review

    rows = Review.objects.filter(cycle=cycle).values_list("status").annotate(n=Count("pk"))
    return sorted(rows)


def words(review) -> int:
    from reviews.sections import SECTIONS

    return sum(len(review.section_text(s.key).split()) for s in SECTIONS)


def focal_user(email: str):
    from accounts.models import User

    return User.objects.get(email=email)


def load_user(email: str, role: str):
    import compile_report as cr

    return cr.user(email, email.split("@")[0].replace(".", " ").title(), role)


def set_passwords(users) -> None:
    for person in users:
        if not person.check_password(PASSWORD):
            person.set_password(PASSWORD)
            person.save(update_fields=["password"])


def enrol(person) -> str:
    """A fresh TOTP authenticator (and recovery codes) with a secret the load clients know."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    Authenticator.objects.filter(user=person).delete()
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    RecoveryCodes.activate(person)
    return secret


def streaming_class(board_member, report) -> dict:
    """What the download view answers, seen in-process (the test client, no server)."""
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(board_member, backend=BACKEND)
    response = client.get(f"/reports/files/{report.pk}/download/", secure=True)
    first = next(iter(response.streaming_content))
    response.close()
    return {
        "status": response.status_code,
        "class": f"{type(response).__module__}.{type(response).__name__}",
        "streaming": response.streaming,
        "block_size": response.block_size,
        "first_chunk_bytes": len(first),
        "content_length": response.headers.get("Content-Length"),
    }


# --- Phase: profile (in-process, the test client) -----------------------------------------


def profile(save_as: str) -> dict:
    """Queries and time of each page in-process: where a slow page spends its time."""
    django_setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    accounts = json.loads(USERS_FILE.read_text())
    pages = [("review editor", accounts["focal_point"][0]["email"], accounts["focal_point"][0]["editor"]),
             ("queue", accounts["reviewer"][0]["email"], accounts["queue"]),
             ("dashboard", accounts["reviewer"][0]["email"], accounts["dashboard"])]  # fmt: skip
    result = {"when": now(), "load": loadavg(), "pages": {}}
    for name, email, path in pages:
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(focal_user(email), backend=BACKEND)
        client.get(path)  # warm: templates, translations
        walls, cpus = [], []
        for _ in range(5):
            started, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        result["pages"][name] = {
            "queries": len(queries.captured_queries),
            "sql_ms": round(sum(float(q["time"]) for q in queries.captured_queries) * 1000, 1),
            "wall_ms": round(statistics.median(walls), 1),
            "cpu_ms": round(statistics.median(cpus), 1),
            "html_kib": round(len(response.content) / 1024, 1),
            "slowest_query_ms": round(float(slowest["time"]) * 1000, 1),
            "slowest_query": slowest["sql"][:160],
        }
    (OUT / f"{save_as}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return result


# --- Phase: run (gunicorn + locust) ---------------------------------------------------------


def server_env(db: str = LOAD_DB, site: str = SITE, out: Path = OUT) -> dict:
    """Production settings: DEBUG off, every variable the settings require."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    return env | {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"{PG}/{db}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": site,
        "SITE_URL": site,
        "EMAIL_HOST": "127.0.0.1",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/11",
        "PRIVATE_STORAGE_ROOT": str(STORAGE),
        "STATIC_ROOT": str(out / "static"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def start_gunicorn(
    env: dict, port: int = PORT, out: Path = OUT, options: tuple[str, ...] = ("--workers", "2")
) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:`port` with `options` (its workers), logging to out/gunicorn.log."""
    log = open(out / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", *options,
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "--error-logfile", "-",
         "--access-logformat", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(120):
        time.sleep(1)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:  # refused, reset, or timed out while the workers boot
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {out / 'gunicorn.log'}") from None
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz")


def board_opener(email: str):
    """A stdlib client signed in as a Board member through the sign-in form."""
    jar = http.cookiejar.CookieJar(policy=ProxiedCookies())
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = list(PROXY_HEADERS.items())
    with opener.open(f"{BASE}/accounts/login/") as page:
        token = csrf_token(page.read().decode())
    form = urllib.parse.urlencode(
        {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(f"{BASE}/accounts/login/", data=form,
                                     headers={"Origin": SITE, "Referer": f"{SITE}/accounts/login/"})  # fmt: skip
    with opener.open(request) as page:
        assert "/accounts/login" not in page.url, "Board sign-in failed"
    return opener


def stream_check(master: int, accounts: dict) -> dict:
    """Headers and first chunk of the compiled report, then worker memory around many
    downloads of it: a streamed file does not pass through the worker's memory."""
    opener = board_opener(accounts["board"][0]["email"])
    report = accounts["compiled_report"]
    workers = worker_pids(master)
    before = {pid: rss_mib(pid) for pid in workers}
    started = time.perf_counter()
    with opener.open(BASE + report["url"]) as answer:
        headers = dict(answer.headers)
        first = answer.read(64 * 1024)
        first_chunk_ms = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(STREAM_DOWNLOADS):
        started = time.perf_counter()
        size = 0
        with opener.open(BASE + report["url"]) as answer:
            while chunk := answer.read(1024 * 1024):
                size += len(chunk)
        assert size == report["bytes"], (size, report["bytes"])
        times.append((time.perf_counter() - started) * 1000)
    after = {pid: rss_mib(pid) for pid in workers}
    return {
        "headers": {
            k: headers.get(k)
            for k in ("Content-Type", "Content-Length", "Content-Disposition", "Transfer-Encoding")
        },  # fmt: skip
        "first_chunk": {
            "bytes": len(first),
            "starts_with": first[:8].decode("latin-1"),
            "ms": round(first_chunk_ms, 1),
        },  # fmt: skip
        "downloads": STREAM_DOWNLOADS,
        "file_mib": round(report["bytes"] / 2**20, 1),
        "download_ms": {"p50": round(statistics.median(times), 1), "max": round(max(times), 1)},
        "worker_rss_mib_before": before,
        "worker_rss_mib_after": after,
    }


def run(warmup: int, duration: int, save_as: str) -> dict:
    accounts = json.loads(USERS_FILE.read_text())
    env = server_env()
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic",
                    "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # fmt: skip
    load_before = loadavg()
    server = start_gunicorn(env)
    try:
        workers = worker_pids(server.pid)
        rss_start = {pid: rss_mib(pid) for pid in workers}
        REQUEST_LOG.write_text("")
        launched = time.time()
        locust = subprocess.run(
            [str(LOAD_VENV / "bin" / "locust"), "-f", str(Path(__file__).resolve()),
             "--headless", "--users", "20", "--spawn-rate", "5", "--host", BASE,
             "--run-time", f"{warmup + duration}s", "--stop-timeout", "10", "--only-summary",
             "--csv", str(OUT / "locust")],
            cwd=ROOT, env=os.environ | {"LOAD_USERS": str(USERS_FILE), "LOAD_LOG": str(REQUEST_LOG)},
            capture_output=True, text=True,
        )  # fmt: skip
        (OUT / "locust.log").write_text(locust.stdout + locust.stderr)
        load_after = loadavg()
        rss_end = {pid: rss_mib(pid) for pid in worker_pids(server.pid)}
        streaming = stream_check(server.pid, accounts)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    # Measured: from the end of warm-up, or of the last sign-in if that came later.
    signed_in = max((float(start) + float(ms) / 1000 for start, name, ms, *_rest in
                     (line.split(",") for line in REQUEST_LOG.read_text().splitlines())
                     if name.startswith("sign-in")), default=0.0)  # fmt: skip
    window = (max(launched + warmup, signed_in), launched + warmup + duration)
    result = {
        "when": now(),
        "warmup_s": warmup, "duration_s": duration, "users": 20,
        "measured_s": round(window[1] - window[0], 1),
        "last_sign_in_s": round(signed_in - launched, 1),
        "mix": {"review editor": len(EDITOR_COUNTRIES), "queue and dashboard": REVIEWERS,
                "PDF downloads": BOARD},  # fmt: skip
        "locust_exit": locust.returncode,
        "endpoints": summarise(window),
        "load_before": load_before, "load_after": load_after,
        "worker_rss_mib_start": rss_start, "worker_rss_mib_end": rss_end,
        "streaming": streaming,
        "gunicorn_errors": gunicorn_errors(),
        "machine": machine(),
        "setup": json.loads((OUT / "setup.json").read_text()),
    }  # fmt: skip
    (OUT / f"{save_as}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result["endpoints"], indent=2))
    return result


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def summarise(window: tuple[float, float], log: Path = REQUEST_LOG) -> dict:
    """Per request name, over the requests of `log` started in `window`."""
    rows: dict[str, dict] = {}
    for line in log.read_text().splitlines():
        started, name, ms, size, error = line.split(",", 4)
        row = rows.setdefault(name, {"times": [], "errors": [], "bytes": 0, "outside": 0})
        if not window[0] <= float(started) < window[1]:
            row["outside"] += 1
            continue
        row["times"].append(float(ms))
        row["bytes"] = max(row["bytes"], int(size))
        if error:
            row["errors"].append(error)
    summary = {}
    for name, row in sorted(rows.items()):
        times = row["times"]
        summary[name] = {
            "requests": len(times),
            "per_second": round(len(times) / (window[1] - window[0]), 2),
            "p50_ms": round(percentile(times, 0.50), 1) if times else None,
            "p95_ms": round(percentile(times, 0.95), 1) if times else None,
            "p99_ms": round(percentile(times, 0.99), 1) if times else None,
            "max_ms": round(max(times), 1) if times else None,
            "errors": len(row["errors"]),
            "error_kinds": sorted(set(row["errors"]))[:5],
            "bytes": row["bytes"],
            "outside_window": row["outside"],
        }
    return summary


ENDPOINTS = [("/edit/", "review editor"), ("/reviews/queue/", "queue"),
             ("/dashboard/", "dashboard"), ("/reports/files/", "PDF download")]  # fmt: skip


def gunicorn_errors(out: Path = OUT, endpoints: list = ENDPOINTS) -> dict:
    """From gunicorn's log: HTTP status counts, tracebacks, and the time each request took
    inside gunicorn (from its start to the response being handed over), per endpoint: the
    rest of what a client waits is queueing for a free worker."""
    text = (out / "gunicorn.log").read_text()
    statuses: dict[str, int] = {}
    inside: dict[str, list[int]] = {}
    for match in re.finditer(r'"[A-Z]+ (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+)ms', text):
        path, status, ms = match.groups()
        statuses[status] = statuses.get(status, 0) + 1
        for part, name in endpoints:
            if part in path:
                inside.setdefault(name, []).append(int(ms))
    return {
        "statuses": dict(sorted(statuses.items())),
        "tracebacks": text.count("Traceback"),
        "server_ms": {
            name: {"requests": len(v), "p50": percentile(v, 0.5), "p95": percentile(v, 0.95)}
            for name, v in inside.items()
        },  # fmt: skip
    }


# A fixed piece of pure-Python work, timed in the project's interpreter: how fast one core of
# this machine runs Python, so that runs on different machines can be compared.
CPU_LOOP = (
    "import statistics, time\n"
    "def once():\n"
    "    started = time.perf_counter()\n"
    "    sum(i * i for i in range(3_000_000))\n"
    "    return (time.perf_counter() - started) * 1000\n"
    "print(round(statistics.median(once() for _ in range(5)), 1))"
)


def cpu_loop_ms(python: str) -> float | None:
    done = subprocess.run([python, "-c", CPU_LOOP], capture_output=True, text=True)
    return float(done.stdout) if done.returncode == 0 else None


def machine() -> dict:
    def output(*command) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    mem = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
    python = str(ROOT / ".venv" / "bin" / "python")
    return {
        "nproc": output("nproc"),
        "cpu": model.group(1) if model else platform.processor(),
        "ram_gib": round(int(mem.group(1)) / 2**20, 1) if mem else None,
        "os": output("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
        "kernel": platform.release(),
        "python": output(python, "-c", "import platform; print(platform.python_version())"),
        "django": output(python, "-c", "import django; print(django.get_version())"),
        "gunicorn": output(str(ROOT / ".venv" / "bin" / "gunicorn"), "--version"),
        "locust": output(str(LOAD_VENV / "bin" / "locust"), "--version").split(" from ")[0],
        "postgresql": psql("SHOW server_version"),
        "cpu_loop_ms": cpu_loop_ms(python),
        "commit": output("git", "-C", str(ROOT), "log", "-1", "--format=%h %s"),
        # The work tree is shared: whatever was being changed in it was served too (this
        # file's own results aside).
        "uncommitted": len(
            [
                line
                for line in output(
                    "git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"
                ).splitlines()
                if not line.endswith("bench/RESULTS.md")
            ]
        ),
    }


# --- Phase: report --------------------------------------------------------------------------


def report() -> None:
    result = json.loads((OUT / "results.json").read_text())
    m, s, st = result["machine"], result["setup"], result["streaming"]
    lines = [
        SECTION_TITLE,
        "",
        f"Measured on {result['when']} by `bench/load.py` (see `bench/README.md`). Every number "
        "below was measured by that run.",
        "",
        "### Machine",
        "",
        f"- CPU: {m['cpu']}, {m['nproc']} cores (`nproc`); RAM {m['ram_gib']} GiB; {m['os']} "
        f"(kernel {m['kernel']}); {cpu_speed(m)}",
        f"- Python {m['python']}, Django {m['django']}, {m['gunicorn']}, {m['locust']}, "
        f"PostgreSQL {m['postgresql']} on 127.0.0.1:5432",
        f"- Code: commit `{m['commit']}`, with {m['uncommitted']} files changed in the work "
        "tree (work in progress of this issue, served as it was)",
        f"- The machine was shared with other people's work: load average "
        f"{result['load_before']} before the run, {result['load_after']} at its end. "
        "The load generator (locust) ran on the same 2 cores as gunicorn and PostgreSQL.",
        "",
        "### Set-up",
        "",
        f"- Server: gunicorn, 2 sync workers, 127.0.0.1:{PORT}, `DEBUG` off and the production "
        "settings (secret key, allowed hosts, trusted origins, Redis broker, whitenoise with the "
        "manifest after `collectstatic`); requests come as from a TLS proxy "
        "(`X-Forwarded-Proto: https`), so HTTPS redirects and Secure cookies stay on.",
        f"- Data: {s['cycle']['reviews']} complete reviews (every UN member state, built by "
        "`compile_report.py build`) in the published cycle "
        f"({', '.join(f'{n} {k}' for k, n in s['cycle']['reviews_by_status'].items())}); its compiled "
        f"report {s['compiled_report']['pages']:,} pages, "
        f"{s['compiled_report']['bytes'] / 2**20:.1f} MiB; "
        f"{len(s['review_pdfs'])} country review PDFs "
        f"({min(r['bytes'] for r in s['review_pdfs']) // 1024}–"
        f"{max(r['bytes'] for r in s['review_pdfs']) // 1024} KiB). The editor is measured "
        f"on {len(s['draft_words'])} full-size drafts ({min(s['draft_words']):,}–"
        f"{max(s['draft_words']):,} words, 22 indicators answered, good practices) in a second, "
        "open cycle with the same matrix: a published cycle's reviews can no longer be reopened.",
        f"- Users: 20 at once, each signed in through the real sign-in form (the 10 secretariat "
        f"reviewers also through the two-factor form, with a TOTP code): "
        f"{result['mix']['review editor']} focal points on their country's editor, "
        f"{result['mix']['queue and dashboard']} reviewers alternating queue and dashboard "
        f"(the published cycle: 193 rows), {result['mix']['PDF downloads']} Board members "
        "downloading (the compiled report 1 time in 4, a country review PDF otherwise). Each "
        "user waits 1–3 s between requests (a person reading). "
        f"{result['warmup_s']} s of warm-up, then {result['duration_s']} s; the figures are over "
        f"the requests started in the measured window: from the end of the warm-up or of the "
        f"last sign-in, whichever came later ({result.get('last_sign_in_s', '?')} s after the "
        f"start), to the end: {result.get('measured_s', result['duration_s'])} s. Times are "
        "wall time to the last byte, as locust sees it.",
        "",
        "### Results",
        "",
        *endpoint_table(result),
    ]
    before = OUT / "results-before.json"
    if before.exists():
        earlier = json.loads(before.read_text())
        was = earlier["machine"]
        same = (was["cpu"], was["nproc"]) == (m["cpu"], m["nproc"])
        lines += [
            "",
            f"The same bench on the code before {LAST_FIXES} (commit `{was['commit'][:7]}`, "
            f"{was['uncommitted']} files changed), "
            + ("on the same machine" if same else f"on {was['cpu']} ({cpu_speed(was)})")
            + f", same set-up and data, measured on {earlier['when']}; load average "
            f"{earlier['load_before']} before, {earlier['load_after']} after; window: "
            + (
                f"{earlier['measured_s']} s"
                if "measured_s" in earlier
                else f"the {earlier['duration_s']} s after the warm-up, late sign-ins included"
            )
            + "):",
            "",
            *endpoint_table(earlier),
        ]
    lines += ["", HISTORY]
    lines += targets(result)
    lines += profile_section()
    g = result["gunicorn_errors"]
    lines += [
        "",
        f"gunicorn's access log over the whole run (sign-ins, warm-up and the streaming check "
        f"included): status codes {g['statuses']}; tracebacks in its log: {g['tracebacks']}. "
        "Time spent inside gunicorn per request (from its access log, whole run; the rest of "
        "the client's wait is queueing for one of the 2 workers): "
        + "; ".join(
            f"{n}: p50 {v['p50']} ms, p95 {v['p95']} ms ({v['requests']} requests)"
            for n, v in g.get("server_ms", {}).items()
        )
        + ".",
        "",
        "### Downloads stream",
        "",
        f"- The download view answers a `{s['streaming']['class']}` "
        f"(streaming: {s['streaming']['streaming']}, blocks of {s['streaming']['block_size']:,} "
        f"bytes, `Content-Length` {s['streaming']['content_length']}), checked in-process.",
        f"- Through gunicorn: `Content-Type: {st['headers']['Content-Type']}`, "
        f"`Content-Length: {st['headers']['Content-Length']}`, "
        f"`Content-Disposition: {st['headers']['Content-Disposition']}`; the first "
        f"{st['first_chunk']['bytes'] // 1024} KiB (`{st['first_chunk']['starts_with'][:5]}…`) "
        f"arrived {st['first_chunk']['ms']} ms after the request was sent.",
        f"- Worker memory (RSS, MiB) before and after downloading the {st['file_mib']} MiB "
        f"compiled report {st['downloads']} times in a row (p50 {st['download_ms']['p50']} ms, "
        f"max {st['download_ms']['max']} ms each): before {st['worker_rss_mib_before']}, after "
        f"{st['worker_rss_mib_after']}. Over the whole load run: start "
        f"{result['worker_rss_mib_start']}, end {result['worker_rss_mib_end']}.",
        "",
        "### Command",
        "",
        "```",
        ".venv/bin/python bench/load.py all",
        "```",
        "",
    ]
    # Replace this section only; other benches' sections stay where they are.
    import compile_report as cr

    cr.replace_section(SECTION_TITLE, lines)


def cpu_speed(m: dict) -> str:
    if not m.get("cpu_loop_ms"):
        return "speed of one core not measured"
    return (
        f"one core runs `sum(i * i for i in range(3_000_000))` in {m['cpu_loop_ms']} ms "
        "(median of 5, the same Python: compares machines)"
    )


def targets(result: dict) -> list[str]:
    pages = {k: v for k, v in result["endpoints"].items() if k in ("review editor", "queue",
                                                                  "dashboard")}  # fmt: skip
    worst = max(pages.items(), key=lambda item: item[1]["p95_ms"])
    errors = sum(row["errors"] for row in result["endpoints"].values())
    bad = {k: n for k, n in result["gunicorn_errors"]["statuses"].items() if k[0] not in "23"}
    st, streaming = result["streaming"], result["setup"]["streaming"]
    growth = max(st["worker_rss_mib_after"][pid] - st["worker_rss_mib_before"][pid]
                 for pid in st["worker_rss_mib_before"])  # fmt: skip
    streams = streaming["streaming"] and growth < st["file_mib"]
    served = sum(r["per_second"] for k, r in result["endpoints"].items() if k[:7] != "sign-in")
    inside = result["gunicorn_errors"].get("server_ms", {})
    return [
        "",
        "### Targets",
        "",
        "| Target | Measured | Result |",
        "|---|---|---|",
        f"| p95 < {TARGET_P95_MS} ms for pages | worst: {worst[0]} {worst[1]['p95_ms']} ms; "
        + ", ".join(f"{k} {v['p95_ms']} ms" for k, v in pages.items())
        + f" | {'PASS' if worst[1]['p95_ms'] < TARGET_P95_MS else 'FAIL'} |",
        f"| 0 errors | {errors} failed requests in the window; responses other than 2xx/3xx in "
        f"the whole run: {bad or 'none'} | {'PASS' if not errors and not bad else 'FAIL'} |",
        f"| Downloads stream without loading the file into memory | `{streaming['class']}`; "
        f"worker RSS grew by at most {growth:.1f} MiB over {st['downloads']} downloads of "
        f"{st['file_mib']} MiB | {'PASS' if streams else 'FAIL'} |",
        "",
        f"Reading the figures: the 2 workers served {served:.1f} requests a second in all. "
        "Inside gunicorn a request took (p50) "
        + ", ".join(f"{k} {v['p50']} ms" for k, v in inside.items())
        + "; the rest of what the clients waited was queueing for a free worker (a download "
        "waits behind the pages too). In-process the same pages cost the CPU time in the "
        "profile below; the gap to the time inside gunicorn is the CPU the workers did not get "
        "on a machine whose load average was "
        f"{result['load_before'].split()[0]}–{result['load_after'].split()[0]} on 2 cores.",
    ]


def endpoint_table(result: dict) -> list[str]:
    pages = ("review editor", "queue", "dashboard")
    lines = [
        f"| Endpoint | Requests | Per second | p50 | p95 | Max | Errors | p95 < {TARGET_P95_MS} ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in result["endpoints"].items():
        if name.startswith("sign-in"):
            continue
        target = ("PASS" if row["p95_ms"] < TARGET_P95_MS and not row["errors"] else "FAIL") \
            if name in pages else "(download)"  # fmt: skip
        lines.append(
            f"| {name} | {row['requests']} | {row['per_second']} | {row['p50_ms']} ms | "
            f"{row['p95_ms']} ms | {row['max_ms']} ms | {row['errors']} | {target} |"
        )
    return lines


# What var/load/results-before.json and profile-before.json were measured without.
LAST_FIXES = (
    "the last two changes below, the dashboard's cache and the editor's one reading of the matrix"
)

# What the profile showed and what was changed (written with the fixes; the figures in the
# tables are read from var/load/profile-before.json and profile.json).
FINDINGS = """\
What was found and changed, over the sessions of this issue:

- **Queue** (`reviews.views.review_queue`): it read every column of the cycle's 193 reviews,
  the 8 narrative sections included (≈7,000 words each), to show a status and a date: now
  `.only()` the four fields the rows show (SQL 98 → 20 ms in the first profile). Each row's
  labels, badge and link are worked out once per page instead of in the template.
- **Dashboard** (`dashboard.views.dashboard`): `reports.success.approved_contents` fetched
  and decoded the whole JSON content of the 193 latest snapshots to read a few indicator
  answers (SQL 242 → 65 ms once it selected `content -> 'answers'` only). PostgreSQL still
  decompressed every snapshot on every view, so the answers the figures read are now cached
  under the ids of the snapshots that count (one index-only query, ≈1 ms): snapshots never
  change, and an approval, a reopening or a new version changes the ids and so the key
  (`tests/dashboard/test_dashboard.py` follows the figures through a reopening and a new
  approval). The waiting countries are loaded only when the overdue list shows them.
- **Review editor** (`reviews.views.review_edit`): its ~150 form fields went each through a
  crispy-forms template (2/3 of its CPU time); `reviews.forms.field_html` writes the same
  markup in Python (`tests/reviews/test_field_html.py` compares it with `as_crispy_field`
  field by field). The matrix (22 indicators and their options) was read three times per
  page: the list of what is missing and the progress panel now take the editor's own."""

# Earlier runs of this bench, copied from this file as each run wrote it.
HISTORY = """\
Earlier runs, on another machine (AMD EPYC, 2 cores, shared with other work; the speed of one
core was not measured then):

| When (UTC) | Code | Load average before → after | Editor p50 / p95 | Queue p50 / p95 | Dashboard p50 / p95 | Errors |
|---|---|---|---|---|---|---|
| 2026-12-02 06:21 | before `03ee4db` (no fixes) | 9.03 → 8.80 | 2,682 / 7,682 ms | 2,231 / 7,099 ms | 2,653 / 7,309 ms | 0 |
| 2026-12-02 08:19 | `f1ab130` (queue, dashboard SQL, `field_html`) | 2.61 → 1.36 | 138.0 / 224.2 ms | 84.7 / 182.6 ms | 123.3 / 231.3 ms | 0 |

Inside gunicorn the 08:19 run took (p50) editor 133 ms, dashboard 115 ms, queue 80 ms. The
same code on this machine (the comparison run above, on `bd3c2e4`, which differs from
`f1ab130` in tests and this file only) took editor 50 ms, dashboard 54 ms, queue 28 ms: this
machine runs the portal two to three times as fast, which is why the speed of one core is
now recorded with each run."""


def profile_section() -> list[str]:
    before, after = OUT / "profile-before.json", OUT / "profile.json"
    if not (before.exists() and after.exists()):
        return []
    old, new = json.loads(before.read_text()), json.loads(after.read_text())
    lines = [
        "",
        "### Where the pages spend their time",
        "",
        "`bench/load.py profile`: each page 5 times in-process through the test client, with "
        "`DEBUG` on (`CaptureQueriesContext`; median wall and CPU time of the process), before "
        f"({old['when']}, load average {old['load']}) and after ({new['when']}, load average "
        f"{new['load']}) {LAST_FIXES}:",
        "",
        "| Page | Queries | SQL time | Slowest query | CPU time | Wall time | HTML |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, page in new["pages"].items():
        was = old["pages"][name]

        def pair(key, unit=" ms"):
            return f"{was[key]} → {page[key]}{unit}"  # noqa: B023

        lines.append(
            f"| {name} | {pair('queries', '')} | {pair('sql_ms')} | {pair('slowest_query_ms')} "
            f"| {pair('cpu_ms')} | {pair('wall_ms')} | {page['html_kib']} KiB |"
        )
    return [*lines, "", FINDINGS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=["setup", "profile", "run", "report", "all"])
    parser.add_argument(
        "--save-as", default="", help="results name in var/load/ (default: results)"
    )
    parser.add_argument("--fresh", action="store_true", help="drop portal_load and start again")
    parser.add_argument("--warmup", type=int, default=WARMUP)
    parser.add_argument("--duration", type=int, default=DURATION)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if not (LOAD_VENV / "bin" / "locust").exists() and args.phase in ("run", "all"):
        subprocess.run([sys.executable, "-m", "venv", str(LOAD_VENV)], check=True)
        subprocess.run([str(LOAD_VENV / "bin" / "pip"), "install", "-q", "-r",
                        str(ROOT / "bench" / "requirements-load.txt")], check=True)  # fmt: skip
    if args.phase in ("setup", "all"):
        setup(args.fresh)
    if args.phase in ("profile", "all"):
        profile(args.save_as or "profile")
    if args.phase in ("run", "all"):
        run(args.warmup, args.duration, args.save_as or "results")
    if args.phase in ("report", "all"):
        report()


if __name__ == "__main__":
    main()
