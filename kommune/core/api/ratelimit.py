"""Requests per minute, per access token (or per IP address without one), counted in Django's cache.

With REDIS_URL the count is shared by every app server; without it each process counts for itself (one server
only). The window is the calendar minute, so a client learns exactly when to retry (Retry-After).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from kommune.core.api.errors import ApiError

WINDOW = 60


def check_rate(identity: str) -> None:
    """Count one request of ``identity``; raise a 429 ApiError above API_RATE_LIMIT_PER_MINUTE (0: no limit)."""
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    if limit <= 0:
        return
    now = time.time()
    key = f"api:rate:{identity}:{int(now) // WINDOW}"
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW * 2)
        count = 1
    if count > limit:
        wait = max(1, WINDOW - int(now) % WINDOW)
        raise ApiError(429, "rate_limited",
                       _("Too many requests: at most %(limit)d per minute are possible. Please wait %(seconds)d "
                         "seconds.") % {"limit": limit, "seconds": wait},
                       headers={"Retry-After": str(wait)})
