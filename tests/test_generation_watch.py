"""The page cache's generations kept in the process (kommune.core.generation_watch): a hit asks Redis for nothing,
and no bump announced by any process is missed, not even one made while the subscription was broken."""

import os
import time
from collections.abc import Callable
from unittest import mock

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse
from django_redis.client import DefaultClient

from kommune.core import generation_watch, pagecache
from kommune.core.models import Municipality

REDIS_URL = os.environ.get("TWO_SERVERS_REDIS_URL", "")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not REDIS_URL, reason="needs a Redis (TWO_SERVERS_REDIS_URL; .ci/run gives it on its "
                                             "PostgreSQL run)"),
]


@pytest.fixture(autouse=True)
def _redis_page_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": f"watch-test-{os.getpid()}"}}
    settings.PAGE_CACHE_SECONDS = 300
    yield
    cache.clear()
    pagecache.forget_local_pages()


def home(municipality: Municipality) -> str:
    return reverse("core:municipality_home", kwargs={"municipality_slug": municipality.slug})


def another_app_server() -> redis.Redis:
    return redis.Redis.from_url(REDIS_URL)


def bump_from(client: redis.Redis, *keys: str) -> None:
    """What pagecache._bump does in another app server process: its own connection, the same script."""
    client.eval(pagecache._BUMP_SCRIPT, len(keys), *[cache.make_key(key) for key in keys], time.time_ns(),
                cache.make_key(pagecache.BUMP_CHANNEL), generation_watch.announcement(keys))


def until(condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)
    return condition()


def test_a_hit_asks_redis_for_no_generation_and_no_page(client, musterstadt):
    assert client.get(home(musterstadt))[pagecache.HIT_HEADER] == "miss"
    with (mock.patch.object(DefaultClient, "get_many", autospec=True, side_effect=DefaultClient.get_many) as get_many,
          mock.patch.object(DefaultClient, "get", autospec=True, side_effect=DefaultClient.get) as get):
        hits = [client.get(home(musterstadt))[pagecache.HIT_HEADER] for _ in range(3)]
    assert hits == ["hit"] * 3
    assert get_many.call_count == 0 and get.call_count == 0


def test_a_bump_by_another_app_server_reaches_this_one_at_once(client, musterstadt):
    client.get(home(musterstadt))
    assert client.get(home(musterstadt))[pagecache.HIT_HEADER] == "hit"
    Municipality.objects.filter(pk=musterstadt.pk).update(name="Neustadt am Walde")  # no event: only the bump tells
    bump_from(another_app_server(), pagecache._tag_key(musterstadt.slug, "home"))
    fresh = client.get(home(musterstadt))
    assert fresh[pagecache.HIT_HEADER] == "miss"
    assert "Neustadt am Walde" in fresh.content.decode()


def test_a_generation_read_while_a_bump_was_announced_is_not_kept():
    watch = pagecache._watch
    key = pagecache._tag_key("watchtest", "home")
    cache.set(key, 1, timeout=None)
    generations, mark = watch.read([key])
    assert generations is None and mark is not None
    stale = cache.get(key)
    bump_from(another_app_server(), key)  # lands between this process's read from Redis and learn()
    before = watch._announcements
    assert until(lambda: watch.read([key])[1] != mark or watch._announcements > before)
    watch.learn(mark, {key: stale})
    assert watch.read([key])[0] is None  # not kept: it is read from Redis again
    watch.learn(watch.read([key])[1], {key: cache.get(key)})
    assert watch.read([key])[0] == [stale + 1]


def test_a_broken_subscription_trusts_nothing_known_and_subscribes_again(client, musterstadt, monkeypatch):
    client.get(home(musterstadt))
    assert client.get(home(musterstadt))[pagecache.HIT_HEADER] == "hit"
    watch = pagecache._watch
    other = another_app_server()
    host, port = watch._pubsub.connection._sock.getsockname()
    other.client_kill_filter(addr=f"{host}:{port}")
    Municipality.objects.filter(pk=musterstadt.pk).update(name="Neustadt am Walde")
    bump_from(other, pagecache._tag_key(musterstadt.slug, "home"))  # announced to nobody of this process
    assert "Neustadt am Walde" in client.get(home(musterstadt)).content.decode()
    assert watch._pubsub is None  # read from Redis until it subscribes again
    monkeypatch.setattr(generation_watch, "RETRY_SECONDS", 0.0)
    watch._retry_at = 0.0
    client.get(home(musterstadt))
    assert watch._confirmed
    assert client.get(home(musterstadt))[pagecache.HIT_HEADER] == "hit"


def test_redis_py_connecting_the_subscription_again_by_itself_forgets_what_is_known(client, musterstadt):
    client.get(home(musterstadt))
    watch = pagecache._watch
    assert watch._known
    watch._pubsub.connection.disconnect()
    watch._pubsub.connection.connect()  # as redis-py does after an error when retries are on: it subscribes anew
    assert not watch._known and not watch._confirmed
    Municipality.objects.filter(pk=musterstadt.pk).update(name="Neustadt am Walde")
    bump_from(another_app_server(), pagecache._tag_key(musterstadt.slug, "home"))
    assert "Neustadt am Walde" in client.get(home(musterstadt)).content.decode()


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of fork:DeprecationWarning")
def test_a_forked_child_does_not_read_its_parents_subscription(client, musterstadt):
    client.get(home(musterstadt))
    assert pagecache._watch._pubsub is not None
    child = os.fork()
    if child == 0:  # the child: exits with 0 only if it starts without the subscription and its generations
        os._exit(0 if pagecache._watch._pubsub is None and not pagecache._watch._known else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert pagecache._watch._confirmed  # the parent's subscription is untouched


def test_a_read_that_began_before_the_subscription_broke_is_not_kept_after_it_subscribed_again():
    watch = pagecache._watch
    key = pagecache._tag_key("watchtest", "list")
    cache.set(key, 7, timeout=None)
    _, mark = watch.read([key])
    stale = cache.get(key)
    watch.forget()  # broken, and subscribed again, while the read was under way; a bump then reached nobody here
    bump_from(another_app_server(), key)
    assert watch.read([key]) == (None, watch._announcements)  # subscribed again, and knows nothing
    watch.learn(mark, {key: stale})
    assert watch.read([key])[0] is None
