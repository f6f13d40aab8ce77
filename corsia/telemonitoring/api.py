"""JSON API of telemonitoring for the team: /api/v1/telemonitoring/... — the same services
and selectors as the pages, with the same permissions; refusals are problem+json with a
stable ``code``. (The patient's acts go through the portal's session, not this API.)

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from corsia.core.access import api_perm
from corsia.core.paging import api_page
from corsia.core.schemas import BoundedInt
from corsia.core.web import acting, reading, request_actor
from corsia.telemonitoring import selectors, services
from corsia.telemonitoring.models import Alert
from corsia.telemonitoring.permissions import MANAGE, VIEW

router = Router(tags=["telemonitoring"])


class AlertOut(Schema):
    id: int
    patient_id: int
    rule: str
    urgent: bool
    message: str
    raised_at: datetime
    state: str
    meddra_code: str
    suggested_grade: int | None
    toxicity_record_id: int | None


def _alert(alert: Alert) -> AlertOut:
    return AlertOut(
        id=alert.pk,
        patient_id=alert.patient_id,
        rule=alert.rule,
        urgent=alert.urgent,
        message=alert.message,
        raised_at=alert.raised_at,
        state=alert.state,
        meddra_code=alert.meddra_code,
        suggested_grade=alert.suggested_grade,
        toxicity_record_id=alert.toxicity_record_id,
    )


class ReadingOut(Schema):
    parameter: str
    value: Decimal
    unit: str
    source: str
    state: str
    measured_at: datetime


class SeriesOut(Schema):
    parameter: str
    low: Decimal | None
    high: Decimal | None
    readings: list[ReadingOut]


class AlertPage(Schema):
    """A page of the patient's alerts, the open ones first (``count`` in all, ``limit``
    from ``offset``)."""

    count: int
    limit: int
    offset: int
    items: list[AlertOut]


class MonitoringOut(Schema):
    patient_id: int
    series: list[SeriesOut]
    alerts: AlertPage


@router.get("/alerts", response=AlertPage)
@api_perm(VIEW)
def alerts(request: HttpRequest, limit: BoundedInt = 100, offset: BoundedInt = 0) -> AlertPage:
    """The open alerts of the patients in the caller's reach, urgent first, then the oldest
    first: ``limit`` (1–500) from ``offset``, ``count`` in all (every one reachable)."""
    page = api_page(
        selectors.open_alerts_query(user=request_actor(request)), limit=limit, offset=offset
    )
    selectors.open_alerts_shown(alerts=page["items"], **reading(request))
    return AlertPage(**{**page, "items": [_alert(a) for a in page["items"]]})


@router.get("/patients/{patient_id}", response=MonitoringOut)
@api_perm(VIEW)
def patient(
    request: HttpRequest, patient_id: int, limit: BoundedInt = 100, offset: BoundedInt = 0
) -> MonitoringOut:
    """The patient's readings of the last 60 days per parameter, with the limits, and a
    page of the alerts, the open ones first (urgent first), then the evaluated ones, newest
    first: ``limit`` (1–500) alerts from ``offset``, ``count`` in all (every alert
    reachable)."""
    data = selectors.patient_monitoring(**reading(request), patient_id=patient_id)
    page = api_page(data.alerts, limit=limit, offset=offset)
    return MonitoringOut(
        patient_id=data.patient_id,
        series=[
            SeriesOut(
                parameter=s.parameter.value,
                low=s.limits.low,
                high=s.limits.high,
                readings=[
                    ReadingOut(
                        parameter=r.parameter,
                        value=r.value,
                        unit=s.unit,
                        source=r.source,
                        state=r.state,
                        measured_at=r.measured_at,
                    )
                    for r in s.readings
                ],
            )
            for s in data.series
        ],
        alerts=AlertPage(**{**page, "items": [_alert(a) for a in page["items"]]}),
    )


class ThresholdIn(Schema):
    parameter: str = Field(max_length=20)
    low: Decimal | None = Field(default=None, max_digits=9, decimal_places=3)
    high: Decimal | None = Field(default=None, max_digits=9, decimal_places=3)
    reason: str = Field(default="", max_length=500)


class ThresholdOut(Schema):
    id: int
    parameter: str
    low: Decimal | None
    high: Decimal | None


@router.post("/patients/{patient_id}/thresholds", response={201: ThresholdOut})
@api_perm(MANAGE)
def threshold(request: HttpRequest, patient_id: int, payload: ThresholdIn) -> Status[ThresholdOut]:
    """Set the patient's limits of one parameter. Refusals: ``parameter_unknown``,
    ``threshold_invalid``."""
    row = services.threshold_set(
        **acting(request),
        patient_id=patient_id,
        parameter=payload.parameter,
        low=payload.low,
        high=payload.high,
        reason=payload.reason,
    )
    return Status(201, ThresholdOut(id=row.pk, parameter=row.parameter, low=row.low, high=row.high))


class DiaryIn(Schema):
    chemotherapy_on: date
    days: int = Field(default=21, ge=1, le=42)
    baseline_stools: int = Field(default=1, ge=0, le=10)
    regimen: str = Field(default="", max_length=200)
    cycle_number: int | None = Field(default=None, ge=1, le=99)


class DiaryOut(Schema):
    id: int
    chemotherapy_on: date
    days: int


@router.post("/patients/{patient_id}/diaries", response={201: DiaryOut})
@api_perm(MANAGE)
def diary(request: HttpRequest, patient_id: int, payload: DiaryIn) -> Status[DiaryOut]:
    """Schedule the symptom diary for a cycle."""
    row = services.diary_schedule(
        **acting(request),
        patient_id=patient_id,
        chemotherapy_on=payload.chemotherapy_on,
        days=payload.days,
        baseline_stools=payload.baseline_stools,
        regimen=payload.regimen,
        cycle_number=payload.cycle_number,
    )
    return Status(201, DiaryOut(id=row.pk, chemotherapy_on=row.chemotherapy_on, days=row.days))


class CloseIn(Schema):
    note: str = Field(default="", max_length=2000)
    ctcae_grade: int | None = Field(default=None, ge=1, le=5)


@router.post("/alerts/{alert_id}/close", response=AlertOut)
@api_perm(MANAGE)
def close(request: HttpRequest, alert_id: int, payload: CloseIn) -> AlertOut:
    """Mark the alert evaluated; ``ctcae_grade``: the grade confirmed into the toxicity
    record. Refusals: ``alert_not_found``, ``alert_closed``, ``alert_no_ctcae_term``."""
    return _alert(
        services.alert_close(
            **acting(request), alert_id=alert_id, note=payload.note, ctcae_grade=payload.ctcae_grade
        )
    )
