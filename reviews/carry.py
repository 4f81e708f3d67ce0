"""Starting a review from the country's last approved one (issue 18).

`carry_over` copies into a newly started review the narrative sections of the source review
exactly, and each of its answers that the new cycle's matrix can still take: an indicator of
the same code, the same type and the same disaggregation by sex (and, for a single choice,
whose chosen option is still offered). Each copied answer names its source
(`Answer.carried_from`) until it is edited (`editor._store_answer`). `not_carried` says, in a
focal point's words, what could not be copied and why; the editor computes it again from the
source whenever it shows the list, so nothing about it is stored. Good practices and evidence
attachments are not copied.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from countries.models import Country
from indicators.answers import AnswerForm
from indicators.models import Indicator, IndicatorType, ReviewCycle
from reviews.models import Answer, Review
from reviews.sections import SECTION_KEYS
from reviews.workflow import ReviewStatus

# The reviews a new one may start from: approved by the secretariat.
SOURCE_STATUSES = (ReviewStatus.APPROVED, ReviewStatus.PUBLISHED)
# What an answer holds, copied as it is.
ANSWER_FIELDS = (
    "values", "raw", "currency", "reference_year", "source", "note", "not_available", "reason",
    "is_valid",
)  # fmt: skip


@dataclass(frozen=True)
class Left:
    """An answer of the source review that was not carried over, and why."""

    code: str
    title: str
    reason: str
    in_matrix: bool  # the indicator is still in the new matrix (changed, not removed)


def last_approved(country: Country, cycle: ReviewCycle | None = None) -> Review | None:
    """The country's last approved (or published) review of another cycle than `cycle`, the
    latest by the cycle's opening date."""
    reviews = Review.objects.filter(country=country, status__in=SOURCE_STATUSES)
    if cycle is not None:
        reviews = reviews.exclude(cycle=cycle)
    return reviews.select_related("cycle").order_by("-cycle__opens_on", "-pk").first()


def latest_of(reviews: Iterable[Review]) -> Review | None:
    """`last_approved` among reviews already read with their cycles (no query)."""
    approved = [r for r in reviews if r.status in SOURCE_STATUSES]
    return max(approved, key=lambda r: (r.cycle.opens_on, r.pk), default=None)


def carry_over(source: Review, review: Review) -> list[Left]:
    """Copy `source`'s sections and the answers the new matrix can take into `review`;
    return what was not carried over. Call it inside the transaction that starts `review`."""
    for key in SECTION_KEYS:
        setattr(review, key, source.section_text(key))
    review.language = source.language
    review.save(update_fields=[*SECTION_KEYS, "language", "updated_at"])
    carried, left = _sort(source, review)
    Answer.objects.bulk_create(
        Answer(
            review=review,
            indicator=indicator,
            carried_from=source,
            **{name: getattr(answer, name) for name in ANSWER_FIELDS},
        )
        for answer, indicator in carried
    )
    return left


def not_carried(source: Review, review: Review, indicators=None) -> list[Left]:
    """What of `source` the matrix of `review`'s cycle could not take, and why, in the order of
    the source's matrix. `indicators`: the new matrix's, when the caller has them already."""
    return _sort(source, review, indicators)[1]


def started_from(review: Review, indicators=None) -> dict | None:
    """While copied answers remain in `review` (its answers prefetched): the review it was
    started from, what was not carried over, and the indicators (pks) whose answers are still
    as they were copied; else None."""
    marked = {a.indicator_id: a.carried_from_id for a in review.answers.all() if a.carried_from_id}
    if not marked:
        return None
    source = Review.objects.select_related("cycle").get(pk=next(iter(marked.values())))
    return {
        "source": source,
        "left": not_carried(source, review, indicators),
        "marked": set(marked),
    }


def _sort(source: Review, review: Review, indicators=None):
    """(the answers to copy, each with its new indicator; the list of those left behind)."""
    new = {i.code: i for i in (indicators or Indicator.objects.of_matrix(review.cycle.matrix))}
    answers = (
        source.answers.select_related("indicator__area__outcome")
        .prefetch_related("indicator__options")
        .order_by("indicator__area__outcome__order", "indicator__area__order", "indicator__order")
    )
    carried, left = [], []
    for answer in answers:
        if not _holds_something(answer):
            continue  # an empty row of the editor: nothing to copy, nothing lost
        old = answer.indicator
        reason = _why_not(answer, old, new.get(old.code))
        if reason:
            in_matrix = old.code in new
            left.append(Left(code=old.code, title=old.title, reason=reason, in_matrix=in_matrix))
        else:
            carried.append((answer, new[old.code]))
    return carried, left


def _why_not(answer: Answer, old: Indicator, new: Indicator | None) -> str:
    """Why the answer cannot go to `new`, in words a focal point understands ("" if it can)."""
    if new is None:
        return _("removed from this cycle's matrix")
    if new.type != old.type:
        return _("its type changed from %(old)s to %(new)s") % {
            "old": IndicatorType(old.type).label,
            "new": IndicatorType(new.type).label,
        }
    if new.by_sex != old.by_sex:
        return _("no longer disaggregated by sex") if old.by_sex else _("now disaggregated by sex")
    if new.type == IndicatorType.SINGLE_CHOICE and not answer.not_available:
        offered = {o.value for o in new.options.all()}
        labels = {o.value: o.label for o in old.options.all()}
        for chosen in answer.values.values():
            if chosen not in (None, "") and chosen not in offered:
                return _("the option “%(option)s” is no longer offered") % {
                    "option": labels.get(chosen, chosen)
                }
    if answer.is_valid and answer.raw:
        # A rule of the new version (a shorter length limit, say) the old answer breaks.
        prefix = f"ind-{new.pk}"
        form = AnswerForm(
            new, {f"{prefix}-{k}": v for k, v in answer.raw.items()}, prefix=prefix, require=False
        )
        if not form.is_valid():
            errors = [str(m) for messages in form.errors.values() for m in messages]
            return _("its answer does not meet this cycle's rules: %(error)s") % {
                "error": errors[0]
            }
    return ""


def _holds_something(answer: Answer) -> bool:
    typed = any(str(v).strip() for v in answer.raw.values())
    return answer.is_answered or typed or bool(answer.source or answer.note)
