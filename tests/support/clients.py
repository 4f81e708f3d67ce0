"""Test clients signed in as a person, and the URL names a namespace holds."""

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url_names(namespace: str) -> set[str]:
    """The names of every URL pattern in a namespace, however it is included (for the tables
    of who may reach which URL: a new URL without a row fails them)."""

    def names_in(patterns) -> set[str]:
        found = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found |= names_in(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.add(pattern.name)
        return found

    def find(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == namespace:
                    return names_in(pattern.url_patterns)
                inner = find(pattern.url_patterns)
                if inner is not None:
                    return inner
        return None

    names = find(get_resolver().url_patterns)
    assert names is not None, f"no URL namespace {namespace!r} is included"
    return names
