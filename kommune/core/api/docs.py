"""The reference part of the documentation page, read from the OpenAPI schema: operations grouped by tag with
their parameters, bodies, answers and an example call, and the schemas. So the page cannot drift from the API."""

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify
from markupsafe import Markup, escape

METHOD_ORDER = ("get", "post", "put", "patch", "delete")
EXAMPLE_PATH_VALUES = {
    "municipality_slug": "musterstadt",
    "process_slug": "marktplatz",
    "target_type": "proposals.proposal",
}


@dataclass(frozen=True)
class DocField:
    name: str
    type: str
    required: bool
    description: str = ""
    location: str = ""


@dataclass
class DocOperation:
    id: str
    method: str
    path: str
    summary: str
    description: str
    access: str  # "optional", "token" or "write"
    parameters: list[DocField]
    body: str | None
    body_fields: list[DocField]
    answers: list[tuple[str, str]]
    example: str


@dataclass
class DocTag:
    name: str
    anchor: str
    operations: list[DocOperation] = field(default_factory=list)


@dataclass(frozen=True)
class DocModel:
    name: str
    anchor: str
    fields: list[DocField]


def inline_code(text: str) -> Markup:
    """The schema's descriptions mark code with backticks: escape the text and show those parts as code."""
    parts = str(text or "").split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: show the text as it is
        return escape(text or "")
    return Markup("").join(Markup("<code>%s</code>") % part if index % 2 else escape(part)
                           for index, part in enumerate(parts))


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_label(node: dict[str, Any]) -> str:
    """A short, readable type of a JSON schema node: "string", "integer or null", "list of CommentOut"."""
    if "$ref" in node:
        return _ref_name(node["$ref"])
    if "anyOf" in node:
        return " or ".join(dict.fromkeys(type_label(option) for option in node["anyOf"]))
    if "enum" in node:
        return "one of " + ", ".join(json.dumps(value) for value in node["enum"])
    if "const" in node:
        return json.dumps(node["const"])
    kind = node.get("type", "any")
    if kind == "array":
        return f"list of {type_label(node.get('items', {}))}"
    if kind == "object" and isinstance(node.get("additionalProperties"), dict):
        return f"object of {type_label(node['additionalProperties'])}"
    if kind == "null":
        return "null"
    return f"{kind} ({node['format']})" if "format" in node else kind


def _example(node: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Any:
    if node.get("examples"):
        return node["examples"][0]
    if "$ref" in node and depth < 3:
        return _example(components.get(_ref_name(node["$ref"]), {}), components, depth + 1)
    if "anyOf" in node:
        options = [option for option in node["anyOf"] if option.get("type") != "null"]
        return _example(options[0], components, depth) if options else None
    if "enum" in node:
        return node["enum"][0]
    if "const" in node:
        return node["const"]
    kind = node.get("type", "")
    if kind == "object":
        return {name: _example(prop, components, depth + 1) for name, prop in node.get("properties", {}).items()
                if name in node.get("required", ())}
    return {"string": "date" in node.get("format", "") and "2026-01-31" or "…", "integer": 1, "number": 51.5,
            "boolean": True, "array": []}.get(kind)


def _fields(schema: dict[str, Any]) -> list[DocField]:
    required = set(schema.get("required", ()))
    return [DocField(name, type_label(prop), name in required, inline_code(prop.get("description", "")))
            for name, prop in schema.get("properties", {}).items()]


def _access(method: str, security: list[dict]) -> str:
    if {} in security:
        return "optional"
    return "token" if method == "get" else "write"


def _example_call(base_url: str, method: str, path: str, access: str, body: Any) -> str:
    url = base_url + path.removeprefix("/api/v1")
    for name, value in EXAMPLE_PATH_VALUES.items():
        url = url.replace("{" + name + "}", value)
    url = url.replace("{", "").replace("}", "")
    for name in ("comment_id", "proposal_id", "target_id"):
        url = url.replace(name, "1")
    lines = [f"curl -X {method.upper()} '{url}'" if method != "get" else f"curl '{url}'"]
    if access != "optional":
        lines.append("  -H 'Authorization: Bearer ok_…'")
    if body is not None:
        lines.append("  -H 'Content-Type: application/json'")
        lines.append(f"  -d '{json.dumps(body, ensure_ascii=False)}'")
    return " \\\n".join(lines)


def _body(operation: dict[str, Any], components: dict[str, Any]) -> tuple[str | None, list[DocField], Any]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None, [], None
    node = content["schema"]
    schema = components.get(_ref_name(node["$ref"]), {}) if "$ref" in node else node
    return type_label(node), _fields(schema), _example(node, components)


def _answers(operation: dict[str, Any]) -> list[tuple[str, str]]:
    answers = []
    for status, answer in sorted(operation.get("responses", {}).items()):
        schema = answer.get("content", {}).get("application/json", {}).get("schema")
        answers.append((status, type_label(schema) if schema else "–"))
    return answers


def reference(schema: dict[str, Any], base_url: str) -> tuple[list[DocTag], list[DocModel]]:
    """The operations of ``schema`` grouped by their first tag (in the order they first appear) and its
    component schemas."""
    components = schema.get("components", {}).get("schemas", {})
    tags: dict[str, DocTag] = {}
    for path, methods in schema.get("paths", {}).items():
        for method in sorted(methods, key=lambda m: METHOD_ORDER.index(m) if m in METHOD_ORDER else 99):
            operation = methods[method]
            name = (operation.get("tags") or ["API"])[0]
            tag = tags.setdefault(name, DocTag(name, f"tag-{slugify(name)}"))
            access = _access(method, operation.get("security", []))
            body_type, body_fields, body_example = _body(operation, components)
            parameters = [DocField(p["name"], type_label(p.get("schema", {})), p.get("required", False),
                                   inline_code(p.get("description", "")), p["in"])
                          for p in operation.get("parameters", [])]
            tag.operations.append(DocOperation(
                id=operation["operationId"], method=method.upper(), path=path, summary=operation.get("summary", ""),
                description=inline_code(operation.get("description", "")), access=access, parameters=parameters,
                body=body_type, body_fields=body_fields, answers=_answers(operation),
                example=_example_call(base_url, method, path, access, body_example)))
    models = [DocModel(name, f"schema-{slugify(name)}", _fields(node)) for name, node in sorted(components.items())]
    return list(tags.values()), models
