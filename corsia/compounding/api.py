"""JSON API of the UFA: /api/v1/compounding/…

Thin: every write is one of :mod:`corsia.compounding.services` (permission, lock, domain
rules, audit), every read of patient data goes through :mod:`corsia.compounding.selectors`
(access log). Refusals are the services' ``CorsiaError`` rendered as problem+json with
their stable ``code``; nothing is written when a service refuses.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from corsia.accounts.models import User
from corsia.compounding import selectors, services
from corsia.compounding.models import CheckOut, Preparation, PreparationVial, Weighing
from corsia.compounding.robot import robot_document
from corsia.compounding.services import PREPARE, RELEASE, VALIDATE, VIEW
from corsia.core.access import api_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.web import request_workstation as _ws
from corsia.prescribing.models import TherapyOrder

router = Router(tags=["compounding"])


class WorkRowOut(Schema):
    order_id: int
    patient_mrn: str
    ingredient: str
    dose: str
    unit: str
    state: str
    state_label: str
    preparation_id: int | None
    label_code: str | None


@router.get("/workplan", response=list[WorkRowOut])
@api_perm(VIEW)
def workplan(request: HttpRequest, day: date | None = None) -> list[dict[str, Any]]:
    rows = selectors.workplan(user=request.user, day=day or timezone.localdate())
    return [
        {
            "order_id": r.order.pk,
            "patient_mrn": r.order.patient.mrn,
            "ingredient": r.item.ingredient.code,
            "dose": f"{r.item.final_dose.normalize():f}",
            "unit": r.item.amount_unit,
            "state": r.state_key,
            "state_label": r.state_label,
            "preparation_id": r.preparation.pk if r.preparation else None,
            "label_code": r.preparation.label_code if r.preparation else None,
        }
        for r in rows
    ]


@router.get("/preparations/{preparation_id}/robot", response=dict[str, Any])
@api_perm(PREPARE)
def preparation_robot(request: HttpRequest, preparation_id: int) -> dict[str, Any]:
    prep = selectors.preparation_view(
        user=request.user,
        preparation_id=preparation_id,
        workstation=getattr(request, "workstation", None),
        channel="api",
    )
    return robot_document(prep)


# ---------------------------------------------------------------- schemas


class PreparationOut(Schema):
    id: int
    version: int
    label_code: str | None
    order_id: int
    order_item_id: int
    ingredient: str
    scheduled_date: date
    state: str
    state_label: str
    dose_mg: Decimal
    product_code: str | None
    blocking_reason: str
    diluent: str
    bag_volume_ml: Decimal | None
    bag_overfill_ml: Decimal
    volume_to_draw_ml: Decimal | None
    final_volume_ml: Decimal | None
    final_concentration_mg_ml: Decimal | None
    expiry_at: datetime | None
    storage: str
    planned_vials: list[dict[str, Any]]
    session_id: int | None


def _prep(prep: Preparation) -> PreparationOut:
    return PreparationOut(
        id=prep.pk,
        version=prep.version,
        label_code=prep.label_code,
        order_id=prep.order_id,
        order_item_id=prep.order_item_id,
        ingredient=prep.order_item.ingredient.code,
        scheduled_date=prep.scheduled_date,
        state=prep.state,
        state_label=prep.state_label,
        dose_mg=prep.dose_mg,
        product_code=prep.product.code if prep.product else None,
        blocking_reason=prep.blocking_reason,
        diluent=prep.diluent,
        bag_volume_ml=prep.bag_volume_ml,
        bag_overfill_ml=prep.bag_overfill_ml,
        volume_to_draw_ml=prep.volume_to_draw_ml,
        final_volume_ml=prep.final_volume_ml,
        final_concentration_mg_ml=prep.final_concentration_mg_ml,
        expiry_at=prep.expiry_at,
        storage=prep.storage,
        planned_vials=list(prep.planned_vials or []),
        session_id=prep.session_id,
    )


class OrderStateOut(Schema):
    id: int
    version: int
    state: str
    state_label: str


class ValidateIn(Schema):
    """``item_ids`` absent: every pharmacy drug of the order."""

    item_ids: list[int] | None = None


class CompleteIn(Schema):
    product_id: int | None = None
    diluent: str | None = None
    bag_volume_ml: Decimal | None = Field(default=None, gt=0)


class SessionIn(Schema):
    hood_id: int
    technician_id: int
    day: date | None = None
    preparation_ids: list[int] = []


class SessionOut(Schema):
    id: int
    day: date
    hood: str
    technician: str
    preparations: list[PreparationOut]


class AssignIn(Schema):
    preparation_ids: list[int] = Field(min_length=1)


class PlanIn(Schema):
    day: date | None = None
    session_id: int | None = None


class PlanOut(Schema):
    day: date
    preparations: int
    vials: int
    vials_by_product: dict[str, int]
    mg_wasted: Decimal
    leftover_mg_used: Decimal
    lower_bound: int
    methods: list[str]
    cost_eur: Decimal
    skipped: list[str]


class ScanIn(Schema):
    """A pack's barcode with the lot and expiry typed in, or an open leftover."""

    barcode: str = ""
    lot: str = ""
    expiry: date | None = None
    leftover_id: int | None = None


class VialOut(Schema):
    id: int
    preparation_id: int
    product_code: str
    source: str
    lot: str
    lot_expiry: date
    mg_drawn: Decimal
    ml_drawn: Decimal
    preparation_state: str
    remaining_mg: Decimal


class WeighIn(Schema):
    """A weight typed by hand (``measured_g`` with ``typed_reason``) or read from the
    hood's configured balance (``read_scale``: true, nothing else)."""

    measured_g: Decimal | None = Field(default=None, gt=0)
    read_scale: bool = False
    typed_reason: str = ""


class BagBeforeOut(Schema):
    preparation_id: int
    bag_before_g: Decimal
    source: str
    scale_id: str
    typed: bool
    typed_reason: str


class WeighingOut(Schema):
    id: int
    preparation_id: int
    bag_before_g: Decimal
    measured_g: Decimal
    added_g: Decimal | None
    expected_added_g: Decimal | None
    expected_g: Decimal
    deviation_g: Decimal
    deviation_percent: Decimal
    tolerance_percent: Decimal
    density_assumed: bool
    source: str
    scale_id: str
    typed: bool
    typed_reason: str
    passed: bool
    message: str
    preparation_state: str


class RejectIn(Schema):
    reason: str


class CheckoutIn(Schema):
    day: date | None = None
    label_codes: list[str] = Field(min_length=1)
    delivery_document: str


class CheckoutOut(Schema):
    id: int
    order_id: int
    order_state: str
    day: date
    delivery_document: str
    checked_out_at: datetime
    label_codes: list[str]
    intrathecal: bool = False


class HoodOut(Schema):
    id: int
    code: str
    name: str


# ---------------------------------------------------------------- the pharmacist


def _order_state(request: HttpRequest, order_id: int) -> OrderStateOut:
    order = selectors.order_for_pharmacy(
        user=request.user, order_id=order_id, workstation=_ws(request)
    )
    return OrderStateOut(
        id=order.pk, version=order.version, state=order.state, state_label=order.state_label
    )


@router.post("/orders/{order_id}/validate", response=OrderStateOut)
@api_perm(VALIDATE)
def order_validate(request: HttpRequest, order_id: int, payload: ValidateIn) -> OrderStateOut:
    """Validate some drugs (``item_ids``) or all; the order is validated with the last."""
    order = services.order_item_validate(
        actor=request.user,
        workstation=_ws(request),
        order_id=order_id,
        item_ids=payload.item_ids,
    )
    return OrderStateOut(
        id=order.pk, version=order.version, state=order.state, state_label=order.state_label
    )


@router.post("/orders/{order_id}/take-charge", response={201: list[PreparationOut]})
@api_perm(VALIDATE)
def order_take_charge(request: HttpRequest, order_id: int) -> Status[list[PreparationOut]]:
    """Take the validated order in charge: its preparations are created and completed."""
    created = services.order_take_charge(
        actor=request.user, workstation=_ws(request), order_id=order_id
    )
    return Status(201, [_prep(p) for p in created])


@router.get("/orders/{order_id}/preparations", response=list[PreparationOut])
@api_perm(VIEW)
def order_preparations(request: HttpRequest, order_id: int) -> list[PreparationOut]:
    order = selectors.order_for_pharmacy(
        user=request.user, order_id=order_id, workstation=_ws(request)
    )
    return [_prep(p) for p in selectors.order_preparations(order)]


@router.post("/preparations/{preparation_id}/complete", response=PreparationOut)
@api_perm(VALIDATE)
def preparation_complete(
    request: HttpRequest, preparation_id: int, payload: CompleteIn
) -> PreparationOut:
    """Complete a pending preparation with another product, diluent or bag."""
    prep = services.preparation_complete(
        actor=request.user,
        workstation=_ws(request),
        preparation_id=preparation_id,
        product_id=payload.product_id,
        diluent=payload.diluent,
        bag_volume_ml=payload.bag_volume_ml,
    )
    return _prep(prep)


@router.get("/hoods", response=list[HoodOut])
@api_perm(VIEW)
def hoods(request: HttpRequest) -> list[HoodOut]:
    return [HoodOut(id=h.pk, code=h.code, name=h.name) for h in selectors.hoods()]


def _technician(technician_id: int) -> User:
    technician = User.objects.filter(pk=technician_id, is_active=True).first()
    if technician is None:
        raise ValidationFailed(
            "Tecnico inesistente o non attivo.", code="technician_not_found", field="technician_id"
        )
    return technician


@router.post("/sessions", response={201: SessionOut})
@api_perm(VALIDATE)
def session_open(request: HttpRequest, payload: SessionIn) -> Status[SessionOut]:
    """Open a hood session for a technician and assign preparations to it (one transaction:
    a refused assignment opens no session)."""
    day = payload.day or timezone.localdate()
    with transaction.atomic():
        session = services.work_session_open(
            actor=request.user,
            workstation=_ws(request),
            hood_id=payload.hood_id,
            technician=_technician(payload.technician_id),
            day=day,
        )
        assigned = (
            services.preparation_assign(
                actor=request.user,
                workstation=_ws(request),
                preparation_ids=payload.preparation_ids,
                session_id=session.pk,
            )
            if payload.preparation_ids
            else []
        )
    return Status(
        201,
        SessionOut(
            id=session.pk,
            day=session.date,
            hood=session.hood.code,
            technician=session.technician.username,
            preparations=[_prep(p) for p in assigned],
        ),
    )


@router.post("/sessions/{session_id}/assign", response=list[PreparationOut])
@api_perm(VALIDATE)
def session_assign(
    request: HttpRequest, session_id: int, payload: AssignIn
) -> list[PreparationOut]:
    assigned = services.preparation_assign(
        actor=request.user,
        workstation=_ws(request),
        preparation_ids=payload.preparation_ids,
        session_id=session_id,
    )
    return [_prep(p) for p in assigned]


@router.post("/vials/plan", response=PlanOut)
@api_perm(VALIDATE)
def vials_plan(request: HttpRequest, payload: PlanIn) -> dict[str, Any]:
    """Plan the vials of the day's preparations not yet started (of one session, if given)."""
    summary = services.vials_plan(
        actor=request.user,
        workstation=_ws(request),
        day=payload.day or timezone.localdate(),
        session_id=payload.session_id,
    )
    return summary.as_json()


# ---------------------------------------------------------------- at the hood


def _vial(vial: PreparationVial, prep_state: str, remaining: Decimal) -> VialOut:
    return VialOut(
        id=vial.pk,
        preparation_id=vial.preparation_id,
        product_code=vial.product.code,
        source=vial.source,
        lot=vial.lot,
        lot_expiry=vial.lot_expiry,
        mg_drawn=vial.mg_drawn,
        ml_drawn=vial.ml_drawn,
        preparation_state=prep_state,
        remaining_mg=max(Decimal(0), remaining),
    )


@router.post("/preparations/{preparation_id}/scan", response={201: VialOut})
@api_perm(PREPARE)
def preparation_scan(request: HttpRequest, preparation_id: int, payload: ScanIn) -> Status[VialOut]:
    """A scanned pack (lot and expiry typed in) or an open leftover goes into the preparation;
    a refusal (wrong drug, strength, product, expired lot…) records nothing."""
    vial = services.preparation_scan(
        actor=request.user,
        workstation=_ws(request),
        preparation_id=preparation_id,
        barcode=payload.barcode,
        lot=payload.lot,
        expiry=payload.expiry,
        leftover_id=payload.leftover_id,
    )
    prep = vial.preparation
    drawn = sum((v.mg_drawn for v in prep.vials.all()), Decimal(0))
    assert prep.product is not None  # a vial was accepted: the preparation has its product
    return Status(
        201, _vial(vial, prep.state, services.dose_in_vial_units(prep, prep.product) - drawn)
    )


@router.post("/preparations/{preparation_id}/weighings", response={201: WeighingOut})
@api_perm(PREPARE)
def preparation_weigh(
    request: HttpRequest, preparation_id: int, payload: WeighIn
) -> Status[WeighingOut]:
    """The gravimetric check on the drug's own mass (the bag after the addition against
    the bag weighed before it, ``/bag-before``): a failure is recorded too (201,
    ``passed`` false) and keeps the preparation in progress."""
    weighing: Weighing = services.preparation_weigh(
        actor=request.user,
        workstation=_ws(request),
        preparation_id=preparation_id,
        measured_g=payload.measured_g,
        read_scale=payload.read_scale,
        typed_reason=payload.typed_reason,
    )
    return Status(
        201,
        WeighingOut(
            id=weighing.pk,
            preparation_id=weighing.preparation_id,
            bag_before_g=weighing.tare_g,
            measured_g=weighing.measured_g,
            added_g=weighing.added_g,
            expected_added_g=weighing.expected_added_g,
            expected_g=weighing.expected_g,
            deviation_g=weighing.deviation_g,
            deviation_percent=weighing.deviation_percent,
            tolerance_percent=weighing.tolerance_percent,
            density_assumed=weighing.density_assumed,
            source=weighing.source,
            scale_id=weighing.scale_id,
            typed=weighing.typed,
            typed_reason=weighing.typed_reason,
            passed=weighing.passed,
            message=weighing.message,
            preparation_state=weighing.preparation.state,
        ),
    )


@router.post("/preparations/{preparation_id}/bag-before", response={201: BagBeforeOut})
@api_perm(PREPARE)
def preparation_weigh_before(
    request: HttpRequest, preparation_id: int, payload: WeighIn
) -> Status[BagBeforeOut]:
    """The bag weighed before the drug is added: the reference of the drug-mass check."""
    prep = services.preparation_weigh_before(
        actor=request.user,
        workstation=_ws(request),
        preparation_id=preparation_id,
        measured_g=payload.measured_g,
        read_scale=payload.read_scale,
        typed_reason=payload.typed_reason,
    )
    assert prep.bag_before_g is not None  # set by the service
    return Status(
        201,
        BagBeforeOut(
            preparation_id=prep.pk,
            bag_before_g=prep.bag_before_g,
            source=prep.bag_before_source,
            scale_id=prep.bag_before_scale_id,
            typed=prep.bag_before_source == "typed",
            typed_reason=prep.bag_before_reason,
        ),
    )


@router.post("/preparations/{preparation_id}/release", response=PreparationOut)
@api_perm(RELEASE)
def preparation_release(request: HttpRequest, preparation_id: int) -> PreparationOut:
    prep = services.preparation_release(
        actor=request.user, workstation=_ws(request), preparation_id=preparation_id
    )
    return _prep(prep)


@router.post("/preparations/{preparation_id}/reject", response=PreparationOut)
@api_perm(RELEASE)
def preparation_reject(
    request: HttpRequest, preparation_id: int, payload: RejectIn
) -> PreparationOut:
    prep = services.preparation_reject(
        actor=request.user,
        workstation=_ws(request),
        preparation_id=preparation_id,
        reason=payload.reason,
    )
    return _prep(prep)


@router.post("/orders/{order_id}/checkout", response={201: CheckoutOut})
@api_perm(PREPARE)
def order_checkout(request: HttpRequest, order_id: int, payload: CheckoutIn) -> Status[CheckoutOut]:
    """The day's released preparations of the order into the patient bag (every label
    scanned, reconciled against the order: an incomplete bag records nothing)."""
    checkout: CheckOut = services.checkout_record(
        actor=request.user,
        workstation=_ws(request),
        order_id=order_id,
        day=payload.day or timezone.localdate(),
        label_codes=payload.label_codes,
        delivery_document=payload.delivery_document,
    )
    return Status(
        201,
        CheckoutOut(
            id=checkout.pk,
            order_id=checkout.order_id,
            order_state=TherapyOrder.objects.values_list("state", flat=True).get(
                pk=checkout.order_id
            ),
            day=checkout.day,
            delivery_document=checkout.delivery_document,
            checked_out_at=checkout.checked_out_at,
            label_codes=sorted(
                code for code in checkout.preparations.values_list("label_code", flat=True) if code
            ),
            intrathecal=checkout.intrathecal,
        ),
    )


class TransportIn(Schema):
    """Minimum and maximum of a min/max thermometer over the transport (°C)."""

    minimum_c: Decimal
    maximum_c: Decimal


class TransportOut(Schema):
    id: int
    checkout_id: int
    storage: str
    minimum_c: Decimal
    maximum_c: Decimal
    excursion: bool
    released: bool
    release_reason: str


class TransportReleaseIn(Schema):
    reason: str


def _transport(log: Any) -> TransportOut:
    return TransportOut(
        id=log.pk,
        checkout_id=log.checkout_id,
        storage=log.storage,
        minimum_c=log.minimum_c,
        maximum_c=log.maximum_c,
        excursion=log.excursions > 0,
        released=log.released_at is not None,
        release_reason=log.release_reason,
    )


@router.post("/checkouts/{checkout_id}/transport", response={201: TransportOut})
@api_perm(PREPARE)
def checkout_transport(
    request: HttpRequest, checkout_id: int, payload: TransportIn
) -> Status[TransportOut]:
    """The transport temperature of a patient bag (min/max); outside the storage range of
    its preparations the bedside blocks them until a pharmacist releases the bag."""
    log = services.transport_record(
        actor=request.user,
        workstation=_ws(request),
        checkout_id=checkout_id,
        minimum_c=payload.minimum_c,
        maximum_c=payload.maximum_c,
    )
    return Status(201, _transport(log))


@router.post("/transports/{transport_id}/release", response=TransportOut)
@api_perm(RELEASE)
def transport_release(
    request: HttpRequest, transport_id: int, payload: TransportReleaseIn
) -> TransportOut:
    """The pharmacist's reasoned release after a transport temperature excursion."""
    log = services.transport_excursion_release(
        actor=request.user,
        workstation=_ws(request),
        transport_id=transport_id,
        reason=payload.reason,
    )
    return _transport(log)
