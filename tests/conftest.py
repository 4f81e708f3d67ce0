import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.test import Client

from accounts.roles import Role, sync_role_groups
from config.celery import app as celery_app
from countries.member_states import load_member_states
from countries.models import Country
from tests import factories


def pytest_configure(config) -> None:
    """Static files come from the finders in tests, never from a `collectstatic` folder:
    WhiteNoise reads every file of STATIC_ROOT each time a test client starts (≈0.2 s), so a
    `staticfiles/` left in the checkout would slow the suite several times over."""
    django_settings.STATIC_ROOT = django_settings.BASE_DIR / "var" / "no-collected-static-in-tests"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items) -> None:
    """Mark the tests that commit (transaction=True, a live server): their flush empties the
    tables the migrations filled, so `make test` runs them after the others, in a second pass
    (each pytest-xdist process would otherwise mix the two kinds in any order)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (marker and marker.kwargs.get("transaction")) or {
            "transactional_db",
            "live_server",
        } & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.transactional)
    # The longest tests first, so that no process is left running one of them alone at the end.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def eager_tasks(settings):
    """Tasks run in-process unless a test starts a real worker (see test_celery_worker.py)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """Sign-in limits and used authenticator codes live in the cache: each test starts clean."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """A deliberately slow password hash is for production; personas need not pay it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        }
    }


@pytest.fixture
def base_data(transactional_db) -> None:
    """What the data migrations create (member states, role groups), for transactional tests.

    A transactional test (live server, real worker) ends by emptying every table, so each one
    puts these rows back first instead of relying on what an earlier test left.
    """
    load_member_states(Country)
    sync_role_groups(django_apps)


@pytest.fixture
def kenya(db) -> Country:  # country A
    return Country.objects.get(iso3="KEN")


@pytest.fixture
def colombia(db) -> Country:  # country B
    return Country.objects.get(iso3="COL")


@pytest.fixture
def focal_point(kenya):  # focal point of Kenya (country A)
    return factories.make_focal_point(kenya, email="focal.ke@example.org", name="Wanjiru Kamau")


@pytest.fixture
def other_focal_point(colombia):  # focal point of Colombia (country B)
    return factories.make_focal_point(colombia, email="focal.co@example.org", name="Ana Gómez")


@pytest.fixture
def reviewer(db):  # secretariat reviewer, enrolled in two-factor authentication
    return factories.make_user(Role.REVIEWER, email="reviewer@unhabitat.example", name="Rev Iewer")


@pytest.fixture
def secretariat_admin(db):  # secretariat admin, enrolled in two-factor authentication
    return factories.make_user(Role.ADMIN, email="admin@unhabitat.example", name="Ad Min")


@pytest.fixture
def board_member(db):  # Executive Board delegate
    return factories.make_user(Role.BOARD, email="board@example.org", name="Board Delegate")


@pytest.fixture
def anonymous() -> Client:  # nobody signed in
    return Client()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url_names(namespace: str) -> set[str]:
    """The names of every URL pattern in a namespace, however it is included (for the tables
    of who may reach which URL: a new URL without a row fails them)."""
    from django.urls import URLPattern, URLResolver, get_resolver

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
