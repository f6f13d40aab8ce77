"""JSON API of the galenic laboratory: /api/v1/galenics/... — the same services and
selectors as the pages, with the same permissions; refusals are problem+json with a
stable ``code``.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from corsia.core.access import api_perm
from corsia.core.domain.errors import ConflictError
from corsia.core.web import acting, reading, request_actor
from corsia.galenics import documents, selectors, services
from corsia.galenics.permissions import DISPENSE, FORMULARY, PREPARE, RELEASE, VIEW
from corsia.galenics.schemas import (
    BatchIn,
    BatchOut,
    DispenseIn,
    FormulaIn,
    FormulaOut,
    FormulaUpdateIn,
    LabelOut,
    PatientBatchesOut,
    QcIn,
    RejectIn,
    VersionIn,
    WeighingIn,
    WeighingOut,
    batch_out,
    discarded_out,
    formula_input,
    formula_out,
    line_out,
    patient_batches_out,
)

router = Router(tags=["galenics"])
_CENT = Decimal("0.01")


def _batch(request: HttpRequest, batch_id: int) -> BatchOut:
    return batch_out(selectors.batch_view(**reading(request), batch_id=batch_id))


def _formula(request: HttpRequest, formula_id: int) -> FormulaOut:
    return formula_out(selectors.formula_get(user=request_actor(request), formula_id=formula_id))


@router.get("/formulas", response=list[FormulaOut])
@api_perm(VIEW)
def formulas(request: HttpRequest) -> list[FormulaOut]:
    """The formulary: every formula's published version and open drafts."""
    return [formula_out(f) for f in selectors.formulas(user=request_actor(request))]


@router.post("/formulas", response={201: FormulaOut})
@api_perm(FORMULARY)
def formula_create(request: HttpRequest, payload: FormulaIn) -> Status[FormulaOut]:
    """A new formula as a draft. Refusals: ``code_invalid``, ``code_taken``,
    ``kind_unknown``, ``stability_invalid``, ``quality_control_unknown``,
    ``ingredients_required``, ``product_unknown``, ``unit_unknown``, ``unit_incompatible``,
    ``quantity_invalid``, ``invalid_characters``."""
    formula = services.formula_create(**acting(request), data=formula_input(payload))
    return Status(201, _formula(request, formula.pk))


@router.get("/formulas/{formula_id}", response=FormulaOut)
@api_perm(VIEW)
def formula(request: HttpRequest, formula_id: int) -> FormulaOut:
    return _formula(request, formula_id)


@router.put("/formulas/{formula_id}", response=FormulaOut)
@api_perm(FORMULARY)
def formula_update(request: HttpRequest, formula_id: int, payload: FormulaUpdateIn) -> FormulaOut:
    """A draft rewritten (``formula_not_draft`` for a published version, ``stale_version``)."""
    services.formula_update(
        **acting(request),
        formula_id=formula_id,
        expected_version=payload.expected_version,
        data=formula_input(payload),
    )
    return _formula(request, formula_id)


@router.post("/formulas/{formula_id}/publish", response=FormulaOut)
@api_perm(FORMULARY)
def formula_publish(request: HttpRequest, formula_id: int, payload: VersionIn) -> FormulaOut:
    """The draft published; the version in force until now is superseded."""
    services.formula_publish(
        **acting(request), formula_id=formula_id, expected_version=payload.expected_version
    )
    return _formula(request, formula_id)


@router.post("/formulas/{formula_id}/versions", response={201: FormulaOut})
@api_perm(FORMULARY)
def formula_new_version(request: HttpRequest, formula_id: int) -> Status[FormulaOut]:
    """A new version (draft copy) of a published formula (``draft_exists``)."""
    draft = services.formula_new_version(**acting(request), formula_id=formula_id)
    return Status(201, _formula(request, draft.pk))


@router.post("/formulas/{formula_id}/batches", response={201: BatchOut})
@api_perm(PREPARE)
def batch_open(request: HttpRequest, formula_id: int, payload: BatchIn) -> Status[BatchOut]:
    """A batch of ``quantity`` batch units with its worksheet (``formula_not_published``,
    ``quantity_invalid``, ``cost_center_unknown``)."""
    batch = services.batch_open(
        **acting(request),
        formula_id=formula_id,
        quantity=payload.quantity,
        cost_center_code=payload.cost_center,
        patient_id=payload.patient_id,
    )
    return Status(201, _batch(request, batch.pk))


@router.get("/batches", response=list[PatientBatchesOut])
@api_perm(VIEW)
def batches_by_patient(request: HttpRequest, patient: str) -> list[PatientBatchesOut]:
    """The pharmacist's look-up: the patients a name, codice fiscale, STP/ENI or MRN finds
    (within the user's reach), each with the batches made for or dispensed to them. Each
    patient found is written in the access log."""
    found = selectors.batches_by_patient(**reading(request), text=patient)
    return [patient_batches_out(row) for row in found]


@router.get("/batches/{batch_id}", response=BatchOut)
@api_perm(VIEW)
def batch(request: HttpRequest, batch_id: int) -> BatchOut:
    """The batch: worksheet, weighings, controls, label (once released), dispensings."""
    return _batch(request, batch_id)


@router.post("/batches/lines/{line_id}/weighing", response=WeighingOut)
@api_perm(PREPARE)
def line_weigh(request: HttpRequest, line_id: int, payload: WeighingIn) -> WeighingOut:
    """What was weighed and from which lot: ``lot_not_in_stock``, ``lot_wrong_product``,
    ``lot_expired``, ``unit_incompatible``, ``quantity_invalid``, ``batch_not_open``,
    ``batch_rejected``. A vehicle q.b. has no tolerance: ``deviation_percent`` null.
    Weighed again: ``previous`` says whether the earlier material was ``discarded`` (out of
    the stock as waste, answered in ``discarded``) or ``adjusted`` (same lot only):
    ``previous_fate_required``, ``previous_fate_unknown``, ``lot_changed_discard_previous``."""
    result = services.line_weigh(
        **acting(request),
        line_id=line_id,
        quantity=payload.quantity,
        unit=payload.unit,
        lot=payload.lot,
        previous=payload.previous,
    )
    deviation = (
        result.deviation_percent.quantize(_CENT) if result.deviation_percent is not None else None
    )
    return WeighingOut(
        line=line_out(result.line, deviation),
        within_tolerance=result.within_tolerance,
        deviation_percent=deviation,
        discarded=discarded_out(result.discarded) if result.discarded is not None else None,
    )


@router.post("/batches/{batch_id}/qc", response={201: BatchOut})
@api_perm(PREPARE)
def qc_record(request: HttpRequest, batch_id: int, payload: QcIn) -> Status[BatchOut]:
    """A quality control's result (``quality_control_unknown``, ``batch_released``,
    ``batch_rejected``)."""
    services.qc_record(
        **acting(request),
        batch_id=batch_id,
        control=payload.control,
        passed=payload.passed,
        value=payload.value,
    )
    return Status(201, _batch(request, batch_id))


@router.post("/batches/{batch_id}/prepared", response=BatchOut)
@api_perm(PREPARE)
def batch_prepared(request: HttpRequest, batch_id: int) -> BatchOut:
    """The preparation declared complete (``weighing_missing``, ``weighing_out_of_tolerance``)."""
    services.batch_prepared(**acting(request), batch_id=batch_id)
    return _batch(request, batch_id)


@router.post("/batches/{batch_id}/release", response=BatchOut)
@api_perm(RELEASE)
def batch_release(request: HttpRequest, batch_id: int) -> BatchOut:
    """The pharmacist's release, the lots unloaded from the stock: ``release_by_preparer``
    (403), ``qc_missing``, ``qc_failed``, ``batch_not_prepared``, ``batch_released``,
    ``stock_insufficient``, ``batch_rejected``."""
    services.batch_release(**acting(request), batch_id=batch_id)
    return _batch(request, batch_id)


@router.post("/batches/{batch_id}/rejection", response=BatchOut)
@api_perm(RELEASE)
def batch_reject(request: HttpRequest, batch_id: int, payload: RejectIn) -> BatchOut:
    """The pharmacist rejects the batch (a control failed, or another reason): read-only
    from now on, never released or dispensed, no label; the raw materials already weighed
    unloaded from the stock as waste. Refusals: ``reason_required``,
    ``batch_already_released``, ``batch_rejected`` (already rejected)."""
    services.batch_reject(**acting(request), batch_id=batch_id, reason=payload.reason)
    return _batch(request, batch_id)


@router.get("/batches/{batch_id}/label", response=LabelOut)
@api_perm(VIEW)
def batch_label(request: HttpRequest, batch_id: int) -> LabelOut:
    """The label's lines (``batch_not_released`` before the release)."""
    view = selectors.batch_view(**reading(request), batch_id=batch_id)
    if view.label is None:
        raise ConflictError("Il lotto non è rilasciato.", code="batch_not_released")
    return LabelOut(lines=list(view.label.lines))


PDF_ANSWER = {
    "responses": {200: {"description": "The batch's label.", "content": {"application/pdf": {}}}}
}


@router.get("/batches/{batch_id}/label.pdf", openapi_extra=PDF_ANSWER)
@api_perm(VIEW)
def batch_label_pdf(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The released batch's label as PDF (100 x 75 mm; the lines of ``/label`` and the
    batch number as Code 128). 409 ``batch_not_released``; 404 ``batch_not_found``."""
    batch, label = selectors.batch_label_view(**reading(request), batch_id=batch_id)
    response = HttpResponse(
        documents.label_pdf(batch, label, **acting(request)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="lotto-{batch.number}.pdf"'
    return response


@router.post("/batches/{batch_id}/dispensings", response={201: BatchOut})
@api_perm(DISPENSE)
def batch_dispense(request: HttpRequest, batch_id: int, payload: DispenseIn) -> Status[BatchOut]:
    """Units dispensed to a patient (``patient_id``) or a ward (``ward`` code):
    ``batch_not_released``, ``batch_rejected``, ``batch_expired``, ``dispense_exceeds_batch``,
    ``recipient_required``, ``ward_unknown``."""
    services.batch_dispense(
        **acting(request),
        batch_id=batch_id,
        quantity=payload.quantity,
        patient_id=payload.patient_id,
        ward_code=payload.ward,
        note=payload.note,
    )
    return Status(201, _batch(request, batch_id))
