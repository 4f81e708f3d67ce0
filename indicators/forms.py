import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from countries.forms import DateInput
from indicators.models import Area, ChoiceOption, Indicator, Outcome, ReviewCycle


class CycleForm(forms.ModelForm):
    class Meta:
        model = ReviewCycle
        fields = ["name", "assembly", "opens_on", "deadline"]
        widgets = {"opens_on": DateInput(), "deadline": DateInput()}

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("opens_on") and data.get("deadline") and data["deadline"] <= data["opens_on"]:
            self.add_error("deadline", _("The deadline must come after the opening date."))
        return data


class CloseCycleForm(forms.Form):
    """Closing a cycle before its deadline: the secretariat ticks that it knows how many
    Member States have not submitted. On or after the deadline there is nothing to tick."""

    understood = forms.BooleanField(
        error_messages={"required": _("Tick this box to close the cycle before its deadline.")}
    )

    def __init__(self, *args, not_submitted: int, early: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not early:
            del self.fields["understood"]
            return
        self.fields["understood"].label = ngettext(
            "I understand that %(n)d Member State has not submitted and will no longer be able "
            "to submit.",
            "I understand that %(n)d Member States have not submitted and will no longer be "
            "able to submit.",
            not_submitted,
        ) % {"n": not_submitted}


def in_every_language(*names: str) -> list[str]:
    """The language columns of translated fields: title_en, title_fr, …, title_zh_hans."""
    return [build_localized_fieldname(n, code) for n in names for code, _name in settings.LANGUAGES]


# Column → (translated field, language code), for every column a node form may show.
_COLUMNS = {
    build_localized_fieldname(n, code): (n, code)
    for n in ("title", "guidance", "unit", "label")
    for code, _name in settings.LANGUAGES
}


class NodeForm(forms.ModelForm):
    """A form for one node of a matrix: codes are unique within the matrix.

    Translated texts have a field per language, labelled with the language's own name and
    marked with its `lang` and direction; the English one is required. English texts stand
    among the other fields, each other language's texts in a fieldset of their own.
    """

    unique_field = "code"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        main: list[str] = []
        translations: dict[str, list[str]] = {}
        for name, field in self.fields.items():
            if name not in _COLUMNS:
                main.append(name)
                continue
            base_name, code = _COLUMNS[name]
            base, info = self._meta.model._meta.get_field(base_name), get_language_info(code)
            field.label = f"{base.verbose_name.capitalize()} ({info['name_local']})"
            field.required = code == settings.LANGUAGE_CODE and not base.blank
            field.widget.attrs |= {"lang": code, "dir": "rtl" if info["bidi"] else "ltr"}
            if code == settings.LANGUAGE_CODE:
                main.append(name)
            else:
                translations.setdefault(info["name_local"], []).append(name)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *main,
            *(
                Fieldset(_("Translation: %(language)s") % {"language": language}, *names)
                for language, names in translations.items()
            ),
        )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        value = data.get(self.unique_field)
        if value:
            scope = self.unique_scope()
            clash = type(self.instance).objects.filter(**scope, **{self.unique_field: value})
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error(self.unique_field, _("This code is already used in the matrix."))
        return data

    def unique_scope(self) -> dict:
        return {"matrix": self.instance.matrix}


class OutcomeForm(NodeForm):
    class Meta:
        model = Outcome
        fields = ["code", *in_every_language("title")]


class AreaForm(NodeForm):
    class Meta:
        model = Area
        fields = ["code", *in_every_language("title")]


class IndicatorForm(NodeForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            *in_every_language("title", "guidance"),
            "type",
            *in_every_language("unit"),
            "required",
            "sdg_code",
            "by_sex",
            "max_length",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4}) for name in in_every_language("guidance")
        }

    def clean_sdg_code(self):
        code = self.cleaned_data["sdg_code"].strip()
        if code and not re.fullmatch(r"SDG [0-9]{1,2}\.[0-9a-z]{1,2}\.[0-9]{1,2}", code):
            raise forms.ValidationError(_("Write the SDG indicator like this: SDG 11.7.2"))
        return code

    def clean_max_length(self):
        value = self.cleaned_data["max_length"]
        if value is not None and not 1 <= value <= 100000:
            raise forms.ValidationError(_("Choose a limit from 1 to 100,000 characters."))
        return value


class ChoiceOptionForm(NodeForm):
    unique_field = "value"

    class Meta:
        model = ChoiceOption
        fields = ["value", *in_every_language("label")]
        help_texts = {"value": _("Stored with answers; letters, digits, - and _ only.")}

    def unique_scope(self) -> dict:
        return {"indicator": self.instance.indicator}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("The layout of the matrix export: one row per indicator."),
    )
