"""Orders API: ``/api/v1/orders`` and ``/api/v1/measurements``.

Thin: every write goes through :mod:`corsia.prescribing.services` (permission, state
machine, audit), every read through :mod:`corsia.prescribing.selectors` (access log).
No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from corsia.core.access import api_perm, refuse_before_input
from corsia.core.access_cache import read_only_request
from corsia.core.domain.errors import PermissionRefused
from corsia.core.schemas import (
    Amount,
    BoundedInt,
    DayCount,
    IsoDate,
    IsoDatetime,
    MeasuredAt,
    Reason,
    RecordId,
    TherapyStartDate,
)
from corsia.core.web import acting, reading, request_actor
from corsia.prescribing import selectors, services
from corsia.prescribing.models import OrderItem, TherapyOrder

router = Router(tags=["orders"])
measurements_router = Router(tags=["orders"])


class ItemOut(Schema):
    id: int
    day_of_cycle: int
    scheduled_date: IsoDate
    sequence: int
    ingredient: str
    ingredient_name: str
    role: str
    route: str
    competence: str
    dose: Decimal
    dose_unit: str
    calculated_dose: Decimal
    final_dose: Decimal
    amount_unit: str
    reduction_percent: Decimal
    deviation_reason: str
    status: str
    capped: bool
    blocked: bool
    block_code: str
    # the hard limits the final dose exceeds; pending: those no override lifts for this value
    blocks: list[dict[str, str]]
    pending_blocks: list[str]
    overrides: list[dict[str, Any]]
    added: bool
    duration_minutes: int | None
    validated: bool
    warnings: list[dict[str, str]]
    # times a day the final dose (per administration) is taken: oral lines (else 1)
    administrations_per_day: int
    # an oral line's tablets per administration: [{"strength_mg", "count"}] (empty: none)
    tablets_per_dose: list[dict[str, Any]]


class OrderOut(Schema):
    id: int
    version: int
    patient_id: int
    regimen: str
    regimen_version: int
    cycle_number: int
    line: int
    intent: str
    state: str
    state_label: str
    start_date: IsoDate
    bsa_m2: Decimal
    bsa_formula: str
    bmi: Decimal
    weight_kg: Decimal
    height_cm: Decimal
    creatinine_clearance_ml_min: Decimal | None
    prescriber: str
    validated_by: str | None
    schedule_reason: str
    allergy_overrides: list[dict[str, Any]]
    # the pharmacogenomic recommendations gone past: check, reason, by, role, workstation, at
    pgx_overrides: list[dict[str, Any]]
    # the recommendations the patient's current results match, each with its severity
    # (contraindicated / warning / informative), suggested reductions and ``covered``
    pgx_findings: list[dict[str, Any]]
    warnings: list[dict[str, str]]
    # pharmacogenomic warnings of a result recorded after the order (not yet recalculated)
    pgx_since_prescription: list[dict[str, str]]
    items: list[ItemOut]


class OrderSummaryOut(Schema):
    id: int
    patient_id: int
    regimen: str
    cycle_number: int
    state: str
    first_date: IsoDate
    drugs: int


def _item(item: OrderItem) -> ItemOut:
    return ItemOut(
        id=item.pk,
        day_of_cycle=item.day_of_cycle,
        scheduled_date=item.scheduled_date,
        sequence=item.sequence,
        ingredient=item.ingredient.code,
        ingredient_name=item.ingredient.name_it,
        role=item.role,
        route=item.route,
        competence=item.competence,
        dose=item.dose,
        dose_unit=item.dose_unit,
        calculated_dose=item.calculated_dose,
        final_dose=item.final_dose,
        amount_unit=item.amount_unit,
        reduction_percent=item.reduction_percent,
        deviation_reason=item.deviation_reason,
        status=item.status,
        capped=item.capped,
        blocked=item.is_blocked,
        block_code=item.block_code,
        blocks=item.blocks,
        pending_blocks=[b.code for b in item.pending_blocks],
        overrides=item.overrides,
        added=item.added,
        duration_minutes=item.duration_minutes,
        validated=services.order_item_is_validated(item),
        warnings=item.warnings,
        administrations_per_day=item.administrations_per_day,
        tablets_per_dose=list((item.tablets or {}).get("per_dose", [])),
    )


def _order(order: TherapyOrder) -> OrderOut:
    return OrderOut(
        id=order.pk,
        version=order.version,
        patient_id=order.patient_id,
        regimen=order.regimen_version.regimen.code,
        regimen_version=order.regimen_version.number,
        cycle_number=order.cycle_number,
        line=order.line,
        intent=order.intent,
        state=order.state,
        state_label=order.state_label,
        start_date=order.start_date,
        bsa_m2=order.bsa_m2,
        bsa_formula=order.bsa_formula,
        bmi=order.bmi,
        weight_kg=order.weight_kg,
        height_cm=order.height_cm,
        creatinine_clearance_ml_min=order.creatinine_clearance_ml_min,
        prescriber=order.prescriber.username,
        validated_by=order.validated_by.username if order.validated_by else None,
        schedule_reason=order.schedule_reason,
        allergy_overrides=order.allergy_overrides,
        pgx_overrides=order.pgx_overrides,
        pgx_findings=[
            {**r.finding.as_json(), "covered": r.override is not None}
            for r in services.order_pgx_rows(order)
        ],
        warnings=order.warnings,
        pgx_since_prescription=services.order_pgx_since(order),
        items=[_item(i) for i in order.items.all()],
    )


def _read(request: HttpRequest, order_id: int) -> OrderOut:
    """The order as a read answers it; a write's answer too, read once the write has
    committed: a read-only step, whose care scope and pharmacogenomic results are computed
    once (``per_request``)."""
    with read_only_request():
        order = selectors.order_view(**reading(request), order_id=order_id)
        return _order(order)


class OrderIn(Schema):
    patient_id: RecordId
    regimen_version_id: RecordId
    start_date: TherapyStartDate
    cycle_number: BoundedInt = Field(default=1, ge=1)
    line: BoundedInt = Field(default=1, ge=1)
    diagnosis_id: RecordId | None = None
    bsa_formula: str = "mosteller"
    # why a duplicate or too-early cycle is prescribed anyway (else refused, 422)
    schedule_reason: Reason = ""
    # why a drug is prescribed despite a severe or confirmed allergy of the patient (else
    # refused, 422 allergy_contraindicated, the matched allergies in ``details.matches``)
    allergy_override_reason: Reason = ""
    # a mild or suspected allergy's warning seen (else 422 allergy_warning_unacknowledged)
    allergy_acknowledged: bool = False
    # why a drug is prescribed despite a pharmacogenomic contraindication (else 422
    # pgx_contraindicated, the findings in ``details.findings``)
    pgx_override_reason: Reason = ""
    # a recommended lower starting dose seen (else 422 pgx_warning_unacknowledged)
    pgx_acknowledged: bool = False
    # each drug reduced to the recommended starting dose (a typed reduction, its reason
    # "farmacogenomica: <gene> <phenotype>")
    pgx_apply_suggested: bool = False


class PgxIn(Schema):
    """Going past the pharmacogenomic barrier (as at creation)."""

    pgx_override_reason: Reason = ""
    pgx_acknowledged: bool = False


class SignIn(PgxIn):
    reason: Reason = ""
    allergy_override_reason: Reason = ""
    allergy_acknowledged: bool = False


class VersionIn(Schema):
    expected_version: BoundedInt  # required: a blind edit is refused (expected_version_required)


class RecalculateIn(PgxIn):
    expected_version: BoundedInt  # required: a blind edit is refused (expected_version_required)


class PgxApplyIn(Schema):
    ingredient_id: RecordId
    expected_version: BoundedInt  # required: a blind edit is refused (expected_version_required)


class TransitionIn(PgxIn):
    """At ``validate`` the pharmacist goes past a pharmacogenomic result recorded after the
    order was signed with ``pgx_override_reason`` / ``pgx_acknowledged``."""

    event: str
    reason: Reason = ""
    expected_version: BoundedInt  # required: a blind edit is refused (expected_version_required)


class AdjustIn(PgxIn):
    reason: Reason = ""
    reduction_percent: Amount | None = None
    final_dose: Amount | None = None
    override_reason: Reason = ""
    # the checks to override (max_dose_exceeded, cumulative_dose_exceeded); none: all those
    # the new value exceeds. An override holds for this value of the dose only.
    override_checks: list[str] | None = None
    expected_version: BoundedInt  # required: a blind edit is refused (expected_version_required)


class MeasurementIn(Schema):
    patient_id: RecordId
    kind: str
    value: Amount
    measured_at: MeasuredAt | None = None


class MeasurementOut(Schema):
    id: int
    patient_id: int
    kind: str
    value: Decimal
    measured_at: IsoDatetime


@router.get("", response=list[OrderSummaryOut])
@api_perm(services.VIEW)
def order_list(request: HttpRequest, day: date, days_ahead: DayCount = 0) -> list[OrderSummaryOut]:
    """Open orders with a drug scheduled between ``day`` and ``day + days_ahead``."""
    rows = selectors.physician_worklist(**reading(request), day=day, days_ahead=days_ahead)
    return [
        OrderSummaryOut(
            id=r.order.pk,
            patient_id=r.order.patient_id,
            regimen=r.order.regimen_version.regimen.code,
            cycle_number=r.order.cycle_number,
            state=r.order.state,
            first_date=r.first_date,
            drugs=r.drugs,
        )
        for r in rows
    ]


@router.post("", response={201: OrderOut})
@api_perm(services.PRESCRIBE)
def order_create(request: HttpRequest, payload: OrderIn) -> Status[OrderOut]:
    order = services.order_create(
        **acting(request),
        patient_id=payload.patient_id,
        regimen_version_id=payload.regimen_version_id,
        start_date=payload.start_date,
        cycle_number=payload.cycle_number,
        line=payload.line,
        diagnosis_id=payload.diagnosis_id,
        bsa_formula=payload.bsa_formula,
        schedule_reason=payload.schedule_reason,
        allergy_override_reason=payload.allergy_override_reason,
        allergy_acknowledged=payload.allergy_acknowledged,
        pgx_override_reason=payload.pgx_override_reason,
        pgx_acknowledged=payload.pgx_acknowledged,
        pgx_apply_suggested=payload.pgx_apply_suggested,
    )
    return Status(201, _read(request, order.pk))


@router.post("/{order_id}/sign", response=OrderOut)
@api_perm(services.PRESCRIBE)
def order_sign(request: HttpRequest, order_id: int, payload: SignIn) -> OrderOut:
    """Sign the therapy sheet (PAdES) and archive it; the patient's allergies are checked
    again against the order's drugs (same refusals and overrides as at creation)."""
    services.order_sign(
        **acting(request),
        order_id=order_id,
        reason=payload.reason,
        allergy_override_reason=payload.allergy_override_reason,
        allergy_acknowledged=payload.allergy_acknowledged,
        pgx_override_reason=payload.pgx_override_reason,
        pgx_acknowledged=payload.pgx_acknowledged,
    )
    return _read(request, order_id)


@router.get("/{order_id}", response=OrderOut)
@api_perm(services.VIEW)
def order_get(request: HttpRequest, order_id: int) -> OrderOut:
    return _read(request, order_id)


class TabletSupplyOut(Schema):
    ingredient: str
    strength_mg: Decimal
    tablets: int = Field(description="tablets of this strength for the whole cycle")
    first_day: IsoDate
    last_day: IsoDate
    days: int
    most_per_day: int


class OralSupplyOut(Schema):
    order_id: int
    patient_id: int
    state: str
    cycle_number: int
    supply: list[TabletSupplyOut]
    without_tablets: list[str] = Field(
        description="oral drugs with no tablet or capsule strength in the archive"
    )


@router.get("/{order_id}/oral-supply", response=OralSupplyOut)
@api_perm(services.VIEW)
def order_oral_supply(request: HttpRequest, order_id: int) -> OralSupplyOut:
    """The tablets the order's oral lines need over the cycle, per drug and strength
    (tablets per administration × administrations a day × days): what the pharmacy
    dispenses. E.g. capecitabine 2,500 mg twice a day, days 1-14, as 5 × 500 mg:
    140 tablets of 500 mg."""
    supply = selectors.order_oral_supply(**reading(request), order_id=order_id)
    return OralSupplyOut(
        order_id=supply.order_id,
        patient_id=supply.patient_id,
        state=supply.state,
        cycle_number=supply.cycle_number,
        supply=[TabletSupplyOut(**vars(s)) for s in supply.supply],
        without_tablets=list(supply.without_tablets),
    )


def _takes_order_decisions(request: HttpRequest) -> None:
    # reading orders lets the operation in; a role that takes no decision on any order
    # (a trial monitor, an auditor) is refused before its body is read
    if not services.order_decisions_possible(request_actor(request)):
        raise PermissionRefused(
            "Il tuo ruolo non prende decisioni sulle prescrizioni.",
            code="order_decision_not_permitted",
        )


@router.post("/{order_id}/transitions", response=OrderOut)
@refuse_before_input(_takes_order_decisions)
@api_perm(services.VIEW)
def order_transition(request: HttpRequest, order_id: int, payload: TransitionIn) -> OrderOut:
    """Take a decision on the order (confirm, send, validate, return_to_prescriber,
    take_charge, suspend, resume, cancel, revise). The closed loop's milestones
    (start/complete_preparation, deliver, administer) are refused with 409
    ``transition_not_allowed_here``: the UFA and bedside services record them."""
    services.order_transition(
        **acting(request),
        order_id=order_id,
        event=payload.event,
        expected_version=payload.expected_version,
        reason=payload.reason,
        pgx_override_reason=payload.pgx_override_reason,
        pgx_acknowledged=payload.pgx_acknowledged,
    )
    return _read(request, order_id)


@router.post("/{order_id}/items/{item_id}/adjust", response=OrderOut)
@api_perm(services.PRESCRIBE)
def item_adjust(request: HttpRequest, order_id: int, item_id: int, payload: AdjustIn) -> OrderOut:
    services.order_item_adjust(
        **acting(request),
        order_id=order_id,
        item_id=item_id,
        reason=payload.reason,
        reduction_percent=payload.reduction_percent,
        final_dose=payload.final_dose,
        override_reason=payload.override_reason,
        override_checks=payload.override_checks,
        expected_version=payload.expected_version,
        pgx_override_reason=payload.pgx_override_reason,
        pgx_acknowledged=payload.pgx_acknowledged,
    )
    return _read(request, order_id)


@router.post("/{order_id}/recalculate", response=OrderOut)
@api_perm(services.PRESCRIBE)
def order_recalculate(request: HttpRequest, order_id: int, payload: RecalculateIn) -> OrderOut:
    services.order_recalculate(
        **acting(request),
        order_id=order_id,
        expected_version=payload.expected_version,
        pgx_override_reason=payload.pgx_override_reason,
        pgx_acknowledged=payload.pgx_acknowledged,
    )
    return _read(request, order_id)


@router.post("/{order_id}/pgx/apply-suggested", response=OrderOut)
@api_perm(services.PRESCRIBE)
def order_pgx_apply_suggested(request: HttpRequest, order_id: int, payload: PgxApplyIn) -> OrderOut:
    """ "Applica la dose suggerita": each line of the drug above the pharmacogenomic
    recommendation reduced to it (a typed reduction, reason "farmacogenomica: <gene>
    <phenotype>"); 422 ``pgx_no_suggestion`` when the recommendation gives no dose."""
    services.order_pgx_apply_suggested(
        **acting(request),
        order_id=order_id,
        ingredient_id=payload.ingredient_id,
        expected_version=payload.expected_version,
    )
    return _read(request, order_id)


class PgxAcknowledgedOut(Schema):
    order_id: int
    findings: list[dict[str, Any]]


@router.post("/{order_id}/pgx/acknowledge", response=PgxAcknowledgedOut)
@api_perm(services.VIEW)
def order_pgx_acknowledge(
    request: HttpRequest, order_id: RecordId, payload: PgxIn
) -> PgxAcknowledgedOut:
    """A pharmacogenomic result recorded after the validation, gone past by the physician or
    the validating pharmacist (a contraindication with ``pgx_override_reason``, a lower dose
    with ``pgx_acknowledged``): the bedside refuses the drug (``pgx_result_after_validation``)
    until then. 422 ``pgx_order_not_validated`` before validation."""
    done = services.order_pgx_acknowledge(
        **acting(request),
        order_id=order_id,
        override_reason=payload.pgx_override_reason,
        acknowledged=payload.pgx_acknowledged,
    )
    return PgxAcknowledgedOut(order_id=order_id, findings=[f.as_json() for f in done])


@measurements_router.post("", response={201: MeasurementOut})
@api_perm(services.RECORD_MEASUREMENT)
def measurement_create(request: HttpRequest, payload: MeasurementIn) -> Status[MeasurementOut]:
    row = services.measurement_record(
        **acting(request),
        patient_id=payload.patient_id,
        kind=payload.kind,
        value=payload.value,
        measured_at=payload.measured_at,
    )
    return Status(
        201,
        MeasurementOut(
            id=row.pk,
            patient_id=row.patient_id,
            kind=row.kind,
            value=row.value,
            measured_at=row.measured_at,
        ),
    )
