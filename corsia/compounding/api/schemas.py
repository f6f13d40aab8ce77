"""The UFA API's request and response bodies, and the functions that fill them.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from corsia.compounding.hood_panel import HoodPanel
from corsia.compounding.models import Leftover, Preparation, PreparationVial, TransportLog
from corsia.core.schemas import Amount, IsoDate, IsoDatetime, Reason, RecordId
from corsia.drugs.services_pack_market import pack_market


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
    # «SOSPESA: …» when a late pharmacogenomic result holds the drug (every compounding
    # action refused until acknowledged); "" otherwise
    on_hold: str = ""


class PreparationOut(Schema):
    id: int
    version: int
    label_code: str | None
    order_id: int
    order_item_id: int
    ingredient: str
    scheduled_date: IsoDate
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
    expiry_at: IsoDatetime | None
    storage: str
    planned_vials: list[dict[str, Any]]
    session_id: int | None


def preparation_out(prep: Preparation) -> PreparationOut:
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

    item_ids: list[RecordId] | None = None
    # a pharmacogenomic result recorded after the order was signed: the pharmacist's reason
    # (422 pgx_contraindicated without it) or acknowledgement (422 pgx_warning_unacknowledged)
    pgx_override_reason: Reason = ""
    pgx_acknowledged: bool = False


class CompleteIn(Schema):
    product_id: RecordId | None = None
    diluent: str | None = None
    bag_volume_ml: Amount | None = Field(default=None, gt=0)


class SessionIn(Schema):
    hood_id: RecordId
    technician_id: RecordId
    day: IsoDate | None = None
    preparation_ids: list[RecordId] = []


class SessionOut(Schema):
    id: int
    day: IsoDate
    hood: str
    technician: str
    preparations: list[PreparationOut]


class AssignIn(Schema):
    preparation_ids: list[RecordId] = Field(min_length=1)


class PlanIn(Schema):
    day: IsoDate | None = None
    session_id: RecordId | None = None


class PlanOut(Schema):
    day: IsoDate
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
    """A pack's barcode (a GS1 DataMatrix carries lot, expiry and serial: ``lot`` and
    ``expiry`` only when the code lacks them, e.g. a Code 39 AIC stamp), or an open
    leftover."""

    barcode: str = ""
    lot: str = ""
    expiry: IsoDate | None = None
    leftover_id: RecordId | None = None
    # a pharmacist's reason to use a pack withdrawn from the market (else 422 pack_withdrawn)
    withdrawn_override_reason: str = Field(default="", max_length=1000)


class VialOut(Schema):
    id: int
    preparation_id: int
    product_code: str
    source: str
    lot: str
    lot_expiry: IsoDate
    serial: str
    leftover_id: int | None
    mg_drawn: Decimal
    ml_drawn: Decimal
    preparation_state: str
    remaining_mg: Decimal
    # the pack's open shortage (AIFA), "" when none: shown, never a block
    market_warning: str = ""


class WeighIn(Schema):
    """A weight typed by hand (``measured_g`` with ``typed_reason``) or read from the
    hood's configured balance (``read_scale``: true, nothing else)."""

    measured_g: Amount | None = Field(default=None, gt=0)
    read_scale: bool = False
    typed_reason: Reason = ""


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
    reason: Reason


class CheckoutIn(Schema):
    day: IsoDate | None = None
    label_codes: list[str] = Field(min_length=1)
    delivery_document: str


class CheckoutOut(Schema):
    id: int
    order_id: int
    order_state: str
    day: IsoDate
    delivery_document: str
    checked_out_at: IsoDatetime
    label_codes: list[str]
    intrathecal: bool = False


class HoodOut(Schema):
    id: int
    code: str
    name: str


def vial_out(
    vial: PreparationVial, prep_state: str, remaining: Decimal, *, market_warning: str | None = None
) -> VialOut:
    """``market_warning``: the pack's shortage warning when the caller has it (else read)."""
    if market_warning is None:
        market_warning = pack_market(vial.pack).shortage_warning() if vial.pack else ""
    return VialOut(
        id=vial.pk,
        preparation_id=vial.preparation_id,
        product_code=vial.product.code,
        source=vial.source,
        lot=vial.lot,
        lot_expiry=vial.lot_expiry,
        serial=vial.serial,
        leftover_id=vial.leftover_id,
        mg_drawn=vial.mg_drawn,
        ml_drawn=vial.ml_drawn,
        preparation_state=prep_state,
        remaining_mg=max(Decimal(0), remaining),
        market_warning=market_warning,
    )


class TransportIn(Schema):
    """Minimum and maximum of a min/max thermometer over the transport (°C)."""

    minimum_c: Amount
    maximum_c: Amount


class TransportOut(Schema):
    id: int
    checkout_id: int
    storage: str
    minimum_c: Decimal
    maximum_c: Decimal
    excursion: bool
    minutes_outside: int
    released: bool
    release_reason: str
    rejected: bool
    reject_reason: str


class TransportReleaseIn(Schema):
    reason: Reason


def transport_out(log: TransportLog) -> TransportOut:
    return TransportOut(
        id=log.pk,
        checkout_id=log.checkout_id,
        storage=log.storage,
        minimum_c=log.minimum_c,
        maximum_c=log.maximum_c,
        excursion=log.excursions > 0,
        minutes_outside=log.minutes_outside,
        released=log.released_at is not None,
        release_reason=log.release_reason,
        rejected=log.rejected_at is not None,
        reject_reason=log.reject_reason,
    )


class PlannedVialOut(Schema):
    product_code: str
    product_name: str
    mg: Decimal
    new: bool
    strength_mg: Decimal | None
    leftover_id: int | None


class TargetWeightOut(Schema):
    """The drug's expected mass and the band the weighing accepts; with the bag weighed
    before the addition, the reading the balance should show after it (``target_g``,
    between ``low_g`` and ``high_g``)."""

    expected_added_g: Decimal
    tolerance_percent: Decimal
    band_g: Decimal
    on_drawn: bool
    density_assumed: bool
    bag_before_g: Decimal | None
    target_g: Decimal | None
    low_g: Decimal | None
    high_g: Decimal | None


class LeftoverOut(Schema):
    id: int
    product_code: str
    lot: str
    serial: str
    lot_expiry: IsoDate
    volume_ml: Decimal
    mg_available: Decimal
    expires_at: IsoDatetime
    state: str
    volume_recorded_at: IsoDatetime | None


class NextPreparationOut(Schema):
    id: int
    label_code: str
    ingredient: str
    patient: str


class HoodPanelOut(Schema):
    """What the hood page shows beside the preparation (``hood_panel``)."""

    preparation_id: int
    state: str
    remaining: Decimal
    unit: str
    plan_computed: bool
    plan_problem: str
    plan: list[PlannedVialOut]
    target: TargetWeightOut | None
    target_problem: str
    leftovers_to_record: list[LeftoverOut]
    leftovers_to_discard: list[LeftoverOut]
    next_preparation: NextPreparationOut | None


class LeftoverVolumeIn(Schema):
    """The volume seen left in a part-used vial (kept), or ``waste``: thrown away."""

    volume_ml: Amount | None = Field(default=None, ge=0)
    waste: bool = False


def leftover_out(leftover: Leftover) -> LeftoverOut:
    return LeftoverOut(
        id=leftover.pk,
        product_code=leftover.product.code,
        lot=leftover.lot,
        serial=leftover.serial,
        lot_expiry=leftover.lot_expiry,
        volume_ml=leftover.volume_ml,
        mg_available=leftover.mg_available.quantize(Decimal("0.0001")),
        expires_at=leftover.expires_at,
        state=leftover.state,
        volume_recorded_at=leftover.volume_recorded_at,
    )


def hood_panel_out(prep: Preparation, panel: HoodPanel) -> HoodPanelOut:
    target = panel.target
    return HoodPanelOut(
        preparation_id=prep.pk,
        state=prep.state,
        remaining=panel.remaining,
        unit=panel.unit,
        plan_computed=panel.plan.computed,
        plan_problem=panel.plan.problem,
        plan=[PlannedVialOut(**v.__dict__) for v in panel.plan.vials],  # leftover_lot ignored
        target=TargetWeightOut(**target.__dict__) if target is not None else None,
        target_problem=panel.target_problem,
        leftovers_to_record=[leftover_out(x) for x in panel.leftovers_to_record],
        leftovers_to_discard=[leftover_out(x) for x in panel.leftovers_to_discard],
        next_preparation=NextPreparationOut(**panel.next_preparation.__dict__)
        if panel.next_preparation is not None
        else None,
    )
