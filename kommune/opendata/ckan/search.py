"""package_search: CKAN's (Solr) query forms translated to the ORM.

``q`` and ``fq`` understand the forms CKAN clients and harvesters send: free words, ``field:value``,
``field:"quoted value"``, ``field:(a OR b)``, ranges ``metadata_modified:[2024-01-01T00:00:00Z TO *]``,
``-field:value`` to exclude, ``AND`` / ``OR`` and parentheses. Words match title, description and tags
(case-insensitive substring; the catalogue is small enough not to need an index).
"""

import functools
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware
from django.utils.translation import gettext as _

from kommune.opendata import dcat
from kommune.opendata.ckan import dicts
from kommune.opendata.ckan.errors import ValidationError
from kommune.opendata.models import Dataset, License, Resource, Theme

FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")
# Explicit conditions for "everything" and "nothing": an empty Q() would vanish when combined with OR.
ALL = Q(pk__isnull=False)
NONE = Q(pk__in=[])


# --- JSON list membership (keywords, themes), per database ------------------------------------------------------


def _json_values_sql(field: str, condition: str) -> str:
    table = Dataset._meta.db_table
    return f"SELECT d.id FROM {table} d, json_each(d.{field}) j WHERE {condition}"  # noqa: S608 (fixed names)


def json_list_has(field: str, value: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    return Q(pk__in=RawSQL(_json_values_sql(field, "j.value = %s"), [value]))


def json_list_icontains(field: str, text: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__icontains": text})
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return Q(pk__in=RawSQL(_json_values_sql(field, "j.value LIKE %s ESCAPE '\\'"), [pattern]))


# --- Query syntax -------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    \s*(?:
        (?P<open>\()|(?P<close>\))|(?P<op>AND|OR|NOT|&&|\|\|)(?=[\s()]|$)
      | (?P<sign>[+-])?(?:
            (?P<field>[A-Za-z_][\w.]*):(?P<value>"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\{[^}]*\}|\([^)]*\)|[^\s()]+)
          | (?P<word>"(?:[^"\\]|\\.)*"|[^\s()]+)
        )
    )""", re.VERBOSE)


@dataclass(frozen=True)
class Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "term"
    sign: str = ""
    field: str = ""
    value: str = ""


def tokens(text: str) -> Iterator[Token]:
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ValueError(text[position:])
        position = match.end()
        if match["open"]:
            yield Token("(")
        elif match["close"]:
            yield Token(")")
        elif match["op"]:
            yield Token({"&&": "AND", "||": "OR"}.get(match["op"], match["op"]))
        else:
            yield Token("term", match["sign"] or "", match["field"] or "", match["value"] or match["word"])


# Bounds of a query: deeper nesting would exhaust Python's stack, more terms the database's expression limits.
MAX_DEPTH = 32
MAX_TERMS = 100


class QueryParser:
    """or := and ("OR" and)* ; and := unary (["AND"] unary)* ; unary := ["NOT"|-|+] (term | "(" or ")")."""

    def __init__(self, text: str, term: Callable[[str, str], Q]) -> None:
        self.tokens = list(tokens(text))
        if sum(token.kind == "term" for token in self.tokens) > MAX_TERMS:
            raise ValueError("too many terms")
        self.position = 0
        self.depth = 0
        self.term = term

    def parse(self) -> Q:
        result = self._or()
        if self.position != len(self.tokens):
            raise ValueError("unexpected )")
        return result

    def _peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _or(self) -> Q:
        result = self._and()
        while (token := self._peek()) and token.kind == "OR":
            self.position += 1
            result |= self._and()
        return result

    def _and(self) -> Q:
        result = self._unary()
        while (token := self._peek()) and token.kind not in ("OR", ")"):
            if token.kind == "AND":
                self.position += 1
            result &= self._unary()
        return result

    def _unary(self) -> Q:
        token = self._peek()
        if token is None:
            raise ValueError("incomplete query")
        self.position += 1
        if token.kind in ("NOT", "("):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ValueError("nested too deeply")
            inner = self._unary() if token.kind == "NOT" else self._group()
            self.depth -= 1
            return ~inner if token.kind == "NOT" else inner
        if token.kind != "term":
            raise ValueError(token.kind)
        condition = self.term(token.field, token.value)
        return ~condition if token.sign == "-" else condition

    def _group(self) -> Q:
        inner = self._or()
        if (closing := self._peek()) is None or closing.kind != ")":
            raise ValueError("missing )")
        self.position += 1
        return inner


# --- Terms ----------------------------------------------------------------------------------------------------------


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return re.sub(r"\\(.)", r"\1", value)


def _alternatives(value: str) -> list[str]:
    """``(a OR b)`` -> ["a", "b"]; anything else -> [value] unquoted."""
    if value.startswith("(") and value.endswith(")"):
        parts = re.findall(r'"(?:[^"\\]|\\.)*"|[^\s]+', value[1:-1])
        return [_unquote(part) for part in parts if part not in ("OR", "||")]
    return [_unquote(value)]


def _moment(text: str, field: str) -> datetime | None:
    if text == "*":
        return None
    text = text.removesuffix("Z")  # Solr's UTC marker; naive times are read as UTC below
    moment = parse_datetime(text)
    if moment is None and (day := parse_date(text)):
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    if moment is None:
        raise ValidationError(field, _("Invalid date: %(value)s") % {"value": text})
    return make_aware(moment, UTC) if is_naive(moment) else moment


def _range(field: str, column: str, value: str) -> Q:
    match = re.fullmatch(r"([\[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])", value)
    if not match:
        if value.startswith("["):
            raise ValidationError(field, _("Use a range like [2024-01-01T00:00:00Z TO *]."))
        moment = _moment(_unquote(value), field)
        return Q(**{column: moment})
    lower, upper = _moment(match[2], field), _moment(match[3], field)
    condition = ALL
    if lower:
        condition &= Q(**{f"{column}__{'gte' if match[1] == '[' else 'gt'}": lower})
    if upper:
        condition &= Q(**{f"{column}__{'lte' if match[4] == ']' else 'lt'}": upper})
    return condition


def text_condition(word: str) -> Q:
    return (Q(title__icontains=word) | Q(description__icontains=word)
            | json_list_icontains("keywords", word))


def _organization(value: str) -> Q:
    pk = dicts.pk_from_id("organization", value)
    return Q(municipality_id=pk) if pk is not None else Q(municipality__slug=value)


def _license(value: str) -> Q:
    return Q(license=value.removeprefix(dcat.LICENSES))


def _format(value: str) -> Q:
    return Q(Exists(Resource.objects.filter(dataset=OuterRef("pk"), format__iexact=value)))


def _package_id(value: str) -> Q:
    pk = dicts.pk_from_id("package", value)
    return Q(pk=pk) if pk is not None else NONE


def name_condition(name: str) -> Q:
    """``<municipality>-<dataset>``: both slugs may contain hyphens, so try every split."""
    condition = NONE
    for position, character in enumerate(name):
        if character == "-":
            condition |= Q(municipality__slug=name[:position], slug=name[position + 1:])
    return condition


def _only(expected: str) -> Callable[[str], Q]:
    return lambda value: ALL if value == expected else NONE


FIELDS: dict[str, Callable[[str], Q]] = {
    "organization": _organization,
    "owner_org": _organization,
    "tags": lambda value: json_list_has("keywords", value),
    "groups": lambda value: json_list_has("themes", value.upper()),
    "res_format": _format,
    "license_id": _license,
    "name": name_condition,
    "id": _package_id,
    "title": lambda value: Q(title__icontains=value),
    "notes": lambda value: Q(description__icontains=value),
    "text": text_condition,
    "dataset_type": _only("dataset"),
    "type": _only("dataset"),
    "state": _only("active"),
    "capacity": _only("public"),
    "private": _only("false"),
}
RANGE_FIELDS = {"metadata_modified": "metadata_modified", "metadata_created": "created_at"}


def term_condition(parameter: str) -> Callable[[str, str], Q]:
    def condition(field: str, value: str) -> Q:
        if not field:
            word = _unquote(value)
            return ALL if word in ("*", "*:*") else text_condition(word)
        if field == "*" or value == "*":
            return ALL
        if field in RANGE_FIELDS:
            return _range(parameter, RANGE_FIELDS[field], value)
        if field not in FIELDS:
            raise ValidationError(parameter, _("Unknown field: %(field)s") % {"field": field})
        return functools.reduce(operator.or_, [FIELDS[field](alternative) for alternative in _alternatives(value)],
                                NONE)

    return condition


def parse(parameter: str, text: str) -> Q:
    if not text.strip() or text.strip() == "*:*":
        return Q()
    try:
        return QueryParser(text, term_condition(parameter)).parse()
    except ValueError:
        raise ValidationError(parameter, _("Invalid search query: %(query)s") % {"query": text}) from None


def words_of(q: str) -> list[str]:
    """The free words of q, for the relevance score."""
    try:
        return [_unquote(token.value) for token in tokens(q) if token.kind == "term" and not token.field
                and token.sign != "-" and token.value not in ("*", "*:*")]
    except ValueError:
        return []


# --- Annotations and sorting -------------------------------------------------------------------------------------


def with_metadata_modified(queryset: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """The last change of the dataset or of a resource (``dicts.metadata_modified`` in Python)."""
    own = Coalesce(F("modified_at"), F("created_at"))
    newest_resource = Subquery(Resource.objects.filter(dataset=OuterRef("pk")).order_by("-modified_at")
                               .values("modified_at")[:1])
    return queryset.annotate(metadata_modified=Greatest(own, Coalesce(newest_resource, own)))


def with_score(queryset: QuerySet[Dataset], words: list[str]) -> QuerySet[Dataset]:
    """A simple relevance: each word counts 2 in the title, 1 elsewhere."""
    score: Expression = Value(0, output_field=IntegerField())
    for word in words:
        score = score + Case(When(title__icontains=word, then=Value(2)), default=Value(1),
                             output_field=IntegerField())
    return queryset.annotate(score=score)


SORT_FIELDS: dict[str, tuple[str, ...]] = {
    "score": ("score",),
    "metadata_modified": ("metadata_modified",),
    "metadata_created": ("created_at",),
    "title_string": ("title",),
    "title": ("title",),
    "name": ("municipality__slug", "slug"),
    "id": ("pk",),
}
DEFAULT_SORT = "score desc, metadata_modified desc"


def ordering(sort: str) -> list[str]:
    order: list[str] = []
    for part in sort.split(","):
        pieces = part.split()
        if not pieces:
            continue
        field, direction = pieces[0], (pieces[1].lower() if len(pieces) > 1 else "asc")
        if field not in SORT_FIELDS or direction not in ("asc", "desc") or len(pieces) > 2:
            raise ValidationError("sort", _("Cannot sort by “%(sort)s”. Use e.g. “metadata_modified desc” or "
                                            "“title_string asc”.") % {"sort": part.strip()})
        order += [("-" if direction == "desc" else "") + column for column in SORT_FIELDS[field]]
    return [*order, "pk"]


# --- Facets ---------------------------------------------------------------------------------------------------------


def facet_counts(matches: QuerySet[Dataset], field: str) -> tuple[Counter, dict[str, str]]:
    """How many matching datasets have each value of ``field``, and display names; one query."""
    plain = matches.order_by()
    if field == "organization":
        rows = plain.values_list("municipality__slug", "municipality__name").annotate(n=Count("pk"))
        return Counter({slug: n for slug, _name, n in rows}), {slug: name for slug, name, _n in rows}
    if field == "license_id":
        rows = plain.values_list("license").annotate(n=Count("pk"))
        counts = Counter({dcat.license_iri(value): n for value, n in rows})
        return counts, {dcat.license_iri(value): str(License(value).label) for value in License.values}
    if field == "res_format":
        format_rows = (Resource.objects.filter(dataset__in=plain.values("pk")).values_list("format")
                       .annotate(n=Count("dataset", distinct=True)))
        labels = dict(Resource.Format.choices)  # the "format" of the resource dicts
        return Counter({labels.get(value, value): n for value, n in format_rows}), {}
    column = {"tags": "keywords", "groups": "themes"}[field]
    counts = Counter[str]()
    for values in plain.values_list(column, flat=True):
        counts.update(set(values))
    if field == "groups":
        counts = Counter({dicts.group_name(theme): n for theme, n in counts.items()})
        return counts, {dicts.group_name(value): str(label) for value, label in Theme.choices}
    return counts, {}
