"""The corpus of hostile and odd input (tests/fixtures/bad_input.json) against every form field
and every URL parameter of the portal (SPEC §10): no server error, no unescaped reflection,
no lost input.

- Every URL parameter: each route's path parameters, and the query parameters the views read
  (QUERY below), each set to every value of the corpus, as a persona who may open the page.
- Every form field: every form of every page that some persona may open (the table of
  tests/support/urlwalk.py), posted as a browser would with one field set to each value of the
  corpus. When the page comes back with the form (a message for the person), every field they
  typed into still holds what they typed; a redirect means the value was taken.
- And the request as a whole: 2,000 fields, the same parameter twice, no CSRF token.

Each POST is made in a savepoint rolled back afterwards.
"""

import copy
import functools
import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils.html import escape

from tests.support.clients import client_for
from tests.support.forms import TYPED, forms
from tests.support.urlwalk import ACCESS, OK, PERSONAS, browser, fill_route, walk

CORPUS_FILE = Path(__file__).parent / "fixtures" / "bad_input.json"

# Who opens each page for the test: the first of these who may (the table of test_url_walk).
PREFERRED = ("focal_point", "peer", "admin", "reviewer", "board", "anonymous")

# The query parameters each view reads (request.GET), by route.
QUERY = {
    "countries/": ["q", "region"],
    "countries/network/partners/": ["type"],
    "cycles/<int:pk>/": ["version"],
    "cycles/<int:pk>/matrix.<str:fmt>": ["version"],
    "cycles/<int:pk>/matrix/<str:kind>/add/": ["parent"],
    "reports/downloads/": ["cycle", "page"],
    "library/": ["q", "region", "cycle", "page"],
    "reviews/": ["cycle", "status", "region"],
    "accounts/login/": ["next"],
    "accounts/logout/": ["next"],
    "data/search/": ["q", "cycle", "region", "indicator", "page"],
    "data/cycles/<int:cycle>/indicators/<indicator:code>/": ["sort"],
}

# Forms left out, with the reason.
SKIPPED_ACTIONS = {
    "/accounts/logout/": "signs out; nothing typed",
}


@functools.cache
def corpus() -> dict[str, str]:
    values = json.loads(CORPUS_FILE.read_text(encoding="utf-8"))["values"]
    return {
        key: value if isinstance(value, str) else value["repeat"] * value["times"]
        for key, value in values.items()
    }


def reflected_raw(payload: str, html: str) -> bool:
    """Whether a payload with markup in it appears in the page unescaped."""
    return escape(payload) != payload and payload in html


def opener(route: str) -> str | None:
    row = dict(zip(PERSONAS, ACCESS[route][0], strict=True))
    return next((p for p in PREFERRED if row[p] == OK), None)


def pages(world) -> list[tuple[str, str, str]]:  # noqa: F811
    """(route, URL, persona) of every page some persona may GET."""
    found = []
    for route, _pattern in walk():
        persona = opener(route)
        if persona is not None:
            found.append((route, fill_route(route, world["arguments"][route]), persona))
    return found


def server_error_or_reflection(response, payload: str, where: str) -> list[str]:
    if response.status_code >= 500:
        return [f"{where}: server error {response.status_code}"]
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        if reflected_raw(payload, response.content.decode(errors="replace")):
            return [f"{where}: the value appears unescaped"]
    return []


# URL parameters


def reaching(pattern, name: str, seen: set) -> dict[str, str]:
    """The corpus values that reach the view through the path parameter `name`: those its
    converter accepts (an int parameter takes digits only; anything else is the resolver's
    404, the same for every route, so it is sent once per kind of converter)."""
    converter = getattr(pattern.pattern, "converters", {}).get(name)
    if converter is None or type(converter) not in seen:
        seen.add(type(converter))
        return corpus()
    return {k: v for k, v in corpus().items() if re.fullmatch(converter.regex, v)}


def test_every_path_parameter_takes_the_corpus(world):  # noqa: F811
    problems, sent, seen = [], 0, set()
    for route, pattern in walk():
        arguments = world["arguments"][route]
        names = [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]
        persona = opener(route)
        if persona is None:
            # Nobody here may open it (Django's admin: staff only): it answers the sign-in
            # redirect before its view reads a parameter. One such route takes the corpus.
            if "no opener" in seen:
                continue
            seen.add("no opener")
        client = browser(world["people"][persona or "admin"])
        for name in names:
            for key, payload in reaching(pattern, name, seen).items():
                url = fill_route(route, arguments | {name: quote(payload, safe="")})
                response = client.get(url)
                sent += 1
                problems += server_error_or_reflection(response, payload, f"{route} {name}={key}")
    assert sent > 300
    assert problems == [], "\n".join(problems)


@pytest.mark.slow
def test_every_query_parameter_takes_the_corpus(world):  # noqa: F811
    assert set(QUERY) <= set(ACCESS)
    problems = []
    for route, names in QUERY.items():
        url = fill_route(route, world["arguments"][route])
        client = browser(world["people"][opener(route)])
        for name in names:
            for key, payload in corpus().items():
                response = client.get(url, {name: payload})
                problems += server_error_or_reflection(response, payload, f"{url}?{name}={key}")
            # The same parameter twice, with two different odd values.
            twice = f"{url}?{urlencode([(name, corpus()['sql-or']), (name, corpus()['nan'])])}"
            problems += server_error_or_reflection(client.get(twice), "", f"{url} {name} twice")
    assert problems == [], "\n".join(problems)


# Form fields


def post_forms(world) -> list[tuple[str, str, str, object]]:  # noqa: F811
    """(page URL, action, persona, form) of every POST form on every page, as every persona
    who may open the page sees it; a form met again (the same fields: the language switcher in
    every footer, a thing's "add" and "edit" forms, which are one form class) is taken once."""
    found, met = [], set()
    for route, _pattern in walk():
        url = fill_route(route, world["arguments"][route])
        for persona, expected in zip(PERSONAS, ACCESS[route][0], strict=True):
            if expected != OK or persona == "deactivated":
                continue
            response = browser(world["people"][persona]).get(url)
            if not response.get("Content-Type", "").startswith("text/html") or response.streaming:
                continue
            for form in forms(response.content.decode()):
                action = form.action(url)
                key = tuple(sorted(form.kinds.items()))
                if form.method == "post" and action not in SKIPPED_ACTIONS and key not in met:
                    met.add(key)
                    found.append((url, action, persona, form))
    return found


def lost_input(response, action: str, typed: dict[str, str]) -> list[str]:
    """The typed fields that do not hold what was typed when the form comes back."""
    html = response.content.decode(errors="replace")
    again = [f for f in forms(html) if f.method == "post" and f.action(action) == action]
    if not again:
        return []
    back = again[0].values
    # Blanks alone are nothing typed (the field cleans them to empty), however many come back.
    return [name for name, value in typed.items() if name in back and back[name] != value
            and not (value.isspace() and not back[name].strip())]  # fmt: skip


def kinds_of_field(form) -> dict[str, str]:
    """One field of each kind in the form: fields whose names differ only by a number (the
    answers to each indicator: ind-<pk>-value, ind-<pk>-note…) and by input type are one kind,
    checked through its first field."""
    chosen = {}
    for name, kind in form.kinds.items():
        if kind != "file" and name != "csrfmiddlewaretoken":
            chosen.setdefault((re.sub(r"\d+", "#", name), kind), name)
    return {name: kind for (_shape, kind), name in chosen.items()}


# Fields that are not typed into (choices, hidden fields a page fills in, passwords, which are
# never sent back) get the values that take each path through a form's cleaning.
UNTYPED = ("script", "nul", "100k-chars", "huge-integer", "digit-lookalikes", "nan",
           "impossible-date", "sql-or", "empty", "rtl-override")  # fmt: skip


SHARDS = 4  # the fields are shared out among this many tests, which pytest-xdist runs at once


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_form_field_takes_the_corpus(world, shard):  # noqa: F811
    fields = [(url, action, persona, form, name, kind)
              for url, action, persona, form in post_forms(world)
              for name, kind in kinds_of_field(form).items()]  # fmt: skip
    assert len(fields) >= 100
    problems, clients = [], {}
    for url, action, persona, form, name, kind in fields[shard::SHARDS]:
        if persona not in clients:
            clients[persona] = browser(world["people"][persona])
        client = clients[persona]
        signed_in = copy.deepcopy(client.cookies)
        values = corpus() if kind in TYPED else {k: corpus()[k] for k in UNTYPED}
        for key, payload in values.items():
            where = f"{action} {name}={key} (from {url} as {persona})"
            cache.clear()  # no sign-in rate limit between one value and the next
            with transaction.atomic():
                response = client.post(action, form.values | {name: payload})
                transaction.set_rollback(True)
            client.cookies = copy.deepcopy(signed_in)  # as before the post, whatever it set
            problems += server_error_or_reflection(response, payload, where)
            if response.status_code in (200, 400) and kind in TYPED:  # the form again
                lost = lost_input(response, action, {name: payload})
                problems += [f"{where}: what was typed in {n} is lost" for n in lost]
    assert problems == [], "\n".join(problems)


# The request as a whole


def test_two_thousand_fields_and_duplicated_fields_are_refused_cleanly(world):  # noqa: F811
    review = world["arguments"]["reviews/<int:pk>/edit/"]["pk"]
    client = browser(world["people"]["focal_point"])
    url = f"/reviews/{review}/edit/"
    data = forms(client.get(url).content.decode())
    form = next(f for f in data if f.attrs.get("id") == "review-form")
    many = form.values | {f"extra-{i}": "x" for i in range(2_000)}
    response = client.post(url, many)
    assert response.status_code == 400  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
    # The same field twice: the last one is taken, as Django reads a form.
    body = urlencode(
        list(form.values.items()) + [("difficulties", "First."), ("difficulties", "Second.")]
    )
    with transaction.atomic():
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        transaction.set_rollback(True)
    assert response.status_code in (200, 302)


def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(world):  # noqa: F811
    review = world["arguments"]["reviews/<int:pk>/edit/"]["pk"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["people"]["focal_point"])
    url = f"/reviews/{review}/edit/"
    values = next(
        f for f in forms(client.get(url).content.decode()) if f.attrs.get("id") == "review-form"
    ).values
    without = {k: v for k, v in values.items() if k != "csrfmiddlewaretoken"} | {
        "difficulties": "Forged."
    }
    response = client.post(url, without)
    assert response.status_code == 403
    assert "Forged." not in client_for(world["people"]["focal_point"]).get(url).content.decode()
