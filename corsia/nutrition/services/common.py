"""What every act on an order shares: the order locked for the act, clean text, the
patient's weight and age from the chart, the bag computed from the lines, the snapshot
written in the audit trail, a bag's label scanned and checked (prepared, not expired)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import timezone

from corsia.core.actors import User
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.core.domain.text import has_unsafe_characters
from corsia.nutrition import reference
from corsia.nutrition.domain.bag_scan import order_id_from_payload
from corsia.nutrition.domain.checks import Assessment, Patient, Route, assess
from corsia.nutrition.domain.composition import Item, Unit
from corsia.nutrition.domain.label import bag_expiry
from corsia.nutrition.domain.limits import NEONATAL_DAYS
from corsia.nutrition.models import AgeGroup, NutritionOrder, OrderState
from corsia.nutrition.selectors import nutrition_settings
from corsia.patients.selectors import patient_get
from corsia.prescribing.dosing_basis import latest_measures

MAX_TEXT = 2000
MAX_LINES = 40
MAX_SCAN = 64  # characters of a scanner read (a label or a wristband)
ADULT_DAYS = Decimal(18) * Decimal("365.25")


@dataclass(frozen=True)
class LineInput:
    code: str
    amount: Decimal
    unit: str


@dataclass(frozen=True)
class ChartWeight:
    weight_kg: Decimal | None
    measured_at: datetime | None


def clean_text(value: str, field: str, *, required: str = "") -> str:
    """Text without NUL bytes, trimmed, within ``MAX_TEXT``; ``required``: the message
    when empty (code ``<field>_required``)."""
    text = (value or "").strip()
    if has_unsafe_characters(text):
        raise ValidationFailed(
            "Il testo contiene caratteri non ammessi.", code="invalid_characters", field=field
        )
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            f"Il testo supera {MAX_TEXT} caratteri.", code="text_too_long", field=field
        )
    if required and not text:
        raise ValidationFailed(required, code=f"{field}_required", field=field)
    return text


def items_of(lines: Sequence[LineInput]) -> list[Item]:
    """The lines as the domain's items; an unknown unit or a malformed amount refused."""
    if len(lines) > MAX_LINES:
        raise ValidationFailed(
            f"Al massimo {MAX_LINES} componenti.", code="too_many_components", field="lines"
        )
    items = []
    for index, line in enumerate(lines):
        try:
            unit = Unit(str(line.unit))
        except ValueError:
            raise ValidationFailed(
                f"Unità non ammessa: «{str(line.unit)[:10]}».",
                code="unit_not_applicable",
                field=f"lines.{index}.unit",
            ) from None
        try:
            amount = Decimal(line.amount)
        except (InvalidOperation, TypeError, ValueError):
            raise ValidationFailed(
                "Quantità non valida.", code="amount_out_of_range", field=f"lines.{index}.amount"
            ) from None
        items.append(Item(str(line.code).strip()[:40], amount, unit))
    return items


def chart_weight(patient_id: int) -> ChartWeight:
    """The newest weight of the patient's chart (prescribing's measures, as the dosing of
    chemotherapy and ward therapy uses them)."""
    row = latest_measures(patient_id).weight_kg
    return ChartWeight(row.value if row else None, row.measured_at if row else None)


def age_days_on(born: date, on: date) -> Decimal:
    return Decimal((on - born).days)


def age_group_of(age_days: Decimal) -> AgeGroup:
    if age_days < NEONATAL_DAYS:
        return AgeGroup.NEONATAL
    if age_days < ADULT_DAYS:
        return AgeGroup.PAEDIATRIC
    return AgeGroup.ADULT


def compute(
    *,
    weight: ChartWeight,
    age_days: Decimal,
    route: str,
    preterm: bool,
    items: Sequence[Item],
    infusion_hours: Decimal,
    check_weight_age: bool = True,
) -> Assessment:
    """The bag on ``weight``: refusals (``weight_missing``, ``weight_stale``, …) raise."""
    measured_on = (
        timezone.localdate(weight.measured_at)
        if weight.measured_at is not None and check_weight_age
        else None
    )
    return assess(
        patient=Patient(
            weight_kg=weight.weight_kg,
            route=Route(route),
            age_days=age_days,
            preterm=preterm,
            weight_measured_on=measured_on,
        ),
        items=items,
        infusion_hours=infusion_hours,
        catalogue=reference.catalogue(),
        limits=reference.limits(),
        curves=reference.curves(),
        today=timezone.localdate(),
        settings=nutrition_settings(),
    )


def order_items(order: NutritionOrder) -> list[Item]:
    return [Item(line.code, line.amount, Unit(line.unit)) for line in order.lines.all()]


def order_for_update(*, actor: User, order_id: int) -> NutritionOrder:
    """The order, locked for this transaction, within the actor's reach (an out-of-scope
    patient's order is as if it did not exist)."""
    order = NutritionOrder.objects.select_for_update(of=("self",)).filter(pk=order_id).first()
    if order is None:
        raise NotFound("Nutrizione parenterale non trovata.", code="nutrition_order_not_found")
    patient_get(user=actor, patient_id=order.patient_id)
    return order


def ensure_state(order: NutritionOrder, *states: OrderState) -> None:
    if order.state not in {s.value for s in states}:
        raise ConflictError(
            f"La nutrizione parenterale è «{OrderState(order.state).label}»: "
            "operazione non ammessa in questo stato.",
            code="nutrition_order_wrong_state",
            details={"state": order.state},
        )


def snapshot(order: NutritionOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "state": order.state,
        "age_group": order.age_group,
        "mode": order.mode,
        "route": order.route,
        "infusion_hours": f"{order.infusion_hours}",
        "for_date": order.for_date.isoformat(),
        "weight_kg": f"{order.weight_kg}" if order.weight_kg is not None else None,
        "weight_measured_at": (
            order.weight_measured_at.isoformat() if order.weight_measured_at else None
        ),
        "prescriber": order.prescriber_id,
        "blocked": order.blocked,
        "version": order.version,
    }


# --- a bag's label scanned (the pharmacy's check-out, the bedside start) -----------------


def stability_hours() -> int:
    return int(getattr(settings, "CORSIA_NUTRITION_STABILITY_HOURS", 24))


def scan_text(raw: str, field: str) -> str:
    """A scanner's read, trimmed: empty, with control characters or over ``MAX_SCAN``
    characters is refused (``scan_malformed``, on ``field``)."""
    text = (raw or "").strip()
    if not text or has_unsafe_characters(text) or len(text) > MAX_SCAN:
        raise ValidationFailed(
            "Lettura non valida: ripeti la scansione.", code="scan_malformed", field=field
        )
    return text


def scanned_bag(actor: User, raw: str) -> NutritionOrder:
    """The order a scanned label names, locked; refusals name the label."""
    order_id = order_id_from_payload(scan_text(raw, "label"))
    if order_id is None:
        raise ValidationFailed(
            "L'etichetta letta non è di una sacca NPT.", code="label_unreadable", field="label"
        )
    try:
        return order_for_update(actor=actor, order_id=order_id)
    except NotFound:
        raise ValidationFailed(
            "Nessuna sacca NPT con questa etichetta.", code="bag_unknown", field="label"
        ) from None


def bag_expiry_checked(order: NutritionOrder, now: datetime) -> None:
    """A bag past its stability (from its preparation) is refused: ``bag_expired``."""
    assert order.prepared_at is not None
    expires = bag_expiry(order.prepared_at, stability_hours())
    if now > expires:
        raise ValidationFailed(
            f"Sacca scaduta il {timezone.localtime(expires):%d/%m/%Y %H:%M}: non si usa.",
            code="bag_expired",
            field="label",
            details={"expired_at": expires.isoformat()},
        )


def bag_prepared_checked(order: NutritionOrder) -> None:
    """Only a compounded (prepared) bag leaves the pharmacy or starts: ``bag_not_prepared``."""
    if order.state != OrderState.PREPARED:
        raise ValidationFailed(
            f"La sacca è «{OrderState(order.state).label}»: non è una sacca allestita da avviare.",
            code="bag_not_prepared",
            field="label",
            details={"state": order.state},
        )
