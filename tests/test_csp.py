"""The Content Security Policy and the Permissions-Policy on every kind of response, templates without inline
script or style, and a page cache that never shares a nonce. Chromium checks the pages themselves
(tests/browser/test_csp.py)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.csp import LazyNonce

from kommune.core import pagecache
from tests.factories import UserFactory
from tests.factories_processes import published_process

pytestmark = pytest.mark.django_db

REQUIRED = {"script-src": "'self'", "object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'",
            "form-action": "'self'", "default-src": "'self'", "style-src": "'self'"}


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {name: value for name, _, value in (part.strip().partition(" ") for part in header.split(";"))}


def assert_strict(response, label: str) -> None:
    policy = directives(response)
    for name, value in REQUIRED.items():
        assert policy.get(name) == value, f"{label}: {name} is {policy.get(name)!r}, not {value!r}"
    assert "unsafe" not in response["Content-Security-Policy"], label
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions, f"{label}: {feature} missing in {permissions}"


def test_every_kind_of_response_carries_the_policy(client, musterstadt, alice):
    process = published_process(musterstadt, title="Marktplatz", slug="marktplatz")
    slug = {"municipality_slug": musterstadt.slug}
    answers = {
        "start page": client.get("/"),
        "municipality": client.get(reverse("core:municipality_home", kwargs=slug)),
        "process": client.get(process.get_absolute_url()),
        "feed": client.get(reverse("processes:feed", kwargs=slug)),
        "404": client.get("/gibt-es-nicht/"),
        "API": client.get("/api/v1/"),
        "CKAN": client.get("/api/3/action/package_list"),
        "admin login": client.get("/admin/login/"),
    }
    client.force_login(alice)
    answers["profile"] = client.get(reverse("accounts:profile"))
    for label, response in answers.items():
        assert_strict(response, label)


def test_the_tile_server_is_allowed_for_images_and_nothing_else():
    policy = settings.SECURE_CSP
    assert "https://tile.openstreetmap.org" in policy["img-src"]  # the default MAP_TILE_URL
    assert all("openstreetmap" not in source for name, sources in policy.items() if name != "img-src"
               for source in sources)


def test_a_cached_page_carries_the_policy_too(client, musterstadt, settings):
    settings.PAGE_CACHE_SECONDS = 300
    address = reverse("core:municipality_home", kwargs={"municipality_slug": musterstadt.slug})
    assert client.get(address)[pagecache.HIT_HEADER] == "miss"
    hit = client.get(address)
    assert hit[pagecache.HIT_HEADER] == "hit"
    assert_strict(hit, "cached page")


def test_a_page_that_used_its_nonce_is_never_stored(musterstadt, settings):
    settings.PAGE_CACHE_SECONDS = 300
    calls = []

    @pagecache.cached_for_anonymous()
    def view(request, municipality_slug):
        calls.append(1)
        return HttpResponse(f'<script nonce="{request._csp_nonce}">1</script>')

    def visit() -> HttpResponse:
        request = RequestFactory().get(f"/{musterstadt.slug}/nonce/")
        request.user, request._csp_nonce = AnonymousUser(), LazyNonce()
        return view(request, municipality_slug=musterstadt.slug)

    first, second = visit(), visit()
    assert len(calls) == 2 and pagecache.HIT_HEADER not in second
    assert first.content != second.content  # each visitor's own nonce


TEMPLATES = sorted(Path(settings.BASE_DIR, "kommune").glob("**/jinja2/**/*.html"))
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "javascript: address": re.compile(r"javascript:", re.IGNORECASE),
    "htmx attribute evaluated as script": re.compile(r"\bhx-on|\bhx-vars|js:", re.IGNORECASE),
}
# The same given as attributes from Jinja, e.g. field(form.title, attrs={"onclick": ...}).
INLINE_FROM_JINJA = re.compile(r"""["'](on[a-z]+|style|hx-on[^"']*)["']\s*:""", re.IGNORECASE)


# Templates that WeasyPrint renders into a PDF and no browser ever receives: their <style> element never meets the
# Content-Security-Policy. A template ending in "_pdf.html" must stay that way.
PDF_ONLY = re.compile(r"_pdf\.html$")


def test_the_templates_hold_no_inline_script_or_style():
    assert len(TEMPLATES) > 50
    found = []
    for path in TEMPLATES:
        if PDF_ONLY.search(path.name):
            continue
        template = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)  # comments may
        markup = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", template, flags=re.DOTALL)  # mention what they avoid
        found += [f"{path.relative_to(settings.BASE_DIR)}: {kind}" for kind, pattern in INLINE.items()
                  if pattern.search(markup)]
        if INLINE_FROM_JINJA.search(template):
            found.append(f"{path.relative_to(settings.BASE_DIR)}: an inline attribute given from Jinja")
    assert not found, "\n".join(found)


def test_the_admin_stays_usable_for_a_superuser(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert_strict(response, "admin index")
