"""Search answers: a ``searchset`` Bundle with its total and its paging links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from corsia.fhir.domain.outcome import Resource, operation_outcome
from corsia.fhir.domain.search import Page


def page_url(base: str, params: Mapping[str, Sequence[str]], page: Page, offset: int) -> str:
    """The search's address for the page starting at ``offset`` (the other parameters kept,
    in a stable order)."""
    pairs = [
        (name, value)
        for name in sorted(params)
        if name not in ("_count", "_offset")
        for value in params[name]
    ]
    pairs += [("_count", str(page.count)), ("_offset", str(offset))]
    return f"{base}?{urlencode(pairs)}"


def searchset(
    *,
    base: str,
    resource_base: str,
    params: Mapping[str, Sequence[str]],
    page: Page,
    total: int,
    resources: Sequence[Resource],
    ignored: Sequence[str] = (),
) -> Resource:
    """The Bundle of one page of a search; ``base`` is the search's absolute address,
    ``resource_base`` the server's (``https://host/fhir``) for the entries' ``fullUrl``;
    ``ignored``: the parameters left out (lenient handling), named in an OperationOutcome
    entry. The links carry only the parameters used."""
    links = [{"relation": "self", "url": page_url(base, params, page, page.offset)}]
    if page.count and page.offset + page.count < total:
        links.append(
            {"relation": "next", "url": page_url(base, params, page, page.offset + page.count)}
        )
    if page.offset > 0 and page.count:
        previous = max(page.offset - page.count, 0)
        links.append({"relation": "previous", "url": page_url(base, params, page, previous)})
    entries: list[Resource] = [
        {
            "fullUrl": f"{resource_base}/{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in resources
    ]
    if ignored:
        entries.append(
            {
                "resource": operation_outcome(
                    issue_code="not-supported",
                    severity="warning",
                    diagnostics="Search parameters ignored (Prefer: handling=lenient): "
                    + ", ".join(sorted(set(ignored))),
                ),
                "search": {"mode": "outcome"},
            }
        )
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": entries,
    }
