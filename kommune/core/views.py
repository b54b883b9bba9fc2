from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kommune.core import home_sections, selectors, services
from kommune.core.access import municipality_view, public_view
from kommune.core.files import file_name, file_response
from kommune.core.forms import AccessibilityFeedbackForm
from kommune.core.models import Municipality, PageKind
from kommune.core.pagecache import cached_for_anonymous

LOGO_MAX_AGE = 24 * 60 * 60  # seconds


@public_view
def start(request: HttpRequest) -> HttpResponse:
    municipalities = list(selectors.municipalities_for_start())
    return render(request, "core/start.html", {
        "municipalities": municipalities,
        "labs": selectors.labs_for_start(),
    })


@cached_for_anonymous("home")
@municipality_view()
def municipality_home(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "core/municipality_home.html", {
        "municipality": municipality,
        "members": municipality.members.order_by("name"),
        "labs": municipality.labs.order_by("name"),
        "sections": partial(home_sections.sections_for, municipality),  # called only when not cached
    })


@municipality_view()
def logo(request: HttpRequest, municipality: Municipality, filename: str) -> HttpResponseBase:
    """The municipality's logo; the file name in the address changes with the file, so caches may keep it long."""
    if not municipality.logo or filename != file_name(municipality.logo):
        raise Http404
    return file_response(municipality.logo, max_age=LOGO_MAX_AGE)


@municipality_view()
def page(request: HttpRequest, municipality: Municipality, kind: PageKind) -> HttpResponse:
    return render(request, "core/page.html", {
        "municipality": municipality,
        "page": selectors.page_of(municipality, kind),
        "kind": kind,
    })


@municipality_view()
def accessibility(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.do_submit_accessibility_feedback(municipality=municipality, **form.cleaned_data)
        messages.success(request, _("Thank you. Your feedback has reached the municipality's staff."))
        return redirect("core:accessibility", municipality_slug=municipality.slug)
    return render(request, "core/accessibility.html", {
        "municipality": municipality,
        "page": selectors.page_of(municipality, PageKind.ACCESSIBILITY),
        "form": form,
    })


@csrf_exempt  # checked below for a logged-in person, whose profile it writes
@public_view
@require_POST
def set_language(request: HttpRequest) -> HttpResponseBase:
    """The language switch on every page. An anonymous visitor posts it without a CSRF token: all a forged switch
    can do is change the display language, and pages without a token are the same for every visitor, so the page
    cache serves them without minting a token and setting a cookie for each one. The switch of a logged-in person
    also saves the language in the profile, and that needs the token."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=True)
    if request.user.is_authenticated:
        if (refusal := _csrf_refusal(request)) is not None:
            return refusal
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


def _csrf_refusal(request: HttpRequest) -> HttpResponseBase | None:
    """The CSRF middleware's check (its 403 page, or None), for a view exempt from it for some visitors only."""
    not_exempt = HttpResponse  # the check is skipped for a view marked csrf_exempt, and this one is not
    return CsrfViewMiddleware(not_exempt).process_view(request, not_exempt, (), {})


@public_view
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when this app server reaches its database and cache, 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = type(error).__name__
    try:
        cache.set("healthz", "ok", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "unreadable"
    except Exception as error:  # noqa: BLE001
        checks["cache"] = type(error).__name__
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
