"""Security scan: wapiti3 against the portal served by gunicorn on 127.0.0.1 only.

    .venv/bin/python bench/scan.py all          # set up, serve, scan twice, summarise
    .venv/bin/python bench/scan.py report       # summarise the JSON reports of the last run

Steps of `all`:

    setup      its own database (DATABASE_URL, default portal_scan on 127.0.0.1:5432, created
               when missing), migrate, `seed_demo` (the demo accounts), collectstatic into
               var/scan-static, a self-signed certificate for 127.0.0.1 in var/scan/tls.
    serve      gunicorn on https://127.0.0.1:8401 with production settings: DEBUG off, TLS
               (gunicorn terminates it, so no proxy header is trusted), secure cookies, HSTS,
               SSL redirect; Redis broker on its own queue that nothing consumes (purged at
               the end); e-mails to Django's in-memory backend; uploads in var/scan-storage.
    anonymous  wapiti as a visitor who is not signed in.
    reviewer   wapiti as the demo secretariat reviewer, signed in through the real sign-in
               form and its two-factor step (TOTP from the secret seed_demo prints); the
               session's cookies go to wapiti as its JSON cookie file (-c); the URLs that
               would end that session or change its credentials are excluded. The run fails
               if that scan did not crawl /reviews/ signed in (200, not the sign-in page).
    report     vulnerabilities by category (reviewed false positives apart, with their
               evidence), anomalies (500s), URLs crawled, requests and statuses per scan and
               every 5xx or traceback in the gunicorn logs; written to var/scan/summary.json.

Wapiti runs from its own virtualenv (var/scan-venv, bench/requirements-scan.txt) so that its
pins never touch the project's. Every request stays on 127.0.0.1: `--no-bugreport`, the scope
is the server, the endpoints that some payloads name point at a closed loopback port, and the
module list leaves out everything that contacts another host or brute-forces paths.
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import http.cookiejar
import json
import os
import re
import secrets
import signal
import ssl
import struct
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "scan"
VENV = ROOT / ".venv" / "bin"
WAPITI = ROOT / "var" / "scan-venv" / "bin" / "wapiti"
HOST, PORT = "127.0.0.1", 8401
BASE = f"https://{HOST}:{PORT}"
REVIEWER = "reviewer@example.org"
DEMO_PASSWORD = "safer-cities-demo"  # accounts/demo.py

# Active modules that only talk to the target. Passive ones read every response.
ACTIVE_MODULES = [
    "exec", "file", "sql", "timesql", "xss", "permanentxss", "crlf", "redirect", "csrf",
    "methods", "backup", "htaccess", "upload", "ldap", "shellshock", "spring4shell",
]  # fmt: skip
PASSIVE_MODULES = [
    "cookieflags", "csp", "http_headers", "https_redirect", "inconsistent_redirection",
    "information_disclosure", "stacktrace_disclosure", "unsecure_password",
]  # fmt: skip
# Left out: nikto, wapp, htp, cms, wp_enum, network_device (fetch databases or fingerprints
# from other hosts), ssrf, xxe, log4shell (need an outside endpoint), takeover (DNS of other
# hosts), ssl (judges the throw-away self-signed certificate, not the portal), buster and
# brute_login_form (brute force; the lock-out is tested elsewhere), printer.
MODULES = ACTIVE_MODULES + PASSIVE_MODULES
# Payloads that name an "endpoint" (remote file inclusion, XSS script sources) get a closed
# loopback port instead of the scanner's public default. (--internal-endpoint is not given:
# wapiti would request it at start, and only the left-out ssrf and xxe modules use it.)
NOWHERE = "http://127.0.0.1:9/"

START_PATHS = ["/", "/library/", "/healthz", "/accounts/login/", "/accounts/password/reset/"]
# The signed-in scan starts from the reviewer's own pages too, so that a crawl cut short by
# --max-scan-time still covers them; `demo_paths` adds each cycle's queue and reports and the
# reviews' own pages (the queue opens on one cycle, which may have no review yet).
START_PATHS_SIGNED_IN = ["/reviews/", "/reviews/queue/", "/reports/", "/countries/", "/cycles/"]
EXCLUDED_ALWAYS = ["/accounts/logout/*"]
EXCLUDED_SIGNED_IN = [
    "/accounts/2fa/*",  # deactivating TOTP or regenerating codes would end the scan's access
    "/accounts/reauthenticate/*",
    "/accounts/password/*",  # change, set and reset: the session's credentials
    "/accounts/email/*",  # adding addresses sends verification mail
    "/admin/logout/*",
    "/i18n/setlang/*",  # would switch the reviewer's pages to another language mid-scan
]
# Each scan sends this header; gunicorn's access log records it, so every request in the log
# is attributed to its scan (the reviewer's 200s under /reviews/ are the proof it was signed in).
SCAN_HEADER = "X-Scan"


def ensure_scanner() -> None:
    """The scanner's own virtualenv, made from bench/requirements-scan.txt when missing."""
    if WAPITI.exists():
        return
    venv = WAPITI.parent.parent
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "-r",
         str(ROOT / "bench" / "requirements-scan.txt")],
        check=True,
    )  # fmt: skip


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_scan"
        ),
        DEBUG="0",
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS=BASE,
        SITE_URL=BASE,
        # gunicorn speaks TLS itself: the scheme is https without trusting any header.
        BEHIND_TLS_PROXY="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        CELERY_BROKER_URL=os.environ.get("SCAN_BROKER_URL", "redis://127.0.0.1:6379/11"),
        CELERY_QUEUE="portal-scan",
        PRIVATE_STORAGE_ROOT=str(ROOT / "var" / "scan-storage"),
        STATIC_ROOT=str(ROOT / "var" / "scan-static"),
        LOG_LEVEL="INFO",
    )
    return env


def secret_key() -> str:
    path = OUT / "secret_key"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(60))
        path.chmod(0o600)
    return path.read_text().strip()


def manage(*args: str, debug: bool = False) -> str:
    env = server_env()
    if debug:  # seed_demo refuses to run without DEBUG: it sets known passwords
        env["DEBUG"] = "1"
    done = subprocess.run(
        [str(VENV / "python"), "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


# --- Set-up ---------------------------------------------------------------------------------


def setup() -> str:
    """Database, demo data, static files, certificate. Returns the reviewer's TOTP secret."""
    url = urllib.parse.urlsplit(server_env()["DATABASE_URL"])
    name = url.path.lstrip("/")
    exists = subprocess.run(
        ["psql", "-h", url.hostname, "-U", url.username or "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run(
            ["createdb", "-h", url.hostname, "-U", url.username or "postgres", name], check=True
        )
    manage("migrate", "--noinput", "-v", "0")
    seeded = manage("seed_demo", debug=True)
    manage("collectstatic", "--noinput", "-v", "0")
    match = re.search(re.escape(REVIEWER) + r".*?authenticator app secret: (\S+)", seeded, re.S)
    if not match:
        sys.exit("seed_demo printed no authenticator secret for the reviewer")
    tls = OUT / "tls"
    if not (tls / "cert.pem").exists():
        tls.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
             "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}",
             "-keyout", str(tls / "key.pem"), "-out", str(tls / "cert.pem")],
            check=True, capture_output=True,
        )  # fmt: skip
    return match.group(1)


def demo_paths() -> list[str]:
    """The reviewer's pages of the seeded data: each cycle's queue, page and reports, and the
    first reviews' pages."""
    code = (
        "import json\n"
        "from indicators.models import ReviewCycle\n"
        "from reviews.models import Review\n"
        "print('IDS', json.dumps([list(ReviewCycle.objects.order_by('pk').values_list('pk', "
        "flat=True)), list(Review.objects.order_by('pk').values_list('pk', flat=True)[:5])]))\n"
    )
    cycles, reviews = json.loads(manage("shell", "-c", code).split("IDS", 1)[1])
    paths = []
    for cycle in cycles:
        paths += [
            f"/reviews/queue/?cycle={cycle}",
            f"/cycles/{cycle}/",
            f"/reports/cycles/{cycle}/",
        ]
    return paths + [f"/reviews/{review}/" for review in reviews]


def serve() -> subprocess.Popen:
    log = open(OUT / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [str(VENV / "gunicorn"), "config.wsgi", "--bind", f"{HOST}:{PORT}", "--workers", "4",
         # Sync workers (gunicorn's default): with gthread and TLS, the sign-in POST below got
         # no answer here. A scanner connection that sends nothing holds a sync worker until
         # --timeout ends it ("no URI read" in the log: not a request, not a 500).
         "--timeout", "120", "--certfile", str(OUT / "tls" / "cert.pem"),
         "--keyfile", str(OUT / "tls" / "key.pem"),
         "--access-logfile", str(OUT / "access.log"),
         "--access-logformat", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms scan=%({x-scan}i)s'],
        cwd=ROOT, env=server_env(), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(60):
        time.sleep(1)
        try:
            with opener().open(BASE + "/healthz", timeout=5) as response:
                print("healthz:", response.read().decode())
                return server
        except OSError:
            if server.poll() is not None:
                sys.exit(f"gunicorn stopped; see {OUT / 'gunicorn.log'}")
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 60 s")


def opener(jar: http.cookiejar.CookieJar | None = None) -> urllib.request.OpenerDirector:
    context = ssl.create_default_context(cafile=str(OUT / "tls" / "cert.pem"))
    return urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context),
        urllib.request.HTTPCookieProcessor(jar if jar is not None else http.cookiejar.CookieJar()),
    )


# --- Signing in as the reviewer -------------------------------------------------------------


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits), as allauth's authenticator apps compute it."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(at or time.time()) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


def post_form(browser, url: str, fields: dict[str, str]) -> tuple[str, str]:
    with browser.open(url, timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(fields | {"csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})
    with browser.open(request, timeout=30) as response:
        return response.geturl(), response.read().decode()


def sign_in_reviewer(secret: str) -> http.cookiejar.CookieJar:
    """Sign in through the real form and its two-factor step; return the cookies."""
    jar = http.cookiejar.CookieJar()
    browser = opener(jar)
    url, _page = post_form(
        browser, BASE + "/accounts/login/", {"login": REVIEWER, "password": DEMO_PASSWORD}
    )
    if "/2fa/authenticate" not in url:
        sys.exit(f"sign-in did not ask for the second factor (landed on {url})")
    if time.time() % 30 > 25:  # don't send a code about to expire
        time.sleep(6)
    url, page = post_form(browser, url, {"code": totp(secret)})
    if "/accounts/" in urllib.parse.urlsplit(url).path or "Secretariat Reviewer" not in page:
        sys.exit(f"two-factor step failed (landed on {url})")
    print(f"signed in as {REVIEWER}: landed on {url}; cookies {sorted(c.name for c in jar)}")
    return jar


def write_cookie_file(jar: http.cookiejar.CookieJar) -> Path:
    """The session as wapiti's JSON cookie file (wapitiCore/net/jsoncookie.py): domain, then
    path, then name. For an IP address wapiti looks the cookies up under the bare address
    ("127.0.0.1", no port, no leading dot).

    Not `-C` with `--drop-set-cookie`: that option removes the Cookie header from every
    request wapiti sends (an httpx request hook), the `-C` one included, so the previous
    "signed-in" scan ran as a visitor. With the file, the cookies sit in wapiti's cookie jar
    and the session's renewals (Set-Cookie) update it as a browser would.
    """
    cookies: dict = {}
    for cookie in jar:
        cookies.setdefault(HOST, {}).setdefault(cookie.path, {})[cookie.name] = {
            "value": cookie.value,
            "expires": cookie.expires,
            "secure": cookie.secure,
            "port": None,
            "version": cookie.version or 0,
        }
    path = OUT / "reviewer-cookies.json"
    path.write_text(json.dumps(cookies, indent=2))
    path.chmod(0o600)
    return path


def cookie_header(jar: http.cookiejar.CookieJar) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


# --- Scans ----------------------------------------------------------------------------------


def wapiti(
    name: str,
    max_scan_time: int,
    max_attack_time: int,
    cookie_file: Path | None = None,
    extra_paths: list[str] = (),
) -> subprocess.Popen:
    """wapiti's --max-scan-time bounds its crawl; each attack module then gets at most
    --max-attack-time: a scan lasts at most max_scan_time + 16 x max_attack_time."""
    excluded = EXCLUDED_ALWAYS + (EXCLUDED_SIGNED_IN if cookie_file else [])
    start = START_PATHS + (START_PATHS_SIGNED_IN + list(extra_paths) if cookie_file else [])
    command = [
        str(WAPITI), "-u", BASE + "/", "--scope", "folder",
        "-m", ",".join(MODULES), "--no-bugreport",
        "--max-scan-time", str(max_scan_time), "--max-attack-time", str(max_attack_time),
        "--endpoint", NOWHERE, "--dns-endpoint", "localhost",
        "--verify-ssl", "0", "--timeout", "30", "--tasks", "4", "--depth", "5",
        "--max-files-per-dir", "20", "--max-links-per-page", "40",
        "--store-session", str(OUT / f"session-{name}"), "--flush-session",
        "-f", "json", "-o", str(OUT / f"{name}.json"), "-dr", "1",
        "-v", "1", "--log", str(OUT / f"{name}.log"), "-H", f"{SCAN_HEADER}: {name}",
    ]  # fmt: skip
    for path in start:
        command += ["-s", BASE + path]
    for path in excluded:
        command += ["-x", BASE + path]
    if cookie_file:
        command += ["-c", str(cookie_file)]
    (OUT / f"{name}.command").write_text(" ".join(command) + "\n")
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def fetch(path: str, cookie: str | None = None) -> tuple[str, str]:
    """GET a page (as the reviewer when `cookie` is given): final URL and body."""
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(BASE + path, headers=headers)
    with opener().open(request, timeout=60) as response:
        return response.geturl(), response.read().decode(errors="replace")


def still_signed_in(cookie: str) -> bool:
    return "/accounts/" not in fetch("/", cookie)[0]


# --- Findings reviewed as false positives ---------------------------------------------------

FULL_PATH = "Information Disclosure - Full Path"
ATTRIBUTE = re.compile(r'\s(?:href|action|value|src|hx-get|hx-post|data-[\w-]+)="$')


def review_full_paths(cookies: dict[str, str | None]) -> list[dict]:
    """Check each "Full Path" finding against the page itself, while the server still runs.

    wapiti's information_disclosure module matches any absolute path that contains a system
    folder name (bin, lib, var, Users, macOS's Library, ...), case-insensitively, wherever it
    is in the page, so it cannot tell a file-system path from one of the site's own URLs. A
    finding is counted as a false positive only if (1) every place its evidence appears in the
    page is the whole value of an HTML attribute that holds a URL (href, action, value, src)
    or that value up to its query string, and (2) the portal's URL resolver maps the evidence
    to one of its views. Anything else stays a vulnerability.
    """
    reviewed = []
    for name, cookie in cookies.items():
        report_path = OUT / f"{name}.json"
        if not report_path.exists():
            continue
        for item in json.loads(report_path.read_text())["vulnerabilities"].get(FULL_PATH, []):
            evidence = item["info"].split("system path: ", 1)[-1]
            _url, page = fetch(item["path"], cookie)
            places, in_attributes = [], True
            pattern = r"(?<![\w:/\\.-])" + re.escape(evidence) + r"(?![\w./~-])"
            for match in re.finditer(pattern, page, re.I):
                before, after = page[: match.start()], page[match.end() : match.end() + 1]
                quoted = ATTRIBUTE.search(before[-40:]) and after in ('"', "?", "#")
                in_attributes = in_attributes and bool(quoted)
                tag = page.rfind("<", 0, match.start())  # the element it is in
                places.append(page[tag : page.find(">", match.end()) + 1])
            reviewed.append(
                {"scan": name, "category": FULL_PATH, "method": item["method"],
                 "path": item["path"], "evidence": evidence, "places": places,
                 "only_in_url_attributes": bool(places) and in_attributes}
            )  # fmt: skip
    views = resolve_paths(sorted({r["evidence"] for r in reviewed}))
    for finding in reviewed:
        finding["portal_view"] = views.get(finding["evidence"])
        finding["false_positive"] = bool(
            finding["only_in_url_attributes"] and finding["portal_view"]
        )
    (OUT / "reviewed.json").write_text(json.dumps(reviewed, indent=2) + "\n")
    return reviewed


def resolve_paths(paths: list[str]) -> dict[str, str]:
    """The portal view each path resolves to (Django's resolver), for the paths that do."""
    if not paths:
        return {}
    code = (
        "import json, sys\n"
        "from django.urls import Resolver404, resolve\n"
        "found = {}\n"
        f"for p in {paths!r}:\n"
        "    try:\n"
        "        found[p] = resolve(p).view_name\n"
        "    except Resolver404:\n"
        "        pass\n"
        "print('RESOLVED', json.dumps(found))\n"
    )
    out = manage("shell", "-c", code)
    return json.loads(out.split("RESOLVED", 1)[1])


# --- Report ---------------------------------------------------------------------------------


def summarise_report(path: Path, reviewed: list[dict]) -> dict:
    report = json.loads(path.read_text())
    name = path.stem
    vulns = {k: len(v) for k, v in report["vulnerabilities"].items() if v}
    anomalies = {k: len(v) for k, v in report["anomalies"].items() if v}
    false_positives = [r for r in reviewed if r["scan"] == name and r["false_positive"]]
    infos = report["infos"]
    crawled = [
        (urllib.parse.urlsplit(page["request"]["url"]).path, page["request"]["method"],
         page["response"]["status_code"])
        for page in infos.get("crawled_pages", [])
    ]  # fmt: skip
    return {
        "vulnerabilities": sum(vulns.values()),
        "vulnerabilities_by_category": vulns,
        "false_positives": len(false_positives),
        "false_positives_by_category": count_by(false_positives, "category"),
        "real_vulnerabilities": sum(vulns.values()) - len(false_positives),
        "suppressed_similar_findings": report.get("suppressed_findings", {}),
        "anomalies": sum(anomalies.values()),
        "anomalies_by_category": anomalies,
        "additionals": {k: len(v) for k, v in report.get("additionals", {}).items() if v},
        "crawled_pages": infos.get("crawled_pages_nbr"),
        "crawled_by_section": count_by(
            [{"section": "/" + p.strip("/").split("/")[0]} for p, _m, _s in crawled], "section"
        ),
        "crawled_reviews_200": sum(
            1 for p, _m, s in crawled if p.startswith("/reviews/") and s == 200
        ),
        "crawled_200_paths": sorted({p for p, _m, s in crawled if s == 200}),
        "wapiti": infos.get("version"),
        "target": infos.get("target"),
        "date": infos.get("date"),
        "details": {
            k: [
                f"{item.get('method')} {item.get('path')} [{item.get('parameter')}] "
                f"{item.get('info')}"
                for item in v
            ]
            for k, v in {**report["vulnerabilities"], **report["anomalies"]}.items()
            if v
        },
        "false_positive_evidence": false_positives,
        "modules_stopped_by_max_attack_time": attack_timeouts(name),
    }


def count_by(items: list[dict], key: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item[key]] = counts.get(item[key], 0) + 1
    return dict(sorted(counts.items()))


def attack_timeouts(name: str) -> list[str]:
    log = OUT / f"{name}.log"
    text = log.read_text(errors="replace") if log.exists() else ""
    return sorted(set(re.findall(r"Max attack time was reached for module (\w+)", text)))


ACCESS = re.compile(r'^\S+ "(\S+) (\S+) [^"]*" (\d{3}) \S+ \S+ scan=(\S+)')


def summarise_logs() -> dict:
    scans: dict[str, dict] = {}
    errors = []
    access = OUT / "access.log"
    for line in access.read_text().splitlines() if access.exists() else []:
        match = ACCESS.match(line)
        if not match:
            continue
        _method, target, status, scan = match.groups()
        scan = scan if scan != "-" else "other"  # the script's own requests
        entry = scans.setdefault(
            scan, {"requests": 0, "statuses": {}, "200_by_section": {}, "5xx": 0}
        )
        entry["requests"] += 1
        entry["statuses"][status] = entry["statuses"].get(status, 0) + 1
        if status == "200":
            section = "/" + urllib.parse.urlsplit(target).path.strip("/").split("/")[0]
            entry["200_by_section"][section] = entry["200_by_section"].get(section, 0) + 1
        if status.startswith("5"):
            entry["5xx"] += 1
            errors.append(line)
    for entry in scans.values():
        entry["statuses"] = dict(sorted(entry["statuses"].items()))
        entry["200_by_section"] = dict(sorted(entry["200_by_section"].items()))
    log = (OUT / "gunicorn.log").read_text() if (OUT / "gunicorn.log").exists() else ""
    return {
        "requests": sum(e["requests"] for e in scans.values()),
        "by_scan": scans,
        "server_errors": errors,
        "tracebacks": log.count("Traceback (most recent call last)"),
        "worker_timeouts": log.count("WORKER TIMEOUT"),
        "error_log_lines": [ln for ln in log.splitlines() if "ERROR" in ln][:50],
    }


def report(run: dict | None = None) -> dict:
    if run is None and (OUT / "summary.json").exists():
        run = json.loads((OUT / "summary.json").read_text()).get("run")
    reviewed_path = OUT / "reviewed.json"
    reviewed = json.loads(reviewed_path.read_text()) if reviewed_path.exists() else []
    summary = {"modules": MODULES, "run": run or {}, "scans": {}, "server": summarise_logs()}
    for name in ("anonymous", "reviewer"):
        if (OUT / f"{name}.json").exists():
            summary["scans"][name] = summarise_report(OUT / f"{name}.json", reviewed)
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    durations = summary["run"].get("durations", {})
    for name, scan in summary["scans"].items():
        print(
            f"{name}: {scan['real_vulnerabilities']} real vulnerabilities, "
            f"{scan['false_positives']} reviewed false positives "
            f"(wapiti: {scan['vulnerabilities']} {scan['vulnerabilities_by_category']}), "
            f"{scan['anomalies']} anomalies {scan['anomalies_by_category']}, "
            f"{scan['crawled_pages']} URLs and forms found, crawled pages by section "
            f"{scan['crawled_by_section']}, "
            f"{durations.get(name, '?')} s, {scan['wapiti']}; "
            f"modules stopped by --max-attack-time: {scan['modules_stopped_by_max_attack_time']}"
        )
        for category, items in scan["details"].items():
            for item in items:
                print(f"    {category}: {item}")
        for fp in scan["false_positive_evidence"]:
            print(f"    false positive: {fp['evidence']} is the URL of {fp['portal_view']}, "
                  f"in the page only as {fp['places']}")  # fmt: skip
    server = summary["server"]
    for name, entry in server["by_scan"].items():
        print(
            f"server, {name}: {entry['requests']} requests, statuses {entry['statuses']}, "
            f"{entry['5xx']} 5xx, 200s by section {entry['200_by_section']}"
        )
    print(
        f"server: {server['requests']} requests, {len(server['server_errors'])} 5xx, "
        f"{server['tracebacks']} tracebacks and {server['worker_timeouts']} worker timeouts "
        f"in the log"
    )
    for line in server["server_errors"][:20]:
        print("    ", line)
    return summary


def check_signed_in_scan(summary: dict) -> None:
    """Fail loudly unless the reviewer's scan crawled /reviews/ and /reports/ signed in."""
    scan = summary["scans"].get("reviewer")
    served = summary["server"]["by_scan"].get("reviewer", {}).get("200_by_section", {})
    problems = []
    if not scan or not scan["crawled_reviews_200"]:
        problems.append("wapiti's report lists no /reviews/ page answered 200")
    if not scan or not any(
        re.fullmatch(r"/reviews/\d+/", path) for path in scan["crawled_200_paths"]
    ):
        problems.append("wapiti's report lists no review's page (/reviews/<id>/) answered 200")
    for section in ("/reviews", "/reports"):
        if not served.get(section):
            problems.append(f"the access log has no 200 under {section}/ for the reviewer scan")
    if problems:
        sys.exit("THE SIGNED-IN SCAN DID NOT RUN SIGNED IN: " + "; ".join(problems))
    print(
        f"signed-in scan checked: {scan['crawled_reviews_200']} /reviews/ pages crawled with "
        f"200; reviewer 200s in the access log: {served}"
    )


def run_all(max_scan_time: int, max_attack_time: int, only: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in (
        "access.log",
        "gunicorn.log",
        "anonymous.log",
        "reviewer.log",
        "anonymous.json",
        "reviewer.json",
        "reviewed.json",
        "summary.json",
    ):
        (OUT / stale).unlink(missing_ok=True)  # fmt: skip
    started = datetime.datetime.now(datetime.UTC)
    run = {"started": f"{started:%Y-%m-%d %H:%M} UTC", "load_before": os.getloadavg(),
           "max_scan_time": max_scan_time, "max_attack_time": max_attack_time}  # fmt: skip
    ensure_scanner()
    secret = setup()
    server = serve()
    durations: dict[str, float] = {}
    try:
        jar = sign_in_reviewer(secret) if "reviewer" in only else None
        cookie = cookie_header(jar) if jar else None
        extra = demo_paths() if jar else []
        scans = {}
        for name in only:
            signed_in = name == "reviewer"
            cookie_file = write_cookie_file(jar) if signed_in else None
            process = wapiti(name, max_scan_time, max_attack_time, cookie_file,
                             extra if signed_in else [])  # fmt: skip
            scans[name] = (process, time.perf_counter())
        for name, (process, t0) in scans.items():
            process.wait()
            durations[name] = round(time.perf_counter() - t0, 1)
            print(f"{name} scan finished in {durations[name]} s (exit {process.returncode})")
        if cookie:
            run["still_signed_in_after"] = still_signed_in(cookie)
            print("reviewer still signed in after the scan:", run["still_signed_in_after"])
        review_full_paths({name: cookie if name == "reviewer" else None for name in only})
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        manage_purge()
        (OUT / "reviewer-cookies.json").unlink(missing_ok=True)
    run.update(durations=durations, load_after=os.getloadavg(), cpus=os.cpu_count())
    print(f"started {run['started']}; load average before {run['load_before']}, "
          f"after {run['load_after']} ({run['cpus']} CPUs)")  # fmt: skip
    summary = report(run)
    if "reviewer" in only:
        check_signed_in_scan(summary)


def manage_purge() -> None:
    """Drop the messages the portal queued during the scan: nothing consumes that queue."""
    subprocess.run(
        [str(VENV / "celery"), "-A", "config", "purge", "-f", "-Q", "portal-scan"],
        cwd=ROOT, env=server_env(), capture_output=True,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=["all", "report"])
    parser.add_argument(
        "--max-scan-time", type=int, default=180, help="seconds of crawling, per scan"
    )
    parser.add_argument(
        "--max-attack-time", type=int, default=45, help="seconds per attack module, per scan"
    )
    parser.add_argument(
        "--only", choices=["anonymous", "reviewer"], action="append", help="one scan only"
    )
    args = parser.parse_args()
    if args.phase == "report":
        summary = report()
        if "reviewer" in summary["scans"]:
            check_signed_in_scan(summary)
    else:
        run_all(args.max_scan_time, args.max_attack_time, args.only or ["anonymous", "reviewer"])


if __name__ == "__main__":
    main()
