"""The CKAN actions, one function each: ``action(params) -> result``. Only published datasets are visible."""

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from kommune.core.models import Municipality
from kommune.opendata import dcat
from kommune.opendata.ckan import dicts, search
from kommune.opendata.ckan.errors import NotFound, ValidationError
from kommune.opendata.ckan.params import Params
from kommune.opendata.models import Dataset, Resource, Theme

ROWS_DEFAULT = 10
ROWS_MAX = 1000
LIST_MAX = 1000
FACET_LIMIT_DEFAULT = 50
CKAN_VERSION = "2.10.0"  # the version of CKAN's Action API that this one follows

ACTIONS: dict[str, Callable[[Params], Any]] = {}


def action(function: Callable[[Params], Any]) -> Callable[[Params], Any]:
    ACTIONS[function.__name__] = function
    return function


def _published() -> QuerySet[Dataset]:
    return dcat.catalogue_datasets(None)


def _package(name_or_id: str) -> Dataset:
    pk = dicts.pk_from_id("package", name_or_id)
    condition = Q(pk=pk) if pk is not None else search.name_condition(name_or_id)
    dataset = _published().filter(condition).first()
    if dataset is None:
        raise NotFound(_("Dataset not found"))
    return dataset


def _organization(name_or_id: str) -> Municipality:
    pk = dicts.pk_from_id("organization", name_or_id)
    municipality = Municipality.objects.filter(Q(pk=pk) if pk is not None else Q(slug=name_or_id)).first()
    if municipality is None:
        raise NotFound(_("Organization not found"))
    return municipality


def _theme(name_or_id: str) -> str:
    theme = name_or_id.upper()
    if theme not in Theme.values:
        raise NotFound(_("Group not found"))
    return theme


def _window(params: Params, items: list) -> list:
    offset = params.integer("offset", 0)
    limit = params.integer("limit", None, maximum=LIST_MAX)
    return items[offset:] if limit is None else items[offset:offset + limit]


def _list_sort(params: Params, allowed: tuple[str, ...]) -> tuple[str, bool]:
    """CKAN's organization_list/group_list sort: "name asc", "title desc", "package_count desc"."""
    pieces = (params.string("sort") or "name asc").split()
    field, direction = pieces[0], (pieces[1].lower() if len(pieces) > 1 else "asc")
    if field not in allowed or direction not in ("asc", "desc") or len(pieces) > 2:
        raise ValidationError("sort", _("Cannot sort by “%(sort)s”.") % {"sort": params.string("sort")})
    return field, direction == "desc"


@action
def status_show(params: Params) -> dict:
    """Facts about the site: title, address, CKAN API version, default language."""
    return {
        "site_title": settings.OPERATOR_NAME,
        "site_description": _("Open data of the municipalities on %(name)s") % {"name": settings.OPERATOR_NAME},
        "site_url": settings.SITE_URL,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": [],
    }


@action
def package_list(params: Params) -> list[str]:
    """The names of all published datasets, sorted. Parameters: limit, offset."""
    offset = params.integer("offset", 0)
    limit = params.integer("limit", None, maximum=LIST_MAX)
    rows = (_published().order_by("municipality__slug", "slug")
            .values_list("municipality__slug", "slug"))[offset:None if limit is None else offset + limit]
    return [f"{municipality}-{slug}" for municipality, slug in rows]


@action
def package_show(params: Params) -> dict:
    """One published dataset. Parameters: id (name or id)."""
    return dicts.package_dict(_package(params.required("id")))


@action
def resource_show(params: Params) -> dict:
    """One file or link of a published dataset. Parameters: id."""
    pk = dicts.pk_from_id("resource", params.required("id"))
    resource = Resource.objects.filter(pk=pk, dataset__in=_published()).select_related(
        "dataset__municipality", "dataset__publisher").first() if pk is not None else None
    if resource is None:
        raise NotFound(_("Resource not found"))
    return dicts.resource_dict(resource, resource.dataset)


def _facets(params: Params, matches: QuerySet[Dataset]) -> tuple[dict, dict]:
    fields = params.string_list("facet.field") or []
    if not params.boolean("facet", True):
        fields = []
    unknown = [field for field in fields if field not in search.FACET_FIELDS]
    if unknown:
        raise ValidationError("facet.field", _("Unknown facet: %(field)s. Use one of: %(fields)s.") % {
            "field": unknown[0], "fields": ", ".join(search.FACET_FIELDS)})
    unlimited = str(params.raw("facet.limit")).strip() == "-1"
    limit = None if unlimited else params.integer("facet.limit", FACET_LIMIT_DEFAULT)
    minimum = params.integer("facet.mincount", 1)
    facets, search_facets = {}, {}
    for field in fields:
        counts, names = search.facet_counts(matches, field)
        items = sorted(((value, n) for value, n in counts.items() if n >= minimum),
                       key=lambda item: (-item[1], item[0]))
        items = items if limit is None else items[:limit]
        facets[field] = dict(items)
        search_facets[field] = {"title": field, "items": [
            {"name": value, "display_name": names.get(value, value), "count": n} for value, n in items]}
    return facets, search_facets


@action
def package_search(params: Params) -> dict:
    """Search the published datasets. Parameters: q, fq, fq_list, rows (at most 1000), start, sort, facet, facet.field,
    facet.limit, facet.mincount.
    """
    q = params.string("q")
    condition = search.parse("q", q) & search.parse("fq", params.string("fq"))
    for extra in params.string_list("fq_list") or []:
        condition &= search.parse("fq_list", extra)
    rows = params.integer("rows", ROWS_DEFAULT, maximum=ROWS_MAX)
    start = params.integer("start", 0)
    sort = params.string("sort") or search.DEFAULT_SORT
    order = search.ordering(sort)
    matches = search.with_metadata_modified(_published()).filter(condition)
    facets, search_facets = _facets(params, matches)
    count = matches.count()
    page = search.with_score(matches, search.words_of(q)).order_by(*order)[start:start + rows]
    return {
        "count": count,
        "sort": sort,
        "results": [dicts.package_dict(dataset) for dataset in page] if rows else [],
        "facets": facets,
        "search_facets": search_facets,
    }


@action
def organization_list(params: Params) -> list:
    """The municipalities. Parameters: all_fields, sort, organizations, limit, offset."""
    field, descending = _list_sort(params, ("name", "title", "package_count"))
    column = {"name": "slug", "title": "name", "package_count": "package_count"}[field]
    municipalities = Municipality.objects.annotate(
        package_count=Count("datasets", filter=Q(datasets__is_published=True)))
    if names := params.string_list("organizations"):
        municipalities = municipalities.filter(slug__in=names)
    page = _window(params, list(municipalities.order_by(("-" if descending else "") + column, "slug")))
    if params.boolean("all_fields"):
        return [dicts.organization_dict(m, m.package_count) for m in page]
    return [m.slug for m in page]


@action
def organization_show(params: Params) -> dict:
    """One municipality. Parameters: id (name or id), include_datasets."""
    municipality = _organization(params.required("id"))
    datasets = _published().filter(municipality=municipality)
    result = dicts.organization_dict(municipality, datasets.count())
    if params.boolean("include_datasets"):
        result["packages"] = [dicts.package_dict(d) for d in datasets[:LIST_MAX]]
    result["users"] = []
    return result


def _theme_counts() -> Counter:
    counts = Counter[str]()
    for themes in _published().order_by().values_list("themes", flat=True):
        counts.update(set(themes) & set(Theme.values))
    return counts


@action
def group_list(params: Params) -> list:
    """The EU data themes. Parameters: all_fields, sort, groups, limit, offset."""
    field, descending = _list_sort(params, ("name", "title", "package_count"))
    counts = _theme_counts()
    themes = list(Theme.values)
    if names := params.string_list("groups"):
        themes = [theme for theme in themes if dicts.group_name(theme) in names]
    groups = [dicts.group_dict(theme, counts[theme]) for theme in themes]
    groups.sort(key=lambda group: (group[field], group["name"]), reverse=descending)
    groups = _window(params, groups)
    return groups if params.boolean("all_fields") else [group["name"] for group in groups]


@action
def group_show(params: Params) -> dict:
    """One EU data theme. Parameters: id, include_datasets."""
    theme = _theme(params.required("id"))
    datasets = _published().filter(search.json_list_has("themes", theme))
    result = dicts.group_dict(theme, datasets.count())
    if params.boolean("include_datasets"):
        result["packages"] = [dicts.package_dict(d) for d in datasets[:LIST_MAX]]
    result["users"] = []
    return result


@action
def help_show(params: Params) -> str:
    """What an action does and which parameters it takes. Parameters: name."""
    function = ACTIONS.get(params.required("name"))
    if function is None:
        raise NotFound(_("Action not found"))
    return function.__doc__ or ""
