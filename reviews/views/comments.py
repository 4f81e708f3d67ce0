"""Comment threads on a review: opened by the secretariat on the whole review, a section or
an indicator answer, answered by both sides, resolved by the secretariat — each from beside
the place it is about, on the review's page or in the editor."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import permission_required
from accounts.http import PortalRequest
from reviews import editor, services
from reviews.forms import CommentForm, ReplyForm
from reviews.models import Review, ThreadStatus
from reviews.sections import BY_KEY
from reviews.views.editing import editor_page
from reviews.views.pages import REVIEW, render_detail


def _in_editor(request: PortalRequest, review: Review) -> bool:
    """Whether the comment was written in the editor (and the editor is still the user's)."""
    return (
        request.POST.get("return_to") == "edit"
        and review.is_editable
        and request.user.has_perm("reviews.change_review")
    )


def _at_thread(request: PortalRequest, review: Review, thread) -> HttpResponse:
    page = "reviews:edit" if _in_editor(request, review) else "reviews:detail"
    return redirect(reverse(page, args=[review.pk]) + f"#thread-{thread.pk}")


def _refused(request: PortalRequest, review: Review, form, **where) -> HttpResponse:
    """The page the comment was written on, with its text and the message beside it."""
    comment = {"text": request.POST.get("body", ""), "errors": form.errors.get("body", []), **where}
    if _in_editor(request, review):
        return editor_page(request, review, comment=comment)
    return render_detail(request, review, comment=comment)


@require_POST
@permission_required("reviews.comment_review", reach=REVIEW)
def comment_add(request: PortalRequest, review: Review) -> HttpResponse:
    indicators = list(editor.matrix_indicators(review))
    form = CommentForm(request.POST, review=review, indicators=indicators)
    if not form.is_valid():
        target = request.POST.get("target", "")
        place = f"section-{target}" if target in BY_KEY else "review"
        if target.startswith("indicator:"):
            place = "indicator-" + target.removeprefix("indicator:")
        return _refused(request, review, form, place=place)
    target = form.cleaned_data["target"]
    thread = services.add_comment(
        review, by=request.user, body=form.cleaned_data["body"],
        section=target if target in BY_KEY else "", indicator=form.indicator_for(target),
    )  # fmt: skip
    messages.success(request, _("Your comment was added."))
    return _at_thread(request, review, thread)


@require_POST
@permission_required("reviews.comment_review", reach=REVIEW)
def comment_reply(request: PortalRequest, review: Review, thread: int) -> HttpResponse:
    thread_obj = get_object_or_404(review.threads, pk=thread)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _refused(request, review, form, thread=thread_obj.pk)
    services.reply(thread_obj, by=request.user, body=form.cleaned_data["body"])
    return _at_thread(request, review, thread_obj)


@require_POST
@permission_required("reviews.decide_review", reach=REVIEW)
def comment_status(request: PortalRequest, review: Review, thread: int) -> HttpResponse:
    thread_obj = get_object_or_404(review.threads, pk=thread)
    resolved = request.POST.get("status") == ThreadStatus.RESOLVED
    services.set_thread_status(thread_obj, by=request.user, resolved=resolved)
    return _at_thread(request, review, thread_obj)
