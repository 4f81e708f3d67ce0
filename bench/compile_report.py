"""Benchmark of the compiled Assembly report (reports/dossier.py) at full scale.

    .venv/bin/python bench/compile_report.py all        # build, then measure; writes RESULTS.md
    .venv/bin/python bench/compile_report.py spread     # the compile over worker nodes (issue 21)

Phases (each `all` runs in a fresh subprocess, so the peak memory reported is per phase):

    build      193 member states, each with an approved review: 8 narrative sections of
               realistic length, all 22 indicators answered, 2–4 good practices, 5–15
               municipalities. Idempotent: countries already approved are left alone.
    compile    the full compile: the chapter cache (rows and stored files) is emptied first,
               then reports.dossier.compile_report() draws every part.
    recompile  one review changes (reopened, edited, resubmitted, approved again through
               reviews.services), then compile_report() runs again on the warm cache.
               `all` runs it ROUNDS times (--round N), each a new change in a fresh process.
    single     one country review PDF (reports.pdf.render_review), for reference, and
               `pdfinfo` of that PDF and of the compiled report ("Tagged:").
    job        the same compile through the render-job path (jobs.request_compile + jobs.run,
               which stores a ReportFile), on the warm cache.
    report     writes bench/RESULTS.md from the phases' JSON results.
    workers    (spread) the full compile by 1, then 2 worker nodes (bench/compile_workers.py);
    rebuild    (spread) one change, then the compile by 1 node; 3 rounds;
    series     (spread) the join alone on the first 50, 100 and 193 chapters: its memory.

The bench has its own database (DATABASE_URL, default portal_bench on 127.0.0.1:5432, created
when missing) and its own storage root (PRIVATE_STORAGE_ROOT, default var/bench-storage).
Celery messages go to an in-memory broker that nothing reads: the bench calls the renderer
itself. Output PDFs and per-phase JSON go to var/bench/.
"""

import argparse
import datetime
import json
import os
import platform
import random
import resource
import runpy
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
SEED = 20261123
CHANGED_COUNTRY = "KEN"
ROUNDS = 3  # recompiles, each after a new change, each in a fresh process
TARGET_PEAK_MIB = 1.5 * 1024
TARGET_RATIO = 0.10


# --- Environment ---------------------------------------------------------------------------


def configure() -> None:
    """Bench database, storage and broker, then Django. Must run before any app import."""
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("PRIVATE_STORAGE_ROOT", str(ROOT / "var" / "bench-storage"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"  # queued messages go nowhere
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    runpy.run_path(str(ROOT / "scripts" / "ensure_database.py"))

    import django

    django.setup()
    from config.celery import app as celery_app

    celery_app.conf.task_always_eager = False

    OUT.mkdir(parents=True, exist_ok=True)


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def peak_rss_mib() -> float:
    """The peak resident set size of this process so far (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def loadavg() -> str:
    """The 1, 5 and 15-minute load averages (other processes on the machine count too)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def save_result(phase: str, data: dict) -> None:
    data = data | {"phase": phase, "peak_rss_mib_self": round(peak_rss_mib(), 1)}
    (OUT / f"{phase}.json").write_text(json.dumps(data, indent=2, default=str))
    print(json.dumps(data, indent=2, default=str))


def load_result(phase: str) -> dict:
    path = OUT / f"{phase}.json"
    return json.loads(path.read_text()) if path.exists() else {}


# --- Deterministic content -----------------------------------------------------------------

SYLLABLES = "ka ri mo na lu be ta so vi ne da go ra mi zu pe lo sa ti wa ku ba de no ha fi".split()
PROVINCES = ["Northern", "Southern", "Eastern", "Western", "Central", "Coastal", "Highland",
             "Lake", "River", "Capital"]  # fmt: skip
MINISTRIES = [
    "the Ministry of Urban Development", "the Ministry of the Interior",
    "the Ministry of Local Government", "the Ministry of Housing and Cities",
    "the National Crime Prevention Council", "the Ministry of Justice",
]  # fmt: skip
PARTNERS = [
    "UN-Habitat", "UNODC", "UN Women", "UNDP", "UNICEF", "the World Bank", "the national "
    "association of local authorities", "the national police", "the university's criminology "
    "department", "a network of women's organisations", "the chamber of commerce",
    "youth-led community groups", "faith-based organisations", "the national statistics office",
]  # fmt: skip
TOOLS = [
    "local safety audits", "women's safety audits", "victimisation surveys",
    "public space assessments", "the guide for local safety plans", "safety walks",
    "the city safety index", "participatory mapping of hotspots",
]  # fmt: skip
SOURCES = [
    "National Statistics Office, crime victimisation survey",
    "Ministry of Finance, approved budget",
    "National police, recorded crime statistics",
    "Ministry of Local Government, survey of municipalities",
    "National Tool Network, membership register",
    "UN Resident Coordinator's Office",
    "SDG national voluntary review",
]  # fmt: skip
CURRENCIES = ["USD", "EUR", "KES", "BRL", "INR", "ZAR", "MXN", "COP", "XOF", "PHP", "GBP", "JPY"]

SENTENCES = [
    "Urban safety has become a priority of {country}'s national development plan, which links crime prevention to inclusive urban growth and to the 2030 Agenda.",
    "Between {year} and {year2}, the population of {city} grew by about {pct} per cent, much of it in informal settlements at the edge of the city.",
    "Recorded crime in {city} fell by {pct} per cent over the period, although victimisation surveys suggest that many incidents are still not reported to the police.",
    "{ministry_cap} coordinates the national approach and chairs a committee that brings together line ministries, local authorities, the police and civil society.",
    "Local governments are responsible for street lighting, public spaces and markets, which makes them central actors in the prevention of crime and violence.",
    "In {city}, a local safety audit carried out with {partner} identified poorly lit transport interchanges and markets as the places where residents feel least safe.",
    "The national urban policy adopted in {year} contains a chapter on safer cities that sets out objectives for prevention, social cohesion and the governance of public space.",
    "Women and girls report harassment on public transport and in markets more often than men, and the government has made their safety in public spaces an explicit objective.",
    "Young people between 15 and 24 years of age are over-represented both among victims and among offenders, which is why youth participation is a thread running through the programme.",
    "A network of {n} municipalities now meets twice a year to exchange experience, review progress and agree on joint training for municipal staff.",
    "The municipality of {city} used {tool} to involve residents in setting priorities for the upgrading of two neighbourhoods.",
    "Data remain a weakness: police statistics are not disaggregated by sex or location in every province, and survey data are available only for the largest cities.",
    "With the support of {partner}, the national statistics office added questions on feelings of safety to the household survey of {year2}.",
    "The budget allocated to urban safety programmes increased in {year2}, but most of it is still spent by national agencies rather than transferred to local governments.",
    "Community policing pilots in {city} and {city2} have improved trust between residents and the police, according to the evaluation commissioned in {year2}.",
    "The guidelines have been translated and disseminated to all municipalities, and a short course for mayors and councillors was run in {year}.",
    "Public space upgrading in {city} combined new lighting, seating and vending areas with a programme of cultural events run by local associations.",
    "Coordination between sectors is improving, yet responsibilities for prevention are still spread across several ministries without a shared monitoring framework.",
    "Municipal safety plans are now required by law for cities above {n}0,000 inhabitants, and {pct} per cent of them have adopted one.",
    "The government intends to extend the National Tool Network to secondary cities, where growth is fastest and institutional capacity weakest.",
    "Civil society organisations played a decisive role in documenting violence against women in public spaces and in proposing practical responses.",
    "Schools in {city2} took part in a violence prevention programme that trained teachers, parents and pupils in conflict resolution.",
    "Turnover of staff in local governments after elections has slowed down implementation, as trained officials often leave their posts.",
    "The review process itself helped to bring together data held by different institutions for the first time.",
    "Support is requested to develop a national system of urban safety indicators that local governments can feed and use for their own planning.",
    "Peer exchanges with cities in the region, organised through the Global Network on Safer Cities, inspired the redesign of the bus terminal in {city}.",
    "The COVID-19 pandemic interrupted several activities in {year2}, but it also showed the importance of neighbourhood networks for the safety of vulnerable residents.",
    "An inter-ministerial working group drafted regulations on the safety of women in public transport, which were adopted in {year2}.",
    "Informal settlements in {city} lack basic services, and residents there face higher risks of burglary, assault and eviction.",
    "Next steps include the evaluation of the pilots, the adoption of a national action plan and the training of a further {n} municipal safety coordinators.",
    "The resources mobilised from {partner} complemented the national budget and allowed the programme to reach {n} additional neighbourhoods.",
    "A participatory budget process in {city2} allocated {pct} per cent of the investment budget to projects proposed by residents to improve safety.",
    "Monitoring relies on annual reports from the municipalities, which are consolidated by {ministry} and shared with the national network.",
    "Private security companies have grown rapidly, raising questions about regulation and about the unequal distribution of protection in the city.",
    "The lessons learned point to the value of starting small, measuring results and scaling up what works with the municipalities that are ready.",
    "Transport authorities agreed to integrate safety criteria into the design of new stations, beginning with the line that links {city} to {city2}.",
    "Training on gender-responsive planning reached {n} planners and engineers from municipalities across the country in {year}.",
    "Residents' associations in {city} run regular safety walks with municipal staff and report broken lights and abandoned buildings through a mobile application.",
    "Further technical assistance would help the country to align its crime statistics with the International Classification of Crime for Statistical Purposes.",
    "The country is ready to share its experience with {tool} with other member states and to host a regional exchange in {year3}.",
]
TITLES = [
    "Safe markets for women traders in {city}", "Youth safety councils in {city}",
    "Lighting and upgrading public spaces in {city}", "Community policing in {city}",
    "Safe routes to school in {city}", "Women's safety audits on public transport in {city}",
    "Violence prevention through sport in {city}", "A local safety observatory for {city}",
]  # fmt: skip
# Words aimed at per section (SECTIONS' limits: 800, 1500, 2000, 2000, 800, 1500, 1500, 1000).
WORDS = {
    "executive_summary": (450, 550),
    "national_context": (900, 1400),
    "measures": (1000, 1500),
    "local_implementation": (900, 1500),
    "good_practices": (250, 450),
    "difficulties": (600, 1200),
    "partnerships": (600, 1200),
    "support_requested": (600, 900),
}


class Writer:
    """Text for one country, the same on every run (seeded by the country's code)."""

    def __init__(self, country):
        self.country = country
        self.rng = random.Random(f"{SEED}-{country.iso3}")
        self.cities = sorted({self.place() for _i in range(20)})

    def place(self) -> str:
        rng = self.rng
        return "".join(rng.choice(SYLLABLES) for _i in range(rng.randint(2, 4))).capitalize()

    def sentence(self) -> str:
        rng = self.rng
        city, city2 = rng.sample(self.cities, 2)
        ministry = rng.choice(MINISTRIES)
        return rng.choice(SENTENCES).format(
            country=self.country.name, city=city, city2=city2, ministry=ministry,
            ministry_cap=ministry[0].upper() + ministry[1:], partner=rng.choice(PARTNERS),
            tool=rng.choice(TOOLS), year=rng.randint(2015, 2020), year2=rng.randint(2021, 2023),
            year3=rng.randint(2025, 2027), pct=rng.randint(3, 45), n=rng.randint(4, 40),
        )  # fmt: skip

    def text(self, low: int, high: int) -> str:
        """Paragraphs of 3–8 sentences, about `low`–`high` words in all (one sentence over at
        most: keep `high` a sentence below the section's limit)."""
        target = self.rng.randint(low, high)
        paragraphs, words = [], 0
        while words < target:
            paragraph = []
            for _i in range(self.rng.randint(3, 8)):
                sentence = self.sentence()
                paragraph.append(sentence)
                words += len(sentence.split())
                if words >= target:
                    break
            paragraphs.append(" ".join(paragraph))
        return "\n\n".join(paragraphs)

    def sections(self) -> dict[str, str]:
        return {key: self.text(*bounds) for key, bounds in WORDS.items()}

    def practices(self) -> list[dict]:
        rng = self.rng
        out = []
        for title in rng.sample(TITLES, rng.randint(2, 4)):
            city = rng.choice(self.cities)
            start = rng.randint(2016, 2022)
            out.append({
                "title": title.format(city=city), "city": city,
                "period": f"{start}–{min(start + rng.randint(1, 4), 2024)}",
                "description": self.text(150, 260),
                "results": " ".join(self.sentence() for _i in range(2)),
                "partners": ", ".join(rng.sample(PARTNERS, 3)),
                "tools_used": ", ".join(rng.sample(TOOLS, 2)),
            })  # fmt: skip
        return out

    def municipalities(self) -> list[dict]:
        rng = self.rng
        return [
            {
                "name": name, "province": rng.choice(PROVINCES),
                "population": rng.randint(20_000, 4_000_000),
                "joined_on": datetime.date(rng.randint(2019, 2024), rng.randint(1, 12), 1),
                "has_safety_strategy": rng.random() < 0.6,
            }
            for name in rng.sample(self.cities, rng.randint(5, 15))
        ]  # fmt: skip

    def answer(self, indicator, options: list[str]) -> dict:
        """Form data for one indicator: a valid value of its type, with year and source."""
        from indicators.models import IndicatorType as T

        rng = self.rng

        def value():
            kind = indicator.type
            if kind == T.SINGLE_CHOICE:
                return rng.choice(options)
            if kind == T.YES_NO:
                return rng.choice(["yes", "yes", "no"])
            if kind == T.WHOLE_NUMBER:
                return str(rng.randint(0, 60))
            if kind == T.DECIMAL:
                return f"{rng.uniform(0.3, 35):.1f}"
            if kind == T.PERCENTAGE:
                return f"{rng.uniform(4, 95):.1f}"
            if kind == T.MONEY:
                return f"{rng.randint(50, 90_000) * 1000}.00"
            if kind == T.YEAR:
                return str(rng.randint(2010, 2023))
            return self.sentence()  # free text

        data = {
            "reference_year": str(rng.choice([2021, 2022, 2023])),
            "source": rng.choice(SOURCES),
            "note": self.sentence() if rng.random() < 0.5 else "",
        }
        if indicator.by_sex:
            female, male = value(), value()
            if indicator.type == T.WHOLE_NUMBER:
                total = str(int(female) + int(male))
            else:  # rates and shares: the total lies between the two
                total = f"{(float(female) + float(male)) / 2:.1f}"
            data |= {"value_female": female, "value_male": male, "value_total": total}
        else:
            data["value"] = value()
        if indicator.type == T.MONEY:
            data["currency"] = rng.choice(CURRENCIES)
        return data


def answer_forms(review, writer: Writer) -> list:
    """One valid AnswerForm per indicator of the matrix (as tests/support/reviews.py does)."""
    from indicators.answers import AnswerForm
    from reviews import editor

    forms = []
    for indicator in editor.matrix_indicators(review):
        options = [(o.value, o.label) for o in indicator.options.all()]
        prefix = f"ind-{indicator.pk}"
        data = writer.answer(indicator, [value for value, _label in options])
        form = AnswerForm(
            indicator,
            {f"{prefix}-{k}": v for k, v in data.items()},
            prefix=prefix,
            options=options,
            require=False,
        )
        if not form.is_valid():
            raise SystemExit(f"{indicator.code}: {dict(form.errors)} for {data}")
        forms.append(form)
    return forms


# --- Users and the cycle -------------------------------------------------------------------


def user(email: str, name: str, role: str):
    from django.contrib.auth.models import Group

    from accounts.models import User

    person = User.objects.filter(email=email).first()
    if person is None:
        person = User.objects.create_user(email=email, name=name)  # no usable password
        person.groups.add(Group.objects.get(name=role))
    return person


def secretariat():
    from accounts.roles import Role

    admin = user("bench.admin@unhabitat.example", "Bench Admin", Role.ADMIN)
    reviewer = user("bench.reviewer@unhabitat.example", "Bench Reviewer", Role.REVIEWER)
    return admin, reviewer


def focal_point(country):
    from accounts.roles import Role
    from countries.models import FocalPoint

    person = user(f"focal.{country.iso3.lower()}@bench.example", f"Focal point of {country.name}",
                  Role.FOCAL_POINT)  # fmt: skip
    if not FocalPoint.objects.filter(user=person, is_active=True).exists():
        FocalPoint.objects.create(
            user=person, country=country, kind="primary",
            institution="Ministry of Urban Development", designated_on=datetime.date(2025, 1, 15),
        )  # fmt: skip
    return person


def the_cycle():
    from indicators import services as cycle_services
    from indicators.models import CycleStatus, ReviewCycle

    cycle = ReviewCycle.objects.get(name="2021–2023 review cycle")
    if cycle.status == CycleStatus.PLANNING:
        admin, _reviewer = secretariat()
        cycle = cycle_services.open_cycle(cycle, by=admin)
    return cycle


# --- Phases --------------------------------------------------------------------------------


def build() -> dict:
    """193 approved reviews, through the services the editor and the secretariat use."""
    from django.db import transaction

    from countries.models import Country, Municipality
    from reviews import editor, evidence, services
    from reviews.models import Review, ReviewStatus

    started = time.perf_counter()
    migrate()
    cycle = the_cycle()
    _admin, reviewer = secretariat()
    countries = list(Country.objects.filter(is_member_state=True).order_by("name"))
    made = 0
    for number, country in enumerate(countries, 1):
        review = Review.objects.filter(country=country, cycle=cycle).first()
        if review and review.status in (ReviewStatus.APPROVED, ReviewStatus.PUBLISHED):
            continue
        writer = Writer(country)
        focal = focal_point(country)
        with transaction.atomic():
            review = services.start_review(country, cycle, by=focal)
            if review.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
                sections = writer.sections()
                practices = writer.practices()
                towns = writer.municipalities()
                review = editor.save_draft(
                    review, by=focal, base_version=review.lock_version, sections=sections,
                    answer_forms=answer_forms(review, writer),
                )  # fmt: skip
                review.practices.all().delete()
                for fields in practices:
                    evidence.add_practice(review, fields=fields, by=focal)
                for town in towns:
                    Municipality.objects.get_or_create(
                        country=country, name=town["name"], province=town["province"],
                        defaults=town,
                    )  # fmt: skip
                review = services.submit_review(review, by=focal)
            services.approve_review(review, by=reviewer)
        made += 1
        if made % 10 == 0 or number == len(countries):
            print(f"  {number}/{len(countries)} {country.name} ({time.perf_counter() - started:.0f} s)",
                  flush=True)  # fmt: skip
    return {"made": made, "seconds": round(time.perf_counter() - started, 1)} | census(cycle)


def census(cycle) -> dict:
    """What the cycle holds: reviews, words, answers, practices and municipalities."""
    from reports import pdf
    from reviews.models import Review, ReviewStatus
    from reviews.sections import word_count

    reviews = Review.objects.filter(cycle=cycle, status=ReviewStatus.APPROVED)
    words, answers, practices, towns, indicators = [], [], [], [], set()
    for review in reviews.select_related("country"):
        content = pdf.latest_snapshot(review).content
        words.append(sum(word_count(t) for t in content["sections"].values()))
        answers.append(sum(1 for a in content["answers"].values() if not a["not_available"]))
        indicators.update(content["answers"])
        practices.append(len(content["practices"]))
        towns.append(len(content["municipalities"]))

    def spread(values):
        return {"min": min(values), "mean": round(sum(values) / len(values)), "max": max(values)}

    return {
        "approved_reviews": len(words),
        "indicators_in_matrix": _indicator_count(cycle),
        "indicators_answered": len(indicators),
        "words_per_review": spread(words),
        "answers_per_review": spread(answers),
        "practices_per_review": spread(practices),
        "municipalities_per_review": spread(towns),
    }  # fmt: skip


def _indicator_count(cycle) -> int:
    from indicators.models import Indicator

    return Indicator.objects.filter(matrix=cycle.matrix).count()


class Timers:
    """Wall time inside the parts of compile_report, by wrapping (not changing) its functions.

    WeasyPrint calls (pdf.render_html) are attributed to the part that made them; those made
    outside every part listed are the front matter (and, on a cold cache, the annex).
    """

    FRONT = "WeasyPrint: front matter and annex"

    def __init__(self):
        from reports import dossier, pdf

        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.rss: dict[str, float] = {}
        self.active: list[str] = []
        self.order: list[str] = []
        self.wrap(dossier, "approved_documents", "approved_documents (queries, snapshots)")
        self.wrap(dossier, "participation", "front: participation table and chart")
        self.wrap(dossier, "synthesis", "front: synthesis tables and charts")
        self.order.append(self.FRONT)
        self.wrap(pdf, "render_review", "chapters: render_review")
        self.wrap(dossier, "contents_cover", "cover and contents: contents_cover")
        self.wrap(dossier, "merge", "join: reports/linker.py (folio sheets drawn when not cached)")
        self.wrap(pdf, "render_html", None)

    @staticmethod
    def nested(owner: str) -> str:
        return f"{owner} › of which WeasyPrint (render_html)"

    def wrap(self, module, name: str, label: str | None) -> None:
        original = getattr(module, name)
        if label:
            self.order += [label, self.nested(label)]

        def timed(*args, **kwargs):
            if label:
                key = label
                self.active.append(label)
            else:
                key = self.nested(self.active[-1]) if self.active else self.FRONT
            if name == "merge":
                self.rss["before merge"] = round(rss_mib(), 1)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - started
                self.calls[key] = self.calls.get(key, 0) + 1
                if label:
                    self.active.pop()
                if name == "merge":
                    self.rss["after merge"] = round(rss_mib(), 1)
                    self.rss["peak so far"] = round(peak_rss_mib(), 1)

        setattr(module, name, timed)

    def report(self, wall: float) -> dict:
        out = {
            label: {"seconds": round(self.seconds[label], 2), "calls": self.calls[label]}
            for label in self.order
            if label in self.seconds
        }
        top = sum(s for label, s in self.seconds.items() if " › " not in label)
        out["everything else (cache reads and hashing, queries, templates)"] = {
            "seconds": round(wall - top, 2),
            "calls": 1,
        }
        return out


def run_compile(cycle, tag: str, version: int) -> dict:
    """compile_report() on the cycle, timed and measured; the PDF goes to var/bench/."""
    import pikepdf
    from django.db import connection

    from reports import dossier

    timers = Timers()
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    rss_before = rss_mib()
    load_before = loadavg()
    cpu = time.process_time()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        rendered, stats = dossier.compile_report(
            cycle, language="en", version=version, built_by="bench"
        )
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    path = OUT / f"dossier-{tag}.pdf"
    path.write_bytes(rendered.pdf)
    with pikepdf.open(path) as check:
        pages = len(check.pages)
    return {
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "loadavg_before": load_before,
        "loadavg_after": loadavg(),
        "stats_seconds": stats.seconds,
        "chapters": stats.chapters,
        "rendered": stats.rendered,
        "reused": stats.reused,
        "pages": rendered.pages,
        "pages_checked_with_pikepdf": pages,
        "bytes": len(rendered.pdf),
        "queries": queries[0],
        "pdf": str(path.relative_to(ROOT)),
        "rss_before_compile_mib": round(rss_before, 1),
        "breakdown": timers.report(wall),
        "rss_around_merge_mib": timers.rss,
    }


def clear_cache() -> dict:
    """Empty the chapter cache: its rows and its stored files (chapters, annex, folio sheets)."""
    from django.core.files.storage import default_storage

    from reports.models import ChapterCache

    rows, _by_model = ChapterCache.objects.all().delete()
    files = 0
    for name in ("chapters", "links"):  # the parts, and the parts made linkable
        folder = Path(default_storage.location) / name
        files += len(list(folder.glob("*"))) if folder.exists() else 0
        shutil.rmtree(folder, ignore_errors=True)
    return {"cache_rows_deleted": rows, "cache_files_deleted": files}


def compile_phase(_round: int) -> dict:
    migrate()
    cycle = the_cycle()
    cleared = clear_cache()
    return cleared | run_compile(cycle, "full", version=1)


def change_one_review(cycle) -> dict:
    """Reopen one approved review, change its text, resubmit it and approve it again."""
    from countries.models import Country
    from reports import pdf
    from reviews import editor, services
    from reviews.models import Review

    admin, reviewer = secretariat()
    country = Country.objects.get(iso3=CHANGED_COUNTRY)
    focal = focal_point(country)
    review = Review.objects.get(country=country, cycle=cycle)
    before = pdf.latest_snapshot(review).version
    started = time.perf_counter()
    review = services.reopen_review(review, by=admin, reason="Benchmark: one review changes.")
    summary = Writer(country).sections()["executive_summary"]
    summary += (
        f"\n\nRevision {before + 1}: the figures of the executive summary were updated after"
        " the secretariat's comments, and the latest survey results were added."
    )
    review = editor.save_draft(
        review, by=focal, base_version=review.lock_version,
        sections={"executive_summary": summary},
    )  # fmt: skip
    review = services.submit_review(review, by=focal)
    services.approve_review(review, by=reviewer)
    return {
        "changed_country": country.name,
        "snapshot_version": [before, pdf.latest_snapshot(review).version],
        "workflow_seconds": round(time.perf_counter() - started, 2),
    }


def recompile_phase(round_: int) -> dict:
    migrate()
    cycle = the_cycle()
    changed = change_one_review(cycle)
    return changed | run_compile(cycle, f"recompile-{round_}", version=1 + round_)


def pdfinfo(path: Path) -> dict:
    try:
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        return {"error": str(error)}
    fields = {}
    for line in out.stdout.splitlines():
        key, _sep, value = line.partition(":")
        if key in ("Tagged", "Pages", "PDF version", "File size", "Title"):
            fields[key] = value.strip()
    return fields


def struct_tree(path: Path) -> dict:
    """Whether the PDF has /MarkInfo /Marked and a /StructTreeRoot, read with pikepdf."""
    import pikepdf

    with pikepdf.open(path) as document:
        mark = document.Root.get("/MarkInfo")
        return {
            "MarkInfo.Marked": bool(mark and mark.get("/Marked")),
            "StructTreeRoot": "/StructTreeRoot" in document.Root,
        }


def single_phase(_round: int) -> dict:
    """One country review PDF (the final one, as the worker draws it), and the tags."""
    from countries.models import Country
    from reports import pdf
    from reviews.models import Review

    migrate()
    cycle = the_cycle()
    review = Review.objects.get(country=Country.objects.get(iso3=CHANGED_COUNTRY), cycle=cycle)
    document = pdf.review_document(review, pdf.latest_snapshot(review), draft=False)
    started = time.perf_counter()
    rendered = pdf.render_review(document)
    wall = time.perf_counter() - started
    started = time.perf_counter()
    chapter = pdf.render_review(document, chapter=True)
    chapter_wall = time.perf_counter() - started
    path = OUT / f"review-{CHANGED_COUNTRY}.pdf"
    path.write_bytes(rendered.pdf)
    chapter_path = OUT / f"chapter-{CHANGED_COUNTRY}.pdf"
    chapter_path.write_bytes(chapter.pdf)
    tags = {}
    for name in ("dossier-full.pdf", "dossier-recompile-1.pdf"):
        if (OUT / name).exists():
            tags[name] = pdfinfo(OUT / name) | struct_tree(OUT / name)
    tags[path.name] = pdfinfo(path) | struct_tree(path)
    tags[chapter_path.name] = pdfinfo(chapter_path) | struct_tree(chapter_path)
    return {
        "country": review.country.name,
        "review_pdf_seconds": round(wall, 2),
        "review_pdf_pages": rendered.pages,
        "review_pdf_bytes": len(rendered.pdf),
        "chapter_pdf_seconds": round(chapter_wall, 2),
        "chapter_pdf_pages": chapter.pages,
        "pdfinfo": tags,
    }


def job_phase(_round: int) -> dict:
    """The compile through the render-job path on the warm cache (stores a ReportFile)."""
    from reports import jobs
    from reports.models import RenderJob, ReportFile

    migrate()
    cycle = the_cycle()
    admin, _reviewer = secretariat()
    job = jobs.request_compile(cycle, by=admin)  # delay 0: due now
    cpu = time.process_time()
    started = time.perf_counter()
    outcome = jobs.run(job.pk)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    job = RenderJob.objects.get(pk=job.pk)
    report = ReportFile.objects.filter(job=job).first()
    return {
        "outcome": outcome,
        "job_status": job.status,
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "job_stats": job.stats,
        "error": job.error[:500],
        "report_pages": report and report.pages,
        "report_bytes": report and report.bytes,
        "report_number": report and report.number,
    }


# --- The driver ----------------------------------------------------------------------------


def workers_phase(_round: int) -> dict:
    """The full compile by 1 worker node, then by 2, each on an empty cache (issue 21)."""
    import compile_workers

    migrate()
    cycle = the_cycle()
    clear_cache()
    one = compile_workers.compile_with(cycle, 1, "workers-1")
    clear_cache()
    two = compile_workers.compile_with(cycle, 2, "workers-2")
    return {"one": one, "two": two, "ratio": round(two["wall_seconds"] / one["wall_seconds"], 3),
            "projection": compile_workers.projection(one), "loadavg": loadavg()}  # fmt: skip


def rebuild_phase(round_: int) -> dict:
    """One review changes; the compile again, by 1 worker node, on the warm cache."""
    import compile_workers

    migrate()
    cycle = the_cycle()
    changed = change_one_review(cycle)
    result = compile_workers.compile_with(cycle, 1, f"rebuild-{round_}")
    full = load_result("workers")["one"]["wall_seconds"]
    return changed | result | {"ratio": round(result["wall_seconds"] / full, 4)}


def series_phase(size: int) -> dict:
    """The join of the first `size` chapters (drawn before: from the cache), in this process:
    its peak memory, which should not grow with the number of reviews."""
    from django.utils import timezone

    from reports import dossier

    cycle = the_cycle()
    planned = dossier.plan(cycle, "en")
    chapters = [p for p in planned.parts if p.kind == "chapter"][:size]
    parts = [planned.parts[0], *chapters, *(p for p in planned.parts if p.kind == "annex")]
    stats = dossier.CompileStats()
    body = [dossier.draw(cycle, "en", part, stats) for part in parts]
    before = peak_rss_mib()
    started = time.perf_counter()
    joined = dossier.join(cycle, "en", body, chapters=len(chapters), version=1, built_by="bench",
                          started=timezone.now())  # fmt: skip
    return {"reviews": len(chapters), "join_seconds": round(time.perf_counter() - started, 2),
            "pages": joined.pages, "bytes": joined.size,
            "peak_rss_before_join_mib": round(before, 1),
            "peak_rss_mib": round(peak_rss_mib(), 1)}  # fmt: skip


WORK = {
    "workers": workers_phase,
    "rebuild": rebuild_phase,
    "series": series_phase,
    "build": lambda _round: build(),
    "compile": compile_phase,
    "recompile": recompile_phase,
    "single": single_phase,
    "job": job_phase,
}


def result_name(phase: str, round_: int) -> str:
    if phase in ("recompile", "rebuild", "series"):
        return f"{phase}-{round_}"
    return phase


def run_phase(phase: str, round_: int = 1) -> dict:
    """`phase` in a fresh interpreter; its peak RSS from the kernel's accounting (wait4)."""
    name = result_name(phase, round_)
    print(f"==> {name}", flush=True)
    started = time.perf_counter()
    command = [sys.executable, str(Path(__file__).resolve()), phase, "--round", str(round_)]
    child = subprocess.Popen(command, cwd=ROOT)
    _pid, status, usage = os.wait4(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if code:
        raise SystemExit(f"phase {name} failed with exit code {code}")
    result = load_result(name)
    result["process"] = {
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),  # ru_maxrss is in KiB on Linux
        "wall_seconds_incl_startup": round(wall, 1),
        "user_cpu_seconds": round(usage.ru_utime, 1),
        "system_cpu_seconds": round(usage.ru_stime, 1),
    }
    (OUT / f"{name}.json").write_text(json.dumps(result, indent=2, default=str))
    return result


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return ""


def replace_section(title: str, lines: list[str]) -> None:
    """Write `lines` (the section, its title first) in place of the section `title` of
    RESULTS.md, or at its end; the other benches' sections stay where they are."""
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else ""
    head, _found, rest = text.partition(title)
    after = rest[rest.index("\n## ") :] if "\n## " in rest else ""
    RESULTS_MD.write_text(head.rstrip("\n") + "\n\n" + "\n".join(lines).rstrip("\n") + "\n"
                          + after)  # fmt: skip


def machine() -> dict:
    cpu = cpu_model()
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = f"{line.split('=', 1)[1].strip(chr(34))} (kernel {platform.release()})"
    versions = {}
    for module in ("django", "weasyprint", "pikepdf", "pydyf"):
        try:
            versions[module] = __import__(module).__version__
        except (ImportError, AttributeError):
            versions[module] = "?"
    versions["qpdf"] = getattr(__import__("pikepdf"), "__libqpdf_version__", "?")

    def run(*command) -> str:
        try:
            return subprocess.run(command, cwd=ROOT, capture_output=True, text=True).stdout
        except OSError:
            return ""

    changed = [line[3:] for line in run("git", "status", "--porcelain").splitlines()]
    return {
        "date": now(),
        "commit": run("git", "log", "-1", "--format=%h %s").strip(),
        "uncommitted": sorted(p for p in changed if p and not p.startswith("bench/")),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "os": os_name,
        "python": platform.python_version(),
        "versions": versions,
        "postgresql": run("psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "show server_version").strip()
        or "?",
        "loadavg": loadavg(),
    }  # fmt: skip


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def mib(value) -> str:
    return f"{value:,.0f} MiB ({value / 1024:.2f} GiB)"


def median(values: list[float]) -> float:
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def write_results() -> None:
    """bench/RESULTS.md from var/bench/*.json (numbers measured by the phases above)."""
    build_r, full = load_result("build"), load_result("compile")
    rounds = [load_result(f"recompile-{n}") for n in range(1, ROUNDS + 1)]
    rounds = [r for r in rounds if r]
    again = rounds[0]
    single, job = load_result("single"), load_result("job")
    info, info_end = load_result("machine") or machine(), load_result("machine-end")
    peak = full["process"]["peak_rss_mib"]
    ratio = again["wall_seconds"] / full["wall_seconds"]
    ratio_median = median([r["wall_seconds"] for r in rounds]) / full["wall_seconds"]
    cpu_ratio = again["cpu_seconds"] / full["cpu_seconds"]
    peak_ok = peak < TARGET_PEAK_MIB
    ratio_ok = ratio <= TARGET_RATIO and ratio_median <= TARGET_RATIO
    reuse_ok = all(r["rendered"] == 1 and r["reused"] == r["chapters"] - 1 for r in rounds)
    same_code = not info_end or (
        info_end["commit"] == info["commit"] and info_end["uncommitted"] == info["uncommitted"]
    )
    v = info["versions"]
    lines = [
        "# Benchmark: the compiled Assembly report at 193 reviews",
        "",
        f"Measured on {info['date']} by `bench/compile_report.py` (see `bench/README.md`). "
        "Every number below was measured by that run; none is estimated.",
        "",
        "## Machine and code",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores; RAM: {info['ram_gib']} GiB",
        f"- OS: {info['os']}",
        f"- Python {info['python']}, Django {v['django']}, WeasyPrint {v['weasyprint']} "
        f"(pydyf {v['pydyf']}), pikepdf {v['pikepdf']} (qpdf {v['qpdf']}), "
        f"PostgreSQL {info['postgresql']} on 127.0.0.1:5432",
        f"- Code: commit `{info['commit']}`"
        + (
            f", with uncommitted changes to {', '.join(info['uncommitted'])}"
            if info["uncommitted"]
            else ""
        )
        + ("" if same_code else " — **the code changed during the run** (see machine-end.json)"),
        f"- The machine was shared: load average {info['loadavg']} when the run started, "
        f"{full['loadavg_before']} → {full['loadavg_after']} around the full compile. Wall "
        "times include waiting for the CPU; the CPU times of the process are given too.",
        "",
        "## Command",
        "",
        "```",
        ".venv/bin/python bench/compile_report.py all",
        "```",
        "",
        "Each phase runs in a fresh Python process. Peak memory is that process's peak resident "
        "set size (`ru_maxrss` from `wait4`, the kernel's VmHWM): Django, the database "
        "connection and everything the compile holds. Times are wall-clock around "
        "`reports.dossier.compile_report()`, called directly in the process (not through "
        "Celery; the job path is measured separately below).",
        "",
        "## Data",
        "",
        f"- {build_r['approved_reviews']} approved reviews (every UN member state) in one open "
        f"cycle; matrix of {build_r['indicators_in_matrix']} indicators, every one answered "
        f"with a value in every review ({build_r['answers_per_review']['min']}–"
        f"{build_r['answers_per_review']['max']} answers per review): choices, yes/no, whole "
        "numbers, decimals and percentages (female / male / total for the by-sex ones), money "
        "with a currency; each with a reference year and a source.",
        f"- Narrative: 8 sections of several paragraphs, {build_r['words_per_review']['min']:,}–"
        f"{build_r['words_per_review']['max']:,} words per review (mean "
        f"{build_r['words_per_review']['mean']:,}), each section under its word limit; "
        "generated deterministically from a vocabulary of urban-safety sentences.",
        f"- {build_r['practices_per_review']['min']}–{build_r['practices_per_review']['max']} good "
        f"practices per review; {build_r['municipalities_per_review']['min']}–"
        f"{build_r['municipalities_per_review']['max']} municipalities per country. No evidence "
        "attachments (no images in the chapters).",
        f"- Built through `reviews.services` (start, save_draft with AnswerForms, "
        f"evidence.add_practice, submit, approve) in {build_r['seconds']} s "
        f"({build_r['made']} reviews made by that run).",
        "",
        "## Results",
        "",
        "| Measure | Full compile (empty cache) | Recompile (one review changed) |",
        "|---|---|---|",
        f"| Wall time | **{full['wall_seconds']} s** | **{again['wall_seconds']} s** |",
        f"| CPU time in compile_report | {full['cpu_seconds']} s | {again['cpu_seconds']} s |",
        f"| Chapters rendered / reused | {full['rendered']} / {full['reused']} | "
        f"{again['rendered']} / {again['reused']} |",
        f"| Pages | {full['pages']:,} | {again['pages']:,} |",
        f"| Size | {full['bytes'] / 1024 / 1024:,.1f} MiB | {again['bytes'] / 1024 / 1024:,.1f} MiB |",
        f"| Database queries | {full['queries']:,} | {again['queries']:,} |",
        f"| Peak RSS of the process | **{mib(peak)}** | {mib(again['process']['peak_rss_mib'])} |",
        "",
        f"Recompile / full compile, wall time: **{ratio:.1%}**; CPU time: {cpu_ratio:.1%}.",
        "",
        f"The recompile changed {again['changed_country']}'s review (reopened by a secretariat "
        "admin, executive summary edited with save_draft, resubmitted and approved again: a new "
        f"snapshot, version {again['snapshot_version'][0]} → {again['snapshot_version'][1]}; "
        f"the workflow took {again['workflow_seconds']} s, not counted above). It was repeated "
        f"{len(rounds)} times, each in a fresh process with a new change, to show the spread on "
        "this shared machine:",
        "",
        "| Round | Wall | CPU | Rendered / reused | Peak RSS | Load average before |",
        "|---|---|---|---|---|---|",
    ]
    for n, r in enumerate(rounds, 1):
        lines.append(
            f"| {n} | {r['wall_seconds']} s ({r['wall_seconds'] / full['wall_seconds']:.1%}) | "
            f"{r['cpu_seconds']} s | {r['rendered']} / {r['reused']} | "
            f"{mib(r['process']['peak_rss_mib'])} | {r['loadavg_before']} |"
        )
    lines += [
        "",
        f"Median of the rounds: {ratio_median:.1%} of the full compile.",
        "",
        "### Targets",
        "",
        "| Target | Measured | Result |",
        "|---|---|---|",
        f"| Peak memory of the compile process < 1.5 GiB | {mib(peak)} | "
        f"{'PASS' if peak_ok else 'FAIL'} |",
        f"| One-change recompile ≤ 10% of the full compile | {ratio:.1%} "
        f"({again['wall_seconds']} s / {full['wall_seconds']} s); median of {len(rounds)} "
        f"rounds {ratio_median:.1%} | {'PASS' if ratio_ok else 'FAIL'} |",
        f"| Recompile renders 1 chapter and reuses {again['chapters'] - 1} | "
        + ", ".join(f"{r['rendered']} / {r['reused']}" for r in rounds)
        + f" | {'PASS' if reuse_ok else 'FAIL'} |",
        "",
        "### Where the time goes",
        "",
        "Wall time inside the parts of `compile_report`, measured by wrapping its functions "
        "from the bench (the app code is unchanged). Indented rows are part of the row above "
        "them; a part that did not run in a compile shows 0 (0).",
        "",
        "| Part | Full: seconds (calls) | Recompile round 1: seconds (calls) |",
        "|---|---|---|",
    ]
    labels = list(full["breakdown"])
    labels += [label for label in again["breakdown"] if label not in labels]
    for label in labels:
        a = full["breakdown"].get(label, {"seconds": 0, "calls": 0})
        b = again["breakdown"].get(label, {"seconds": 0, "calls": 0})
        name = f"&nbsp;&nbsp;&nbsp;&nbsp;{label.split(' › ')[1]}" if " › " in label else label
        lines.append(f"| {name} | {a['seconds']} ({a['calls']}) | {b['seconds']} ({b['calls']}) |")
    lines += [
        "",
        f"Resident memory (MiB) around the merge — full compile: {full['rss_around_merge_mib']}; "
        f"recompile: {again['rss_around_merge_mib']}. The peak is reached in the merge.",
        "",
        "### For reference",
        "",
        f"- One country review PDF ({single['country']}, `reports.pdf.render_review`, final "
        f"version, tagged PDF/UA-1): {single['review_pdf_seconds']} s, "
        f"{single['review_pdf_pages']} pages, {single['review_pdf_bytes'] / 1024:,.0f} KiB; the "
        f"same review drawn as a dossier chapter: {single['chapter_pdf_seconds']} s, "
        f"{single['chapter_pdf_pages']} pages. Process peak RSS "
        f"{mib(single['process']['peak_rss_mib'])}.",
        f"- The compile through the render-job path (`jobs.request_compile` then `jobs.run`, "
        f"which also stores the PDF as a ReportFile), warm cache, nothing changed: "
        f"{job['wall_seconds']} s wall, {job['cpu_seconds']} s CPU, outcome `{job['outcome']}`, "
        f"job stats {job['job_stats']}, {job['report_pages']:,} pages; process peak RSS "
        f"{mib(job['process']['peak_rss_mib'])}.",
        "",
        "## Tags: the compiled dossier stays a tagged PDF",
        "",
        "Each part of the dossier (cover and contents, front matter, one chapter per review, "
        "annex) is drawn as its own tagged PDF and cached by content, so that one changed review "
        "re-renders one chapter. `dossier.merge` joins the parts with pikepdf and joins their "
        "structure trees too (`dossier._Structure`): each part's Document element becomes a Part "
        "of the dossier's Document, its parent-tree keys and the pages' `/StructParents` are "
        "renumbered after the parts before it, and the page numbers laid over each page are "
        "marked as artifacts. So chapter reuse and tags hold together; the SPEC's fallback "
        "(reuse wins, tags lost) was not needed. No PDF/UA validator (veraPDF) runs here: the "
        "dossier is tagged and carries its language and title, but it does not claim PDF/UA "
        "conformance; each country review PDF is written as PDF/UA-1 by WeasyPrint.",
        "",
        "What `pdfinfo` (poppler) and pikepdf reported on the files of this run:",
        "",
        "| File | pdfinfo `Tagged:` | /MarkInfo /Marked | /StructTreeRoot | Pages |",
        "|---|---|---|---|---|",
    ]
    for name, fields in single["pdfinfo"].items():
        lines.append(
            f"| {name} | {fields.get('Tagged', '?')} | {fields.get('MarkInfo.Marked')} | "
            f"{fields.get('StructTreeRoot')} | {fields.get('Pages', '?')} |"
        )
    lines.append("")
    RESULTS_MD.write_text("\n".join(lines))
    print(f"Wrote {RESULTS_MD.relative_to(ROOT)}")


def write_workers_section() -> None:
    """The section "The compile spread over workers" of RESULTS.md, from the phases workers,
    rebuild-1…3 and series-50/100/193 (issue 21)."""
    spread = load_result("workers")
    one, two = spread["one"], spread["two"]
    rebuilds = [load_result(f"rebuild-{n}") for n in range(1, ROUNDS + 1)]
    series = [load_result(f"series-{n}") for n in (50, 100, 193)]
    peaks = [mib for run in (one, two, *rebuilds) for node in run["peak_rss_mib_per_process"].values()
             for mib in node.values()]  # fmt: skip
    projection = spread["projection"]
    grown = series[-1]["process"]["peak_rss_mib"] - series[0]["process"]["peak_rss_mib"]
    lines = [
        "## The compile spread over workers",
        "",
        f"Measured on {now()} by `bench/compile_report.py workers`, `rebuild` (3 rounds) and "
        f"`series` (`bench/compile_workers.py`), at `{git_commit()}`. Each worker node is its "
        "own `celery worker` process with one pool child and its own host name, on the bench "
        "database, the bench file store and the machine's Redis; the compile is asked for as "
        "the portal asks for it and timed from the request to the report stored. Machine: "
        f"{machine()['cpu']}; load average {spread['loadavg']} at the end.",
        "",
        "| Full compile, empty cache | 1 worker node | 2 worker nodes |",
        "|---|---|---|",
        f"| Wall time | **{one['wall_seconds']} s** | **{two['wall_seconds']} s** "
        f"({spread['ratio']:.0%} of 1) |",
        f"| CPU time per node | {one['cpu_seconds_per_node']} | {two['cpu_seconds_per_node']} |",
        f"| Parts drawn per worker | {one['parts_per_worker']} | {two['parts_per_worker']} |",
        f"| Parts / drawn | {one['parts']} / {one['parts_drawn']} | {two['parts']} / "
        f"{two['parts_drawn']} |",
        f"| Plan, join | {one['plan_seconds']} s, {one['join_seconds']} s | "
        f"{two['plan_seconds']} s, {two['join_seconds']} s |",
        f"| Pages, size | {one['pages']:,}, {one['bytes'] / 2**20:.1f} MiB | {two['pages']:,}, "
        f"{two['bytes'] / 2**20:.1f} MiB |",
        "",
        f"Projection from the 1-node run's part times (not measured): critical path "
        f"{projection['critical_path_seconds']} s; 4 workers ≈ "
        f"{projection['4_workers_seconds']} s, 8 ≈ {projection['8_workers_seconds']} s, 16 ≈ "
        f"{projection['16_workers_seconds']} s (parts handed out longest first to the worker "
        "free first, plus the plan and the join).",
        "",
        "One change, then the compile again (1 worker node, warm cache):",
        "",
        "| Round | Wall | Of the 1-node full compile | Chapters drawn / reused | Parts drawn |",
        "|---|---|---|---|---|",
        *(f"| {n} | {r['wall_seconds']} s | {r['ratio']:.1%} | {r['chapters_drawn']} / "
          f"{r['chapters_reused']} | {r['parts_drawn']} |"
          for n, r in enumerate(rebuilds, 1)),  # fmt: skip
        "",
        f"Peak resident memory of every process of these compiles: at most **{max(peaks):.0f} "
        "MiB**. The join alone, in a process of its own, on the first N chapters:",
        "",
        "| Reviews | Join | Pages | Output | Peak RSS before the join | Peak RSS of the process |",
        "|---|---|---|---|---|---|",
        *(f"| {r['reviews']} | {r['join_seconds']} s | {r['pages']:,} | "
          f"{r['bytes'] / 2**20:.1f} MiB | {r['peak_rss_before_join_mib']} MiB | "
          f"{r['process']['peak_rss_mib']} MiB |" for r in series),
        "",
        f"From {series[0]['reviews']} to {series[-1]['reviews']} reviews the join's process "
        f"peaked at {series[0]['process']['peak_rss_mib']} then "
        f"{series[-1]['process']['peak_rss_mib']} MiB ({grown:+.1f} MiB) while the output grew "
        f"by {(series[-1]['bytes'] - series[0]['bytes']) / 2**20:.1f} MiB: the join holds one "
        "part at a time and writes the output to a file as it goes.",
        "",
    ]  # fmt: skip
    replace_section("## The compile spread over workers", lines)


def git_commit() -> str:
    return subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip()[:80]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("phase", choices=[*WORK, "report", "all", "spread"])
    parser.add_argument("--round", type=int, default=1, help="recompile: which round")
    args = parser.parse_args()
    if args.phase == "all":
        OUT.mkdir(parents=True, exist_ok=True)
        for stale in OUT.glob("*.json"):
            stale.unlink()
        (OUT / "machine.json").write_text(json.dumps(machine(), indent=2))
        run_phase("build")
        run_phase("compile")
        for round_ in range(1, ROUNDS + 1):
            run_phase("recompile", round_)
        run_phase("single")
        run_phase("job")
        (OUT / "machine-end.json").write_text(json.dumps(machine(), indent=2))
        write_results()
        return
    if args.phase == "spread":  # workers, rebuild ×3, series: each in a fresh process
        run_phase("workers")
        for round_ in range(1, ROUNDS + 1):
            run_phase("rebuild", round_)
        for size in (50, 100, 193):
            run_phase("series", size)
        write_workers_section()
        return
    if args.phase == "report":
        write_results()
        return
    configure()
    save_result(result_name(args.phase, args.round), WORK[args.phase](args.round))


if __name__ == "__main__":
    main()
