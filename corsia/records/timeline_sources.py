"""What other modules hold, as events of the chart's timeline: the encounters (admissions,
transfers read from their change history, discharges), the orders with their
administrations, the toxicities; and a set of vital signs told in one line. The rows come from those modules' public selectors
(corsia.records.selectors reads them); this module only turns them into events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from corsia.prescribing.domain.states import STATE_LABELS_IT as ORDER_STATE_LABELS_IT
from corsia.prescribing.domain.states import OrderState
from corsia.records.domain import vitals
from corsia.records.domain.timeline import EventKind, TimelineEvent

if TYPE_CHECKING:
    from corsia.patients.models import Encounter, Patient


def author_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


def encounter_events(
    patient: Patient,
    encounters: list[Encounter],
    moves: list[tuple[int, datetime, int | None, int | None, str]],
    wards: dict[int, str],
) -> list[TimelineEvent]:
    """Admissions, transfers and discharges: ``moves`` the encounters' change history
    (``patients.selectors.encounter_moves_query``: encounter, when, ward, place, state,
    oldest first), ``wards`` the wards' names."""
    events: list[TimelineEvent] = []
    for enc in encounters:
        url = reverse("patients:detail", args=[patient.pk])
        events.append(
            TimelineEvent(
                at=enc.admitted_at,
                kind=EventKind.ADMISSION,
                title=f"{enc.get_kind_display()} · {enc.ward.name}",
                detail=f"posto {enc.place.code}" if enc.place else "",
                url=url,
            )
        )
        if enc.discharged_at is not None and enc.state == "discharged":
            events.append(
                TimelineEvent(
                    at=enc.discharged_at,
                    kind=EventKind.DISCHARGE,
                    title=f"{enc.get_kind_display()} · {enc.ward.name}",
                    detail=enc.state_reason,
                    url=url,
                    sequence=1,
                )
            )
    if encounters:
        previous: dict[int, tuple[Any, Any]] = {}
        for obj, at, ward_id, place_id, state in moves:
            key = (ward_id, place_id)
            if obj in previous and previous[obj] != key and state == "active":
                events.append(
                    TimelineEvent(
                        at=at,
                        kind=EventKind.TRANSFER,
                        title=f"Trasferimento in {wards.get(ward_id or 0, '—')}",
                        url=reverse("patients:detail", args=[patient.pk]),
                    )
                )
            previous[obj] = key
    return events


def order_events(orders: Iterable[Any], administered: Iterable[Any]) -> list[TimelineEvent]:
    """The orders and, from ``administered`` (their transitions to «administered», with
    their actors: ``prescribing.selectors.orders_transitions_query``), their
    administrations."""
    given: dict[int, list[Any]] = {}
    for step in administered:
        given.setdefault(step.order_id, []).append(step)
    events: list[TimelineEvent] = []
    for order in orders:
        url = reverse("prescribing:order", args=[order.pk])
        regimen = order.regimen_version.name
        state = ORDER_STATE_LABELS_IT.get(OrderState(order.state), order.state)
        events.append(
            TimelineEvent(
                at=order.created_at,
                kind=EventKind.ORDER,
                title=f"{regimen} · ciclo {order.cycle_number}",
                detail=f"inizio {order.start_date:%d/%m/%Y} · {state}",
                url=url,
            )
        )
        for step in given.get(order.pk, []):
            if step.to_state == OrderState.ADMINISTERED.value:
                events.append(
                    TimelineEvent(
                        at=step.at,
                        kind=EventKind.ADMINISTRATION,
                        title=f"{regimen} · ciclo {order.cycle_number}",
                        detail="terapia somministrata",
                        author=author_name(step.actor),
                        url=url,
                    )
                )
    return events


def toxicity_events(records: Iterable[Any], patient_id: int) -> list[TimelineEvent]:
    url = reverse("toxicity:patient", args=[patient_id])
    return [
        TimelineEvent(
            at=r.recorded_at,
            kind=EventKind.TOXICITY,
            title=f"{r.term.label} G{r.grade}",
            detail=f"insorgenza {r.onset_date:%d/%m/%Y}",
            author=author_name(r.recorded_by),
            url=url,
        )
        for r in records
    ]


def vitals_summary(reading: vitals.VitalReading) -> str:
    """A set of vital signs in one line, abnormal values marked (the timeline's title)."""
    parts = []
    if reading.systolic_bp is not None and reading.diastolic_bp is not None:
        parts.append(f"PA {reading.systolic_bp}/{reading.diastolic_bp} mmHg")
    short = {
        vitals.Vital.HEART_RATE: "FC",
        vitals.Vital.TEMPERATURE: "T",
        vitals.Vital.RESPIRATORY_RATE: "FR",
        vitals.Vital.SPO2: "SpO₂",
        vitals.Vital.PAIN: "NRS",
    }
    for vital, name in short.items():
        value = reading.value(vital)
        if value is not None:
            mark = " ⚠" if vitals.flag(vital, value) is not None else ""
            shown = str(value).replace(".", ",")  # the Italian decimal comma, as on the page
            parts.append(f"{name} {shown} {vitals.SPECS[vital].unit}{mark}")
    return " · ".join(parts)
