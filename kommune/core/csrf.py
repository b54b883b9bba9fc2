"""One masked CSRF token per page.

Django masks a new token at each ``get_token`` (32 random choices): at each use of ``csrf_input`` in a template,
and at each shared fragment of the page cache whose placeholder becomes the visitor's token, four or five times on a
page with comments. Every form and fragment of a page carries the same one here; it is made at the first use and
kept on the request for as long as the visitor's CSRF secret stays the same (a login rotates it)."""

from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString


def page_token(request: HttpRequest) -> str:
    """The page's masked CSRF token (``get_token`` once per request and secret)."""
    secret = request.META.get("CSRF_COOKIE")
    kept = request.__dict__.get("_kommune_csrf_token")
    if kept is not None and kept[0] == secret and secret is not None:
        return kept[1]
    token = get_token(request)
    request.__dict__["_kommune_csrf_token"] = (request.META.get("CSRF_COOKIE"), token)
    return token


def page_csrf_input(request: HttpRequest) -> str:
    """The hidden CSRF field of every form of the page, the header's included."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', page_token(request))


def csrf_once(request: HttpRequest) -> dict[str, Any]:
    """Context processor of the Jinja2 templates: ``csrf_input`` as ``page_csrf_input`` (lazy, so a page without a
    form makes no token)."""
    return {"csrf_input": _lazy_csrf_input(request)}


_lazy_csrf_input = lazy(page_csrf_input, SafeString, str)
