"""Reads of the venous access register. Every read of a patient's devices writes the
access log; devices inserted during a masked stay hidden from the reader are left out (a
detail is 404). The statistics are counts over every device (no patient shown)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from corsia.audit.services import access_log_record, access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients.scope import ensure_patient_in_scope, scoped_to_patients
from corsia.patients.selectors import (
    in_hidden_stay,
    outside_hidden_stays,
    patient_get,
    ward_inpatients,
)
from corsia.vascular.domain import codes, stats
from corsia.vascular.domain.status import CareFact, Status, status
from corsia.vascular.models import AccessEvent, Device, DeviceState, EventCategory
from corsia.vascular.permissions import VIEW

MAX_PERIOD_DAYS = 3660


@dataclass(frozen=True)
class DeviceView:
    """A device with its current events (newest first) and, in place, today's status."""

    device: Device
    events: list[AccessEvent]
    status: Status | None

    @property
    def complications(self) -> list[AccessEvent]:
        return [e for e in self.events if e.category == EventCategory.COMPLICATION]

    @property
    def care(self) -> list[AccessEvent]:
        return [e for e in self.events if e.category == EventCategory.CARE]


def _valid(event: AccessEvent) -> bool:
    return not event.details.get("entered_in_error")


CurrentEvents: TypeAlias = (
    "Prefetch[Literal['access_events'], QuerySet[AccessEvent], Literal['current_events']]"
)


def _current_events() -> CurrentEvents:
    return Prefetch(
        "access_events",
        queryset=AccessEvent.objects.filter(superseded_by__isnull=True)
        .select_related("author")
        .order_by("-occurred_at", "-pk"),
        to_attr="current_events",
    )


def _view(device: Device, today: date) -> DeviceView:
    events = [e for e in getattr(device, "current_events", []) if _valid(e)]
    current = None
    if device.state == DeviceState.IN_PLACE and device.inserted_at is not None:
        care = [
            CareFact(
                kind=e.kind,
                on=timezone.localdate(e.occurred_at),
                dressing=str(e.details.get("dressing", "")),
                vip=e.details.get("vip"),
            )
            for e in events
            if e.category == EventCategory.CARE
        ]
        current = status(inserted_on=timezone.localdate(device.inserted_at), today=today, care=care)
    return DeviceView(device=device, events=events, status=current)


def _devices(user: User) -> QuerySet[Device]:
    return Device.objects.select_related("operator", "patient").prefetch_related(_current_events())


def patient_devices(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> list[DeviceView]:
    """The patient's devices, in place first, then planned, then the removed ones."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    rows = outside_hidden_stays(
        _devices(user).filter(patient_id=patient.pk),
        user=user,
        field="inserted_at",
        patient_id=patient.pk,
    )
    order = {DeviceState.IN_PLACE: 0, DeviceState.PLANNED: 1}
    today = timezone.localdate()
    views = [_view(d, today) for d in rows.order_by("-inserted_at", "-pk")]
    ensure_patient_in_scope(user, patient.pk)
    access_log_record(
        user=user,
        patient_id=patient.pk,
        what="accessi vascolari",
        workstation=workstation,
        channel=channel,
    )
    return sorted(views, key=lambda v: order.get(DeviceState(v.device.state), 2))


def device_get(
    *, user: User, device_id: int, workstation: Workstation = None, channel: str = "web"
) -> DeviceView:
    """One device with its current events (logged)."""
    require_permission(user, VIEW)
    device = _devices(user).filter(pk=device_id).first()
    if device is not None and in_hidden_stay(
        user=user, patient_id=device.patient_id, at=device.inserted_at
    ):
        device = None  # inserted during a masked stay hidden from the user
    if device is None:
        raise NotFound("Accesso vascolare non trovato.", code="device_not_found")
    patient_get(user=user, patient_id=device.patient_id)
    ensure_patient_in_scope(user, device.patient_id)
    access_log_record(
        user=user,
        patient_id=device.patient_id,
        what="accesso vascolare (dettaglio)",
        workstation=workstation,
        channel=channel,
    )
    return _view(device, timezone.localdate())


def device_history(*, device: Device) -> list[AccessEvent]:
    """Every version of the events of a device already read (no new access-log row),
    newest first: the corrected ones with what corrected them."""
    return list(
        AccessEvent.objects.filter(device=device)
        .select_related("author", "supersedes")
        .order_by("-recorded_at", "-pk")
    )


def ward_devices_sorted(
    *, user: User, ward_code: str = "", state: str = DeviceState.IN_PLACE
) -> list[DeviceView]:
    """The devices in place (or planned) of the patients the user may read; of the
    ward's inpatients with ``ward_code``. Sorted by what needs doing: a VIP flagged, a
    dressing overdue, then the longest in place. Every one (issue 27: before, the first 500
    by insertion, so an overdue dressing could fall off): the devices in place now, whatever
    the register's history, read whole because the order is each device's care status,
    which the database cannot sort; nothing logged (``ward_devices_shown``)."""
    require_permission(user, VIEW)
    rows = scoped_to_patients(user, _devices(user).filter(state=state))
    rows = outside_hidden_stays(rows, user=user, field="inserted_at")
    if ward_code:
        ids = [p.pk for p in ward_inpatients(user=user, ward_code=ward_code[:20])]
        rows = rows.filter(patient_id__in=ids)
    today = timezone.localdate()
    views = [_view(d, today) for d in rows.order_by("inserted_at", "requested_at", "pk")]

    def urgency(v: DeviceView) -> tuple[int, int, int]:
        s = v.status
        if s is None:
            return (1, 1, 0)
        return (0 if s.vip_flagged else 1, 0 if s.dressing_overdue else 1, -s.days_in_place)

    views.sort(key=urgency)
    return views


def ward_devices_shown(
    *,
    user: User,
    views: Iterable[DeviceView],
    workstation: Workstation = None,
    channel: str = "web",
) -> list[DeviceView]:
    """The page of the ward's list as shown: one access-log row per patient on it."""
    shown = list(views)
    access_log_record_many(
        user=user,
        patient_ids=sorted({v.device.patient_id for v in shown}),
        what="accessi vascolari (elenco di reparto)",
        workstation=workstation,
        channel=channel,
    )
    return shown


def ward_devices(
    *,
    user: User,
    ward_code: str = "",
    state: str = DeviceState.IN_PLACE,
    workstation: Workstation = None,
    channel: str = "web",
) -> list[DeviceView]:
    """``ward_devices_sorted``, every one shown (logged per patient)."""
    return ward_devices_shown(
        user=user,
        views=ward_devices_sorted(user=user, ward_code=ward_code, state=state),
        workstation=workstation,
        channel=channel,
    )


# --- statistics -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistics:
    start: date
    end: date
    total: stats.GroupFigures
    by_type: list[stats.GroupFigures]
    by_operator: list[stats.GroupFigures]
    by_brand: list[stats.GroupFigures]


def _operator_name(device: Device) -> str:
    operator = device.operator
    if operator is None:
        return "—"
    return operator.get_full_name() or operator.get_username()


def _facts(start: date, end: date) -> list[stats.DeviceFact]:
    rows = (
        Device.objects.filter(
            state__in=(DeviceState.IN_PLACE, DeviceState.REMOVED),
            inserted_at__date__lte=end,
        )
        .exclude(removed_at__date__lt=start)
        .select_related("operator")
        .prefetch_related(_current_events())
    )
    facts = []
    for device in rows:
        assert device.inserted_at is not None
        complications = tuple(
            stats.ComplicationFact(
                kind=e.kind,
                on=timezone.localdate(e.occurred_at),
                certainty=str(e.details.get("certainty", codes.Certainty.CONFIRMED.value)),
            )
            for e in getattr(device, "current_events", [])
            if e.category == EventCategory.COMPLICATION and _valid(e)
        )
        facts.append(
            stats.DeviceFact(
                device_type=device.device_type,
                operator=_operator_name(device),
                brand=device.brand or "—",
                inserted_on=timezone.localdate(device.inserted_at),
                removed_on=timezone.localdate(device.removed_at) if device.removed_at else None,
                complications=complications,
            )
        )
    return facts


def register_statistics(*, user: User, start: date, end: date) -> Statistics:
    """The figures of the period (``start`` to ``end``, both included): the counting rules
    are in ``domain/stats.py``."""
    require_permission(user, VIEW)
    if end < start:
        raise ValidationFailed(
            "La fine del periodo precede l'inizio.", code="period_invalid", field="end"
        )
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed(
            "Periodo troppo lungo: al massimo dieci anni.", code="period_too_long", field="end"
        )
    facts = _facts(start, end)
    return Statistics(
        start=start,
        end=end,
        total=stats.figures("total", facts, start, end),
        by_type=stats.grouped(facts, start, end, lambda d: d.device_type),
        by_operator=stats.grouped(facts, start, end, lambda d: d.operator),
        by_brand=stats.grouped(facts, start, end, lambda d: d.brand),
    )


def type_label(code: str) -> str:
    try:
        return codes.DeviceType(code).label_it
    except ValueError:
        return code
