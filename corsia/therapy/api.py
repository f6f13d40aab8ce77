"""JSON API of the ward therapy: /api/v1/therapy/... — the same services and selectors as
the pages, with the same permissions; refusals are problem+json with a stable ``code``.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from corsia.core.access import api_perm
from corsia.core.schemas import Amount, AwareDatetime, IsoDate, IsoDatetime, Reason, RecordId
from corsia.core.web import acting, reading, request_actor
from corsia.therapy import selectors, services
from corsia.therapy.models import DoseRecord, WardPrescription
from corsia.therapy.permissions import ADMINISTER, MANAGE_CABINET, PRESCRIBE, VIEW
from corsia.therapy.selectors_cabinet import ward_cabinet_stock

router = Router(tags=["therapy"])


class PrescriptionIn(Schema):
    ingredient_id: RecordId
    product_id: RecordId | None = None
    dose: Amount
    dose_unit: str = Field(max_length=10)
    route: str = Field(max_length=20)
    frequency: str = Field(max_length=10)
    times: list[str] = Field(default=[], max_length=30)
    start_date: IsoDate | None = None
    days: int | None = Field(default=None, ge=-(2**31), le=2**31 - 1)
    single_at: AwareDatetime | None = None
    prn_indication: str = Field(default="", max_length=200)
    prn_min_interval_hours: Amount | None = None
    prn_max_per_day: int | None = Field(default=None, ge=-(2**31), le=2**31 - 1)
    notes: Reason = ""
    override_reason: Reason = ""
    allergy_acknowledged: bool = False


class ReplaceIn(PrescriptionIn):
    expected_version: int = Field(ge=0, le=2**31 - 1)
    reason: Reason


class SuspendIn(Schema):
    expected_version: int = Field(ge=0, le=2**31 - 1)
    reason: Reason


class DoseIn(Schema):
    outcome: str = Field(max_length=12)
    due_at: AwareDatetime | None = None
    reason: str = Field(default="", max_length=12)
    note: str = Field(default="", max_length=300)
    barcode: str = Field(default="", max_length=200)
    # a pack withdrawn from the market: only a pharmacist's reason lets it be given (H66)
    withdrawn_override_reason: str = Field(default="", max_length=500)


class DoseOut(Schema):
    id: int
    prescription_id: int
    due_at: IsoDatetime | None
    outcome: str
    reason: str
    note: str
    recorded_at: IsoDatetime
    nurse: str
    pack_aic: str
    lot: str
    expiry: IsoDate | None
    given_at: IsoDatetime | None = None  # a correction's time given (None: recorded_at)
    amount: Decimal | None = None  # a correction's amount given (None: as prescribed)
    corrects_id: int | None = None  # this record is the correction of that one
    corrected_by_id: int | None = None  # superseded by that correction
    correction_reason: str = ""
    changes: dict[str, list[object]] = {}


class CorrectionIn(Schema):
    ward_code: str = Field(max_length=20)
    kind: str = Field(max_length=10)
    reason: Reason
    outcome: str | None = Field(default=None, max_length=12)
    not_given_reason: str | None = Field(default=None, max_length=12)
    note: str | None = Field(default=None, max_length=300)
    due_at: AwareDatetime | None = None
    given_at: AwareDatetime | None = None
    amount: Amount | None = None


class CabinetLineOut(Schema):
    product_id: int
    product: str
    on_hand: int
    unloaded_today: int
    reorder_level: int | None
    below_reorder_level: bool


class FlaggedOut(Schema):
    dose_record_id: int
    kind: str
    product_id: int | None
    quantity: int | None
    problem: str
    message: str
    at: IsoDatetime


class CabinetOut(Schema):
    ward: str
    day: IsoDate
    location: str
    lines: list[CabinetLineOut]
    flagged: list[FlaggedOut]


class LevelIn(Schema):
    reorder_level: int = Field(ge=-(2**31), le=2**31 - 1)


class PrescriptionOut(Schema):
    id: int
    patient_id: int
    ingredient: str
    ingredient_name: str
    product_id: int | None
    dose: Decimal
    dose_unit: str
    route: str
    frequency: str
    times: list[str]
    start_date: IsoDate
    days: int | None
    single_at: IsoDatetime | None
    prn_indication: str
    prn_min_interval_hours: Decimal | None
    prn_max_per_day: int | None
    notes: str
    status: str
    status_reason: str
    prescriber: str
    signed_at: IsoDatetime
    replaces_id: int | None
    version: int
    warnings: list[dict[str, str]]
    overrides: list[dict[str, object]]


class RoundRowOut(Schema):
    at: IsoDatetime | None
    kind: str
    patient_id: int
    patient: str
    place: str
    drug: str
    dose: str
    route: str
    prescription_id: int | None
    dose_record: DoseOut | None
    chemo_status: str
    chemo_order_id: int | None


class PrnOut(Schema):
    prescription: PrescriptionOut
    place: str
    given_in_24h: list[IsoDatetime]


class RoundOut(Schema):
    ward: str
    day: IsoDate
    rows: list[RoundRowOut]
    as_needed: list[PrnOut]
    chemotherapy_shown: bool


def _dose_out(d: DoseRecord) -> DoseOut:
    return DoseOut(
        id=d.pk,
        prescription_id=d.prescription_id,
        due_at=d.due_at,
        outcome=d.outcome,
        reason=d.reason,
        note=d.note,
        recorded_at=d.recorded_at,
        nurse=d.nurse.get_username(),
        pack_aic=d.pack_aic,
        lot=d.lot,
        expiry=d.expiry,
        given_at=d.given_at,
        amount=d.amount,
        corrects_id=d.corrects_id,
        corrected_by_id=d.corrected_by.pk if d.superseded else None,
        correction_reason=d.correction_reason,
        changes=d.changes,
    )


def _out(p: WardPrescription) -> PrescriptionOut:
    return PrescriptionOut(
        id=p.pk,
        patient_id=p.patient_id,
        ingredient=p.ingredient.code,
        ingredient_name=p.ingredient.name_it,
        product_id=p.product_id,
        dose=p.dose,
        dose_unit=p.dose_unit,
        route=p.route,
        frequency=p.frequency,
        times=list(p.times),
        start_date=p.start_date,
        days=p.days,
        single_at=p.single_at,
        prn_indication=p.prn_indication,
        prn_min_interval_hours=p.prn_min_interval_hours,
        prn_max_per_day=p.prn_max_per_day,
        notes=p.notes,
        status=p.status,
        status_reason=p.status_reason,
        prescriber=p.prescriber.get_username(),
        signed_at=p.signed_at,
        replaces_id=p.replaces_id,
        version=p.version,
        warnings=list(p.warnings),
        overrides=list(p.overrides),
    )


def _input(payload: PrescriptionIn) -> services.PrescriptionInput:
    return services.PrescriptionInput(
        ingredient_id=payload.ingredient_id,
        product_id=payload.product_id,
        dose=payload.dose,
        dose_unit=payload.dose_unit,
        route=payload.route,
        frequency=payload.frequency,
        times=tuple(payload.times),
        start_date=payload.start_date,
        days=payload.days,
        single_at=payload.single_at,
        prn_indication=payload.prn_indication,
        prn_min_interval_hours=payload.prn_min_interval_hours,
        prn_max_per_day=payload.prn_max_per_day,
        notes=payload.notes,
    )


def _decision(payload: PrescriptionIn) -> services.Decision:
    return services.Decision(
        override_reason=payload.override_reason, acknowledged=payload.allergy_acknowledged
    )


class PrescriptionFilters(Schema):
    patient_id: RecordId
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9, description="prescriptions skipped (the next page)")


class PrescriptionPage(Schema):
    """A page of prescriptions (the API's paging: ``count`` in all, ``limit`` from
    ``offset``)."""

    count: int
    limit: int
    offset: int
    items: list[PrescriptionOut]


@router.get("/prescriptions", response=PrescriptionPage)
@api_perm(VIEW)
def prescriptions(request: HttpRequest, filters: Query[PrescriptionFilters]) -> PrescriptionPage:
    """A patient's ward prescriptions, active first then the newest (logged), ``limit``
    from ``offset`` and ``count`` in all (every one reachable)."""
    rows = selectors.patient_prescriptions(**reading(request), patient_id=filters.patient_id)
    limit, offset = filters.limit, filters.offset
    return PrescriptionPage(
        count=rows.count(),
        limit=limit,
        offset=offset,
        items=[_out(p) for p in rows[offset : offset + limit]],
    )


@router.post("/patients/{patient_id}/prescriptions", response={201: PrescriptionOut})
@api_perm(PRESCRIBE)
def prescribe(
    request: HttpRequest, patient_id: int, payload: PrescriptionIn
) -> Status[PrescriptionOut]:
    """Prescribe and sign. Refusals: ``max_dose_exceeded``, ``daily_max_exceeded``,
    ``interaction_contraindicated`` (until ``override_reason``), ``allergy_contraindicated``,
    ``allergy_warning_unacknowledged``, and the input's codes."""
    created = services.prescription_create(
        **acting(request),
        patient_id=patient_id,
        data=_input(payload),
        decision=_decision(payload),
    )
    return Status(201, _out(created))


@router.get("/prescriptions/{prescription_id}", response=PrescriptionOut)
@api_perm(VIEW)
def prescription(request: HttpRequest, prescription_id: int) -> PrescriptionOut:
    return _out(selectors.prescription_get(**reading(request), prescription_id=prescription_id))


@router.get("/prescriptions/{prescription_id}/doses", response=list[DoseOut])
@api_perm(VIEW)
def doses(request: HttpRequest, prescription_id: int) -> list[DoseOut]:
    p = selectors.prescription_get(**reading(request), prescription_id=prescription_id)
    return [_dose_out(d) for d in selectors.prescription_doses(p)]


@router.post("/prescriptions/{prescription_id}/suspend", response=PrescriptionOut)
@api_perm(PRESCRIBE)
def suspend(request: HttpRequest, prescription_id: int, payload: SuspendIn) -> PrescriptionOut:
    return _out(
        services.prescription_suspend(
            **acting(request),
            prescription_id=prescription_id,
            expected_version=payload.expected_version,
            reason=payload.reason,
        )
    )


@router.post("/prescriptions/{prescription_id}/replace", response={201: PrescriptionOut})
@api_perm(PRESCRIBE)
def replace(
    request: HttpRequest, prescription_id: int, payload: ReplaceIn
) -> Status[PrescriptionOut]:
    """A new prescription that replaces this one (``replaces_id``), with the reason."""
    new = services.prescription_replace(
        **acting(request),
        prescription_id=prescription_id,
        expected_version=payload.expected_version,
        reason=payload.reason,
        data=_input(payload),
        decision=_decision(payload),
    )
    return Status(201, _out(new))


@router.post("/prescriptions/{prescription_id}/doses", response={201: DoseOut})
@api_perm(ADMINISTER)
def dose_record(request: HttpRequest, prescription_id: int, payload: DoseIn) -> Status[DoseOut]:
    """Record one dose. Refusals: ``wrong_drug``, ``pack_expired``, ``pack_not_found``,
    ``pack_withdrawn`` / ``pack_withdrawn_pharmacist_only`` (a pack withdrawn from the market),
    ``barcode_unreadable``, ``prn_interval_not_elapsed``, ``prn_daily_max_reached``,
    ``dose_already_recorded`` (409), ``dose_not_due``, ``prescription_not_active``."""
    record = services.dose_record(
        **acting(request),
        prescription_id=prescription_id,
        data=services.DoseInput(
            outcome=payload.outcome,
            due_at=payload.due_at,
            reason=payload.reason,
            note=payload.note,
            barcode=payload.barcode,
            withdrawn_override_reason=payload.withdrawn_override_reason,
        ),
    )
    return Status(201, _dose_out(record))


@router.post("/doses/{record_id}/correct", response={201: DoseOut})
@api_perm(VIEW)
def dose_correct(request: HttpRequest, record_id: int, payload: CorrectionIn) -> Status[DoseOut]:
    """Correct a dose record entered in error: ``kind`` ``in_error`` (it counts for nothing)
    or ``amend`` (outcome, reason, which dose, time given, amount). Refusals:
    ``reason_required``, ``correction_not_allowed`` (403), ``dose_other_ward`` (403),
    ``dose_already_corrected`` (409), ``correction_no_change``, ``amount_invalid``,
    ``given_at_invalid``, ``dose_not_found`` (404)."""
    record = services.dose_correct(
        **acting(request),
        record_id=record_id,
        data=services.CorrectionInput(**payload.dict()),
    )
    return Status(201, _dose_out(record))


@router.get("/wards/{ward_code}/cabinet", response=CabinetOut)
@api_perm(VIEW)
def ward_cabinet(request: HttpRequest, ward_code: str, day: date | None = None) -> CabinetOut:
    """The ward cabinet: units on hand, unloaded by the day's doses, reorder levels, the
    unloads flagged for the pharmacy (no patient data)."""
    found = ward_cabinet_stock(user=request_actor(request), ward_code=ward_code[:20], day=day)
    return CabinetOut(
        ward=found.ward_code,
        day=found.day,
        location=found.location_code,
        lines=[
            CabinetLineOut(**{**vars(line), "below_reorder_level": line.below})
            for line in found.lines
        ],
        flagged=[
            FlaggedOut(
                dose_record_id=m.dose_id,
                kind=m.kind,
                product_id=m.product_id,
                quantity=m.quantity,
                problem=m.problem,
                message=m.message,
                at=m.at,
            )
            for m in found.flagged
        ],
    )


@router.put("/wards/{ward_code}/cabinet/levels/{product_id}", response=CabinetLineOut)
@api_perm(MANAGE_CABINET)
def cabinet_level(
    request: HttpRequest, ward_code: str, product_id: int, payload: LevelIn
) -> CabinetLineOut:
    """Set a product's reorder level in the ward cabinet (``reorder_level_invalid``)."""
    services.cabinet_level_set(
        **acting(request),
        ward_code=ward_code[:20],
        product_id=product_id,
        level=payload.reorder_level,
    )
    found = ward_cabinet_stock(user=request_actor(request), ward_code=ward_code[:20])
    line = next(line for line in found.lines if line.product_id == product_id)
    return CabinetLineOut(**{**vars(line), "below_reorder_level": line.below})


@router.get("/wards/{ward_code}/round", response=RoundOut)
@api_perm(VIEW)
def ward_round(request: HttpRequest, ward_code: str, day: date | None = None) -> RoundOut:
    """Every dose due on ``day`` (today) in the ward: ward prescriptions and chemotherapy,
    by time and bed; the as-needed drugs apart (logged per patient)."""
    result = selectors.ward_round(
        **reading(request),
        ward_code=ward_code[:20],
        day=day or timezone.localdate(),
    )
    return RoundOut(
        ward=result.ward_code,
        day=result.day,
        rows=[
            RoundRowOut(
                at=r.at,
                kind=r.kind,
                patient_id=r.patient.pk,
                patient=f"{r.patient.surname} {r.patient.given_names}",
                place=r.place,
                drug=r.drug,
                dose=r.dose,
                route=r.route,
                prescription_id=r.prescription.pk if r.prescription else None,
                dose_record=_dose_out(r.record) if r.record else None,
                chemo_status=r.chemo_status,
                chemo_order_id=r.chemo_order_id,
            )
            for r in result.rows
        ],
        as_needed=[
            PrnOut(
                prescription=_out(row.prescription),
                place=row.place,
                given_in_24h=[g.at for g in row.given_24h],
            )
            for row in result.prn
        ],
        chemotherapy_shown=result.chemo_shown,
    )
