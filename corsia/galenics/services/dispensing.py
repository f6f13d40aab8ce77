"""Units of a released batch dispensed to a patient or a ward, recorded."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.galenics import audit_events as events
from corsia.galenics.domain.units import checked_amount, decimal_text
from corsia.galenics.models import Batch, BatchState, Dispensing
from corsia.galenics.permissions import DISPENSE
from corsia.galenics.services.common import batch_for_update, clean_text, clock
from corsia.patients.selectors import care_wards, patient_get


def dispensed_quantity(batch: Batch) -> Decimal:
    total = batch.dispensings.aggregate(total=Sum("quantity"))["total"]
    return total if total is not None else Decimal(0)


def batch_dispense(
    *,
    actor: User,
    workstation: Workstation,
    batch_id: int,
    quantity: Decimal,
    patient_id: int | None = None,
    ward_code: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Dispensing:
    """Dispense ``quantity`` batch units to a patient or a ward. Refusals:
    ``batch_not_released``, ``batch_rejected``, ``batch_expired`` (past its beyond-use date),
    ``recipient_required``, ``ward_unknown``, ``quantity_invalid``,
    ``dispense_exceeds_batch``."""
    require_permission(actor, DISPENSE, "Non hai il permesso di dispensare i galenici.")
    amount = checked_amount(quantity, "quantity")
    text = clean_text(note, "note", limit=500)
    ward = None
    if ward_code:
        ward = next((w for w in care_wards() if w.code == ward_code.strip()[:20]), None)
        if ward is None:
            raise ValidationFailed("Reparto sconosciuto.", code="ward_unknown", field="ward")
    patient = patient_get(user=actor, patient_id=patient_id) if patient_id else None
    if patient is None and ward is None:
        raise ValidationFailed(
            "Indica il paziente o il reparto.", code="recipient_required", field="patient"
        )
    moment = clock(now)
    with transaction.atomic():
        batch = batch_for_update(batch_id)
        if batch.state == BatchState.REJECTED:
            raise ConflictError(
                "Il lotto è stato respinto: non si dispensa.", code="batch_rejected"
            )
        if batch.state != BatchState.RELEASED:
            raise ConflictError("Il lotto non è rilasciato.", code="batch_not_released")
        if batch.beyond_use is not None and timezone.localtime(moment).date() > batch.beyond_use:
            raise ConflictError(
                f"Il lotto è scaduto il {batch.beyond_use:%d/%m/%Y}.", code="batch_expired"
            )
        left = batch.quantity - dispensed_quantity(batch)
        if amount > left:
            raise ConflictError(
                f"Restano {decimal_text(left)} {batch.formula.batch_unit} del lotto.",
                code="dispense_exceeds_batch",
                field="quantity",
            )
        row = Dispensing.objects.create(
            batch=batch,
            quantity=amount,
            patient=patient,
            ward=ward,
            note=text,
            dispensed_by=actor,
        )
        audit_record(
            event=events.BATCH_DISPENSED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=patient.pk if patient else None,
            after={
                "batch": batch.number,
                "quantity": f"{amount}",
                "ward": ward.code if ward else "",
            },
        )
    return row
