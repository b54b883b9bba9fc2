"""Shared fixtures. The personas, used across the whole suite:

- alice: resident of Musterstadt
- bob: moderator of Musterstadt
- carol: staff member of Musterstadt
- erin: administrator of Musterstadt
- dave: administrator and staff of Anderstadt, the foreign tenant
"""

import logging

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import override_settings
from django.utils import translation

from kommune.core import pagecache
from kommune.core.models import Role
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # Argon2 is slow on purpose; the suite tests journeys, not the hasher.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def _media_in_a_temporary_folder(tmp_path_factory):
    # Uploads written by tests (open-data files, attachments) never land in the developer's var/media.
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(autouse=True, scope="session")
def _no_page_cache():
    # Whole pages are cached only where a test asks for it (tests/test_pagecache.py), whatever REDIS_URL says.
    with override_settings(PAGE_CACHE_SECONDS=0):
        yield


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_inline():
    # The task worker's work (delivering events, e-mails) runs where it is enqueued; tests of the worker itself
    # ask for the database queue (tests/test_notifications.py, tests/test_events.py).
    with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}):
        yield


def _at_test_level(connection: BaseDatabaseWrapper) -> bool:
    """Inside the transaction that wraps a test, and in no atomic block of the code under test."""
    blocks = connection.atomic_blocks
    return bool(blocks) and all(block._from_testcase for block in blocks) and not connection.needs_rollback


def _run_commit_hooks(connection: BaseDatabaseWrapper) -> None:
    # Not re-entrant: a callback that commits again (an event's delivery writes and publishes more) leaves its new
    # hooks to the loop already running, in order. Nesting instead grew the stack with every queued hook until a
    # demo with a few hundred events hit the recursion limit.
    if getattr(connection, "_running_test_commit_hooks", False):
        return
    connection._running_test_commit_hooks = True  # type: ignore[attr-defined]
    try:
        while connection.run_on_commit:
            _, callback, robust = connection.run_on_commit.pop(0)
            if not robust:
                callback()
                continue
            try:
                callback()
            except Exception:
                logging.getLogger(__name__).exception("Error calling %s in on_commit().", callback)
    finally:
        connection._running_test_commit_hooks = False  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _commit_hooks_run_when_the_code_under_test_commits(request, monkeypatch):
    """A test runs inside a transaction that is rolled back, so nothing the code under test does is ever committed
    and transaction.on_commit() callbacks would never run. Here they run where the code under test would commit:
    when its outermost atomic block ends successfully, or at once when it registers one outside any. Tests that
    handle the callbacks themselves (django_capture_on_commit_callbacks) or commit for real (transaction=True)
    are left alone."""
    marker = request.node.get_closest_marker("django_db")
    if "django_capture_on_commit_callbacks" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        yield
        return
    atomic_exit, on_commit = transaction.Atomic.__exit__, BaseDatabaseWrapper.on_commit

    def exit_then_commit(self, exc_type, exc_value, traceback):
        result = atomic_exit(self, exc_type, exc_value, traceback)
        connection = connections[self.using or "default"]
        if exc_type is None and _at_test_level(connection):
            _run_commit_hooks(connection)
        return result

    def on_commit_at_test_level(self, func, robust=False):
        on_commit(self, func, robust)
        if _at_test_level(self):
            _run_commit_hooks(self)

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_then_commit)
    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit_at_test_level)
    yield


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    pagecache.forget_local_pages()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_site_language():
    """A request in English (a cookie, Accept-Language) leaves English active in its thread after the response;
    the next test on the same worker would read English messages where it expects German ones."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _map_tiles_stay_local(settings):
    # No network in tests: maps ask the live server for their tiles (a quick 404) instead of a tile server.
    settings.MAP_TILE_URL = "/static/keine-kacheln/{z}/{x}/{y}.png"


@pytest.fixture
def musterstadt(db):
    return MunicipalityFactory(name="Musterstadt", slug="musterstadt", official_key="05999000",
                               kind="kreisfreie_stadt", federal_state="05")


@pytest.fixture
def anderstadt(db):
    return MunicipalityFactory(name="Anderstadt", slug="anderstadt", official_key="06999000",
                               kind="kreisfreie_stadt", federal_state="06")


def _persona(name: str, municipality, *roles: str):
    user = UserFactory(email=f"{name}@example.org", display_name=name.capitalize())
    for role in roles:
        MembershipFactory(user=user, municipality=municipality, role=role)
    return user


@pytest.fixture
def alice(musterstadt):
    return _persona("alice", musterstadt, Role.RESIDENT)


@pytest.fixture
def bob(musterstadt):
    return _persona("bob", musterstadt, Role.MODERATOR)


@pytest.fixture
def carol(musterstadt):
    return _persona("carol", musterstadt, Role.STAFF)


@pytest.fixture
def erin(musterstadt):
    return _persona("erin", musterstadt, Role.ADMIN)


@pytest.fixture
def dave(anderstadt):
    return _persona("dave", anderstadt, Role.ADMIN, Role.STAFF)


@pytest.fixture
def benchmark_installed(settings):
    """The benchmark app and its floor page, which a default install leaves out (BENCHMARK=true adds them)."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "kommune.benchmark"]
    settings.ROOT_URLCONF = "tests.benchmark_urls"
