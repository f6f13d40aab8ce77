"""JSON API of the merges: the list, and a merge undone (/api/v1/patients/merges…)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from corsia.core.access import api_perm
from corsia.core.domain.errors import NotFound
from corsia.core.schemas import IsoDatetime, Reason
from corsia.core.web import request_actor, request_workstation
from corsia.patients import selectors_merge, services
from corsia.patients.selectors_merge import MergeInfoRow

router = Router(tags=["patients"])

UNMERGE = "patients.unmerge_patient"


class MergeMoveOut(Schema):
    module: str
    model: str
    rows: int
    left: int
    left_reason: str


class MergeOut(Schema):
    id: int
    survivor_id: int
    survivor_mrn: str
    duplicate_id: int
    duplicate_mrn: str
    state: str
    reason: str
    merged_at: IsoDatetime
    merged_by: str
    unmerged_at: IsoDatetime | None
    unmerged_by: str
    unmerge_reason: str
    moves: list[MergeMoveOut]


class UnmergeIn(Schema):
    reason: Reason


def _out(row: MergeInfoRow) -> MergeOut:
    return MergeOut(
        id=row.id,
        survivor_id=row.survivor_id,
        survivor_mrn=row.survivor_mrn,
        duplicate_id=row.duplicate_id,
        duplicate_mrn=row.duplicate_mrn,
        state=row.state,
        reason=row.reason,
        merged_at=row.merged_at,
        merged_by=row.merged_by,
        unmerged_at=row.unmerged_at,
        unmerged_by=row.unmerged_by,
        unmerge_reason=row.unmerge_reason,
        moves=[MergeMoveOut(**m.__dict__) for m in row.moves],
    )


@router.get("/merges", response=list[MergeOut])
@api_perm(UNMERGE)
def merges(request: HttpRequest, state: str = "") -> list[MergeOut]:
    """The latest merges (``state``: merged / unmerged), with what each module moved."""
    rows = selectors_merge.merges_list(
        user=request_actor(request),
        state=state,
        workstation=request_workstation(request),
        channel="api",
    )
    return [_out(row) for row in rows]


@router.post("/merges/{merge_id}/unmerge", response=MergeOut)
@api_perm(UNMERGE)
def unmerge(request: HttpRequest, merge_id: int, payload: UnmergeIn) -> MergeOut:
    """Undo a merge: exactly the rows it moved go back to the duplicate, active again."""
    merge = services.patient_unmerge(
        actor=request_actor(request),
        workstation=request_workstation(request),
        merge_id=merge_id,
        reason=payload.reason,
    )
    row = selectors_merge.merge_find(merge_id=merge.pk)
    if row is None:  # pragma: no cover - the service just wrote it
        raise NotFound("Unione non trovata.", code="merge_not_found")
    return _out(row)
