"""The bag's closed loop after validation: compounded and weighed in the pharmacy (the
gravimetric check), checked out to the ward (its label scanned); the bedside start and
end are in ``bedside.py``; the label's scan checks both use are in ``common.py``.

A weighing out of tolerance is kept (who, when, where, measured, expected, deviation)
and then refused (``gravimetric_out_of_tolerance``): the bag stays unprepared. Every other
refusal writes nothing."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.nutrition import audit_events as events
from corsia.nutrition import reference
from corsia.nutrition.domain.gravimetric import (
    BagPart,
    BagWeighing,
    bag_weighing,
    expected_net_weight,
)
from corsia.nutrition.models import BagWeighing as WeighingRow
from corsia.nutrition.models import NutritionOrder, OrderState
from corsia.nutrition.permissions import PREPARE
from corsia.nutrition.selectors import order_assessment
from corsia.nutrition.services.common import (
    bag_expiry_checked,
    bag_prepared_checked,
    ensure_state,
    order_for_update,
    scanned_bag,
    snapshot,
)


def tolerance_percent() -> Decimal:
    """± % (inclusive) on the expected net weight:
    ``CORSIA_NUTRITION_GRAVIMETRIC_TOLERANCE_PERCENT``."""
    return Decimal(str(getattr(settings, "CORSIA_NUTRITION_GRAVIMETRIC_TOLERANCE_PERCENT", "5")))


def bag_parts(order: NutritionOrder) -> list[BagPart]:
    """The bag's components and their volumes, as on its compounding sheet."""
    return [
        BagPart(p.component.code, p.component.name, p.volume_ml)
        for p in order_assessment(order).composition.parts
    ]


def bag_expected_net_g(order: NutritionOrder) -> Decimal | None:
    """The bag's expected net weight (g, to the hundredth) on the pharmacy's densities, for
    the weighing form; None when a component has no density (the weighing will say so)."""
    try:
        net = expected_net_weight(bag_parts(order), reference.densities())
    except ValidationFailed:
        return None
    return net.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _weighing_record(weighing: BagWeighing) -> dict[str, Any]:
    return {
        "gross_g": f"{weighing.gross_g}",
        "tare_g": f"{weighing.tare_g}",
        "measured_net_g": f"{weighing.measured_net_g}",
        "expected_net_g": f"{weighing.expected_net_g}",
        "deviation_g": f"{weighing.deviation_g}",
        "deviation_percent": f"{weighing.deviation_percent}",
        "tolerance_percent": f"{weighing.tolerance_percent}",
        "passed": weighing.passed,
        "densities_to_verify": list(weighing.to_verify),
    }


def order_prepare(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    expected_version: int | None,
    gross_g: Decimal,
    tare_g: Decimal,
) -> NutritionOrder:
    """The validated bag weighed: within tolerance it is marked compounded; outside, the
    weighing is kept and the act refused (``gravimetric_out_of_tolerance``, 422)."""
    require_permission(actor, PREPARE)
    failed: BagWeighing | None = None
    with transaction.atomic():
        order = order_for_update(actor=actor, order_id=order_id)
        ensure_state(order, OrderState.VALIDATED)
        if expected_version is not None:
            order.check_version(expected_version)
        weighing = bag_weighing(
            parts=bag_parts(order), densities=reference.densities(), gross_g=gross_g,
            tare_g=tare_g, tolerance_percent=tolerance_percent(),
        )  # fmt: skip
        now = timezone.now()
        WeighingRow.objects.create(
            order=order, gross_g=weighing.gross_g, tare_g=weighing.tare_g,
            measured_net_g=weighing.measured_net_g, expected_net_g=weighing.expected_net_g,
            deviation_g=weighing.deviation_g, deviation_percent=weighing.deviation_percent,
            tolerance_percent=weighing.tolerance_percent, passed=weighing.passed,
            densities_to_verify=list(weighing.to_verify), weighed_by=actor, weighed_at=now,
            workstation=workstation_label(workstation)[:120],
        )  # fmt: skip
        record = _weighing_record(weighing)
        if not weighing.passed:
            audit_record(
                event=events.BAG_WEIGHING_FAILED, actor=actor, workstation=workstation,
                target=order, patient_id=order.patient_id, after=record,
            )  # fmt: skip
            failed = weighing
        else:
            before = snapshot(order)
            order.state = OrderState.PREPARED
            order.prepared_at = now
            order.prepared_by = actor
            order.save(update_fields=["state", "prepared_at", "prepared_by", *order.bump(by=actor)])
            audit_record(
                event=events.ORDER_PREPARED, actor=actor, workstation=workstation, target=order,
                patient_id=order.patient_id, before=before,
                after=snapshot(order) | {"weighing": record},
            )  # fmt: skip
    if failed is not None:
        raise ValidationFailed(
            "Controllo gravimetrico fuori tolleranza: la sacca non è registrata come allestita. "
            + failed.message,
            code="gravimetric_out_of_tolerance",
            field="gross_g",
            details=_weighing_record(failed),
        )
    return order


def order_check_out(*, actor: User, workstation: Workstation, label: str) -> NutritionOrder:
    """The compounded bag leaves the pharmacy for the ward: its label scanned."""
    require_permission(actor, PREPARE)
    with transaction.atomic():
        order = scanned_bag(actor, label)
        bag_prepared_checked(order)
        if order.checked_out_at is not None:
            raise ConflictError(
                "La sacca è già stata consegnata al reparto.",
                code="bag_already_checked_out",
            )
        now = timezone.now()
        bag_expiry_checked(order, now)
        before = snapshot(order)
        order.checked_out_at = now
        order.checked_out_by = actor
        order.save(update_fields=["checked_out_at", "checked_out_by", *order.bump(by=actor)])
        audit_record(
            event=events.BAG_CHECKED_OUT, actor=actor, workstation=workstation, target=order,
            patient_id=order.patient_id, before=before,
            after=snapshot(order) | {"checked_out_at": now.isoformat()},
        )  # fmt: skip
    return order
