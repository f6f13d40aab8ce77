"""``/api/v1/dispensing/``: the direct distribution desk. Therapy plans and delegations
(create, list by patient), dispensings (create from the packs scanned, get, list by
patient, the receipt as an archived PDF), adherence (PDC) per patient and product, the
FEFO lots to hand over. Refusals are problem+json with a stable ``code``.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from corsia.core.access import api_perm
from corsia.core.schemas import IsoDate, RecordId
from corsia.core.web import acting, reading, request_actor
from corsia.dispensing import selectors, services
from corsia.dispensing.permissions import DISPENSE, VIEW
from corsia.dispensing.prints import pdf_answer, receipt_print
from corsia.dispensing.schemas import (
    AdherenceOut,
    DelegationIn,
    DelegationOut,
    DispensingIn,
    DispensingOut,
    LotOut,
    PlanIn,
    PlanOut,
    ReasonIn,
    SuggestionOut,
    adherence_out,
    delegation_out,
    dispensing_out,
    plan_out,
)

router = Router(tags=["dispensing"])


@router.post("/patients/{patient_id}/plans", response={201: PlanOut})
@api_perm(DISPENSE)
def plan_create(request: HttpRequest, patient_id: RecordId, payload: PlanIn) -> Status[PlanOut]:
    """Record a therapy plan (piano terapeutico) as its prescriber wrote it. Without
    ``max_units`` the plan covers ``daily_units`` × its days (rounded up). Refusals (422):
    ``daily_units_invalid``, ``units_invalid``, ``plan_dates_invalid``,
    ``invalid_characters``; 404 ``prescriber_unknown``, ``patient_not_found``, ``not_found``."""
    plan = services.plan_record(
        **acting(request),
        patient_id=patient_id,
        data=services.PlanInput(**payload.dict()),
        now=timezone.now(),
    )
    views = selectors.patient_plans(**reading(request), patient_id=patient_id)
    return Status(201, plan_out(next(v for v in views if v.plan.pk == plan.pk)))


@router.get("/patients/{patient_id}/plans", response=list[PlanOut])
@api_perm(VIEW)
def plan_list(request: HttpRequest, patient_id: RecordId) -> list[PlanOut]:
    """The patient's therapy plans, newest first, with what each still covers (a logged read)."""
    return [plan_out(v) for v in selectors.patient_plans(**reading(request), patient_id=patient_id)]


@router.post("/plans/{plan_id}/close", response=PlanOut)
@api_perm(DISPENSE)
def plan_close(request: HttpRequest, plan_id: RecordId, payload: ReasonIn) -> PlanOut:
    """Close the plan before its end, from today, with the reason (the plan is not changed;
    nothing more is dispensed under it: ``plan_closed``). Refusals: 422 ``reason_required``;
    409 ``plan_already_closed``; 404 ``plan_not_found``."""
    closure = services.plan_close(
        **acting(request), plan_id=plan_id, reason=payload.reason, now=timezone.now()
    )
    views = selectors.patient_plans(**reading(request), patient_id=closure.plan.patient_id)
    return plan_out(next(v for v in views if v.plan.pk == plan_id))


@router.post("/delegations/{delegation_id}/revoke", response=DelegationOut)
@api_perm(DISPENSE)
def delegation_revoke(
    request: HttpRequest, delegation_id: RecordId, payload: ReasonIn
) -> DelegationOut:
    """Revoke the delegation from today, with the reason (the delegation is not changed;
    its delegate no longer collects: ``delegation_invalid``). Refusals: 422
    ``reason_required``; 409 ``delegation_already_revoked``; 404 ``delegation_not_found``."""
    revocation = services.delegation_revoke(
        **acting(request), delegation_id=delegation_id, reason=payload.reason, now=timezone.now()
    )
    rows = selectors.patient_delegations(
        **reading(request), patient_id=revocation.delegation.patient_id
    )
    return delegation_out(next(r for r in rows if r.pk == delegation_id))


@router.post("/patients/{patient_id}/delegations", response={201: DelegationOut})
@api_perm(DISPENSE)
def delegation_create(
    request: HttpRequest, patient_id: RecordId, payload: DelegationIn
) -> Status[DelegationOut]:
    """Record the patient's delegation of a named person to collect. Refusals (422):
    ``delegate_name_required``, ``delegate_fiscal_code_invalid``,
    ``identity_document_required``, ``delegation_dates_invalid``, ``delegate_is_patient``."""
    row = services.delegation_record(
        **acting(request),
        patient_id=patient_id,
        data=services.DelegationInput(**payload.dict()),
        now=timezone.now(),
    )
    return Status(201, delegation_out(row))


@router.get("/patients/{patient_id}/delegations", response=list[DelegationOut])
@api_perm(VIEW)
def delegation_list(request: HttpRequest, patient_id: RecordId) -> list[DelegationOut]:
    """The patient's delegations, newest first (a logged read)."""
    rows = selectors.patient_delegations(**reading(request), patient_id=patient_id)
    return [delegation_out(r) for r in rows]


@router.post("/patients/{patient_id}/dispensings", response={201: DispensingOut})
@api_perm(DISPENSE)
def dispensing_create(
    request: HttpRequest, patient_id: RecordId, payload: DispensingIn
) -> Status[DispensingOut]:
    """Dispense the packs scanned (one ``scans`` entry per pack: GS1 DataMatrix, AIC or
    GTIN). A barcode with its lot unloads that lot; one without, FEFO. Days covered = units
    ÷ daily units (whole days); next due date = today + days covered. Refusals, nothing
    unloaded: 422 ``patient_mismatch``, ``wrong_drug``, ``plan_exceeded``,
    ``plan_not_valid``, ``plan_other_patient``, ``registry_record_required``,
    ``delegation_required``, ``delegation_invalid``, ``daily_units_invalid``,
    ``first_cycle_too_long``, ``pack_scanned_twice``, ``barcode_unreadable``; with
    ``order_id`` (an oral chemotherapy order): ``order_unexpected``, ``order_other_patient``,
    ``order_not_validated``, ``order_product_unexpected``, ``order_supply_exceeded`` (more
    tablets than the order's cycle needs), 404 ``order_not_found``; 409
    ``lot_expired``, ``plan_expired``, ``stock_insufficient``; 404 ``pack_not_found``,
    ``plan_not_found``, ``lot_not_found``; 422 ``pack_withdrawn`` (a pack withdrawn from the
    market: only a pharmacist's ``withdrawn_override_reason`` hands it over). A pack in
    shortage is handed over with its warning in ``market_warnings``."""
    data = services.DispensingInput(**payload.dict())
    row = services.dispensing_record(
        **acting(request), patient_id=patient_id, data=data, now=timezone.now()
    )
    answer = _dispensing(request, row.pk)
    answer.market_warnings = services.scan_market_warnings(data.scans)
    return Status(201, answer)


def _dispensing(request: HttpRequest, dispensing_id: int) -> DispensingOut:
    return dispensing_out(selectors.dispensing_get(**reading(request), dispensing_id=dispensing_id))


@router.get("/dispensings/{dispensing_id}", response=DispensingOut)
@api_perm(VIEW)
def dispensing_get(request: HttpRequest, dispensing_id: RecordId) -> DispensingOut:
    """One dispensing with its lines (pack AIC, lot, expiry, units). 404
    ``dispensing_not_found``."""
    return _dispensing(request, dispensing_id)


RECEIPT_PDF = {
    "responses": {
        200: {"description": "The receipt, archived.", "content": {"application/pdf": {}}}
    }
}


@router.get("/dispensings/{dispensing_id}/receipt.pdf", openapi_extra=RECEIPT_PDF)
@api_perm(VIEW)
def dispensing_receipt_pdf(request: HttpRequest, dispensing_id: RecordId) -> HttpResponse:
    """The dispensing's receipt as PDF (A4: patient, drug, posology, packs with AIC, lot and
    expiry, days covered, next due date, who collected and with which delegation, who
    dispensed, the signature lines) through the editable template ``dispensing_receipt``,
    archived unsigned with its template version and the patient (the archived copy's id
    in ``X-Corsia-Document``); every call is a new archived print. 404
    ``dispensing_not_found``."""
    document = receipt_print(**acting(request), dispensing_id=dispensing_id, channel="api")
    return pdf_answer(document, f"ricevuta-dispensazione-{dispensing_id}.pdf")


@router.get("/patients/{patient_id}/dispensings", response=list[DispensingOut])
@api_perm(VIEW)
def dispensing_list(
    request: HttpRequest, patient_id: RecordId, product: str = ""
) -> list[DispensingOut]:
    """The patient's dispensings, newest first (``product``: one product's code)."""
    rows = selectors.patient_dispensings(
        **reading(request), patient_id=patient_id, product_code=product[:120]
    )
    return [dispensing_out(r) for r in rows]


@router.get("/patients/{patient_id}/adherence", response=AdherenceOut)
@api_perm(VIEW)
def adherence(
    request: HttpRequest,
    patient_id: RecordId,
    product: str,
    since: Query[IsoDate | None] = None,
    until: Query[IsoDate | None] = None,
) -> AdherenceOut:
    """Proportion of days covered (PQA method, overlaps shifted forward) of one product over
    ``[since, until]``, by default from the first dispensing to today. 422
    ``date_range_invalid``."""
    view = selectors.patient_adherence(
        **reading(request), patient_id=patient_id, product_code=product[:120],
        since=since, until=until,
    )  # fmt: skip
    return adherence_out(view)


@router.get("/lots", response=SuggestionOut)
@api_perm(DISPENSE)
def lot_suggestion(
    request: HttpRequest, product: str, units: int, location: str = ""
) -> SuggestionOut:
    """The lots to hand over for ``units`` of a product, first expiring first (usable
    today), and the units the stock cannot give (``short_units``). No patient data."""
    lines, short = selectors.lot_suggestion(
        user=request_actor(request), product_code=product[:120], units=units,
        location_code=location[:40],
    )  # fmt: skip
    return SuggestionOut(
        lots=[
            LotOut(lot=s.lot, expiry=s.expiry, units=s.units, location=s.location) for s in lines
        ],
        short_units=short,
    )
