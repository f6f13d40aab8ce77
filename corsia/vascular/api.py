"""JSON API of the venous access register: /api/v1/vascular/... — the same services and
selectors as the pages, with the same permissions; refusals are problem+json with a
stable ``code``.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.paging import api_page
from corsia.core.schemas import BoundedInt
from corsia.core.web import acting, reading, request_actor, request_workstation
from corsia.vascular import selectors, services
from corsia.vascular.permissions import RECORD, VIEW
from corsia.vascular.schemas import (
    CancelIn,
    CareIn,
    ComplicationIn,
    CorrectionIn,
    DeviceOut,
    EventOut,
    InsertionIn,
    PlannedInsertionIn,
    RemovalIn,
    RequestIn,
    StatisticsOut,
    device_out,
    event_out,
    insertion_input,
    statistics_out,
)

router = Router(tags=["vascular"])


def _device(request: HttpRequest, device_id: int) -> DeviceOut:
    return device_out(selectors.device_get(**reading(request), device_id=device_id))


@router.get("/patients/{patient_id}/devices", response=list[DeviceOut])
@api_perm(VIEW)
def patient_devices(request: HttpRequest, patient_id: int) -> list[DeviceOut]:
    """The patient's devices: in place, planned, removed; each with its current events."""
    views = selectors.patient_devices(**reading(request), patient_id=patient_id)
    return [device_out(v) for v in views]


@router.post("/patients/{patient_id}/devices", response={201: DeviceOut})
@api_perm(RECORD)
def insert(request: HttpRequest, patient_id: int, payload: InsertionIn) -> Status[DeviceOut]:
    """Record an insertion. Refusals: ``size_out_of_range``, ``size_unit_invalid``,
    ``lumens_out_of_range``, ``tip_location_required``, ``attempts_out_of_range``,
    ``date_in_future``, ``operator_unknown``, ``invalid_characters``, the codes' ``*_unknown``."""
    device = services.device_insert(
        **acting(request), patient_id=patient_id, data=insertion_input(payload)
    )
    return Status(201, _device(request, device.pk))


@router.post("/patients/{patient_id}/requests", response={201: DeviceOut})
@api_perm(RECORD)
def request_device(request: HttpRequest, patient_id: int, payload: RequestIn) -> Status[DeviceOut]:
    """A device requested (planned insertion)."""
    device = services.device_request(
        **acting(request),
        patient_id=patient_id,
        data=services.RequestInput(
            device_type=payload.device_type,
            indication=payload.indication,
            planned_dwell_days=payload.planned_dwell_days,
            note=payload.note,
        ),
    )
    return Status(201, _device(request, device.pk))


class DevicePage(Schema):
    """A page of the ward's devices: ``count`` in all, ``limit`` from ``offset``."""

    count: int
    limit: int
    offset: int
    items: list[DeviceOut]


@router.get("/devices", response=DevicePage)
@api_perm(VIEW)
def ward_devices(
    request: HttpRequest,
    ward: str = "",
    state: str = "in_place",
    limit: BoundedInt = 100,
    offset: BoundedInt = 0,
) -> DevicePage:
    """The devices in place (``state=planned``: the requests waiting), of one ward's
    inpatients with ``ward``; what needs doing first, ``limit`` (1–500) from ``offset`` and
    ``count`` in all (each patient of the page logged)."""
    user = request_actor(request)
    views = selectors.ward_devices_sorted(
        user=user, ward_code=ward[:20], state="planned" if state == "planned" else "in_place"
    )
    page = api_page(views, limit=limit, offset=offset)
    shown = selectors.ward_devices_shown(
        user=user, views=page["items"], workstation=request_workstation(request), channel="api"
    )
    return DevicePage(**{**page, "items": [device_out(v) for v in shown]})


@router.get("/devices/{device_id}", response=DeviceOut)
@api_perm(VIEW)
def device(request: HttpRequest, device_id: int) -> DeviceOut:
    return _device(request, device_id)


@router.get("/devices/{device_id}/history", response=list[EventOut])
@api_perm(VIEW)
def device_history(request: HttpRequest, device_id: int) -> list[EventOut]:
    """Every version of the device's events, corrected ones included (newest first)."""
    view = selectors.device_get(**reading(request), device_id=device_id)
    return [event_out(e) for e in selectors.device_history(device=view.device)]


@router.post("/devices/{device_id}/insertion", response=DeviceOut)
@api_perm(RECORD)
def insert_planned(request: HttpRequest, device_id: int, payload: PlannedInsertionIn) -> DeviceOut:
    """The insertion of a requested device (its ``version`` as read: ``stale_version``)."""
    services.device_insert(
        **acting(request),
        device_id=device_id,
        expected_version=payload.expected_version,
        data=insertion_input(payload),
    )
    return _device(request, device_id)


@router.post("/devices/{device_id}/cancel", response=DeviceOut)
@api_perm(RECORD)
def cancel(request: HttpRequest, device_id: int, payload: CancelIn) -> DeviceOut:
    services.device_request_cancel(
        **acting(request),
        device_id=device_id,
        expected_version=payload.expected_version,
        reason=payload.reason,
    )
    return _device(request, device_id)


@router.post("/devices/{device_id}/care", response={201: EventOut})
@api_perm(RECORD)
def care(request: HttpRequest, device_id: int, payload: CareIn) -> Status[EventOut]:
    """A care act: ``assessment`` (``vip`` 0-5 for a peripheral device), ``dressing``
    (``transparent`` | ``gauze``), ``flush``/``lock`` (``solution``, ``volume_ml``),
    ``connector``. Refusals: ``device_not_in_place`` (409), ``before_insertion``,
    ``date_in_future``, ``vip_required``, ``dressing_unknown``."""
    event = services.care_record(
        **acting(request),
        device_id=device_id,
        data=services.CareInput(
            kind=payload.kind,
            occurred_at=payload.occurred_at,
            vip=payload.vip,
            dressing=payload.dressing,
            solution=payload.solution,
            volume_ml=payload.volume_ml,
            note=payload.note,
        ),
    )
    return Status(201, event_out(event))


@router.post("/devices/{device_id}/complications", response={201: EventOut})
@api_perm(RECORD)
def complication(request: HttpRequest, device_id: int, payload: ComplicationIn) -> Status[EventOut]:
    event = services.complication_record(
        **acting(request),
        device_id=device_id,
        data=services.ComplicationInput(
            kind=payload.kind,
            occurred_at=payload.occurred_at,
            certainty=payload.certainty,
            note=payload.note,
        ),
    )
    return Status(201, event_out(event))


@router.post("/devices/{device_id}/removal", response=DeviceOut)
@api_perm(RECORD)
def removal(request: HttpRequest, device_id: int, payload: RemovalIn) -> DeviceOut:
    """Refusals: ``removal_before_insertion``, ``removal_before_last_event``,
    ``date_in_future``, ``device_not_in_place`` (409), ``stale_version`` (409)."""
    services.device_remove(
        **acting(request),
        device_id=device_id,
        expected_version=payload.expected_version,
        data=services.RemovalInput(
            reason=payload.reason,
            removed_at=payload.removed_at,
            note=payload.note,
            tip_culture_sent=payload.tip_culture_sent,
        ),
    )
    return _device(request, device_id)


@router.post("/events/{event_id}/corrections", response={201: EventOut})
@api_perm(RECORD)
def correct(request: HttpRequest, event_id: int, payload: CorrectionIn) -> Status[EventOut]:
    event = services.event_correct(
        **acting(request),
        event_id=event_id,
        reason=payload.reason,
        occurred_at=payload.occurred_at,
        certainty=payload.certainty,
        note=payload.note,
        entered_in_error=payload.entered_in_error,
    )
    return Status(201, event_out(event))


@router.get("/statistics", response=StatisticsOut)
@api_perm(VIEW)
def statistics(
    request: HttpRequest, start: date | None = None, end: date | None = None
) -> StatisticsOut:
    """The register's figures over ``start``..``end`` (default: the last 90 days)."""
    until = end or timezone.localdate()
    since = start or until.fromordinal(until.toordinal() - 89)
    return statistics_out(
        selectors.register_statistics(user=request_actor(request), start=since, end=until)
    )
