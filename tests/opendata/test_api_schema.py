"""Schemathesis against the API's own OpenAPI description (/api/v1/openapi.json), through the
portal's WSGI application and the real database (a published cycle with two reviews): no
server error, every answer as described, and data that breaks the description refused with 400.

A bounded, derandomized number of examples per operation and mode, so that the run is the same
each time and stays within a minute.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode

from config.wsgi import application
from reviews.models import Review

EXAMPLES = 15


@pytest.fixture
def api_schema(published_cycle, settings):
    settings.OPENDATA_API_RATE = "100000/min"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis' WSGI host
    # The WSGI handler closes "old" connections around each request, which would close the
    # test's (it is inside a transaction): keep it, as Django's test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_description_has_every_endpoint_and_the_real_records_answer_as_it_says(
    api_schema, published_cycle
):
    assert api_schema.raw_schema["openapi"].startswith("3.1")
    paths = {f"{op.ok().method.upper()} {op.ok().path}" for op in api_schema.get_all_operations()}
    assert paths == {
        "GET /api/v1/cycles/", "GET /api/v1/cycles/{id}/", "GET /api/v1/cycles/{id}/indicators/",
        "GET /api/v1/countries/", "GET /api/v1/countries/{iso3}/", "GET /api/v1/reviews/",
        "GET /api/v1/reviews/{id}/", "GET /api/v1/answers/",
    }  # fmt: skip
    kenya = Review.objects.get(country__iso3="KEN", cycle=published_cycle)
    operations = {
        "/api/v1/cycles/{id}/": {"id": published_cycle.pk},
        "/api/v1/cycles/{id}/indicators/": {"id": published_cycle.pk},
        "/api/v1/reviews/{id}/": {"id": kenya.pk},
        "/api/v1/countries/{iso3}/": {"iso3": "KEN"},
    }
    for path, parameters in operations.items():
        operation = api_schema[path]["GET"]
        response = operation.Case(path_parameters=parameters).call_and_validate()
        assert response.status_code == 200, path
    for path in ("/api/v1/reviews/", "/api/v1/answers/", "/api/v1/countries/"):
        case = api_schema[path]["GET"].Case(query={"page_size": 200})
        response = case.call_and_validate()
        assert response.json()["count"] > 0, path


@pytest.mark.slow
def test_every_operation_answers_as_described_whatever_it_is_sent(api_schema):
    ran, seen = 0, set()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(
                max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck),
            )  # fmt: skip
            def call(case):
                response = case.call_and_validate()
                assert response.status_code < 500
                seen.add(response.status_code)

            call()
            ran += 1
    assert ran == 16
    assert {200, 400, 404} <= seen  # real answers, refused parameters, unpublished ids
