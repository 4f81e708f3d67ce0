import re

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.uploads import JPEG, PDF, PNG, validate_upload
from countries.models import (
    Country,
    FocalPoint,
    Municipality,
    Partner,
    SaferCitiesTool,
    ToolUse,
)


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
        super().clean()
        data = self.cleaned_data
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
        super().clean()
        data = self.cleaned_data
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
        super().clean()
        data = self.cleaned_data
        name, province = data.get("name"), data.get("province", "")
        if name:
            clash = Municipality.objects.filter(
                country_id=self.instance.country_id, name__iexact=name, province__iexact=province
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("This municipality is already in the network."))
        return data


class InvitedPersonFields(forms.Form):
    """A person invited by e-mail (a focal point, a national contributor): their name, address
    and the language of the invitation and of the portal."""

    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Of the invitation, the e-mails and the portal; they can change it later."),
    )

    def clean_email(self):
        return self.cleaned_data["email"].lower()


class FocalPointForm(InvitedPersonFields, forms.ModelForm):
    class Meta:
        model = FocalPoint
        fields = [
            "name",
            "email",
            "language",
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
            del self.fields["email"], self.fields["language"]
            self.fields["name"].initial = self.instance.user.name
        else:
            self.fields["language"].initial = get_language()

    def clean_letter(self):
        letter = self.cleaned_data.get("letter")
        if letter and hasattr(letter, "content_type"):
            validate_upload(letter, (PDF, PNG, JPEG))
        return letter


def _not_in_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return day


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["organisation", "type", "country", "region", "joined_on", "note", "is_active"]
        widgets = {"joined_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"country": _("A country, a region, or both.")}

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        clash = Partner.objects.filter(organisation__iexact=organisation).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(_("This organisation is already a partner."))
        return organisation

    def clean_joined_on(self):
        return _not_in_future(self.cleaned_data["joined_on"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        # Only when both fields are valid: an unknown country already has its own message.
        if "country" in data and "region" in data and not data["country"] and not data["region"]:
            self.add_error("country", _("Give the partner's country or region."))
        return data


class SaferCitiesToolForm(forms.ModelForm):
    class Meta:
        model = SaferCitiesTool
        fields = ["name", "description", "owner", "url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_name(self):
        name = self.cleaned_data["name"]
        clash = SaferCitiesTool.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("A tool with this name already exists."))
        return name


class ToolUseForm(forms.ModelForm):
    class Meta:
        model = ToolUse
        fields = ["country", "kind", "on", "note"]
        widgets = {"on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def clean_on(self):
        return _not_in_future(self.cleaned_data["on"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        # The tool is not a field of the form, so Django leaves this uniqueness to us.
        if all(data.get(f) for f in ("country", "kind", "on")):
            clash = ToolUse.objects.filter(
                tool_id=self.instance.tool_id,
                country=data["country"],
                kind=data["kind"],
                on=data["on"],
            )
            if clash.exists():
                self.add_error("on", _("This use of the tool is already recorded."))
        return data
