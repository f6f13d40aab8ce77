"""Paging of the lists that grow with the history (issue 27): a page of a fixed size over
an ordered query, the total count, and the query string of the other filters for the
"previous"/"next" links.

Cost per page: one ``COUNT`` and one ``LIMIT/OFFSET`` select over the caller's ordering
(which must be indexed and total: end it with the primary key), whatever the history holds.
A page number that cannot be read (``0``, ``-1``, ``abc``, ``1e308``, a NUL) is page 1; one
past the end is the last page: a page never answers 500."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, QuerySet, Value
from django.http import HttpRequest

from corsia.core.domain.errors import ValidationFailed
from corsia.core.read_together import ReadPart

PAGE_SIZE = 50


def page_number(raw: str | None) -> int:
    """The page asked for, 1 when it is not a positive whole number of a sane size."""
    if (
        raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 9
    ):  # no sign, dot, exponent
        return 1
    return max(int(raw), 1)


@dataclass(frozen=True)
class Paged:
    """One page of a list: its rows (``page``), the total, and the links' query string."""

    page: Page[Any]
    param: str  # the query parameter that names the page ("page", or one per list)
    querystring: str  # the request's other parameters, url-encoded, without ``param``

    @property
    def total(self) -> int:
        return int(self.page.paginator.count)

    def _href(self, number: int) -> str:
        rest = f"{self.querystring}&" if self.querystring else ""
        return f"?{rest}{self.param}={number}"

    @property
    def next_href(self) -> str:
        return self._href(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def previous_href(self) -> str:
        return self._href(self.page.previous_page_number()) if self.page.has_previous() else ""


def paginate(
    request: HttpRequest,
    rows: QuerySet[Any] | Sequence[Any],
    *,
    param: str = "page",
    page_size: int = PAGE_SIZE,
) -> Paged:
    """The page of ``rows`` (an ordered query; a list only where the order is one the
    database cannot give and the list is bounded, not a history) that
    ``request.GET[param]`` asks for."""
    page = Paginator(rows, page_size).get_page(page_number(request.GET.get(param)))
    params = request.GET.copy()
    params.pop(param, None)
    return Paged(page=page, param=param, querystring=params.urlencode())


class _Counted(Paginator):  # type: ignore[type-arg]  # rows of any model
    """A paginator whose count was read with the page (:func:`paginate_read`)."""

    def __init__(self, rows: QuerySet[Any], page_size: int, count: int) -> None:
        super().__init__(rows, page_size)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


def paginate_read(
    request: HttpRequest,
    rows: QuerySet[Any],
    *,
    param: str = "page",
    page_size: int = PAGE_SIZE,
) -> ReadPart[Paged]:
    """:func:`paginate` in its batched variant (``corsia.core.read_together``, with the
    rest of a page): the count and the page asked for in the same statement. A page past
    the last (known once the count is read) is read again as the last one, as
    :func:`paginate` answers it."""
    number = page_number(request.GET.get(param))
    params = request.GET.copy()
    params.pop(param, None)
    querystring = params.urlencode()
    # one row whatever the rows (no GROUP BY: the constant groups nothing)
    count = (
        rows.order_by()
        .annotate(_all=Value(1, output_field=IntegerField()))
        .values("_all")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    bottom = (number - 1) * page_size
    asked = rows[bottom : bottom + page_size]

    def decode(results: list[list[Any]]) -> Paged:
        paginator = _Counted(rows, page_size, int(results[0][0]) if results[0] else 0)
        if number <= paginator.num_pages:  # an empty list has its page 1
            page = Page(results[1], number, paginator)
        else:
            page = paginator.get_page(number)
        return Paged(page=page, param=param, querystring=querystring)

    return ReadPart(querysets=(count, asked), decode=decode)


API_MAX_LIMIT = 500


def api_page(
    rows: QuerySet[Any] | Sequence[Any],
    *,
    limit: int,
    offset: int,
    max_limit: int = API_MAX_LIMIT,
) -> dict[str, Any]:
    """The API's page of ``rows`` (an ordered query): ``{count, limit, offset, items}``
    (the convention of ``GET /inventory/movements``), ``items`` the rows themselves for the
    caller to render. A ``limit`` outside 1..``max_limit`` or a negative ``offset`` is a
    clear 422 (``limit_out_of_range``, ``offset_out_of_range``); past the end, no items."""
    if not 1 <= limit <= max_limit:
        raise ValidationFailed(
            f"«limit» va da 1 a {max_limit}.", code="limit_out_of_range", field="limit"
        )
    if offset < 0:
        raise ValidationFailed(
            "«offset» non può essere negativo.", code="offset_out_of_range", field="offset"
        )
    return {
        "count": rows.count() if isinstance(rows, QuerySet) else len(rows),
        "limit": limit,
        "offset": offset,
        "items": list(rows[offset : offset + limit]),
    }
