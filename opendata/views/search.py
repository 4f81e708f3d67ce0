"""Search over the published reviews (issue 19): words, in any of the six languages, with
filters by cycle, region and indicator; each result is the passage that matched, its words
marked, with a link to that place of the review. Matching is opendata/search.py's."""

from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countries.models import Region
from indicators.models import Indicator, ReviewCycle
from opendata import published
from opendata import search as index
from opendata.models import Passage, PassageKind
from opendata.views.base import page, public
from reviews.sections import BY_KEY

PER_PAGE = 20
PARAMETERS = ("q", "cycle", "region", "indicator")


def _choice(label: Any, invalid: Any, choices: list | None = None) -> forms.ChoiceField:
    """A filter of the search: a list to choose from, empty for all."""
    return forms.ChoiceField(
        label=label, required=False, choices=choices or [],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": invalid},
    )  # fmt: skip


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Words to find"), required=False, max_length=200,
        widget=forms.SearchInput(attrs={"class": "form-control", "dir": "auto"}),
    )  # fmt: skip
    cycle = _choice(
        gettext_lazy("Review cycle"),
        gettext_lazy("“%(value)s” is not a published review cycle: choose one from the list."),
    )
    region = _choice(
        gettext_lazy("Region"),
        gettext_lazy("“%(value)s” is not a region: choose one from the list."),
        [("", gettext_lazy("All regions")), *Region.choices],
    )
    indicator = _choice(
        gettext_lazy("Indicator"),
        gettext_lazy(
            "“%(value)s” is not an indicator of a published cycle: choose one from the list."
        ),
    )

    def __init__(
        self, data: dict[str, str], cycles: list[ReviewCycle], indicators: dict[str, Indicator]
    ) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["cycle"]).choices = [
            ("", _("All published cycles")), *((str(c.pk), c.name) for c in cycles)
        ]  # fmt: skip
        cast(forms.ChoiceField, self.fields["indicator"]).choices = [
            ("", _("All indicators")),
            *((code, f"{code} {i.title}") for code, i in indicators.items()),
        ]
        for name in self.errors:
            self.fields[name].widget.attrs["class"] += " is-invalid"


def _indicators() -> dict[tuple[int, str], Indicator]:
    """The indicators of the published cycles' frozen matrices, by (cycle, code), the newest
    version's wording of each; oldest cycle first."""
    found = Indicator.objects.filter(
        matrix__cycle__in=published.cycles(), matrix__frozen_at__isnull=False
    ).select_related("matrix")
    return {
        (i.matrix.cycle_id, i.code): i
        for i in found.order_by("matrix__cycle__opens_on", "matrix__version", "pk")
    }


def _where(passage: Passage, indicators: dict[tuple[int, str], Indicator]) -> tuple[str, str]:
    """What a passage is, in the reader's language (the template names a good practice), and
    its anchor on the review's page."""
    if passage.kind == PassageKind.SECTION:
        section = BY_KEY.get(passage.key)
        label = f"{section.number}. {section.title}" if section else passage.key
        return label, f"section-{passage.key}"
    if passage.kind == PassageKind.PRACTICE:
        return passage.title, f"practice-{passage.key}"
    indicator = indicators.get((passage.review.cycle_id, passage.key))
    label = f"{passage.key} {indicator.title}" if indicator else passage.key
    return label, f"indicator-{passage.key}"


def _results(form: SearchForm, number: str, indicators: dict) -> dict[str, Any]:
    query = form.cleaned_data["q"]
    found = index.search(
        query,
        cycle=form.cleaned_data["cycle"] or None,
        region=form.cleaned_data["region"] or None,
        indicator=form.cleaned_data["indicator"] or None,
    )
    # Not a number: the first page; past the end: the last.
    page_number = int(number) if number.isdecimal() and len(number) < 19 else 1
    results = Paginator(found, PER_PAGE).get_page(page_number)
    rows = []
    for passage in results:
        where, anchor = _where(passage, indicators)
        url = reverse("opendata:review", args=[passage.review_id])
        rows.append({"passage": passage, "where": where, "url": f"{url}#{anchor}",
                     "html": index.highlight(passage, query)})  # fmt: skip
    asked = {k: v for k, v in form.cleaned_data.items() if v}
    return {
        "results": results,
        "rows": rows,
        "previous": results.has_previous()
        and "?" + urlencode(asked | {"page": results.previous_page_number()}),
        "next": results.has_next()
        and "?" + urlencode(asked | {"page": results.next_page_number()}),
    }


@public
def search(request: HttpRequest) -> HttpResponse:
    asked = {name: request.GET.get(name, "") for name in PARAMETERS}
    number = request.GET.get("page", "1")

    def build() -> dict[str, Any]:
        cycles = list(published.cycles().order_by("-opens_on", "pk"))
        by_cycle = _indicators()
        by_code = {code: i for (_cycle, code), i in by_cycle.items()}  # the latest cycle's
        choices = {code: by_code[code] for code in sorted(by_code, key=index.code_order)}
        form = SearchForm(asked, cycles, choices)
        context: dict[str, Any] = {"title": _("Search the published reviews"), "form": form}
        context["searched"] = form.is_valid() and bool(form.cleaned_data["q"])
        if context["searched"]:
            context |= _results(form, number, by_cycle)
        return context

    parts = ("search", *asked.values(), number)
    return page(request, parts, "opendata/search.html", build)
