"""The public pages of the open data (issue 19): the published cycles, each cycle with its map
of participation, each indicator across countries, each published review, each country across
cycles. Everything comes from `published.py`; every page is cached (views/base.py)."""

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from countries.models import Country, Region
from indicators.models import ChoiceOption, Indicator, IndicatorType, ReviewCycle
from opendata import published
from opendata.views.base import page, public
from reports import charts, dossier, worldmap
from reports.models import ReportFile
from reviews import reading
from reviews.models import Answer, Review
from reviews.templatetags.reviews_tags import answer_display

NUMERIC = (IndicatorType.WHOLE_NUMBER, IndicatorType.DECIMAL, IndicatorType.PERCENTAGE)
SORTS = ("country", "region", "value")


def _cycle(pk: int) -> ReviewCycle:
    found = published.cycles().filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _member_states() -> list[Country]:
    return list(Country.objects.filter(is_member_state=True).order_by("name"))


def _pdfs(reviews: list[Review]) -> dict[int, ReportFile]:
    """The public PDF of each review (the library's latest final one)."""
    files = ReportFile.objects.published().filter(review__in=reviews).latest_per_review()
    return {f.review_id: f for f in files}


# --- The index ---------------------------------------------------------------------------


@public
def index(request: HttpRequest) -> HttpResponse:
    def build() -> dict[str, Any]:
        cycles = list(published.cycles().order_by("-opens_on", "pk"))
        counts: defaultdict[int, int] = defaultdict(int)
        for cycle_id in published.reviews().values_list("cycle_id", flat=True):
            counts[cycle_id] += 1
        countries = (
            Country.objects.filter(pk__in=published.reviews().values("country_id"))
            .order_by("name")
            .only("name", "iso3")
        )
        return {
            "title": _("Open data: the published country reviews"),
            "cycles": [(c, counts[c.pk]) for c in cycles],
            "countries": countries,
        }

    return page(request, ("index",), "opendata/index.html", build)


# --- A cycle -----------------------------------------------------------------------------


@public
def cycle(request: HttpRequest, cycle: int) -> HttpResponse:
    def build() -> dict[str, Any]:
        found = _cycle(cycle)
        reviews = list(published.reviews().filter(cycle=found).order_by("country__name"))
        pdfs = _pdfs(reviews)
        states = _member_states()
        reported = {r.country.iso3 for r in reviews}
        label = _("Published review")
        participation = worldmap.world_map(
            states,
            {iso3: (label, "published") for iso3 in reported},
            title=_("Member States with a published review in %(cycle)s") % {"cycle": found.name},
            legend=[("published", label)],
            link=lambda c: f"#review-{c.iso3}" if c.iso3 in reported else "#reviews",
            missing=_("no published review"),
            description=_(
                "%(n)s of %(total)s Member States have a published review; the table below "
                "lists them."
            )
            % {"n": len(reported), "total": len(states)},
            html_id="participation",
        )
        indicators = list(published.indicators(found)) if found.matrix else []
        return {
            "title": found.name,
            "cycle": found,
            "rows": [(r, pdfs.get(r.pk)) for r in reviews],
            "map": participation,
            "outcomes": dossier_outcomes(indicators),
            "languages": [
                (code, translation.get_language_info(code)["name_local"])
                for code in ("en", "fr", "es", "ar", "ru", "zh-hans")
            ],
        }

    return page(request, ("cycle", cycle), "opendata/cycle.html", build)


def dossier_outcomes(indicators: list[Indicator]) -> list[tuple[Any, list[Indicator]]]:
    """The indicators grouped by outcome, in matrix order."""
    grouped: dict[Any, list[Indicator]] = {}
    for indicator in indicators:
        grouped.setdefault(indicator.area.outcome, []).append(indicator)
    return list(grouped.items())


# --- An indicator across countries -------------------------------------------------------


def _category(indicator: Indicator, answer: Answer) -> str | None:
    """The map's category of a non-numeric answer."""
    values = answer.values or {}
    value = values.get("total", values.get("value"))
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if indicator.type == IndicatorType.SINGLE_CHOICE:
        return str(value) if value not in (None, "") else None
    return "answered" if value not in (None, "", [], {}) else None


@public
def indicator(request: HttpRequest, cycle: int, code: str) -> HttpResponse:
    sort = request.GET.get("sort", "country")
    sort = sort if sort in SORTS else "country"

    def build() -> dict[str, Any]:
        found = _cycle(cycle)
        indicator = (
            Indicator.objects.of_matrix(found.matrix).filter(code=code).first()
            if found.matrix
            else None
        )
        if indicator is None:
            raise Http404
        answers = list(
            published.answers()
            .filter(review__cycle=found, indicator__code=indicator.code)
            .prefetch_related("indicator__options")
            .order_by("review__country__name")
        )
        regions = dict(Region.choices)
        rows = []
        for answer in answers:
            country = answer.review.country
            rows.append(
                {
                    "country": country,
                    "region": regions.get(country.region, ""),
                    "answer": answer,
                    "shown": answer_display(answer.indicator, answer),
                    "number": reading.answer_number(answer),
                }
            )
        rows.sort(key=_sort_key(sort))
        states = _member_states()
        values, legend = _map_values(indicator, answers)
        world = worldmap.world_map(
            states,
            values,
            title=f"{indicator.code} {indicator.title}",
            legend=legend,
            scale="sequential"
            if indicator.type in (*NUMERIC, IndicatorType.YEAR)
            else "categorical",
            link=lambda c: f"#answer-{c.iso3}" if c.iso3 in values else "#answers",
            description=_("Each Member State coloured by its answer; the table gives the same."),
            html_id="answers-map",
        )
        summary = dossier.indicator_synthesis(
            indicator,
            [
                (a.review.country, {"values": a.values, "currency": a.currency,
                                    "not_available": a.not_available})
                for a in answers
            ],
        )  # fmt: skip
        return {
            "title": f"{indicator.code} {indicator.title}",
            "cycle": found,
            "indicator": indicator,
            "rows": rows,
            "sort": sort,
            "sorts": [
                (key, label, reverse("opendata:indicator", args=[found.pk, indicator.code]))
                for key, label in (
                    ("country", _("Country")),
                    ("region", _("Region")),
                    ("value", _("Answer")),
                )
            ],
            "map": world,
            "summary": summary,
            "region_chart": summary["chart"] or _category_chart(indicator, answers, legend),
            "not_available": sum(1 for a in answers if a.not_available),
        }

    return page(request, ("indicator", cycle, code, sort), "opendata/indicator.html", build)


def _sort_key(sort: str):
    if sort == "region":
        return lambda row: (row["region"], row["country"].name)
    if sort == "value":
        # numbers by size, other answers by their text; no answer last
        return lambda row: (
            row["number"] is None,
            row["number"] if row["number"] is not None else 0,
            row["shown"],
            row["country"].name,
        )
    return lambda row: row["country"].name


def _map_values(
    indicator: Indicator, answers: list[Answer]
) -> tuple[dict[str, tuple[str, str] | None], list[tuple[str, str]]]:
    not_available = _("Data not available")
    if indicator.type in (*NUMERIC, IndicatorType.YEAR):
        numbers = {
            a.review.country.iso3: reading.answer_number(a) for a in answers if not a.not_available
        }
        values, legend = worldmap.bins({k: n for k, n in numbers.items() if n is not None})
        shown = {a.review.country.iso3: answer_display(a.indicator, a) for a in answers}
        values = {k: (shown[k], v[1]) for k, v in values.items() if v is not None}
    else:
        if indicator.type == IndicatorType.YES_NO:
            legend = [("yes", _("Yes")), ("no", _("No"))]
        elif indicator.type == IndicatorType.SINGLE_CHOICE:
            legend = [(o.value, o.label) for o in indicator.options.all()]
        else:
            legend = [("answered", _("Answered"))]
        values = {}
        for answer in answers:
            category = None if answer.not_available else _category(indicator, answer)
            if category is not None:
                values[answer.review.country.iso3] = (
                    answer_display(answer.indicator, answer),
                    category,
                )
    for answer in answers:
        if answer.not_available:
            values[answer.review.country.iso3] = (not_available, "not_available")
    if any(a.not_available for a in answers):
        legend = [*legend, ("not_available", not_available)]
    return values, legend


def _category_chart(indicator: Indicator, answers: list[Answer], legend: list) -> str | None:
    """Countries by answer, per region (a stacked bar each), for answers that are not numbers."""
    if indicator.type in NUMERIC or not answers:
        return None
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for answer in answers:
        category = "not_available" if answer.not_available else _category(indicator, answer)
        if category is not None:
            counts[answer.review.country.region][category] += 1
    rows = [
        (str(label), [counts[value][key] for key, _l in legend])
        for value, label in Region.choices
        if value in counts
    ]
    colours = worldmap.legend_colours(legend)
    return charts.stacked_bar_chart(
        rows,
        series=[str(label) for _k, label in legend],
        colours=[colours[key] for key, _l in legend],
        title=_("%(indicator)s: countries by answer, per region") % {"indicator": indicator.code},
        description=_("One bar per region, split by answer; the table gives each country's."),
    )


# --- A published review ------------------------------------------------------------------


@public
def review(request: HttpRequest, pk: int) -> HttpResponse:
    def build() -> dict[str, Any]:
        found = published.reviews().filter(pk=pk).first()
        snapshot = found.snapshots.order_by("-version").first() if found else None
        if found is None or snapshot is None:
            raise Http404
        pdf = _pdfs([found]).get(found.pk)
        body = reading.render_submitted(found, snapshot)
        return {
            "title": _("Review of %(country)s, %(cycle)s")
            % {"country": found.country.name, "cycle": found.cycle.name},
            "review": found,
            "snapshot": snapshot,
            "body": body,
            "pdf": pdf,
            "language": translation.get_language_info(found.language),
        }

    return page(request, ("review", pk), "opendata/review.html", build)


# --- A country across cycles -------------------------------------------------------------


@public
def country(request: HttpRequest, iso3: str) -> HttpResponse:
    code = iso3

    def build() -> dict[str, Any]:
        found = Country.objects.filter(iso3=code).first()
        if found is None:
            raise Http404
        reviews = list(
            published.reviews().filter(country=found).order_by("cycle__opens_on", "cycle_id")
        )
        pdfs = _pdfs(reviews)
        answers = (
            published.answers()
            .filter(review__in=reviews)
            .prefetch_related(
                Prefetch("indicator__options", queryset=ChoiceOption.objects.order_by("order"))
            )
        )
        by_code: dict[str, dict[int, tuple[Indicator, str]]] = defaultdict(dict)
        for answer in answers:
            by_code[answer.indicator.code][answer.review.cycle_id] = (
                answer.indicator,
                answer_display(answer.indicator, answer),
            )
        cycles = [r.cycle for r in reviews]
        compared = []
        for cells in by_code.values():
            if len(cells) < 2:
                continue
            latest = cells[max(cells, key=lambda c: [x.pk for x in cycles].index(c))][0]
            compared.append((latest, [cells.get(c.pk, (None, ""))[1] for c in cycles]))
        compared.sort(
            key=lambda row: [int(p) if p.isdigit() else p for p in row[0].code.split(".")]
        )
        return {
            "title": found.name,
            "country": found,
            "region": dict(Region.choices).get(found.region, ""),
            "rows": [(r, pdfs.get(r.pk)) for r in reviews],
            "cycles": cycles,
            "compared": compared,
        }

    return page(request, ("country", code), "opendata/country.html", build)
