"""The editor writes its ~150 fields with `reviews.forms.field_html` instead of crispy-forms'
`as_crispy_field` (a third of the page's time). It must write the same markup, or the labels,
help texts, error ids and ARIA attributes the tests and people rely on drift apart: this
compares the two for every field of the editor, empty, filled in, and with errors."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

from reviews import editor
from reviews.forms import SectionsForm, field_html
from tests.support.clients import client_for
from tests.support.forms import form_values
from tests.support.reviews import fill


def markup(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


def fields_of(review, data=None):
    indicators = list(editor.matrix_indicators(review))
    forms = [SectionsForm(data, instance=review), *editor.editor_forms(review, indicators, data)]
    for form in forms:
        if data is not None:
            form.is_valid()  # the errors are shown next to their fields
        yield from (form[name] for name in form.fields)


@pytest.mark.parametrize("state", ["empty", "filled", "errors"])
def test_field_html_writes_what_crispy_writes(state, draft_review, focal_point):
    review = draft_review if state == "empty" else fill(draft_review, focal_point)
    data = None
    if state == "errors":
        page = _editor_page(review, focal_point)
        data = form_values(page) | {
            name: "not a number or a choice" for name in form_values(page) if name.startswith("ind-")
        } | {"difficulties": ""}  # fmt: skip
    compared = 0
    for bound in fields_of(review, data):
        assert markup(field_html(bound)) == markup(as_crispy_field(bound)), bound.html_name
        compared += 1
    assert compared > 100


def _editor_page(review, user) -> str:
    return client_for(user).get(f"/reviews/{review.pk}/edit/").content.decode()
