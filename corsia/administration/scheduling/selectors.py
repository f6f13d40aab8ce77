"""The current appointment of an order's day: what the bedside rules and the worklist read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from corsia.administration.models import Appointment


def appointments_for(pairs: Iterable[tuple[int, date]]) -> dict[tuple[int, date], Appointment]:
    """The current appointment of each (order id, day) that has one (one query)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    found: dict[tuple[int, date], Appointment] = {}
    rows = (
        Appointment.objects.filter(
            order_id__in={o for o, _ in wanted}, day__in={d for _, d in wanted}
        )
        .select_related("place")
        .order_by("order_id", "day", "-created_at", "-id")
    )
    for row in rows:
        found.setdefault((row.order_id, row.day), row)
    return {key: value for key, value in found.items() if key in wanted}
