"""Taking a workflow step from the review's page: one page per step of reviews/workflow.py,
asking for a reason where the step requires one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import permission_required
from accounts.http import PortalRequest
from reviews import editor, services
from reviews.forms import ReasonForm
from reviews.models import Review, ThreadStatus
from reviews.views.pages import REVIEW
from reviews.workflow import STEPS


@permission_required(reach=REVIEW)
def review_action(request: PortalRequest, review: Review, action: str) -> HttpResponse:
    step = STEPS.get(action)
    if step is None or step.permission is None:
        raise Http404
    if not request.user.has_perm(step.permission):  # the step's own permission, from the table
        raise PermissionDenied
    form = ReasonForm(request.POST or None, required=step.reason)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.take_step(
                step.name, review, by=request.user, reason=form.cleaned_data.get("reason", "")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Done: the review is now %(status)s.")
                % {"status": review.get_status_display().lower()},
            )
            return redirect("reviews:detail", review.pk)
    context = {
        "review": review, "action": step.name, "step": step, "form": form,
        "missing": editor.missing_for_submission(review) if step.name == "submit" else [],
        "open_threads": review.threads.filter(status=ThreadStatus.OPEN).count()
        if step.name == "return" else 0,
    }  # fmt: skip
    return render(request, "reviews/review_action.html", context)
