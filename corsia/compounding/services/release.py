"""The pharmacist's release of a weighed preparation — an independent check: whoever
prepared or weighed it cannot release it — or its rejection with a reason. The release
unloads the vials used from the stock (inventory's ledger, charged to the ward) and,
with the day's last preparation of the order, records "preparation completed"."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.compounding import audit_events as events
from corsia.compounding.domain.workflow import PrepEvent, PrepState
from corsia.compounding.models import Preparation, PreparationVial, VialSource, Weighing
from corsia.compounding.services.pgx_hold import ensure_preparation_not_held
from corsia.compounding.services.steps import (
    RELEASE,
    clock,
    fire,
    locked_preparation,
    milestone_record,
    save_preparation,
)
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import (
    ConflictError,
    CorsiaError,
    PermissionRefused,
    ValidationFailed,
)
from corsia.inventory.selectors import lot_location, ward_cost_center
from corsia.inventory.services import stock_unload
from corsia.prescribing.domain.states import OrderMilestone


def _stock_unload_after_release(
    prep: Preparation, vials: list[PreparationVial], actor: User, workstation: Workstation
) -> None:
    """Unload every new vial the preparation used from the stock that holds its lot,
    charged to the cost centre of the order's ward.

    The release is a clinical act and is not blocked by the stock: when the lot is not in
    the stock (or not enough of it), the shortfall is recorded as an audit event for the
    pharmacist to rectify the stock, and the release goes on.
    """
    cost_center = ward_cost_center(ward_id=prep.order.ward_id)
    for vial in (v for v in vials if v.source == VialSource.NEW):
        location = lot_location(product_id=vial.product_id, lot=vial.lot)
        problem = ""
        if cost_center is None:
            problem = "reparto della prescrizione senza centro di costo"
        elif location is None:
            problem = f"lotto {vial.lot} di {vial.product.name} non presente in magazzino"
        else:
            try:
                with transaction.atomic():
                    stock_unload(
                        actor=actor,
                        workstation=workstation,
                        product=vial.product,
                        quantity=1,
                        location=location,
                        cost_center=cost_center,
                        reference=f"preparation:{prep.label_code}",
                        lot=vial.lot,
                        now=prep.released_at or timezone.now(),
                        patient=prep.order.patient,
                    )
            except CorsiaError as error:
                problem = error.message
        audit_record(
            event=events.STOCK_NOT_UNLOADED if problem else events.STOCK_UNLOADED,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            after={"product": vial.product.code, "lot": vial.lot, "problem": problem},
        )


def _ensure_independent_releaser(
    prep: Preparation, actor: User, vials: list[PreparationVial], weighings: list[Weighing]
) -> None:
    preparers = {prep.technician_id, prep.bag_before_by_id}
    preparers |= {v.scanned_by_id for v in vials}
    preparers |= {w.recorded_by_id for w in weighings}
    if actor.pk in preparers:
        raise PermissionRefused(
            "Hai allestito o pesato questa preparazione: il rilascio spetta a un altro "
            "farmacista (doppio controllo indipendente).",
            code="release_by_preparer",
            details={"preparation": prep.label_code},
        )


def preparation_release(
    *, actor: User, workstation: Workstation, preparation_id: int, now: datetime | None = None
) -> Preparation:
    """The pharmacist releases a weighed preparation (last weighing within tolerance).

    Independent check: whoever prepared it (scanned a vial, weighed the bag or the
    preparation, or is its technician) cannot release it (``release_by_preparer``)."""
    require_permission(actor, RELEASE, "Non hai il permesso di rilasciare le preparazioni.")
    moment = clock(now)
    with transaction.atomic():
        prep = locked_preparation(preparation_id, also=("order__patient",))  # the unload's
        # the vials and weighings read once: who made it, the last weighing, the unload
        vials = list(prep.vials.select_related("product"))
        weighings = list(prep.weighings.order_by("-recorded_at", "-pk"))
        _ensure_independent_releaser(prep, actor, vials, weighings)
        ensure_preparation_not_held(prep)
        last = weighings[0] if weighings else None
        if last is None or not last.passed:
            raise ConflictError(
                "Controllo gravimetrico assente o fuori tolleranza: la preparazione non può "
                "essere rilasciata.",
                code="gravimetric_not_passed",
            )
        fields = fire(prep, PrepEvent.RELEASE)
        prep.released_by, prep.released_at = actor, moment
        save_preparation(prep, actor, [*fields, "released_by", "released_at"])
        _stock_unload_after_release(prep, vials, actor, workstation)
        audit_record(
            event=events.PREPARATION_RELEASED,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            after={"label": prep.label_code},
        )
        open_left = (
            Preparation.objects.filter(order_id=prep.order_id, scheduled_date=prep.scheduled_date)
            .exclude(state__in=[PrepState.RELEASED, PrepState.CHECKED_OUT, PrepState.REJECTED])
            .exists()
        )
        if not open_left:
            milestone_record(
                actor,
                workstation,
                prep.order_id,
                OrderMilestone.PREPARATION_COMPLETED,
                f"UFA, preparazioni del {prep.scheduled_date:%d/%m/%Y} rilasciate",
            )
    return prep


def preparation_reject(
    *, actor: User, workstation: Workstation, preparation_id: int, reason: str
) -> Preparation:
    require_permission(actor, RELEASE, "Non hai il permesso di scartare le preparazioni.")
    if not reason.strip():
        raise ValidationFailed(
            "Indicare il motivo dello scarto.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        prep = locked_preparation(preparation_id)
        fields = fire(prep, PrepEvent.REJECT)
        prep.state_reason = reason.strip()
        save_preparation(prep, actor, [*fields, "state_reason"])
        audit_record(
            event=events.PREPARATION_REJECTED,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            reason=reason.strip(),
        )
    return prep
