"""A review's content as a Word document holds it, the same way on the way out and back in.

`review_content(review, indicators)` is what the export writes and records; the reader
(reviews/word/reader.py) reads a document back into the same shape, so that comparing the two
says exactly what a person changed:

    {"sections": {section key: text}, "answers": {indicator code: {form field: text}}}

Section text is normalised (lines stripped at the end, no blank lines before or after); an
answer is the editor's own fields (indicators.answers.AnswerForm): "value" or "value_female",
"value_male", "value_total", "currency" for money, "reference_year", "source", "note",
"not_available" ("on" or "") and "reason", as text. What the document shows for an answer
(labels for yes/no and choices, "Female: …" lines) is translated by `cell_lines` and back by
`parse_answer_cell`, in the document's language.
"""

import re

from django.utils.translation import gettext as _

from indicators.answers import SEXES
from indicators.models import Indicator, IndicatorType
from reviews.sections import SECTIONS

TEXT_FIELDS = ("reference_year", "source", "note")
_LABELLED = re.compile(r"^\s*([^:：]{1,40}?)\s*[:：]\s*(.*)$", re.S)


def normalise_text(text: str) -> str:
    """Text as a document and the editor both hold it: Unix line ends, no trailing blanks."""
    lines = [line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n").strip()


def value_fields(indicator: Indicator) -> list[str]:
    names = [f"value_{sex}" for sex, _label in SEXES] if indicator.by_sex else ["value"]
    return names + (["currency"] if indicator.type == IndicatorType.MONEY else [])


def answer_fields(indicator: Indicator) -> list[str]:
    return [*value_fields(indicator), *TEXT_FIELDS, "not_available", "reason"]


def canonical_answer(indicator: Indicator, raw: dict) -> dict[str, str]:
    """An answer's fields as text, the way the document shows them: a value that does not count
    (typed, then marked "not available") is left out."""
    not_available = str(raw.get("not_available") or "").lower() in ("on", "true", "1", "yes")
    answer = {name: normalise_text(str(raw.get(name) or "")) for name in answer_fields(indicator)}
    answer["not_available"] = "on" if not_available else ""
    if not_available:
        answer |= dict.fromkeys(value_fields(indicator), "")
    else:
        answer["reason"] = ""
    if answer.get("currency"):
        answer["currency"] = answer["currency"].upper()
    return answer


def review_content(review, indicators) -> dict:
    """What `review` holds now, in the document's shape (its answers read once, prefetched)."""
    answers = {a.indicator_id: a for a in review.answers.all()}
    content: dict = {
        "sections": {s.key: normalise_text(review.section_text(s.key)) for s in SECTIONS},
        "answers": {},
    }
    for indicator in indicators:
        answer = answers.get(indicator.pk)
        content["answers"][indicator.code] = canonical_answer(
            indicator, _raw_of(answer) if answer else {}
        )
    return content


def _raw_of(answer) -> dict:
    """What the editor shows of a stored answer: what was typed (`raw`), or, for an answer
    stored without it (older data), its values."""
    if answer.raw:
        return answer.raw
    raw = {f"value_{k}" if k != "value" else "value": v for k, v in answer.values.items()}
    for key, value in list(raw.items()):
        if isinstance(value, bool):
            raw[key] = "yes" if value else "no"
    return raw | {
        "currency": answer.currency,
        "reference_year": answer.reference_year or "",
        "source": answer.source,
        "note": answer.note,
        "not_available": "on" if answer.not_available else "",
        "reason": answer.reason,
    }


# --- The answer cell: what it shows, and reading it back ----------------------------------


def _labels(indicator: Indicator) -> dict[str, str]:
    """Field name → the label written before its value in the answer cell (active language)."""
    labels = {f"value_{sex}": str(label) for sex, label in SEXES}
    labels["value"] = _("Value")
    labels["currency"] = _("Currency")
    labels["not_available"] = _("Data not available")
    return labels


def _shown(indicator: Indicator, text: str) -> str:
    """A stored value as the document shows it: yes/no and choices by their labels."""
    if indicator.type == IndicatorType.YES_NO:
        return {"yes": _("Yes"), "no": _("No")}.get(text, text)
    if indicator.type == IndicatorType.SINGLE_CHOICE:
        return {o.value: o.label for o in indicator.options.all()}.get(text, text)
    return text


def _stored(indicator: Indicator, text: str, english: dict[str, str]) -> str:
    """A value as typed in the document, back to what the editor stores (labels of yes/no and
    choices in the document's language or in English, or the stored value itself)."""
    key = _fold(text)
    if indicator.type == IndicatorType.YES_NO:
        choices = {_fold(_("Yes")): "yes", _fold(_("No")): "no", "yes": "yes", "no": "no"}
        return choices.get(key, text)
    if indicator.type == IndicatorType.SINGLE_CHOICE:
        choices = {}
        for option in indicator.options.all():
            choices[_fold(option.value)] = option.value
            choices[_fold(option.label)] = option.value
            choices[_fold(english.get(option.value, ""))] = option.value
        return choices.get(key, text) if key else text
    return text


def _fold(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def cell_lines(indicator: Indicator, answer: dict[str, str]) -> list[str]:
    """The answer cell's lines: the value alone, or one "Label: value" line per field (by sex,
    money's currency), or "Data not available: <reason>"."""
    labels = _labels(indicator)
    if answer.get("not_available"):
        return [f"{labels['not_available']}: {answer.get('reason', '')}"]
    names = value_fields(indicator)
    if names == ["value"]:
        return (_shown(indicator, answer.get("value", "")) or "").split("\n")
    return [f"{labels[name]}: {_shown(indicator, answer.get(name, ''))}" for name in names]


def parse_answer_cell(
    indicator: Indicator, lines: list[str], english_labels: dict[str, str], english_options
) -> tuple[dict[str, str], list[str]]:
    """The value fields (and "not available") an answer cell holds, and what could not be
    read in it. Labels are recognised in the document's language (active) and in English."""
    labels = {_fold(v): k for k, v in _labels(indicator).items()}
    labels |= {_fold(v): k for k, v in english_labels.items()}
    names = value_fields(indicator)
    found: dict[str, str] = dict.fromkeys(names, "")
    found |= {"not_available": "", "reason": ""}
    unread: list[str] = []
    text = normalise_text("\n".join(lines))
    if not text:
        return found, unread
    current = None
    for line in text.split("\n"):
        match = _LABELLED.match(line)
        field = labels.get(_fold(match.group(1))) if match else None
        if field == "not_available":
            found["not_available"], current = "on", "reason"
            found["reason"] = match.group(2).strip() if match else ""
            continue
        if field in names and (names != ["value"] or field == "value"):
            current = field
            found[field] = match.group(2).strip() if match else ""
            continue
        if current in ("reason", "value") or (names == ["value"] and current is None):
            target = current or "value"
            found[target] = f"{found[target]}\n{line}" if found[target] else line
            current = target
        elif line.strip():
            unread.append(line.strip())
    for name in names:
        found[name] = normalise_text(found[name])
        if name != "currency":
            found[name] = _stored(indicator, found[name], english_options)
    found["reason"] = normalise_text(found["reason"])
    if found["not_available"]:
        found |= dict.fromkeys(names, "")
    if found.get("currency"):
        found["currency"] = found["currency"].upper()
    return found, unread


def english_labels(indicator: Indicator) -> dict[str, str]:
    """The cell's labels in English (a document may mix them with its own language's)."""
    from django.utils import translation

    with translation.override("en"):
        return _labels(indicator)
