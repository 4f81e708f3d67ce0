"""Benchmark of the Word import (reviews/word/, issue 18): a full review goes out as a .docx and
comes back through the portal's own pages.

    .venv/bin/python bench/import_word.py               # setup, measure, report (10 rounds)
    .venv/bin/python bench/import_word.py all --rounds 20

Phases (`all` runs the three in one process):

    setup    migrates the bench database, opens the seeded first cycle and fills Kenya's draft
             completely, through reviews.services and reviews.editor: 8 sections of several
             paragraphs, near but under each word limit, and all 22 indicators answered with
             valid values (by sex, money with a currency, choices, years, sources, notes), from
             the seeded vocabulary of bench/compile_report.py. Idempotent: it only brings the
             draft back to that content when it differs.
    measure  one warm-up round, then N rounds. Each round brings the draft back to the set-up
             content, then, for each of three documents, exports the review afresh
             (reviews.word.imports.export_review, timed), prepares the document (not timed) and
             imports it through the real views with Django's test client signed in as the
             focal point: POST the document to reviews:word_import (upload and read), GET the
             preview, POST accept. Wall time, CPU time of this process and SQL queries
             (CaptureQueriesContext) per phase; after each accept the draft must hold exactly
             what the document said.
    report   writes the "Word import (issue 18)" section of bench/RESULTS.md from the JSON.

The three documents: `untouched` (the export as it is), `libreoffice` (the export opened and
saved by LibreOffice Writer, headless, then one section and three answers retyped with
python-docx, as tests/support/word.py does), `everything` (every section and every answer
retyped). Each accept needs a document exported after the last import (the portal refuses
older ones), so every round exports each document again; LibreOffice's save, the editing with
python-docx and the restore of the draft are outside the timed parts.

The bench has its own database (DATABASE_URL, default portal_bench_word on 127.0.0.1:5432,
created when missing) and its own storage root (PRIVATE_STORAGE_ROOT, default
var/bench-storage/word). E-mail goes to Django's in-memory backend and Celery messages to an
in-memory broker that nothing reads. Results go to var/bench/word/import_word.json.
"""

import argparse
import datetime
import json
import os
import platform
import re
import runpy
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench" / "word"  # not var/bench/*.json, which compile_report.py clears
RESULT_JSON = OUT / "import_word.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
SECTION_TITLE = "## Word import (issue 18)"
COUNTRY = "KEN"
ROUNDS = 10
TARGET_SECONDS = 2.0
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENTS = {
    "untouched": "Untouched (the export as downloaded)",
    "libreoffice": "Saved by LibreOffice, 1 section and 3 answers edited",
    "everything": "Every section and every answer changed",
}
PHASES = {
    "upload": "upload + read (POST `word_import`)",
    "preview": "preview (GET `word_preview`)",
    "accept": "accept (POST `word_accept`)",
    "total": "in all",
}


# --- Environment ---------------------------------------------------------------------------


def configure() -> None:
    """Bench database, storage, mail and broker, then Django. Runs before any app import."""
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_word")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("PRIVATE_STORAGE_ROOT", str(ROOT / "var" / "bench-storage" / "word"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"  # queued messages go nowhere
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    runpy.run_path(str(ROOT / "scripts" / "ensure_database.py"))

    import django

    django.setup()
    from config.celery import app as celery_app

    celery_app.conf.task_always_eager = False
    OUT.mkdir(parents=True, exist_ok=True)


def loadavg() -> str:
    """The 1, 5 and 15-minute load averages (other processes on the machine count too)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(*command: str) -> str:
    try:
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def machine() -> dict:
    import compile_report as cr

    cpu = cr.cpu_model()
    versions = {}
    for module in ("django", "docx", "psycopg"):
        try:
            versions[module] = getattr(__import__(module), "__version__", "?")
        except ImportError:
            versions[module] = "?"
    changed = [line[3:] for line in run("git", "status", "--porcelain").splitlines()]
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": run("git", "log", "-1", "--format=%h %<(72,trunc)%s").strip(),
        "uncommitted": len([p for p in changed if p and not p.startswith("bench/")]),
        "nproc": run("nproc"),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": run("psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc",
                          "show server_version") or "?",
        "libreoffice": run("soffice", "--version").split(" (")[0] or "?",
        "versions": versions,
        "debug": os.environ.get("DEBUG", ""),
        "loadavg": loadavg(),
    }  # fmt: skip


# --- The review and its three contents -----------------------------------------------------


def near_limit(limit: int) -> tuple[int, int]:
    """Words aimed at for a section: 85–93 % of its limit (the writer may add one sentence
    more, about 30 words, which stays under the limit)."""
    return int(limit * 0.85), int(limit * 0.93)


class States:
    """Kenya's draft as set up (`base`), the text and answers the LibreOffice document types
    into one section and three answers (`edit`), and those the `everything` document types
    into every section and answer (`new`): three seeded writers of compile_report.py, so every
    run uses the same text."""

    def __init__(self, review):
        import compile_report as cr
        from django.utils import translation

        from reviews import editor
        from reviews.sections import SECTIONS

        country = review.country
        self.indicators = list(editor.matrix_indicators(review))
        self.numbers = {s.key: s.number for s in SECTIONS}
        with translation.override("en"):
            writers = {
                name: cr.Writer(SimpleNamespace(iso3=f"{country.iso3}{suffix}", name=country.name))
                for name, suffix in (("base", ""), ("edit", "-edit"), ("new", "-new"))
            }
            self.sections = {
                name: {s.key: w.text(*near_limit(s.word_limit)) for s in SECTIONS}
                for name, w in writers.items()
            }
            self.answers: dict[str, dict[str, dict]] = {name: {} for name in writers}
            for indicator in self.indicators:
                options = [o.value for o in indicator.options.all()]
                for name, writer in writers.items():
                    taken = [self.canonical(indicator, a[indicator.code])
                             for a in self.answers.values() if indicator.code in a]  # fmt: skip
                    data = writer.answer(indicator, options)
                    while self.canonical(indicator, data) in taken:  # every state differs
                        data = writer.answer(indicator, options)
                    self.answers[name][indicator.code] = data
        # The LibreOffice document: the executive summary and three answers of other types.
        self.edited_section = SECTIONS[0].key
        self.edited_codes = self._three_codes()

    def _three_codes(self) -> list[str]:
        from indicators.models import IndicatorType as T

        def first(test):
            return next(i.code for i in self.indicators if test(i))

        return [
            first(lambda i: i.by_sex),
            first(lambda i: i.type == T.SINGLE_CHOICE),
            first(lambda i: i.type in (T.MONEY, T.WHOLE_NUMBER) and not i.by_sex),
        ]

    @staticmethod
    def canonical(indicator, data: dict) -> dict:
        from reviews.word import content

        return content.canonical_answer(indicator, data)

    def expected(self, state: str, review) -> dict:
        """What review_content() must say after the named state was imported or restored."""
        from reviews.word import content

        base = {
            "sections": {k: content.normalise_text(v) for k, v in self.sections["base"].items()},
            "answers": {
                i.code: self.canonical(i, self.answers["base"][i.code]) for i in self.indicators
            },
        }
        if state == "base":
            return base
        if state == "edit":
            key = self.edited_section
            base["sections"][key] = content.normalise_text(self.sections["edit"][key])
            for indicator in self.indicators:
                if indicator.code in self.edited_codes:
                    data = self.answers["edit"][indicator.code]
                    base["answers"][indicator.code] = self.canonical(indicator, data)
            return base
        return {
            "sections": {k: content.normalise_text(v) for k, v in self.sections["new"].items()},
            "answers": {
                i.code: self.canonical(i, self.answers["new"][i.code]) for i in self.indicators
            },
        }

    def cells(self, state: str, codes) -> dict[str, dict[str, str]]:
        """The answer rows' cells as a person would type them into the document (English)."""
        from django.utils import translation

        from reviews.word import content

        out = {}
        with translation.override("en"):
            for indicator in self.indicators:
                if indicator.code not in codes:
                    continue
                answer = self.canonical(indicator, self.answers[state][indicator.code])
                out[indicator.code] = {
                    "answer": "\n".join(content.cell_lines(indicator, answer)),
                    "year": answer["reference_year"],
                    "source": answer["source"],
                    "note": answer["note"],
                }
        return out


def fresh(review):
    from reviews.models import Review

    return Review.objects.select_related("country", "cycle").get(pk=review.pk)


def current_content(review) -> dict:
    from django.db.models import prefetch_related_objects

    from reviews import editor
    from reviews.word import content

    review = fresh(review)
    prefetch_related_objects([review], "answers")
    return content.review_content(review, editor.matrix_indicators(review))


def restore(review, states: States, focal) -> bool:
    """Bring the draft back to the set-up content (one draft save) unless it holds it."""
    from reviews import editor

    if current_content(review) == states.expected("base", review):
        return False
    review = fresh(review)
    editor.save_draft(
        review, by=focal, base_version=review.lock_version, sections=states.sections["base"],
        language="en", answer_forms=editor.answer_forms_for(review, states.answers["base"]),
    )  # fmt: skip
    if current_content(review) != states.expected("base", review):
        raise SystemExit("the draft does not hold the set-up content after saving it")
    return True


def the_review():
    """Kenya's draft in the opened first cycle, and its focal point."""
    import compile_report as cr
    from django.core.management import call_command

    from countries.models import Country
    from reviews import services

    call_command("migrate", verbosity=0, interactive=False)
    cycle = cr.the_cycle()
    country = Country.objects.get(iso3=COUNTRY)
    focal = cr.focal_point(country)
    review = services.start_review(country, cycle, by=focal)
    if not review.is_editable:
        raise SystemExit(f"{country.name}'s review is {review.status}, not a draft: drop the "
                         "bench database and run again")  # fmt: skip
    return fresh(review), focal


def setup() -> dict:
    from reviews.sections import BY_KEY, word_count

    started = time.perf_counter()
    review, focal = the_review()
    states = States(review)
    for state, sections in states.sections.items():
        for key, text in sections.items():
            if word_count(text) > BY_KEY[key].word_limit:
                raise SystemExit(f"{state} {key}: {word_count(text)} words, over the limit")
    saved = restore(review, states, focal)
    sections = states.sections["base"]
    return {
        "review": review.pk,
        "country": review.country.name,
        "cycle": review.cycle.name,
        "focal_point": focal.email,
        "restored": saved,
        "words": {k: [word_count(v), BY_KEY[k].word_limit] for k, v in sections.items()},
        "paragraphs": {k: len(v.split("\n\n")) for k, v in sections.items()},
        "indicators": len(states.indicators),
        "by_sex": sum(1 for i in states.indicators if i.by_sex),
        "edited_codes": states.edited_codes,
        "seconds": round(time.perf_counter() - started, 1),
    }


# --- Measuring -----------------------------------------------------------------------------


class Clock:
    """Wall time, this process's CPU time and the SQL queries of one block."""

    def __enter__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.queries = CaptureQueriesContext(connection)
        self.queries.__enter__()
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.queries.__exit__(*exc)
        self.count = len(self.queries.captured_queries)

    def result(self) -> dict:
        return {"seconds": self.wall, "cpu": self.cpu, "queries": self.count}


def export(review, focal) -> tuple[dict, bytes]:
    from reviews.word import imports

    review = fresh(review)
    with Clock() as clock:
        _export, data = imports.export_review(review, by=focal)
    return clock.result() | {"bytes": len(data)}, data


def import_through_views(client, review, data: bytes, expected: dict, changes: int) -> dict:
    """Upload, preview and accept as the focal point would; the draft must then hold
    `expected`, saved once."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import resolve, reverse

    version = fresh(review).lock_version
    upload = SimpleUploadedFile("review-KEN.docx", data, content_type=DOCX_TYPE)
    with Clock() as read:
        response = client.post(reverse("reviews:word_import", args=[review.pk]),
                               {"document": upload})  # fmt: skip
    if response.status_code != 302:
        errors = re.findall(r"invalid-feedback[^>]*>(.*?)<", response.content.decode(), re.S)
        raise SystemExit(f"upload answered {response.status_code}: {errors}")
    preview_url = response["Location"]
    with Clock() as shown:
        response = client.get(preview_url)
    page = response.content.decode()
    if response.status_code != 200:
        raise SystemExit(f"preview answered {response.status_code}")
    seen = re.search(r'name="version" value="(\d+)"', page)
    if page.count('data-change="') != changes:
        raise SystemExit(f"the preview shows {page.count('data-change=')} changes, not {changes}")
    if 'id="problems"' in page or 'id="conflicts"' in page:
        raise SystemExit("the preview lists problems or conflicts: the bench's data is wrong")
    doc = resolve(preview_url).kwargs["doc"]
    with Clock() as accepted:
        response = client.post(reverse("reviews:word_accept", args=[review.pk, doc]),
                               {"version": seen.group(1) if seen else ""})  # fmt: skip
    if response.status_code != 302 or response["Location"] != reverse("reviews:edit",
                                                                      args=[review.pk]):  # fmt: skip
        raise SystemExit(f"accept answered {response.status_code} {response.get('Location')}")
    after = fresh(review)
    if after.lock_version != version + 1:
        raise SystemExit(f"accept saved {after.lock_version - version} times, not once")
    if current_content(review) != expected:
        raise SystemExit("after the accept the draft does not hold what the document said")
    phases = {"upload": read.result(), "preview": shown.result(), "accept": accepted.result()}
    phases["total"] = {key: sum(p[key] for p in phases.values()) for key in phases["upload"]}
    return phases | {"bytes": len(data), "preview_html_bytes": len(page),
                     "changes": changes}  # fmt: skip


def one_round(client, review, focal, states: States) -> dict:
    from tests.support.word import edit, libreoffice_resave

    restore(review, states, focal)
    out: dict = {"export": []}

    timing, data = export(review, focal)
    out["export"].append(timing)
    expected = states.expected("base", review)
    out["untouched"] = import_through_views(client, review, data, expected, changes=0)

    timing, data = export(review, focal)
    out["export"].append(timing)
    started = time.perf_counter()
    saved = libreoffice_resave(data)
    out["libreoffice_seconds"] = time.perf_counter() - started
    key, codes = states.edited_section, states.edited_codes
    document = edit(saved, sections={states.numbers[key]: states.sections["edit"][key]},
                    answers=states.cells("edit", codes))  # fmt: skip
    out["libreoffice"] = import_through_views(
        client, review, document, states.expected("edit", review), changes=1 + len(codes)
    )

    timing, data = export(review, focal)
    out["export"].append(timing)
    sections = {states.numbers[k]: text for k, text in states.sections["new"].items()}
    codes = [i.code for i in states.indicators]
    document = edit(data, sections=sections, answers=states.cells("new", codes))
    out["everything"] = import_through_views(
        client, review, document, states.expected("new", review), changes=len(sections) + len(codes)
    )
    return out


def measure(rounds: int) -> dict:
    from django.test import Client

    review, focal = the_review()
    states = States(review)
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host without the test environment
    client.force_login(focal)
    results, warmup, load = [], {}, [loadavg()]
    for number in range(rounds + 1):
        started = time.perf_counter()
        result = one_round(client, review, focal, states)
        label = "warm-up" if number == 0 else f"round {number}/{rounds}"
        totals = ", ".join(f"{d} {result[d]['total']['seconds']:.2f} s" for d in DOCUMENTS)
        print(f"  {label}: {totals} ({time.perf_counter() - started:.0f} s with preparation)",
              flush=True)  # fmt: skip
        if number:
            results.append(result)
        else:
            warmup = result
    load.append(loadavg())
    restore(review, states, focal)
    return {"rounds": results, "warmup": warmup, "loadavg_before_after": load}


# --- Report --------------------------------------------------------------------------------


def spread(values: list[float]) -> dict:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def summary(measured: dict) -> dict:
    rounds = measured["rounds"]
    out: dict = {}
    exports = [e for r in rounds for e in r["export"]]
    out["export"] = {key: spread([e[key] for e in exports]) for key in ("seconds", "cpu",
                                                                      "queries", "bytes")}  # fmt: skip
    for document in DOCUMENTS:
        rows = [r[document] for r in rounds]
        out[document] = {
            phase: {key: spread([row[phase][key] for row in rows]) for key in ("seconds", "cpu",
                                                                              "queries")}
            for phase in PHASES
        }  # fmt: skip
        out[document]["bytes"] = spread([row["bytes"] for row in rows])
    out["libreoffice_seconds"] = spread([r["libreoffice_seconds"] for r in rounds])
    return out


def seconds(s: dict) -> str:
    return f"{s['min']:.2f} | {s['median']:.2f} | {s['max']:.2f}"


def queries(s: dict) -> str:
    low, high = int(s["min"]), int(s["max"])
    return str(low) if low == high else f"{low}–{high}"


def kib(s: dict) -> str:
    low, high = s["min"] / 1024, s["max"] / 1024
    return f"{low:.0f} KiB" if round(low) == round(high) else f"{low:.0f}–{high:.0f} KiB"


def write_results(data: dict) -> None:
    m, setup_r, total = data["machine"], data["setup"], data["summary"]
    words = setup_r["words"]
    word_total = sum(w for w, _limit in words.values())
    worst = max(total[d]["total"]["seconds"]["max"] for d in DOCUMENTS)
    worst_median = max(total[d]["total"]["seconds"]["median"] for d in DOCUMENTS)
    verdict = "met" if worst < TARGET_SECONDS else (
        "met at the median, not in every round" if worst_median < TARGET_SECONDS else "not met")  # fmt: skip
    rows = [total["export"], *(total[d][p] for d in DOCUMENTS for p in PHASES)]
    same = all(row["queries"]["min"] == row["queries"]["max"] for row in rows)
    steady = "the same in every round" if same else "not the same in every round (ranges)"
    lines = [
        SECTION_TITLE,
        "",
        f'Claim: "Import of a full review of 8 sections and 22 indicators takes under 2 s '
        f'(measured in `bench/`)." **{verdict.capitalize()}**: the slowest full import (upload '
        f"and read, preview, accept) took {worst:.2f} s in the slowest of {data['measured_rounds']} "
        f"rounds, {worst_median:.2f} s at the median of the slowest kind of document.",
        "",
        "### Machine and code",
        "",
        f"- {m['date']}, commit `{m['commit']}`"
        + (
            f" with {m['uncommitted']} uncommitted files outside `bench/` (the Word import was "
            "still in the work tree)"
            if m["uncommitted"]
            else ""
        )
        + ".",
        f"- `nproc` {m['nproc']}, {m['cpu']}; Python {m['python']}, Django "
        f"{m['versions']['django']}, python-docx {m['versions']['docx']}, PostgreSQL "
        f"{m['postgresql']} (the machine's server on 127.0.0.1:5432), {m['libreoffice']}.",
        f"- Load average (1, 5, 15 min) before the rounds {data['loadavg_before_after'][0]}, "
        f"after {data['loadavg_before_after'][1]}: the machine is shared (other work ran at the "
        "same time), so wall times include waiting for the CPU; the CPU column is this "
        "process's own time (the database server's is not in it).",
        f"- `DEBUG={m['debug']}` settings, in-process (Django's test client, no HTTP server), as "
        "the load bench's `profile` phase: templates and queries as in production, plus "
        "Django's query log.",
        "",
        "### Command",
        "",
        "```",
        f".venv/bin/python bench/import_word.py all --rounds {data['measured_rounds']}",
        "```",
        "",
        "### Data",
        "",
        f"{setup_r['country']}'s draft in the {setup_r['cycle']}, filled in through "
        f"`reviews.editor.save_draft` with the seeded vocabulary of `compile_report.py`: "
        f"{word_total:,} words in 8 sections ("
        + ", ".join(f"{w}/{limit}" for w, limit in words.values())
        + " words of each limit; "
        + f"{min(setup_r['paragraphs'].values())}–{max(setup_r['paragraphs'].values())} "
        f"paragraphs each), all {setup_r['indicators']} indicators answered ({setup_r['by_sex']} "
        "by sex, money with a currency, choices, yes/no, numbers), each with a reference year "
        "and a source, about half with a note.",
        "",
        "The documents, each exported afresh in every round (the portal refuses a document "
        "exported before the last import):",
        "",
        f"- **untouched**: the export as downloaded ({kib(total['untouched']['bytes'])}); the "
        'preview shows "No changes" and no button, the accept is posted anyway (it saves the '
        "draft once, changing nothing).",
        f"- **libreoffice**: the export opened and saved by LibreOffice Writer (headless, "
        f"{total['libreoffice_seconds']['median']:.1f} s, not timed), then with python-docx the "
        f"executive summary retyped (new paragraphs) and three answers ("
        + ", ".join(setup_r["edited_codes"])
        + f": by sex, a choice, a number or money) with their year, source and note "
        f"({kib(total['libreoffice']['bytes'])}).",
        f"- **everything**: all 8 sections retyped with other text of similar length (85–93 % "
        "of each limit) and "
        f"all {setup_r['indicators']} answers with other values "
        f"({kib(total['everything']['bytes'])}).",
        "",
        "### Results",
        "",
        f"{data['measured_rounds']} rounds after one warm-up round. Seconds of wall time (min | median "
        "| max), this process's CPU seconds (median), SQL queries per request.",
        "",
        "| Document | Phase | min s | median s | max s | CPU s (median) | Queries |",
        "|---|---|---|---|---|---|---|",
        f"| (export) | `export_review` (3 per round) | {seconds(total['export']['seconds'])} | "
        f"{total['export']['cpu']['median']:.2f} | {queries(total['export']['queries'])} |",
    ]
    for document in DOCUMENTS:
        for phase, label in PHASES.items():
            row = total[document][phase]
            name = f"**{document}** ({kib(total[document]['bytes'])})" if phase == "upload" else ""
            text = f"**{label}**" if phase == "total" else label
            lines.append(f"| {name} | {text} | {seconds(row['seconds'])} | "
                         f"{row['cpu']['median']:.2f} | {queries(row['queries'])} |")  # fmt: skip
    lines += [
        "",
        "### What the numbers mean",
        "",
        "- **upload + read** is the POST of the file to the import page until its redirect: "
        "the multipart upload, the checks of the file (macro-enabled or template documents, "
        "`core.uploads.validate_upload`: size, name, content sniffed), reading the document's XML (`reader.read`), checking the "
        "signed marker and the export it names, interpreting every section and answer cell and "
        "storing the `WordImport`.",
        "- **preview** is the page that shows what the document would change: the draft's "
        "content read again, compared with the export and the document, each answer checked "
        "by the editor's form, and a word-level diff for each change rendered.",
        "- **accept** is the POST that applies it: the row locks, the check that the export is "
        "still the latest, the preview computed again, one `editor.save_draft` (the "
        "history triggers record the changed rows) until the redirect to the editor "
        "(the editor page itself is not counted).",
        "- **in all** is the sum of the three for one document: what a person waits for "
        "between choosing the file and being back in the editor, less the browser and network, "
        "and less the time they spend reading the preview. After every accept the bench checks "
        "that the draft holds exactly what the document said and was saved once.",
        "- The export is not part of the import; it is shown because each round needs one per "
        "document.",
        f"- The query counts were {steady}. The upload and the preview make the "
        "same number whatever the document changes; the accept makes "
        f"{queries(total['untouched']['accept']['queries'])} when nothing changes and about two "
        "more per changed answer (its row read `FOR UPDATE`, then written; the history rows are "
        "written by database triggers, not by queries of their own), while the changed "
        "sections are one `UPDATE` of the review whatever their number or length.",
        f"- The maxima lie above the medians mainly because the machine was loaded (load average "
        f"{data['loadavg_before_after'][0].split()[0]} on {m['nproc']} cores at the start). The "
        "CPU column, this process's own work, is about half the wall time or less: the rest is "
        "the database server's work and waiting for a core. The warm-up round, the first "
        "requests of a fresh process (templates compiled, URLs and translations loaded), is "
        "not counted; its full imports took "
        + ", ".join(f"{d} {data['warmup'][d]['total']['seconds']:.2f} s" for d in DOCUMENTS)
        + ", the cost a newly started worker pays once.",
        "",
    ]
    import compile_report as cr

    cr.replace_section(SECTION_TITLE, lines)
    print(f"Wrote the section {SECTION_TITLE!r} of {RESULTS_MD.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("phase", nargs="?", default="all",
                        choices=["all", "setup", "measure", "report"])  # fmt: skip
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="measured rounds (default 10)")
    args = parser.parse_args()
    if args.phase == "report":
        write_results(json.loads(RESULT_JSON.read_text()))
        return
    configure()
    print("==> setup", flush=True)
    set_up = setup()
    print(json.dumps(set_up, indent=2))
    if args.phase == "setup":
        return
    info = machine()
    print(f"==> measure: 1 warm-up round and {args.rounds} rounds", flush=True)
    measured = measure(args.rounds)
    data = {"machine": info, "setup": set_up, "measured_rounds": args.rounds} | measured
    data["summary"] = summary(measured)
    RESULT_JSON.write_text(json.dumps(data, indent=2))
    print(f"Wrote {RESULT_JSON.relative_to(ROOT)}")
    if args.phase == "all":
        write_results(data)


if __name__ == "__main__":
    main()
