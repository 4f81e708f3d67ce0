"""What every public page of the open data shares: its body is drawn once per generation and
language (opendata/cache.py) and laid into the site's frame at each request, so a page read
again costs no database query. The body is drawn without the request (no CSRF token, no CSP
nonce, nobody's name): it is the same for every reader. Scripts, when a page has any, belong
in the frame template (`opendata/page.html`), which is drawn for each request."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from opendata import cache


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anyone may read it (no sign-in), with GET or HEAD."""
    return login_not_required(require_safe(wraps(view)(view)))


def page(
    request: HttpRequest,
    parts: tuple,
    template: str,
    build: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """The page `template` drawn from the context `build()` returns, kept under `parts` (the
    view's name and what selects its content: ids, the query). The context must hold `title`
    (the page's title) and may hold `breadcrumbs` ([(label, url or None)]) and `lang_dir`."""

    def draw() -> dict[str, str]:
        context = build()
        return {
            "title": str(context["title"]),
            "body": render_to_string(template, context),
        }

    return render(request, "opendata/page.html", cache.cached(parts, draw))
