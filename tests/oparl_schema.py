"""Validation against the official OParl 1.1 JSON schemas, which CI has beside the repository in
../shared/standards/oparl/schema/ (never copied into the project).

The schemas name the schema of an embedded object with the keyword ``schema`` ("File.json"), which JSON Schema
itself ignores: ``validate_object`` follows those into every embedded object. ``url``, ``date`` and ``date-time``
formats are checked here (``url`` is OParl's own format name).
"""

import json
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "shared" / "standards" / "oparl" / "schema"
TYPE_PREFIX = "https://schema.oparl.org/1.1/"

formats = FormatChecker()


@formats.checks("url")
def _is_url(value: object) -> bool:
    return not isinstance(value, str) or bool(re.match(r"^https?://[^\s]+$", value))


@formats.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value)) and len(value) == 10


@formats.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    # RFC 3339 as OParl asks: a full date, time and offset.
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@cache
def schemas() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMA_DIR.glob("*.json")}


@cache
def registry() -> Registry:
    return Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT4)) for name, schema in schemas().items())


def schema_for(obj: dict) -> str:
    kind = obj.get("type", "")
    assert kind.startswith(TYPE_PREFIX), f"not an OParl 1.1 type: {kind!r}"
    return kind.removeprefix(TYPE_PREFIX) + ".json"


def validate_object(obj: dict, schema_name: str | None = None) -> int:
    """Validate ``obj`` and every object embedded in it; return how many objects were validated."""
    schema_name = schema_name or schema_for(obj)
    schema = schemas()[schema_name]
    validator_class = validator_for(schema, default=Draft4Validator)
    validator_class(schema, registry=registry(), format_checker=formats).validate(obj)
    assert schema_for(obj) == schema_name, f"{obj['id']} is a {obj['type']}, expected {schema_name}"
    count = 1
    for name, value in obj.items():
        count += _validate_embedded(schema["properties"].get(name, {}), value)
    return count


def _validate_embedded(definition: dict, value: Any) -> int:
    if definition.get("type") == "object" and "schema" in definition:
        return validate_object(value, definition["schema"])
    items = definition.get("items", {})
    if definition.get("type") == "array" and items.get("type") == "object" and "schema" in items:
        return sum(validate_object(item, items["schema"]) for item in value)
    return 0
