"""Writes one record set of one municipality as files: CSV and JSON with a Frictionless datapackage.json.

The rows stream from the record set's generator straight into temporary files, one pass over the database for
both formats; nothing but the current row is held in memory, so a set of two million comments costs disk space
(about the size of the files), not memory. Size and SHA-256 of each file are computed while it is written.

- CSV: UTF-8 without byte order mark, RFC 4180 (comma, double quotes, CRLF), a header row; datetimes ISO 8601 in
  UTC with ``Z``, booleans ``true``/``false``, empty for null. Text that a spreadsheet would run as a formula
  (starting with =, +, -, @, tab or carriage return) gets a leading single quote (kommune.core.spreadsheets);
  the datapackage's description says so.
- JSON: an array of objects, one per row, with the same keys and values (null for null) and the exact text,
  which Frictionless reads as a tabular resource (format ``json``).
- datapackage.json: Frictionless Data Package v1 (profile tabular-data-package) with one Table Schema for both.
"""

import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from kommune.core.models import Municipality
from kommune.core.records import Column, RecordSet
from kommune.core.spreadsheets import spreadsheet_safe
from kommune.opendata.models import License

# Open Definition ids and the texts of the licences a municipality can choose (kommune.opendata.models.License).
LICENSES = {
    License.DL_ZERO_DE_2_0: ("dl-de-zero-2.0", "https://www.govdata.de/dl-de/zero-2-0"),
    License.DL_BY_DE_2_0: ("dl-de-by-2.0", "https://www.govdata.de/dl-de/by-2-0"),
    License.CC_ZERO: ("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    License.CC_BY_4_0: ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    License.CC_BY_SA_4_0: ("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    License.ODBL: ("ODbL-1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
ENCODING = "utf-8"


@dataclass(frozen=True)
class BuiltFile:
    path: Path
    filename: str
    format: str  # kommune.opendata.models.Resource.Format
    mediatype: str
    size: int
    sha256: str


@dataclass(frozen=True)
class BuiltTables:
    row_count: int
    files: tuple[BuiltFile, ...]  # the CSV, then the JSON (left out when there are no rows: see write_tables)


def utc_iso(moment: datetime) -> str:
    # isoformat() is several times faster than strftime(), which counts with two million rows.
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "string": str, "integer": int, "number": _number, "boolean": bool, "date": _date, "datetime": utc_iso}


def json_value(column: Column, value: Any) -> Any:
    """The value as the JSON file holds it (None for null)."""
    return None if value is None else CONVERTERS[column.type](value)


def csv_value(column: Column, value: Any) -> str:
    """The value as the CSV file holds it (empty for null)."""
    return _csv_cell(json_value(column, value), column.type)


def _csv_cell(value: Any, column_type: str) -> Any:
    if value is None:
        return ""
    if column_type == "boolean":
        return "true" if value else "false"
    if column_type == "string":
        return spreadsheet_safe(value)
    return value


class _HashingFile:
    """A binary file that counts and hashes what is written to it, written to as text."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("wb")
        self._sha256 = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> None:
        data = text.encode(ENCODING)
        self._sha256.update(data)
        self.size += len(data)
        self._file.write(data)

    def close(self) -> str:
        self._file.close()
        return self._sha256.hexdigest()


def _checked(record_set: RecordSet, rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    names = [column.name for column in record_set.columns]
    expected = set(names)
    for row in rows:
        if row.keys() != expected:
            raise ImproperlyConfigured(f"A row of the record set {record_set.key!r} has the keys {sorted(row)}, "
                                       f"not the columns {names}.")
        yield row


def write_tables(record_set: RecordSet, municipality: Municipality, directory: Path, basename: str) -> BuiltTables:
    """Stream the rows into ``<basename>.csv`` and ``<basename>.json`` in ``directory``. Without rows there is
    no JSON file: an empty array names no columns, and Frictionless rejects it as a table."""
    names = [column.name for column in record_set.columns]
    converters = [CONVERTERS[column.type] for column in record_set.columns]
    types = [column.type for column in record_set.columns]
    encode = json.JSONEncoder(ensure_ascii=False).encode
    csv_file = _HashingFile(directory / f"{basename}.csv")
    json_file = _HashingFile(directory / f"{basename}.json")
    writer = csv.writer(csv_file, lineterminator="\r\n")
    writer.writerow(names)
    count = 0
    try:
        for row in _checked(record_set, record_set.rows(municipality)):
            values = [None if row[name] is None else convert(row[name])
                      for name, convert in zip(names, converters, strict=True)]
            writer.writerow([_csv_cell(value, kind) for value, kind in zip(values, types, strict=True)])
            json_file.write(("[\n" if count == 0 else ",\n") + encode(dict(zip(names, values, strict=True))))
            count += 1
        json_file.write("\n]\n" if count else "[]\n")
    finally:
        csv_hash, json_hash = csv_file.close(), json_file.close()
    built = [BuiltFile(csv_file.path, csv_file.path.name, "CSV", "text/csv", csv_file.size, csv_hash)]
    if count:
        built.append(BuiltFile(json_file.path, json_file.path.name, "JSON", "application/json", json_file.size,
                               json_hash))
    else:
        json_file.path.unlink()
    return BuiltTables(count, tuple(built))


def table_schema(record_set: RecordSet) -> dict[str, Any]:
    """The Frictionless Table Schema of the record set, in the active language."""
    return {
        "fields": [{"name": column.name, "type": column.type, "description": str(column.description),
                    "constraints": {"required": column.required}} for column in record_set.columns],
        "primaryKey": [record_set.primary_key],
        "missingValues": [""],
    }


def license_descriptor(value: str) -> dict[str, str]:
    name, path = LICENSES[License(value)]
    return {"name": name, "path": path, "title": str(License(value).label)}


def _resource(record_set: RecordSet, built: BuiltFile, schema: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "name": f"{record_set.key}-{built.format.lower()}".replace("_", "-"),
        "path": built.filename,
        "profile": "tabular-data-resource",
        "title": f"{record_set.title} ({built.format})",
        "format": built.format.lower(),
        "mediatype": built.mediatype,
        "encoding": ENCODING,
        "schema": schema,
        "hash": f"sha256:{built.sha256}",
    }
    # Frictionless 5 reads JSON through ijson, which bypasses its byte counter: a declared size would always
    # fail validation ("byte-count ... actual is None"). The hash is still given; the catalogue lists the size.
    if built.format != "JSON":
        resource["bytes"] = built.size
    return resource


def datapackage(*, record_set: RecordSet, municipality: Municipality, tables: BuiltTables, title: str,
                description: str, created: datetime) -> dict[str, Any]:
    """The datapackage.json of the built files, in the active language."""
    schema = table_schema(record_set)
    return {
        "profile": "tabular-data-package",
        "name": f"{municipality.slug}-{record_set.key}".lower(),
        "title": title,
        "description": description,
        "keywords": list(record_set.keywords),
        "licenses": [license_descriptor(settings.OPENDATA_RECORDS_LICENSE)],
        "contributors": [{"title": municipality.name, "role": "publisher"}],
        "created": utc_iso(created),
        "resources": [_resource(record_set, built, schema) for built in tables.files],
    }


def write_datapackage(descriptor: dict[str, Any], path: Path) -> BuiltFile:
    data = (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode(ENCODING)
    path.write_bytes(data)
    return BuiltFile(path, path.name, "JSON", "application/json", len(data), hashlib.sha256(data).hexdigest())


def dataset_title(record_set: RecordSet) -> str:
    return _("%(title)s – participation records") % {"title": record_set.title}


def dataset_description(record_set: RecordSet) -> str:
    return "\n\n".join([
        str(record_set.description),
        _("Published automatically by the participation platform and updated at most once a day after the data "
          "changed. The CSV and JSON files hold the same records; datapackage.json (Frictionless Data Package) "
          "describes every column. The records contain no personal data."),
        _("In the CSV file, a text that starts with =, +, -, @, a tab or a carriage return begins with an added "
          "single quote ('), so that spreadsheet programs show it as text instead of running it as a formula. "
          "The JSON file holds the exact text."),
    ])
