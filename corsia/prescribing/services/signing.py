"""Signing the order: the therapy sheet printed, signed (PAdES) and archived."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.documents.services import document_create
from corsia.prescribing import audit_events as events
from corsia.prescribing.domain.states import OrderEvent, OrderState
from corsia.prescribing.interactions_check import order_interactions_ensure_cleared
from corsia.prescribing.models import TherapyOrder
from corsia.prescribing.services.allergies import order_allergy_check
from corsia.prescribing.services.orders import PRESCRIBE, locked_order, order_edit_saved
from corsia.prescribing.services.pgx_check import order_pgx_check
from corsia.prescribing.services.regulatory import order_regulatory_ensure_signable
from corsia.prescribing.services.transitions import order_transition
from corsia.prescribing.therapy_sheet import sheet_context

SIGNABLE_STATES = frozenset(s.value for s in OrderState) - {
    OrderState.DRAFT.value,
    OrderState.RETURNED_TO_PRESCRIBER.value,
    OrderState.CANCELLED.value,
}


def order_sign(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    reason: str = "",
    allergy_override_reason: str = "",
    allergy_acknowledged: bool = False,
    pgx_override_reason: str = "",
    pgx_acknowledged: bool = False,
) -> TherapyOrder:
    """Print the therapy sheet, sign it (PAdES) and archive it; the order becomes read-only
    (a correction is a new order). Only a physician, once the order is confirmed.

    The patient's allergies are checked again against the active drugs: an allergy
    recorded (or a drug added) since the order was created is refused as at creation
    (``allergy_contraindicated`` / ``allergy_warning_unacknowledged``) until overridden;
    so are the pharmacogenomic results (``pgx_contraindicated`` /
    ``pgx_warning_unacknowledged``, ``pgx_override_reason`` / ``pgx_acknowledged``)."""
    require_permission(actor, PRESCRIBE, "Solo il medico può firmare la prescrizione.")
    with transaction.atomic():
        order = locked_order(order_id)
        if order.signed_at is not None:
            raise ValidationFailed("La prescrizione è già firmata.", code="order_already_signed")
        if order.state not in SIGNABLE_STATES:
            raise ValidationFailed(
                "Si firma una prescrizione confermata.", code="order_not_confirmed", field="state"
            )
        order_allergy_check(
            order=order,
            items=order.items.select_related("ingredient"),
            actor=actor,
            workstation=workstation,
            override_reason=allergy_override_reason,
            acknowledged=allergy_acknowledged,
        )
        order_pgx_check(
            order=order,
            items=order.items.select_related("ingredient"),
            actor=actor,
            workstation=workstation,
            override_reason=pgx_override_reason,
            acknowledged=pgx_acknowledged,
        )
        order_interactions_ensure_cleared(order)  # H59: the patient's other therapies
        order_regulatory_ensure_signable(order)  # registry request, 648/96, off-label consent
        document = document_create(
            actor=actor,
            workstation=workstation,
            kind="therapy_sheet",
            title=f"Prescrizione {order.regimen_version.regimen.code} ciclo {order.cycle_number}",
            patient=order.patient,
            template_code="therapy_sheet",
            context=sheet_context(order),
            source=("prescribing", "therapyorder", order.pk),
            sign=True,
            reason=reason.strip() or "Prescrizione di terapia antiblastica",
        )
        order.signed_document_id = document.pk
        order.signed_at = timezone.now()
        order.signed_by = actor
        order_edit_saved(
            order,
            actor,
            workstation,
            events.ORDER_SIGNED,
            fields=["signed_document_id", "signed_at", "signed_by"],
            after={"document": document.pk, "sha256": document.sha256},
        )
    return order


def order_confirm_and_sign(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    expected_version: int | None = None,
    allergy_override_reason: str = "",
    allergy_acknowledged: bool = False,
    pgx_override_reason: str = "",
    pgx_acknowledged: bool = False,
) -> TherapyOrder:
    """The physician's one act on a draft they have reviewed: confirm it and sign it, both
    or neither (one transaction). An order already past confirmation is only signed. Each
    step keeps its own checks, audit event and refusals (``order_transition``,
    ``order_sign``); ``expected_version`` is the version the physician reviewed."""
    require_permission(actor, PRESCRIBE, "Solo il medico può firmare la prescrizione.")
    with transaction.atomic():
        order = locked_order(order_id)
        if expected_version is not None:
            order.check_version(expected_version)
        if order.state not in SIGNABLE_STATES:
            order_transition(
                actor=actor, workstation=workstation, order_id=order_id, event=OrderEvent.CONFIRM
            )
        return order_sign(
            actor=actor,
            workstation=workstation,
            order_id=order_id,
            allergy_override_reason=allergy_override_reason,
            allergy_acknowledged=allergy_acknowledged,
            pgx_override_reason=pgx_override_reason,
            pgx_acknowledged=pgx_acknowledged,
        )
