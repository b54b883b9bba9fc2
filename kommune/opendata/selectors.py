"""Reads of the open-data catalogue shared by the pages, the DCAT-AP.de and CKAN endpoints and the REST API.

The previews read resource files in a bounded way: the first rows of a table only, and a GeoJSON file only up to
``MAP_MAX_BYTES`` and ``MAP_MAX_FEATURES``. They are cached by the file's checksum, so a page view does not read the
file again (from a folder or from S3) until the file changes.
"""

import csv
import itertools
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kommune.core.cursor import KeysetPage, keyset_page
from kommune.core.models import Municipality
from kommune.opendata import uploads
from kommune.opendata.models import Dataset, Resource, Theme

PAGE_SIZE = 20
MANAGE_PAGE_SIZE = 50
PREVIEW_ROWS = 20
MAX_PREVIEW_COLUMNS = 30
MAX_CELL_CHARS = 200
MAP_MAX_BYTES = 5 * 1024 * 1024
MAP_MAX_FEATURES = 5000
TOP_KEYWORDS = 25
PREVIEW_CACHE_SECONDS = 24 * 3600

TYPE_LABELS = {
    "integer": _("whole number"),
    "number": _("number"),
    "boolean": _("yes/no"),
    "date": _("date"),
    "datetime": _("date and time"),
    "string": _("text"),
}


# --- The catalogue --------------------------------------------------------------------------------------------


def _resources() -> Prefetch:
    return Prefetch("resources", Resource.objects.order_by("position", "id"))


def published_datasets(municipality: Municipality | None = None) -> QuerySet[Dataset]:
    """Published datasets (of one municipality, or of all) with their publisher, municipality and resources
    (in their order), in a constant number of queries."""
    queryset = (Dataset.objects.filter(is_published=True).select_related("municipality", "publisher")
                .prefetch_related(_resources()))
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    return queryset


def json_text(value: str) -> str:
    """How ``value`` appears in the stored text of a JSONField, quotes included: SQLite keeps json.dumps's \\u
    escapes, PostgreSQL prints jsonb with the characters themselves."""
    return json.dumps(value, ensure_ascii=connection.vendor != "postgresql")


def has_element(field_name: str, value: str) -> Q:
    """The JSON list in ``field_name`` contains the string ``value`` (ignoring case), on SQLite and PostgreSQL."""
    return Q(**{f"{field_name}__icontains": json_text(value)})


@dataclass(frozen=True)
class CatalogueFilter:
    query: str = ""
    theme: str = ""
    format: str = ""
    keyword: str = ""

    def as_params(self) -> dict[str, str]:
        params = {"q": self.query, "theme": self.theme, "format": self.format, "keyword": self.keyword}
        return {key: value for key, value in params.items() if value}


def filter_datasets(queryset: QuerySet[Dataset], chosen: CatalogueFilter) -> QuerySet[Dataset]:
    if chosen.query:
        queryset = queryset.filter(Q(title__icontains=chosen.query) | Q(description__icontains=chosen.query)
                                   | Q(keywords__icontains=json_text(chosen.query)[1:-1]))
    if chosen.theme:
        queryset = queryset.filter(has_element("themes", chosen.theme))
    if chosen.keyword:
        queryset = queryset.filter(has_element("keywords", chosen.keyword))
    if chosen.format:
        queryset = queryset.filter(Exists(Resource.objects.filter(dataset=OuterRef("pk"), format=chosen.format)))
    return queryset


def catalogue_page(municipality: Municipality, chosen: CatalogueFilter, *, cursor: str | None) -> KeysetPage:
    """One page of the catalogue, the most recently changed first; raises cursor.InvalidCursor for a bad cursor."""
    queryset = filter_datasets(published_datasets(municipality), chosen)
    return keyset_page(queryset, field="modified_at", cursor=cursor, size=PAGE_SIZE)


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facets:
    themes: list[Facet]
    formats: list[Facet]
    keywords: list[Facet]


def catalogue_facets(municipality: Municipality) -> Facets:
    """How many published datasets have each theme, format and (most used) keyword, in two queries."""
    rows = Dataset.objects.filter(municipality=municipality, is_published=True).values_list("themes", "keywords")
    themes, keywords, spelling = Counter[str](), Counter[str](), dict[str, str]()
    for dataset_themes, dataset_keywords in rows:
        themes.update(set(dataset_themes or ()))
        for keyword in dict.fromkeys(k.casefold() for k in dataset_keywords or ()):
            keywords[keyword] += 1
        for keyword in dataset_keywords or ():
            spelling.setdefault(keyword.casefold(), keyword)
    formats = dict(Resource.objects.filter(dataset__municipality=municipality, dataset__is_published=True)
                   .values("format").annotate(count=Count("dataset", distinct=True)).values_list("format", "count"))
    return Facets(
        themes=[Facet(theme.value, str(theme.label), themes[theme.value]) for theme in Theme if themes[theme.value]],
        formats=[Facet(kind.value, kind.label, formats[kind.value])
                 for kind in Resource.Format if kind.value in formats],
        keywords=sorted((Facet(spelling[k], spelling[k], n) for k, n in keywords.most_common(TOP_KEYWORDS)),
                        key=lambda facet: (-facet.count, facet.label.casefold())),
    )


def dataset_for_page(municipality: Municipality, slug: str) -> QuerySet[Dataset]:
    """The dataset ``slug`` of ``municipality`` (published or not: the view decides) with what its page shows."""
    return (Dataset.objects.filter(municipality=municipality, slug=slug).select_related("municipality", "publisher")
            .prefetch_related(_resources()))


def newest_datasets(municipality: Municipality, limit: int = 3) -> list[Dataset]:
    return list(Dataset.objects.filter(municipality=municipality, is_published=True).select_related("municipality")
                .order_by("-issued_at", "-id")[:limit])


def manage_page(municipality: Municipality, *, cursor: str | None) -> KeysetPage:
    queryset = (Dataset.objects.filter(municipality=municipality).select_related("municipality")
                .annotate(resource_count=Count("resources")))
    return keyset_page(queryset, field="created_at", cursor=cursor, size=MANAGE_PAGE_SIZE)


def unpublished_count(municipality: Municipality) -> int:
    return Dataset.objects.filter(municipality=municipality, is_published=False).count()


# --- Previews ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS.get(self.type, TYPE_LABELS["string"]))


@dataclass(frozen=True)
class TablePreview:
    columns: list[Column]
    rows: list[list[str]]
    more_columns: int = 0  # columns left out of the preview
    unreadable: bool = False


def _cached(kind: str, resource: Resource, compute, *extra) -> Any:
    key = ":".join(map(str, ("opendata", kind, resource.pk, resource.checksum_sha256, *extra)))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, PREVIEW_CACHE_SECONDS)
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _columns(resource: Resource, header: list[str]) -> list[Column]:
    """The header's columns with the types detected at upload (Table Schema)."""
    fields = (resource.table_schema or {}).get("fields") or []
    columns = []
    for index, name in enumerate(header):
        schema_field = fields[index] if index < len(fields) else {}
        columns.append(Column(schema_field.get("name") or name, schema_field.get("type", "string")))
    return columns


def _csv_rows(resource: Resource, limit: int) -> tuple[list[str], list[list[Any]]]:
    with resource.file.open("rb") as file:
        lines = uploads.text_lines(iter(lambda: file.read(uploads.CHUNK_SIZE), b""))
        first = next(lines, "")
        reader = csv.reader(_chain(first, lines), delimiter=uploads.csv_delimiter(first), strict=False)
        header = next(reader, [])
        return header, list(itertools.islice(reader, limit))


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _xlsx_rows(resource: Resource, limit: int) -> tuple[list[str], list[list[Any]]]:
    with resource.file.open("rb") as file:
        workbook = uploads.open_workbook(file)
        try:
            return uploads.workbook_rows(workbook, limit)
        finally:
            workbook.close()


def _table_preview(resource: Resource, rows: int) -> TablePreview:
    read = _csv_rows if resource.format == Resource.Format.CSV else _xlsx_rows
    try:
        header, body = read(resource, rows)
    except (OSError, ValueError, csv.Error, ValidationError, UnicodeDecodeError):
        return TablePreview([], [], unreadable=True)
    columns = _columns(resource, header)
    shown = columns[:MAX_PREVIEW_COLUMNS]
    cells = [[_cell(row[i]) if i < len(row) else "" for i in range(len(shown))] for row in body]
    return TablePreview(shown, cells, more_columns=len(columns) - len(shown))


def resource_preview(resource: Resource, rows: int = PREVIEW_ROWS) -> TablePreview | None:
    """The first ``rows`` rows of an uploaded CSV or XLSX file with the detected column types; None for other
    resources. Reads only those rows."""
    if not resource.file or resource.format not in (Resource.Format.CSV, Resource.Format.XLSX):
        return None
    return _cached("table", resource, lambda: _table_preview(resource, rows), rows)


@dataclass(frozen=True)
class GeoPreview:
    feature_count: int = 0
    geometry_types: list[tuple[str, int]] = field(default_factory=list)
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    too_big: bool = False  # no map and no summary: the file is larger than the preview reads
    problem: str = ""  # "no_features" or "unreadable"

    @property
    def shows_map(self) -> bool:
        return not self.too_big and not self.problem and self.feature_count > 0 and self.bbox is not None


def _positions(coordinates: Any) -> Iterator[tuple[float, float]]:
    if isinstance(coordinates, list) and len(coordinates) >= 2 and all(
            isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates[:2]):
        yield float(coordinates[0]), float(coordinates[1])
    elif isinstance(coordinates, list):
        for item in coordinates:
            yield from _positions(item)


def _geometries(geometry: Any) -> Iterator[dict]:
    if not isinstance(geometry, dict):
        return
    if geometry.get("type") == "GeometryCollection":
        for part in geometry.get("geometries") or []:
            yield from _geometries(part)
    else:
        yield geometry


def _geo_summary(data: Any) -> GeoPreview:
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
    elif isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    else:
        features = None
    if not isinstance(features, list):
        return GeoPreview(problem="no_features")
    if len(features) > MAP_MAX_FEATURES:
        return GeoPreview(feature_count=len(features), too_big=True)
    types: Counter = Counter()
    west = south = float("inf")
    east = north = float("-inf")
    for feature in features:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        for part in _geometries(geometry):
            types[str(part.get("type"))] += 1
            for lon, lat in _positions(part.get("coordinates")):
                west, south, east, north = min(west, lon), min(south, lat), max(east, lon), max(north, lat)
    bbox = (west, south, east, north) if west != float("inf") else None
    return GeoPreview(feature_count=len(features), geometry_types=sorted(types.items()), bbox=bbox)


def _read_geo(resource: Resource) -> GeoPreview:
    if (resource.byte_size or 0) > MAP_MAX_BYTES:
        return GeoPreview(too_big=True)
    try:
        with resource.file.open("rb") as file:
            raw = file.read(MAP_MAX_BYTES + 1)
        if len(raw) > MAP_MAX_BYTES:
            return GeoPreview(too_big=True)
        return _geo_summary(json.loads(raw.decode("utf-8-sig")))
    except (OSError, ValueError, RecursionError):
        return GeoPreview(problem="unreadable")


def geojson_preview(resource: Resource) -> GeoPreview | None:
    """Number of features, their geometry types and bounding box of an uploaded GeoJSON file, read only when the
    file is at most MAP_MAX_BYTES with at most MAP_MAX_FEATURES features (else ``too_big``); None for other
    resources."""
    if not resource.file or resource.format != Resource.Format.GEOJSON:
        return None
    return _cached("geo", resource, lambda: _read_geo(resource))
