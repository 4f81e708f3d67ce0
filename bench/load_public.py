"""Load test of the public open-data pages and the API (issue 19, must show 4): 200 anonymous
visitors at once on gunicorn; p95 under 100 ms, no errors, and no database query for a page
or API answer already in the cache.

    .venv/bin/python bench/load_public.py all    # setup, queries, run, report

Phases:

    setup    A database of this bench's own, portal_public: a copy (CREATE DATABASE … TEMPLATE)
             of the compile bench's 193 approved reviews (bench/compile_report.py build, run
             first when portal_bench is missing), where the cycle is closed and published
             through indicators.services, as the secretariat would, and its search index
             built (manage.py index_passages). Writes the URLs the visitors read to
             var/load_public/urls.json; the search and the answers downloads are included
             only when they answer 200 (they were being written with this bench). Idempotent.
    queries  In-process, through the test client, with the cache in Redis (db 13, emptied
             first) as in production: each kind of page and API answer twice, the database
             queries of each request counted (CaptureQueriesContext). The second must make none.
    run      collectstatic, then gunicorn (4 sync workers, DEBUG off, production settings,
             the cache in Redis db 12, emptied first) on 127.0.0.1:8302, then locust (its own
             virtualenv, var/load-venv, as bench/load.py) with 200 visitors for WARMUP +
             DURATION seconds. Every request is logged with its time, so the figures are
             computed over the measured window only.
    report   Writes the "Public pages and API under load" section of bench/RESULTS.md.

The same file is the locustfile: locust imports it (the visitor class below is only defined
where locust is installed); bench/load.py's pieces (database set-up, gunicorn, production
environment, percentiles, the machine) are imported by the phases only, in the project's
virtualenv.

Requests come as from the TLS-terminating proxy the settings trust: `X-Forwarded-Proto:
https` and, per visitor, an `X-Forwarded-For` address of its own (TRUSTED_PROXY_COUNT=1), so
the API's rate limit per client address is counted per visitor as in production. It is also
raised for the bench's gunicorn (OPENDATA_API_RATE) so that it never answers 429 here.
"""

import argparse
import hashlib
import io
import itertools
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "load_public"
DB = "portal_public"
BENCH_DB = "portal_bench"
STORAGE = ROOT / "var" / "bench-storage" / "public"
PORT = 8302
BASE = f"http://127.0.0.1:{PORT}"
SITE = f"https://127.0.0.1:{PORT}"
URLS_FILE = OUT / "urls.json"
REQUEST_LOG = OUT / "requests.csv"
FIRST_LOG = OUT / "first.csv"  # each URL's first request of the run: a cache miss
REDIS = "redis://127.0.0.1:6379"
RUN_CACHE_DB, QUERIES_CACHE_DB = 12, 13
USERS, SPAWN_RATE = 200, 50
WARMUP, DURATION = 30, 120
WORKERS = 4
API_RATE = "1000000/min"  # the bench's gunicorn only: the limit must never bite here
TARGET_P95_MS = 100
SECTION_TITLE = "## Public pages and API under load"
SORTS = ["", "?sort=country", "?sort=region", "?sort=value"]
SEARCHES = [
    "lighting",
    "community policing",
    "participatory budget",
    "harassment",
    "Kenya",
    "informal settlements",
    "public transport",
    "youth",
    "safety audit",
    "markets",
    "street lights",
    "violence prevention",
]
PAGE_SIZE = 50  # the API's default

# What each kind of request is, from its path: the name in the tables (the same as locust's).
KINDS = [
    (r"^/data/$", "page: index"),
    (r"^/data/cycles/\d+/$", "page: cycle"),
    (r"^/data/cycles/\d+/indicators/", "page: indicator"),
    (r"^/data/cycles/\d+/answers\.json", "download: answers.json"),
    (r"^/data/cycles/\d+/answers\.csv", "download: answers.csv"),
    (r"^/data/reviews/", "page: review"),
    (r"^/data/countries/", "page: country"),
    (r"^/data/search/", "page: search"),
    (r"^/api/v1/cycles/$", "api: cycles"),
    (r"^/api/v1/cycles/\d+/indicators/", "api: cycle indicators"),
    (r"^/api/v1/reviews/\?", "api: reviews"),
    (r"^/api/v1/reviews/\d+/", "api: review"),
    (r"^/api/v1/answers/", "api: answers"),
    (r"^/api/v1/countries/[A-Za-z]{3}/", "api: country"),
]


def kind_of(path: str) -> str:
    return next((name for pattern, name in KINDS if re.search(pattern, path)), "other")


# --- The visitors (only where locust is installed: var/load-venv) -------------------------

try:
    from locust import FastHttpUser, between, events
except ImportError:  # the project's virtualenv: the phases below
    FastHttpUser = None

if FastHttpUser is not None:
    _urls = json.loads(Path(os.environ.get("PUBLIC_URLS", URLS_FILE)).read_text())
    _log = open(os.environ.get("PUBLIC_LOG", REQUEST_LOG), "a", buffering=1)  # noqa: SIM115
    _first = open(os.environ.get("PUBLIC_FIRST", FIRST_LOG), "a", buffering=1)  # noqa: SIM115
    _seen: set[str] = set()
    _addresses = itertools.count(1)

    @events.request.add_listener
    def _record(request_type, name, response_time, response_length, exception, url="", **_kw):
        started = time.time() - response_time / 1000
        failed = "" if exception is None else str(exception).replace(",", ";")[:200]
        line = f"{started:.4f},{name},{response_time:.2f},{response_length or 0},{failed}\n"
        _log.write(line)  # the format of bench/load.py's log, which load.summarise reads
        if url not in _seen:  # one locust process: every visitor's requests pass here
            _seen.add(url)
            _first.write(line)

    def _html(*expected: str):
        """A whole page (to its closing tag) with each of `expected` in it."""

        def problem(response):
            text = response.text or ""
            if not response.headers.get("Content-Type", "").startswith("text/html"):
                return f"Content-Type {response.headers.get('Content-Type')}"
            if not text.rstrip().endswith("</html>"):
                return "page cut short"
            missing = [e for e in expected if e not in text]
            return f"{missing[0]!r} missing" if missing else None

        return problem

    def _json(check):
        def problem(response):
            try:
                data = json.loads(response.content)
            except ValueError:
                return "not JSON"
            return None if check(data) else "unexpected JSON"

        return problem

    def _listed(count: int, page: int):
        """A page of a list of `count` items, numbered `page`, as full as it must be."""
        expect = min(PAGE_SIZE, count - (page - 1) * PAGE_SIZE)
        return _json(lambda d: d["count"] == count and len(d["items"]) == expect)

    def _pick(user, path: str, name: str, problem) -> None:
        with user.client.get(
            path, name=name, headers=user.headers, allow_redirects=False, catch_response=True
        ) as response:
            wrong = f"HTTP {response.status_code}" if response.status_code != 200 else None
            wrong = wrong or problem(response)
            if wrong:
                response.failure(wrong)

    def index(user):
        _pick(user, "/data/", "page: index", _html("Open data", _urls["cycle_name"]))

    def cycle(user):
        _pick(user, _urls["cycle"], "page: cycle", _html(_urls["cycle_name"], 'id="participation"'))

    def indicator(user):
        code = random.choice(_urls["indicators"])
        path = f"{_urls['cycle']}indicators/{code}/{random.choice(SORTS)}"
        _pick(user, path, "page: indicator", _html(f"{code} ", 'id="answers-map"'))

    def review(user):
        pk, name = random.choice(_urls["reviews"])
        _pick(user, f"/data/reviews/{pk}/", "page: review", _html(escape(name)))

    def country(user):
        iso3, name = random.choice(_urls["countries"])
        _pick(user, f"/data/countries/{iso3}/", "page: country", _html(escape(name)))

    def search(user):
        words = random.choice(SEARCHES)
        path = f"/data/search/?q={words.replace(' ', '+')}"
        _pick(user, path, "page: search", _html(escape(words), "<mark>"))

    _verified: dict[str, str] = {}  # each download's digest, once a body was checked

    def _download(check):
        """A whole download: the first body checked by `check` (the JSON parsed, the rows
        counted), the next ones the same bytes as the first (one generation of the cache).
        Parsing 1.3 MB of JSON each time would hold locust's one process ~10 ms and so add
        to every other request it is timing at that moment."""

        def problem(response):
            body, which = response.content or b"", check.__name__
            digest = hashlib.sha256(body).hexdigest()
            if which not in _verified:
                wrong = check(body)
                if wrong:
                    return wrong
                _verified[which] = digest
            return None if _verified[which] == digest else "not the same file as before"

        return problem

    def _all_answers(body: bytes):
        try:
            answers = len(json.loads(body)["answers"])
        except (ValueError, KeyError, TypeError):
            return "not the answers' JSON"
        return None if answers == _urls["counts"]["answers"] else f"{answers} answers"

    def _rows(body: bytes):  # a header and a row per answer (a note may hold a newline)
        lines = body.count(b"\n")
        return None if lines > _urls["counts"]["answers"] else f"{lines} lines"

    def answers_json(user):
        path = f"{_urls['cycle']}answers.json"
        _pick(user, path, "download: answers.json", _download(_all_answers))

    def answers_csv(user):
        path = f"{_urls['cycle']}answers.csv"
        _pick(user, path, "download: answers.csv", _download(_rows))

    def api_cycles(user):
        _pick(user, "/api/v1/cycles/", "api: cycles", _listed(1, 1))

    def api_indicators(user):
        path = f"/api/v1/cycles/{_urls['cycle_id']}/indicators/"
        _pick(user, path, "api: cycle indicators", _listed(len(_urls["indicators"]), 1))

    def api_reviews(user):
        count = _urls["counts"]["reviews"]
        page = random.randint(1, math.ceil(count / PAGE_SIZE))
        _pick(user, f"/api/v1/reviews/?page={page}", "api: reviews", _listed(count, page))

    def api_review(user):
        pk, _name = random.choice(_urls["reviews"])
        _pick(user, f"/api/v1/reviews/{pk}/", "api: review", _json(lambda d: d["id"] == pk))

    def api_answers(user):
        count = _urls["counts"]["answers"]
        page = random.randint(1, math.ceil(count / PAGE_SIZE))
        path = f"/api/v1/answers/?cycle={_urls['cycle_id']}&page={page}"
        _pick(user, path, "api: answers", _listed(count, page))

    def api_country(user):
        iso3, _name = random.choice(_urls["countries"])
        path = f"/api/v1/countries/{iso3}/"
        _pick(user, path, "api: country", _json(lambda d: d["iso3"] == iso3))

    # What a visitor does, and how often (weights): mostly the pages, the API now and then.
    _tasks = {
        index: 2,
        cycle: 2,
        indicator: 4,
        review: 5,
        country: 4,
        api_cycles: 1,
        api_indicators: 1,
        api_reviews: 1,
        api_review: 1,
        api_answers: 2,
        api_country: 1,
    }
    _optional = {"page: search": (search, 2), "download: answers.json": (answers_json, 1),
                 "download: answers.csv": (answers_csv, 1)}  # fmt: skip
    _tasks |= {task: weight for name, (task, weight) in _optional.items() if name in _urls["kinds"]}

    class Visitor(FastHttpUser):
        """Someone reading the open data, not signed in, without cookies."""

        wait_time = between(1, 2)
        tasks = _tasks

        def on_start(self):
            number = next(_addresses)
            self.headers = {"X-Forwarded-Proto": "https",
                            "X-Forwarded-For": f"10.19.{number // 256}.{number % 256}"}  # fmt: skip


# --- The phases (the project's virtualenv) ------------------------------------------------

if FastHttpUser is None:
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import load  # bench/load.py: its pieces, without its users (locust is not installed here)


def setup() -> dict:
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    copied = not load.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'")
    if copied:
        if not load.psql(f"SELECT 1 FROM pg_database WHERE datname = '{BENCH_DB}'"):
            subprocess.run([sys.executable, str(ROOT / "bench" / "compile_report.py"), "build"],
                           check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        load.psql(f"CREATE DATABASE {DB} TEMPLATE {BENCH_DB}")
    load.django_setup(DB, STORAGE)
    import compile_report as cr
    from django.core.management import call_command, get_commands
    from django.test import Client

    from indicators import services as cycle_services
    from indicators.models import CycleStatus
    from opendata import published
    from reports.models import ChapterCache

    call_command("migrate", verbosity=0, interactive=False)
    if copied:  # the compile bench's cached chapters are files of its own storage
        ChapterCache.objects.all().delete()
    cycle = cr.the_cycle()
    admin, _reviewer = cr.secretariat()
    if cycle.status == CycleStatus.OPEN:
        cycle = cycle_services.close_cycle(cycle, by=admin)
    if cycle.status == CycleStatus.CLOSED:
        cycle = cycle_services.publish_cycle(cycle, by=admin)
    if "index_passages" in get_commands():  # the search's index (the cycle may have been
        call_command("index_passages", stdout=io.StringIO())  # published before it was kept)
    reviews = published.reviews().filter(cycle=cycle).order_by("country__name")
    urls = {
        "cycle_id": cycle.pk,
        "cycle_name": cycle.name,
        "cycle": f"/data/cycles/{cycle.pk}/",
        "indicators": [i.code for i in published.indicators(cycle)],
        "reviews": [[r.pk, r.country.name] for r in reviews],
        "countries": [[r.country.iso3, r.country.name] for r in reviews],
        "counts": {
            "reviews": reviews.count(),
            "answers": published.answers().filter(review__cycle=cycle).count(),
        },
    }
    # The search and the downloads are being written: in the run only once they answer.
    client = Client(SERVER_NAME="127.0.0.1")
    probes = {"page: search": f"/data/search/?q={SEARCHES[0]}",
              "download: answers.json": f"{urls['cycle']}answers.json",
              "download: answers.csv": f"{urls['cycle']}answers.csv"}  # fmt: skip
    answered = {name: client.get(path).status_code for name, path in probes.items()}
    urls["kinds"] = [name for name, status in answered.items() if status == 200]
    URLS_FILE.write_text(json.dumps(urls, indent=2))
    data = {
        "copied_from_portal_bench": copied,
        "cycle": {"name": cycle.name, "status": cycle.status, "id": cycle.pk},
        "published_reviews": urls["counts"]["reviews"],
        "published_answers": urls["counts"]["answers"],
        "indicators": len(urls["indicators"]),
        "optional": answered,
        "kinds": urls["kinds"],
        "seconds": round(time.perf_counter() - started, 1),
    }
    (OUT / "setup.json").write_text(json.dumps(data, indent=2))
    print(json.dumps(data, indent=2))
    return data


def examples(urls: dict) -> dict[str, str]:
    """One URL of each kind."""
    cycle, code = urls["cycle"], urls["indicators"][0]
    pk, iso3 = urls["reviews"][0][0], urls["countries"][0][0]
    found = {
        "page: index": "/data/",
        "page: cycle": cycle,
        "page: indicator": f"{cycle}indicators/{code}/",
        "page: indicator ?sort=value": f"{cycle}indicators/{code}/?sort=value",
        "page: review": f"/data/reviews/{pk}/",
        "page: country": f"/data/countries/{iso3}/",
        "page: search": f"/data/search/?q={SEARCHES[0]}",
        "download: answers.json": f"{cycle}answers.json",
        "download: answers.csv": f"{cycle}answers.csv",
        "api: cycles": "/api/v1/cycles/",
        "api: cycle indicators": f"/api/v1/cycles/{urls['cycle_id']}/indicators/",
        "api: reviews": "/api/v1/reviews/?page=2",
        "api: review": f"/api/v1/reviews/{pk}/",
        "api: answers": f"/api/v1/answers/?cycle={urls['cycle_id']}&page=3",
        "api: country": f"/api/v1/countries/{iso3}/",
    }
    optional = {"page: search", "download: answers.json", "download: answers.csv"}
    return {k: v for k, v in found.items() if k not in optional or k in urls["kinds"]}


def flush_cache(db: int) -> None:
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-n", str(db), "FLUSHDB"], check=True,
                   capture_output=True)  # fmt: skip


def queries() -> dict:
    """Each kind of URL requested twice in-process, the cache in Redis: the queries of each."""
    flush_cache(QUERIES_CACHE_DB)
    os.environ["CACHE_URL"] = f"{REDIS}/{QUERIES_CACHE_DB}"
    os.environ["OPENDATA_API_RATE"] = API_RATE
    load.django_setup(DB, STORAGE)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    urls = json.loads(URLS_FILE.read_text())
    Client(SERVER_NAME="127.0.0.1").get("/accounts/login/")  # the frame's templates loaded
    result = {"when": load.now(), "cache": os.environ["CACHE_URL"], "kinds": {}}
    for name, path in examples(urls).items():
        client = Client(SERVER_NAME="127.0.0.1")  # a visitor without cookies
        row = {"path": path}
        for attempt in ("first", "cached"):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            row[attempt] = {
                "status": response.status_code,
                "queries": len(captured.captured_queries),
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "kib": round(len(response.content) / 1024, 1),
            }
            if attempt == "cached" and captured.captured_queries:
                row["cached_sql"] = [q["sql"][:200] for q in captured.captured_queries[:5]]
        result["kinds"][name] = row
    (OUT / "queries.json").write_text(json.dumps(result, indent=2))
    for name, row in result["kinds"].items():
        print(f"{name:32} {row['first']['status']} {row['first']['queries']:>3} queries "
              f"{row['first']['ms']:>7} ms → {row['cached']['status']} "
              f"{row['cached']['queries']} queries {row['cached']['ms']} ms")  # fmt: skip
    return result


def server_env() -> dict:
    return load.server_env(DB, SITE, OUT) | {
        "PRIVATE_STORAGE_ROOT": str(STORAGE),
        "CACHE_URL": f"{REDIS}/{RUN_CACHE_DB}",
        "OPENDATA_API_RATE": API_RATE,
        "TRUSTED_PROXY_COUNT": "1",
    }


def run(warmup: int, duration: int, save_as: str, options: tuple[str, ...]) -> dict:
    env = server_env()
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic",
                    "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # fmt: skip
    flush_cache(RUN_CACHE_DB)  # every page is drawn again: the run starts with no cache
    load_before = load.loadavg()
    server = load.start_gunicorn(env, PORT, OUT, options)
    try:
        REQUEST_LOG.write_text("")
        FIRST_LOG.write_text("")
        launched = time.time()
        locust = subprocess.run(
            [str(load.LOAD_VENV / "bin" / "locust"), "-f", str(Path(__file__).resolve()),
             "--headless", "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE),
             "--host", BASE, "--run-time", f"{warmup + duration}s", "--stop-timeout", "5",
             "--only-summary", "--csv", str(OUT / "locust")],
            cwd=ROOT, capture_output=True, text=True,
            env=os.environ | {"PUBLIC_URLS": str(URLS_FILE), "PUBLIC_LOG": str(REQUEST_LOG),
                              "PUBLIC_FIRST": str(FIRST_LOG)},
        )  # fmt: skip
        (OUT / "locust.log").write_text(locust.stdout + locust.stderr)
        load_after = load.loadavg()
    finally:
        server.terminate()
        server.wait(timeout=60)
    window = (launched + warmup, launched + warmup + duration)
    result = {
        "when": load.now(),
        "warmup_s": warmup, "duration_s": duration, "users": USERS, "spawn_rate": SPAWN_RATE,
        "server": " ".join(options),
        "locust_exit": locust.returncode,
        "kinds": load.summarise(window, REQUEST_LOG),
        "overall": overall(window),
        "warmup": overall((launched, launched + warmup)),
        "cache_misses": misses(window),
        "server_ms": server_times(),
        "gunicorn": load.gunicorn_errors(OUT, []),
        "load_before": load_before, "load_after": load_after,
        "machine": load.machine(),
        "setup": json.loads((OUT / "setup.json").read_text()),
    }  # fmt: skip
    (OUT / f"{save_as}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps({k: result[k] for k in ("overall", "cache_misses", "kinds")}, indent=2))
    return result


def requests_in(window: tuple[float, float], log: Path) -> list[tuple[str, str, float, str]]:
    rows = []
    for line in log.read_text().splitlines():
        started, name, ms, _size, error = line.split(",", 4)
        if window[0] <= float(started) < window[1]:
            rows.append((started, name, float(ms), error))
    return rows


def spread(times: list[float]) -> dict:
    if not times:
        return {}
    return {
        "p50_ms": round(load.percentile(times, 0.50), 1),
        "p95_ms": round(load.percentile(times, 0.95), 1),
        "p99_ms": round(load.percentile(times, 0.99), 1),
        "max_ms": round(max(times), 1),
    }


def overall(window: tuple[float, float]) -> dict:
    rows = requests_in(window, REQUEST_LOG)
    first = {(r[0], r[1]) for r in requests_in(window, FIRST_LOG)}
    times = [r[2] for r in rows]
    hits = [r[2] for r in rows if (r[0], r[1]) not in first]
    return {
        "requests": len(rows),
        "per_second": round(len(rows) / (window[1] - window[0]), 1),
        "errors": sum(1 for r in rows if r[3]),
        **spread(times),
        "repeat_requests": {"requests": len(hits), **spread(hits)},
    }


def misses(window: tuple[float, float]) -> dict:
    """Each URL's first request (its page drawn, the cache empty at the start): how many fell
    in the warm-up and in the measured window, and how long they took, per kind."""
    everything = requests_in((0, math.inf), FIRST_LOG)
    result: dict[str, dict] = {}
    for started, name, ms, _error in everything:
        row = result.setdefault(name, {"urls": 0, "in_window": 0, "times": []})
        row["urls"] += 1
        row["times"].append(ms)
        row["in_window"] += window[0] <= float(started) < window[1]
    return {
        name: {"urls": r["urls"], "in_window": r["in_window"], **spread(r["times"])}
        for name, r in sorted(result.items())
    }


def server_times() -> dict:
    """Inside gunicorn (its access log, whole run), per kind: each path's first request (drawn)
    and the others (from the cache)."""
    seen: set[str] = set()
    times: dict[str, dict[str, list[float]]] = {}
    text = (OUT / "gunicorn.log").read_text()
    for match in re.finditer(r'"GET (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+)ms', text):
        path, _status, ms = match.groups()
        row = times.setdefault(kind_of(path), {"first": [], "cached": []})
        row["cached" if path in seen else "first"].append(float(ms))
        seen.add(path)
    return {
        kind: {part: {"requests": len(v), **spread(v)} for part, v in row.items()}
        for kind, row in sorted(times.items())
    }


# --- Phase: report -------------------------------------------------------------------------


def ms(value) -> str:
    return "–" if value is None else f"{value:,} ms"


def report() -> None:
    result = json.loads((OUT / "results.json").read_text())
    counted = json.loads((OUT / "queries.json").read_text())
    m, s, o = result["machine"], result["setup"], result["overall"]
    queries_of = {name.split(" ?")[0]: row for name, row in counted["kinds"].items()}
    errors = sum(row["errors"] for row in result["kinds"].values())
    bad = {k: n for k, n in result["gunicorn"]["statuses"].items() if k != "200"}
    cached_queries = {name: row["cached"]["queries"] for name, row in counted["kinds"].items()}
    lines = [
        SECTION_TITLE,
        "",
        f"Measured on {result['when']} by `bench/load_public.py` (see `bench/README.md`). Every "
        "number below was measured by that run.",
        "",
        "### Machine",
        "",
        f"- CPU: {m['cpu']}, {m['nproc']} cores (`nproc`); RAM {m['ram_gib']} GiB; {m['os']} "
        f"(kernel {m['kernel']}); {load.cpu_speed(m)}",
        f"- Python {m['python']}, Django {m['django']}, {m['gunicorn']}, {m['locust']}, "
        f"PostgreSQL {m['postgresql']}, Redis on 127.0.0.1:6379",
        f"- Code: commit `{m['commit'].split()[0]}`"
        + (
            f", with {m['uncommitted']} file(s) changed in the work tree (served as they were)"
            if m["uncommitted"]
            else ""
        ),
        f"- Load average {result['load_before']} before the run, {result['load_after']} at its "
        f"end. The load generator (locust, one process) ran on the same {m['nproc']} cores as "
        "gunicorn, PostgreSQL and Redis.",
        "",
        "### Set-up",
        "",
        f"- Server: gunicorn `{result['server']}`, sync workers (a request is Python work "
        "holding the CPU, drawing the frame around a cached body; twice as many processes as "
        "cores cover the short waits on Redis and PostgreSQL; threads would share one GIL), "
        f"127.0.0.1:{PORT}, `DEBUG` off "
        "and the production settings; the cache in Redis (`CACHE_URL`, a database of its own, "
        "emptied before the run), shared by the workers. Requests come as from the TLS proxy "
        "(`X-Forwarded-Proto: https`), each visitor with an `X-Forwarded-For` address of its "
        "own (`TRUSTED_PROXY_COUNT=1`), and `OPENDATA_API_RATE` is raised to "
        f"`{API_RATE}` for this server so that the API's limit per address never bites.",
        f"- Data: `{DB}`, a copy of the compile bench's database, its cycle "
        f"“{s['cycle']['name']}” closed and published: {s['published_reviews']} published "
        f"reviews (every UN member state, ≈7,000 words each), {s['published_answers']:,} "
        f"answers to {s['indicators']} indicators, the search's index built "
        "(`index_passages`). No PDF was drawn (no worker): the pages "
        "say the PDFs are being prepared.",
        f"- Visitors: {result['users']} at once, not signed in, no cookies, started "
        f"{result['spawn_rate']} a second; each waits 1–2 s between requests. What they read "
        "(weights): the index and the cycle page 2 each, an indicator page 4 (any of the "
        f"{s['indicators']} indicators, with no sort or `?sort=country|region|value`), a "
        f"review 5 (any of the {s['published_reviews']}), a country 4 (any of them), the "
        "API's cycles, a cycle's indicators, a page of reviews, a review and a country 1 each, "
        "a page of a cycle's answers 2"
        + "".join(f"; {OPTIONAL_READING[k]}" for k in s["kinds"])
        + ". Every answer must be a 200 with its expected content (the page whole, its title "
        "or country; the JSON with the right number of items or the right id), else it "
        "counts as an error.",
        f"- {result['warmup_s']} s of warm-up (the cache starts empty: each URL's first request "
        f"draws it), then {result['duration_s']} s measured; the figures are over the "
        "requests started in the measured window. Times are wall time to the last byte, as "
        "locust sees it.",
        "",
        "### Results",
        "",
        f"{o['requests']:,} requests in the measured {result['duration_s']} s, "
        f"{o['per_second']} a second, {o['errors']} errors: p50 {ms(o['p50_ms'])}, p95 "
        f"{ms(o['p95_ms'])}, p99 {ms(o['p99_ms'])}, max {ms(o['max_ms'])}. Without the first "
        f"request of each URL (the ones that drew it): p95 "
        f"{ms(o['repeat_requests'].get('p95_ms'))}, p99 {ms(o['repeat_requests'].get('p99_ms'))}.",
        "",
        "| Kind | Requests | Per second | p50 | p95 | p99 | Max | Errors | First requests in the window | Queries: first → cached |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in result["kinds"].items():
        missed = result["cache_misses"].get(name, {})
        counted_row = queries_of.get(name)
        queries = (f"{counted_row['first']['queries']} → {counted_row['cached']['queries']}"
                   if counted_row else "–")  # fmt: skip
        lines.append(
            f"| {name} | {row['requests']:,} | {row['per_second']} | {ms(row['p50_ms'])} | "
            f"{ms(row['p95_ms'])} | {ms(row['p99_ms'])} | {ms(row['max_ms'])} | "
            f"{row['errors']} | {missed.get('in_window', 0)} of {missed.get('urls', 0)} | "
            f"{queries} |"
        )
    lines += [
        "",
        "Inside gunicorn (its access log, the whole run): each path's first request, which drew "
        "the page, and the others, answered from the cache:",
        "",
        "| Kind | First: requests, p50, p95 | Cached: requests, p50, p95 |",
        "|---|---|---|",
    ]
    for name, row in result["server_ms"].items():
        if name == "other":  # /healthz, while gunicorn starts
            continue
        first, cached = row["first"], row["cached"]
        lines.append(
            f"| {name} | {first['requests']}, {ms(first.get('p50_ms'))}, "
            f"{ms(first.get('p95_ms'))} | {cached['requests']:,}, {ms(cached.get('p50_ms'))}, "
            f"{ms(cached.get('p95_ms'))} |"
        )
    lines += [
        "",
        "### Queries per page kind",
        "",
        f"`bench/load_public.py queries` ({counted['when']}): one URL of each kind requested "
        "twice in-process through the test client, by a visitor without cookies, with the "
        "cache in Redis as on the server (emptied first); `CaptureQueriesContext` counts the "
        "database queries of each request.",
        "",
        "| Kind | URL | First request: status, queries, time | Second: status, queries, time |",
        "|---|---|---|---|",
    ]
    for name, row in counted["kinds"].items():
        first, cached = row["first"], row["cached"]
        lines.append(
            f"| {name} | `{row['path']}` | {first['status']}, {first['queries']}, "
            f"{ms(first['ms'])} | {cached['status']}, {cached['queries']}, {ms(cached['ms'])} |"
        )
    p95 = o["p95_ms"]
    lines += [
        "",
        "### Targets",
        "",
        "| Target | Measured | Result |",
        "|---|---|---|",
        f"| p95 < {TARGET_P95_MS} ms | {ms(p95)} over all {o['requests']:,} requests "
        f"(worst kind: {worst_kind(result)}) | {'PASS' if p95 < TARGET_P95_MS else 'FAIL'} |",
        f"| No errors | {errors} failed requests in the window; statuses other than 200 in "
        f"the whole run: {bad or 'none'}; tracebacks in gunicorn's log: "
        f"{result['gunicorn']['tracebacks']} | "
        f"{'PASS' if not errors and not bad and not result['gunicorn']['tracebacks'] else 'FAIL'} |",
        "| 0 queries per cached page | "
        + (", ".join(f"{k} {v}" for k, v in cached_queries.items() if v) or "every kind: 0")
        + f" | {'PASS' if not any(cached_queries.values()) else 'FAIL'} |",
        "",
        *reading(result, counted),
        "",
        "### Command",
        "",
        "```",
        ".venv/bin/python bench/load_public.py all",
        "```",
        "",
    ]
    import compile_report as cr

    cr.replace_section(SECTION_TITLE, lines)


def worst_kind(result: dict) -> str:
    name, row = max(result["kinds"].items(), key=lambda item: item[1]["p95_ms"] or 0)
    return f"{name}, {ms(row['p95_ms'])}"


OPTIONAL_READING = {
    "page: search": f"the search 2 (one of {len(SEARCHES)} queries)",
    "download: answers.json": "the cycle's answers in JSON 1",
    "download: answers.csv": "the cycle's answers in CSV 1",
}


def same(other: dict, result: dict) -> str:
    """How an earlier run's set-up compares with this one's."""
    missing = [k for k in result["kinds"] if k not in other["kinds"]]
    server = "same server" if other["server"] == result["server"] else f"`{other['server']}`"
    return f"{server}, " + (f"without {', '.join(missing)}" if missing else "same mix")


def reading(result: dict, counted: dict) -> list[str]:
    """What the figures say (each number read from the run's JSON)."""
    o, w, inside = result["overall"], result["warmup"], result["server_ms"]
    cached = [row["cached"] for name, row in inside.items() if name != "other"]
    cached_p50 = max(row["p50_ms"] for row in cached if row["requests"])
    cached_p95 = max(row["p95_ms"] for row in cached if row["requests"])
    drawn = {name: row["first"]["p50_ms"] for name, row in inside.items()
             if name != "other" and row["first"]["requests"]}  # fmt: skip
    slowest = sorted(drawn.items(), key=lambda item: -item[1])[:3]
    lines = [
        "### Reading the figures",
        "",
        f"- From the cache, a request takes {cached_p50} ms or less inside gunicorn (p50 of "
        f"each kind; p95 at most {cached_p95} ms): the body comes from Redis and only the "
        "frame (header, footer, the CSP nonce) is drawn. What a visitor waits beyond that "
        f"(p95 {ms(o['p95_ms'])}) is the wait for a free worker and for the CPU: locust, "
        f"PostgreSQL and Redis share the {result['machine']['nproc']} cores with the workers.",
        f"- With the cache empty (the warm-up: {w['requests']:,} requests, p50 "
        f"{ms(w['p50_ms'])}, p95 {ms(w['p95_ms'])}, max {ms(w['max_ms'])}) every URL's first "
        "request draws its page ("
        + ", ".join(f"{name} {value} ms" for name, value in slowest)
        + " inside gunicorn, p50) while the 200 visitors arrive in "
        f"{USERS // SPAWN_RATE} s; the workers are then busy drawing, several of them the "
        "same page at once (nothing stops two workers drawing the same missing entry; the "
        "downloads take seconds each), and the other requests queue behind them. A publication empties the cache in the same "
        "way (a new generation). Not needed for the target, so not changed (opendata/ is "
        "being written by others): drawing a cycle's pages and downloads once after it is "
        "published (a task queued by the publication), or letting only one worker draw a "
        "missing entry while the others wait for it (`cache.add` as a lock), would spare "
        "the first visitors that wait.",
    ]
    search = counted["kinds"].get("page: search")
    if search:
        lines.append(
            f"- The search is cached like the pages, per query and filters: the visitors' "
            f"{len(SEARCHES)} queries are each drawn once, then read from the cache. A query "
            f"nobody has asked yet is drawn for its asker: `{search['path']}` took "
            f"{ms(search['first']['ms'])} and {search['first']['queries']} queries in-process "
            "(PostgreSQL's full-text search over the passages of the 193 reviews)."
        )
    busy = OUT / "results-busy.json"
    if busy.exists():
        b = json.loads(busy.read_text())
        bo = b["overall"]
        then = [r["cached"] for n, r in b["server_ms"].items() if n != "other"]
        lines.append(
            f"- A machine shared with other work: a run of {b['when']} ({same(b, result)}) "
            f"began at a load average of {b['load_before'].split()[0]} on these "
            f"{b['machine']['nproc']} cores (another engineer's test suite, 4 pytest-xdist "
            f"processes) and measured p50 {ms(bo['p50_ms'])}, p95 {ms(bo['p95_ms'])}, p99 "
            f"{ms(bo['p99_ms'])} ({bo['errors']} errors), while inside gunicorn a cached "
            f"answer still took p50 {max(r['p50_ms'] for r in then)} ms, p95 "
            f"{max(r['p95_ms'] for r in then)} ms at most: the rest was the requests waiting "
            "for the CPU. That is the one way this bench has missed 100 ms; on a server of "
            "its own the portal does not share its cores with a test suite."
        )
    parsing = OUT / "results-parsing.json"
    if parsing.exists():
        e = json.loads(parsing.read_text())
        eo, inside_then = e["overall"], e["server_ms"]
        then_p95 = max(r["cached"]["p95_ms"] for n, r in inside_then.items() if n != "other")
        lines.append(
            f"- The client's own cost: a run of {e['when']} ({same(e, result)}) whose "
            "visitors parsed every JSON download (1.3 MB, ≈10 ms of locust's one process "
            f"each) measured p50 {ms(eo['p50_ms'])}, p95 {ms(eo['p95_ms'])}, p99 "
            f"{ms(eo['p99_ms'])}, while inside gunicorn the cached answers took what they "
            f"take here (p95 at most {then_p95} ms): locust's process, busy parsing, was late "
            "reading every other answer it was timing. Now the first body of each download is "
            "parsed and counted, and every later one must be the same bytes (SHA-256)."
        )
    other = OUT / "results-gthread.json"
    if other.exists():
        g = json.loads(other.read_text())
        go = g["overall"]
        gw, better = g["warmup"], go["p95_ms"] < o["p95_ms"] and go["p99_ms"] < o["p99_ms"]
        lines.append(
            f"- Workers: the same run with `{g['server']}` ({g['when']}, load average "
            f"{g['load_before']} → {g['load_after']}) measured p50 {ms(go['p50_ms'])}, p95 "
            f"{ms(go['p95_ms'])}, p99 {ms(go['p99_ms'])} ({go['errors']} errors; warm-up p95 "
            f"{ms(gw['p95_ms'])}) against {ms(o['p50_ms'])}, {ms(o['p95_ms'])}, "
            f"{ms(o['p99_ms'])} (warm-up {ms(w['p95_ms'])}) with `{result['server']}`. "
            + (
                "Threads did better here."
                if better
                else "Threads did not help: a request is Python work, and the threads of a "
                "process take turns on its one GIL, so the bench keeps sync workers, the "
                "setting of the other benches."
            )
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=["setup", "queries", "run", "report", "all"])
    parser.add_argument("--save-as", default="results", help="results name in var/load_public/")
    parser.add_argument("--warmup", type=int, default=WARMUP)
    parser.add_argument("--duration", type=int, default=DURATION)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--threads", type=int, default=0, help="gthread workers with N threads")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    options = ("--workers", str(args.workers))
    if args.threads:
        options += ("--worker-class", "gthread", "--threads", str(args.threads))
    if not (load.LOAD_VENV / "bin" / "locust").exists() and args.phase in ("run", "all"):
        subprocess.run([sys.executable, "-m", "venv", str(load.LOAD_VENV)], check=True)
        subprocess.run([str(load.LOAD_VENV / "bin" / "pip"), "install", "-q", "-r",
                        str(ROOT / "bench" / "requirements-load.txt")], check=True)  # fmt: skip
    # Each phase in a process of its own: Django is set up once per process, with the
    # settings of that phase (the queries phase with the cache in Redis).
    if args.phase == "all":
        for phase in ("setup", "queries", "run", "report"):
            subprocess.run([sys.executable, __file__, phase, "--warmup", str(args.warmup),
                            "--duration", str(args.duration), "--workers", str(args.workers),
                            "--threads", str(args.threads)], check=True)  # fmt: skip
    elif args.phase == "setup":
        setup()
    elif args.phase == "queries":
        queries()
    elif args.phase == "run":
        run(args.warmup, args.duration, args.save_as, options)
    else:
        report()


if __name__ == "__main__":
    main()
