"""What the review editor reads and writes: saving a draft (refused when someone else saved
first), the answers, what still keeps a review from being submitted, and its progress."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from indicators.answers import AnswerForm
from indicators.models import Indicator
from reviews.contributors import WHOLE, Part
from reviews.models import (
    Answer,
    Comment,
    CommentThread,
    Review,
    ReviewStatus,
    ThreadStatus,
    Transition,
)
from reviews.sections import SECTIONS, word_count


class StaleEdit(Exception):
    """Someone else saved the review after the version this edit started from."""

    def __init__(self, review: Review):
        super().__init__("stale edit")
        self.review = review


@dataclass
class Missing:
    """One thing that keeps a review from being submitted, with where to fix it."""

    anchor: str
    message: str


def answer_values(form: AnswerForm) -> dict:
    """The cleaned values of an answer form as JSON (numbers as exact text)."""
    data = form.cleaned_data
    names = [name for name, _label in form.value_field_names()]

    def as_json(value):
        return (
            str(value) if value is not None and not isinstance(value, (bool, int, str)) else value
        )

    return {name.removeprefix("value_"): as_json(data.get(name)) for name in names}


def save_draft(
    review: Review,
    *,
    by: User,
    base_version: int,
    sections: dict[str, str],
    language: str | None = None,
    answer_forms: Sequence[AnswerForm] = (),
    part: Part = WHOLE,
) -> Review:
    """Save the editor's content if nobody saved since `base_version`; else raise StaleEdit.

    Valid answers are stored with their values; invalid ones keep what was typed (`raw`).
    Only what `part` holds is written (a contributor's: `contributors.part_of(by)`), whatever
    else was sent.
    """
    with transaction.atomic(), pghistory.context(user=by.pk):
        # Lock the row, then compare versions: the second of two saves waits, then loses.
        current = (
            Review.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=review.pk)
        )
        if not current.is_editable:
            raise ValidationError(_("This review can no longer be edited."))
        if current.lock_version != base_version:
            raise StaleEdit(current)
        keys = {s.key for s in SECTIONS if part.has_section(s.key)}
        changes = {key: text for key, text in sections.items() if key in keys}
        if language and part.everything:
            changes["language"] = language
        Review.objects.filter(pk=review.pk).update(
            **changes, lock_version=F("lock_version") + 1, updated_by=by, updated_at=timezone.now()
        )
        stored = {a.indicator_id: a for a in Answer.objects.filter(review=review)}
        for form in answer_forms:
            if part.has_indicator(form.indicator):
                _store_answer(review, form, stored.get(form.indicator.pk))
        return Review.objects.get(pk=review.pk)


def editor_forms(review: Review, indicators, data=None) -> list[AnswerForm]:
    """The editor's answer forms: bound to what was posted, or showing each stored answer
    (with its errors as soon as the editor opens, when what was typed last time was invalid)."""
    answers = {a.indicator_id: a for a in review.answers.all()}
    forms = []
    for indicator in indicators:
        prefix = f"ind-{indicator.pk}"
        initial = {}
        answer = answers.get(indicator.pk)
        if answer and answer.raw:
            initial = {k: v for k, v in answer.raw.items()}
        options = [(o.value, o.label) for o in indicator.options.all()]
        form = AnswerForm(
            indicator, data, prefix=prefix, initial=initial, options=options, require=False
        )
        if data is None and answer and not answer.is_valid:
            # Show the error of what was typed last time as soon as the editor opens.
            form = AnswerForm(
                indicator,
                {f"{prefix}-{k}": v for k, v in answer.raw.items()},
                prefix=prefix,
                options=options,
                require=False,
            )
        forms.append(form)
    return forms


def answer_forms_for(review: Review, answers: dict[str, dict]) -> list[AnswerForm]:
    """Bound answer forms from {indicator code: {field: value}}, as the editor posts them, to
    fill a review from data (the demo, tests) through the same validation as the editor."""
    forms = []
    for indicator in matrix_indicators(review):
        if indicator.code in answers:
            prefix = f"ind-{indicator.pk}"
            data = {f"{prefix}-{k}": v for k, v in answers[indicator.code].items()}
            options = [(o.value, o.label) for o in indicator.options.all()]
            forms.append(AnswerForm(indicator, data, prefix=prefix, options=options, require=False))
    return forms


def _store_answer(review: Review, form: AnswerForm, answer: Answer | None) -> None:
    """Store what the form holds as the review's answer (`answer`, the one stored, if any).
    The review's row is locked by the caller: no other save of its answers runs meanwhile."""
    # PostgreSQL's JSON cannot hold NUL; the form already refuses it, so show a stand-in.
    raw = {
        name: str(form.data.get(form.add_prefix(name), "")).replace("\x00", "\ufffd")
        for name in form.fields
    }
    defaults = {"raw": raw, "is_valid": form.is_valid()}
    if form.is_valid():
        data = form.cleaned_data
        defaults |= {
            "values": answer_values(form),
            "currency": data.get("currency") or "",
            "reference_year": data.get("reference_year"),
            "source": data.get("source", ""),
            "note": data.get("note", ""),
            "not_available": bool(data.get("not_available")),
            "reason": (data.get("reason") or "").strip() if data.get("not_available") else "",
        }
    if answer is None:
        answer, created = Answer.objects.get_or_create(
            review=review, indicator=form.indicator, defaults=defaults
        )
        if created:
            return
    # Autosave posts every answer each time: an answer it leaves as it was is not written
    # again (no update, no history row), and a copied answer keeps its mark until it changes.
    if all(getattr(answer, name) == value for name, value in defaults.items()):
        return
    if answer.carried_from_id and _changes(answer, defaults):
        defaults["carried_from"] = None
    for name, value in defaults.items():
        setattr(answer, name, value)
    answer.save(update_fields=[*defaults, "updated_at"])


def _changes(answer: Answer, defaults: dict) -> bool:
    """Whether saving `defaults` changes what the answer says: its values and details when
    they validate (however they were typed), else what was typed; line ends as either."""

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value.replace("\r\n", "\n") if isinstance(value, str) else value

    names = [n for n in defaults if n != "raw"] if defaults["is_valid"] else ["raw", "is_valid"]
    return any(plain(getattr(answer, n)) != plain(defaults[n]) for n in names)


def missing_for_submission(review: Review, indicators=None) -> list[Missing]:
    """Exactly what is missing or wrong, in report order; empty when the review can go.
    `indicators`: the review's `matrix_indicators`, when the caller has them already."""
    missing = []
    for section in SECTIONS:
        text = review.section_text(section.key).strip()
        if section.required and not text:
            missing.append(
                Missing(
                    f"section-{section.key}",
                    _("Section %(n)d, “%(title)s”, is empty.")
                    % {"n": section.number, "title": section.title},
                )
            )
        elif word_count(text) > section.word_limit:
            missing.append(
                Missing(
                    f"section-{section.key}",
                    _("Section %(n)d is over its limit of %(limit)d words.")
                    % {"n": section.number, "limit": section.word_limit},
                )
            )
    answers = {a.indicator_id: a for a in review.answers.all()}
    for indicator in matrix_indicators(review) if indicators is None else indicators:
        answer = answers.get(indicator.pk)
        if answer and not answer.is_valid:
            missing.append(
                Missing(
                    f"indicator-{indicator.code}",
                    _("Indicator %(code)s has a value that is not valid.")
                    % {"code": indicator.code},
                )
            )
        elif indicator.required and not (answer and answer.is_answered):
            missing.append(
                Missing(
                    f"indicator-{indicator.code}",
                    _(
                        "Indicator %(code)s is required: answer it, or mark the data as not available and say why."
                    )
                    % {"code": indicator.code},
                )
            )
    return missing  # fmt: skip


def progress_of(review: Review, indicators=None) -> dict:
    """Per section: words against the limit; per outcome: indicators answered."""
    sections = []
    for section in SECTIONS:
        words = word_count(review.section_text(section.key))
        state = "over" if words > section.word_limit else ("written" if words else "empty")
        sections.append({"section": section, "words": words, "state": state})
    answered = {a.indicator_id for a in review.answers.all() if a.is_valid and a.is_answered}
    outcomes: dict = {}
    for indicator in matrix_indicators(review) if indicators is None else indicators:
        row = outcomes.setdefault(indicator.area.outcome, {"answered": 0, "total": 0})
        row["total"] += 1
        row["answered"] += indicator.pk in answered
    return {"sections": sections, "outcomes": outcomes}


def matrix_indicators(review: Review):
    """The indicators this review answers, in matrix order, with their options."""
    return Indicator.objects.of_matrix(review.cycle.matrix)


def by_outcome(items, indicator_of) -> dict:
    """{outcome: {area: [item, …]}} in matrix order, for items that each concern an indicator."""
    outcomes: dict = {}
    for item in items:
        area = indicator_of(item).area
        outcomes.setdefault(area.outcome, {}).setdefault(area, []).append(item)
    return outcomes


def last_return(review: Review) -> Transition | None:
    """The step that returned the review for revision, while it is returned (its reason and
    who gave it): what the focal point reads first."""
    if review.status != ReviewStatus.RETURNED:
        return None
    returns = review.transitions.filter(to_status=ReviewStatus.RETURNED)
    return returns.select_related("by").order_by("-at", "-pk").first()


def threads_of(review: Review) -> list[CommentThread]:
    """Every comment thread of the review with its comments and their authors (3 queries)."""
    comments = Comment.objects.select_related("author")
    return list(
        review.threads.select_related("indicator", "resolved_by").prefetch_related(
            Prefetch("comments", queryset=comments)
        )
    )


def by_anchor(threads: Sequence[CommentThread]) -> dict[str, list[CommentThread]]:
    """Threads grouped by what they are about: "section-<key>", "indicator-<code>", "" (the
    whole review); open threads before resolved ones."""
    grouped: dict[str, list[CommentThread]] = defaultdict(list)
    for thread in sorted(threads, key=lambda t: t.status != ThreadStatus.OPEN):
        grouped[thread.anchor].append(thread)
    return dict(grouped)


def navigator(
    progress: dict, missing: Sequence[Missing], threads: Sequence[CommentThread], indicators
) -> dict:
    """The editor's section navigator: per section and per outcome, whether something is still
    required, whether it is done, and how many comments wait for an answer."""
    waiting = Counter(t.anchor for t in threads if t.status == ThreadStatus.OPEN)
    blocking = {m.anchor for m in missing}
    sections = []
    for row in progress["sections"]:
        section = row["section"]
        anchor = f"section-{section.key}"
        if row["state"] == "over":
            state = "over"
        elif anchor in blocking:
            state = "required"
        else:
            state = "done" if row["state"] == "written" else "optional"
        sections.append({**row, "anchor": anchor, "state": state, "comments": waiting[anchor]})
    outcomes: dict = {}
    for indicator in indicators:
        outcome = indicator.area.outcome
        row = outcomes.setdefault(outcome, {"missing": 0, "comments": 0})
        anchor = f"indicator-{indicator.code}"
        row["missing"] += anchor in blocking
        row["comments"] += waiting[anchor]
    return {
        "sections": sections,
        "outcomes": [
            {"outcome": outcome, **progress["outcomes"][outcome], **row}
            for outcome, row in outcomes.items()
        ],
        "general_comments": waiting[""],
    }
