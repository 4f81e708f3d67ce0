import re

from django import forms
from django.utils.translation import gettext_lazy as _

from config.uploads import JPEG, PDF, PNG, validate_upload
from countries.models import Country, FocalPoint, Municipality


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CountryStatusForm(forms.ModelForm):
    class Meta:
        model = Country
        fields = [
            "engagement",
            "is_champion",
            "champion_since",
            "interest_expressed_on",
            "interest_note",
        ]
        widgets = {
            "champion_since": DateInput(),
            "interest_expressed_on": DateInput(),
            "interest_note": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if data.get("champion_since") and not data.get("is_champion"):
            self.add_error(
                "champion_since", _("Only a champion country has a date since which it is one.")
            )
        return data


class ObserverStateForm(forms.ModelForm):
    class Meta:
        model = Country
        fields = ["name", "iso2", "iso3", "m49", "region", "subregion"]

    def clean_iso2(self):
        return self.cleaned_data["iso2"].upper()

    def clean_iso3(self):
        return self.cleaned_data["iso3"].upper()

    def clean(self):
        data = super().clean()
        checks = {"iso2": r"^[A-Z]{2}$", "iso3": r"^[A-Z]{3}$", "m49": r"^[0-9]{3}$"}
        for field, pattern in checks.items():
            if data.get(field) and not re.match(pattern, data[field]):
                self.add_error(field, _("This code does not have the expected form."))
        return data


class MunicipalityForm(forms.ModelForm):
    class Meta:
        model = Municipality
        fields = ["name", "province", "population", "joined_on", "has_safety_strategy"]
        widgets = {"joined_on": DateInput()}

    def clean(self):
        data = super().clean()
        name, province = data.get("name"), data.get("province", "")
        if name:
            clash = Municipality.objects.filter(
                country_id=self.instance.country_id, name__iexact=name, province__iexact=province
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("This municipality is already in the network."))
        return data


class FocalPointForm(forms.ModelForm):
    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))

    class Meta:
        model = FocalPoint
        fields = [
            "name",
            "email",
            "kind",
            "title",
            "institution",
            "designated_on",
            "letter_reference",
            "letter",
        ]
        widgets = {"designated_on": DateInput()}
        help_texts = {"letter": _("Optional: PDF, PNG or JPEG.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The person of a designation does not change; designate someone new instead.
            del self.fields["email"]
            self.fields["name"].initial = self.instance.user.name

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean_letter(self):
        letter = self.cleaned_data.get("letter")
        if letter and hasattr(letter, "content_type"):
            validate_upload(letter, (PDF, PNG, JPEG))
        return letter
