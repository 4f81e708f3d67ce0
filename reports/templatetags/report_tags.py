"""The PDFs of a review, for the review's page (reviews' template loads this panel; the
reviews app itself knows nothing of reports)."""

from django import template

from reports.models import JobStatus, RenderJob, ReportFile

register = template.Library()


@register.inclusion_tag("reports/includes/review_pdfs.html", takes_context=True)
def review_pdfs(context, review) -> dict:
    """The review's PDFs the reader may download, and its renders still under way or failed."""
    user = context["request"].user
    return {
        "review": review,
        "review_pdfs": ReportFile.objects.visible_to(user)
        .filter(review=review)
        .select_related("snapshot", "cycle", "review__country"),
        "pending_jobs": RenderJob.objects.visible_to(user).filter(
            review=review, status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED]
        ),
    }
