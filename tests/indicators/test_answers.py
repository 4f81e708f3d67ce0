"""Answer validation (SPEC §4): `parse_value` per indicator type and `AnswerForm` end to end.

Every indicator here is an unsaved `Indicator` built in memory, and options are always passed
to `AnswerForm` (its constructor otherwise reads `indicator.options`), so no test needs the
database.
"""

import html
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from indicators.answers import DEFAULT_TEXT_LIMIT, AnswerForm, parse_value
from indicators.models import Indicator, IndicatorType

T = IndicatorType
NUMBER_TYPES = [T.WHOLE_NUMBER, T.DECIMAL, T.PERCENTAGE, T.MONEY]
NON_NEGATIVE_TYPES = [T.WHOLE_NUMBER, T.PERCENTAGE, T.MONEY]
OPTIONS = [("adopted", "Adopted"), ("in_preparation", "In preparation"), ("none", "None")]
OPTION_VALUES = [value for value, _label in OPTIONS]
THIS_YEAR = timezone.now().year


def parse(kind, text, *, max_length=None, options=OPTION_VALUES):
    return parse_value(Indicator(type=kind, max_length=max_length), text, options=options)


def refusal(kind, text, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse(kind, text, **kwargs)
    return caught.value


def answer_form(kind, data, *, required=False, by_sex=False, max_length=None, options=OPTIONS):
    indicator = Indicator(type=kind, required=required, by_sex=by_sex, max_length=max_length)
    return AnswerForm(indicator, data, options=options)


def assert_typed_input_kept(form, data):
    """Nothing typed is lost: each field gives back, and renders, exactly what was typed."""
    assert dict(form.data) == data
    for name, typed in data.items():
        if name == "not_available":
            continue
        assert form[name].value() == typed, name
        if typed and not isinstance(form[name].field, forms.ChoiceField):
            assert html.escape(typed) in str(form[name]), name


# parse_value: whole numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0", 0),
        ("7", 7),
        ("  42  ", 42),
        ("1 000", 1000),
        ("1\u00a0000", 1000),
        ("12 345 678", 12345678),
        ("1.0", 1),
        ("007", 7),
        ("9" * 15, int("9" * 15)),
    ],
)
def test_whole_number_is_returned_as_an_int(text, expected):
    result = parse(T.WHOLE_NUMBER, text)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize("text", ["2.5", "0.1", "10.01"])
def test_whole_number_with_decimals_is_refused(text):
    assert refusal(T.WHOLE_NUMBER, text).code == "not_whole"


def test_whole_number_with_sixteen_digits_is_refused():
    assert refusal(T.WHOLE_NUMBER, "9" * 16).messages == [
        "Enter at most 15 digits before the point and 4 after it."
    ]


# parse_value: decimals, percentages, money ----------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0", Decimal("0")),
        ("12.5", Decimal("12.5")),
        ("3.1416", Decimal("3.1416")),
        (" 1 234.5 ", Decimal("1234.5")),
        ("1\u00a0234.5", Decimal("1234.5")),
        ("123456789012345", Decimal("123456789012345")),
    ],
)
def test_decimal_is_returned_as_a_decimal(text, expected):
    result = parse(T.DECIMAL, text)
    assert result == expected
    assert isinstance(result, Decimal)


def test_decimal_with_more_than_four_decimals_is_refused():
    assert refusal(T.DECIMAL, "3.14159").code == "too_many_digits"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0", Decimal("0")),
        ("37.5", Decimal("37.5")),
        ("100", Decimal("100")),
        ("100.00", Decimal("100.00")),
    ],
)
def test_percentage_from_0_to_100_is_returned_as_a_decimal(text, expected):
    result = parse(T.PERCENTAGE, text)
    assert result == expected
    assert isinstance(result, Decimal)


@pytest.mark.parametrize("text", ["101", "100.01", "250", "100.0001"])
def test_percentage_over_100_is_refused(text):
    assert refusal(T.PERCENTAGE, text).code == "over_100"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0", Decimal("0")),
        ("1500", Decimal("1500")),
        ("1500.5", Decimal("1500.5")),
        ("1500.75", Decimal("1500.75")),
        ("2 500 000.00", Decimal("2500000.00")),
    ],
)
def test_money_with_at_most_two_decimals_is_returned_as_a_decimal(text, expected):
    result = parse(T.MONEY, text)
    assert result == expected
    assert isinstance(result, Decimal)


@pytest.mark.parametrize("text", ["1.234", "0.001", "10.5555"])
def test_money_with_more_than_two_decimals_is_refused(text):
    assert refusal(T.MONEY, text).code == "cents"


# parse_value: what no number type accepts -------------------------------------------------

NOT_NUMBERS = [
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e309",
    "1E3",
    "1e-2",
    "12abc",
    "abc",
    "",
    "   ",
    "0x10",
    "0b101",
    "١٢",  # Arabic-Indic digits
    "۱۲",  # Extended Arabic-Indic (Persian) digits
    "１２",  # full-width digits
    "1_000",  # Python's Decimal would accept this
    "1'000",
    "+5",
    ".5",
    "5.",
    "1.2.3",
    "--1",
    "1-",
    "½",
    "1\t000",
    "1\n000",
    "12%",
    "$12",
    "1,000.50",
]


@pytest.mark.parametrize("kind", NUMBER_TYPES)
@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_text_that_is_not_a_plain_number_is_refused(kind, text):
    assert refusal(kind, text).messages == ["Enter a number, written with digits only."]


@pytest.mark.parametrize("kind", NUMBER_TYPES)
def test_a_huge_number_is_refused_not_crashing(kind):
    assert refusal(kind, "9" * 40).code == "too_many_digits"


@pytest.mark.parametrize("kind", NUMBER_TYPES)
def test_a_very_long_string_of_digits_is_refused_not_crashing(kind):
    assert refusal(kind, "1" * 100_000).code == "too_many_digits"


@pytest.mark.parametrize("kind", NON_NEGATIVE_TYPES)
@pytest.mark.parametrize("text", ["-1", "-0.5", "-100"])
def test_negative_number_is_refused(kind, text):
    assert refusal(kind, text).code == "negative"


@pytest.mark.parametrize("kind", NUMBER_TYPES)
@pytest.mark.parametrize("text, suggestion", [("1,5", "1.5"), ("12,75", "12.75"), ("0,5", "0.5")])
def test_decimal_comma_is_refused_with_a_suggestion_using_a_point(kind, text, suggestion):
    error = refusal(kind, text)
    assert error.code == "decimal_comma"
    assert suggestion in error.messages[0]


# parse_value: yes / no, single choice -----------------------------------------------------


@pytest.mark.parametrize("text, expected", [("yes", True), ("no", False), (" yes ", True)])
def test_yes_no_is_returned_as_a_bool(text, expected):
    assert parse(T.YES_NO, text) is expected


@pytest.mark.parametrize("text", ["maybe", "", "Yes", "NO", "true", "1", "0", "y", "oui"])
def test_yes_no_refuses_anything_but_yes_or_no(text):
    assert refusal(T.YES_NO, text).code == "invalid_choice"


@pytest.mark.parametrize("text", OPTION_VALUES)
def test_single_choice_returns_the_option_value(text):
    result = parse(T.SINGLE_CHOICE, text)
    assert result == text
    assert type(result) is str


@pytest.mark.parametrize("text", ["abolished", "", "Adopted", "ADOPTED", "adopted!"])
def test_single_choice_refuses_a_value_that_is_not_an_option(text):
    assert refusal(T.SINGLE_CHOICE, text).code == "invalid_choice"


def test_single_choice_without_options_refuses_everything():
    for options in (None, []):
        error = refusal(T.SINGLE_CHOICE, "adopted", options=options)
        assert error.messages == ["Choose one of the options."]


# parse_value: years -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [("1950", 1950), ("2023", 2023), (" 2023 ", 2023), (str(THIS_YEAR + 1), THIS_YEAR + 1)],
)
def test_year_from_1950_to_next_year_is_returned_as_an_int(text, expected):
    result = parse(T.YEAR, text)
    assert result == expected
    assert type(result) is int


OUT_OF_RANGE = f"Enter a year between 1950 and {THIS_YEAR + 1}."
NOT_FOUR_DIGITS = "Enter a year with four digits, for example 2023."


@pytest.mark.parametrize(
    "text, message",
    [
        ("23", NOT_FOUR_DIGITS),
        ("1899", OUT_OF_RANGE),
        ("1949", OUT_OF_RANGE),
        ("3000", OUT_OF_RANGE),
        (str(THIS_YEAR + 2), OUT_OF_RANGE),
        ("0000", OUT_OF_RANGE),
        ("abcd", NOT_FOUR_DIGITS),
        ("", NOT_FOUR_DIGITS),
        ("20 23", NOT_FOUR_DIGITS),
        ("2023.0", NOT_FOUR_DIGITS),
        ("-2023", NOT_FOUR_DIGITS),
        ("+2023", NOT_FOUR_DIGITS),
        ("02023", NOT_FOUR_DIGITS),
        ("٢٠٢٣", NOT_FOUR_DIGITS),
        ("２０２３", NOT_FOUR_DIGITS),
        ("NaN", NOT_FOUR_DIGITS),
        ("1e3", NOT_FOUR_DIGITS),
    ],
)
def test_year_outside_1950_to_next_year_or_not_four_digits_is_refused(text, message):
    assert refusal(T.YEAR, text).messages == [message]


# parse_value: free text -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The national policy was adopted in 2021.", "The national policy was adopted in 2021."),
        ("  padded  ", "padded"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("\u202eevil.exe", "\u202eevil.exe"),
        ("سياسة وطنية", "سياسة وطنية"),
        ("", ""),
    ],
)
def test_free_text_is_returned_as_the_text_typed(text, expected):
    result = parse(T.FREE_TEXT, text)
    assert result == expected
    assert type(result) is str


def test_free_text_up_to_the_indicator_limit_is_accepted():
    assert parse(T.FREE_TEXT, "x" * 10, max_length=10) == "x" * 10


def test_free_text_over_the_indicator_limit_is_refused():
    assert refusal(T.FREE_TEXT, "x" * 11, max_length=10).code == "too_long"


def test_free_text_without_an_indicator_limit_uses_the_default_limit():
    assert parse(T.FREE_TEXT, "x" * DEFAULT_TEXT_LIMIT) == "x" * DEFAULT_TEXT_LIMIT
    assert refusal(T.FREE_TEXT, "x" * (DEFAULT_TEXT_LIMIT + 1)).code == "too_long"


@pytest.mark.parametrize("text", ["\x00", "before\x00after"])
def test_free_text_with_a_nul_character_is_refused(text):
    assert refusal(T.FREE_TEXT, text).messages == [
        "The text contains a character that is not allowed."
    ]


# AnswerForm: valid answers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, data, expected",
    [
        (T.WHOLE_NUMBER, {"value": "12"}, {"value": 12}),
        (T.WHOLE_NUMBER, {"value": "1 000"}, {"value": 1000}),
        (T.DECIMAL, {"value": "2.75"}, {"value": Decimal("2.75")}),
        (T.PERCENTAGE, {"value": "100"}, {"value": Decimal("100")}),
        (T.MONEY, {"value": "1500.50", "currency": "USD"}, {"value": Decimal("1500.50")}),
        (T.MONEY, {"value": "250000", "currency": "KES"}, {"currency": "KES"}),
        (T.YES_NO, {"value": "yes"}, {"value": True}),
        (T.YES_NO, {"value": "no"}, {"value": False}),
        (T.SINGLE_CHOICE, {"value": "adopted"}, {"value": "adopted"}),
        (T.YEAR, {"value": "2020"}, {"value": 2020}),
        (T.FREE_TEXT, {"value": "A plan for 12 cities."}, {"value": "A plan for 12 cities."}),
    ],
)
def test_a_valid_answer_of_each_type_is_accepted(kind, data, expected):
    form = answer_form(kind, data, required=True)
    assert form.is_valid(), form.errors
    for name, value in expected.items():
        assert form.cleaned_data[name] == value
        assert type(form.cleaned_data[name]) is type(value)
    assert form.is_answered


def test_a_full_answer_keeps_reference_year_source_and_note():
    form = answer_form(
        T.WHOLE_NUMBER,
        {"value": "14", "reference_year": "2022", "source": "Ministry survey", "note": "Draft"},
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reference_year"] == 2022
    assert form.cleaned_data["source"] == "Ministry survey"
    assert form.cleaned_data["note"] == "Draft"


def test_by_sex_whole_numbers_are_accepted_when_the_parts_fit_in_the_total():
    form = answer_form(
        T.WHOLE_NUMBER,
        {"value_female": "4", "value_male": "6", "value_total": "10"},
        by_sex=True,
        required=True,
    )
    assert form.is_valid(), form.errors
    assert [form.cleaned_data[f"value_{sex}"] for sex in ("female", "male", "total")] == [4, 6, 10]


def test_by_sex_total_alone_is_accepted():
    form = answer_form(T.WHOLE_NUMBER, {"value_total": "10"}, by_sex=True, required=True)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value_female"] is None
    assert form.cleaned_data["value_total"] == 10


def test_by_sex_percentages_are_not_summed():
    form = answer_form(
        T.PERCENTAGE,
        {"value_female": "60", "value_male": "70", "value_total": "65"},
        by_sex=True,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value_total"] == Decimal("65")


# AnswerForm: required, optional, not available --------------------------------------------


TYPED_TYPES = [T.WHOLE_NUMBER, T.DECIMAL, T.PERCENTAGE, T.MONEY, T.YEAR, T.FREE_TEXT]
EMPTY_ANSWERS = [(kind, "") for kind in T] + [(kind, "   ") for kind in TYPED_TYPES]


@pytest.mark.parametrize("kind, typed", EMPTY_ANSWERS)
@pytest.mark.parametrize("by_sex, field", [(False, "value"), (True, "value_total")])
def test_an_empty_required_answer_is_refused_on_the_value_field(kind, typed, by_sex, field):
    names = ["value_female", "value_male", "value_total"] if by_sex else ["value"]
    data = {name: typed for name in names}
    form = answer_form(kind, data, required=True, by_sex=by_sex)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert_typed_input_kept(form, data)


@pytest.mark.parametrize("kind", list(T))
@pytest.mark.parametrize("by_sex", [False, True])
def test_an_optional_answer_left_empty_is_valid_and_not_answered(kind, by_sex):
    form = answer_form(kind, {}, by_sex=by_sex)
    assert form.is_valid(), form.errors
    assert not form.is_answered


def test_an_answer_of_no_counts_as_answered():
    form = answer_form(T.YES_NO, {"value": "no"})
    assert form.is_valid(), form.errors
    assert form.is_answered


@pytest.mark.parametrize("reason", ["", "   "])
def test_not_available_without_a_reason_is_refused_on_reason(reason):
    data = {"not_available": "on", "reason": reason}
    form = answer_form(T.WHOLE_NUMBER, data, required=True)
    assert not form.is_valid()
    assert list(form.errors) == ["reason"]
    assert_typed_input_kept(form, data)


@pytest.mark.parametrize(
    "kind, by_sex, typed",
    [
        (T.WHOLE_NUMBER, False, {"value": "abc"}),
        (T.WHOLE_NUMBER, False, {"value": "-3"}),
        (T.WHOLE_NUMBER, True, {"value_female": "x", "value_male": "9", "value_total": "1"}),
        (T.DECIMAL, False, {"value": "NaN"}),
        (T.PERCENTAGE, False, {"value": "500"}),
        (T.PERCENTAGE, True, {"value_female": "1,5", "value_male": "", "value_total": ""}),
        (T.MONEY, False, {"value": "1.234", "currency": ""}),
        (T.MONEY, False, {"value": "12", "currency": "USD"}),
        (T.YES_NO, False, {"value": "yes"}),
        (T.SINGLE_CHOICE, False, {"value": "adopted"}),
        (T.YEAR, False, {"value": "23"}),
        (T.FREE_TEXT, False, {"value": "x" * (DEFAULT_TEXT_LIMIT + 1)}),
    ],
)
def test_not_available_with_a_reason_is_valid_and_clears_the_values(kind, by_sex, typed):
    data = typed | {"not_available": "on", "reason": "The census is not yet published."}
    form = answer_form(kind, data, required=True, by_sex=by_sex)
    assert form.is_valid(), form.errors
    for name, _label in form.value_field_names():
        assert form.cleaned_data[name] is None
    if kind == T.MONEY:
        assert form.cleaned_data["currency"] is None
    assert form.cleaned_data["reason"] == "The census is not yet published."
    assert form.is_answered


# AnswerForm: bad values are refused on their own field ------------------------------------


@pytest.mark.parametrize(
    "kind, typed",
    [
        (T.WHOLE_NUMBER, "2.5"),
        (T.WHOLE_NUMBER, "-1"),
        (T.WHOLE_NUMBER, "9" * 40),
        (T.WHOLE_NUMBER, "١٢"),
        (T.WHOLE_NUMBER, "x" * 41),
        (T.DECIMAL, "Infinity"),
        (T.DECIMAL, "1e309"),
        (T.DECIMAL, " 12abc "),
        (T.PERCENTAGE, "101"),
        (T.PERCENTAGE, "100.01"),
        (T.PERCENTAGE, "0x10"),
        (T.YES_NO, "maybe"),
        (T.SINGLE_CHOICE, "abolished"),
        (T.YEAR, "1899"),
        (T.YEAR, "3000"),
        (T.FREE_TEXT, "nul \x00 inside"),
    ],
)
def test_a_bad_value_is_refused_on_the_value_field_and_kept_as_typed(kind, typed):
    data = {"value": typed, "reference_year": "2023", "source": "Survey", "note": "<b>n</b>"}
    form = answer_form(kind, data, required=True)
    assert not form.is_valid()
    assert list(form.errors) == ["value"]
    assert_typed_input_kept(form, data)


def test_a_decimal_comma_in_the_form_suggests_a_point():
    data = {"value": "1,5"}
    form = answer_form(T.DECIMAL, data)
    assert not form.is_valid()
    assert "1.5" in form.errors["value"][0]
    assert_typed_input_kept(form, data)


def test_free_text_over_the_indicator_limit_is_refused_in_the_form():
    data = {"value": "x" * 201}
    form = answer_form(T.FREE_TEXT, data, max_length=200)
    assert not form.is_valid()
    assert list(form.errors) == ["value"]
    assert_typed_input_kept(form, data)


def test_money_without_a_currency_is_refused_on_currency():
    data = {"value": "1500", "currency": ""}
    form = answer_form(T.MONEY, data, required=True)
    assert not form.is_valid()
    assert list(form.errors) == ["currency"]
    assert_typed_input_kept(form, data)


@pytest.mark.parametrize("currency", ["XYZ", "usd", "US$", "USDX", " USD", "Kenyan Shilling"])
def test_money_with_an_unknown_currency_is_refused_on_currency(currency):
    data = {"value": "1500", "currency": currency}
    form = answer_form(T.MONEY, data)
    assert not form.is_valid()
    assert list(form.errors) == ["currency"]
    assert_typed_input_kept(form, data)


@pytest.mark.parametrize("currency", ["USD", "KES", "EUR", "COP"])
def test_money_with_an_iso_4217_currency_is_accepted(currency):
    form = answer_form(T.MONEY, {"value": "1500", "currency": currency})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["currency"] == currency


@pytest.mark.parametrize(
    "female, male, total",
    [("6", "5", "10"), ("11", "0", "10"), ("0", "1", "0")],
)
def test_by_sex_parts_adding_up_to_more_than_the_total_are_refused_on_total(female, male, total):
    data = {"value_female": female, "value_male": male, "value_total": total}
    form = answer_form(T.WHOLE_NUMBER, data, by_sex=True)
    assert not form.is_valid()
    assert list(form.errors) == ["value_total"]
    assert_typed_input_kept(form, data)


@pytest.mark.parametrize(
    "female, male",
    [("10", ""), ("", "10")],
)
def test_by_sex_one_part_larger_than_the_total_is_refused_on_total(female, male):
    # A part alone cannot exceed the total, even when the other part is not known.
    data = {"value_female": female, "value_male": male, "value_total": "5"}
    form = answer_form(T.WHOLE_NUMBER, data, by_sex=True)
    assert not form.is_valid()
    assert list(form.errors) == ["value_total"]


@pytest.mark.parametrize("kind", [T.WHOLE_NUMBER, T.DECIMAL, T.PERCENTAGE])
@pytest.mark.parametrize("female, male", [("4", "6"), ("4", ""), ("", "6")])
def test_by_sex_values_without_a_total_are_refused_on_total(kind, female, male):
    data = {"value_female": female, "value_male": male, "value_total": ""}
    form = answer_form(kind, data, by_sex=True)
    assert not form.is_valid()
    assert list(form.errors) == ["value_total"]
    assert_typed_input_kept(form, data)


def test_by_sex_bad_part_is_refused_on_that_part():
    data = {"value_female": "NaN", "value_male": "3", "value_total": "7"}
    form = answer_form(T.WHOLE_NUMBER, data, by_sex=True)
    assert not form.is_valid()
    assert list(form.errors) == ["value_female"]
    assert_typed_input_kept(form, data)


@pytest.mark.parametrize("year", ["abcd", "1800", "1949", "3000", "20234", "٢٠٢٣", "23"])
def test_a_bad_reference_year_is_refused_on_reference_year(year):
    data = {"value": "5", "reference_year": year}
    form = answer_form(T.WHOLE_NUMBER, data)
    assert not form.is_valid()
    assert list(form.errors) == ["reference_year"]
    assert_typed_input_kept(form, data)


def test_an_empty_reference_year_is_none():
    form = answer_form(T.WHOLE_NUMBER, {"value": "5", "reference_year": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reference_year"] is None


@pytest.mark.parametrize("field", ["note", "source", "reason"])
def test_a_100000_character_text_is_refused_on_its_field_without_a_server_error(field):
    data = {"value": "5", field: "a" * 100_000}
    form = answer_form(T.WHOLE_NUMBER, data)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert_typed_input_kept(form, data)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        '"><img src=x onerror=alert(1)>',
        "Ministry \u202etxt.exe",
        "المصدر: وزارة التنمية الحضرية",
    ],
)
@pytest.mark.parametrize("field", ["note", "source"])
def test_markup_and_direction_override_characters_are_kept_as_plain_text(text, field):
    data = {"value": "5", field: text}
    form = answer_form(T.WHOLE_NUMBER, data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data[field] == text
    assert "<script>" not in str(form[field])


def test_markup_in_a_free_text_answer_is_kept_as_plain_text():
    text = "<script>alert('x')</script> \u202e"
    form = answer_form(T.FREE_TEXT, {"value": f"{text}done"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == f"{text}done"


def test_several_errors_are_all_reported_and_everything_typed_is_kept():
    data = {
        "value": "1,5",
        "currency": "usd",
        "reference_year": "abcd",
        "source": "s" * 501,
        "note": "<script>",
        "reason": "",
    }
    form = answer_form(T.MONEY, data, required=True)
    assert not form.is_valid()
    assert set(form.errors) == {"value", "currency", "reference_year", "source"}
    assert_typed_input_kept(form, data)


# --- Cases added after the first review of the component ---------------------------------


def test_a_thousands_separator_is_refused_with_both_readings_offered():
    with pytest.raises(ValidationError) as error:
        parse_value(Indicator(type=IndicatorType.WHOLE_NUMBER), "1,000")
    assert "1000" in error.value.messages[0] and "1.000" in error.value.messages[0]


def test_a_narrow_no_break_space_between_digit_groups_is_accepted():
    assert parse_value(Indicator(type=IndicatorType.WHOLE_NUMBER), "1\u202f000") == 1000


def test_money_with_a_trailing_zero_is_the_same_amount():
    assert parse_value(Indicator(type=IndicatorType.MONEY), "1.230") == Decimal("1.230")


def test_junk_in_the_value_does_not_block_an_honest_not_available_answer():
    form = answer_form(
        IndicatorType.MONEY,
        {"value": "x" * 60, "currency": "XYZ", "not_available": "on", "reason": "No budget data"},
        required=True,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] is None and form.cleaned_data["currency"] is None


def test_an_unknown_currency_gets_one_message():
    form = answer_form(IndicatorType.MONEY, {"value": "10", "currency": "XYZ"})
    assert not form.is_valid()
    assert len(form.errors["currency"]) == 1
