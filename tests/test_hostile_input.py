"""Bad input never gives a 5xx: a corpus of hostile values sent to every route, every CKAN action and every REST API
operation.

The corpus: numbers no integer column holds, deep nesting (brackets, JSON), control characters with NUL, invalid
UTF-8 in the query and the body, bodies above DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, broken multipart
bodies and content types that do not match the body.

- Every URL pattern of the project, its URL filled by the route walk of tests/test_routes.py (the same PROVIDERS):
  GET with a hostile value in every query parameter the project reads (the fields of every form and every
  ``request.GET`` key), POST with hostile bodies carrying every form field, as an administrator and anonymously,
  and hostile text in the URL's own text keywords. Each route gets a few values of the corpus in rotation, so that
  every value meets many routes without the full cross product.
- Every CKAN action, GET and POST: every value and body; the answer is CKAN's JSON envelope, never an HTML page.
- Every REST API operation of /api/v1/openapi.json, with its own method and the other of GET and POST: hostile query
  values, path parameters and bodies; the answer is the API's error format.
"""

import itertools
import json
import re
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from django import forms
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.test import Client, override_settings

from kommune.core.comments.models import Comment, Thread
from kommune.opendata.ckan.actions import ACTIONS
from tests.factories_api import api_token
from tests.factories_comments import CommentFactory, thread_for
from tests.factories_processes import published_process
from tests.factories_proposals import ProposalSettingsFactory, published_proposal
from tests.test_routes import ROUTES, Walk, World

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
TOO_LARGE = 3 * 1024 * 1024  # above DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
QUERY_BUDGET = 60_000  # bytes of one query string: long values go to fewer parameters

# Values for query strings and form fields, as bytes (percent-encoded when sent).
VALUES: list[bytes] = [
    b"9" * 25, b"-" + b"9" * 25, b"9" * 5000, b"1e309", b"NaN", "²".encode(), "١٢٣".encode(), b"0x1F", b"-0",
    b"(" * 500, b"[" * 500, b'{"a":' * 300, b"NOT " * 400,
    b"\x00", b"a\x00b", b"\x01\x08\x0b\x1b[31m\x7f", "\u0085\u2028\u202e\ufeff".encode(),
    b"\xff\xfe", b"\xc0\x80", b"\xed\xa0\x80", b"%", b"%zz",
    b"' OR 1=1 --", b"<script>alert(1)</script>", b"../../../../etc/passwd", b"x" * 20_000,
    b"2026-02-30", b"9999-12-31T23:59:59+99:00", b"",
]
# JSON values for the fields of JSON bodies.
JSON_VALUES: list = [
    10**25, -(10**25), 1e308, -1, 0, True, None, "", "\x00", "a\x00b", "\x01\x1b", "9" * 25, "x" * 100_000,
    [], {}, [[[[[[[[[[[]]]]]]]]]]], {"a": {"b": {"c": {}}}}, ["\x00"] * 1000, "(" * 500, "²",
]
DEEP_JSON = b"[" * 30_000
OVERSIZED_JSON = b'{"text": "' + b"x" * TOO_LARGE + b'"}'
BOUNDARY = "hostileboundary"


def raw_bodies() -> list[tuple[str, bytes]]:
    """Bodies that no field list describes: (content type, bytes)."""
    return [
        ("application/json", DEEP_JSON),
        ("application/json", b'{"a":' * 30_000),
        ("application/json", b"\xff\xfe\x00{"),
        ("application/json", b'{"text": "\\ud800", "title": "a\\u0000b"}'),
        ("application/json", b"[1, 2, 3]"),
        ("application/json", b"1e309"),
        ("application/json", b"x" * TOO_LARGE),
        ("application/x-www-form-urlencoded", b"a=" + b"x" * TOO_LARGE),
        ("application/x-www-form-urlencoded", b"&".join(b"f%d=1" % index for index in range(1500))),
        ("application/x-www-form-urlencoded", b"text=%FF%FE%00&title=%C0%80"),
        ("multipart/form-data", b"no boundary"),
        (f"multipart/form-data; boundary={BOUNDARY}", f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
                                                      f'name="text"\r\n\r\nunterminated'.encode()),
        ("text/xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaaaaaa'>]><x>&a;&a;&a;</x>"),
        ("text/plain; charset=utf-16", b"\xff\xfe\x00\xd8"),
        ("application/octet-stream", bytes(range(256)) * 100),
    ]


# --- The parameter names the project reads ------------------------------------------------------------------


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def form_fields() -> tuple[list[str], list[str]]:
    """The field names of every form of the project (its views are imported with the URL conf), and those of
    them that take files."""
    names, files = set(), set()
    for form in _subclasses(forms.BaseForm):
        if form.__module__.startswith("kommune."):
            for name, field in getattr(form, "base_fields", {}).items():
                names.add(name)
                if isinstance(field, forms.FileField):
                    files.add(name)
    return sorted(names), sorted(files)


def request_keys() -> list[str]:
    """Keys the views read from request.GET / request.POST directly."""
    pattern = re.compile(r"""request\.(?:GET|POST)(?:\.get|\.getlist)?[(\[]["']([\w.\-]+)["']""")
    keys = set()
    for source in (ROOT / "kommune").rglob("*.py"):
        keys |= set(pattern.findall(source.read_text()))
    return sorted(keys)


FIELDS, FILE_FIELDS = form_fields()
NAMES = sorted({*FIELDS, *request_keys(), "page", "q", "next", "cursor", "sort"})


def query(value: bytes, names: list[str]) -> str:
    """``name=value&…`` for as many of ``names`` as the budget allows (all of them for short values)."""
    encoded = quote_from_bytes(value, safe="")
    step = max(1, len(names) * (len(encoded) + 10) // QUERY_BUDGET)
    return "&".join(f"{name}={encoded}" for name in names[::step])


def urlencoded(value: bytes, names: list[str]) -> tuple[str, bytes]:
    return "application/x-www-form-urlencoded", query(value, names).encode()


def multipart(value: bytes, names: list[str], files: list[str]) -> tuple[str, bytes]:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value[:5000]
             for name in names]
    parts += [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="../\x00.csv"\r\n'
              f"Content-Type: text/csv\r\n\r\n".encode() + b"\xff\xfe\x00;=1+1\r\n" + value[:5000] for name in files]
    return f"multipart/form-data; boundary={BOUNDARY}", b"\r\n".join([*parts, f"--{BOUNDARY}--\r\n".encode()])


def site_bodies() -> list[tuple[str, bytes]]:
    return [*raw_bodies(), *(urlencoded(value, NAMES) for value in VALUES),
            *(multipart(value, FIELDS, FILE_FIELDS) for value in VALUES[::3])]


def rotation(items: list, index: int, count: int) -> list:
    """``count`` items for the index-th target, so that consecutive targets get different ones."""
    return [items[(index * count + offset) % len(items)] for offset in range(count)]


def _with_query(url: str, query_string: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query_string}"


# --- Checks -------------------------------------------------------------------------------------------------


class Problems(list):
    def check(self, response, method: str, url: str, what: str, answer_format=None) -> None:
        status = response.status_code
        if status >= 500:
            self.append(f"{method} {url[:120]} ({what}): {status}")
        elif answer_format is not None and (message := answer_format(response)):
            self.append(f"{method} {url[:120]} ({what}): {status}, {message}")


def _json(response) -> dict | None:
    if not response["Content-Type"].startswith("application/json"):
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def ckan_format(response) -> str | None:
    body = _json(response)
    if body is None:
        return f"not JSON but {response['Content-Type']}"
    if "help" not in body or not isinstance(body.get("success"), bool):
        return "not CKAN's envelope"
    if response.status_code >= 400 and not (body["success"] is False and isinstance(body.get("error"), dict)
                                            and isinstance(body["error"].get("__type"), str)):
        return "no CKAN error"
    return None


def api_format(response) -> str | None:
    if response.status_code < 400:
        return None
    body = _json(response)
    error = body.get("error") if isinstance(body, dict) else None
    if not (isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str)
            and isinstance(error.get("fields"), dict)):
        return f"not the API's error format: {response.content[:100]!r}"
    return None


def send(client: Client, method: str, url: str, body: tuple[str, bytes] | None = None, **headers):
    if body is None:
        return getattr(client, method)(url, headers=headers)
    content_type, data = body
    return client.generic(method.upper(), url, data=data, content_type=content_type, headers=headers)


# --- Every route ----------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_rate_limit():
    # The limits are tested in tests/test_throttling.py; here every request must reach its view.
    with override_settings(API_RATE_LIMIT_PER_MINUTE=0):
        yield


@pytest.fixture
def world(musterstadt, anderstadt, alice, bob, carol, erin, dave) -> World:
    return World(musterstadt=musterstadt, anderstadt=anderstadt, alice=alice, bob=bob, carol=carol, erin=erin,
                 dave=dave)


def _visible_comments(group: str, **conditions) -> Coalesce:
    counted = (Comment.objects.filter(hidden_at__isnull=True, **{group: OuterRef("pk")}, **conditions).order_by()
               .values(group).annotate(number=Count("pk")).values("number"))
    return Coalesce(Subquery(counted), 0)


def _count_comments() -> None:
    """The walk's comments are written straight into the database (CommentFactory, without the counters): give
    threads and comments the counts of visible comments that the services keep, so that hiding one works."""
    Thread.objects.update(comment_count=_visible_comments("thread"),
                          top_level_count=_visible_comments("thread", parent__isnull=True))
    Comment.objects.update(reply_count=_visible_comments("parent"))


def _text_keywords(route) -> list[str]:
    return [name for piece in route.pieces for name, converter in getattr(piece, "converters", {}).items()
            if type(converter).__name__ in ("StringConverter", "PathConverter")]


def test_no_route_answers_hostile_input_with_a_server_error(world):
    problems = Problems()
    bodies = site_bodies()
    anonymous = Client(raise_request_exception=False)
    for index, route in enumerate(ROUTES):
        walk = Walk(route, world)
        values = walk.values()
        url = route.path(values)
        _count_comments()
        admin = Client(raise_request_exception=False)
        admin.force_login(world.personas["erin"])
        answer = ckan_format if route.name.startswith("ckan:") else None
        for value in rotation(VALUES, index, 3):
            problems.check(send(admin, "get", _with_query(url, query(value, NAMES))), "GET", url, repr(value[:20]),
                           answer)
        problems.check(send(anonymous, "get", _with_query(url, query(VALUES[index % len(VALUES)], NAMES))), "GET",
                       url, "anonymous", answer)
        for body in rotation(bodies, index, 4):
            what = f"{body[0]} {body[1][:30]!r}"
            problems.check(send(admin, "post", url, body), "POST", url, what, answer)
        problems.check(send(anonymous, "post", url, bodies[index % len(bodies)]), "POST", url, "anonymous", answer)
        for keyword in _text_keywords(route):
            for value in rotation(VALUES, index, 2):
                hostile = route.path({**values, keyword: quote_from_bytes(value[:200], safe="")})
                problems.check(send(admin, "get", hostile), "GET", hostile, f"{keyword}={value[:20]!r}", answer)
    assert not problems, "\n".join(problems)


# --- Every CKAN action ----------------------------------------------------------------------------------------


def ckan_names() -> list[str]:
    pattern = re.compile(r"""params\.\w+\(\s*["']([\w.\-]+)["']""")
    names = set()
    for source in (ROOT / "kommune" / "opendata" / "ckan").glob("*.py"):
        names |= set(pattern.findall(source.read_text()))
    return sorted(names)


def test_no_ckan_action_answers_hostile_input_outside_its_envelope(musterstadt):
    from tests.factories_opendata import published_dataset

    published_dataset(musterstadt, slug="daten")
    names = ckan_names()
    assert {"q", "fq", "rows", "start", "offset", "limit", "id"} <= set(names)
    client = Client(raise_request_exception=False)
    problems = Problems()
    json_bodies = [("application/json", json.dumps({name: value for name in names}).encode())
                   for value in JSON_VALUES]
    bodies = [*raw_bodies(), *json_bodies, *(urlencoded(value, names) for value in VALUES[::2])]
    for action in [*ACTIONS, "package_create", "gibt_es_nicht", "package-show", "%00%FF%C3%A4", "x" * 3000]:
        url = f"/api/3/action/{action}"
        for value in VALUES:
            problems.check(send(client, "get", _with_query(url, query(value, names))), "GET", url, repr(value[:20]),
                           ckan_format)
        for body in bodies:
            response = send(client, "post", url, body)
            problems.check(response, "POST", url, f"{body[0]} {body[1][:30]!r}", ckan_format)
            if action in ACTIONS and len(body[1]) > TOO_LARGE and response.status_code != 413:
                problems.append(f"POST {url}: {response.status_code} for a body of 3 MB, not 413")
        problems.check(send(client, "put", url), "PUT", url, "method", ckan_format)
    assert not problems, "\n".join(problems)


# --- Every REST API operation ---------------------------------------------------------------------------------


@pytest.fixture
def objects(musterstadt, alice, bob) -> dict[str, str]:
    ProposalSettingsFactory(municipality=musterstadt)
    process = published_process(musterstadt, slug="marktplatz")
    comment = CommentFactory(thread=thread_for(process), author=bob)
    proposal = published_proposal(musterstadt, author=bob)
    return {"municipality_slug": musterstadt.slug, "process_slug": process.slug, "target_type": "processes.process",
            "target_id": str(process.pk), "comment_id": str(comment.pk), "proposal_id": str(proposal.pk)}


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: values.get(match[1], "1"), path)


def _properties(schema: dict, operation: dict) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    body = next(iter(content.values()), {}).get("schema", {})
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    return sorted(body.get("properties", {})) or ["text"]


def test_no_api_operation_answers_hostile_input_outside_its_error_format(objects, erin, client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = [(path, method, operation) for path, methods in schema["paths"].items()
                  for method, operation in methods.items()]
    assert len(operations) >= 20
    api = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {api_token(erin)}"})
    problems = Problems()
    bodies = raw_bodies()
    counter = itertools.count()
    for path, method, operation in operations:
        url = _fill(path, objects)
        query_names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"] or ["limit"]
        properties = _properties(schema, operation)
        for other in sorted({method, "get", "post"}):
            index = next(counter)
            for value in rotation(VALUES, index, 3):
                problems.check(send(api, other, _with_query(url, query(value, query_names))), other.upper(), url,
                               repr(value[:20]), api_format)
            if other != "get":
                # The deep and the oversized body to every write; the rest in rotation.
                sent = [("application/json", DEEP_JSON), ("application/json", OVERSIZED_JSON),
                        *rotation(bodies, index, 4),
                        *(("application/json", json.dumps({name: value for name in properties}).encode())
                          for value in rotation(JSON_VALUES, index, 4))]
                for body in sent:
                    response = send(api, other, url, body)
                    problems.check(response, other.upper(), url, f"{body[0]} {body[1][:30]!r}", api_format)
                    reads_body = other == method and "requestBody" in operation
                    if reads_body and body[1] is OVERSIZED_JSON and response.status_code != 413:
                        problems.append(f"{other.upper()} {url}: {response.status_code} for a body of 3 MB, not 413")
        for name in re.findall(r"\{(\w+)\}", path):
            for value in rotation(VALUES, next(counter), 2):
                hostile = _fill(path, {**objects, name: quote_from_bytes(value[:200], safe="")})
                problems.check(send(api, method, hostile), method.upper(), hostile, name, api_format)
    assert not problems, "\n".join(problems)
