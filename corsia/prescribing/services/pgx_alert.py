"""The pharmacogenomic alert of an order: its active drugs' archive markers (``drugs``)
matched against the patient's current results (``patients``), as order warnings
(``domain/pgx.py``). Run at creation and at every recalculation; a result recorded after
the order was written is read live by :func:`order_pgx_since` (the order's page, the
pharmacist's validation, the API) until the order is recalculated."""

from __future__ import annotations

from collections.abc import Iterable

from corsia.drugs.selectors import pgx_markers_for
from corsia.patients.selectors_pgx import pgx_current
from corsia.prescribing.domain.pgx import CODE, Line, Marker, pgx_alerts
from corsia.prescribing.models import ItemStatus, OrderItem, TherapyOrder


def pgx_alert(order: TherapyOrder, items: Iterable[OrderItem]) -> bool:
    """Replace the order's pharmacogenomic warnings with the current ones; True when the
    order has any (the caller saves ``warnings``)."""
    order.warnings = [w for w in order.warnings if w.get("code") != CODE]
    warnings = _current(order, items)
    order.warnings.extend(warnings)
    return bool(warnings)


def order_pgx_since(order: TherapyOrder) -> list[dict[str, str]]:
    """The pharmacogenomic warnings the patient's results give TODAY that the order did not
    carry when it was written or last recalculated: a result recorded after the order (a
    signed order is not recalculated). A read for the order's page, the pharmacist's
    validation and the API; nothing written."""
    recorded = {w.get("message") for w in order.warnings if w.get("code") == CODE}
    return [
        w
        for w in _current(order, order.items.all())  # the prefetched lines, when read so
        if w["message"] not in recorded
    ]


def _current(order: TherapyOrder, items: Iterable[OrderItem]) -> list[dict[str, str]]:
    active = [i for i in items if i.status == ItemStatus.ACTIVE]
    results = pgx_current(patient_id=order.patient_id)
    if not results or not active:
        return []
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
    return list(pgx_alerts(markers, results, lines))
