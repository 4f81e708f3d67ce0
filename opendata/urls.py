"""The open data, mounted at /data/: anyone, GET and HEAD only."""

from django.urls import path, register_converter

import countries.urls  # noqa: F401  (registers the "iso3" converter: three letters, upper-cased)
from opendata.views import downloads, pages, search


class IndicatorCode:
    """An indicator's code as matrices write them ("1.3", "3.5a"): anything else is a 404."""

    regex = r"[A-Za-z0-9._-]{1,10}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IndicatorCode, "indicator")

app_name = "opendata"

urlpatterns = [
    path("", pages.index, name="index"),
    path("search/", search.search, name="search"),
    path("cycles/<int:cycle>/", pages.cycle, name="cycle"),
    path("cycles/<int:cycle>/indicators/<indicator:code>/", pages.indicator, name="indicator"),
    path("cycles/<int:cycle>/answers.<str:fmt>", downloads.answers, name="answers"),
    path(
        "cycles/<int:cycle>/dictionary-<str:language>.<str:fmt>",
        downloads.dictionary,
        name="dictionary",
    ),
    path("reviews/<int:pk>/", pages.review, name="review"),
    path("countries/<iso3:iso3>/", pages.country, name="country"),
]
