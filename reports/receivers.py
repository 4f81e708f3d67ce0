"""What reports does when the reviews announce a step (reviews/signals.py), inside the step's
transaction: the jobs are rows now and messages to the worker after the commit."""

from django.conf import settings
from django.dispatch import receiver

from reports import jobs
from reviews import signals


@receiver(signals.review_submitted)
def draft_pdf(sender, review, snapshot, by, **kwargs) -> None:
    """The secretariat gets the submitted version as a PDF marked DRAFT."""
    jobs.request_review_pdf(review, snapshot, draft=True, by=by)


@receiver(signals.review_approved)
def final_pdf_and_compile(sender, review, snapshot, by, **kwargs) -> None:
    """The approved version's PDF, and the cycle's report compiled again (once, a little after
    the last of several approvals)."""
    jobs.request_review_pdf(review, snapshot, draft=False, by=by)
    jobs.request_compiles(review.cycle, by=by, delay=settings.DOSSIER_DEBOUNCE_SECONDS)


@receiver(signals.reviews_published)
def published_compile(sender, cycle, by, **kwargs) -> None:
    """The published version of the compiled report."""
    jobs.request_compiles(cycle, by=by)
