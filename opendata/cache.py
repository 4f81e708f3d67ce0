"""The public pages, downloads and API answers, kept in the Django cache (Redis with
CACHE_URL, each process's memory otherwise) until what is published changes.

Every entry's key carries a *generation*, a number kept in the cache itself: `changed()`
moves it on (opendata/receivers.py calls it when a cycle is published or a published review,
its answers or a country or cycle change), so every entry of the previous generation is never
read again and expires. Reading an entry costs no database query at all; what is built is
built from `published.py`. Without a shared cache each process has its own generation, so
entries there also expire after OPENDATA_CACHE_SECONDS (a minute by default), which bounds how
long another process may show what was published before.
"""

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.utils.translation import get_language

GENERATION = "opendata:generation"
MISSING = "opendata:missing"  # what a page that does not exist (404) is kept as


def generation() -> int:
    value = cache.get(GENERATION)
    if value is None:
        # A fresh start (a new process without a shared cache, or an emptied Redis) must not
        # meet entries of an earlier generation with the same number: start from the clock.
        cache.add(GENERATION, int(time.time() * 1000), None)
        value = cache.get(GENERATION)
    return int(value)


def changed() -> None:
    """What is published changed: every cached page, download and API answer is drawn again
    at its next request. Called at once and again after the commit, so that a page drawn
    from the data before the commit is not kept under the new generation."""

    def move_on() -> None:
        try:
            cache.incr(GENERATION)
        except ValueError:  # not there (expired, evicted, never read): a new start
            generation()

    move_on()
    transaction.on_commit(move_on)


def key(*parts: Any) -> str:
    """The cache key of an entry: the generation, the active language and `parts`."""
    payload = json.dumps([get_language(), *parts], sort_keys=True, default=str)
    return f"opendata:{generation()}:{hashlib.sha256(payload.encode()).hexdigest()}"


def cached[T](parts: tuple, build: Callable[[], T]) -> T:
    """The entry for `parts` (see `key`), built by `build()` on the first request. A `build`
    that raises Http404 is remembered as such, so a missing page costs no query either."""
    entry_key = key(*parts)
    hit = cache.get(entry_key)
    if hit == MISSING:
        raise Http404
    if hit is not None:
        return hit
    try:
        value = build()
    except Http404:
        cache.set(entry_key, MISSING, settings.OPENDATA_CACHE_SECONDS)
        raise
    cache.set(entry_key, value, settings.OPENDATA_CACHE_SECONDS)
    return value
