"""REST API of the methods library: reads only. The installation-wide library (filters by perspective of openness,
kind and search words, as on /methoden/), a municipality's methods (as on /<slug>/methoden/), one method with its
current text, licence and real uses, and its history of versions. Every method in the library is public, as on
the web; a use counts only in a published process. No read names a person: a method's author is its municipality
or lab. Staff write methods on the management pages. Registered in MethodsConfig.ready()."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, P, PathEx, QueryEx, Router, Schema

from kommune.core.api import auth
from kommune.core.api.common import SLUG_PATTERN, MunicipalitySlug, Text, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, check_cursor, page, page_schema
from kommune.core.perspectives import Perspective
from kommune.methods import selectors
from kommune.methods.models import CONTENT_FIELDS, LICENSE, LICENSE_NAME, LICENSE_URL, Method, MethodVersion

router = Router(tags=["Methods library"])

BASE = "/methods"
MethodSlug = PathEx[str, P(pattern=SLUG_PATTERN, max_length=80, description="The method's address.")]
VersionNumber = PathEx[int, P(ge=1, le=2**31 - 1, description="The number of the version, 1 for the first.")]
PerspectiveKey = Literal["transparency", "agenda_setting", "dialogue", "co_production", "innovation", "open_data",
                         "culture"]
KindKey = Literal["method", "instrument", "tool"]
EffortKey = Literal["low", "medium", "high"]
PerspectiveFilter = QueryEx[PerspectiveKey | None, P(description="Only methods that serve this perspective of "
                                                                 "openness.")]
KindFilter = QueryEx[KindKey | None, P(description="Only methods of this kind.")]
TextFilter = QueryEx[Text | None, P(max_length=200, description="Search words (German stemming, as the site "
                                                                "search): the best matches, ranked, on one page.")]


class AuthorOut(Schema):
    kind: Literal["municipality", "lab"]
    slug: str
    name: str


class LicenceOut(Schema):
    key: str = Field(description="SPDX identifier: CC-BY-4.0.")
    name: str
    url: str


def _author(method: Method) -> dict:
    tenant = method.author
    return {"kind": "lab" if method.lab_id else "municipality", "slug": tenant.slug, "name": tenant.name}


class MethodOut(Schema):
    slug: str
    title: str
    kind: KindKey
    summary: str
    perspectives: list[PerspectiveKey] = Field(description="Keys of the seven perspectives of openness.")
    effort: EffortKey
    version: int = Field(description="The number of the current version.")
    author: AuthorOut = Field(description="The municipality or lab that wrote the method.")
    process_count: int = Field(description="Published participation processes that used the method.")
    municipality_count: int = Field(description="Municipalities those processes belong to.")
    created_at: datetime
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_perspectives(obj: Method) -> list[str]:
        return [key for key in obj.perspective_keys() if key in Perspective.values]

    @staticmethod
    def resolve_author(obj: Method) -> dict:
        return _author(obj)

    @staticmethod
    def resolve_url(obj: Method, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


class UseOut(Schema):
    process: str = Field(description="The title of the participation process.")
    process_url: str
    municipality: str = Field(description="The address of the process's municipality.")
    municipality_name: str
    starts_at: datetime | None


class MethodDetailOut(MethodOut):
    purpose: str = Field(description="Markdown, as written.")
    purpose_html: str
    group_size_min: int | None
    group_size_max: int | None
    duration: str
    steps: str = Field(description="Markdown, as written.")
    steps_html: str
    materials: str
    materials_html: str
    pitfalls: str
    pitfalls_html: str
    licence: LicenceOut
    uses: list[UseOut] = Field(description="The uses in published processes, the latest process first (at most "
                                           "200).")
    versions_url: str

    @staticmethod
    def resolve_licence(obj: Method) -> dict:
        return {"key": LICENSE, "name": LICENSE_NAME, "url": LICENSE_URL}

    @staticmethod
    def resolve_uses(obj: Method, context) -> list[dict]:
        request = context["request"]
        return [{"process": use.process.title, "process_url": absolute(request, use.process.get_absolute_url()),
                 "municipality": use.municipality.slug, "municipality_name": use.municipality.name,
                 "starts_at": use.process.starts_at} for use in selectors.method_uses(obj)]

    @staticmethod
    def resolve_versions_url(obj: Method, context) -> str:
        return absolute(context["request"], f"/api/v1{BASE}/{obj.slug}/versions")


class VersionOut(Schema):
    number: int
    note: str = Field(description="What changed.")
    edited_at: datetime


class VersionDetailOut(VersionOut):
    content: dict[str, str | int | list[str] | None] = Field(
        description="The method's fields as saved in this version: " + ", ".join(CONTENT_FIELDS) + ".")

    @staticmethod
    def resolve_content(obj: MethodVersion) -> dict:
        content = {name: obj.content.get(name) for name in CONTENT_FIELDS}
        content["perspectives"] = Method(perspectives=content["perspectives"] or "").perspective_keys()
        return content


MethodPage = page_schema("MethodPage", MethodOut)
VersionPage = page_schema("MethodVersionPage", VersionOut)


def _method(slug: str) -> Method:
    return get_object_or_404(selectors.with_use_counts(Method.objects.all()), slug=slug)


def _page(methods, cursor: str | None, limit: int) -> dict:
    return page(selectors.with_use_counts(methods), cursor, limit=limit, descending=True)


@router.get(BASE, response=responses({200: MethodPage}, *PAGE), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="List the methods library")
def list_methods(request: HttpRequest, perspective: PerspectiveFilter = None, kind: KindFilter = None,
                 text: TextFilter = None, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """Methods, instruments and tools of all municipalities and labs, the latest written first. With `text`, the
    best matches of the search instead, ranked, on one page (`next` is null)."""
    if text and text.strip():
        check_cursor(cursor)
        found = selectors.library(query=text, perspective=perspective or "", kind=kind or "")
        return {"items": found.methods[:limit], "next": None}
    return _page(selectors.filtered(Method.objects.all(), perspective=perspective or "", kind=kind or ""), cursor,
                 limit)


@router.get("/municipalities/{municipality_slug}/methods", response=responses({200: MethodPage}, *PAGE),
            auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN, summary="List the methods of a municipality")
def list_municipality_methods(request: HttpRequest, municipality_slug: MunicipalitySlug,
                              perspective: PerspectiveFilter = None, kind: KindFilter = None, cursor: Cursor = None,
                              limit: Limit = DEFAULT_LIMIT):
    """Written by the municipality or by a lab it belongs to, the latest written first."""
    municipality = municipality_or_404(municipality_slug)
    return _page(selectors.filtered(selectors.written_for(municipality), perspective=perspective or "",
                                    kind=kind or ""), cursor, limit)


@router.get(BASE + "/{method_slug}", response=responses({200: MethodDetailOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a method with its real uses")
def get_method(request: HttpRequest, method_slug: MethodSlug):
    """The current version's text (Markdown and sanitised HTML), its licence, and where it was used."""
    return _method(method_slug)


@router.get(BASE + "/{method_slug}/versions", response=responses({200: VersionPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the versions of a method")
def list_method_versions(request: HttpRequest, method_slug: MethodSlug, cursor: Cursor = None,
                         limit: Limit = DEFAULT_LIMIT):
    """Every saved state of the method, the newest first; nothing is ever overwritten."""
    method = get_object_or_404(Method, slug=method_slug)
    return page(selectors.versions_of(method), cursor, limit=limit, descending=True, field="edited_at")


@router.get(BASE + "/{method_slug}/versions/{number}", response=responses({200: VersionDetailOut}, *READ),
            auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN, summary="Get one version of a method")
def get_method_version(request: HttpRequest, method_slug: MethodSlug, number: VersionNumber):
    method = get_object_or_404(Method, slug=method_slug)
    return get_object_or_404(selectors.versions_of(method), number=number)
