"""Whole pages for anonymous visitors from the cache, invalidated by the writes that change them.

Decorate a view with ``cached_for_anonymous`` (above its access decorator). An anonymous GET with nothing
personal to show (no flash messages) is answered from Django's cache (Redis in production) when the page is
there, without running the view or a query; otherwise the view runs and a plain 200 answer is stored.

The key is the host, the path with its query string and the language, under *generations*: one of the whole
site, one of the municipality in the URL (``municipality_slug``) and one per *tag* the view declares, e.g.
``@cached_for_anonymous("proposals", "proposal:{proposal_id}")`` (formatted with the URL's arguments, so a hit
needs no query). An event (kommune.core.events) names the tags of the pages that show what happened
(``Event.page_tags()``: a support names its proposal's page, the proposal list and the home page); after the
transaction commits, the page cache (a consumer of every event) bumps those tags' generations, or the
municipality's when an event names none (a rare write that shows in many places, e.g. a process renamed). So
the next visitor gets a fresh page, the old ones are never read again, and a support leaves the pages of the
processes alone. A page of the whole installation (no municipality in its URL) declares *site tags*
(``"site:methods"``), which have one generation whatever municipality's event names them; such a page that shows
what the municipalities do also declares ``site:municipalities``, which every municipality-wide bump renews.
Old pages expire after PAGE_CACHE_SECONDS, which also bounds how long a page can lag behind a
write that publishes no event, or behind the clock (a phase that ends). ``invalidate_all()`` bumps the site's
generation. A generation that the cache evicted starts again from the current time in nanoseconds, never from a
number that old keys used.

A hit asks the cache for nothing when the process has seen its page and its generations before: with Redis,
every bump is announced on a channel in the same script that counts the generation on, and each process keeps the
generations it read until their bump is announced (kommune.core.generation_watch). Pages stay in the process too
(``LocalPages``; what is stored under a key never changes). Without that knowledge a hit costs one round trip: the
process remembers the generations it saw last and reads them together with the page they point to, and uses that
page only if the generations read are still the same.

CSRF: anonymous pages carry forms (the language switch, the search), and their tokens belong to one visitor.
Before a page is stored, every token of the visitor who caused it (any 64-character string that unmasks to that
visitor's CSRF secret) is replaced by a placeholder; when the page is served, the placeholder becomes a token of
the visitor being served, from ``get_token``, which also sets that visitor's CSRF cookie when it is missing. So
no visitor ever gets another's token or cookie. Stored pages keep only the view's own headers; the middleware
adds Vary: Cookie, Content-Language and the security headers on the way out as for any page.

Compression: a stored page without a token is also kept gzip-compressed (``_compressed``, once per rendering), and
a hit for a client that accepts gzip (browsers, requests, ckanapi, curl --compressed) sends those bytes with
Content-Encoding: gzip and Vary: Accept-Encoding. A page with a token is never compressed: the token differs
per visitor, and compressing it beside text a visitor controls would open it to BREACH.

Content Security Policy: pages carry no inline script, so the policy (settings.SECURE_CSP) needs no nonce and a
stored page is valid for every visitor; the middleware adds the header to each answer, hit or miss. Should a
page ever use the request's nonce (``csp_nonce``), it is not stored: served to another visitor, its nonce would
no longer match that visitor's header.

The cache is only worth as much as its invalidation: with the per-process memory cache (no REDIS_URL) a bump in
one app server process does not reach the others, so PAGE_CACHE_SECONDS is 0 (off) then unless set explicitly.
"""

import hashlib
import json
import os
import pickle
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db.models import Model
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import _unmask_cipher_token  # type: ignore[attr-defined]  # private, not stubbed
from django.template.response import SimpleTemplateResponse
from django.test.signals import setting_changed
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.text import compress_string

from kommune.core.csrf import page_token
from kommune.core.events import Consumer, Event, event_types
from kommune.core.generation_watch import GenerationWatch, announcement
from kommune.core.middleware import language_headers, preferred_language
from kommune.core.versions import count_on, current_version

GENERATION_PREFIX = "pagecache:generation:"
BUMP_CHANNEL = "pagecache:bumps"
# A tag of pages of the whole installation (the methods library): one generation, whatever municipality bumps it.
SITE_TAG_PREFIX = "site:"
# Declared by the installation's pages that show what the municipalities do (the library counts the uses of
# methods in published processes); every municipality-wide invalidation bumps it too.
MUNICIPALITIES_TAG = "site:municipalities"
SITE = "*"  # the generation of the whole site
HIT_HEADER = "X-Page-Cache"
# A masked CSRF token: 64 letters and digits (django.middleware.csrf), standing alone.
_TOKEN_RE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_UNCACHEABLE_CONTROL = ("private", "no-store", "no-cache")
COMPRESS_MIN_BYTES = 1024  # below a packet or so, compression saves nothing worth a header
_COMPRESSIBLE_WORDS = ("json", "xml", "javascript", "csv", "calendar")  # besides text/*
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class StoredPage:
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # CSRF tokens replaced by placeholder()
    stored_at: float = field(default_factory=time.time)
    gzipped: bytes | None = None  # the body compressed once, for clients that accept gzip (see _compressed)

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


def placeholder() -> bytes:
    """Stands for the CSRF token in stored pages; derived from SECRET_KEY, so nobody can type it into a comment."""
    return _placeholder_for(settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _placeholder_for(secret_key: str) -> bytes:
    return salted_hmac("kommune.core.pagecache", "csrf-token", secret=secret_key,
                       algorithm="sha256").hexdigest()[:40].encode()


# --- Generations ------------------------------------------------------------------------------------------------


def _generation_keys(slug: str | None, tags: Iterable[str] = ()) -> list[str]:
    municipality = [GENERATION_PREFIX + slug] if slug else []
    return [GENERATION_PREFIX + SITE, *municipality, *(_tag_key(slug, tag) for tag in tags)]


def _tag_key(slug: str | None, tag: str) -> str:
    """A tag's generation: the municipality's own, or the installation's for a site tag and for the tags of a page
    without a municipality."""
    owner = SITE if slug is None or tag.startswith(SITE_TAG_PREFIX) else slug
    return f"{GENERATION_PREFIX}{owner}|{tag}"


def _generations(keys: list[str], found: dict) -> list[int]:
    """The generations under ``keys`` as read into ``found``; a missing one is started (and read back)."""
    return [current_version(key, found) for key in keys]


def invalidate(municipality_slug: str) -> None:
    """Every cached page of this municipality is stale from now on, and the installation's pages that show what
    the municipalities do (MUNICIPALITIES_TAG)."""
    _bump([GENERATION_PREFIX + municipality_slug, _tag_key(None, MUNICIPALITIES_TAG)])


def invalidate_tags(municipality_slug: str | None, tags: Iterable[str]) -> None:
    """The cached pages of this municipality that declare one of these tags are stale from now on (``None``, or a
    site tag: the pages of the whole installation)."""
    _bump([_tag_key(municipality_slug, tag) for tag in sorted(set(tags))])


def _bump(keys: list[str]) -> None:
    """Count the generations under ``keys`` on; one evicted or never set starts from a value no old key used."""
    redis = _redis_client()
    if redis is None:
        for key in keys:
            count_on(key)
    elif keys:  # one round trip, which also tells every process's watch (kommune.core.generation_watch)
        redis.eval(_BUMP_SCRIPT, len(keys), *[cache.make_key(key) for key in keys], time.time_ns(),
                   cache.make_key(BUMP_CHANNEL), announcement(keys))


# _bump in Redis (versions.count_on for several keys, announced): KEYS the cache's keys, ARGV the clock, the
# channel and the announcement of the plain keys.
_BUMP_SCRIPT = """
for _, key in ipairs(KEYS) do
  if redis.call('exists', key) == 1 then redis.call('incr', key) else redis.call('set', key, ARGV[1]) end
end
redis.call('publish', ARGV[2], ARGV[3])
"""


def _redis_client() -> Any:
    """The Redis client behind the cache (django-redis), or None with another cache."""
    get_client = getattr(getattr(cache, "client", None), "get_client", None)
    return get_client(write=True) if get_client is not None else None


def _watched_redis() -> tuple[Any, str] | None:
    client = _redis_client()
    if client is None or settings.PAGE_CACHE_SECONDS <= 0:
        return None
    return client, cache.make_key(BUMP_CHANNEL)


_watch = GenerationWatch(_watched_redis)
os.register_at_fork(after_in_child=_watch.forget_in_child)


@receiver(setting_changed)
def _another_cache(setting: str, **kwargs: Any) -> None:
    if setting in ("CACHES", "PAGE_CACHE_SECONDS"):
        _watch.forget()


def watched_generation(key: str) -> int | None:
    """A generation of something else kept in the process (kommune.core.tenants), under a plain cache key that
    ``bump_generation`` counts on: known without a round trip while the watch vouches for it, None without the
    watch (then nothing may be kept)."""
    generations, mark = _watch.read([key])
    if generations is not None:
        return generations[0]
    if mark is None:
        return None
    generation = current_version(key, cache.get_many([key]))
    _watch.learn(mark, {key: generation})
    return generation


def bump_generation(key: str) -> None:
    """What was kept under the generation at ``key`` is stale from now on, in every process."""
    _bump([key])


def invalidate_all() -> None:
    """Every cached page is stale from now on (e.g. after restoring a backup, or before a benchmark)."""
    _bump([GENERATION_PREFIX + SITE])


def on_event(event: Event) -> None:
    """After the commit (bumped earlier, a visitor could store the old state under the new generation): the pages
    that show what happened are stale."""
    slug = event.municipality.slug if event.municipality is not None else None
    tags = event.page_tags()
    if slug is None:
        invalidate_all()
    elif tags is None:
        invalidate(slug)
    else:
        invalidate_tags(slug, tags)


_page_tags: dict[type[Model], Callable[[Any], Iterable[str]]] = {}


def register_page_tags(model: type[Model], tags: Callable[[Any], Iterable[str]]) -> None:
    """How to name the cached pages that show an object of this model with what is attached to it (a process's
    discussion), for events about what belongs to it (a comment); registered by the model's app."""
    _page_tags[model] = tags


def page_tags_of(obj: Model | None) -> Iterable[str] | None:
    """The tags of the pages that show ``obj``; None (every page of the municipality) for an unregistered kind."""
    tags = _page_tags.get(type(obj)) if obj is not None else None
    return tags(obj) if tags is not None else None


# Every event may show on a page; an event whose page_tags() are empty costs nothing.
# After the commit, and again when the drain delivers an event's outbox entry (a bump is harmless twice): a process
# that died between its commit and this consumer leaves no page stale beyond the next drain.
CONSUMER = Consumer("pagecache", lambda: dict.fromkeys(event_types().values(), on_event), replay=True,
                    description="invalidates the cached anonymous pages that show what happened")


# --- The decorator ----------------------------------------------------------------------------------------------


def _has_messages(request: HttpRequest) -> bool:
    storage = get_messages(request)
    return bool(len(storage)) or getattr(storage, "added_new", False)


def _cacheable_request(request: HttpRequest, *, everyone: bool = False) -> bool:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method != "GET":
        return False
    return everyone or (not request.user.is_authenticated and not _has_messages(request))


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    session = getattr(request, "session", None)
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and not any(word in control for word in _UNCACHEABLE_CONTROL)
            and not (session is not None and session.modified) and not _has_messages(request)
            and not get_nonce(request))


def _address(request: HttpRequest, language: str | None = None, path: str | None = None) -> str:
    language = language or translation.get_language()
    address = f"{request.get_host()}|{request.is_secure()}|{language}|{path or request.get_full_path()}"
    return hashlib.sha256(address.encode()).hexdigest()


def _page_key(generations: list[int], address: str) -> str:
    return f"pagecache:page:{'.'.join(str(g) for g in generations)}:{address}"


# The generations this process saw last, per municipality: a guess that lets one round trip to the cache fetch
# the generations and the page together. The guess is checked against the generations of that same read.
_seen: dict[tuple[str, ...], list[int]] = {}
MAX_SEEN = 10_000


def _lookup(request: HttpRequest, slug: str | None, tags: list[str], address: str = "") -> tuple[str, Any]:
    """The key the page (or the fragment at ``address``) has now, and what is stored under it."""
    keys, address = _generation_keys(slug, tags), address or _address(request)
    generations, mark = _watch.read(keys)
    if generations is not None:  # no round trip for the generations
        key = _page_key(generations, address)
        page = _local.get(key) or cache.get(key)
    else:
        generations, key, page = _read_with_generations(keys, address)
        _watch.learn(mark, dict(zip(keys, generations, strict=True)))
    if not isinstance(page, StoredPage):  # nothing, or stored by an older version
        return key, None
    _local.put(key, page)
    return key, page


def _read_with_generations(keys: list[str], address: str) -> tuple[list[int], str, Any]:
    """The generations, the page's key and the page, in one round trip when the guess of ``_seen`` holds."""
    guess = _seen.get(tuple(keys))
    guessed_key = _page_key(guess, address) if guess else None
    known = _local.get(guessed_key) if guessed_key else None
    found = cache.get_many(keys + ([guessed_key] if guessed_key and known is None else []))
    generations = _generations(keys, found)
    if len(_seen) >= MAX_SEEN:
        _seen.clear()
    _seen[tuple(keys)] = generations
    key = _page_key(generations, address)
    page = (known or found.get(key)) if generations == guess else (_local.get(key) or cache.get(key))
    return generations, key, page


class LocalPages:
    """The pages this process read from the cache, up to ``max_bytes`` of bodies, least recently used first out.
    A key names one rendering (its generations and address), so what is stored under it never changes; only its
    age counts, and a page is not served locally longer than the cache would keep it. A hit then fetches only
    the generations from the cache, not a page of 20 to 100 KB."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self.pages: OrderedDict[str, StoredPage] = OrderedDict()
        self.lock = threading.Lock()  # gthread workers share the process

    def get(self, key: str) -> StoredPage | None:
        with self.lock:
            page = self.pages.get(key)
            if page is None:
                return None
            if time.time() - page.stored_at >= settings.PAGE_CACHE_SECONDS:
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: StoredPage) -> None:
        with self.lock:
            if key in self.pages:
                return
            self.pages[key] = page
            self.size += page.size
            while self.size > self.max_bytes and self.pages:
                self._drop(next(iter(self.pages)))

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0

    def _drop(self, key: str) -> None:
        self.size -= self.pages.pop(key).size


LOCAL_PAGE_BYTES = 32 * 1024 * 1024  # per app server process
_local = LocalPages(LOCAL_PAGE_BYTES)


def forget_local_pages() -> None:
    """Tests start without the pages and generations an earlier test read."""
    _local.clear()
    _watch.forget()


def _without_tokens(request: HttpRequest, body: bytes) -> bytes:
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return body  # no token was made for this page

    def replace(match: re.Match) -> bytes:
        token = match.group().decode()
        return placeholder() if _unmask_cipher_token(token) == secret else match.group()

    return _TOKEN_RE.sub(replace, body)


def _store(request: HttpRequest, key: str, body: bytes, *, status: int = 200,
           headers: list[tuple[str, str]] | None = None) -> None:
    """A page (or a fragment: no headers) under ``key``, with the visitor's CSRF tokens as the placeholder."""
    body = _without_tokens(request, body)
    _keep(key, StoredPage(status, headers or [], body, gzipped=_compressed(body, headers or [])))


def _compressed(body: bytes, headers: list[tuple[str, str]]) -> bytes | None:
    """The page's body compressed once when it is stored, so that a hit costs no compression: a large JSON list
    (OParl, Open311) shrinks to a tenth, and sending 200 to 500 KB per hit had made those lists the slowest hits.
    Only a page without a CSRF token (the token differs per visitor and would make the body a BREACH target) and
    only a text body that is not encoded already and gets shorter."""
    names = {name.lower(): value for name, value in headers}
    kind = names.get("content-type", "")
    if (len(body) < COMPRESS_MIN_BYTES or "content-encoding" in names or placeholder() in body
            or not (kind.startswith("text/") or any(word in kind for word in _COMPRESSIBLE_WORDS))):
        return None
    compressed = compress_string(body)
    return compressed if len(compressed) < len(body) else None


def _keep(key: str, page: StoredPage) -> None:
    cache.set(key, page, settings.PAGE_CACHE_SECONDS)
    _local.put(key, page)


def _with_token(request: HttpRequest, body: bytes) -> bytes:
    """A stored body with the placeholder replaced by the page's CSRF token for the visitor being served."""
    mark = placeholder()
    return body.replace(mark, page_token(request).encode()) if mark in body else body


def _serve(request: HttpRequest, page: StoredPage, body: bytes | None = None) -> HttpResponse:
    """The stored page as an answer; ``body``: its body with the token in place already. A client that accepts
    gzip gets the compressed body of a page that has one (such a page carries no token)."""
    gzipped = page.gzipped is not None and _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    if gzipped:
        body = page.gzipped
    response = HttpResponse(_with_token(request, page.body) if body is None else body, status=page.status)
    for name, value in page.headers:
        response[name] = value
    if page.gzipped is not None:
        patch_vary_headers(response, ("Accept-Encoding",))
    if gzipped:
        response["Content-Encoding"] = "gzip"
        if response.get("ETag", "").startswith('"'):  # a strong ETag names the bytes (RFC 9110, 8.8.1)
            response["ETag"] = "W/" + response["ETag"]
    response[HIT_HEADER] = "hit"
    return response


def cached_for_anonymous(*tags: str, everyone: bool = False,
                         slug_parameter: str | None = None) -> Callable[[View], View]:
    """Serve the view's page to anonymous visitors from the cache; put it above the access decorator, so that a
    cached page costs no query at all (the access decorator would look the municipality up).

    ``tags`` name what the page shows, formatted with the URL's keyword arguments (``"proposal:{proposal_id}"``);
    the events that change it name the same tags (Event.page_tags()). Every page also goes stale with its
    municipality and the site. ``everyone``: the answer is the same for a logged-in visitor too (a machine-readable
    API without a header or anything personal), who then gets it from the cache as well. ``slug_parameter``: the
    query parameter that names the municipality where the URL does not (Open311's ``jurisdiction_id``); a request
    without a plain slug there is not cached."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            scope = _scope(tags, kwargs, request, slug_parameter)
            if scope is None:
                return view(request, *args, **kwargs)
            slug, page_tags = scope
            if not _cacheable_request(request, everyone=everyone):
                request._page_scope = (slug, page_tags)  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)
            looked_up = getattr(request, "_page_lookup", None)  # by PageCacheMiddleware
            key, page = looked_up or _lookup(request, slug, page_tags)
            if page is not None:
                return _serve(request, page)
            # The whole page is stored below; only fragments shared beyond this address are worth keeping apart.
            request._whole_page_scope = (slug, page_tags)  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
            if _cacheable_response(request, response):
                _store(request, key, response.content, status=response.status_code,
                       headers=list(response.headers.items()))
                response[HIT_HEADER] = "miss"
            return response

        wrapper.page_cache_tags = tags  # type: ignore[attr-defined]  # read by PageCacheMiddleware
        wrapper.page_cache_slug_parameter = slug_parameter  # type: ignore[attr-defined]  # read by it as well
        return wrapper

    return decorator


_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}\Z")


def _scope(tags: Iterable[str], url_kwargs: dict[str, Any], request: HttpRequest,
           slug_parameter: str | None = None) -> tuple[str | None, list[str]] | None:
    """The municipality and the tags of a page, from its view's tags and the URL's arguments, or from the query
    parameter ``slug_parameter``; None when that parameter holds no plain slug (the view would read it otherwise)."""
    if slug_parameter is None:
        slug = url_kwargs.get("municipality_slug")
    else:
        slug = request.GET.get(slug_parameter, "")
        if not _PLAIN_SLUG.match(slug):
            return None
    return slug, [tag.format(**url_kwargs) for tag in tags]


# --- Hits before the session ------------------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serves a stored page to a visitor who is anonymous for sure (no session cookie, so no user and no flash
    messages either) before the session, CSRF, authentication, language and lockout middlewares run: a hit then
    costs the URL lookup (core/resolver.py remembers it) and at most one round trip to the cache. Put it after the
    middlewares that add headers to every answer (security, CSP, X-Frame-Options, Content-Length) and before the
    session. A page that carries a CSRF token needs the CSRF middleware to set the visitor's cookie, and a miss
    needs the view: both go on down the chain, with what was looked up, so the decorator does not ask again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        hit = self._early_hit(request)
        return hit if hit is not None else self.get_response(request)

    @staticmethod
    def _early_hit(request: HttpRequest) -> HttpResponse | None:
        if (settings.PAGE_CACHE_SECONDS <= 0 or request.method != "GET"
                or settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        tags = getattr(match.func, "page_cache_tags", None)
        if tags is None:
            return None
        scope = _scope(tags, match.kwargs, request, getattr(match.func, "page_cache_slug_parameter", None))
        if scope is None:
            return None
        language = preferred_language(request)
        key, page = _lookup(request, *scope, address=_address(request, language))
        if page is None or placeholder() in page.body:
            request._page_lookup = (key, page)  # type: ignore[attr-defined]
            return None
        return language_headers(_serve(request, page, body=page.body), language)  # no token to put in


# --- Shared fragments of personal pages ---------------------------------------------------------------------------

# Marks a place in a shared fragment that is filled per person: <!--personal:support:123-->.
_PERSONAL_RE = re.compile(r"<!--personal:([a-z_]+):(\d+)-->")
PersonalFill = Callable[[list[int]], dict[int, str]]


def personal_mark(kind: str, pk: int) -> str:
    """A place in a shared fragment that ``fill_personal`` fills for the person looking (empty when nothing)."""
    return f"<!--personal:{kind}:{int(pk)}-->"


def fill_personal(html: str, fills: dict[str, PersonalFill]) -> str:
    """Replace the personal marks of ``html``: each kind's function gets the ids marked (one query per kind at
    most) and returns the HTML per id; a mark without an answer, or of an unknown kind, becomes nothing."""
    wanted: dict[str, list[int]] = {}
    for kind, pk in _PERSONAL_RE.findall(html):
        wanted.setdefault(kind, []).append(int(pk))
    if not wanted:
        return html
    answers = {kind: fills[kind](ids) for kind, ids in wanted.items() if kind in fills}
    return _PERSONAL_RE.sub(lambda m: answers.get(m.group(1), {}).get(int(m.group(2)), ""), html)


def checked_listing[T](request: HttpRequest, listing: Callable[[], T | None]) -> Callable[[], T] | None:
    """A list page's listing for its shared fragment, read only when the fragment is not cached. A page past the
    first (``?cursor=``) is read at once: a bad cursor (``listing()`` is None) must answer with its own page
    (None here), which a template cannot do."""
    if not request.GET.get("cursor"):
        return listing  # type: ignore[return-value]  # the first page has no cursor that could be bad
    checked = listing()
    return None if checked is None else (lambda: checked)


def _shared_lookup(request: HttpRequest, kind: str, identity: str, *,
                   beyond_the_address: bool = False) -> tuple[str, Any] | None:
    """The key and what is stored of a part of a page that every visitor shares; None outside the scope of a view
    under ``cached_for_anonymous`` (no generations) or with the page cache off. An anonymous visitor's page is
    stored whole, so its parts are kept apart only when they are shared ``beyond_the_address``."""
    scope = getattr(request, "_page_scope", None)
    if scope is None and beyond_the_address:
        scope = getattr(request, "_whole_page_scope", None)
    if scope is None or settings.PAGE_CACHE_SECONDS <= 0:
        return None
    slug, tags = scope
    address = hashlib.sha256(f"{slug}|{identity}".encode()).hexdigest()
    return _lookup(request, slug, tags, address=f"{kind}:{address}")


def shared_fragment(request: HttpRequest, name: str, render: Callable[[], str], *, by: Any = None) -> str:
    """A part of a page that is the same for every visitor (a list of cards, a page of comments, a home page's
    sections), rendered once and kept under the page's own generations, so the writes that make the anonymous
    page stale make the fragment stale too. Logged-in visitors get it from the cache; the parts that belong to the
    person (the header, "you support this") stay outside it or are personal marks (``personal_mark``).

    Only views under ``cached_for_anonymous`` have generations; elsewhere the fragment is rendered every time.
    CSRF tokens in the fragment are stored as the placeholder and become the visitor's own, as for whole pages.
    ``by``: the fragment depends on this value (its text), not on the whole address, and is shared by all the
    page's addresses with the same value (the search's list of types, the same for every query)."""
    where = _address(request) if by is None else _address(request, path=f"{request.path}|by|{by}")
    found = _shared_lookup(request, "fragment", f"{where}|{name}", beyond_the_address=by is not None)
    if found is None:
        return render()
    key, fragment = found
    if fragment is None:
        html = str(render())
        if not get_nonce(request):
            _store(request, key, html.encode())
        return html
    return _with_token(request, fragment.body).decode()


def shared_value[T](request: HttpRequest, name: str, compute: Callable[[], T]) -> T:
    """A value that is the same for every visitor of the page and changes with what the page shows (the districts
    a filter offers), kept like a shared fragment under the page's generations. ``compute`` must give JSON."""
    found = _shared_lookup(request, "value", name)
    if found is None:
        return compute()
    key, stored = found
    if stored is not None:
        return json.loads(_with_token(request, stored.body))
    value = compute()
    _store(request, key, json.dumps(value).encode())
    return value


def shared_object[T](request: HttpRequest, name: str, compute: Callable[[], T]) -> T:
    """Like ``shared_value``, for what the cache can pickle (a model instance with the related rows its page
    shows). Each call gets its own copy, so a view may set attributes on it."""
    found = _shared_lookup(request, "object", name)
    if found is None:
        return compute()
    key, stored = found
    if stored is not None:
        return pickle.loads(stored.body)
    value = compute()
    _keep(key, StoredPage(200, [], pickle.dumps(value)))  # no CSRF tokens to take out of a pickle
    return value
