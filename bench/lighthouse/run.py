"""Lighthouse 12 on the portal's key pages, served as in production (issue 17).

    .venv/bin/python bench/lighthouse/run.py [--runs 3] [--label TITLE] [--fresh] [--strict]
    .venv/bin/python bench/lighthouse/run.py --commit HEAD     # a commit, not the work tree

Set-up: the database in DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_lh,
created when missing) is migrated and given the demo data (`seed_demo`), then, through the
portal's services, Mexico's review in the open cycle is a saved draft (the editor) and Kenya's
is submitted (the reviewer's review page). Signed-in sessions for Mexico's focal point and the
demo secretariat reviewer are written straight into the session store (`prepare`, below), as
the sign-in and two-factor forms would leave them.

Server: `collectstatic` into a temporary STATIC_ROOT, then gunicorn (2 sync workers) with the
production settings: DEBUG off, WhiteNoise serving the hashed, compressed files, HTTPS redirect,
Secure cookies, HSTS. The browser reaches it over plain HTTP on 127.0.0.1 with
`X-Forwarded-Proto: https`, as from the TLS-terminating proxy the settings trust.

Measure: Lighthouse (bench/lighthouse/node_modules, `npm ci`) with Debian's Chromium, the
desktop preset and simulated throttling, each page `--runs` times (the pages taken in turn in
each round), the median score per category, and for a category under its target the audits
that failed in the run that gave that median. JSON reports and a Markdown summary go to
var/lighthouse/.

`--commit REF` serves that commit instead of the work tree: `git archive` into a temporary
folder (with the work tree's node_modules linked in), on a database made afresh.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = ROOT / "var" / "lighthouse"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_lh"
PORT = 8501
BASE = f"http://127.0.0.1:{PORT}"
CATEGORIES = ["performance", "accessibility", "best-practices"]
TARGETS = {"performance": 90, "accessibility": 100, "best-practices": 95}
FOCAL_EMAIL = "focal.mx@example.org"  # seed_demo: focal.<iso2>@example.org
REVIEWER_EMAIL = "reviewer@example.org"
# Each page: a short name, what it is, its path ({mexico} and {kenya} are review ids) and who
# asks for it (None: a visitor who is not signed in).
PAGES = [
    ("front", "Public front page", "/", None),
    ("library", "Library", "/library/", None),
    ("focal-home", "Focal point's home", "/", "focal"),
    ("editor", "Editor (Mexico's draft)", "/reviews/{mexico}/edit/", "focal"),
    ("queue", "Reviewer's queue", "/reviews/queue/", "reviewer"),
    ("review", "Reviewer's review page (Kenya's, submitted)", "/reviews/{kenya}/", "reviewer"),
]


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def database_url() -> str:
    return os.environ.get("DATABASE_URL", DEFAULT_DB)


def base_env() -> dict:
    """The environment every portal process here gets: its own database, files and queue."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    return env | {
        "DATABASE_URL": database_url(),
        "VAR_DIR": str(OUT / "state"),  # uploads, the file broker's queue, e-mails
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def server_env(static_root: Path, secret_key: str) -> dict:
    """Production settings: DEBUG off and the variables the settings require."""
    return base_env() | {
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{PORT}",
        "SITE_URL": f"https://127.0.0.1:{PORT}",
        "EMAIL_HOST": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
    }


def run(command: list[str], env: dict, what: str, cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def ensure_database(fresh: bool) -> None:
    url = urllib.parse.urlsplit(database_url())
    name = url.path.lstrip("/")
    admin = urllib.parse.urlunsplit(url._replace(path="/postgres"))
    if fresh:
        log(f"dropping database {name}")
        subprocess.run(["psql", admin, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
                       check=True, capture_output=True)  # fmt: skip
    exists = subprocess.run(
        ["psql", admin, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        log(f"creating database {name}")
        subprocess.run(["psql", admin, "-c", f'CREATE DATABASE "{name}"'], check=True,
                       capture_output=True)  # fmt: skip


# --- Phase: prepare (inside Django, run by `main` with the server's settings) ----------------


def prepare() -> None:
    """Mexico's draft and Kenya's submitted review in the open cycle, and one session each for
    Mexico's focal point and the reviewer. Prints JSON. Runs with the server's SECRET_KEY: the
    session data and the user's session hash are signed with it."""
    sys.path.insert(0, os.environ.get("LIGHTHOUSE_TREE", str(ROOT)))
    import django

    django.setup()
    from importlib import import_module

    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import login
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from accounts.models import User
    from countries.models import Country, FocalPoint
    from dashboard.management.commands.seed_demo import DEMO_ANSWERS, DEMO_CYCLE, DEMO_PARAGRAPH
    from indicators.models import ReviewCycle
    from reports import jobs
    from reports.models import JobStatus, RenderJob, ReportKind
    from reviews import editor
    from reviews import services as review_services
    from reviews.models import ReviewStatus
    from reviews.sections import SECTIONS

    cycle = ReviewCycle.objects.get(name=DEMO_CYCLE)

    def draft(iso3: str):
        country = Country.objects.get(iso3=iso3)
        focal = FocalPoint.objects.filter(country=country).first().user
        review = review_services.start_review(country, cycle, by=focal)
        if review.status == ReviewStatus.DRAFT and review.lock_version == 1:  # never saved
            sections = {s.key: f"{country.name}: {s.help}\n\n{DEMO_PARAGRAPH}" for s in SECTIONS}
            review = editor.save_draft(
                review, by=focal, base_version=review.lock_version, sections=sections,
                answer_forms=editor.answer_forms_for(review, DEMO_ANSWERS),
            )  # fmt: skip
        return review, focal

    mexico, _focal = draft("MEX")
    kenya, kenya_focal = draft("KEN")
    if kenya.status == ReviewStatus.DRAFT:
        kenya = review_services.submit_review(kenya, by=kenya_focal)
    # What the worker would have done by now (none runs here): the review PDFs, so that the
    # library lists the published reviews and the review page links its PDF.
    queued = RenderJob.objects.filter(kind=ReportKind.REVIEW, status=JobStatus.QUEUED)
    rendered = {job_id: jobs.run(job_id) for job_id in queued.values_list("pk", flat=True)}

    engine = import_module(settings.SESSION_ENGINE)

    def session_cookie(email: str) -> str:
        user = User.objects.get(email=email)
        request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
        request.session = engine.SessionStore()
        request.user = AnonymousUser()
        # What allauth records at a sign-in by password, then by the authenticator's code.
        record_authentication(request, user, "password", email=email)
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is not None:
            record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
        login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
        request.session.save()
        return f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}"

    print(
        json.dumps(
            {
                "mexico": mexico.pk,
                "mexico_status": mexico.status,
                "kenya": kenya.pk,
                "kenya_status": kenya.status,
                "rendered": rendered,
                "focal": session_cookie(FOCAL_EMAIL),
                "reviewer": session_cookie(REVIEWER_EMAIL),
            }
        )
    )


# --- Server -----------------------------------------------------------------------------------


def start_gunicorn(env: dict, tree: Path) -> subprocess.Popen:
    gunicorn_log = open(OUT / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{PORT}", "--access-logfile", "-", "--error-logfile", "-",
         "--access-logformat", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
         # Its own: the default control socket is one path for every gunicorn on the machine.
         "--no-control-socket"],
        cwd=tree, env=env, stdout=gunicorn_log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300  # a loaded machine takes its time to import Django
    while time.monotonic() < deadline:
        time.sleep(1)
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited: see var/lighthouse/gunicorn.log")
        try:
            with urllib.request.urlopen(f"{BASE}/healthz", timeout=30) as answer:
                if answer.status == 200:
                    return server
        except OSError:  # refused, timed out, or 503 while it starts
            continue
    stop(server)
    raise RuntimeError("gunicorn did not answer /healthz")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def first_answer(path: str, headers: dict) -> tuple[int, str]:
    """The status and Location of the server's own answer to `path` (redirects not followed)."""
    request = urllib.request.Request(BASE + path, headers=headers)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


# --- Lighthouse -------------------------------------------------------------------------------


def lighthouse(url: str, headers_file: Path, output: Path) -> dict:
    command = [
        str(LIGHTHOUSE), url, "--preset=desktop", f"--chrome-path={CHROMIUM}",
        "--chrome-flags=--headless=new --no-sandbox",
        f"--only-categories={','.join(CATEGORIES)}", "--throttling-method=simulate",
        f"--extra-headers={headers_file}", "--output=json", f"--output-path={output}", "--quiet",
    ]  # fmt: skip
    for attempt in (1, 2):
        done = subprocess.run(command, cwd=HERE, capture_output=True, text=True)
        if done.returncode == 0 and output.exists():
            report = json.loads(output.read_text())
            if not report.get("runtimeError"):
                return report
        log(f"  lighthouse failed (attempt {attempt}): {done.stderr.strip()[-500:]}")
    raise RuntimeError(f"lighthouse failed twice on {url}")


def failing_audits(report: dict, category: str) -> list[dict]:
    """The category's audits under Lighthouse's pass mark (0.9), weighted ones first."""
    failed = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if audit["scoreDisplayMode"] in {"binary", "numeric", "metricSavings"} and (
            audit["score"] is not None and audit["score"] < 0.9
        ):
            failed.append(
                {"id": ref["id"], "weight": ref["weight"], "score": audit["score"],
                 "title": audit["title"], "display": audit.get("displayValue", "")}
            )  # fmt: skip
    return sorted(failed, key=lambda a: (-a["weight"], a["score"], a["id"]))


METRICS = [
    ("first-contentful-paint", "FCP"),
    ("largest-contentful-paint", "LCP"),
    ("total-blocking-time", "TBT"),
    ("cumulative-layout-shift", "CLS"),
    ("speed-index", "SI"),
]


def summarise(reports: dict[str, list[dict]]) -> dict:
    pages = {}
    for slug, runs in reports.items():
        page = {"final_url": runs[0]["finalDisplayedUrl"], "categories": {}}
        for category in CATEGORIES:
            scores = [round(r["categories"][category]["score"] * 100) for r in runs]
            order = sorted(range(len(runs)), key=lambda i: scores[i])
            median_run = runs[order[(len(runs) - 1) // 2]]
            page["categories"][category] = {
                "scores": scores,
                "median": statistics.median(scores),
                "failing": failing_audits(median_run, category),
                "metrics": {
                    short: median_run["audits"][key].get("displayValue", "")
                    for key, short in METRICS
                }
                if category == "performance"
                else {},
            }
        pages[slug] = page
    return pages


# --- Machine and report -----------------------------------------------------------------------


def output_of(*command: str) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine(commit: str) -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    mem = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
    status = "" if commit else output_of("git", "-C", str(ROOT), "status", "--porcelain")
    return {
        "cpu": model.group(1) if model else platform.processor(),
        "nproc": output_of("nproc"),
        "ram_gib": round(int(mem.group(1)) / 2**20, 1) if mem else None,
        "os": output_of("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
        "kernel": platform.release(),
        "chromium": output_of(CHROMIUM, "--version"),
        "node": output_of("node", "--version"),
        "python": output_of(PYTHON, "-c", "import platform; print(platform.python_version())"),
        "django": output_of(PYTHON, "-c", "import django; print(django.get_version())"),
        "gunicorn": output_of(str(ROOT / ".venv" / "bin" / "gunicorn"), "--version"),
        "commit": output_of(
            "git", "-C", str(ROOT), "log", "-1", "--format=%h %s", commit or "HEAD"
        ),
        "exported": bool(commit),
        # The work tree is shared: what was being changed in it was served too.
        "changed_files": len([line for line in status.splitlines() if line.strip()]),
    }


def audit_list(failing: list[dict]) -> str:
    return ", ".join(
        f"`{a['id']}`"
        + (f" {a['display']}" if a["display"] else "")
        + ("" if a["weight"] else " (weight 0)")
        for a in failing
    )


def markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        f"Measured on {result['started']} by `bench/lighthouse/run.py` "
        f"(see `bench/README.md`), {result['runs']} runs per page.",
        "",
        f"- CPU: {m['cpu']}, {m['nproc']} cores (`nproc`); RAM {m['ram_gib']} GiB; {m['os']} "
        f"(kernel {m['kernel']}); Lighthouse's benchmark index (median over the runs): "
        f"{result['benchmark_index']}",
        f"- {m['chromium']}, Lighthouse {result['lighthouse']}, Node {m['node']}; "
        f"Python {m['python']}, Django {m['django']}, {m['gunicorn']}",
        f"- Code: commit `{m['commit']}`, "
        + (
            "exported with `git archive` (`--commit`): no work in progress"
            if m["exported"]
            else f"with {m['changed_files']} files changed or added in the work tree (work in "
            "progress, served as it was)"
        ),
        f"- Load average {result['load_before']} before the runs, {result['load_after']} after; "
        "Lighthouse's simulated throttling (`--throttling-method=simulate`, the default) "
        "computes the performance metrics from the page's network and CPU trace, so they "
        "depend less on the machine's load than observed timings would.",
        "",
        "| Page | URL | Performance (≥ 90) | Accessibility (100) | Best practices (≥ 95) |",
        "|---|---|---|---|---|",
    ]
    for slug, title, _path, who in PAGES:
        page = result["pages"][slug]
        cells = []
        for category in CATEGORIES:
            c = page["categories"][category]
            mark = "" if c["median"] >= TARGETS[category] else " ✗"
            cells.append(f"**{c['median']:g}**{mark} ({', '.join(map(str, c['scores']))})")
        shown = urllib.parse.urlsplit(page["final_url"]).path
        asked = page["asked"]
        url = f"`{asked}`" if shown == asked else f"`{asked}` → `{shown}`"
        who_text = {"focal": "focal point", "reviewer": "reviewer"}.get(who, "visitor")
        lines.append(f"| {title} ({who_text}) | {url} | {' | '.join(cells)} |")
    lines += ["", "Median of the runs in bold, each run's score in brackets; ✗ under the target.",
              ""]  # fmt: skip
    below = [
        (slug, title, category, page["categories"][category])
        for slug, title, _path, _who in PAGES
        for category in CATEGORIES
        if (page := result["pages"][slug])["categories"][category]["median"] < TARGETS[category]
    ]
    if below:
        lines += [
            "Audits that failed (score under 0.9) in the run that gave the median, for each "
            "category under its target:",
            "",
            "| Page | Category | Failing audits |",
            "|---|---|---|",
        ]
        for _slug, title, category, c in below:
            audits = audit_list(c["failing"])
            if c["metrics"]:
                audits += "; metrics " + ", ".join(f"{k} {v}" for k, v in c["metrics"].items())
            lines.append(f"| {title} | {category} | {audits or '(none under 0.9)'} |")
    else:
        lines.append("Every page meets every target.")
    lines += [
        "",
        "Every audit under 0.9 in the run that gave each median, targets met or not (weight 0: "
        "shown by Lighthouse, not counted in the score); and the median performance run's "
        "metrics:",
        "",
        "| Page | Performance | Accessibility | Best practices | Metrics |",
        "|---|---|---|---|---|",
    ]
    for slug, title, _path, _who in PAGES:
        cells = []
        for category in CATEGORIES:
            failing = result["pages"][slug]["categories"][category]["failing"]
            cells.append(audit_list(failing) or "none")
        metrics = result["pages"][slug]["categories"]["performance"]["metrics"]
        cells.append(", ".join(f"{k} {v}" for k, v in metrics.items()))
        lines.append(f"| {title} | {' | '.join(cells)} |")
    text = "\n".join(lines).replace("\xa0", " ").replace("Est savings of ", "saves ")
    return text + "\n"


def export(commit: str) -> Path:
    """The files of `commit` in a temporary folder, the npm assets of the work tree linked in."""
    tree = Path(tempfile.mkdtemp(prefix="lighthouse-tree-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True,
                             check=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tree / "node_modules").symlink_to(ROOT / "node_modules")
    if (tree / "scripts" / "stylesheet.sh").exists():  # the compiled CSS is not kept in Git
        subprocess.run(["bash", str(tree / "scripts" / "stylesheet.sh")], check=True)
    elif (tree / "static" / "scss").is_dir():  # a commit from before scripts/stylesheet.sh
        raise SystemExit(f"{commit}: its stylesheet cannot be built here")
    return tree


def measure(runs: int, label: str, commit: str, fresh: bool) -> dict:
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: cd bench/lighthouse && npm ci")
    OUT.mkdir(parents=True, exist_ok=True)
    # One folder per thing measured: the work tree, or the commit asked for.
    out = OUT / (re.sub(r"[^\w.-]", "_", commit) if commit else "worktree")
    reports_dir = out / "reports"
    shutil.rmtree(reports_dir, ignore_errors=True)
    reports_dir.mkdir(parents=True)
    # Another commit's migrations may not match what the work tree's left in the database.
    ensure_database(fresh or bool(commit))
    tree = export(commit) if commit else ROOT
    if commit:
        log(f"serving {commit} from {tree}")
    static_root = Path(tempfile.mkdtemp(prefix="lighthouse-static-"))
    env = server_env(static_root, secrets.token_urlsafe(50)) | {"LIGHTHOUSE_TREE": str(tree)}
    setup_env = base_env() | {"DEBUG": "1"}  # seed_demo refuses to run without DEBUG
    header_files = []
    server = None
    try:
        log("migrate")
        run([PYTHON, "manage.py", "migrate", "--noinput"], setup_env, "migrate", tree)
        log("seed_demo")
        run([PYTHON, "manage.py", "seed_demo"], setup_env, "seed_demo", tree)
        log("prepare: drafts and sessions")
        prepared = json.loads(run([PYTHON, __file__, "prepare"], env, "prepare", tree))
        log("collectstatic")
        run([PYTHON, "manage.py", "collectstatic", "--noinput"], env, "collectstatic", tree)
        log(f"gunicorn on {BASE}")
        server = start_gunicorn(env, tree)
        proxy = {"X-Forwarded-Proto": "https"}  # as from the TLS proxy the settings trust
        headers = {
            None: proxy,
            "focal": proxy | {"Cookie": prepared["focal"]},
            "reviewer": proxy | {"Cookie": prepared["reviewer"]},
        }
        files = {}
        for who, values in headers.items():
            path = OUT / f"headers-{who or 'visitor'}.json"
            path.touch(mode=0o600)
            path.write_text(json.dumps(values))
            header_files.append(path)
            files[who] = path
        paths = {slug: path.format(**prepared) for slug, _t, path, _w in PAGES}
        answers = {}
        for slug, _title, _path, who in PAGES:
            status, location = first_answer(paths[slug], headers[who])
            answers[slug] = {"status": status, "location": location}
            log(f"{slug}: GET {paths[slug]} → {status} {location}")
            if who and status != 200:
                raise RuntimeError(f"{slug}: the signed-in page answered {status} {location}")
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        load_before = loadavg()
        reports: dict[str, list[dict]] = {slug: [] for slug, *_ in PAGES}
        for n in range(1, runs + 1):
            for slug, _title, _path, who in PAGES:
                log(f"round {n}: {slug}")
                output = reports_dir / f"{slug}-{n}.json"
                report = lighthouse(BASE + paths[slug], files[who], output)
                final = urllib.parse.urlsplit(report["finalDisplayedUrl"]).path
                if who and final != paths[slug]:
                    raise RuntimeError(f"{slug}: Lighthouse ended on {final}, not {paths[slug]}")
                reports[slug].append(report)
        load_after = loadavg()
    finally:
        if server is not None:
            stop(server)
        for path in header_files:
            path.unlink(missing_ok=True)
        shutil.rmtree(static_root, ignore_errors=True)
        if commit:
            shutil.rmtree(tree, ignore_errors=True)
    pages = summarise(reports)
    for slug, page in pages.items():
        page["asked"] = paths[slug]
        page["first_answer"] = answers[slug]
    all_reports = [r for runs_ in reports.values() for r in runs_]
    result = {
        "label": label,
        "started": started,
        "runs": runs,
        "load_before": load_before,
        "load_after": load_after,
        "lighthouse": all_reports[0]["lighthouseVersion"],
        "user_agent": all_reports[0]["environment"]["hostUserAgent"],
        "benchmark_index": statistics.median(
            r["environment"]["benchmarkIndex"] for r in all_reports
        ),
        "prepared": {k: v for k, v in prepared.items() if k not in ("focal", "reviewer")},
        "machine": machine(commit),
        "pages": pages,
    }
    (out / "summary.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    text = (f"### {label}\n\n" if label else "") + markdown(result)
    (out / "summary.md").write_text(text)
    log(f"reports in {reports_dir}; summary in {out / 'summary.md'}")
    return result | {"markdown": text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("phase", nargs="?", default="measure", choices=["measure", "prepare"])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page")
    parser.add_argument("--label", default="", help="a heading for the Markdown summary")
    parser.add_argument("--commit", default="", help="serve this commit (git archive), not the "
                        "work tree; the database is made afresh")  # fmt: skip
    parser.add_argument("--fresh", action="store_true", help="drop the database and start again")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a median is under its target"
    )
    args = parser.parse_args()
    if args.phase == "prepare":
        prepare()
        return
    result = measure(args.runs, args.label, args.commit, args.fresh)
    print(result["markdown"])
    below = any(
        c["median"] < TARGETS[name]
        for page in result["pages"].values()
        for name, c in page["categories"].items()
    )
    if args.strict and below:
        sys.exit(1)


if __name__ == "__main__":
    main()
