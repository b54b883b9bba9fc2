from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def preferred_language(request: HttpRequest) -> str:
    """German unless the person chose otherwise: in the profile, or with the language switch (cookie)."""
    available = {code for code, _name in settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in available:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return cookie if cookie in available else settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activates the preferred language. Unlike Django's LocaleMiddleware it ignores Accept-Language:
    a municipality's platform speaks German until the person switches."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = preferred_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return language_headers(self.get_response(request), language)


def language_headers(response: HttpResponse, language: str) -> HttpResponse:
    """The page depends on the language cookie (and the session's person): shared caches must tell them apart."""
    response.headers.setdefault("Content-Language", language)
    vary = response.headers.get("Vary", "")
    if "Cookie" not in vary:
        response.headers["Vary"] = f"{vary}, Cookie" if vary else "Cookie"
    return response


def permissions_policy(features: dict[str, list[str]]) -> str:
    """The header value: ``camera=()`` for a feature nobody may use, ``geolocation=(self)`` for our own pages."""
    def allowed(origins: list[str]) -> str:
        return "(" + " ".join("self" if origin == "self" else f'"{origin}"' for origin in origins) + ")"

    return ", ".join(f"{feature}={allowed(origins)}" for feature, origins in features.items())


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY on every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
