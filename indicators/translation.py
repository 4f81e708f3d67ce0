"""The matrix texts kept in each of the six languages (django-modeltranslation).

Reading `indicator.title` gives the active language's text, or the English one where that
language has none yet; `title_en`, `title_ar`, … are the columns themselves.
"""

from modeltranslation.translator import TranslationOptions, register

from indicators.models import Area, ChoiceOption, Indicator, Outcome


class MatrixTexts(TranslationOptions):
    required_languages = ("en",)


@register(Outcome)
class OutcomeTexts(MatrixTexts):
    fields = ("title",)


@register(Area)
class AreaTexts(MatrixTexts):
    fields = ("title",)


@register(Indicator)
class IndicatorTexts(MatrixTexts):
    fields = ("title", "guidance", "unit")


@register(ChoiceOption)
class ChoiceOptionTexts(MatrixTexts):
    fields = ("label",)
