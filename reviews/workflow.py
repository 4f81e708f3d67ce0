"""The review workflow (SPEC §5.1), whole, on one screen.

    draft ──submit──▶ submitted ──approve──▶ approved ──publish (cycle)──▶ published
      ▲                  │
      │            return (reason)
      └──── resubmit ◀── returned
    withdraw: draft / returned / submitted → withdrawn (reason)
    reinstate: withdrawn → draft (secretariat)
    reopen: approved → returned (secretariat admin, reason, before the cycle is published)

`STEPS` is the one table of it: which states a step starts from, where it leads, who may take
it, whether a reason is required, in which states of the cycle, who is e-mailed, and which hook
the apps built on reviews receive (reports renders PDFs on them). The services (reviews/
services.py) take a step through this table and the review page offers the steps it allows.
A review can be edited in `EDITABLE` states while its cycle is open.
"""

from dataclasses import dataclass

from django.db import models
from django.dispatch import Signal
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from indicators.models import CycleStatus
from reviews import signals


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


EDITABLE = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)
# Who is e-mailed about a step: nobody, the secretariat, or the country's focal points.
SECRETARIAT, COUNTRY = "secretariat", "country"
ANY_CYCLE = (CycleStatus.OPEN, CycleStatus.CLOSED, CycleStatus.PUBLISHED)


@dataclass(frozen=True)
class Step:
    name: str
    label: Promise
    sources: tuple[str, ...]
    target: str
    permission: str | None  # None: taken by the portal itself (publishing a cycle)
    reason: bool = False
    cycle_states: tuple[str, ...] = ANY_CYCLE
    emails: str = ""
    hook: Signal | None = None
    done: Promise | None = None  # "cannot be <done>": when it is not the target state's name

    @property
    def done_label(self) -> str:
        return str(self.done or ReviewStatus(self.target).label).lower()


S = ReviewStatus
STEPS: dict[str, Step] = {
    step.name: step
    for step in [
        Step("submit", _("Submit"), (S.DRAFT, S.RETURNED), S.SUBMITTED, "reviews.submit_review",
             cycle_states=(CycleStatus.OPEN,), emails=SECRETARIAT, hook=signals.review_submitted),
        Step("withdraw", _("Withdraw"), (S.DRAFT, S.RETURNED, S.SUBMITTED), S.WITHDRAWN,
             "reviews.submit_review", reason=True, cycle_states=(CycleStatus.OPEN,)),
        Step("return", _("Return for revision"), (S.SUBMITTED,), S.RETURNED,
             "reviews.decide_review", reason=True, emails=COUNTRY),
        Step("approve", _("Approve"), (S.SUBMITTED,), S.APPROVED, "reviews.decide_review",
             emails=COUNTRY, hook=signals.review_approved),
        Step("reinstate", _("Reinstate"), (S.WITHDRAWN,), S.DRAFT, "reviews.decide_review",
             done=_("reinstated")),
        Step("reopen", _("Reopen"), (S.APPROVED,), S.RETURNED, "reviews.reopen_review",
             reason=True, cycle_states=(CycleStatus.OPEN, CycleStatus.CLOSED), emails=COUNTRY,
             done=_("reopened")),
        Step("publish", _("Publish"), (S.APPROVED,), S.PUBLISHED, None,
             cycle_states=(CycleStatus.PUBLISHED,)),  # then signals.reviews_published, once
    ]
}  # fmt: skip
# Who the e-mail of a step that leads to a state goes to (notifications.notify_transition).
EMAILED = {step.target: step.emails for step in STEPS.values() if step.emails}


def is_editable(status: str, cycle_status: str) -> bool:
    return status in EDITABLE and cycle_status == CycleStatus.OPEN


def offered(review, user) -> list[Step]:
    """The steps the review's page offers `user`: from its state, in its cycle's state, with
    the permission (the portal's own steps are never offered)."""
    return [
        step
        for step in STEPS.values()
        if step.permission
        and review.status in step.sources
        and review.cycle.status in step.cycle_states
        and user.has_perm(step.permission)
    ]
