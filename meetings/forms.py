from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from countries.models import Country
from indicators.models import CycleStatus, ReviewCycle
from meetings.models import Delegate, DocumentKind, Invitee, Meeting

MAX_TEXT = 20_000


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["cycle", "title", "starts_on", "ends_on", "place", "online", "status",
                  "countries", "agenda", "summary"]  # fmt: skip
        widgets = {
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "place": forms.TextInput(attrs={"dir": "auto"}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "countries": forms.SelectMultiple(attrs={"size": 10}),
            "agenda": forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
            "summary": forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cycles = ReviewCycle.objects.exclude(status=CycleStatus.PLANNING).order_by("-opens_on")
        self.fields["cycle"].queryset = cycles  # type: ignore[attr-defined]
        self.fields["countries"].queryset = Country.objects.filter(  # type: ignore[attr-defined]
            is_member_state=True
        ).order_by("name")
        self.fields["countries"].help_text = _(
            "Choose several with Ctrl (⌘ on a Mac); their focal points register the delegations."
        )
        for name in ("agenda", "summary"):
            self.fields[name].max_length = MAX_TEXT  # type: ignore[attr-defined]
            self.fields[name].widget.attrs["maxlength"] = MAX_TEXT

    def clean(self):
        data = super().clean() or {}
        if not data.get("online") and not (data.get("place") or "").strip():
            self.add_error("place", _("Give the place, or tick “online”."))
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day comes after the first day."))
        return data


class DelegateForm(forms.ModelForm):
    class Meta:
        model = Delegate
        fields = ["name", "function", "institution"]
        widgets = {name: forms.TextInput(attrs={"dir": "auto"}) for name in fields}


DelegationFormSet = forms.formset_factory(
    DelegateForm, extra=2, max_num=20, validate_max=True, can_delete=True
)


class InviteeForm(forms.ModelForm):
    class Meta:
        model = Invitee
        fields = ["name", "organisation", "partner", "expertise"]
        widgets = {
            name: forms.TextInput(attrs={"dir": "auto"})
            for name in ("name", "organisation", "expertise")
        }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    title = forms.CharField(
        label=_("Title (optional)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,  # validate_upload says "The file is empty." itself
        error_messages={"required": _("Choose a file to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "document")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext("PDF, DOCX or XLSX, at most %(limit)s.") % {
            "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)
        }


class PackForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the pack"), choices=settings.LANGUAGES)
