"""The preview of a review's PDF while it is being written: the pages its country would
submit, drawn from what is saved now, marked as a draft, never stored."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.access import permission_required
from accounts.http import PortalRequest
from reports import pdf
from reviews import snapshots
from reviews.models import Review, Snapshot
from reviews.views.pages import REVIEW


@require_safe
@permission_required("reviews.change_review", reach=REVIEW)
def review_preview(request: PortalRequest, review: Review) -> HttpResponse:
    """The review's PDF as it would be if it were submitted now (an unsaved version)."""
    latest = review.snapshots.order_by("-version").values_list("version", flat=True).first()
    draft = Snapshot(
        review=review, version=(latest or 0) + 1, content=snapshots.capture(review),
        created_at=timezone.now(), created_by=request.user,
    )  # fmt: skip
    try:
        rendered = pdf.render_review(pdf.review_document(review, draft, draft=True))
    except pdf.DrawError as error:
        messages.error(request, str(error))
        return redirect("reviews:edit", review.pk)
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    name = f"{review.country.iso3}-review-preview.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
