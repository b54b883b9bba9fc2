"""Version counters in the cache, which make what was cached under an older version unreadable: the page cache's
generations, the tenants kept in the process, and a person's roles and follows. A counter that the cache evicted
(or never held) starts from the clock in nanoseconds, never from a number that something cached under it used
before."""

import time

from django.core.cache import cache


def current_version(key: str, found: dict) -> int:
    """The version under ``key`` as read into ``found`` (by ``cache.get_many``); a missing one is started, and
    read back in case another process started it first."""
    if found.get(key) is None:
        cache.add(key, time.time_ns(), timeout=None)
        found[key] = cache.get(key)
    return found[key]


def count_on(key: str) -> None:
    """Everything cached under the version at ``key`` is stale from now on."""
    try:
        cache.incr(key)
    except ValueError:  # evicted or never set
        cache.set(key, time.time_ns(), timeout=None)
