from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from corsia.audit import audit_events
from corsia.audit.fhir import access_bundle
from corsia.audit.selectors import AccessQuery, access_log_search
from corsia.audit.services import audit_record
from corsia.core.access import api_perm
from corsia.core.schemas import IsoDate, IsoDatetime
from corsia.core.web import request_actor

router = Router(tags=["audit"])
MAX_ROWS = 1000


class AccessOut(Schema):
    id: int
    accessed_at: IsoDatetime
    username: str
    patient_id: int
    what: str
    workstation: str
    channel: str


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


@router.get("/accesses", response=list[AccessOut])
@api_perm("audit.view_accesslog")
def accesses(request: HttpRequest, filters: Query[AccessFilters]) -> list[Any]:
    rows = list(access_log_search(filters.query())[:MAX_ROWS])
    audit_record(
        event=audit_events.ACCESS_LOG_VIEWED,
        actor=request_actor(request),
        workstation=request.workstation,  # type: ignore[attr-defined]  # set by WorkstationMiddleware
        after={"filters": request.GET.dict(), "channel": "api"},
    )
    return rows


@router.get("/accesses/fhir")
@api_perm("audit.view_accesslog")
def accesses_fhir(request: HttpRequest, filters: Query[AccessFilters]) -> dict[str, Any]:
    rows = access_log_search(filters.query())[:MAX_ROWS]
    document = access_bundle(rows)
    audit_record(
        event=audit_events.ACCESS_LOG_EXPORTED,
        actor=request_actor(request),
        workstation=request.workstation,  # type: ignore[attr-defined]  # set by WorkstationMiddleware
        after={"filters": request.GET.dict(), "entries": document["total"]},
    )
    return document
