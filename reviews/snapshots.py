"""What a submission freezes, and how two submissions differ, section by section."""

import datetime
import difflib
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Field
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countries.models import Municipality
from indicators.answers import SEXES
from indicators.models import Indicator, IndicatorType, Matrix
from reviews.models import Answer, GoodPractice
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


def word_diff(old: str, new: str) -> SafeString:
    """`new` with deleted words struck through and added words marked, HTML-escaped."""
    a, b = (old.split(" ") if old else []), (new.split(" ") if new else [])
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


def changes_between(older, newer) -> list[dict]:
    """The changes from the snapshot `older` (None for a first submission) to `newer`, with
    the indicators named as the matrix versions they answered name them."""
    contents = [s.content for s in (older, newer) if s is not None]
    versions = {c.get("matrix_version") for c in contents}
    indicators = {  # the newer version's wording wins for a code both versions have
        i.code: i
        for i in Indicator.objects.filter(matrix__cycle_id=newer.review.cycle_id,
                                          matrix__version__in=versions)
        .prefetch_related("options").order_by("matrix__version")
    }  # fmt: skip
    return diff(older.content if older else None, newer.content, indicators)


def diff(old: dict | None, new: dict, indicators: dict[str, Indicator] | None = None) -> list[dict]:
    """What changed from one submission to the next, in report order.

    Each change has a `title` (the section's number and title, the indicator's code and title,
    or which good practice, municipality or attachment) and either `html`, a narrative's text
    with removed words struck through and added words underlined, or `fields`: one line per
    field that changed, each {"label", "html", "typed"} (`typed`: text someone wrote, shown in
    its own direction). Fields that did not change are not listed. `indicators` (code →
    Indicator, with its options) names the indicators and their choices.
    """
    indicators = indicators or {}
    old = old or {}
    changes: list[dict] = []
    for section in SECTIONS:
        before = old.get("sections", {}).get(section.key, "")
        after = new["sections"].get(section.key, "")
        if before != after:
            changes.append({"title": f"{section.number}. {section.title}",
                            "html": word_diff(before, after)})  # fmt: skip
    for kind in (MUNICIPALITIES, PRACTICES):
        changes += _record_changes(kind, old.get(kind.key, []), new.get(kind.key, []))
    old_answers, new_answers = old.get("answers", {}), new["answers"]
    for code in sorted(set(old_answers) | set(new_answers), key=_code_key):
        indicator = indicators.get(code)
        fields = _changed_fields(
            _answer_fields(old_answers.get(code), indicator),
            _answer_fields(new_answers.get(code), indicator),
        )
        if fields:
            title = f"{code} {indicator.title}" if indicator else code
            changes.append({"title": title, "fields": fields})
    changes += _record_changes(ATTACHMENTS, old.get("attachments", []), new.get("attachments", []))
    return changes


def _code_key(code: str):
    return [int(p) if p.isdecimal() else p for p in code.split(".")]


def _changed_fields(before: list[tuple], after: list[tuple]) -> list[dict]:
    """One line per field whose text differs: (label, text, typed) lists in the same order."""
    return [
        {"label": label, "html": word_diff(old_text, new_text), "typed": typed}
        for (label, old_text, typed), (_same, new_text, _also) in zip(before, after, strict=True)
        if old_text != new_text
    ]


def _yes_no(value) -> str:
    return {True: _("Yes"), False: _("No")}.get(value, "") if isinstance(value, bool) else ""


def _answer_fields(answer: dict | None, indicator: Indicator | None) -> list[tuple]:
    """An answer's fields as (label, text, typed), in the order of the form; empty texts for
    no answer. The values are read by key, so by-sex values keep the form's order."""
    answer = answer or {}
    values = answer.get("values") or {}
    labels = {o.value: o.label for o in indicator.options.all()} if indicator else {}
    typed_value = indicator is None or indicator.type == IndicatorType.FREE_TEXT

    def show(value) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return _yes_no(value)
        return str(labels.get(value, value))

    return [
        (_("Value"), show(values.get("value")), typed_value),
        *((label, show(values.get(sex)), False) for sex, label in SEXES),
        (_("Currency"), answer.get("currency") or "", False),
        (_("Reference year"), str(answer.get("reference_year") or ""), False),
        (_("Source"), answer.get("source") or "", True),
        (_("Note"), answer.get("note") or "", True),
        (_("Not available"), _("Yes") if answer.get("not_available") else "", False),
        (_("Reason the data is not available"), answer.get("reason") or "", True),
    ]


@dataclass(frozen=True)
class RecordKind:
    """A list of a snapshot whose items are compared one by one: which key of the snapshot,
    what tells two versions of an item apart, what names it, and how it is titled when it
    changed, was added or was removed."""

    key: str
    identity: str
    name: str
    changed: Promise  # "%(name)s": the item's name
    added: Promise
    removed: Promise
    fields: Callable[[dict], list[tuple]]


def _label(model, name: str) -> str:
    """A model field's name as a form labels it ("Province or state")."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return capfirst(str(field.verbose_name))


def _practice_fields(practice: dict) -> list[tuple]:
    names = ("city", "period", "description", "results", "partners", "tools_used")
    return [(_label(GoodPractice, n), practice.get(n) or "", True) for n in names]


def _municipality_fields(municipality: dict) -> list[tuple]:
    joined = municipality.get("joined_on")
    population = municipality.get("population")
    return [
        (_label(Municipality, "province"), municipality.get("province") or "", True),
        (_label(Municipality, "population"),
         "" if population is None else intcomma(population), False),
        (_label(Municipality, "joined_on"),
         date_format(datetime.date.fromisoformat(joined)) if joined else "", False),
        (_label(Municipality, "has_safety_strategy"),
         _yes_no(municipality.get("has_safety_strategy")), False),
    ]  # fmt: skip


def _attachment_fields(attachment: dict) -> list[tuple]:
    size = attachment.get("size")
    return [
        (_("File name"), attachment.get("name") or "", True),
        (_("Type"), (attachment.get("kind") or "").upper(), False),
        (_("Size"), filesizeformat(size) if size is not None else "", False),
    ]


MUNICIPALITIES = RecordKind(
    "municipalities", "name", "name", gettext_lazy("Municipality: %(name)s"),
    gettext_lazy("Municipality added: %(name)s"), gettext_lazy("Municipality removed: %(name)s"),
    _municipality_fields,
)  # fmt: skip
PRACTICES = RecordKind(
    "practices", "title", "title", gettext_lazy("Good practice: %(name)s"),
    gettext_lazy("Good practice added: %(name)s"), gettext_lazy("Good practice removed: %(name)s"),
    _practice_fields,
)  # fmt: skip
ATTACHMENTS = RecordKind(
    "attachments", "sha256", "name", gettext_lazy("Evidence attachment: %(name)s"),
    gettext_lazy("Evidence attachment added: %(name)s"),
    gettext_lazy("Evidence attachment removed: %(name)s"), _attachment_fields,
)  # fmt: skip


def _record_changes(kind: RecordKind, before: list[dict], after: list[dict]) -> list[dict]:
    """The items added, removed or changed, matched by their identity (a good practice by its
    title, a municipality by its name, an attachment by its content), in the newer order with
    the removed ones last."""
    old, new = _by_identity(kind, before), _by_identity(kind, after)
    empty = [(label, "", typed) for label, _text, typed in kind.fields({})]
    changes = []
    for key in [*new, *(k for k in old if k not in new)]:
        was, now = old.get(key), new.get(key)
        fields = _changed_fields(
            kind.fields(was) if was else empty, kind.fields(now) if now else empty
        )
        if was and now and not fields:
            continue
        title = kind.changed if was and now else kind.added if now else kind.removed
        name = (now or was or {}).get(kind.name) or ""
        changes.append({"title": _titled(str(title), name), "fields": fields})
    return changes


def _by_identity(kind: RecordKind, items: list[dict]) -> dict[tuple, dict]:
    """Items by (identity, how many before it share it): two practices of the same title stay
    two."""
    seen: dict[str, int] = {}
    keyed = {}
    for item in items:
        identity = str(item.get(kind.identity) or "")
        keyed[identity, seen.get(identity, 0)] = item
        seen[identity] = seen.get(identity, 0) + 1
    return keyed


def _titled(template: str, name: str) -> SafeString:
    """A translated title with the item's name, as typed, isolated in its own direction."""
    return mark_safe(escape(template) % {"name": format_html("<bdi>{}</bdi>", name)})  # escaped
