"""Statements the ORM builds and compiles once per process and database, then runs with other values.

Building and compiling a queryset costs about 0.3–0.4 ms on the benchmark machine, more than PostgreSQL needs to
answer a lookup by primary key. On the hottest write, a support, the proposal's lookup and the counter update
were a third of the request (issue 16). A statement here builds its queryset once, with stand-ins for the values
that change from call to call, finds the stand-ins among the compiled parameters, and later only puts the new
values in their places.

The values that change are ints, datetimes and saved model instances (which stand for their primary key). Any
other value, such as an AnonymousUser or a flag, shapes the statement: each distinct one is compiled on its own,
so it must be hashable. The builder must not look at the changing values beyond using them in lookups (it gets
stand-ins); a stand-in the compiled statement does not carry is an error, raised at the first call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.sql.subqueries import UpdateQuery

# Stand-ins: far from any real id or time, inside the 32-bit range (Django turns an out-of-range integer lookup
# into an empty result instead of a parameter).
_FIRST_STAND_IN_INT = -2_000_000_000
_STAND_IN_EPOCH = datetime(1901, 2, 3, 4, 5, tzinfo=UTC)
# A statement has a few shapes (logged in or not); more means a changing value of another type (a date, a
# string), which would compile and keep a statement per value.
MAX_SHAPES = 8


@dataclass(frozen=True)
class Update:
    """What a change statement's builder returns: ``queryset.update(**values)``, answering the named fields of
    the changed row as they are after the change (UPDATE … RETURNING, PostgreSQL and SQLite ≥ 3.35)."""

    queryset: QuerySet
    values: dict[str, Any]
    returning: tuple[str, ...]


@dataclass(frozen=True)
class _Sql:
    text: str
    params: list[Any]
    columns: tuple[str, ...] = ()  # a lookup's: the attnames of the selected fields, in the model's order
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...] = ()  # (column, converters, its expression)


@dataclass(frozen=True)
class _Compiled:
    statement: _Sql  # as compiled with the stand-ins
    slots: tuple[tuple[int, str, bool], ...]  # (parameter position, value name, adapted as a datetime column)

    def params_for(self, values: dict[str, Any], alias: str) -> list[Any]:
        params = list(self.statement.params)
        ops = connections[alias].ops
        for position, name, adapted in self.slots:
            value = _changing(values[name])
            params[position] = ops.adapt_datetimefield_value(value) if adapted else value
        return params


def _is_changing(value: Any) -> bool:
    if isinstance(value, Model):
        return value.pk is not None
    return isinstance(value, datetime) or (isinstance(value, int) and not isinstance(value, bool))


def _changing(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value


def _stand_in(value: Any, number: int) -> Any:
    if isinstance(value, Model):
        return value.__class__(pk=_FIRST_STAND_IN_INT - number)  # __class__: request.user is a lazy object
    if isinstance(value, datetime):
        return _STAND_IN_EPOCH.replace(second=number % 60, microsecond=123_457 + number)
    return _FIRST_STAND_IN_INT - number


class _Statement[M: Model]:
    def __init__(self, model: type[M], build: Callable[..., Any]) -> None:
        self.model = model
        self.build = build
        self._compiled: dict[tuple, _Compiled] = {}

    def _compiled_for(self, values: dict[str, Any], alias: str) -> _Compiled:
        shape = (alias, *sorted((name, value.__class__ if _is_changing(value) else value)
                                for name, value in values.items()))
        compiled = self._compiled.get(shape)
        if compiled is None:
            if len(self._compiled) >= MAX_SHAPES:
                raise ValueError(f"More than {MAX_SHAPES} shapes of one statement: pass what changes as an int, a "
                                 f"datetime or a saved model instance ({shape!r}).")
            compiled = self._compiled[shape] = self._compile(values, alias)
        return compiled

    def _compile(self, values: dict[str, Any], alias: str) -> _Compiled:
        stand_ins = {name: _stand_in(value, number) if _is_changing(value) else value
                     for number, (name, value) in enumerate(sorted(values.items()))}
        statement = self._sql(self.build(**stand_ins), alias)
        sql, params = statement.text, statement.params
        ops = connections[alias].ops
        slots = []
        for name, value in values.items():
            if not _is_changing(value):
                continue
            raw = _changing(stand_ins[name])
            # SQLite gets a datetime as text; PostgreSQL as it is.
            adapted = ops.adapt_datetimefield_value(raw) if isinstance(raw, datetime) else None
            found = [(position, name, param != raw) for position, param in enumerate(params)
                     if param == raw or (adapted is not None and param == adapted)]
            if not found:
                raise ValueError(f"The compiled statement does not carry the value {name!r}: {sql}")
            slots += found
        return _Compiled(statement, tuple(slots))

    def _sql(self, built: Any, alias: str) -> _Sql:
        raise NotImplementedError


class Lookup[M: Model](_Statement[M]):
    """A select of one model's rows (``build`` returns a QuerySet without select_related: the rows are read as
    that model, like ``Manager.raw``; deferred fields stay deferred)."""

    def _sql(self, built: QuerySet[M], alias: str) -> _Sql:
        if built.model is not self.model or built.query.select_related:
            raise ValueError("A Lookup reads the rows of its own model only, without select_related.")
        compiler = built.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        selected = [column for column, _sql, _alias in compiler.select]
        concrete = self.model._meta.concrete_fields
        fields = [column.target for column in selected if getattr(column, "target", None) in concrete]
        if len(fields) != len(selected):
            raise ValueError("A Lookup selects the model's own fields only, without annotations.")
        converters = tuple((index, tuple(functions), expression) for index, (functions, expression)
                           in compiler.get_converters(selected).items())
        return _Sql(sql, list(params), tuple(field.attname for field in fields), converters)

    def first(self, **values: Any) -> M | None:
        """The first row, as ``Manager.raw`` would read it, or None."""
        alias = router.db_for_read(self.model)
        compiled = self._compiled_for(values, alias)
        statement = compiled.statement
        database = connections[alias]
        with database.cursor() as cursor:
            cursor.execute(statement.text, compiled.params_for(values, alias))
            row = cursor.fetchone()
        if row is None:
            return None
        if statement.converters:  # as the compiler's apply_converters, for one row
            row = list(row)
            for index, functions, expression in statement.converters:
                for convert in functions:
                    row[index] = convert(row[index], expression, database)
        return self.model.from_db(alias, list(statement.columns), row)


class Change[M: Model](_Statement[M]):
    """An update of one row that answers some of its fields after the change (``build`` returns an Update);
    None when no row matched."""

    def _sql(self, built: Update, alias: str) -> _Sql:
        if built.queryset.model is not self.model:
            raise ValueError("A Change updates a row of its own model.")
        query = cast(UpdateQuery, built.queryset.query.chain(UpdateQuery))
        query.add_update_values(built.values)
        sql, params = query.get_compiler(alias).as_sql()
        column_of = {field.name: str(field.column) for field in self.model._meta.concrete_fields}
        quote = connections[alias].ops.quote_name
        columns = ", ".join(quote(column_of[name]) for name in built.returning)
        return _Sql(f"{sql} RETURNING {columns}", list(params))

    def returning(self, **values: Any) -> tuple | None:
        alias = router.db_for_write(self.model)
        compiled = self._compiled_for(values, alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.statement.text, compiled.params_for(values, alias))
            return cursor.fetchone()
