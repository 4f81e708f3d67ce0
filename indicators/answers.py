"""Validating an answer to an indicator: one component for every form that takes answers.

`AnswerForm(indicator, data)` builds the fields an indicator's type needs and checks them:
the value (or the female / male / total values when the indicator is disaggregated by sex),
the currency for money, the reference year, the data source and a note; or "data not
available" with its required reason. `parse_value` is the type check on its own.
"""

import re
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Indicator, IndicatorType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CURRENCIES_CSV = Path(__file__).resolve().parent / "data" / "iso4217.csv"
MAX_WHOLE = 10**15  # larger than any count a country reports
MAX_DECIMAL_DIGITS = (15, 4)  # digits before and after the point
DEFAULT_TEXT_LIMIT = 5000
SEXES = (
    ("female", gettext_lazy("Female")),
    ("male", gettext_lazy("Male")),
    ("total", gettext_lazy("Total")),
)

_PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_DECIMAL_COMMA = re.compile(r"^-?[0-9]+,[0-9]+$")
_THOUSANDS = re.compile(r"^-?[0-9]{1,3}(,[0-9]{3})+$")


@cache
def currencies() -> dict[str, str]:
    """ISO 4217 code → English name."""
    import csv

    with CURRENCIES_CSV.open(encoding="utf-8", newline="") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


def _number(text: str) -> Decimal:
    # Spaces that group digits (plain, no-break, thin, narrow no-break); not tabs or newlines.
    text = re.sub("[ \u00a0\u2000-\u200a\u202f\u205f\u3000]", "", text.strip())
    if _THOUSANDS.match(text):
        raise ValidationError(
            _("Write the number without commas: %(whole)s, or %(decimal)s if the comma marks "
              "decimals.")
            % {"whole": text.replace(",", ""), "decimal": text.replace(",", ".", 1)},
            code="thousands",
        )  # fmt: skip
    if _DECIMAL_COMMA.match(text):
        raise ValidationError(
            _("Use a point as the decimal separator, for example %(example)s.")
            % {"example": text.replace(",", ".")},
            code="decimal_comma",
        )
    if not _PLAIN_NUMBER.match(text):
        # Also refuses NaN, Infinity, exponents (1e309) and thousands separators.
        raise ValidationError(_("Enter a number, written with digits only."), code="not_number")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above already excludes this
        raise ValidationError(_("Enter a number."), code="not_number") from None
    whole, fraction = MAX_DECIMAL_DIGITS
    digits = number.as_tuple()
    exponent = cast(int, digits.exponent)  # finite: the pattern above lets no NaN or ∞ through
    if len(digits.digits) + exponent > whole or -exponent > fraction:
        raise ValidationError(
            _("Enter at most %(whole)d digits before the point and %(fraction)d after it.")
            % {"whole": whole, "fraction": fraction},
            code="too_many_digits",
        )
    return number


def parse_value(indicator: Indicator, text: str, *, options: list[str] | None = None):
    """The Python value `text` stands for under the indicator's type, or a ValidationError."""
    kind = indicator.type
    text = (text or "").strip()
    if kind == IndicatorType.FREE_TEXT:
        if "\x00" in text:
            raise ValidationError(_("The text contains a character that is not allowed."))
        limit = indicator.max_length or DEFAULT_TEXT_LIMIT
        if len(text) > limit:
            raise ValidationError(
                _("Write at most %(limit)d characters (this has %(count)d).")
                % {"limit": limit, "count": len(text)},
                code="too_long",
            )
        return text
    if kind == IndicatorType.YES_NO:
        if text not in ("yes", "no"):
            raise ValidationError(_("Choose yes or no."), code="invalid_choice")
        return text == "yes"
    if kind == IndicatorType.SINGLE_CHOICE:
        if text not in (options or []):
            raise ValidationError(_("Choose one of the options."), code="invalid_choice")
        return text
    if kind == IndicatorType.YEAR:
        if not re.fullmatch(r"[0-9]{4}", text):
            raise ValidationError(_("Enter a year with four digits, for example 2023."))
        year = int(text)
        if not 1950 <= year <= timezone.now().year + 1:
            raise ValidationError(
                _("Enter a year between 1950 and %(last)d.") % {"last": timezone.now().year + 1}
            )
        return year
    number = _number(text)
    if number < 0:
        raise ValidationError(_("Enter a number of zero or more."), code="negative")
    if kind == IndicatorType.WHOLE_NUMBER:
        if number != number.to_integral_value():
            raise ValidationError(_("Enter a whole number, without decimals."), code="not_whole")
        if number > MAX_WHOLE:
            raise ValidationError(_("This number is too large."), code="too_large")
        return int(number)
    if kind == IndicatorType.PERCENTAGE and number > 100:
        raise ValidationError(_("Enter a percentage between 0 and 100."), code="over_100")
    if kind == IndicatorType.MONEY and number != number.quantize(Decimal("0.01")):
        raise ValidationError(_("Enter an amount with at most two decimals."), code="cents")
    return number


class AnswerForm(forms.Form):
    """The fields of one indicator answer, named for the indicator's type."""

    reference_year = forms.CharField(
        label=gettext_lazy("Reference year"), required=False, max_length=4
    )
    # Typed text in its own direction (an English source on an Arabic page): dir="auto".
    source = forms.CharField(
        label=gettext_lazy("Data source"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
    not_available = forms.BooleanField(label=gettext_lazy("Data not available"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Why the data is not available"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )

    def __init__(self, indicator: Indicator, *args, options=None, require: bool = True, **kwargs):
        # require=False checks types only: a draft may leave required answers for later.
        self.indicator = indicator
        self.require = require
        self.options = (
            list(options)
            if options is not None
            else [(o.value, o.label) for o in indicator.options.all()]
        )
        super().__init__(*args, **kwargs)
        value_fields = {}
        for name, label in self.value_field_names():
            value_fields[name] = self._value_field(label)
        if indicator.type == IndicatorType.MONEY:
            value_fields["currency"] = forms.ChoiceField(
                label=_("Currency"),
                required=False,
                choices=[("", "—")] + [(c, f"{c} · {n}") for c, n in currencies().items()],
            )
        self.fields = value_fields | self.fields

    def value_field_names(self) -> list[tuple[str, "StrOrPromise"]]:
        if self.indicator.by_sex:
            return [(f"value_{sex}", label) for sex, label in SEXES]
        return [("value", _("Value"))]

    def _value_field(self, label: "StrOrPromise") -> forms.Field:
        kind = self.indicator.type
        if kind == IndicatorType.YES_NO:
            return forms.ChoiceField(
                label=label, required=False, widget=forms.RadioSelect,
                choices=[("yes", _("Yes")), ("no", _("No"))],
            )  # fmt: skip
        if kind == IndicatorType.SINGLE_CHOICE:
            return forms.ChoiceField(
                label=label, required=False, widget=forms.RadioSelect, choices=self.options
            )
        if kind == IndicatorType.FREE_TEXT:
            return forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"})
            )
        # Numbers stay text until parse_value has checked them, so what was typed is kept.
        attrs = {"inputmode": "decimal" if kind != IndicatorType.YEAR else "numeric"}
        return forms.CharField(
            label=label, required=False, max_length=40, widget=forms.TextInput(attrs)
        )

    def clean_reference_year(self):
        text = self.cleaned_data["reference_year"].strip()
        if not text:
            return None
        year_indicator = Indicator(type=IndicatorType.YEAR)
        return parse_value(year_indicator, text)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        names = [name for name, _label in self.value_field_names()]
        if data.get("not_available"):
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Say why the data is not available."))
            for name in names + ["currency"]:
                data[name] = None
                self.errors.pop(name, None)  # what is typed there no longer counts
            return data
        options = [value for value, _label in self.options]
        given = False
        for name in names:
            text = data.get(name) or ""
            if str(text).strip() == "":
                data[name] = None
                continue
            given = True
            try:
                data[name] = parse_value(self.indicator, str(text), options=options)
            except ValidationError as error:
                self.add_error(name, error)
        if (
            self.indicator.by_sex
            and given
            and data.get("value_total") is None
            and "value_total" not in self.errors
        ):
            self.add_error("value_total", _("Give the total as well."))
        if self.indicator.type == IndicatorType.WHOLE_NUMBER and self.indicator.by_sex:
            total = data.get("value_total")
            parts = [data.get(n) for n in ("value_female", "value_male")]
            if isinstance(total, int) and sum(p for p in parts if isinstance(p, int)) > total:
                self.add_error("value_total", _("The total cannot be less than female plus male."))
        if self.indicator.type == IndicatorType.MONEY and given and "currency" not in self.errors:
            currency = data.get("currency")
            if not currency:
                self.add_error("currency", _("Choose the currency of the amount."))
        if not given and not self.errors and self.indicator.required and self.require:
            self.add_error(
                names[-1],
                _("This indicator is required: give a value, or mark the data as not available "
                  "and say why."),
            )  # fmt: skip
        return data

    @property
    def is_answered(self) -> bool:
        """Whether the cleaned answer counts as an answer (a value, or an honest gap)."""
        data = self.cleaned_data
        if data.get("not_available"):
            return True
        return any(data.get(name) is not None for name, _label in self.value_field_names())
