"""The case's API: /api/v1/transplant/... — the unit's list, a patient's cases, one case,
taking in charge, changing and cancelling; the same services and permissions as the pages.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from django.http import HttpRequest
from ninja import Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.paging import api_page
from corsia.core.schemas import BoundedInt
from corsia.core.web import acting, request_actor, request_workstation
from corsia.transplant import selectors, services
from corsia.transplant.permissions import DECIDE, VIEW
from corsia.transplant.schemas.case import (
    CancelIn,
    CaseIn,
    CaseOut,
    CaseUpdateIn,
    case_input,
    case_out,
)

router = Router()


def case_read(request: HttpRequest, transplant_id: int) -> CaseOut:
    return case_out(
        selectors.transplant_get(
            user=request_actor(request), transplant_id=transplant_id,
            workstation=request_workstation(request), channel="api",
        )
    )  # fmt: skip


class CasePage(Schema):
    """A page of the unit's cases: ``count`` in all, ``limit`` from ``offset``."""

    count: int
    limit: int
    offset: int
    items: list[CaseOut]


@router.get("/cases", response=CasePage)
@api_perm(VIEW)
def unit_cases(
    request: HttpRequest, all: bool = False, limit: BoundedInt = 100, offset: BoundedInt = 0
) -> CasePage:
    """The unit's open cases (``all=true``: closed and cancelled too), the most recently
    taken in charge first, ``limit`` (1–500) from ``offset`` and ``count`` in all."""
    user = request_actor(request)
    page = api_page(
        selectors.unit_transplants(user=user, open_only=not all), limit=limit, offset=offset
    )
    cases = selectors.unit_transplants_shown(
        user=user, cases=page["items"], workstation=request_workstation(request), channel="api"
    )
    return CasePage(**{**page, "items": [case_out(c) for c in cases]})


@router.get("/patients/{patient_id}/cases", response=list[CaseOut])
@api_perm(VIEW)
def patient_cases(request: HttpRequest, patient_id: int) -> list[CaseOut]:
    cases = selectors.patient_transplants(
        user=request_actor(request), patient_id=patient_id,
        workstation=request_workstation(request), channel="api",
    )  # fmt: skip
    return [case_out(c) for c in cases]


@router.post("/patients/{patient_id}/cases", response={201: CaseOut})
@api_perm(DECIDE)
def open_case(request: HttpRequest, patient_id: int, payload: CaseIn) -> Status[CaseOut]:
    """The recipient taken in charge. Refusals: ``transplant_type_unknown``,
    ``source_unknown``, ``autologous_cord_blood``, ``indication_required``,
    ``coordinator_unknown``, ``date_in_future``, ``transplant_already_open``."""
    case = services.transplant_open(
        **acting(request), patient_id=patient_id, data=case_input(payload)
    )
    return Status(201, case_read(request, case.pk))


@router.get("/cases/{transplant_id}", response=CaseOut)
@api_perm(VIEW)
def case_detail(request: HttpRequest, transplant_id: int) -> CaseOut:
    return case_read(request, transplant_id)


@router.put("/cases/{transplant_id}", response=CaseOut)
@api_perm(DECIDE)
def update_case(request: HttpRequest, transplant_id: int, payload: CaseUpdateIn) -> CaseOut:
    """The case's data changed (``expected_version``: 409 ``version_conflict`` if stale)."""
    services.transplant_update(
        **acting(request), transplant_id=transplant_id,
        expected_version=payload.expected_version, data=case_input(payload),
    )  # fmt: skip
    return case_read(request, transplant_id)


@router.post("/cases/{transplant_id}/cancel", response=CaseOut)
@api_perm(DECIDE)
def cancel_case(request: HttpRequest, transplant_id: int, payload: CancelIn) -> CaseOut:
    services.transplant_cancel(
        **acting(request), transplant_id=transplant_id,
        expected_version=payload.expected_version, reason=payload.reason,
    )  # fmt: skip
    return case_read(request, transplant_id)
