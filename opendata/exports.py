"""The open downloads of a published cycle (issue 19): all its answers as JSON, CSV and XLSX,
and a data dictionary in each of the six languages, under an open licence.

The downloads and the API agree: the JSON holds exactly the API's answers for the cycle
(`AnswerOut`, in the API's order, `api.in_answer_order`) and the table one row per answer in
the same order. Column names are stable English identifiers; the dictionary explains each of
them, and every indicator of the cycle's matrix, in the language asked for. Matrix texts
(titles, units, choice labels) come in the active language. Nothing here knows of requests:
views/downloads.py serves these bodies, kept in the cache.
"""

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import spreadsheets
from indicators.models import IndicatorType, ReviewCycle
from opendata import api, published
from opendata.schemas import AnswerOut, CycleOut, IndicatorOut
from reviews.models import Answer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX, "json": "application/json"}


@dataclass(frozen=True)
class Licence:
    name: "StrOrPromise"
    url: str
    attribution: "StrOrPromise"  # with %(cycle)s, the cycle's name

    def of(self, cycle: ReviewCycle) -> dict[str, str]:
        """The licence of `cycle`'s data, as the downloads and the cycle's page state it."""
        return {
            "name": str(self.name),
            "url": self.url,
            "attribution": str(self.attribution) % {"cycle": cycle.name},
        }


LICENCE = Licence(
    name=gettext_lazy("Creative Commons Attribution 4.0 International (CC BY 4.0)"),
    url="https://creativecommons.org/licenses/by/4.0/",
    attribution=gettext_lazy(
        "Safer Cities Review Portal, UN-Habitat: the published voluntary country reviews of "
        "%(cycle)s"
    ),
)

# The columns of the answers table: (name, title, description). The names never change.
COLUMNS: list[tuple[str, "StrOrPromise", "StrOrPromise"]] = [
    ("review", gettext_lazy("Review"),
     gettext_lazy("The id of the published review, as in /api/v1/reviews/{id}/.")),
    ("cycle", gettext_lazy("Review cycle"),
     gettext_lazy("The id of the review cycle, as in /api/v1/cycles/{id}/.")),
    ("country", gettext_lazy("Country code"),
     gettext_lazy("The country's ISO 3166 alpha-3 code.")),
    ("country_name", gettext_lazy("Country"), gettext_lazy("The country's name, in English.")),
    ("region", gettext_lazy("Region"),
     gettext_lazy("The country's region: Africa, Americas, Asia, Europe or Oceania.")),
    ("indicator", gettext_lazy("Indicator code"),
     gettext_lazy("The indicator's code in the cycle's matrix (the indicators are listed "
                  "below).")),
    ("indicator_title", gettext_lazy("Indicator"),
     gettext_lazy("The indicator's title, in the language of the download.")),
    ("type", gettext_lazy("Answer type"),
     gettext_lazy("The indicator's type: whole_number, decimal, percentage, money, yes_no, "
                  "single_choice, year or free_text.")),
    ("unit", gettext_lazy("Unit"),
     gettext_lazy("The unit of the values, in the language of the download.")),
    ("value", gettext_lazy("Value"),
     gettext_lazy("The answer, when the indicator is not disaggregated by sex: a number "
                  "written in full with a point for decimals, true or false for yes or no, the "
                  "stored value of a choice, or the text of a free-text answer.")),
    ("value_label", gettext_lazy("Value label"),
     gettext_lazy("The label of a choice or of yes or no, in the language of the download.")),
    ("female", gettext_lazy("Female"),
     gettext_lazy("For an indicator disaggregated by sex: the value for women and girls.")),
    ("male", gettext_lazy("Male"),
     gettext_lazy("For an indicator disaggregated by sex: the value for men and boys.")),
    ("total", gettext_lazy("Total"),
     gettext_lazy("For an indicator disaggregated by sex: the value for everyone.")),
    ("currency", gettext_lazy("Currency"),
     gettext_lazy("For an amount of money: the ISO 4217 code of its currency.")),
    ("year", gettext_lazy("Reference year"), gettext_lazy("The year the answer refers to.")),
    ("source", gettext_lazy("Data source"),
     gettext_lazy("Where the data comes from, as the country wrote it.")),
    ("note", gettext_lazy("Note"), gettext_lazy("The country's note on its answer.")),
    ("not_available", gettext_lazy("Data not available"),
     gettext_lazy("true when the country reported that the data is not available (the values "
                  "are then empty), otherwise false.")),
    ("reason", gettext_lazy("Reason"), gettext_lazy("Why the data is not available.")),
]  # fmt: skip
SEXES = ("female", "male", "total")


def _answers(cycle: ReviewCycle) -> QuerySet[Answer]:
    """The cycle's public answers in the API's order (GET /api/v1/answers/?cycle=<id>)."""
    return api.in_answer_order(published.answers().filter(review__cycle_id=cycle.pk))


def answers_json(cycle: ReviewCycle) -> dict[str, Any]:
    """The cycle as the API describes it, its licence, and exactly the API's answers for it."""
    return {
        "cycle": CycleOut.from_orm(api.published_cycle(cycle.pk)).model_dump(mode="json"),
        "licence": LICENCE.of(cycle),
        "answers": [AnswerOut.from_orm(a).model_dump(mode="json") for a in _answers(cycle)],
    }


def _cell(value: Any) -> Any:
    """A value as a cell: empty for nothing, true or false for yes or no, otherwise itself."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _label(answer: Answer, labels: dict[str, str]) -> str:
    value = answer.values.get("value")
    if answer.indicator.type == IndicatorType.YES_NO and isinstance(value, bool):
        return _("Yes") if value else _("No")
    return labels.get(value, "") if isinstance(value, str) else ""


def answers_table(cycle: ReviewCycle) -> tuple[list[str], list[list[Any]]]:
    """One row per public answer of the cycle, in the API's order (see COLUMNS)."""
    rows = []
    for answer in _answers(cycle).prefetch_related("indicator__options"):
        review, indicator, values = answer.review, answer.indicator, answer.values
        labels = {option.value: option.label for option in indicator.options.all()}
        rows.append([
            review.pk, review.cycle_id, review.country.iso3, review.country.name,
            review.country.region, indicator.code, indicator.title, indicator.type,
            indicator.unit, _cell(values.get("value")), _label(answer, labels),
            *(_cell(values.get(sex)) for sex in SEXES), answer.currency,
            answer.reference_year, answer.source, answer.note, _cell(answer.not_available),
            answer.reason,
        ])  # fmt: skip
    return [name for name, _title, _description in COLUMNS], rows


def dictionary(cycle: ReviewCycle, language: str) -> tuple[list[str], list[list[Any]]]:
    """What each column of the answers table means, then every indicator of the cycle's
    matrix (code, title, outcome, area, type, unit, by sex, SDG code, choices), in `language`."""
    with translation.override(language):
        return _dictionary(cycle)


def _dictionary(cycle: ReviewCycle) -> tuple[list[str], list[list[Any]]]:
    header = [_("Part"), _("Name or code"), _("Title"), _("Description"), _("Outcome"),
              _("Area"), _("Type"), _("Unit"), _("Disaggregated by sex"), _("SDG indicator"),
              _("Choices")]  # fmt: skip
    rows: list[list[Any]] = [
        [_("Column of the answers"), name, str(title), str(description), *[""] * 7]
        for name, title, description in COLUMNS
    ]
    for indicator in published.indicators(cycle):
        area = indicator.area
        choices = "; ".join(f"{o.value} = {o.label}" for o in indicator.options.all())
        rows.append([
            _("Indicator"), indicator.code, indicator.title, "",
            f"{area.outcome.code} {area.outcome.title}", f"{area.code} {area.title}",
            str(IndicatorType(indicator.type).label), indicator.unit,
            _("yes") if indicator.by_sex else _("no"), indicator.sdg_code, choices,
        ])  # fmt: skip
    return header, rows


def dictionary_json(cycle: ReviewCycle, language: str) -> dict[str, Any]:
    """The dictionary for programs: the columns, and the indicators as the API gives them."""
    with translation.override(language):
        return _dictionary_json(cycle, language)


def _dictionary_json(cycle: ReviewCycle, language: str) -> dict[str, Any]:
    return {
        "cycle": CycleOut.from_orm(api.published_cycle(cycle.pk)).model_dump(mode="json"),
        "language": language,
        "licence": LICENCE.of(cycle),
        "columns": [
            {"name": name, "title": str(title), "description": str(description)}
            for name, title, description in COLUMNS
        ],
        "indicators": [
            IndicatorOut.from_orm(i).model_dump(mode="json") for i in published.indicators(cycle)
        ],
    }


def _about(cycle: ReviewCycle) -> tuple[str, list[str], list[list[Any]]]:
    """The workbook's sheet that says whose data it is and under which licence."""
    licence = LICENCE.of(cycle)
    return (_("Licence"), [_("About these data"), ""], [
        [_("Review cycle"), cycle.name],
        [_("Licence"), licence["name"]],
        [_("Licence text"), licence["url"]],
        [_("Attribution"), licence["attribution"]],
        [_("Columns"), _("The data dictionary of the cycle explains every column and "
                         "indicator, in six languages.")],
    ])  # fmt: skip


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def answers_file(cycle: ReviewCycle, fmt: str) -> bytes:
    """The body of the answers download in `fmt` (csv, xlsx or json)."""
    if fmt == "json":
        return _json(answers_json(cycle))
    header, rows = answers_table(cycle)
    if fmt == "xlsx":
        return spreadsheets.to_xlsx(header, rows, title=_("Answers"), more_sheets=[_about(cycle)])
    return spreadsheets.to_csv(header, rows)


def dictionary_file(cycle: ReviewCycle, language: str, fmt: str) -> bytes:
    """The body of the data dictionary in `language` and `fmt` (csv, xlsx or json)."""
    if fmt == "json":
        return _json(dictionary_json(cycle, language))
    header, rows = dictionary(cycle, language)
    if fmt == "xlsx":
        with translation.override(language):
            return spreadsheets.to_xlsx(
                header, rows, title=_("Data dictionary"), more_sheets=[_about(cycle)]
            )
    return spreadsheets.to_csv(header, rows)


def file_name(cycle: ReviewCycle, what: str, fmt: str) -> str:
    """An ASCII file name: safer-cities-2021-2023-review-cycle-answers.csv."""
    slug = slugify(cycle.name.replace("–", "-").replace("—", "-")) or f"cycle-{cycle.pk}"
    return f"safer-cities-{slug}-{what}.{fmt}"
