"""The open-data JSON API, /api/v1/ (issue 19): read-only, anonymous, and built from
`published.py` alone, so nothing that is not published ever appears in it.

Every answer is JSON. Lists are paginated (`page`, `page_size`); every 200 carries an ETag and a
Last-Modified (a client's If-None-Match or If-Modified-Since gets 304) and a short public
Cache-Control; each client address has a rate limit (settings.OPENDATA_API_RATE) kept in the
Django cache. Errors are `{"detail": "<message>"}`: 400 for a bad parameter (naming it), 404
for what is not published (whether it exists elsewhere is not said), 405 for a method other
than GET or HEAD, 429 past the rate limit. The OpenAPI 3.1 description is /api/v1/openapi.json
and its interactive page /api/v1/docs (Swagger UI, from django-ninja's own static copy).
"""

import json
import logging
import math
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache as django_cache
from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from ninja import Field, NinjaAPI, Query, Schema
from ninja import Path as PathParam
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.pagination import PaginationBase, paginate
from ninja.throttling import AnonRateThrottle

from countries.models import Country, Region
from indicators.models import CycleStatus, Indicator, ReviewCycle
from opendata import cache, published
from opendata.schemas import (
    INDICATOR_CODE,
    ISO3,
    MAX_ID,
    AnswerOut,
    CountryOut,
    CycleOut,
    IndicatorOut,
    Message,
    ReviewDetail,
    ReviewOut,
)
from reviews.models import Answer, Review
from reviews.workflow import ReviewStatus

log = logging.getLogger(__name__)

PAGE_SIZE, MAX_PAGE_SIZE, MAX_PAGE = 50, 200, 100_000
MAX_AGE = 60  # seconds a client or a shared cache may reuse an answer before revalidating
ERRORS: dict[int, type[Schema]] = {400: Message, 404: Message, 429: Message}
NOTHING_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)  # Last-Modified while nothing is published


class Pages(PaginationBase):
    """`page` (from 1) and `page_size` (up to 200); the answer says how many there are."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="The page, from 1.")
        page_size: int = Field(
            PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page (at most 200)."
        )

    class Output(Schema):
        count: int = Field(description="How many items there are on all pages.")
        page: int
        page_size: int
        items: list[Any]

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        start = (pagination.page - 1) * pagination.page_size
        return {
            "count": queryset.count(),
            "page": pagination.page,
            "page_size": pagination.page_size,
            "items": list(queryset[start : start + pagination.page_size]),
        }


class ClientRateThrottle(AnonRateThrottle):
    """settings.OPENDATA_API_RATE per client address, read at each request (tests lower it).
    The address is REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the one that many hops
    back in X-Forwarded-For (as for sign-in limits): a header a client sets is not trusted."""

    def __init__(self) -> None:
        super().__init__(settings.OPENDATA_API_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.OPENDATA_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request: HttpRequest) -> str | None:
        proxies = settings.TRUSTED_PROXY_COUNT
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if proxies and forwarded:
            hops = [hop.strip() for hop in forwarded.split(",")]
            return hops[-min(proxies, len(hops))]
        return request.META.get("REMOTE_ADDR")


class SwaggerPage(DocsBase):
    """Swagger UI from django-ninja's static files (nothing from a CDN), its settings in a
    JSON script carrying the page's CSP nonce."""

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        options = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            "supportedSubmitMethods": ["get"],
            "validatorUrl": None,
        }
        safe_json = json.dumps(options).replace("<", "\\u003c").replace(">", "\\u003e")
        context = {"api": api, "swagger_settings": mark_safe(safe_json.replace("&", "\\u0026"))}
        return render(request, "opendata/api_docs.html", context)


api = NinjaAPI(
    title="Safer Cities Review Portal: open data",
    version="1.0.0",
    description=(
        "The published voluntary country reviews of the UN System-wide Guidelines on Safer "
        "Cities and Human Settlements, read-only and open to anyone: the published review "
        "cycles, the countries, each cycle's indicators, the approved reviews of published "
        "cycles and their answers. Lists are paginated with `page` and `page_size`. Answers "
        "carry an ETag and a Last-Modified for revalidation; each client address has a rate "
        'limit (429 past it). Errors are JSON: `{"detail": "…"}`.'
    ),
    urls_namespace="api",
    docs=SwaggerPage(),
)


# --- Errors: JSON with a clear message ------------------------------------------------------


def _message(detail: str, status: int) -> HttpResponse:
    return JsonResponse({"detail": detail}, status=status)


@api.exception_handler(ValidationError)
def bad_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A 400 naming each bad parameter (django-ninja's default is a 422 with pydantic's list)."""
    problems = []
    for error in exc.errors:
        where, *name = [str(part) for part in error.get("loc", ())] or ["request"]
        kind = {"query": "query parameter", "path": "path parameter"}.get(where, where)
        label = ".".join(part for part in name if part not in ("ninja_pagination",)) or where
        problems.append(f"{kind} '{label}': {error.get('msg', 'not valid')}")
    return _message("Bad parameter: " + "; ".join(problems) + ".", 400)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _message(str(exc) or "Not found.", 404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _message(str(exc), exc.status_code)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("open-data API: %s", request.get_full_path())
    return _message("Something went wrong on our side; please try again later.", 500)


# --- The published data ---------------------------------------------------------------------


def _cycles() -> QuerySet[ReviewCycle]:
    counts = (
        published.reviews()
        .filter(cycle=OuterRef("pk"))
        .order_by()
        .values("cycle")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return published.cycles().annotate(
        published_at=Max("events__at", filter=Q(events__to_status=CycleStatus.PUBLISHED)),
        reviews_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0),
    )


def published_cycle(cycle_id: int) -> ReviewCycle:
    """A published cycle as CycleOut shows it (also the open downloads', opendata/exports.py)."""
    cycle = _cycles().filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404(f"No published cycle has the id {cycle_id}.")
    return cycle


def _reviews() -> QuerySet[Review]:
    approved = Q(transitions__to_status=ReviewStatus.APPROVED)
    return published.reviews().annotate(
        approved_at=Max("transitions__at", filter=approved), version=Max("snapshots__version")
    )


def _countries() -> QuerySet[Country]:
    reported = (
        published.reviews()
        .filter(country=OuterRef("pk"))
        .order_by("cycle__opens_on", "cycle_id")
        .values("cycle_id")
    )
    return Country.objects.annotate(reported_in=ArraySubquery(reported)).order_by("name")


def last_change() -> datetime:
    """When anything published last changed: a cycle's publication or a published review."""
    moments = [
        published.reviews().aggregate(at=Max("updated_at"))["at"],
        published.cycles().aggregate(at=Max("events__at"))["at"],
    ]
    return max([m for m in moments if m is not None], default=NOTHING_BEFORE)


# --- Endpoints ------------------------------------------------------------------------------


class CountryFilters(Schema):
    region: Region | None = Field(None, description="Only the countries of this region.")


class ReviewFilters(Schema):
    cycle: int | None = Field(None, ge=1, le=MAX_ID, description="A published cycle's id.")
    country: str | None = Field(None, pattern=ISO3, description="A country's ISO3 code.")
    region: Region | None = Field(None, description="The country's region.")


class AnswerFilters(ReviewFilters):
    indicator: str | None = Field(None, pattern=INDICATOR_CODE, description="An indicator code.")


def _filter_reviews(queryset: QuerySet, filters: ReviewFilters, prefix: str = "") -> QuerySet:
    if filters.cycle is not None:
        queryset = queryset.filter(**{f"{prefix}cycle_id": filters.cycle})
    if filters.country is not None:
        queryset = queryset.filter(**{f"{prefix}country__iso3": filters.country.upper()})
    if filters.region is not None:
        queryset = queryset.filter(**{f"{prefix}country__region": filters.region})
    return queryset


@api.get("/cycles/", response={200: list[CycleOut], **ERRORS}, tags=["cycles"])
@paginate(Pages)
def cycles(request: HttpRequest) -> Any:
    """The published review cycles, newest first."""
    return _cycles().order_by("-opens_on", "pk")


@api.get("/cycles/{id}/", response={200: CycleOut, **ERRORS}, tags=["cycles"])
def cycle(request: HttpRequest, id: int = PathParam(..., ge=1, le=MAX_ID)) -> Any:
    """One published cycle."""
    return published_cycle(id)


@api.get("/cycles/{id}/indicators/", response={200: list[IndicatorOut], **ERRORS}, tags=["cycles"])
@paginate(Pages)
def cycle_indicators(request: HttpRequest, id: int = PathParam(..., ge=1, le=MAX_ID)) -> Any:
    """The indicators of a published cycle's matrix, in matrix order, with their outcome and
    area. Titles are in the language asked for (Accept-Language), English where untranslated."""
    cycle = published_cycle(id)
    if cycle.matrix is None:
        return Indicator.objects.none()
    return published.indicators(cycle)


@api.get("/countries/", response={200: list[CountryOut], **ERRORS}, tags=["countries"])
@paginate(Pages)
def countries(request: HttpRequest, filters: Query[CountryFilters]) -> Any:
    """The UN Member States and observer states, by name, with the published cycles each has
    a review in."""
    queryset = _countries()
    if filters.region is not None:
        queryset = queryset.filter(region=filters.region)
    return queryset


@api.get("/countries/{iso3}/", response={200: CountryOut, **ERRORS}, tags=["countries"])
def country(request: HttpRequest, iso3: str = PathParam(..., pattern=ISO3)) -> Any:
    """One country, by its ISO 3166 alpha-3 code."""
    found = _countries().filter(iso3=iso3.upper()).first()
    if found is None:
        raise Http404(f"No country has the code {iso3.upper()}.")
    return found


@api.get("/reviews/", response={200: list[ReviewOut], **ERRORS}, tags=["reviews"])
@paginate(Pages)
def reviews(request: HttpRequest, filters: Query[ReviewFilters]) -> Any:
    """The published reviews (the approved reviews of published cycles), by cycle and country."""
    return _filter_reviews(_reviews(), filters).order_by("-cycle__opens_on", "country__name")


@api.get("/reviews/{id}/", response={200: ReviewDetail, **ERRORS}, tags=["reviews"])
def review(request: HttpRequest, id: int = PathParam(..., ge=1, le=MAX_ID)) -> Any:
    """One published review with the text of its sections."""
    found = _reviews().filter(pk=id).first()
    if found is None:
        raise Http404(f"No published review has the id {id}.")
    return found


@api.get("/answers/", response={200: list[AnswerOut], **ERRORS}, tags=["answers"])
@paginate(Pages)
def answers(request: HttpRequest, filters: Query[AnswerFilters]) -> Any:
    """The answers of the published reviews to their cycle's indicators, by cycle, country and
    matrix order."""
    queryset = _filter_reviews(published.answers(), filters, prefix="review__")
    if filters.indicator is not None:
        queryset = queryset.filter(indicator__code=filters.indicator)
    return in_answer_order(queryset)


def in_answer_order(queryset: QuerySet[Answer]) -> QuerySet[Answer]:
    """By cycle (newest first), country and matrix order: the API's order, and the open
    downloads' (opendata/exports.py)."""
    return queryset.order_by(
        "-review__cycle__opens_on", "review__country__name", "indicator__area__outcome__order",
        "indicator__area__order", "indicator__order", "pk",
    )  # fmt: skip


# --- URLs: public, GET only, revalidated ----------------------------------------------------


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API's view as anyone may call it: GET or HEAD only (405 in JSON otherwise), within
    the client address's rate limit (429), answered from the cache when it can be (no query;
    opendata/cache.py, per path, parameters and language), and each JSON 200 with an ETag, a
    Last-Modified and a short public Cache-Control (304 when the client's copy is current)."""

    @login_not_required
    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = _message(
                f"The method {request.method} is not allowed: the API is read-only (GET).", 405
            )
            response["Allow"] = "GET, HEAD"
            return response
        throttle = ClientRateThrottle()
        if not throttle.allow_request(request):
            response = _message("Too many requests.", 429)
            response["Retry-After"] = str(math.ceil(throttle.wait() or 1))
            return response
        entry_key = cache.key("api", request.path, sorted(request.GET.lists()))
        entry = django_cache.get(entry_key)
        if entry is None:
            drawn = _drawn(view, request, *args, **kwargs)
            if isinstance(drawn, HttpResponse):  # the docs page: drawn for each request
                return drawn
            entry = drawn
            if entry["status"] < 500:
                django_cache.set(entry_key, entry, settings.OPENDATA_CACHE_SECONDS)
        response = HttpResponse(
            entry["body"], status=entry["status"], content_type=entry["content_type"]
        )
        if entry["status"] != 200:
            return response
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = http_date(entry["modified"])
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        conditional = get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["modified"], response=response
        )
        return conditional or response

    answer.csrf_exempt = True  # type: ignore[attr-defined]  # nothing here writes
    return answer


def _drawn(
    view: Callable[..., HttpResponse], request: HttpRequest, *args: Any, **kwargs: Any
) -> dict[str, Any] | HttpResponse:
    """The view's JSON answer as the cache keeps it (the body, its type, and for a 200 its ETag
    and when what it shows last changed). An answer that is not JSON (the docs page, which
    carries the request's CSP nonce) is returned as it is, never kept."""
    head, request.method = request.method == "HEAD", "GET"
    try:
        response = view(request, *args, **kwargs)
    finally:
        request.method = "HEAD" if head else "GET"
    if not response.get("Content-Type", "").startswith("application/json"):
        return response
    entry: dict[str, Any] = {
        "status": response.status_code,
        "body": response.content,
        "content_type": response["Content-Type"],
    }
    if response.status_code == 200:
        set_response_etag(response)
        entry |= {"etag": response["ETag"], "modified": int(last_change().timestamp())}
    return entry


def index(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """/api/v1/: where the description, the docs and the endpoints are."""
    root = request.path
    return JsonResponse(
        {
            "title": api.title,
            "version": api.version,
            "openapi": reverse("api:openapi-json"),
            "docs": reverse("api:openapi-view"),
            "endpoints": {
                name: f"{root}{name}/" for name in ("cycles", "countries", "reviews", "answers")
            },
        }
    )


def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    return _message(
        f"There is no such endpoint; the API is described at {reverse('api:openapi-view')}.", 404
    )


def urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """django-ninja's URLs, each made public (above), the root answering with an index, and
    any other path under the API a JSON 404."""
    patterns, app_name, namespace = api.urls
    made: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        assert isinstance(pattern, URLPattern)
        callback = index if pattern.name == "api-root" else pattern.callback
        made.append(
            URLPattern(pattern.pattern, public(callback), pattern.default_args, pattern.name)
        )
    made.append(path("<path:rest>", public(unknown), name="unknown"))
    return made, app_name, namespace
