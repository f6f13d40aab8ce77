"""The administration under way: program its pump, end it (completed or partial), or
interrupt it. When every active item of the order is done, the order is recorded as
administered through prescribing's one entry point for the loop's milestones
(``order_milestone_record``): this module never sets an order's state itself.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from corsia.administration import audit_events as events
from corsia.administration.bedside.items import NOT_STARTED, items_progress
from corsia.administration.domain.bedside import ITEM_ACTIVE, item_complete, volume_given_check
from corsia.administration.domain.pump_program import pump_program_compute
from corsia.administration.given import administration_ended_announce
from corsia.administration.models import Administration, AdministrationState, Pump, PumpProgram
from corsia.administration.permissions import ADMINISTER, NURSE_ONLY
from corsia.administration.pumps.services import pump_program_send
from corsia.audit.domain.events import EventType
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import InvalidTransition, NotFound, ValidationFailed
from corsia.prescribing import services as prescribing
from corsia.prescribing.domain.states import OrderMilestone


def administration_pump_program(
    *, actor: User, workstation: Workstation, administration_id: int, pump_serial: str
) -> PumpProgram:
    """Program a networked pump from a started administration: drug, dose, bag volume,
    duration, rate = volume / duration (checked again by the pump)."""
    require_permission(actor, ADMINISTER, message=NURSE_ONLY)
    with transaction.atomic():
        admin = Administration.objects.select_for_update().filter(pk=administration_id).first()
        if admin is None:
            raise NotFound("Somministrazione inesistente.", code="administration_not_found")
        if admin.state != AdministrationState.STARTED:
            raise InvalidTransition(
                "La somministrazione non è in corso: la pompa non va programmata.",
                code="administration_not_running",
            )
        pump = Pump.objects.filter(serial=pump_serial.strip()).first()
        if pump is None:
            raise ValidationFailed(
                f"Pompa «{pump_serial.strip()}» non registrata.",
                code="pump_unknown",
                field="pump",
            )
        if admin.volume_ml is None or not admin.duration_minutes:
            raise ValidationFailed(
                "Volume della sacca o durata non noti: programmare la pompa a mano.",
                code="pump_data_missing",
                field="pump",
            )
        if admin.route and admin.route != "iv":
            raise ValidationFailed(
                f"Via «{admin.route}»: la pompa infusionale si programma da Corsia solo per "
                "la via endovenosa.",
                code="pump_route_not_iv",
                field="pump",
            )
        packet = pump_program_compute(
            drug_code=admin.ingredient_code,
            drug_name=admin.ingredient_name,
            dose_mg=admin.dose,
            dose_unit=admin.dose_unit,
            volume_ml=admin.volume_ml,
            duration_min=admin.duration_minutes,
        )
        admin.pump = pump
        admin.rate_ml_h = packet.rate_ml_h
        fields = admin.bump(by=actor)
        admin.save(update_fields=["pump", "rate_ml_h", *fields])
        patient_ref = admin.patient.mrn
    return pump_program_send(
        pump=pump,
        packet=packet,
        actor=actor,
        workstation=workstation,
        order_id=admin.order_id,
        preparation_ref=admin.preparation_ref,
        patient_id=patient_ref,
        administration=admin,
    )


# --- end, interrupt ---------------------------------------------------------------------


def _running(administration_id: int, expected_version: int | None) -> Administration:
    admin = (
        Administration.objects.select_for_update()
        .select_related("order")
        .filter(pk=administration_id)
        .first()
    )
    if admin is None:
        raise NotFound("Somministrazione inesistente.", code="administration_not_found")
    if expected_version is not None:
        admin.check_version(expected_version)
    if admin.state != AdministrationState.STARTED:
        raise InvalidTransition(
            f"La somministrazione è già «{admin.get_state_display()}».",
            code="administration_not_running",
        )
    return admin


def _order_done(*, admin: Administration, actor: User, workstation: Workstation) -> None:
    """Every active item of the order done: the order is administered."""
    per_day = dict(
        admin.order.items.filter(status=ITEM_ACTIVE).values_list("pk", "administrations_per_day")
    )
    active = list(per_day)
    progress = items_progress(active, per_day)
    if not item_complete([progress.get(i, NOT_STARTED).progress for i in active]):
        return
    prescribing.order_milestone_record(
        actor=actor,
        workstation=workstation,
        order_id=admin.order_id,
        milestone=OrderMilestone.ADMINISTERED,
        source="letto del paziente",
        note="tutti i farmaci attivi somministrati",
    )


def _stop(
    admin: Administration,
    *,
    state: AdministrationState,
    volume_given_ml: Decimal | None,
    reason: str,
    event: EventType,
    actor: User,
    workstation: Workstation,
) -> None:
    """The running administration ends in ``state``: volume given, reason, who and when."""
    admin.state = state.value
    admin.volume_given_ml = volume_given_ml
    admin.reason = reason.strip()
    admin.ended_at = timezone.now()
    admin.ended_by = actor
    fields = admin.bump(by=actor)
    admin.save(
        update_fields=["state", "volume_given_ml", "reason", "ended_at", "ended_by", *fields]
    )
    audit_record(
        event=event,
        actor=actor,
        workstation=workstation,
        target=admin,
        patient_id=admin.patient_id,
        before={"state": AdministrationState.STARTED.value},
        after={
            "state": admin.state,
            "volume_given_ml": str(volume_given_ml) if volume_given_ml is not None else None,
        },
        reason=admin.reason,
    )
    administration_ended_announce(admin)


def administration_end(
    *,
    actor: User,
    workstation: Workstation,
    administration_id: int,
    volume_given_ml: Decimal | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Administration:
    """End the administration: completed (the whole bag) or partial (less, with reason)."""
    require_permission(actor, ADMINISTER, message=NURSE_ONLY)
    with transaction.atomic():
        admin = _running(administration_id, expected_version)
        given = volume_given_ml if volume_given_ml is not None else admin.volume_ml
        if given is not None:
            volume_given_check(volume_given_ml=given, bag_volume_ml=admin.volume_ml)
        partial = given is not None and admin.volume_ml is not None and given < admin.volume_ml
        if partial and not reason.strip():
            raise ValidationFailed(
                f"Somministrati {given} mL su {admin.volume_ml} mL: indicare il motivo della "
                "somministrazione parziale.",
                code="partial_reason_required",
                field="reason",
            )
        _stop(
            admin,
            state=AdministrationState.PARTIAL if partial else AdministrationState.COMPLETED,
            volume_given_ml=given,
            reason=reason,
            event=events.ADMINISTRATION_ENDED,
            actor=actor,
            workstation=workstation,
        )
        _order_done(admin=admin, actor=actor, workstation=workstation)
    return admin


def administration_interrupt(
    *,
    actor: User,
    workstation: Workstation,
    administration_id: int,
    volume_given_ml: Decimal,
    reason: str,
    expected_version: int | None = None,
) -> Administration:
    """Stop the administration before its end (reaction, extravasation, occlusion…): the
    volume given so far and the reason are required; the drug may be restarted later
    with a new verification, or suspended by the physician."""
    require_permission(actor, ADMINISTER, message=NURSE_ONLY)
    if not reason.strip():
        raise ValidationFailed(
            "Indicare il motivo dell'interruzione.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        admin = _running(administration_id, expected_version)
        volume_given_check(volume_given_ml=volume_given_ml, bag_volume_ml=admin.volume_ml)
        _stop(
            admin,
            state=AdministrationState.INTERRUPTED,
            volume_given_ml=volume_given_ml,
            reason=reason,
            event=events.ADMINISTRATION_INTERRUPTED,
            actor=actor,
            workstation=workstation,
        )
    return admin
