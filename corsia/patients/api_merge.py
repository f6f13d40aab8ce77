"""JSON API of the merges: the list, and a merge undone (/api/v1/patients/merges…). A merge
is answered as the selectors' frozen ``MergeInfoRow`` (with its moves by model)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from corsia.core.access import api_perm
from corsia.core.domain.errors import NotFound
from corsia.core.schemas import Reason
from corsia.core.web import acting, reading
from corsia.patients import selectors_merge, services
from corsia.patients.selectors_merge import MergeInfoRow

router = Router(tags=["patients"])

UNMERGE = "patients.unmerge_patient"


class UnmergeIn(Schema):
    reason: Reason


@router.get("/merges", response=list[MergeInfoRow])
@api_perm(UNMERGE)
def merges(request: HttpRequest, state: str = "") -> list[MergeInfoRow]:
    """The latest merges (``state``: merged / unmerged), with what each module moved."""
    rows = selectors_merge.merges_list(**reading(request), state=state)
    return rows


@router.post("/merges/{merge_id}/unmerge", response=MergeInfoRow)
@api_perm(UNMERGE)
def unmerge(request: HttpRequest, merge_id: int, payload: UnmergeIn) -> MergeInfoRow:
    """Undo a merge: exactly the rows it moved go back to the duplicate, active again."""
    merge = services.patient_unmerge(**acting(request), merge_id=merge_id, reason=payload.reason)
    row = selectors_merge.merge_find(merge_id=merge.pk)
    if row is None:  # pragma: no cover - the service just wrote it
        raise NotFound("Unione non trovata.", code="merge_not_found")
    return row
