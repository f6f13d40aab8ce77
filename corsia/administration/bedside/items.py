"""The order's items as the bedside rules see them: where each stands (from its
administrations), whether it runs in Y with the one before, and its planned start (from the
day's appointment, ``domain/schedule.py``). Read by verification, the worklist and the end
of an administration."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from corsia.administration.domain.bedside import ITEM_ACTIVE, ItemView, Progress
from corsia.administration.domain.schedule import Slot, planned_times
from corsia.administration.models import Administration, AdministrationState, Appointment
from corsia.administration.scheduling.selectors import appointments_for
from corsia.compounding.domain.labels import is_vinca_alkaloid

if TYPE_CHECKING:  # prescribing's rows, handed in by the callers
    from corsia.prescribing.models import OrderItem, TherapyOrder

_DONE_STATES = (AdministrationState.COMPLETED.value, AdministrationState.PARTIAL.value)
_UNDER_WAY = (Progress.RUNNING, Progress.DONE)
_Y_SITE = re.compile(r"\bin\s+y\b", re.IGNORECASE)
_Y_WITH_NEXT = re.compile(r"\bin\s+y\s+con\b", re.IGNORECASE)


@dataclass(frozen=True)
class ItemProgress:
    progress: Progress
    started_at: datetime | None
    ended_at: datetime | None
    last: Administration | None
    doses_done: int = 0  # finished administrations (completed or partial)
    last_dose_at: datetime | None = None  # start of the latest finished one


def items_progress(
    item_ids: Iterable[int], per_day: Mapping[int, int] | None = None
) -> dict[int, ItemProgress]:
    """Where each item stands at the bedside, from its administrations (one query).

    ``per_day``: the items given several times a day (item id → administrations a day;
    absent: once). Such an item is done after that many finished administrations; between
    them it is due again (not started), or running, or interrupted."""
    per_day = per_day or {}
    by_item: dict[int, list[Administration]] = {}
    for admin in Administration.objects.filter(order_item_id__in=list(item_ids)).order_by(
        "started_at", "id"
    ):
        by_item.setdefault(admin.order_item_id, []).append(admin)
    result: dict[int, ItemProgress] = {}
    for item_id, admins in by_item.items():
        last = admins[-1]
        done = [a for a in admins if a.state in _DONE_STATES]
        if len(done) >= per_day.get(item_id, 1):
            progress = Progress.DONE
            last = done[-1]
        elif last.state == AdministrationState.STARTED:
            progress = Progress.RUNNING
        elif last.state in _DONE_STATES:  # a dose of several finished: the next one is due
            progress = Progress.NOT_STARTED
        else:
            progress = Progress.INTERRUPTED
        result[item_id] = ItemProgress(
            progress=progress,
            started_at=admins[0].started_at,
            ended_at=done[-1].ended_at if done else last.ended_at,
            last=last,
            doses_done=len(done),
            last_dose_at=done[-1].started_at if done else None,
        )
    return result


def items_per_day(items: Iterable[OrderItem]) -> dict[int, int]:
    """The items given more than once a day, for :func:`items_progress`."""
    return {i.pk: i.administrations_per_day for i in items if i.administrations_per_day > 1}


NOT_STARTED = ItemProgress(Progress.NOT_STARTED, None, None, None)


def runs_in_y(previous: OrderItem | None, item: OrderItem) -> bool:
    """The regimen says the two run together (Y-site).

    The library writes it two ways: on the first drug, naming the partner that follows
    (FOLFOX-4's oxaliplatin "in Y con l'acido folinico"), or on the second drug alone
    (FOLFIRINOX's irinotecan "…dopo l'avvio dell'acido folinico, in Y"). A drug saying
    "in Y con …" runs with the *next* one, never with the one before it."""
    if previous is None:
        return False
    before = previous.infusion_conditions or ""
    own = item.infusion_conditions or ""
    return bool(_Y_WITH_NEXT.search(before)) or bool(
        _Y_SITE.search(own) and not _Y_WITH_NEXT.search(own)
    )


def item_views(
    items: list[OrderItem],
    *,
    order: TherapyOrder,
    appointments: Mapping[tuple[int, date], Appointment] | None = None,
) -> list[ItemView]:
    """The rules' view of items of one order (``ingredient`` selected). ``appointments``:
    the days' appointments when the caller already read them (else read here)."""
    progress = items_progress((i.pk for i in items), items_per_day(items))
    ordered = sorted(items, key=lambda i: (i.day_of_cycle, i.sequence))
    views: list[ItemView] = []
    previous: OrderItem | None = None
    for item in ordered:
        if previous is not None and previous.day_of_cycle != item.day_of_cycle:
            previous = None
        state = progress.get(item.pk, NOT_STARTED)
        views.append(
            ItemView(
                item_id=item.pk,
                order_id=item.order_id,
                patient_id=order.patient_id,
                ingredient_code=item.ingredient.code,
                ingredient_name=item.ingredient.name_it,
                sequence=item.sequence,
                day_of_cycle=item.day_of_cycle,
                scheduled_date=item.scheduled_date,
                dose=item.final_dose,
                dose_unit=item.amount_unit,
                competence=item.competence,
                item_status=item.status,
                order_state=order.state,
                route=item.route,
                vinca_alkaloid=is_vinca_alkaloid(
                    [item.ingredient.atc_code, *(item.ingredient.other_atc_codes or [])]
                ),
                duration_minutes=item.duration_minutes,
                interval_after_minutes=item.interval_after_minutes,
                runs_with_previous=runs_in_y(previous, item),
                progress=state.progress,
                started_at=state.started_at,
                ended_at=state.ended_at,
                administrations_per_day=item.administrations_per_day,
                doses_done=state.doses_done,
                last_dose_at=state.last_dose_at,
            )
        )
        if item.status == ITEM_ACTIVE:
            previous = item
    if appointments is None:
        appointments = appointments_for({(v.order_id, v.scheduled_date) for v in views})
    return _with_planned_starts(views, appointments)


def _with_planned_starts(
    views: list[ItemView], appointments: Mapping[tuple[int, date], Appointment]
) -> list[ItemView]:
    """Each drug's planned start from its day's appointment (none: no planned time)."""
    days = {(v.order_id, v.scheduled_date) for v in views}
    if not days & appointments.keys():
        return views
    starts: dict[int, datetime] = {}
    for (order_id, day), appointment in appointments.items():
        if (order_id, day) not in days:
            continue
        slots = [
            Slot(
                item_id=v.item_id,
                sequence=v.sequence,
                duration_minutes=v.duration_minutes,
                interval_after_minutes=v.interval_after_minutes,
                runs_with_previous=v.runs_with_previous,
                active=v.item_status == ITEM_ACTIVE,
                # an interrupted drug restarts: it is planned again, not from its first start
                started_at=v.started_at if v.progress in _UNDER_WAY else None,
                ended_at=v.ended_at if v.progress is Progress.DONE else None,
            )
            for v in views
            if v.order_id == order_id and v.scheduled_date == day
        ]
        plan = planned_times(appointment.planned_start, slots)
        starts.update({item_id: planned.start for item_id, planned in plan.items()})
    return [replace(v, planned_start=starts.get(v.item_id)) for v in views]
