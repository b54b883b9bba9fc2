"""Read replicas: the read-only queries of anonymous GET requests go to a replica alias, everything else to the
primary (kommune/core/replicas.py). The replica alias here points at the test database itself, as a replica holds
the primary's data; the test checks where each query went.
"""

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kommune.core.replicas import ReplicaRouter, reads_from_replica
from kommune.core.search import backends
from kommune.core.search.models import SearchDocument
from tests.factories import UserFactory

ALIAS = "replica1"


# The alias exists from the start of the session, so that the test setup makes it a mirror of the test database
# (TEST MIRROR, as settings.py configures every replica); the router and middleware only where a test asks.
if connection.vendor == "postgresql" and ALIAS not in connections.settings:
    connections.settings[ALIAS] = {**connections.settings[DEFAULT_DB_ALIAS], "TEST": {"MIRROR": DEFAULT_DB_ALIAS}}
ON_BOTH = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, ALIAS]) \
    if ALIAS in connections.settings else pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica():
    """Reads of anonymous GET requests routed to ``replica1``, as settings.py does for DATABASE_REPLICA_URLS."""
    if connection.vendor != "postgresql":
        pytest.skip("replicas are PostgreSQL streaming replicas; a second connection to SQLite's in-memory test "
                    "database would not see the test's data (CI runs this on PostgreSQL)")
    middleware = ["kommune.core.replicas.ReplicaMiddleware", *django_settings.MIDDLEWARE]
    with override_settings(DATABASE_REPLICAS=(ALIAS,), DATABASE_ROUTERS=["kommune.core.replicas.ReplicaRouter"],
                           MIDDLEWARE=middleware):
        yield connections[ALIAS]


def _reads(alias: str, run) -> list[str]:
    with CaptureQueriesContext(connections[alias]) as captured:
        run()
    return [query["sql"] for query in captured.captured_queries]


@ON_BOTH
def test_an_anonymous_page_reads_from_the_replica_and_nothing_from_the_primary(client, musterstadt, replica):
    url = reverse("core:municipality_home", kwargs={"municipality_slug": musterstadt.slug})
    on_primary: list[str] = []
    on_replica = _reads(ALIAS, lambda: on_primary.extend(_reads(DEFAULT_DB_ALIAS, lambda: client.get(url))))
    assert on_replica and all(sql.startswith("SELECT") for sql in on_replica)
    assert not [sql for sql in on_primary if sql.startswith("SELECT")]


@ON_BOTH
def test_an_anonymous_search_ranks_and_reads_its_results_on_the_replica(client, musterstadt, replica):
    backends.index(SearchDocument(municipality=musterstadt, content_type=ContentType.objects.get_for_model(musterstadt),
                                  object_id=musterstadt.pk, kind="process", title="Spielplatz am Markt",
                                  body="Ein neuer Spielplatz.", url="/musterstadt/", context="",
                                  updated_at=timezone.now()))
    url = reverse("search:municipality_search", kwargs={"municipality_slug": musterstadt.slug}) + "?q=Spielplätze"
    on_primary: list[str] = []
    on_replica = _reads(ALIAS, lambda: on_primary.extend(_reads(DEFAULT_DB_ALIAS, lambda: client.get(url))))
    assert any("ts_rank" in sql for sql in on_replica)
    assert not [sql for sql in on_primary if sql.startswith("SELECT")]
    assert "<mark>Spielplatz</mark> am Markt" in client.get(url).content.decode()


@ON_BOTH
def test_logged_in_visitors_and_posts_read_from_the_primary(client, musterstadt, replica):
    url = reverse("core:municipality_home", kwargs={"municipality_slug": musterstadt.slug})
    client.force_login(UserFactory())
    assert _reads(ALIAS, lambda: client.get(url)) == []  # a session cookie: they see their own writes
    client.logout()
    client.cookies.clear()
    assert _reads(ALIAS, lambda: client.post(reverse("accounts:login"), {"username": "x", "password": "y"})) == []


def test_the_router_keeps_writes_and_transactions_on_the_primary(settings):
    settings.DATABASE_REPLICAS = (ALIAS,)
    router = ReplicaRouter()
    assert not reads_from_replica()
    assert router.db_for_read(object) is None  # outside an anonymous GET request
    assert router.db_for_write(object) is None
    assert router.allow_migrate(ALIAS, "core") is False and router.allow_migrate(DEFAULT_DB_ALIAS, "core") is None
