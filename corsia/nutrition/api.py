"""``POST /api/v1/nutrition/preview``: a parenteral nutrition bag computed without saving
(a stable contract for integrators, see the module README); refusals are problem+json 422
with a stable ``code``.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status

from corsia.core.access import api_perm
from corsia.core.schemas import CSV_ANSWER, IsoDate
from corsia.core.web import acting, reading, request_actor
from corsia.nutrition import documents, selectors, services
from corsia.nutrition.domain.sheet import compounder_csv, compounding_sequence
from corsia.nutrition.permissions import (
    ADMINISTER,
    PREPARE,
    PRESCRIBE,
    PREVIEW,
    VALIDATE,
    VIEW_ORDER,
)
from corsia.nutrition.schemas import PreviewIn, PreviewOut, items_of, patient_of, preview_out
from corsia.nutrition.schemas_orders import (
    ActIn,
    BedsideIn,
    CheckOutIn,
    EndIn,
    OrderEditIn,
    OrderIn,
    OrderOut,
    PlanEntryOut,
    PrepareIn,
    ReasonIn,
    SignIn,
    TemplateIn,
    TemplateOut,
    order_input,
    order_out,
    plan_entry_out,
    template_input,
    template_out,
)

router = Router(tags=["nutrition"])


@router.post("/preview", response=PreviewOut)
@api_perm(PREVIEW)
def preview(request: HttpRequest, payload: PreviewIn) -> PreviewOut:
    """Compute a bag for the patient's measures; nothing is saved.

    The patient: ``weight_kg``, ``age_days`` or ``age_years``, ``route`` (``central`` |
    ``peripheral``), optionally ``preterm`` and ``weight_measured_on``. Each component: a
    ``code`` of the pharmacy's catalogue and an ``amount`` in ``unit`` (``mL``, ``g``,
    ``mmol``, ``mEq``, ``unit`` for vials and bags, or per kg: ``mL/kg``, ``g/kg``,
    ``mmol/kg``, ``mEq/kg``). The answer: volume (mL), kcal, non-protein kcal, glucose
    infusion rate (mg/kg/min), osmolarity (mOsm/L), the calcium-phosphate verdict and every
    finding with its stable ``code`` and ``severity`` (``warn`` | ``block``).

    Refusals (422): ``weight_missing``, ``weight_stale``, ``weight_out_of_range``,
    ``age_missing``, ``age_ambiguous``, ``age_out_of_range``, ``component_unknown``,
    ``unit_not_applicable``, ``amount_not_positive``, ``amount_out_of_range``,
    ``infusion_hours_out_of_range``, ``components_required``, ``volume_out_of_range``,
    ``validation_failed`` (a malformed body)."""
    assessment = selectors.nutrition_preview(
        user=request_actor(request),
        patient=patient_of(payload.patient),
        items=items_of(payload.components),
        infusion_hours=payload.infusion_hours,
    )
    return preview_out(assessment)


@router.post("/preview/compounder.csv", openapi_extra=CSV_ANSWER)
@api_perm(PREVIEW)
def preview_compounder_csv(
    request: HttpRequest, payload: PreviewIn, bag_id: str = "NPT"
) -> HttpResponse:
    """The same body as ``/preview``: the additions in compounding order as the CSV an
    automated compounder's software imports (columns in the module README). A bag with a
    blocking check is refused (422 ``bag_blocked``)."""
    assessment = selectors.nutrition_preview(
        user=request_actor(request),
        patient=patient_of(payload.patient),
        items=items_of(payload.components),
        infusion_hours=payload.infusion_hours,
    )
    text = compounder_csv(
        bag_id=_bag_id(bag_id),
        steps=compounding_sequence(assessment.composition.parts),
        blocked=assessment.blocked,
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="npt-compounder.csv"'
    return response


def _bag_id(raw: str) -> str:
    """A bag identifier of letters, digits and dashes (at most 40), so the CSV's first column
    is never a formula or a separator."""
    cleaned = "".join(ch for ch in raw if ch.isascii() and (ch.isalnum() or ch == "-"))[:40]
    return cleaned or "NPT"


# --- the saved orders, the wards' templates, the day's work plan ---------------------------


def _order(request: HttpRequest, order_id: int) -> OrderOut:
    return order_out(selectors.order_get(**reading(request), order_id=order_id))


@router.get("/patients/{patient_id}/orders", response=list[OrderOut])
@api_perm(VIEW_ORDER)
def patient_orders(request: HttpRequest, patient_id: int) -> list[OrderOut]:
    """The patient's orders, newest first (a logged read)."""
    orders = selectors.patient_orders(**reading(request), patient_id=patient_id)
    return [order_out(o) for o in orders]


@router.post("/patients/{patient_id}/orders", response={201: OrderOut})
@api_perm(PRESCRIBE)
def order_create(request: HttpRequest, patient_id: int, payload: OrderIn) -> Status[OrderOut]:
    """A draft on the chart's newest weight: its components, or a ward template's
    (``template_id``). Refusals (422): ``weight_missing``, ``weight_stale``,
    ``component_unknown``, ``unit_not_applicable``, ``amount_not_positive``,
    ``amount_out_of_range``, ``infusion_hours_out_of_range``, ``components_required``,
    ``route_unknown``, ``for_date_out_of_range``; 404 ``nutrition_template_not_found``."""
    order = services.order_create(
        **acting(request), patient_id=patient_id, data=order_input(payload)
    )
    return Status(201, _order(request, order.pk))


@router.get("/orders/{nutrition_order_id}", response=OrderOut)
@api_perm(VIEW_ORDER)
def order_get(request: HttpRequest, nutrition_order_id: int) -> OrderOut:
    """One order with its lines and its results (computed at drafting, fixed at signing)."""
    return _order(request, nutrition_order_id)


@router.put("/orders/{nutrition_order_id}", response=OrderOut)
@api_perm(PRESCRIBE)
def order_edit(request: HttpRequest, nutrition_order_id: int, payload: OrderEditIn) -> OrderOut:
    """Edit a draft: the create body (its components replace the draft's) and the
    ``version`` it was read at. Everything is computed and checked again as at drafting, on
    the chart's newest weight. Refusals: 409 ``nutrition_order_not_editable`` (signed or
    later), ``stale_version`` (changed meanwhile: nothing is written); 422 as the create
    (``weight_missing``, ``weight_stale``, ``component_unknown``, ``amount_out_of_range``,
    …); 404 ``nutrition_order_not_found``."""
    services.order_edit(
        **acting(request), order_id=nutrition_order_id, version=payload.version,
        data=order_input(payload),
    )  # fmt: skip
    return _order(request, nutrition_order_id)


@router.post("/orders/{nutrition_order_id}/sign", response=OrderOut)
@api_perm(PRESCRIBE)
def order_sign(request: HttpRequest, nutrition_order_id: int, payload: SignIn) -> OrderOut:
    """Sign a draft: the checks run again on the chart's current weight. Refusals: 422
    ``nutrition_order_blocked`` (``details.blocks``), ``warning_reason_required``
    (``details.warnings``), ``weight_stale``, ``weight_missing``; 409
    ``nutrition_order_wrong_state``, ``stale_version``."""
    services.order_sign(
        **acting(request), order_id=nutrition_order_id, expected_version=payload.expected_version,
        warning_reason=payload.warning_reason,
    )  # fmt: skip
    return _order(request, nutrition_order_id)


@router.post("/orders/{nutrition_order_id}/validate", response=OrderOut)
@api_perm(VALIDATE)
def order_validate(request: HttpRequest, nutrition_order_id: int, payload: ActIn) -> OrderOut:
    """A pharmacist validates a signed order. Refusals: 403 ``self_validation_refused``
    (the prescriber), 422 ``nutrition_order_blocked``, 409 ``nutrition_order_wrong_state``."""
    services.order_validate(
        **acting(request), order_id=nutrition_order_id, expected_version=payload.expected_version,
        note=payload.note,
    )  # fmt: skip
    return _order(request, nutrition_order_id)


@router.post("/orders/{nutrition_order_id}/reject", response=OrderOut)
@api_perm(VALIDATE)
def order_reject(request: HttpRequest, nutrition_order_id: int, payload: ReasonIn) -> OrderOut:
    """A pharmacist rejects a signed order with a reason (422 ``reason_required``; 403
    ``self_validation_refused``)."""
    services.order_reject(
        **acting(request), order_id=nutrition_order_id, expected_version=payload.expected_version,
        reason=payload.reason,
    )  # fmt: skip
    return _order(request, nutrition_order_id)


@router.post("/orders/{nutrition_order_id}/prepare", response=OrderOut)
@api_perm(PREPARE)
def order_prepare(request: HttpRequest, nutrition_order_id: int, payload: PrepareIn) -> OrderOut:
    """The validated bag compounded and weighed: ``gross_g`` the filled bag, ``tare_g`` the
    empty bag (g). Expected net weight = Σ component volume × density (the pharmacy's
    ``densities.csv``); within ± ``CORSIA_NUTRITION_GRAVIMETRIC_TOLERANCE_PERCENT`` the bag
    is compounded. Refusals: 422 ``gravimetric_out_of_tolerance`` (the weighing is kept,
    ``details`` carries it; the bag stays validated), ``weight_g_out_of_range``,
    ``tare_not_below_gross``, ``density_unknown``; 409 ``nutrition_order_wrong_state``."""
    services.order_prepare(
        **acting(request), order_id=nutrition_order_id, expected_version=payload.expected_version,
        gross_g=payload.gross_g, tare_g=payload.tare_g,
    )  # fmt: skip
    return _order(request, nutrition_order_id)


@router.post("/check-out", response=OrderOut)
@api_perm(PREPARE)
def check_out(request: HttpRequest, payload: CheckOutIn) -> OrderOut:
    """The compounded bag leaves the pharmacy for the ward: its label's barcode
    (``NPT-<id>``) scanned. Refusals: 422 ``scan_malformed``, ``label_unreadable``,
    ``bag_unknown``, ``bag_not_prepared``, ``bag_expired``; 409 ``bag_already_checked_out``."""
    order = services.order_check_out(**acting(request), label=payload.label)
    return _order(request, order.pk)


@router.post("/patients/{patient_id}/bedside", response=OrderOut)
@api_perm(ADMINISTER)
def bedside_start(request: HttpRequest, patient_id: int, payload: BedsideIn) -> OrderOut:
    """The bag started at the bedside of ``patient_id``: the patient's wristband
    (``PZ<MRN>``) and the bag's label (``NPT-<id>``) scanned, the pump's rate (mL/h).
    The rate must be the label's within ``CORSIA_NUTRITION_PUMP_RATE_TOLERANCE_PERCENT``
    (5 %). Refusals (422; nothing changes but the two scans kept as refused, with the
    code, and the audit event ``nutrition.bedside_refused``): ``scan_malformed``,
    ``wristband_unreadable``, ``wristband_wrong_patient``, ``label_unreadable``,
    ``bag_unknown``, ``bag_wrong_patient``, ``bag_not_prepared``, ``bag_not_checked_out``,
    ``bag_expired``, ``rate_out_of_range``, ``pump_rate_mismatch`` (no override; the
    label's rate and the allowance in ``details``); 403 without the permission to
    administer."""
    order = services.order_administer(
        **acting(request), patient_id=patient_id, wristband=payload.wristband,
        label=payload.label, rate_ml_h=payload.rate_ml_h,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return _order(request, order.pk)


@router.post("/orders/{nutrition_order_id}/administer", response=OrderOut)
@api_perm(ADMINISTER)
def order_administer(request: HttpRequest, nutrition_order_id: int, payload: BedsideIn) -> OrderOut:
    """This bag started at the bedside, with the same scans as
    ``/patients/{patient_id}/bedside`` (a label of another bag: 422 ``bag_wrong_order``)."""
    order = selectors.order_get(**reading(request), order_id=nutrition_order_id)
    services.order_administer(
        **acting(request), patient_id=order.patient_id, wristband=payload.wristband,
        label=payload.label, rate_ml_h=payload.rate_ml_h, order_id=nutrition_order_id,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return _order(request, nutrition_order_id)


@router.post("/orders/{nutrition_order_id}/end", response=OrderOut)
@api_perm(ADMINISTER)
def order_end(request: HttpRequest, nutrition_order_id: int, payload: EndIn) -> OrderOut:
    """The end of a started bag's infusion, once (nurses): when (never before the start nor
    in the future), the volume infused and, below the bag's volume minus the tolerance,
    the reason it was stopped early. 409 ``nutrition_order_wrong_state`` (not started),
    ``infusion_already_ended``; 422 ``end_before_start``, ``end_in_future``,
    ``infused_volume_out_of_range``, ``infused_volume_above_bag``, ``end_reason_required``."""
    services.order_end(
        **acting(request), order_id=nutrition_order_id, ended_at=payload.ended_at,
        infused_ml=payload.infused_ml, reason=payload.reason,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return _order(request, nutrition_order_id)


@router.post("/orders/{nutrition_order_id}/cancel", response=OrderOut)
@api_perm(PRESCRIBE)
def order_cancel(request: HttpRequest, nutrition_order_id: int, payload: ReasonIn) -> OrderOut:
    """Cancel an order not yet at the bedside, with a reason (422 ``reason_required``)."""
    services.order_cancel(
        **acting(request), order_id=nutrition_order_id, expected_version=payload.expected_version,
        reason=payload.reason,
    )  # fmt: skip
    return _order(request, nutrition_order_id)


@router.get("/orders/{nutrition_order_id}/compounder.csv", openapi_extra=CSV_ANSWER)
@api_perm(VIEW_ORDER)
def order_compounder_csv(request: HttpRequest, nutrition_order_id: int) -> HttpResponse:
    """The compounder's CSV of a validated order (409 ``nutrition_order_not_validated``)."""
    text = selectors.order_compounder_csv(**reading(request), order_id=nutrition_order_id)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="npt-{nutrition_order_id}.csv"'
    return response


PDF_ANSWER = {
    "responses": {200: {"description": "The bag's label.", "content": {"application/pdf": {}}}}
}
ZPL_ANSWER = {
    "responses": {200: {"description": "The bag's label in ZPL II.", "content": {"text/plain": {}}}}
}


def _label_answer(content: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@router.get("/orders/{nutrition_order_id}/label.pdf", openapi_extra=PDF_ANSWER)
@api_perm(VIEW_ORDER)
def order_label_pdf(request: HttpRequest, nutrition_order_id: int) -> HttpResponse:
    """The compounded bag's label as PDF (100 x 150 mm) through the editable template
    ``nutrition_label``, archived unsigned with its template version (the id of the
    archived copy in ``X-Corsia-Document``): patient, route, volume, hours and rate,
    osmolarity, composition in compounding order, compounding time, expiry, storage,
    Code 128 ``NPT-<id>``. Not compounded yet, cancelled or rejected: 409
    ``nutrition_label_not_ready``; unknown or out of scope: 404."""
    entry = selectors.order_labelled(**reading(request), order_id=nutrition_order_id)
    document = documents.label_print(entry, **acting(request))
    answer = _label_answer(bytes(document.content), "application/pdf", f"{entry.order.bag_id}.pdf")
    answer["X-Corsia-Document"] = str(document.pk)
    return answer


@router.get("/orders/{nutrition_order_id}/label.zpl", openapi_extra=ZPL_ANSWER)
@api_perm(VIEW_ORDER)
def order_label_zpl(request: HttpRequest, nutrition_order_id: int) -> HttpResponse:
    """The same label in ZPL II for a 4 x 6 inch thermal label at 203 dpi (``^BC`` Code 128
    of ``NPT-<id>``); the same refusals as the PDF."""
    entry = selectors.order_labelled(**reading(request), order_id=nutrition_order_id)
    return _label_answer(
        documents.label_zpl_text(entry), "text/plain; charset=utf-8", f"{entry.order.bag_id}.zpl"
    )


@router.get("/work-plan", response=list[PlanEntryOut])
@api_perm(VIEW_ORDER)
def work_plan(request: HttpRequest, day: IsoDate | None = None) -> list[PlanEntryOut]:
    """The pharmacy's NPT work of ``day`` (today by default): the validated and compounded
    orders, each with its compounding sequence (phosphate before calcium, lipids last) and
    its compounder CSV."""
    entries = selectors.work_plan(**reading(request), day=day or timezone.localdate())
    return [plan_entry_out(e) for e in entries]


@router.get("/templates", response=list[TemplateOut])
@api_perm(VIEW_ORDER)
def templates(request: HttpRequest, retired: bool = False) -> list[TemplateOut]:
    """The wards' active templates by ward and name (``retired=true``: the retired too)."""
    rows = selectors.ward_templates(user=request_actor(request), retired=retired)
    return [template_out(t) for t in rows]


@router.post("/templates", response={201: TemplateOut})
@api_perm(PRESCRIBE)
def template_save(request: HttpRequest, payload: TemplateIn) -> Status[TemplateOut]:
    """Save a ward's template (by ward and name: saving again replaces its content)."""
    template = services.template_save(**acting(request), data=template_input(payload))
    return Status(201, template_out(template))


@router.post("/templates/{template_id}/retire", response=TemplateOut)
@api_perm(PRESCRIBE)
def template_retire(request: HttpRequest, template_id: int, payload: ReasonIn) -> TemplateOut:
    """Withdraw a template from use, with a reason; nothing is deleted (``active`` false,
    saving it again by ward and name brings it back). Refusals: 404
    ``nutrition_template_not_found``, 409 ``nutrition_template_retired``, ``stale_version``;
    422 ``reason_required``."""
    template = services.template_retire(
        **acting(request), template_id=template_id, reason=payload.reason,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return template_out(template)
