"""The reviews' services: starting a review, taking a workflow step, and comment threads.

Every state change goes through `_take`, which reads the step from the table of
reviews/workflow.py: it locks the review row, checks the state it starts from and the cycle's,
records a Transition (who, when, from, to, why), queues its e-mail for the worker after the
commit and sends the step's hook (in the transaction). Views never assign `.status`.
"""

from collections.abc import Callable

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from countries.models import Country
from indicators.models import CycleStatus, Indicator, ReviewCycle
from reviews import carry, editor, signals, snapshots, tasks
from reviews.models import (
    Comment,
    CommentThread,
    Review,
    Snapshot,
    ThreadStatus,
    Transition,
)
from reviews.workflow import STEPS, ReviewStatus, Step


@transaction.atomic
def start_review(
    country: Country, cycle: ReviewCycle, *, by: User, from_last: bool = False
) -> Review:
    """The country's review of an open cycle, created as a draft the first time; with
    `from_last`, started from the country's last approved review (reviews/carry.py)."""
    if cycle.status != CycleStatus.OPEN:
        raise ValidationError(_("Reviews can only be started while the cycle is open."))
    with pghistory.context(user=by.pk):
        review, created = Review.objects.get_or_create(
            country=country, cycle=cycle,
            defaults={"updated_by": by, "language": by.language or "en"},
        )  # fmt: skip
        source = carry.last_approved(country, cycle) if created and from_last else None
        if source is not None:
            carry.carry_over(source, review)
    return review


# --- Workflow steps ---------------------------------------------------------------------------


def _take(step: Step, review: Review, *, by: User, reason: str = "", snapshot=None) -> Review:
    """Move the (locked) review along `step`, or raise a ValidationError saying why not."""
    review = Review.objects.select_for_update().select_related("cycle").get(pk=review.pk)
    if review.status not in step.sources:
        raise ValidationError(
            _("A review that is %(status)s cannot be %(action)s.")
            % {"status": review.get_status_display().lower(),
               "action": step.done_label}
        )  # fmt: skip
    if review.cycle.status not in step.cycle_states:
        raise ValidationError(
            _("The cycle is %(status)s: this step cannot be taken now.")
            % {"status": review.cycle.get_status_display().lower()}
        )
    reason = (reason or "").strip()
    if step.reason and not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    transition = Transition.objects.create(
        review=review, from_status=review.status, to_status=step.target, by=by, reason=reason,
        snapshot=snapshot,
    )  # fmt: skip
    with pghistory.context(user=by.pk):
        Review.objects.filter(pk=review.pk).update(status=step.target, updated_at=timezone.now())
    review.status = step.target
    if step.emails:
        tasks.notify_transition.delay_on_commit(transition.pk)
    if step.hook:
        snapshot = snapshot or review.snapshots.order_by("-version").first()
        step.hook.send(sender=Review, review=review, snapshot=snapshot, by=by)
    return review


@transaction.atomic
def submit_review(review: Review, *, by: User) -> Review:
    """Submit (or resubmit) a complete review; its content is frozen as a new snapshot."""
    review = Review.objects.select_for_update().select_related("cycle").get(pk=review.pk)
    if review.cycle.status != CycleStatus.OPEN:
        raise ValidationError(_("The cycle is not open for submissions."))
    missing = editor.missing_for_submission(review)
    if missing:
        raise ValidationError([m.message for m in missing])
    snapshot = Snapshot.objects.create(
        review=review, version=review.snapshots.count() + 1, content=snapshots.capture(review),
        created_by=by,
    )  # fmt: skip
    return _take(STEPS["submit"], review, by=by, snapshot=snapshot)


@transaction.atomic
def return_review(review: Review, *, by: User, reason: str) -> Review:
    return _take(STEPS["return"], review, by=by, reason=reason)


@transaction.atomic
def approve_review(review: Review, *, by: User) -> Review:
    """Approve the submitted version (its final PDF and a new compiled report follow)."""
    return _take(STEPS["approve"], review, by=by)


@transaction.atomic
def withdraw_review(review: Review, *, by: User, reason: str) -> Review:
    return _take(STEPS["withdraw"], review, by=by, reason=reason)


@transaction.atomic
def reinstate_review(review: Review, *, by: User) -> Review:
    return _take(STEPS["reinstate"], review, by=by)


@transaction.atomic
def reopen_review(review: Review, *, by: User, reason: str) -> Review:
    if review.cycle.status == CycleStatus.PUBLISHED:
        raise ValidationError(_("The cycle is published: its reviews can no longer be reopened."))
    return _take(STEPS["reopen"], review, by=by, reason=reason)


@transaction.atomic
def publish_reviews(cycle: ReviewCycle, *, by: User) -> int:
    """When a cycle is published, its approved reviews become published."""
    reviews = list(
        Review.objects.select_for_update().filter(cycle=cycle, status=ReviewStatus.APPROVED)
    )
    for review in reviews:
        _take(STEPS["publish"], review, by=by)
    signals.reviews_published.send(sender=Review, cycle=cycle, by=by)
    return len(reviews)


BY_STEP: dict[str, Callable[..., Review]] = {
    "submit": submit_review,
    "withdraw": withdraw_review,
    "return": return_review,
    "approve": approve_review,
    "reinstate": reinstate_review,
    "reopen": reopen_review,
}


def take_step(name: str, review: Review, *, by: User, reason: str = "") -> Review:
    """Take the step `name` of the table (what the review page's actions post)."""
    kwargs = {"reason": reason} if STEPS[name].reason else {}
    return BY_STEP[name](review, by=by, **kwargs)


# --- Comment threads --------------------------------------------------------------------------


@transaction.atomic
def add_comment(
    review: Review, *, by: User, body: str, section: str = "", indicator: Indicator | None = None
) -> CommentThread:
    """Open a thread on the whole review, one section or one indicator answer."""
    thread = CommentThread.objects.create(review=review, section=section, indicator=indicator)
    Comment.objects.create(thread=thread, author=by, body=body)
    return thread


def reply(thread: CommentThread, *, by: User, body: str) -> Comment:
    return Comment.objects.create(thread=thread, author=by, body=body)


def set_thread_status(thread: CommentThread, *, by: User, resolved: bool) -> CommentThread:
    """Resolve the thread (who and when are kept) or open it again."""
    thread.status = ThreadStatus.RESOLVED if resolved else ThreadStatus.OPEN
    thread.resolved_at, thread.resolved_by = (timezone.now(), by) if resolved else (None, None)
    thread.save(update_fields=["status", "resolved_at", "resolved_by"])
    return thread
