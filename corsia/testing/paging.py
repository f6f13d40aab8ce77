"""Helpers of the paging tests (issue 27), for any list: what a page's table shows, an API
list read page by page, and the queries of a request, which must not grow with the rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

Params = Mapping[str, str | int]
Request = tuple[Client, str, Params]  # a GET: who asks, the URL, its parameters


def shown(html: str, testid: str, pattern: str) -> list[str]:
    """What ``pattern`` (one group) finds in the table ``data-testid="<testid>"`` of a page,
    in the order shown."""
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return re.findall(pattern, table)


def shown_ids(html: str, testid: str, pattern: str) -> list[int]:
    """:func:`shown` for ids (``pattern`` finds digits, e.g. ``href="/x/(\\d+)/"``)."""
    return [int(found) for found in shown(html, testid, pattern)]


def api_items(client: Client, url: str, params: Params, *, limit: int, count: int) -> list[Any]:
    """Every item of an API list (``count``, ``limit``, ``offset``, ``items``) read ``limit``
    at a time from offset 0; each page answers the ``count`` expected and its own limit and
    offset."""
    items: list[Any] = []
    for offset in range(0, count, limit):
        page = client.get(url, {**params, "limit": limit, "offset": offset}).json()
        assert (page["count"], page["limit"], page["offset"]) == (count, limit, offset), page
        items += page["items"]
    return items


def bad_pages_refused(client: Client, url: str, params: Params | None = None) -> None:
    """A limit of 0 or past 500 and a negative offset: each refused, 422 with its code."""
    for bad, code in (
        ({"limit": "0"}, "limit_out_of_range"),
        ({"limit": "501"}, "limit_out_of_range"),
        ({"offset": "-1"}, "offset_out_of_range"),
    ):
        refused = client.get(url, {**(params or {}), **bad})
        assert (refused.status_code, refused.json()["code"]) == (422, code), bad


def queries(client: Client, url: str, params: Params | None = None) -> int:
    """The queries of a GET of ``url`` (which must answer 200), every statement counted."""
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url, params or {})
        assert answer.status_code == 200, (url, params, answer.status_code)
    return len(captured.captured_queries)


def queries_do_not_grow(asked: Sequence[Request], grow: Callable[[], object]) -> list[int]:
    """Each request of ``asked`` counted in the steady state (made once before: the caller's
    permission set cached), then again after ``grow()`` has added rows: the same counts,
    which are returned (for the last page to be compared with)."""
    for client, url, params in asked:
        queries(client, url, params)
    few = [queries(client, url, params) for client, url, params in asked]
    grow()
    assert [queries(client, url, params) for client, url, params in asked] == few
    return few
