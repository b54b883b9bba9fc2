"""Rate limits that hold across every process and app server: the one limiter of the project.

A limit allows ``count`` uses per identity (an address, an access token, an e-mail address) in a fixed window of
``seconds``, aligned to the clock, so a refused client learns exactly when to retry (``retry_after``); a sliding
limit adds the previous window, so that the turn of a window gives no fresh start. The counts
live where all processes see them: in Django's cache when Redis is configured (REDIS_URL), otherwise in the
database (RateCounter, one atomic upsert per use). A process-local count would let each worker allow the limit
again. Identities are stored hashed, so the counters hold no addresses.

The limits of the project, each read from the settings when it is used (a count of 0 switches it off):

- ``api_limit``: requests per minute to the REST API (per token, or per address without one), the CKAN API and the
  DCAT catalogue (per address), API_RATE_LIMIT_PER_MINUTE;
- ``login_address_limit``: failed logins per address across all accounts, LOGIN_ADDRESS_FAILURE_LIMIT in
  LOGIN_COOLOFF_MINUTES, on top of django-axes' lockout per account and address;
- ``mail_address_limit`` / ``mail_account_limit``: password-reset and confirmation e-mails per address and per
  e-mail address asked for, MAIL_LIMIT_PER_ADDRESS and MAIL_LIMIT_PER_ACCOUNT per hour.
"""

import contextlib
import hashlib
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from kommune.core.models import RateCounter


@dataclass(frozen=True)
class Limit:
    name: str
    count: int  # uses allowed per window; 0 or less: no limit
    seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until a refused identity may try again


def api_limit() -> Limit:
    return Limit("api", settings.API_RATE_LIMIT_PER_MINUTE, 60)


def login_address_limit() -> Limit:
    return Limit("login-address", settings.LOGIN_ADDRESS_FAILURE_LIMIT,
                 int(settings.AXES_COOLOFF_TIME.total_seconds()))


def mail_address_limit() -> Limit:
    return Limit("mail-address", settings.MAIL_LIMIT_PER_ADDRESS, 3600)


def mail_account_limit() -> Limit:
    return Limit("mail-account", settings.MAIL_LIMIT_PER_ACCOUNT, 3600)


def client_address(request) -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT reverse proxies it is the entry that the outermost
    trusted proxy appended to X-Forwarded-For; entries further left are the client's own claims and could be
    forged to dodge a limit. Without trusted proxies the header is ignored."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def hit(limit: Limit, identity: str, *, sliding: bool = False) -> Verdict:
    """Count one use of ``identity``; allowed while the window's count stays within the limit.

    ``sliding`` adds the previous window's count, so that no stretch of ``seconds`` sees more than ``count`` uses:
    the clock's turn to a new window gives no fresh start (for the limits of people, such as failed logins)."""
    if limit.count <= 0:
        return Verdict(True, 0)
    now = time.time()
    window = int(now) // limit.seconds
    store = _store()
    count = store.increment(_bucket(limit, identity, window), (window + 2) * limit.seconds)
    if count > limit.count:  # with sliding: until the current window has become the previous one and passed
        return Verdict(False, _seconds_until((window + 1 + sliding) * limit.seconds, now))
    if sliding and count + store.current(_bucket(limit, identity, window - 1)) > limit.count:
        return Verdict(False, _seconds_until((window + 1) * limit.seconds, now))
    return Verdict(True, _seconds_until((window + 1) * limit.seconds, now))


def release(limit: Limit, identity: str) -> None:
    """Take back one use of ``identity`` counted by hit in this window, when it turned out not to count (a login
    with the right password). Counting first and taking back later keeps parallel attempts within the limit."""
    if limit.count > 0:
        _store().decrement(_bucket(limit, identity, int(time.time()) // limit.seconds))


def too_many_requests(verdict: Verdict) -> str:
    """The refusal of the API limit, for the REST API, the CKAN API and the DCAT catalogues."""
    return _("Too many requests: at most %(limit)d per minute are possible. Please wait %(seconds)d seconds.") % {
        "limit": settings.API_RATE_LIMIT_PER_MINUTE, "seconds": verdict.retry_after}


def minutes(verdict: Verdict) -> int:
    """The wait of a refusal in whole minutes, rounded up, for messages to people."""
    return max(1, -(-verdict.retry_after // 60))


def _bucket(limit: Limit, identity: str, window: int) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{identity}".encode()).hexdigest()[:40]
    return f"{limit.name}:{digest}:{window}"


def _seconds_until(moment: float, now: float) -> int:
    return max(1, math.ceil(moment - now))


def _store():
    return CacheStore() if settings.REDIS_URL else DatabaseStore()


class CacheStore:
    """Counts in Django's cache: atomic increments shared by all processes with Redis (django-redis).

    A store's ``expires`` is when a count may be forgotten: one window after its own, as check reads the previous
    window too."""

    def increment(self, bucket: str, expires: float) -> int:
        key = f"rate:{bucket}"
        timeout = max(1, int(expires - time.time()) + 1)
        cache.add(key, 0, timeout=timeout)
        try:
            return cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=timeout)
            return 1

    def decrement(self, bucket: str) -> None:
        with contextlib.suppress(ValueError):  # already forgotten
            cache.decr(f"rate:{bucket}")

    def current(self, bucket: str) -> int:
        return cache.get(f"rate:{bucket}", 0)


class DatabaseStore:
    """Counts in the RateCounter table: one INSERT … ON CONFLICT DO UPDATE … RETURNING per use, so concurrent
    processes never lose a count and each learns its own exact position (PostgreSQL, SQLite ≥ 3.35)."""

    def increment(self, bucket: str, expires: float) -> int:
        table = connection.ops.quote_name(RateCounter._meta.db_table)
        expires_at = datetime.fromtimestamp(expires, tz=UTC)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (bucket, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608 (fixed names)
                f"ON CONFLICT (bucket) DO UPDATE SET count = {table}.count + 1 RETURNING count",
                [bucket, connection.ops.adapt_datetimefield_value(expires_at)])
            count = cursor.fetchone()[0]
            # Forget passed windows. On every use rather than at a window's start, so that a request's queries
            # do not depend on the clock; the expiry index makes it cheap when nothing has passed.
            cursor.execute(f"DELETE FROM {table} WHERE expires_at < %s",  # noqa: S608 (fixed names)
                           [connection.ops.adapt_datetimefield_value(datetime.now(tz=UTC))])
        return count

    def decrement(self, bucket: str) -> None:
        RateCounter.objects.filter(bucket=bucket, count__gt=0).update(count=F("count") - 1)

    def current(self, bucket: str) -> int:
        return RateCounter.objects.filter(bucket=bucket).values_list("count", flat=True).first() or 0
