"""A benchmarking pack (issue 20): for a meeting, its invited Member States side by side — their
answers to each indicator (a table and, for numbers, the dossier's bar chart), the measures
they took and the difficulties they met, and their good practices — each from the country's
latest submitted version of its review for the meeting's cycle, marked approved or submitted.

As a page (`pack`) and as a tagged PDF drawn by the worker (`render_pdf`, a render job of kind
"pack"), in any of the six languages:

    cover + contents │ the countries compared, the indicators side by side │ one part per country

Each country's part is kept in the compiled report's chapter cache (reports/dossier.py) under
the hash of what it shows, so a pack drawn again redraws only the parts of the countries whose
version changed (and the comparison, which holds every country's answers); the parts are
joined by the dossier's merge (page numbers, one outline, one structure tree).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from countries.models import Country
from indicators.models import Indicator, IndicatorType
from meetings.models import Meeting
from reports import charts, dossier, names, pdf
from reports.models import RenderJob
from reviews import reading, snapshots
from reviews.models import Answer, Review, ReviewStatus, Snapshot
from reviews.sections import BY_KEY
from reviews.templatetags.reviews_tags import answer_display

SHOWN = (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, ReviewStatus.PUBLISHED)
NUMERIC = (IndicatorType.WHOLE_NUMBER, IndicatorType.DECIMAL, IndicatorType.PERCENTAGE)


@dataclass
class Part:
    """One country's part of the pack: its version shown, or None when it has none."""

    country: Country
    review: Review | None = None
    snapshot: Snapshot | None = None
    shown: dict | None = None

    @property
    def approved(self) -> bool:
        return self.review is not None and self.review.status != ReviewStatus.SUBMITTED

    def answer(self, code: str) -> Answer | None:
        if self.shown is None:
            return None
        return next((a for i, a in self.shown["rows"] if i.code == code), None)


def parts(meeting: Meeting) -> list[Part]:
    """Each invited country, by name, with its latest submitted version of the cycle."""
    reviews = {
        r.country_id: r
        for r in Review.objects.filter(cycle=meeting.cycle, status__in=SHOWN).select_related(
            "country", "cycle"
        )
    }
    found = []
    for country in meeting.countries.order_by("name"):
        review = reviews.get(country.pk)
        snapshot = review.snapshots.order_by("-version").first() if review else None
        if review is None or snapshot is None:
            found.append(Part(country))
            continue
        found.append(Part(country, review, snapshot, snapshots.as_submitted(review, snapshot)))
    return found


def pack(meeting: Meeting, every: list[Part] | None = None) -> dict[str, Any]:
    every = parts(meeting) if every is None else every
    present = [p for p in every if p.shown is not None]
    indicators = list(Indicator.objects.of_matrix(meeting.cycle.matrix))
    outcomes: dict[Any, list] = {}
    for indicator in indicators:
        cells = []
        numbers: list[tuple[str, float | int | Decimal]] = []
        for part in present:
            answer = part.answer(indicator.code)
            cells.append((part.country, answer_display(indicator, answer)))
            number = reading.answer_number(answer) if answer and not answer.not_available else None
            if indicator.type in NUMERIC and number is not None:
                numbers.append((part.country.name, number))
        chart = (
            charts.bar_chart(
                numbers,
                title=f"{indicator.code} {indicator.title}",
                unit=" %" if indicator.type == IndicatorType.PERCENTAGE else "",
                description=_("One bar per country; the table gives the same answers."),
            )
            if len(numbers) > 1
            else None
        )
        outcomes.setdefault(indicator.area.outcome, []).append((indicator, cells, chart))
    return {
        "parts": every,
        "present": present,
        "outcomes": list(outcomes.items()),
    }


# --- The pack as a PDF ---------------------------------------------------------------------

SHOWN_SECTIONS = ("measures", "difficulties")


def part_key(part: Part, language: str) -> str:
    """The hash of everything a country's part shows: the same in every pack it is part of."""
    assert part.review is not None and part.snapshot is not None
    return dossier.content_key(
        "pack-country", pdf.version(language), language, part.country.name, part.country.iso3,
        names.cycle_name(part.review.cycle), part.review.language, part.approved,
        part.snapshot.version, part.snapshot.content,
    )  # fmt: skip


def _country(part: Part, common: dict) -> pdf.Rendered:
    assert part.shown is not None
    texts = [(BY_KEY[key].title, part.shown["sections"].get(key, "")) for key in SHOWN_SECTIONS]
    html = render_to_string(
        "pdf/pack_country.html",
        common | {"part": part, "texts": texts, "written_language": part.review.language},  # type: ignore[union-attr]
    )
    return pdf.render_html(html)


def render_pdf(meeting: Meeting, language: str) -> tuple[pdf.Rendered, dossier.CompileStats]:
    """The meeting's benchmarking pack in `language`, its countries' parts drawn or reused."""
    started = timezone.now()
    stats = dossier.CompileStats()
    with translation.override(language):
        every = parts(meeting)
        present = [p for p in every if p.shown is not None]
        common = {
            "meeting": meeting,
            "cycle": meeting.cycle,
            "language": language,
            "dir": pdf.direction(language),
            "parts": every,
            "present": present,
        }
        keys = [part_key(part, language) for part in present]
        countries = [
            dossier.cached(key, lambda part=part: _country(part, common), stats)
            for part, key in zip(present, keys, strict=True)
        ]
        stats.chapters = len(countries)
        comparison_key = dossier.content_key(
            "pack-comparison", pdf.version(language), language, names.cycle_name(meeting.cycle),
            [p.country.name for p in every], keys,
        )  # fmt: skip
        comparison = dossier.cached(
            comparison_key,
            lambda: pdf.render_html(
                render_to_string("pdf/pack_comparison.html", common | pack(meeting, every))
            ),
            count=False,
        )
        body = [comparison, *countries]
        covers = dossier.contents_cover(
            "pdf/pack_cover.html", common | {"built_at": started}, body, nested=range(1, len(body))
        )
        title = _("Benchmarking pack: %(meeting)s") % {"meeting": meeting.title}
    merged = dossier.merge([*covers, *body], chapters_from=3, chapter_count=len(countries),
                           language=language, title=title)  # fmt: skip
    stats.seconds = round((timezone.now() - started).total_seconds(), 2)
    return merged, stats


def render_job(job: RenderJob) -> tuple[pdf.Rendered, dict]:
    """The render job of a pack (reports/jobs.py runs it: claimed once, stored once)."""
    # A pack's job names its meeting (the constraint render_job_target).
    meeting = Meeting.objects.select_related("cycle").get(pk=cast(int, job.subject_id))
    rendered, stats = render_pdf(meeting, job.language)
    return rendered, {"chapters": stats.chapters, "rendered": stats.rendered,
                      "reused": stats.reused, "seconds": stats.seconds, "problems": []}  # fmt: skip
