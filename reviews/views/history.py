"""The change history of a review, read from django-pghistory's trigger-written events."""

from django.http import HttpResponse
from django.shortcuts import render
from pghistory.models import MiddlewareEvents

from accounts.access import permission_required
from accounts.http import PortalRequest
from accounts.models import User
from reviews.models import Review
from reviews.views.pages import REVIEW

HIDDEN_FIELDS = {"lock_version", "updated_at", "raw", "is_valid"}


# The secretariat and the country's focal points (who see who of their drafting team wrote
# what) hold it; contributors and the Board do not.
@permission_required("reviews.view_contributor", reach=REVIEW)
def review_history(request: PortalRequest, review: Review) -> HttpResponse:
    """Every change to the review, its answers, good practices and attachments: who and what."""
    events = list(MiddlewareEvents.objects.references(review).order_by("-pgh_created_at")[:500])
    users = User.objects.in_bulk(
        {e.pgh_context.get("user") for e in events if e.pgh_context} - {None}
    )
    rows = []
    for event in events:
        diff = {k: v for k, v in (event.pgh_diff or {}).items() if k not in HIDDEN_FIELDS}
        context = event.pgh_context or {}
        rows.append({
            "at": event.pgh_created_at,
            "what": event.pgh_obj_model.split(".")[-1],
            "label": event.pgh_label,
            "who": users.get(context.get("user")),
            # a draft save that applied a Word document (reviews/word/imports.py) names it
            "document": context.get("word_document", ""),
            "changes": [(field, before, after) for field, (before, after) in diff.items()],
        })  # fmt: skip
    return render(request, "reviews/review_history.html", {"review": review, "rows": rows})
