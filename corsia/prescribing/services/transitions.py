"""The order's life: the decisions taken on it (``order_transition``) and the closed
loop's milestones other modules record (``order_milestone_record``), through the
transition table (``domain/states.py``), the only place its state changes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from corsia.accounts.selectors import user_roles
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.prescribing import audit_events as events
from corsia.prescribing.cumulative import order_cumulative_ensure
from corsia.prescribing.domain.states import (
    EVENT_LABELS_IT,
    MILESTONE_LABELS_IT,
    MilestoneStep,
    OrderEvent,
    OrderMilestone,
    OrderState,
    authorise_transition,
    ensure_decision,
    may_fire,
    milestone_plan,
)
from corsia.prescribing.dosing_basis import order_measures_check
from corsia.prescribing.interactions_check import order_interactions_ensure_cleared
from corsia.prescribing.models import ItemStatus, OrderTransition, TherapyOrder
from corsia.prescribing.services.orders import VIEW, locked_order, touch_order
from corsia.prescribing.services.pgx_check import PHARMACIST, order_pgx_check
from corsia.prescribing.services.regulatory import order_regulatory_ensure_validatable
from corsia.prescribing.services.validation import order_authors, stamp_validation

_STAMPS: dict[OrderEvent, tuple[str, str]] = {
    OrderEvent.CONFIRM: ("confirmed_by", "confirmed_at"),
    OrderEvent.VALIDATE: ("validated_by", "validated_at"),
    OrderEvent.TAKE_CHARGE: ("taken_in_charge_by", "taken_in_charge_at"),
}


def _ready_to_confirm(order: TherapyOrder) -> None:
    blocked = [
        i
        for i in order.items.select_related("ingredient")
        if i.status == ItemStatus.ACTIVE and i.is_blocked
    ]
    if blocked:
        item = blocked[0]
        pending = item.pending_blocks
        raise ValidationFailed(
            " ".join(b.message for b in pending)
            + " Ridurre la dose o indicare il motivo del superamento per questa dose.",
            code="order_blocked_by_limit",
            field="override_reason",
            details={
                "item_id": item.pk,
                "checks": [b.code for b in pending],
                "items": [i.pk for i in blocked],
            },
        )
    order_cumulative_ensure(order_id=order.pk)  # the history may have grown since the draft
    # newer measures than the doses' (rule 4 for weight) or measures now too old
    order_measures_check(order=order, stage="confirm")


def order_decisions_possible(actor: User) -> bool:
    """Whether any of the actor's roles takes part in an order's life — a decision, or a
    milestone its own module records (the nurse's administration, which the transitions
    operation then refuses as ``transition_not_allowed_here``, 409). A trial monitor or an
    auditor reads orders and takes part in none."""
    roles = set(user_roles(actor))
    return any(may_fire(e, roles) for e in OrderEvent)


def order_transition(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    event: str | OrderEvent,
    expected_version: int | None = None,
    reason: str = "",
    pgx_override_reason: str = "",
    pgx_acknowledged: bool = False,
) -> TherapyOrder:
    """Take one DECISION on the order (confirm, send, validate, return, take charge,
    suspend, resume, cancel…): who, when, where, why recorded.

    The closed loop's milestones (preparation, delivery, administration) are refused
    here (``transition_not_allowed_here``): only :func:`order_milestone_record`, called by
    the services that checked them, records them.

    Validation checks the patient's pharmacogenomic results again: one recorded after the
    order was signed, that nobody has gone past, refuses it (``pgx_contraindicated`` /
    ``pgx_warning_unacknowledged``) until the pharmacist overrides it with a reason
    (``pgx_override_reason``) or acknowledges it (``pgx_acknowledged``); kept on the order
    and audited."""
    require_permission(actor, VIEW, "Non hai accesso alle prescrizioni.")
    try:
        what = OrderEvent(event)
    except ValueError:
        raise ValidationFailed(
            f"Evento sconosciuto: «{event}».", code="order_event_unknown", field="event"
        ) from None
    ensure_decision(what)
    with transaction.atomic():
        order = locked_order(order_id)
        if expected_version is not None:
            order.check_version(expected_version)
        before = OrderState(order.state)
        target = authorise_transition(
            before,
            what,
            actor_id=actor.pk,
            actor_roles=user_roles(actor),
            prescriber_id=order.prescriber_id,
            reason=reason,
            authors=order_authors(order) if what is OrderEvent.VALIDATE else (),
        )
        if what is OrderEvent.CONFIRM:
            _ready_to_confirm(order)
        elif what in (OrderEvent.VALIDATE, OrderEvent.TAKE_CHARGE):
            order_cumulative_ensure(order_id=order.pk)  # another order may have been confirmed
            order_measures_check(order=order, stage=what.value)
            order_interactions_ensure_cleared(order)  # H59: what the patient takes now
        if what is OrderEvent.VALIDATE:
            order_pgx_check(
                order=order,
                items=order.items.select_related("ingredient"),
                actor=actor,
                workstation=workstation,
                override_reason=pgx_override_reason,
                acknowledged=pgx_acknowledged,
                role=PHARMACIST,
            )
            order_regulatory_ensure_validatable(order)  # or the pharmacist's override
        _fire_event(order, what, target, actor=actor, workstation=workstation, reason=reason)
    return order


# Decisions that give the order back to the physician: its validation no longer holds.
_UNVALIDATING = frozenset({OrderEvent.REVISE, OrderEvent.RETURN_TO_PRESCRIBER, OrderEvent.RESUME})


def _fire_event(
    order: TherapyOrder,
    what: OrderEvent,
    target: OrderState,
    *,
    actor: User,
    workstation: Workstation,
    reason: str,
) -> None:
    """The only place an order's state changes (the order row is locked, the arrow
    authorised by the caller): stamps, transition row, audit event."""
    before = order.state
    now = timezone.now()
    extra = ["state", "state_reason"]
    if what in _STAMPS:
        by_field, at_field = _STAMPS[what]
        setattr(order, by_field, actor)
        setattr(order, at_field, now)
        extra += [by_field, at_field]
    if what is OrderEvent.VALIDATE:
        stamp_validation(order, order.items.all(), actor, now)
    if what in _UNVALIDATING:
        order.validated_by, order.validated_at = None, None
        extra += ["validated_by", "validated_at"]
    order.state = target.value
    order.state_reason = reason.strip()
    touch_order(order, actor, extra)
    OrderTransition.objects.create(
        order=order,
        from_state=before,
        to_state=target.value,
        event=what.value,
        actor=actor,
        workstation=workstation_label(workstation),
        at=now,
        reason=reason.strip(),
    )
    audit_record(
        event=events.ORDER_TRANSITION,
        actor=actor,
        workstation=workstation,
        target=order,
        patient_id=order.patient_id,
        before={"state": before},
        after={"state": target.value, "event": what.value},
        reason=reason.strip(),
    )


def order_milestone_record(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    milestone: str | OrderMilestone,
    source: str,
    note: str = "",
) -> MilestoneStep:
    """Record a fact of the closed loop on the order; the one entry point for the other
    modules (compounding: preparation started/completed, check-out; bedside: received,
    administered). Idempotent: an order already at or after the milestone is left alone.

    ``source`` names the recording service (and its object, e.g. the preparation's label);
    it is kept in the transition's reason and in the audit trail. An order that has not
    reached the milestone's arrow yet (ward drugs only, a later day) is left alone; one
    that is suspended, cancelled or back with the physician is not moved either, and the
    event is audited as not applied: the calling service keeps its own refusals."""
    try:
        reached = OrderMilestone(milestone)
    except ValueError:
        raise ValidationFailed(
            f"Traguardo sconosciuto: «{milestone}».", code="order_milestone_unknown"
        ) from None
    with transaction.atomic():
        order = locked_order(order_id)
        step, path = milestone_plan(OrderState(order.state), reached)
        if step in (MilestoneStep.ALREADY_REACHED, MilestoneStep.NOT_YET):
            return step
        why = f"{MILESTONE_LABELS_IT[reached].capitalize()} ({source.strip()})"
        if note.strip():
            why = f"{why}: {note.strip()}"
        if step is MilestoneStep.NOT_APPLICABLE:
            audit_record(
                event=events.ORDER_MILESTONE_NOT_APPLIED,
                actor=actor,
                workstation=workstation,
                target=order,
                patient_id=order.patient_id,
                before={"state": order.state},
                after={"milestone": reached.value, "source": source},
            )
            return step
        roles = user_roles(actor)
        for event in path:
            if not may_fire(event, roles):
                raise PermissionRefused(
                    f"Il tuo ruolo non può registrare «{EVENT_LABELS_IT[event]}».",
                    details={"event": event.value},
                )
        for event in path:
            target = authorise_transition(
                OrderState(order.state),
                event,
                actor_id=actor.pk,
                actor_roles=roles,
                prescriber_id=order.prescriber_id,
                reason=why,
            )
            _fire_event(order, event, target, actor=actor, workstation=workstation, reason=why)
    return step
