"""The pharmacogenomic alert of an order: its active drugs' archive markers (``drugs``)
matched against the patient's current results (``patients``), as order warnings
(``domain/pgx.py``). Run at creation and at every recalculation: a result recorded after
the order was created shows at the order's next recalculation."""

from __future__ import annotations

from collections.abc import Iterable

from corsia.drugs.selectors import pgx_markers_for
from corsia.patients.selectors_pgx import pgx_current
from corsia.prescribing.domain.pgx import CODE, Line, Marker, pgx_alerts
from corsia.prescribing.models import ItemStatus, OrderItem, TherapyOrder


def pgx_alert(order: TherapyOrder, items: Iterable[OrderItem]) -> bool:
    """Replace the order's pharmacogenomic warnings with the current ones; True when the
    order has any (the caller saves ``warnings``)."""
    active = [i for i in items if i.status == ItemStatus.ACTIVE]
    order.warnings = [w for w in order.warnings if w.get("code") != CODE]
    results = pgx_current(patient_id=order.patient_id)
    if not results or not active:
        return False
    markers = [Marker(**vars(m)) for m in pgx_markers_for(i.ingredient_id for i in active)]
    lines = [
        Line(
            day=i.day_of_cycle,
            ingredient_id=i.ingredient_id,
            calculated_dose=i.calculated_dose,
            unit=i.amount_unit,
        )
        for i in sorted(active, key=lambda i: (i.day_of_cycle, i.sequence))
    ]
    warnings = pgx_alerts(markers, results, lines)
    order.warnings.extend(warnings)
    return bool(warnings)
