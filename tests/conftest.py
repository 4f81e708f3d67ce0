import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.test import Client

from accounts.roles import Role, sync_role_groups
from config.celery import app as celery_app
from countries.member_states import load_member_states
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reviews import services
from reviews.models import Review
from tests.support import factories
from tests.support.reviews import fill, make_approved_review, run_jobs
from tests.support.urlwalk import build_world


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
    """Tasks run in-process unless a test starts a real worker (see tests/core/test_celery_worker.py)."""
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
    """What the data migrations create (member states, role groups, the first cycle and its
    matrix), for transactional tests.

    A transactional test (live server, real worker) ends by emptying every table, so each one
    puts these rows back first instead of relying on what an earlier test left (each of these
    is idempotent).
    """
    load_member_states(Country)
    sync_role_groups(django_apps)
    importlib.import_module("indicators.migrations.0003_first_cycle").seed_first_cycle(
        django_apps, None
    )


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
def contributor(kenya, focal_point):  # Kenya's national contributor: section 1 and outcome 1
    return factories.make_contributor(
        kenya, invited_by=focal_point, email="expert.ke@example.org", name="Amina Odhiambo"
    )


@pytest.fixture
def peer(db):  # an expert of a partner organisation, invited as a peer (reviews/peers.py)
    return factories.make_user(Role.PEER, email="peer@partner.example", name="Ana Peer")


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


# --- Reviews in each state, for Kenya in the open first cycle --------------------------------


@pytest.fixture
def open_cycle(secretariat_admin) -> ReviewCycle:  # the seeded first cycle, opened
    cycle = ReviewCycle.objects.get(name="2021–2023 review cycle")
    return cycle_services.open_cycle(cycle, by=secretariat_admin)


@pytest.fixture
def draft_review(open_cycle, focal_point, kenya) -> Review:  # Kenya's empty draft
    return services.start_review(kenya, open_cycle, by=focal_point)


@pytest.fixture
def complete_review(draft_review, focal_point) -> Review:  # every required part filled in
    return fill(draft_review, focal_point)


@pytest.fixture
def submitted_review(complete_review, focal_point, django_capture_on_commit_callbacks) -> Review:
    with django_capture_on_commit_callbacks(execute=True):
        return services.submit_review(complete_review, by=focal_point)


@pytest.fixture
def approved_review(submitted_review, reviewer, django_capture_on_commit_callbacks) -> Review:
    with django_capture_on_commit_callbacks(execute=True):
        return services.approve_review(submitted_review, by=reviewer)


@pytest.fixture
def published_cycle(open_cycle, reviewer, secretariat_admin, focal_point):
    """The first cycle published with Kenya's and Colombia's reviews approved, their PDFs and
    two versions of the compiled report rendered."""
    make_approved_review(Country.objects.get(iso3="KEN"), open_cycle, reviewer=reviewer)
    make_approved_review(Country.objects.get(iso3="COL"), open_cycle, reviewer=reviewer)
    run_jobs()  # the draft and final PDFs, and one compile
    cycle_services.close_cycle(open_cycle, by=secretariat_admin)
    cycle = cycle_services.publish_cycle(open_cycle, by=secretariat_admin)
    run_jobs()  # the compile that publication asked for
    return cycle


@pytest.fixture
def world(kenya, colombia, focal_point, other_focal_point, reviewer, secretariat_admin,
          board_member) -> dict:  # fmt: skip
    """Kenya's things in every kind of cycle, and every persona (tests/support/urlwalk.py)."""
    return build_world(kenya, colombia, focal_point, other_focal_point, reviewer,
                       secretariat_admin, board_member)  # fmt: skip
