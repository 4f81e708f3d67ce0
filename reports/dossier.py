"""The compiled Assembly report of a cycle (SPEC §6): built from parts, merged into one PDF.

    cover + contents │ introduction, participation, indicators of success, synthesis │
    one chapter per approved review │ annex: the matrix definitions

Chapters and the annex are stored in a cache under the SHA-256 of what they were made from
(`ChapterCache`), so when one review changes only its chapter is drawn again. The parts are
joined with pikepdf; the page numbers of the whole dossier are laid over each page from a
cached sheet of numbers, and the outline (PDF bookmarks) follows the chapters.

Every part is drawn as a tagged PDF and the join keeps the tags: the parts' structure trees
become Parts of one Document (`_Structure`), so the dossier is a tagged PDF as a whole.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import statistics
import tempfile
import weakref
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from countries.models import Country, Region
from indicators import matrix_io
from indicators.models import Indicator, IndicatorType, ReviewCycle
from reports import charts, linker, names, pdf, success, worldmap
from reports.models import ChapterCache
from reviews.models import Review, ReviewStatus

logger = logging.getLogger(__name__)

FOLIO_CHUNK = 100
NUMERIC = {IndicatorType.WHOLE_NUMBER, IndicatorType.DECIMAL, IndicatorType.PERCENTAGE}


@dataclass
class CompileStats:
    chapters: int = 0
    rendered: int = 0
    reused: int = 0
    seconds: float = 0.0
    parts: list = field(default_factory=list)
    # Chapters drawn as a placeholder or without an image: {"review", "country", "reason",
    # "placeholder"}, for the job page and the secretariat's e-mail.
    problems: list = field(default_factory=list)


# --- The cache of rendered parts ----------------------------------------------------------


def load(key: str) -> pdf.Rendered | None:
    """The part stored under `key`, if it is there and its file is whole: read through once
    to check its hash, then kept in its file (`pdf.Kept`) until its bytes are needed."""
    entry = ChapterCache.objects.filter(key=key).first()
    if not (entry and entry.file.name and default_storage.exists(entry.file.name)):
        return None
    name = entry.file.name
    with default_storage.open(name, "rb") as handle:
        digest, size = pdf.file_digest(handle)
    if digest != name.rsplit("-", 1)[-1].removesuffix(".pdf"):
        return None
    ChapterCache.objects.filter(pk=entry.pk).update(used_at=timezone.now())
    return pdf.Kept(lambda: default_storage.open(name, "rb"), sha256=digest, size=size,
                    pages=entry.pages, outline=entry.outline)  # fmt: skip


def cached_keys(keys: list[str]) -> set[str]:
    """Which of `keys` the cache holds (by its rows)."""
    return set(ChapterCache.objects.filter(key__in=keys).values_list("key", flat=True))


def store(key: str, rendered: pdf.Rendered) -> None:
    """Keep `rendered` under `key` (a file named by its hash, and its row)."""
    name = f"chapters/{key}-{rendered.sha256}.pdf"
    if default_storage.exists(name):  # maybe cut short by a killed worker: write it again
        default_storage.delete(name)
    default_storage.save(name, ContentFile(rendered.pdf))
    ChapterCache.objects.update_or_create(
        key=key, defaults={"file": name, "pages": rendered.pages, "outline": rendered.outline}
    )


def cached(key: str, render, stats: CompileStats | None = None, *, count=True) -> pdf.Rendered:
    """The part stored under `key`, drawn by `render()` only when it is not stored yet.

    A part drawn with notes (something left out) is not stored: the next compile tries again.
    """
    found = load(key)
    if found is not None:
        if stats and count:
            stats.reused += 1
        return found
    rendered = render()
    if stats and count:
        stats.rendered += 1
    if not rendered.notes:
        store(key, rendered)
    return rendered


def content_key(*payload) -> str:
    """The cache key of a part: the hash of everything it is drawn from."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# --- What the compiled report says ---------------------------------------------------------


def approved_documents(cycle: ReviewCycle, language: str) -> list[pdf.ReviewDocument]:
    """The approved (or published) reviews of the cycle, each as its last submitted version."""
    reviews = (
        Review.objects.filter(
            cycle=cycle, status__in=[ReviewStatus.APPROVED, ReviewStatus.PUBLISHED]
        )
        .select_related("country", "cycle")
        .order_by("country__name")
    )
    documents = []
    for review in reviews:
        snapshot = pdf.latest_snapshot(review)
        if snapshot:
            documents.append(pdf.review_document(review, snapshot, draft=False, language=language))
    return documents


def participation(cycle: ReviewCycle, by_country: dict[int, str] | None = None) -> dict:
    """Member States by the status of their review and region: a table and a stacked bar
    chart. `by_country` ({country id: status}) spares the query when the caller has it."""
    statuses = [("not_started", _("Not started")), *ReviewStatus.choices]
    if by_country is None:
        by_country = dict(Review.objects.filter(cycle=cycle).values_list("country_id", "status"))
    table = {region: {key: 0 for key, _label in statuses} for region in Region.values}
    states = list(
        Country.objects.filter(is_member_state=True).only("name", "iso3", "m49", "region")
    )
    for state in states:
        table[state.region][by_country.get(state.pk, "not_started")] += 1
    rows = [(label, [table[value][key] for key, _l in statuses]) for value, label in Region.choices]
    totals = [sum(row[1][i] for row in rows) for i in range(len(statuses))]
    chart = charts.stacked_bar_chart(
        [(str(label), values) for label, values in rows],
        series=[str(label) for _k, label in statuses],
        title=_("Countries by status of their review, per region"),
        description=_(
            "Each bar is a region, split by the status of its countries' reviews; "
            "the table gives the same numbers."
        ),
    )
    labels = dict(statuses)
    world = worldmap.world_map(
        states,
        {c.iso3: (str(labels[by_country[c.pk]]), by_country[c.pk]) for c in states
         if c.pk in by_country},
        title=_("Member States by the status of their review"),
        legend=[(key, str(label)) for key, label in statuses[1:]],
        missing=str(statuses[0][1]).lower(),
        description=_("Each Member State coloured by the status of its review; the table "
                      "gives the numbers by region."),
        html_id="participation-map",
    )  # fmt: skip
    return {"statuses": statuses, "rows": rows, "totals": totals, "chart": chart, "map": world}


def _number(text) -> Decimal | None:
    try:
        value = Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _value(answer: dict):
    values = answer.get("values") or {}
    return values.get("total", values.get("value"))


def synthesis(documents: list[pdf.ReviewDocument], indicators) -> list[dict]:
    """Per indicator, what the approved reviews say across countries, by region."""
    out = []
    for indicator in indicators:
        answers = []
        for document in documents:
            answer = document.snapshot.content.get("answers", {}).get(indicator.code)
            if answer:
                answers.append((document.review.country, answer))
        out.append(indicator_synthesis(indicator, answers))
    return out


def indicator_synthesis(indicator: Indicator, answers: list[tuple[Country, dict]]) -> dict:
    """What the countries' `answers` (each as a snapshot holds it: `values`, `currency`,
    `not_available`) to one indicator say, by region: `columns`, `rows` (text) and, for
    numbers, a bar `chart` (also on the open-data indicator page)."""
    regions = dict(Region.choices)
    reported = [
        (c, a) for c, a in answers if not a.get("not_available") and _value(a) not in (None, "")
    ]
    item: dict[str, Any] = {
        "indicator": indicator,
        "reported": len(reported),
        "not_available": sum(1 for _c, a in answers if a.get("not_available")),
        "rows": [],
        "chart": None,
    }
    if indicator.type in NUMERIC:
        by_region: dict = {}
        for country, answer in reported:
            number = _number(_value(answer))
            if number is not None:
                by_region.setdefault(country.region, []).append(number)
        for region, numbers in sorted(by_region.items()):
            item["rows"].append(
                [
                    regions[region],
                    len(numbers),
                    sum(numbers),
                    Decimal(statistics.median(numbers)),
                    min(numbers),
                    max(numbers),
                ]
            )
        measure = _("Total") if indicator.type == IndicatorType.WHOLE_NUMBER else _("Median")
        column = 2 if indicator.type == IndicatorType.WHOLE_NUMBER else 3
        item["columns"] = [
            _("Region"),
            _("Countries"),
            _("Total"),
            _("Median"),
            _("Lowest"),
            _("Highest"),
        ]
        if item["rows"]:
            item["chart"] = charts.bar_chart(
                [(row[0], row[column]) for row in item["rows"]],
                title=f"{indicator.code} {indicator.title}: {measure} {_('by region')}",
                unit=" %" if indicator.type == IndicatorType.PERCENTAGE else "",
                description=_("One bar per region; the table gives the same numbers."),
            )
    elif indicator.type == IndicatorType.MONEY:
        totals: dict = {}
        for _country, answer in reported:
            number = _number(_value(answer))
            if number is not None:
                count, amount = totals.get(answer.get("currency", ""), (0, Decimal(0)))
                totals[answer.get("currency", "")] = (count + 1, amount + number)
        item["columns"] = [_("Currency"), _("Countries"), _("Total allocated")]
        item["rows"] = [[code, count, amount] for code, (count, amount) in sorted(totals.items())]
    else:
        labels = {o.value: o.label for o in indicator.options.all()}
        counts: dict = {}
        for _country, answer in reported:
            value = _value(answer)
            label = {True: _("Yes"), False: _("No")}.get(value, labels.get(value, value))
            if indicator.type in (IndicatorType.FREE_TEXT,):
                label = _("Answered")
            counts[str(label)] = counts.get(str(label), 0) + 1
        item["columns"] = [_("Answer"), _("Countries")]
        item["rows"] = [[label, n] for label, n in sorted(counts.items())]
    item["rows"] = [[_display(v) for v in row] for row in item["rows"]]
    return item


def _display(value) -> str:
    if isinstance(value, Decimal):
        return charts.number(
            value.quantize(Decimal("0.01")) if value != value.to_integral() else value
        )
    return str(value)


# --- Building the dossier ------------------------------------------------------------------


@dataclass
class Planned:
    """A part of the dossier to draw or to find in the cache under `key`."""

    kind: str  # reports.models.PartKind
    key: str
    document: pdf.ReviewDocument | None = None  # a chapter's
    chunk: int | None = None  # a folio sheet's
    html: str = ""  # the front matter's


@dataclass
class Plan:
    cycle: ReviewCycle
    language: str
    documents: list
    parts: list  # [Planned]: front, one chapter per document, annex, then the folio sheets


def plan(cycle: ReviewCycle, language: str) -> Plan:
    """What the cycle's compiled report in `language` is made of, each part under its content
    key. The folio sheets (page numbers) are planned for the pages the cached parts have and
    twenty a chapter not drawn yet; the join draws any more it needs."""
    with translation.override(language):
        documents = approved_documents(cycle, language)
        matrix = cycle.matrix
        indicators = list(Indicator.objects.of_matrix(matrix))
        common = {"cycle": cycle, "language": language, "dir": pdf.direction(language),
                  "documents": documents}  # fmt: skip
        front_html = render_to_string(
            "pdf/dossier_front.html",
            common
            | {
                "participation": participation(cycle),
                "success": success.indicators_of_success([d.snapshot.content for d in documents]),
                "synthesis": synthesis(documents, indicators),
            },
        )
        annex_key = content_key(
            "annex", pdf.version(language), language, names.cycle_name(cycle), matrix.pk,
            matrix_io.export_rows(matrix),
        )  # fmt: skip
    parts = [
        Planned("front", content_key("front", pdf.version(language), front_html), html=front_html),
        *(Planned("chapter", d.content_key("chapter"), document=d) for d in documents),
        Planned("annex", annex_key),
    ]
    known = dict(
        ChapterCache.objects.filter(key__in=[p.key for p in parts]).values_list("key", "pages")
    )
    pages = 2 + sum(known.get(p.key, 20) for p in parts)  # with a cover and its contents
    for chunk in range(-(-pages // FOLIO_CHUNK)):
        parts.append(Planned("folio", folio_key(chunk, language), chunk=chunk))
    return Plan(cycle, language, documents, parts)


def draw(cycle: ReviewCycle, language: str, part: Planned, stats: CompileStats) -> pdf.Rendered:
    """One planned part, drawn or found in the cache (a chapter that cannot be drawn becomes
    a placeholder, its problem in `stats`)."""
    if part.kind == "chapter":
        assert part.document is not None
        return chapter(part.document, stats)
    if part.kind == "folio":
        assert part.chunk is not None
        return folio_sheet(part.chunk, language)
    with translation.override(language):
        if part.kind == "front":
            return cached(part.key, lambda: pdf.render_html(part.html), count=False)
        matrix = cycle.matrix
        common = {"cycle": cycle, "language": language, "dir": pdf.direction(language)}
        html = render_to_string(
            "pdf/dossier_annex.html", common | {"tree": matrix_io.matrix_tree(matrix)}
        )
        return cached(part.key, lambda: pdf.render_html(html), count=False)


def join(
    cycle: ReviewCycle, language: str, body: list[pdf.Rendered], *, chapters: int, version: int,
    built_by: str, started,
) -> pdf.Rendered:  # fmt: skip
    """The dossier from its drawn parts (front, chapters, annex): cover and contents, then one
    PDF with page numbers, outline and tags."""
    with translation.override(language):
        common = {"cycle": cycle, "language": language, "dir": pdf.direction(language)}
        context = common | {"version": version, "built_by": built_by, "built_at": started,
                            "approved": chapters}  # fmt: skip
        covers = contents_cover(
            "pdf/dossier_cover.html", context, body, nested=range(1, len(body) - 1)
        )
        title = _("%(cycle)s: compiled report of the voluntary country reviews") % {
            "cycle": names.cycle_name(cycle)
        }
    return merge([*covers, *body], chapters_from=3, chapter_count=chapters, language=language,
                 title=title)  # fmt: skip


def compile_report(
    cycle: ReviewCycle, *, language: str = "en", version: int = 1, built_by=""
) -> tuple[pdf.Rendered, CompileStats]:
    """Draw (or reuse) every part of the cycle's compiled report and join them, in this
    process (reports/compiling.py spreads the same parts over workers)."""
    started = timezone.now()
    stats = CompileStats()
    planned = plan(cycle, language)
    body = [draw(cycle, language, part, stats) for part in planned.parts if part.kind != "folio"]
    stats.chapters = len(planned.documents)
    merged = join(cycle, language, body, chapters=stats.chapters, version=version,
                  built_by=built_by, started=started)  # fmt: skip
    stats.seconds = round((timezone.now() - started).total_seconds(), 2)
    return merged, stats


def chapter(document: pdf.ReviewDocument, stats: CompileStats) -> pdf.Rendered:
    """The review's chapter; when it cannot be drawn, a placeholder saying why, so that one
    review never stops the dossier of all the others (the problem goes into `stats`)."""
    problem = {"review": document.review.pk, "country": document.review.country.name}
    try:
        rendered = cached(
            document.content_key("chapter"),
            lambda: pdf.render_review(document, chapter=True),
            stats,
        )
    except DatabaseError:
        raise  # the database, not the review: the compile fails and is tried again
    except Exception as error:  # noqa: BLE001 — any other failure is this review's alone
        if isinstance(error, pdf.DrawError):
            reason = str(error)
        else:
            logger.exception("Chapter of review %s could not be drawn", document.review.pk)
            reason = _("an error occurred while drawing it (%(error)s).") % {
                "error": type(error).__name__
            }
        stats.problems.append(problem | {"reason": reason, "placeholder": True})
        return pdf.render_placeholder(document, reason)
    stats.problems += [problem | {"reason": n, "placeholder": False} for n in rendered.notes]
    return rendered


def contents_cover(
    template: str, context: dict, body: list[pdf.Rendered], *, nested
) -> list[pdf.Rendered]:
    """A cover (`template`, given `total_pages`) and the contents of the parts of `body`, which
    follow them; the outline entries of the parts in `nested` are indented. The contents are
    cached by what they list (a recompile whose page numbers did not move draws the cover
    only), and drawn again until their own length is what the page numbers assumed."""
    language = context["language"]
    toc_pages = 1
    for _attempt in range(4):
        first = 1 + toc_pages + 1  # cover, contents, then the first page of the first part
        entries, page = [], first
        for index, part in enumerate(body):
            for item in part.outline:
                level = 2 if index in nested else 1
                entries.append(
                    {"title": item["title"], "page": page + item["page"], "level": level}
                )
            page += part.pages
        html = render_to_string(
            "pdf/contents_part.html",
            {"entries": entries, "language": language, "dir": pdf.direction(language)},
        )
        key = content_key("contents", pdf.version(language), html)
        contents = cached(key, lambda html=html: pdf.render_html(html), count=False)
        if contents.pages == toc_pages:
            break
        toc_pages = contents.pages
    cover = pdf.render_html(render_to_string(template, context | {"total_pages": page - 1}))
    return [cover, contents]


def merge(
    parts: list[pdf.Rendered], *, chapters_from: int, chapter_count: int, language: str, title: str
) -> pdf.Rendered:
    """One tagged PDF from the tagged parts (reports/linker.py, one part in memory at a time,
    the PDF written to a temporary file as it goes): pages in order, their structure trees
    joined under one Document, page numbers laid over as artifacts from the cached folio
    sheets, one outline."""
    out = tempfile.NamedTemporaryFile(prefix="joined-", suffix=".pdf", delete=False)  # noqa: SIM115
    try:
        with out:
            joined = linker.Linker(out)
            total = sum(part.pages for part in parts)
            for chunk in range(-(-total // FOLIO_CHUNK)):
                joined.add_folios(linkable(folio_sheet(chunk, language), forms=True))
            joined.folios[0] = 0  # the cover carries no number
            outline: list = []
            chapter_parent: list | None = None
            page = 0
            for number, part in enumerate(parts):
                joined.add(linkable(part))
                if number:  # the cover has no entry
                    is_chapter = chapters_from <= number < chapters_from + chapter_count
                    for item in part.outline:
                        node = _outline_item(item, page)
                        if is_chapter and chapter_parent is not None:
                            chapter_parent.append(node)
                        else:
                            outline.append(node)
                    if number == chapters_from - 1 and outline:
                        # The front matter ends with the "Country reviews" heading: chapters
                        # hang there.
                        chapter_parent = outline[-1][2]
                page += part.pages
            pages = joined.finish(outline=outline, language=language, title=title)
        return _temporary(out.name, pages)
    except BaseException:
        os.unlink(out.name)
        raise


def _temporary(path: str, pages: int) -> pdf.Kept:
    """The PDF at `path`, deleted with the object that keeps it."""
    with open(path, "rb") as handle:
        digest, size = pdf.file_digest(handle)
    kept = pdf.Kept(lambda: open(path, "rb"), sha256=digest, size=size, pages=pages,  # noqa: SIM115
                    outline=[])  # fmt: skip
    weakref.finalize(kept, os.unlink, path)
    return kept


def linkable(part: pdf.Rendered, *, forms: bool = False) -> linker.Linkable:
    """The part made linkable (reports/linker.py), kept in the file store by the part's hash:
    prepared once, when the part is first drawn or joined."""
    name = f"links/{part.sha256}{'-forms' if forms else ''}.v{linker.VERSION}.link"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            try:
                return linker.loads(handle.read())
            except (ValueError, KeyError):
                default_storage.delete(name)  # cut short: prepared again
    prepared = linker.prepare(part.pdf, forms=forms)
    default_storage.save(name, ContentFile(linker.dumps(prepared)))
    return prepared


def _outline_item(item: dict, start: int) -> tuple[str, int, list]:
    return (item["title"], start + item["page"],
            [_outline_item(child, start) for child in item["children"]])  # fmt: skip


def folio_key(chunk: int, language: str) -> str:
    return content_key("folio", pdf.version(language), language, chunk, FOLIO_CHUNK)


def folio_sheet(chunk: int, language: str) -> pdf.Rendered:
    """Pages carrying only a page number (chunk 0: pages 1–100, chunk 1: 101–200, …), cached."""
    first = chunk * FOLIO_CHUNK + 1
    key = folio_key(chunk, language)
    with translation.override(language):
        html = render_to_string(
            "pdf/folio.html",
            {
                "numbers": range(first, first + FOLIO_CHUNK),
                "language": language,
                "dir": pdf.direction(language),
            },
        )
    return cached(key, lambda: pdf.render_html(html, tagged=False), count=False)
