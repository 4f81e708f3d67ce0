import re

from django import forms
from django.utils.translation import gettext_lazy as _

from countries.forms import DateInput
from indicators.models import Area, ChoiceOption, Indicator, Outcome, ReviewCycle


class CycleForm(forms.ModelForm):
    class Meta:
        model = ReviewCycle
        fields = ["name", "assembly", "opens_on", "deadline"]
        widgets = {"opens_on": DateInput(), "deadline": DateInput()}

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("deadline") and data["deadline"] <= data["opens_on"]:
            self.add_error("deadline", _("The deadline must come after the opening date."))
        return data


class NodeForm(forms.ModelForm):
    """A form for one node of a matrix: codes are unique within the matrix."""

    unique_field = "code"

    def clean(self):
        data = super().clean()
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
        fields = ["code", "title"]


class AreaForm(NodeForm):
    class Meta:
        model = Area
        fields = ["code", "title"]


class IndicatorForm(NodeForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "title",
            "guidance",
            "type",
            "unit",
            "required",
            "sdg_code",
            "by_sex",
            "max_length",
        ]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 4})}

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
        fields = ["value", "label"]
        help_texts = {"value": _("Stored with answers; letters, digits, - and _ only.")}

    def unique_scope(self) -> dict:
        return {"indicator": self.instance.indicator}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("The layout of the matrix export: one row per indicator."),
    )
