"""The review in Word: download it for drafting, upload the edited document, see what it would
change, and apply it (reviews/word/)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.access import any_permission_required
from accounts.http import PortalRequest
from core.uploads import CONTENT_TYPES, DOCX
from reviews.contributors import part_of
from reviews.models import Review, WordImport
from reviews.views.evidence import read_only
from reviews.views.pages import REVIEW
from reviews.word import imports

WRITERS = ("reviews.change_review", "reviews.contribute_review")


class WordImportForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("The edited Word document (.docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx," + CONTENT_TYPES[DOCX]}),
    )


@require_GET
@any_permission_required(*WRITERS, reach=REVIEW)
def word_export(request: PortalRequest, review: Review) -> HttpResponse:
    """The review as a .docx built for drafting, recorded so that it can come back."""
    if not review.is_editable:
        return read_only(request, review)
    _export, data = imports.export_review(review, by=request.user)
    response = HttpResponse(data, content_type=CONTENT_TYPES[DOCX])
    response["Content-Disposition"] = f'attachment; filename="{imports.file_name(review)}"'
    return response


@any_permission_required(*WRITERS, reach=REVIEW)
def word_import(request: PortalRequest, review: Review) -> HttpResponse:
    """How to work in Word, the download, and the upload of an edited document."""
    if not review.is_editable:
        return read_only(request, review)
    form = WordImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = imports.read_upload(review, form.cleaned_data["document"], by=request.user)
        except ValidationError as error:
            form.add_error("document", error)
        else:
            return redirect("reviews:word_preview", review.pk, document.pk)
    context = {"review": review, "form": form, "part": part_of(request.user)}
    return render(request, "reviews/word_import.html", context)


def _own_import(request: PortalRequest, review: Review, pk: int) -> WordImport:
    """An import of this review by this person (someone else's answers 404)."""
    imports_of = review.word_imports.filter(created_by=request.user).select_related("export")
    return get_object_or_404(imports_of, pk=pk)


@any_permission_required(*WRITERS, reach=REVIEW)
def word_preview(request: PortalRequest, review: Review, doc: int) -> HttpResponse:
    """What the document would change, section by section and indicator by indicator."""
    document = _own_import(request, review, doc)
    if document.applied_at:
        messages.info(request, _("This document was already imported."))
        return redirect("reviews:edit", review.pk)
    if not review.is_editable:
        return read_only(request, review)
    result = imports.preview(document, review, part_of(request.user))
    return _preview_page(request, review, document, result)


def _preview_page(request, review, document, result, refused: str = "") -> HttpResponse:
    context = {"review": review, "document": document, "preview": result, "refused": refused,
               "notices": document.content.get("notices", {})}  # fmt: skip
    context["missing_sections"] = [
        imports.section_title(k) for k in document.content["missing"] if not k[0].isdigit()
    ]
    context["missing_codes"] = [k for k in document.content["missing"] if k[0].isdigit()]
    return render(request, "reviews/word_preview.html", context)


@require_POST
@any_permission_required(*WRITERS, reach=REVIEW)
def word_accept(request: PortalRequest, review: Review, doc: int) -> HttpResponse:
    """Apply the previewed changes as one draft save, unless the draft changed meanwhile."""
    document = _own_import(request, review, doc)
    if not review.is_editable:
        return read_only(request, review)
    seen = request.POST.get("version", "")
    try:
        imports.apply_import(
            document, by=request.user, part=part_of(request.user),
            seen_version=int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 10 else 0,
        )  # fmt: skip
    except imports.Refused as refused:
        return _preview_page(request, review, document, refused.preview, refused.reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:word_import", review.pk)
    messages.success(
        request,
        _("“%(name)s” was imported. The changes are saved in the draft.")
        % {"name": document.document_name},
    )
    return redirect("reviews:edit", review.pk)
