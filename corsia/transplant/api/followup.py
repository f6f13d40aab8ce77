"""The follow-up's API: /api/v1/transplant/cases/{id}/followup/... — visits, GVHD
assessments, viral loads, response, outcomes, consents, adverse events, the MED-A rows;
the same services and permissions as the pages.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from django.http import HttpRequest
from ninja import Router, Status

from corsia.core.access import api_perm
from corsia.core.web import acting, request_actor, request_workstation
from corsia.transplant.permissions import DECIDE, RECORD, VIEW
from corsia.transplant.schemas.followup import (
    AdverseEventIn,
    AgvhdIn,
    AgvhdOut,
    CgvhdIn,
    CgvhdOut,
    ConsentIn,
    FollowUpOut,
    OutcomeIn,
    RecordOut,
    ResponseIn,
    SignIn,
    ViralLoadIn,
    VisitCorrectIn,
    VisitIn,
    VisitOut,
    VisitUpdateIn,
    agvhd_out,
    cgvhd_out,
    series_out,
    visit_out,
)
from corsia.transplant.selectors import followup as sel
from corsia.transplant.services import followup_gvhd as gvhd
from corsia.transplant.services import followup_records as records
from corsia.transplant.services import followup_visits as visits

router = Router()
BASE = "/cases/{transplant_id}/followup"


def _visit_input(payload: VisitIn) -> visits.VisitInput:
    data = payload.dict()
    data.pop("expected_version", None)
    data.pop("reason", None)
    return visits.VisitInput(**data)


@router.get(BASE, response=FollowUpOut)
@api_perm(VIEW)
def followup(request: HttpRequest, transplant_id: int) -> FollowUpOut:
    """The case's follow-up: visits (newest first), GVHD assessments, viral-load trends."""
    f = sel.followup_get(
        user=request_actor(request), transplant_id=transplant_id,
        workstation=request_workstation(request), channel="api",
    )  # fmt: skip
    return FollowUpOut(
        transplant_id=f.case.pk, day_zero=f.case.day_zero,
        visits=[visit_out(v) for v in f.visits], agvhd=[agvhd_out(a) for a in f.agvhd],
        cgvhd=[cgvhd_out(c) for c in f.cgvhd], viral=[series_out(s) for s in f.viral],
    )  # fmt: skip


@router.post(BASE + "/visits", response={201: VisitOut})
@api_perm(RECORD)
def visit_record(request: HttpRequest, transplant_id: int, payload: VisitIn) -> Status[VisitOut]:
    """A follow-up visit (draft). Refusals: ``visit_on_before_day_zero``, ``date_in_future``,
    ``level_without_drug``, ``level_sampled_at_required``, ``performance_*``,
    ``invalid_characters``, ``day_zero_missing``."""
    visit = visits.visit_record(
        **acting(request), transplant_id=transplant_id, data=_visit_input(payload)
    )
    return Status(201, visit_out(visit))


@router.put("/followup/visits/{visit_id}", response=VisitOut)
@api_perm(RECORD)
def visit_update(request: HttpRequest, visit_id: int, payload: VisitUpdateIn) -> VisitOut:
    """Edit a draft (``stale_version`` 409 when edited meanwhile; ``visit_signed`` 409)."""
    return visit_out(
        visits.visit_update(
            **acting(request), visit_id=visit_id, expected_version=payload.expected_version,
            data=_visit_input(payload),
        )
    )  # fmt: skip


@router.post("/followup/visits/{visit_id}/sign", response=VisitOut)
@api_perm(DECIDE)
def visit_sign(request: HttpRequest, visit_id: int, payload: SignIn) -> VisitOut:
    """Sign a visit: read-only from now on."""
    return visit_out(
        visits.visit_sign(
            **acting(request), visit_id=visit_id, expected_version=payload.expected_version
        )
    )


@router.post("/followup/visits/{visit_id}/correct", response={201: VisitOut})
@api_perm(RECORD)
def visit_correct(request: HttpRequest, visit_id: int, payload: VisitCorrectIn) -> Status[VisitOut]:
    """Correct a signed visit: a new draft superseding it, with the reason."""
    new = visits.visit_correct(
        **acting(request), visit_id=visit_id, reason=payload.reason, data=_visit_input(payload)
    )
    return Status(201, visit_out(new))


@router.post(BASE + "/agvhd", response={201: AgvhdOut})
@api_perm(RECORD)
def agvhd_assess(request: HttpRequest, transplant_id: int, payload: AgvhdIn) -> Status[AgvhdOut]:
    """An acute GVHD assessment: the measures in, the MAGIC stages and grade computed.
    Refusals: ``skin_bullae_without_rash``, ``skin_desquamation_exceeds_rash``,
    ``rash_bsa_out_of_range``, ``bilirubin_unit_invalid``, ``stool_output_missing``,
    ``weight_missing``, ``assessed_on_before_day_zero``, ``date_in_future``."""
    row = gvhd.agvhd_assess(
        **acting(request), transplant_id=transplant_id, data=gvhd.AgvhdInput(**payload.dict())
    )
    return Status(201, agvhd_out(row))


@router.post(BASE + "/cgvhd", response={201: CgvhdOut})
@api_perm(RECORD)
def cgvhd_assess(request: HttpRequest, transplant_id: int, payload: CgvhdIn) -> Status[CgvhdOut]:
    """A chronic GVHD assessment: per-organ measures in, NIH scores and severity computed."""
    row = gvhd.cgvhd_assess(
        **acting(request), transplant_id=transplant_id, data=gvhd.CgvhdInput(**payload.dict())
    )
    return Status(201, cgvhd_out(row))


@router.post(BASE + "/viral-loads", response={201: RecordOut})
@api_perm(RECORD)
def viral_load(request: HttpRequest, transplant_id: int, payload: ViralLoadIn) -> Status[RecordOut]:
    """A CMV-DNA or EBV-DNA result."""
    row = records.viral_load_record(
        **acting(request),
        transplant_id=transplant_id,
        data=records.ViralLoadInput(**payload.dict()),
    )
    return Status(201, RecordOut(id=row.pk, kind="viral_load"))


@router.post(BASE + "/responses", response={201: RecordOut})
@api_perm(RECORD)
def response(request: HttpRequest, transplant_id: int, payload: ResponseIn) -> Status[RecordOut]:
    row = records.response_record(**acting(request), transplant_id=transplant_id, **payload.dict())
    return Status(201, RecordOut(id=row.pk, kind="response"))


@router.post(BASE + "/outcomes", response={201: RecordOut})
@api_perm(DECIDE)
def outcome(request: HttpRequest, transplant_id: int, payload: OutcomeIn) -> Status[RecordOut]:
    """An outcome (day +100, one year): the MED-A consistency rules apply."""
    row = records.outcome_record(
        **acting(request), transplant_id=transplant_id, data=records.OutcomeInput(**payload.dict())
    )
    return Status(201, RecordOut(id=row.pk, kind="outcome"))


@router.post(BASE + "/consents", response={201: RecordOut})
@api_perm(RECORD)
def consent(request: HttpRequest, transplant_id: int, payload: ConsentIn) -> Status[RecordOut]:
    row = records.consent_record(**acting(request), transplant_id=transplant_id, **payload.dict())
    return Status(201, RecordOut(id=row.pk, kind="consent"))


@router.post(BASE + "/adverse-events", response={201: RecordOut})
@api_perm(RECORD)
def adverse_event(
    request: HttpRequest, transplant_id: int, payload: AdverseEventIn
) -> Status[RecordOut]:
    row = records.adverse_event_record(
        **acting(request), transplant_id=transplant_id, **payload.dict()
    )
    return Status(201, RecordOut(id=row.pk, kind="adverse_event"))


@router.get(BASE + "/meda", response=list[dict[str, str]])
@api_perm(VIEW)
def meda(request: HttpRequest, transplant_id: int) -> list[dict[str, str]]:
    """The MED-A rows of the case (one per outcome record), columns as documented in
    docs/transplant-meda.md. Inconsistent data: 422 with the MED-A rule's code."""
    rows = sel.meda_rows(
        user=request_actor(request), transplant_id=transplant_id,
        workstation=request_workstation(request), channel="api",
    )  # fmt: skip
    return [r.as_dict() for r in rows]
