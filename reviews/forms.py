from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from reviews.models import Review
from reviews.sections import BY_KEY, SECTIONS

MAX_SECTION_CHARS = 60_000


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise forms.ValidationError(_("The text contains a character that is not allowed (NUL)."))
    return text


class SectionsForm(forms.ModelForm):
    """The narrative sections and the report's language, with the version they start from."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Review
        fields = ["language", *BY_KEY]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = self.instance.lock_version
        self.fields["language"].choices = settings.LANGUAGES
        for section in SECTIONS:
            field = self.fields[section.key]
            field.label = f"{section.number}. {section.title}"
            field.help_text = section.help
            field.required = False
            field.max_length = MAX_SECTION_CHARS
            field.widget = forms.Textarea(attrs={
                "rows": 6, "data-word-limit": section.word_limit,
                "aria-describedby": f"wc-{section.key} id_{section.key}_helptext",
            })  # fmt: skip

    def clean(self):
        data = super().clean()
        for section in SECTIONS:
            text = data.get(section.key)
            if text is None:
                continue
            try:
                _no_nul(text)
            except forms.ValidationError as error:
                self.add_error(section.key, error)
            if len(text) > MAX_SECTION_CHARS:
                self.add_error(
                    section.key, _("This section is too long to store (over 60,000 characters).")
                )
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not required:
            del self.fields["reason"]

    def clean_reason(self):
        return _no_nul(self.cleaned_data["reason"])


class CommentForm(forms.Form):
    target = forms.ChoiceField(label=_("About"), required=False)
    body = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args, review, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self._indicators = {f"indicator:{i.code}": i for i in indicators}
        self.fields["target"].choices = (
            [("", _("The whole review"))]
            + [(s.key, f"{s.number}. {s.title}") for s in SECTIONS]
            + [(key, f"{i.code} {i.title}") for key, i in self._indicators.items()]
        )

    def clean_body(self):
        return _no_nul(self.cleaned_data["body"].strip())

    def indicator_for(self, target: str):
        return self._indicators.get(target)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), max_length=5000)

    def clean_body(self):
        return _no_nul(self.cleaned_data["body"].strip())
