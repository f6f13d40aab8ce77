"""What the services of the ward therapy share: the prescription's input, its lock, its
snapshot for the audit, the reason rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from corsia.core.actors import Workstation, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.therapy.models import PrescriptionStatus, WardPrescription


@dataclass(frozen=True)
class PrescriptionInput:
    """What the physician writes: the drug (an archive ingredient, optionally one of its
    products), dose and unit, route, and the timing of its frequency."""

    ingredient_id: int
    dose: Decimal | None
    dose_unit: str
    route: str
    frequency: str
    product_id: int | None = None
    times: tuple[str, ...] = ()
    start_date: date | None = None
    days: int | None = None
    single_at: datetime | None = None
    prn_indication: str = ""
    prn_min_interval_hours: Decimal | None = None
    prn_max_per_day: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class Decision:
    """What the physician says to go past the checks: one reason for the hard stops
    (limits, a severe allergy, a contraindicated interaction); acknowledging the warnings
    (a mild allergy)."""

    override_reason: str = ""
    acknowledged: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def label120(workstation: Workstation) -> str:
    return workstation_label(workstation)[:120]


def required_reason(reason: str) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationFailed("Indica il motivo.", code="reason_required", field="reason")
    if len(text) > 1000:
        raise ValidationFailed("Motivo troppo lungo.", code="reason_too_long", field="reason")
    return text


def prescription_for_update(prescription_id: int) -> WardPrescription:
    """The prescription, its row locked for the caller's transaction (the row is the one
    lock of every write on it and on its doses: no deadlock between two of them)."""
    found = (
        WardPrescription.objects.select_for_update(of=("self",))
        .select_related("ingredient")
        .filter(pk=prescription_id)
        .first()
    )
    if found is None:
        raise NotFound("Prescrizione di reparto inesistente.", code="prescription_not_found")
    return found


def ensure_active(prescription: WardPrescription) -> None:
    if prescription.status != PrescriptionStatus.ACTIVE:
        raise ConflictError(
            f"La prescrizione non è più attiva ({prescription.get_status_display().lower()}).",
            code="prescription_not_active",
        )


def snapshot(p: WardPrescription) -> dict[str, Any]:
    return {
        "id": p.pk,
        "ingredient": p.ingredient.code,
        "product_id": p.product_id,
        "dose": format(p.dose.normalize(), "f"),
        "dose_unit": p.dose_unit,
        "route": p.route,
        "frequency": p.frequency,
        "times": list(p.times),
        "start_date": p.start_date.isoformat(),
        "days": p.days,
        "single_at": p.single_at.isoformat() if p.single_at else None,
        "prn_indication": p.prn_indication,
        "prn_min_interval_hours": (
            str(p.prn_min_interval_hours) if p.prn_min_interval_hours is not None else None
        ),
        "prn_max_per_day": p.prn_max_per_day,
        "status": p.status,
        "replaces": p.replaces_id,
    }
