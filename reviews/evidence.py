"""A review's evidence, its good practices (section 5) and attachments (section 10): the
services that change it while the review is editable, and their forms (the pages are in
reviews/views/evidence.py). Files are checked by their content and stored under random names.
"""

import pghistory
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core import uploads
from reviews.models import Attachment, GoodPractice, Review

ALLOWED_KINDS = (uploads.PDF, uploads.DOCX, uploads.XLSX, uploads.PNG, uploads.JPEG)
PRACTICE_FIELDS = ["title", "city", "period", "description", "results", "partners", "tools_used"]
MAX_PRACTICE_CHARS = 10_000


# Services: one per change, atomic, recording the actor in the trigger-based history.


def _editable(review: Review) -> Review:
    """The review row, locked until the transaction ends, if its content may still change."""
    locked = (
        Review.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=review.pk)
    )
    if not locked.is_editable:
        raise ValidationError(
            _("This review is %(status)s: its evidence can no longer be changed.")
            % {"status": locked.get_status_display().lower()},
            code="not_editable",
        )
    return locked


def add_attachment(review: Review, *, upload, description: str = "", by: User) -> Attachment:
    """Check `upload` by its content and store it under a random name as evidence."""
    with transaction.atomic(), pghistory.context(user=by.pk):
        review = _editable(review)
        kind = uploads.validate_upload(upload, ALLOWED_KINDS)
        attachment = Attachment(
            review=review, kind=kind, description=description, uploaded_by=by,
            **uploads.described(upload, kind),
        )  # fmt: skip
        uploads.store(attachment, upload, kind=kind, stem="evidence")
    return attachment


def remove_attachment(attachment: Attachment, *, by: User) -> None:
    """Delete the attachment, and its file once the deletion is committed."""
    with transaction.atomic(), pghistory.context(user=by.pk):
        _editable(attachment.review)
        storage, name = attachment.file.storage, attachment.file.name
        attachment.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def add_practice(review: Review, *, fields: dict, by: User) -> GoodPractice:
    """Append a good practice to the review."""
    with transaction.atomic(), pghistory.context(user=by.pk):
        review = _editable(review)
        last = review.practices.aggregate(last=Max("order"))["last"] or 0
        values = {name: fields[name] for name in PRACTICE_FIELDS if name in fields}
        return GoodPractice.objects.create(review=review, order=last + 1, **values)


def change_practice(practice: GoodPractice, *, fields: dict, by: User) -> GoodPractice:
    """Store new values for the practice's fields."""
    with transaction.atomic(), pghistory.context(user=by.pk):
        _editable(practice.review)
        changed = [name for name in PRACTICE_FIELDS if name in fields]
        for name in changed:
            setattr(practice, name, fields[name])
        practice.save(update_fields=changed)
        return practice


def remove_practice(practice: GoodPractice, *, by: User) -> None:
    """Delete the good practice."""
    with transaction.atomic(), pghistory.context(user=by.pk):
        _editable(practice.review)
        practice.delete()


# Forms


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        allow_empty_file=True,  # validate_upload says "The file is empty." itself
        error_messages={"required": gettext_lazy("Choose a file to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
    )
    description = forms.CharField(
        label=gettext_lazy("Description (optional)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "attachment")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, DOCX, XLSX, PNG or JPEG, at most %(limit)s.") % {
            "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)
        }


class PracticeForm(forms.ModelForm):
    class Meta:
        model = GoodPractice
        fields = PRACTICE_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ["description", "results", "partners", "tools_used"]
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["description", "results", "partners", "tools_used"]:
            self.fields[name].validators.append(MaxLengthValidator(MAX_PRACTICE_CHARS))
            self.fields[name].widget.attrs["maxlength"] = MAX_PRACTICE_CHARS
        for field in self.fields.values():  # typed text in its own direction
            if isinstance(field.widget, (forms.TextInput, forms.Textarea)):
                field.widget.attrs["dir"] = "auto"


# Views


def may_edit_evidence(user, review: Review) -> bool:
    """Whether `user` is a focal point of the review's own country (editability aside)."""
    if not (user.is_authenticated and user.has_perm("reviews.change_review")):
        return False
    focal_point = user.focal_point
    return bool(focal_point and focal_point.country_id == review.country_id)


def evidence_context(review: Review, user) -> dict:
    """What templates/reviews/includes/evidence.html shows, for the editor and detail views."""
    return {
        "practices": review.practices.all(),
        "attachments": review.attachments.all(),
        "can_edit_evidence": review.is_editable and may_edit_evidence(user, review),
        "attachment_form": AttachmentForm(),
    }
