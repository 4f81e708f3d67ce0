"""What a submission freezes, and how two submissions differ, section by section."""

import datetime
import difflib

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from indicators.models import Indicator, Matrix
from reviews.models import Answer
from reviews.sections import SECTIONS


def capture(review) -> dict:
    """Everything the review says, as plain JSON."""
    answers = {}
    for answer in review.answers.select_related("indicator"):
        answers[answer.indicator.code] = {
            "values": answer.values,
            "currency": answer.currency,
            "reference_year": answer.reference_year,
            "source": answer.source,
            "note": answer.note,
            "not_available": answer.not_available,
            "reason": answer.reason,
        }
    return {
        "language": review.language,
        "matrix_version": review.cycle.matrix.version,
        "sections": {s.key: review.section_text(s.key) for s in SECTIONS},
        "answers": answers,
        "practices": [
            {f: getattr(p, f) for f in ("title", "city", "period", "description", "results", "partners", "tools_used")}
            for p in review.practices.all()
        ],
        "municipalities": [
            {"name": m.name, "province": m.province, "population": m.population,
             "joined_on": m.joined_on.isoformat() if m.joined_on else None,
             "has_safety_strategy": m.has_safety_strategy}
            for m in review.country.municipalities.all()
        ],
        "attachments": [
            {"name": a.original_name, "kind": a.kind, "size": a.size, "sha256": a.sha256}
            for a in review.attachments.all()
        ],
    }  # fmt: skip


def as_submitted(review, snapshot) -> dict:
    """What a snapshot says, in the shapes the review page and the PDF show: the narrative
    sections, the answers beside the indicators of the matrix version answered, and the good
    practices, municipalities and attachments as they were when it was submitted."""
    content = snapshot.content
    matrix = Matrix.objects.get(cycle_id=review.cycle_id, version=content["matrix_version"])
    answers = {code: Answer(**fields) for code, fields in content["answers"].items()}
    return {
        "sections": {s.key: content["sections"].get(s.key, "") for s in SECTIONS},
        "rows": [(i, answers.get(i.code)) for i in Indicator.objects.of_matrix(matrix)],
        "practices": content.get("practices", []),
        "municipalities": [
            m | {"joined_on": datetime.date.fromisoformat(m["joined_on"]) if m.get("joined_on") else None}
            for m in content.get("municipalities", [])
        ],
        "attachments": content.get("attachments", []),
    }  # fmt: skip


def _word_diff(old: str, new: str) -> SafeString:
    """`new` with deleted words struck through and added words marked, HTML-escaped."""
    a, b = old.split(" "), new.split(" ")
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(out))  # every piece above is escaped


def diff(old: dict | None, new: dict, titles: dict[str, str] | None = None) -> list[dict]:
    """For each section and each answer that changed: what it was, what it is, marked up.

    `titles` names the indicators by code ("1.4" → "1.4 Local municipalities in …").
    """
    titles = titles or {}
    old = old or {"sections": {}, "answers": {}}
    changes = []
    for section in SECTIONS:
        before = old["sections"].get(section.key, "")
        after = new["sections"].get(section.key, "")
        if before != after:
            changes.append(
                {"title": f"{section.number}. {section.title}", "html": _word_diff(before, after)}
            )
    for code in sorted(set(old["answers"]) | set(new["answers"]), key=_code_key):
        before, after = old["answers"].get(code), new["answers"].get(code)
        if before != after:
            changes.append(
                {
                    "title": titles.get(code, code),
                    "html": _word_diff(_answer_text(before), _answer_text(after)),
                }
            )
    return changes


def _code_key(code: str):
    return [int(p) if p.isdecimal() else p for p in code.split(".")]


def _answer_text(answer: dict | None) -> str:
    if not answer:
        return ""
    if answer.get("not_available"):
        return f"{_('not available')}: {answer.get('reason', '')}"
    values = ", ".join(
        str(v) if k == "value" else f"{k} {v}"
        for k, v in answer.get("values", {}).items()
        if v not in (None, "")
    )
    extra = " ".join(
        str(answer.get(k) or "") for k in ("currency", "reference_year", "source", "note")
    )
    return f"{values} {extra}".strip()
