"""Several independent reads of one request in one statement (issue 27: queries per read).

A page that shows what several modules hold reads each module's tables through that
module's selectors, one query each. When the reads do not depend on one another, each
module can hand over the query its selector would run (an ordinary queryset, built in its
own module on its own tables) and ``read_together`` runs them all in one statement::

    SELECT (SELECT coalesce(json_agg(row_to_json(t)), '[]') FROM (<query 1>) t)::text,
           (SELECT coalesce(json_agg(row_to_json(t)), '[]') FROM (<query 2>) t)::text, …

Each answer comes back as Django would have built it from its own query (model instances
with their ``select_related`` objects, ``values()`` dicts, ``values_list()`` tuples): the
row's columns are turned back into Python values by their fields (dates, timestamps,
decimals read exactly, JSON columns as the field reads them), then handed to the
queryset's own iterable. The rows keep their query's order (an aggregate over an ordered
subquery with nothing else in its FROM keeps the order, as PostgreSQL documents for
``json_agg``). ``prefetch_related`` is not run: a query given here must not use it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BinaryField, JSONField, QuerySet
from django.db.models.sql.constants import MULTI

T = TypeVar("T")

_WRAP = "(SELECT coalesce(json_agg(row_to_json(t)), '[]'::json) FROM ({}) t)::text"


class _Pairs(list[tuple[str, Any]]):
    """A JSON object as its pairs, in order (a row may repeat a column name: ``id`` of the
    query's model and of each model it selects with it)."""


def _plain(value: Any, *, floats: bool = False) -> Any:
    """The value with its objects as dicts (``floats``: its decimals as the floats a JSON
    column's own reading gives, the same number the text names)."""
    if isinstance(value, _Pairs):
        return {k: _plain(v, floats=floats) for k, v in value}
    if isinstance(value, list):
        return [_plain(v, floats=floats) for v in value]
    if floats and isinstance(value, Decimal):
        return float(value)
    return value


def _loads(text: str) -> list[_Pairs]:
    rows: list[_Pairs] = json.loads(text, object_pairs_hook=_Pairs, parse_float=Decimal)
    return rows


def _column(expression: Any) -> Callable[[Any], Any]:
    """How a column's JSON value becomes what the database driver would have given Django
    (found once per column, not per value: issue 27, the server's CPU per request)."""
    field = getattr(expression, "output_field", None)
    if isinstance(field, JSONField):
        # the field decodes its text itself (from_db_value, with its own decoder)
        return _json_text
    if isinstance(field, BinaryField):
        return _binary
    if field is None:
        return _plain
    to_python = field.to_python

    def value_of(value: Any) -> Any:
        value = _plain(value)
        return None if value is None else to_python(value)

    return value_of


def _json_text(value: Any) -> Any:
    return None if value is None else json.dumps(_plain(value, floats=True))


def _binary(value: Any) -> Any:
    raise ValueError("read_together: a binary column is not read back")


def read_together(querysets: Sequence[QuerySet[Any, Any]]) -> list[list[Any]]:
    """Evaluate the querysets in one statement; their results in the same order (each a
    list, as ``list(queryset)``). All must be on the same database."""
    if not querysets:
        return []
    db = querysets[0].db
    compilers: list[Any] = []
    parts: list[str] = []
    params: list[Any] = []
    for queryset in querysets:
        if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise ValueError("read_together: prefetch_related is not run; select instead")
        if queryset.db != db:
            raise ValueError("read_together: the querysets are on different databases")
        compiler = queryset.query.get_compiler(using=db)
        try:
            sql, sql_params = compiler.as_sql()
        except EmptyResultSet:  # e.g. ``pk__in=[]``: nothing to ask
            compilers.append(None)
            continue
        compilers.append(compiler)
        parts.append(_WRAP.format(sql))
        params.extend(sql_params)
    answers: list[list[_Pairs]] = []
    if parts:
        with connections[db].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            answers = [_loads(text) for text in cursor.fetchone()]
    results: list[list[Any]] = []
    found = iter(answers)
    for queryset, compiler in zip(querysets, compilers, strict=True):
        if compiler is None:
            results.append([])
            continue
        results.append(_evaluate(queryset, compiler, next(found)))
    return results


def _evaluate(queryset: QuerySet[Any, Any], compiler: Any, rows: list[_Pairs]) -> list[Any]:
    columns = [_column(expression) for expression, _, _ in compiler.select]
    values = [[read(v) for read, (_, v) in zip(columns, row, strict=False)] for row in rows]

    def execute_sql(result_type: Any = MULTI, *args: Any, **kwargs: Any) -> Any:
        if result_type != MULTI:
            raise ValueError("read_together: only whole results are given back")
        return iter([values])

    compiler.execute_sql = execute_sql
    clone = queryset._chain()  # type: ignore[attr-defined]
    query = clone.query
    query.get_compiler = lambda *args, **kwargs: compiler
    return list(clone._iterable_class(clone))


@dataclass(frozen=True)
class ReadPart(Generic[T]):
    """A selector's read in its batched variant: its queries (its own module's tables) and
    how their results, in the same order, become what the selector answers."""

    querysets: tuple[QuerySet[Any, Any], ...]
    decode: Callable[[list[list[Any]]], T]

    def evaluate(self) -> T:
        """Alone: one query each."""
        return self.decode([list(q) for q in self.querysets])


def read_parts(parts: Sequence[ReadPart[Any]]) -> list[Any]:
    """Every part's queries in one statement; each part's answer, in the same order."""
    results = read_together([q for part in parts for q in part.querysets])
    return _decoded(parts, results)


def _decoded(parts: Sequence[ReadPart[Any]], results: list[list[Any]]) -> list[Any]:
    answers: list[Any] = []
    start = 0
    for part in parts:
        end = start + len(part.querysets)
        answers.append(part.decode(results[start:end]))
        start = end
    return answers


def parts_as_one(parts: Sequence[ReadPart[Any]]) -> ReadPart[list[Any]]:
    """Several parts as one (a selector whose read is other selectors' reads, for a page
    that adds its own): its answer is each part's, in the same order."""
    kept = tuple(parts)
    return ReadPart(
        querysets=tuple(q for part in kept for q in part.querysets),
        decode=lambda results: _decoded(kept, results),
    )
