"""The open downloads of a published cycle (issue 19): its answers as CSV, XLSX or JSON and
its data dictionary in each of the six languages (opendata/exports.py). Each body is built
once per generation and language (opendata/cache.py), so a download asked for again costs no
database query; a cycle that is not published is a 404, as one that does not exist."""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation

from indicators.models import ReviewCycle
from opendata import api, cache, exports
from opendata.views.base import public

DICTIONARY_FORMATS = ("csv", "xlsx", "json")


def _download(
    cycle: int, what: str, fmt: str, body: Callable[[ReviewCycle], bytes]
) -> HttpResponse:
    """The file `what` of the published cycle, `body(cycle)`, from the cache when it is there."""

    def build() -> tuple[bytes, str]:
        found = api.published_cycle(cycle)  # Http404 unless published
        return body(found), exports.file_name(found, what, fmt)

    content, name = cache.cached(("download", cycle, what, fmt), build)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@public
def answers(request: HttpRequest, cycle: int, fmt: str) -> HttpResponse:
    """Every answer of the cycle's published reviews, one row per answer."""
    if fmt not in exports.CONTENT_TYPES:
        raise Http404
    return _download(cycle, "answers", fmt, lambda found: exports.answers_file(found, fmt))


@public
def dictionary(request: HttpRequest, cycle: int, language: str, fmt: str) -> HttpResponse:
    """What each column and each indicator means, in one of the six languages."""
    if fmt not in DICTIONARY_FORMATS or language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        return _download(
            cycle,
            f"dictionary-{language}",
            fmt,
            lambda found: exports.dictionary_file(found, language, fmt),
        )
