"""Adding, changing and removing a review's evidence (good practices and attachments), and
downloading its files: only through here, never from a public URL. Focal points of the
review's country change it while the review is editable; everyone who sees the review reads it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import Reach, permission_required
from accounts.http import PortalRequest
from core import uploads
from reviews import evidence
from reviews.models import GoodPractice, Review
from reviews.views.pages import REVIEW, visible_review


def _evidence_review(request: PortalRequest, pk: int) -> Review:
    """The review if the user sees it (else 404) and may change its evidence (else 403)."""
    review = visible_review(request, pk)
    if not evidence.may_edit_evidence(request.user, review):
        raise PermissionDenied
    return review


EVIDENCE = Reach("pk", _evidence_review)


def _back(review: Review) -> HttpResponse:
    if review.is_editable:
        return redirect(reverse("reviews:edit", args=[review.pk]) + "#evidence")
    return redirect("reviews:detail", review.pk)


def read_only(request: PortalRequest, review: Review) -> HttpResponse:
    """Back to the review's page, saying it can no longer be changed."""
    messages.info(
        request,
        _("This review is %(status)s: it is read-only.")
        % {"status": review.get_status_display().lower()},
    )
    return redirect("reviews:detail", review.pk)


@require_POST
@permission_required("reviews.change_review", reach=EVIDENCE)
def attachment_add(request: PortalRequest, review: Review) -> HttpResponse:
    """Add a file; a refused one comes back on its own page, the reason beside the field and
    the description kept."""
    form = evidence.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = evidence.add_attachment(
                review,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as error:
            if error.code == "not_editable":
                messages.error(request, _("The file was not added. %(reasons)s")
                               % {"reasons": " ".join(error.messages)})  # fmt: skip
                return _back(review)
            form.add_error("file", error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": attachment.original_name})
            return _back(review)
    context = {"review": review, "form": form}
    return render(request, "reviews/attachment_form.html", context)


@cache_control(private=True)
@require_safe
@permission_required("reviews.view_review", reach=REVIEW)
def attachment_download(request: PortalRequest, review: Review, att: int) -> FileResponse:
    attachment = get_object_or_404(review.attachments, pk=att)
    return uploads.serve(attachment.file, name=attachment.original_name, kind=attachment.kind)


@require_POST
@permission_required("reviews.change_review", reach=EVIDENCE)
def attachment_delete(request: PortalRequest, review: Review, att: int) -> HttpResponse:
    attachment = get_object_or_404(review.attachments, pk=att)
    try:
        evidence.remove_attachment(attachment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": attachment.original_name})
    return _back(review)


@require_http_methods(["GET", "POST"])
@permission_required("reviews.change_review", reach=EVIDENCE)
def practice_add(request: PortalRequest, review: Review) -> HttpResponse:
    return _practice_form(request, review, GoodPractice(review=review))


@require_http_methods(["GET", "POST"])
@permission_required("reviews.change_review", reach=EVIDENCE)
def practice_edit(request: PortalRequest, review: Review, practice: int) -> HttpResponse:
    return _practice_form(request, review, get_object_or_404(review.practices, pk=practice))


def _practice_form(request: PortalRequest, review: Review, practice: GoodPractice) -> HttpResponse:
    if not review.is_editable:
        return read_only(request, review)
    is_new = practice.pk is None
    form = evidence.PracticeForm(
        request.POST if request.method == "POST" else None, instance=practice
    )
    if form.is_bound and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in evidence.PRACTICE_FIELDS}
        try:
            if is_new:
                practice = evidence.add_practice(review, fields=fields, by=request.user)
            else:
                practice = evidence.change_practice(practice, fields=fields, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("reviews:detail", review.pk)
        messages.success(request, _("The good practice “%(title)s” was saved.") % fields)
        return _back(review)
    context = {"review": review, "form": form, "is_new": is_new}
    return render(request, "reviews/practice_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("reviews.change_review", reach=EVIDENCE)
def practice_delete(request: PortalRequest, review: Review, practice: int) -> HttpResponse:
    practice_obj = get_object_or_404(review.practices, pk=practice)
    if not review.is_editable:
        return read_only(request, review)
    if request.method == "POST":
        try:
            evidence.remove_practice(practice_obj, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("reviews:detail", review.pk)
        messages.success(
            request, _("The good practice “%(title)s” was removed.") % {"title": practice_obj.title}
        )
        return _back(review)
    return render(
        request,
        "reviews/practice_confirm_delete.html",
        {"review": review, "practice": practice_obj},
    )
