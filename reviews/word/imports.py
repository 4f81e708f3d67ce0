"""Word documents out and back in: exporting a review, reading an edited document, showing
what it would change, and applying it as one draft save.

Three versions meet when a document comes back: what the export held (`WordExport.content`),
what the document holds now, and what the draft holds now. A section or an answer the person
changed in the document is a change when the draft still holds what was exported; when the
draft changed too (someone saved in the portal meanwhile) and differently, it is a conflict,
and the import is refused naming every conflict: nothing is lost on either side.
"""

import hashlib
from dataclasses import dataclass, field

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.uploads import DOCX, validate_upload
from indicators.answers import AnswerForm
from reviews import editor, snapshots
from reviews.contributors import Part
from reviews.models import Review, WordExport, WordImport
from reviews.sections import BY_KEY, SECTIONS, word_count
from reviews.word import content, markers, reader, writer

# --- Out ---------------------------------------------------------------------------------------


def export_review(review: Review, *, by: User) -> tuple[WordExport, bytes]:
    """Record what the review holds now and build its document."""
    prefetch_related_objects([review], "answers")
    indicators = list(editor.matrix_indicators(review))
    export = WordExport.objects.create(
        review=review, matrix=review.cycle.matrix, base_version=review.lock_version,
        language=review.language, content=content.review_content(review, indicators),
        created_by=by,
    )  # fmt: skip
    return export, writer.build(review, export, indicators, editor.threads_of(review))


def file_name(review: Review) -> str:
    cycle = "".join(ch if ch.isalnum() else "-" for ch in review.cycle.name).strip("-")
    return f"review-{review.country.iso3}-{cycle}.docx".replace("--", "-")


# --- In: reading ------------------------------------------------------------------------------


def read_upload(review: Review, upload, *, by: User) -> WordImport:
    """Check and read an uploaded document of `review`; raise a ValidationError (for the
    file field) saying exactly why it cannot be imported."""
    if upload.size <= settings.UPLOAD_MAX_BYTES:
        reader.check_kind(upload)
    validate_upload(upload, (DOCX,))
    upload.seek(0)
    data = upload.read()
    document = reader.read(data)
    export = _export_of(review, document.marker)
    indicators = list(editor.matrix_indicators(review))
    read = _interpret(document, export, indicators)
    return WordImport.objects.create(
        review=review, export=export, document_name=(upload.name or "document.docx")[-200:],
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), content=read, created_by=by,
    )  # fmt: skip


def _export_of(review: Review, marker: str | None) -> WordExport:
    if marker is None:
        raise ValidationError(
            _("This document was not exported from the portal: it has none of the hidden markers "
              "with which the portal reads a review back. Export the review as a Word document, "
              "write in that document, and import it."),
            code="no_marker",
        )  # fmt: skip
    data = markers.unsign(marker)
    if data is None:
        raise ValidationError(
            _("This document's hidden markers were changed, so it cannot be read back safely. "
              "Export the review again and copy your text into the new document."),
            code="tampered",
        )  # fmt: skip
    export = (
        WordExport.objects.filter(
            key=str(data.get("export")), review_id=int(data.get("review") or 0)
        )
        .select_related("created_by", "review__country", "review__cycle")
        .first()
    )
    if export is None:
        raise ValidationError(_("This document's export is not known to the portal."))
    if data.get("country") != review.country.iso3:
        raise ValidationError(
            _("This document is the review of another country (%(country)s), not of %(this)s.")
            % {"country": export.review.country.name, "this": review.country.name},
            code="other_country",
        )
    if export.review_id != review.pk:
        raise ValidationError(
            _("This document is your country's review for another cycle (%(cycle)s), not for "
              "%(this)s.") % {"cycle": export.review.cycle.name, "this": review.cycle.name},
            code="other_review",
        )  # fmt: skip
    matrix = review.cycle.matrix
    if export.matrix_id != matrix.pk:
        raise ValidationError(
            _("This document was exported for another version of the indicator matrix; the "
              "review now answers version %(version)d. Export the review again.")
            % {"version": matrix.version},
            code="other_matrix",
        )  # fmt: skip
    last = review.word_imports.filter(applied_at__isnull=False).order_by("-applied_at").first()
    if last and last.applied_at and export.created_at < last.applied_at:
        raise ValidationError(
            _("This document was exported on %(exported)s, before the last import into this "
              "draft (“%(name)s”, on %(imported)s). Its other parts are out of date: export the "
              "review again and make your changes in the new document.")
            % {
                "exported": formats.date_format(export.created_at, "DATETIME_FORMAT"),
                "name": last.document_name,
                "imported": formats.date_format(last.applied_at, "DATETIME_FORMAT"),
            },
            code="stale",
        )  # fmt: skip
    return export


def _interpret(document: reader.ReadDocument, export: WordExport, indicators) -> dict:
    """The document's sections and answers in the shape of `WordExport.content`, with what
    could not be read and what the reader left out (for the preview)."""
    names = markers.bookmarks_of(export)
    read: dict = {"sections": {}, "answers": {}, "unread": [], "missing": [], "notices": {}}
    for name, lines in document.sections.items():
        kind, key = names.get(name, ("", ""))
        if kind == "s":
            read["sections"][key] = content.normalise_text("\n".join(lines))
    with translation.override(export.language):
        for indicator in indicators:
            cells = document.rows.get(markers.bookmark(export.key, "i", indicator.code))
            if indicator.code not in export.content["answers"]:
                continue
            if cells is None or len(cells) < 5:
                read["missing"].append(indicator.code)
                continue
            english_options = {
                o.value: getattr(o, "label_en", None) or o.label for o in indicator.options.all()
            }
            found, unread = content.parse_answer_cell(
                indicator, cells[1], content.english_labels(indicator), english_options
            )
            join = lambda lines: content.normalise_text("\n".join(lines))  # noqa: E731
            found |= {"reference_year": join(cells[2]), "source": join(cells[3]),
                      "note": join(cells[4])}  # fmt: skip
            read["answers"][indicator.code] = found
            read["unread"] += [[indicator.code, line] for line in unread]
    read["missing"] += [k for k in export.content["sections"] if k not in read["sections"]]
    unknown = {n for n in [*document.sections, *document.rows] if n not in names}
    read["notices"] = {
        "tracked_changes": document.tracked_changes,
        "comments": document.comments,
        "unknown_markers": len(unknown),
    }
    return read


# --- In: what it would change -------------------------------------------------------------


@dataclass
class Change:
    """One section or answer the document changes: where, before (the draft) and after."""

    kind: str  # "section" or "answer"
    key: str  # section key or indicator code
    label: str
    anchor: str
    before: str = ""
    after: str = ""
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # label, before, after
    problems: list[str] = field(default_factory=list)

    @property
    def html(self):
        """The change with removed words struck through and added ones marked (escaped)."""
        return snapshots.word_diff(self.before, self.after)

    @property
    def field_html(self) -> list[tuple[str, object]]:
        return [(label, snapshots.word_diff(old, new)) for label, old, new in self.fields]


@dataclass
class Preview:
    changes: list[Change]
    conflicts: list[Change]  # changed in the draft meanwhile, differently
    not_yours: list[Change]  # a contributor's document changing parts not assigned to them
    base_version: int  # the draft's version the preview was computed against

    @property
    def problems(self) -> list[str]:
        return [problem for change in self.changes for problem in change.problems]


def preview(word_import: WordImport, review: Review, part: Part) -> Preview:
    """What accepting `word_import` would change in the draft as it is now."""
    prefetch_related_objects([review], "answers")
    indicators = {i.code: i for i in editor.matrix_indicators(review)}
    exported, document = word_import.export.content, word_import.content
    current = content.review_content(review, indicators.values())
    result = Preview([], [], [], review.lock_version)
    for section in SECTIONS:
        key = section.key
        if key not in document["sections"]:
            continue
        before, mine, theirs = exported["sections"][key], document["sections"][key], current[
            "sections"][key]  # fmt: skip
        if mine == before or mine == theirs:
            continue
        change = Change("section", key, f"{section.number}. {section.title}", f"section-{key}",
                        theirs, mine)  # fmt: skip
        words = word_count(mine)
        if words > section.word_limit:
            change.problems.append(
                _("%(label)s: %(words)d words, over its limit of %(limit)d.")
                % {"label": change.label, "words": words, "limit": section.word_limit}
            )
        _place(result, change, theirs != before, part.has_section(key))
    for code, mine in document["answers"].items():
        indicator = indicators.get(code)
        if indicator is None:
            continue
        before, theirs = exported["answers"][code], current["answers"][code]
        if mine == before or mine == theirs:
            continue
        change = Change("answer", code, f"{code} {indicator.title}", f"indicator-{code}")
        change.fields = _field_changes(indicator, theirs, mine)
        change.problems = _answer_problems(indicator, mine)
        _place(result, change, theirs != before, part.has_indicator(indicator))
    return result


def _place(result: Preview, change: Change, changed_meanwhile: bool, yours: bool) -> None:
    if not yours:
        result.not_yours.append(change)
    elif changed_meanwhile:
        result.conflicts.append(change)
    else:
        result.changes.append(change)


def _field_labels(indicator) -> dict[str, str]:
    form = AnswerForm(indicator, require=False)
    return {name: str(f.label) for name, f in form.fields.items()}


def _field_changes(indicator, before: dict, after: dict) -> list[tuple[str, str, str]]:
    labels = _field_labels(indicator)
    shown = {"on": _("Yes"), "": ""}
    rows = []
    for name in content.answer_fields(indicator):
        old, new = before.get(name, ""), after.get(name, "")
        if old != new:
            if name == "not_available":
                old, new = shown.get(old, old), shown.get(new, new)
            rows.append((labels.get(name, name), old, new))
    return rows


def answer_form(indicator, answer: dict) -> AnswerForm:
    """The editor's form for an answer read from a document (the same validation)."""
    prefix = f"ind-{indicator.pk}"
    data = {f"{prefix}-{k}": v for k, v in answer.items() if k != "not_available"}
    if answer.get("not_available"):
        data[f"{prefix}-not_available"] = "on"
    options = [(o.value, o.label) for o in indicator.options.all()]
    return AnswerForm(indicator, data, prefix=prefix, options=options, require=False)


def _answer_problems(indicator, answer: dict) -> list[str]:
    form = answer_form(indicator, answer)
    if form.is_valid():
        return []
    labels = _field_labels(indicator)
    problems = []
    for name, errors in form.errors.items():
        typed = answer.get(name, "")
        where = f"{indicator.code}, {labels.get(name, name)}"
        for error in errors:
            problems.append(f"{where}: “{typed}”: {error}" if typed else f"{where}: {error}")
    return problems


# --- In: applying --------------------------------------------------------------------------


class Refused(Exception):
    """The import cannot be applied now; `preview` says why (conflicts) or what it would do
    now (the draft was saved since the preview was shown)."""

    def __init__(self, preview: Preview, reason: str):
        super().__init__(reason)
        self.preview = preview
        self.reason = reason


def apply_import(word_import: WordImport, *, by: User, part: Part, seen_version: int) -> Review:
    """Apply the document's changes to the draft as one save, if the draft is still as the
    preview the person accepted (`seen_version`) and nothing conflicts."""
    with transaction.atomic():
        review = Review.objects.select_for_update(of=("self",)).select_related(
            "cycle", "country").get(pk=word_import.review_id)  # fmt: skip
        word_import = WordImport.objects.select_for_update().get(pk=word_import.pk)
        if word_import.applied_at:
            raise ValidationError(_("This document was already imported."))
        if not review.is_editable:
            raise ValidationError(_("This review can no longer be edited."))
        _export_of(review, markers.sign(word_import.export))  # still the latest, not stale
        result = preview(word_import, review, part)
        if result.conflicts:
            raise Refused(result, "conflicts")
        if review.lock_version != seen_version:
            raise Refused(result, "changed")
        indicators = {i.code: i for i in editor.matrix_indicators(review)}
        sections = {c.key: word_import.content["sections"][c.key] for c in result.changes
                    if c.kind == "section"}  # fmt: skip
        forms = [
            answer_form(indicators[c.key], word_import.content["answers"][c.key])
            for c in result.changes
            if c.kind == "answer"
        ]
        with pghistory.context(word_document=word_import.document_name):
            review = editor.save_draft(
                review, by=by, base_version=review.lock_version, sections=sections,
                answer_forms=forms,
            )  # fmt: skip
        word_import.applied_at = timezone.now()
        word_import.applied_version = review.lock_version
        word_import.save(update_fields=["applied_at", "applied_version"])
        return review


def section_title(key: str) -> str:
    section = BY_KEY[key]
    return f"{section.number}. {section.title}"
