"""The indicator matrix as a flat table (one row per indicator), for CSV and XLSX.

Reading checks every row and reports each bad one with its line number; writing replaces a
draft matrix's tree. The seeded first-cycle matrix is a file in this same format.

The texts are English in the base columns; each other language has its own columns, named
after the base one (`indicator_title_ar`, `guidance_zh_hans`, `choices_fr`, …). Those are
optional when reading: a file without them imports with English texts only.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from indicators.models import IndicatorType

BASE_COLUMNS = [
    "outcome_code",
    "outcome_title",
    "area_code",
    "area_title",
    "indicator_code",
    "indicator_title",
    "guidance",
    "type",
    "unit",
    "required",
    "sdg_code",
    "by_sex",
    "max_length",
    "choices",
]
# The other languages, as column and field suffixes ("zh-hans" → "zh_hans").
LANGUAGES = [code.replace("-", "_") for code, _name in settings.LANGUAGES if code != "en"]
TEXT_COLUMNS = ["outcome_title", "area_title", "indicator_title", "guidance", "unit", "choices"]
COLUMNS = BASE_COLUMNS + [f"{c}_{lang}" for lang in LANGUAGES for c in TEXT_COLUMNS]
_LIMITS = {"outcome_title": 300, "area_title": 300, "indicator_title": 300, "unit": 60,
           "guidance": 5000}  # fmt: skip
_YES_NO = {"yes": True, "no": False}
_SDG = re.compile(r"^SDG [0-9]{1,2}\.[0-9a-z]{1,2}\.[0-9]{1,2}$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


@dataclass
class IndicatorRow:
    code: str
    title: str
    guidance: str
    type: str
    unit: str
    required: bool
    sdg_code: str
    by_sex: bool
    max_length: int | None
    options: list[tuple[str, str]]
    # "title"/"guidance"/"unit" → {language: text}; language → {option value: label}
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    option_labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def labels_of(self, value: str) -> dict[str, str]:
        """The other languages' labels of the option `value`: language → label."""
        return {
            lang: labels[value] for lang, labels in self.option_labels.items() if value in labels
        }


@dataclass
class AreaRow:
    code: str
    title: str
    titles: dict[str, str] = field(default_factory=dict)  # language → title
    indicators: list[IndicatorRow] = field(default_factory=list)


@dataclass
class OutcomeRow:
    code: str
    title: str
    titles: dict[str, str] = field(default_factory=dict)  # language → title
    areas: dict[str, AreaRow] = field(default_factory=dict)


def _text(node, field_name: str, lang: str = "en") -> str:
    return getattr(node, f"{field_name}_{lang}") or ""


def _choices(indicator, lang: str = "en") -> str:
    labels = [(o.value, _text(o, "label", lang)) for o in indicator.options.all()]
    return "\n".join(f"{value}={label}" for value, label in labels if label)


def _texts(outcome, area, ind, lang: str = "en") -> list[str]:
    """The cells of TEXT_COLUMNS for one row in `lang` (area and ind may be None)."""
    return [
        _text(outcome, "title", lang),
        _text(area, "title", lang) if area else "",
        _text(ind, "title", lang) if ind else "",
        _text(ind, "guidance", lang) if ind else "",
        _text(ind, "unit", lang) if ind else "",
        _choices(ind, lang) if ind else "",
    ]


def export_rows(matrix) -> list[list[str]]:
    """The matrix as rows under COLUMNS; outcomes and areas without indicators get a row too."""
    rows = []
    for outcome in matrix_tree(matrix):
        for area in outcome.areas.all() or [None]:
            for ind in (area.indicators.all() if area else None) or [None]:
                o_title, a_title, i_title, guidance, unit, choices = _texts(outcome, area, ind)
                row = [outcome.code, o_title, area.code if area else "", a_title]
                if ind:
                    row += [ind.code, i_title, guidance, ind.type, unit]
                    row += ["yes" if ind.required else "no", ind.sdg_code]
                    row += ["yes" if ind.by_sex else "no"]
                    row += ["" if ind.max_length is None else str(ind.max_length), choices]
                else:
                    row += [""] * (len(BASE_COLUMNS) - 4)
                for lang in LANGUAGES:
                    row += _texts(outcome, area, ind, lang)
                rows.append(row)
    return rows


def matrix_tree(matrix):
    """Outcomes with their areas, indicators and options, in four queries."""
    from django.db.models import Prefetch

    from indicators.models import Area, ChoiceOption, Indicator, Outcome

    return Outcome.objects.filter(matrix=matrix).prefetch_related(
        Prefetch(
            "areas",
            queryset=Area.objects.prefetch_related(
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.prefetch_related(
                        Prefetch("options", queryset=ChoiceOption.objects.all())
                    ),
                )
            ),
        )
    )


def parse_rows(table: list[tuple[int, dict[str, str]]]) -> tuple[list[OutcomeRow], list[str]]:
    """The tree the rows describe, and one message per bad row ("Line 7: …")."""
    errors: list[str] = []
    if table:
        missing = [c for c in BASE_COLUMNS if c not in table[0][1]]
        if missing:
            return [], [
                _("The header lacks these columns: %(cols)s.") % {"cols": ", ".join(missing)}
            ]
    outcomes: dict[str, OutcomeRow] = {}
    area_owner: dict[str, str] = {}
    seen_indicators: dict[str, int] = {}
    for line, row in table:
        cells = {k: (v or "").strip() for k, v in row.items()}
        problems = _row_problems(cells, outcomes, area_owner, seen_indicators)
        if problems:
            errors.append(
                _("Line %(line)d: %(problems)s") % {"line": line, "problems": "; ".join(problems)}
            )
            continue
        outcome = outcomes.setdefault(
            cells["outcome_code"],
            OutcomeRow(cells["outcome_code"], cells["outcome_title"],
                       _translations(cells, "outcome_title")),
        )  # fmt: skip
        outcome.titles = _translations(cells, "outcome_title") | outcome.titles
        if not cells["area_code"]:
            continue
        area_owner[cells["area_code"]] = outcome.code
        area = outcome.areas.setdefault(
            cells["area_code"],
            AreaRow(cells["area_code"], cells["area_title"], _translations(cells, "area_title")),
        )
        area.titles = _translations(cells, "area_title") | area.titles
        if not cells["indicator_code"]:
            continue
        seen_indicators[cells["indicator_code"]] = line
        area.indicators.append(_indicator(cells))
    if not errors and not any(a.indicators for o in outcomes.values() for a in o.areas.values()):
        errors.append(_("The file holds no indicator."))
    return list(outcomes.values()), errors


def _row_problems(cells, outcomes, area_owner, seen_indicators) -> list[str]:
    problems = []
    limits = {"outcome_code": 10, "area_code": 10, "indicator_code": 10} | _LIMITS
    limits |= {f"{c}_{lang}": n for c, n in _LIMITS.items() for lang in LANGUAGES}
    for column, limit in limits.items():
        if len(cells.get(column, "")) > limit:
            problems.append(
                _("%(col)s is longer than %(limit)d characters") % {"col": column, "limit": limit}
            )
    if any("\x00" in v for v in cells.values()):
        problems.append(_("a cell contains a NUL character"))
    if not cells["outcome_code"] or not cells["outcome_title"]:
        problems.append(_("the outcome needs a code and a title"))
    elif cells["outcome_code"] in outcomes and not _same_titles(
        outcomes[cells["outcome_code"]], cells, "outcome_title"
    ):
        problems.append(
            _("outcome %(code)s has another title on an earlier line")
            % {"code": cells["outcome_code"]}
        )
    area_code = cells["area_code"]
    if area_code:
        if not cells["area_title"]:
            problems.append(_("the area needs a title"))
        owner = area_owner.get(area_code)
        if owner and owner != cells["outcome_code"]:
            problems.append(
                _("area %(code)s already belongs to outcome %(owner)s")
                % {"code": area_code, "owner": owner}
            )
        elif owner and not _same_titles(outcomes[owner].areas[area_code], cells, "area_title"):
            problems.append(
                _("area %(code)s has another title on an earlier line") % {"code": area_code}
            )
    code = cells["indicator_code"]
    if not code:
        if any(cells[c] for c in ("indicator_title", "type", "choices")):
            problems.append(_("the indicator needs a code"))
        return problems
    if not area_code:
        problems.append(_("the indicator needs an area"))
    if code in seen_indicators:
        problems.append(
            _("indicator code %(code)s is already on line %(line)d")
            % {"code": code, "line": seen_indicators[code]}
        )
    if not cells["indicator_title"]:
        problems.append(_("the indicator needs a title"))
    if cells["type"] not in IndicatorType.values:
        problems.append(
            _("unknown type “%(type)s” (use one of: %(types)s)")
            % {"type": cells["type"][:40], "types": ", ".join(IndicatorType.values)}
        )
    for column in ("required", "by_sex"):
        if cells[column].lower() not in _YES_NO:
            problems.append(_("%(col)s must be yes or no") % {"col": column})
    if cells["sdg_code"] and not _SDG.match(cells["sdg_code"]):
        problems.append(_("the SDG indicator must look like “SDG 11.7.2”"))
    if cells["max_length"] and not (
        cells["max_length"].isdecimal() and 0 < int(cells["max_length"]) <= 100000
    ):
        problems.append(_("max_length must be a whole number from 1 to 100000"))
    options, option_problems = _options(cells["choices"])
    problems += option_problems
    if cells["type"] == IndicatorType.SINGLE_CHOICE and not option_problems and len(options) < 2:
        problems.append(_("a single-choice indicator needs at least two choices"))
    if cells["type"] != IndicatorType.SINGLE_CHOICE and options:
        problems.append(_("only single-choice indicators have choices"))
    values = {value for value, _label in options}
    for lang in LANGUAGES:
        translated, translated_problems = _options(cells.get(f"choices_{lang}", ""))
        unknown = [value for value, _label in translated if value not in values]
        if translated_problems or unknown:
            problems.append(
                _("choices_%(lang)s must give labels, as value=Label, to the values of choices")
                % {"lang": lang}
            )
    return problems


def _same_titles(node: OutcomeRow | AreaRow, cells: dict[str, str], column: str) -> bool:
    """Whether this row names the outcome or area as an earlier row did, in every language
    both give (a language left empty on one row takes the other's)."""
    if node.title != cells[column]:
        return False
    given = _translations(cells, column)
    return all(node.titles.get(lang, text) == text for lang, text in given.items())


def _translations(cells: dict[str, str], column: str) -> dict[str, str]:
    """The other languages' texts of `column` in this row, where there are any."""
    texts = {lang: cells.get(f"{column}_{lang}", "") for lang in LANGUAGES}
    return {lang: text for lang, text in texts.items() if text}


def _options(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    options, problems, values = [], [], set()
    for line in text.splitlines():
        if not line.strip():
            continue
        value, sep, label = line.partition("=")
        value, label = value.strip(), label.strip()
        if not sep or not value or not label:
            problems.append(_("each choice must read value=Label"))
        elif not _SLUG.match(value) or len(value) > 60 or len(label) > 200:
            problems.append(
                _("choice value “%(value)s” must be letters, digits, - or _")
                % {"value": value[:40]}
            )
        elif value in values:
            problems.append(_("choice value “%(value)s” appears twice") % {"value": value})
        else:
            values.add(value)
            options.append((value, label))
    return options, problems


def _indicator(cells) -> IndicatorRow:
    return IndicatorRow(
        code=cells["indicator_code"],
        title=cells["indicator_title"],
        guidance=cells["guidance"],
        type=cells["type"],
        unit=cells["unit"],
        required=_YES_NO[cells["required"].lower()],
        sdg_code=cells["sdg_code"],
        by_sex=_YES_NO[cells["by_sex"].lower()],
        max_length=int(cells["max_length"]) if cells["max_length"] else None,
        options=_options(cells["choices"])[0],
        translations={f: _translations(cells, column) for f, column in _INDICATOR_TEXTS},
        option_labels={
            lang: dict(_options(cells.get(f"choices_{lang}", ""))[0]) for lang in LANGUAGES
        },
    )


_INDICATOR_TEXTS = [("title", "indicator_title"), ("guidance", "guidance"), ("unit", "unit")]


def _localized(model, field_name: str, english: str, texts: dict[str, str]) -> dict:
    """The keyword arguments that give `model` its `field_name` text in every language.

    A historical model (in a migration before the matrix had its language columns) takes the
    English text alone.
    """
    kwargs: dict[str, str | None] = {field_name: english}
    names = {f.name for f in model._meta.get_fields()}
    if f"{field_name}_en" in names:
        kwargs[f"{field_name}_en"] = english
        kwargs |= {f"{field_name}_{lang}": texts.get(lang) or None for lang in LANGUAGES}
    return kwargs


def write_tree(matrix, outcomes: list[OutcomeRow], get_model) -> None:
    """Replace the nodes of the (draft) `matrix` by `outcomes`.

    `get_model` is `apps.get_model`: the real registry, or a migration's historical one.
    """
    Outcome = get_model("indicators", "Outcome")
    Area = get_model("indicators", "Area")
    Indicator = get_model("indicators", "Indicator")
    ChoiceOption = get_model("indicators", "ChoiceOption")
    ChoiceOption.objects.filter(matrix=matrix).delete()
    Indicator.objects.filter(matrix=matrix).delete()
    Area.objects.filter(matrix=matrix).delete()
    Outcome.objects.filter(matrix=matrix).delete()
    # In English: the untranslated column of a translated field takes the active language's text.
    with translation.override("en"):
        for o_order, o in enumerate(outcomes):
            outcome = Outcome.objects.create(
                matrix=matrix, order=o_order, code=o.code,
                **_localized(Outcome, "title", o.title, o.titles),
            )  # fmt: skip
            for a_order, a in enumerate(o.areas.values()):
                area = Area.objects.create(
                    matrix=matrix, outcome=outcome, order=a_order, code=a.code,
                    **_localized(Area, "title", a.title, a.titles),
                )  # fmt: skip
                for i_order, i in enumerate(a.indicators):
                    texts = {f: i.translations.get(f, {}) for f in ("title", "guidance", "unit")}
                    indicator = Indicator.objects.create(
                        matrix=matrix, area=area, order=i_order, code=i.code, type=i.type,
                        required=i.required, sdg_code=i.sdg_code, by_sex=i.by_sex,
                        max_length=i.max_length,
                        **_localized(Indicator, "title", i.title, texts["title"]),
                        **_localized(Indicator, "guidance", i.guidance, texts["guidance"]),
                        **_localized(Indicator, "unit", i.unit, texts["unit"]),
                    )  # fmt: skip
                    ChoiceOption.objects.bulk_create(
                        ChoiceOption(
                            matrix=matrix,
                            indicator=indicator,
                            order=n,
                            value=v,
                            **_localized(ChoiceOption, "label", label, i.labels_of(v)),
                        )  # fmt: skip
                        for n, (v, label) in enumerate(i.options)
                    )


def copy_tree(source, target, get_model) -> None:
    """Give the draft `target` the same outcomes, areas, indicators and options as `source`."""
    table = [
        (n, dict(zip(COLUMNS, row, strict=True))) for n, row in enumerate(export_rows(source), 2)
    ]
    outcomes, errors = parse_rows(table)
    if errors:  # a matrix that was saved always reads back
        raise ValueError(errors)
    write_tree(target, outcomes, get_model)
