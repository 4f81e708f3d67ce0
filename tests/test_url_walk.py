"""Every URL of the portal × every persona × GET and POST (SPEC §10), as the table of
tests/support/urlwalk.py says: a URL added anywhere without a row fails, and a row whose URL
is gone fails."""

import pytest

from tests.support.urlwalk import ACCESS, OK, PERSONAS, observe, walk


def test_every_url_is_in_the_table():
    routes = [route for route, _pattern in walk()]
    assert len(routes) == len(set(routes)), "two URL patterns with the same route"
    assert sorted(set(routes) - set(ACCESS)) == [], "URLs without a row in ACCESS"
    assert sorted(set(ACCESS) - set(routes)) == [], "rows of ACCESS for URLs that are gone"


@pytest.mark.slow
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_every_persona_as_the_table_says(world, persona):
    """One test per persona, so that the ~1,900 requests are shared among the processes."""
    column = PERSONAS.index(persona)
    wrong = []
    for route, _pattern in walk():
        for method, expected in zip(("get", "post"), ACCESS[route], strict=True):
            want = expected[column]
            got, changed = observe(world, route, method, persona)
            if got != want:
                wrong.append(f"{method.upper()} {route} as {persona}: {got}, not {want}")
            elif changed and want != OK:
                wrong.append(f"{method.upper()} {route} as {persona}: {got} but it changed")
    assert wrong == [], "\n".join(wrong)
