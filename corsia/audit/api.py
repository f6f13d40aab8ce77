from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from corsia.audit import audit_events
from corsia.audit.fhir import access_bundle
from corsia.audit.selectors import AccessQuery, access_log_search
from corsia.audit.services import audit_record
from corsia.core.access import api_perm
from corsia.core.paging import api_page
from corsia.core.schemas import BoundedInt, IsoDate, IsoDatetime
from corsia.core.web import request_actor

router = Router(tags=["audit"])
EXPORT_MAX_LIMIT = 1000  # the FHIR export's entries per page (the page's export: 10,000)


class AccessOut(Schema):
    id: int
    accessed_at: IsoDatetime
    username: str
    patient_id: int
    what: str
    workstation: str
    channel: str


class AccessPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AccessOut]


class AccessFilters(Schema):
    username: str = ""
    patient_id: int | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    channel: str = ""

    def query(self) -> AccessQuery:
        return AccessQuery(
            username=self.username,
            patient_id=self.patient_id,
            date_from=self.date_from,
            date_to=self.date_to,
            channel=self.channel,
        )


@router.get("/accesses", response=AccessPage)
@api_perm("audit.view_accesslog")
def accesses(
    request: HttpRequest,
    filters: Query[AccessFilters],
    limit: BoundedInt = 100,
    offset: BoundedInt = 0,
) -> dict[str, Any]:
    """The reads of patients' data, the newest first, ``limit`` (1–500) from ``offset`` and
    ``count`` in all (issue 27: before, the newest 1,000 only); the consultation audited."""
    page = api_page(access_log_search(filters.query()), limit=limit, offset=offset)
    audit_record(
        event=audit_events.ACCESS_LOG_VIEWED,
        actor=request_actor(request),
        workstation=request.workstation,  # type: ignore[attr-defined]  # set by WorkstationMiddleware
        after={"filters": request.GET.dict(), "channel": "api"},
    )
    items = [AccessOut.model_validate(row, from_attributes=True) for row in page["items"]]
    return {**page, "items": items}


@router.get("/accesses/fhir")
@api_perm("audit.view_accesslog")
def accesses_fhir(
    request: HttpRequest,
    filters: Query[AccessFilters],
    limit: BoundedInt = EXPORT_MAX_LIMIT,
    offset: BoundedInt = 0,
) -> dict[str, Any]:
    """The same reads as a FHIR Bundle of AuditEvent, the newest first, ``limit`` (1–1,000)
    from ``offset``; ``total``: every read matching, ``link`` ``next``/``previous`` the
    neighbouring pages (issue 27: before, the newest 1,000 only and no way past them)."""
    page = api_page(
        access_log_search(filters.query()), limit=limit, offset=offset, max_limit=EXPORT_MAX_LIMIT
    )
    document = access_bundle(
        page["items"], total=page["count"], links=_links(request, limit, offset, page["count"])
    )
    audit_record(
        event=audit_events.ACCESS_LOG_EXPORTED,
        actor=request_actor(request),
        workstation=request.workstation,  # type: ignore[attr-defined]  # set by WorkstationMiddleware
        after={"filters": request.GET.dict(), "entries": len(document.get("entry", []))},
    )
    return document


def _links(request: HttpRequest, limit: int, offset: int, count: int) -> dict[str, str]:
    """The export's neighbouring pages (``next``, ``previous``), the other filters kept."""

    def url(at: int) -> str:
        params = request.GET.copy()
        params["limit"], params["offset"] = str(limit), str(at)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    links = {"self": url(offset)}
    if offset + limit < count:
        links["next"] = url(offset + limit)
    if offset > 0:
        links["previous"] = url(max(offset - limit, 0))
    return links
