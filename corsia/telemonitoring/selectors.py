"""Reads of telemonitoring: the patient's own (through the portal; each logged in the
patient's activity) and the team's (permission- and scope-checked; each logged in the
access log)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.patients.scope import patient_scope
from corsia.telemonitoring.context import (
    PatientActor,
    activity,
    current_schedule,
    limits_for,
    staff_patient,
)
from corsia.telemonitoring.domain import chart as charts
from corsia.telemonitoring.domain.parameters import LABELS, UNITS, Parameter
from corsia.telemonitoring.domain.thresholds import Limits
from corsia.telemonitoring.models import (
    Alert,
    AlertState,
    DiaryResponse,
    DiarySchedule,
    Reading,
    ReadingState,
)
from corsia.telemonitoring.permissions import VIEW

SERIES_DAYS = 60
COUNTED = (ReadingState.ACCEPTED, ReadingState.CONFIRMED)


# --- the patient's own -------------------------------------------------------------------


@dataclass(frozen=True)
class PatientHome:
    readings: list[Reading]
    to_confirm: list[tuple[uuid.UUID, list[Reading]]]
    diary_due: bool
    schedule: DiarySchedule | None
    instructions: list[str]


def own_home(*, patient: PatientActor, limit: int = 30) -> PatientHome:
    """The patient's latest readings, those awaiting their confirmation, today's diary and
    the instructions of today's urgent alerts. Only the signed-in patient's rows."""
    rows = Reading.objects.filter(patient_id=patient.patient_id)
    readings = list(rows.order_by("-measured_at", "-id")[:limit])
    pending: dict[uuid.UUID, list[Reading]] = {}
    for reading in rows.filter(state=ReadingState.TO_CONFIRM).order_by("measured_at", "id"):
        pending.setdefault(reading.measurement, []).append(reading)
    today = timezone.localdate()
    schedule = current_schedule(patient.patient_id, today)
    filled = DiaryResponse.objects.filter(
        patient_id=patient.patient_id, submitted_at__date=today
    ).exists()
    since = timezone.now() - timedelta(hours=24)
    instructions = list(
        dict.fromkeys(
            Alert.objects.filter(
                patient_id=patient.patient_id, state=AlertState.OPEN, raised_at__gte=since
            )
            .exclude(instruction="")
            .values_list("instruction", flat=True)
        )
    )
    activity(patient, "home_viewed")
    return PatientHome(
        readings=readings,
        to_confirm=list(pending.items()),
        diary_due=schedule is not None and not filled,
        schedule=schedule,
        instructions=instructions,
    )


def own_measurement(*, patient: PatientActor, measurement: uuid.UUID) -> list[Reading]:
    """The readings of one of the patient's own measurements (empty for anybody else's)."""
    rows = list(
        Reading.objects.filter(patient_id=patient.patient_id, measurement=measurement).order_by(
            "id"
        )
    )
    activity(patient, "measurement_viewed", str(measurement))
    return rows


# --- the team's --------------------------------------------------------------------------


def _scoped_alerts(user: User) -> QuerySet[Alert]:
    rows = Alert.objects.filter(state=AlertState.OPEN).select_related("patient")
    scope = patient_scope(user)
    if scope is not None:
        rows = rows.filter(patient_id__in=scope)
    return rows.order_by("-urgent", "raised_at", "id")


def open_alerts_query(*, user: User) -> QuerySet[Alert]:
    """Every open alert of the patients within the user's scope, urgent first, then the
    oldest first (the id last: a total order), unread: for a page of them (issue 27;
    before, the first 200 and the rest silently left out). Shown: ``open_alerts_shown``."""
    return _scoped_alerts(require_permission(user, VIEW))


def open_alerts_shown(
    *, user: User, alerts: list[Alert], workstation: Workstation, channel: str = "web"
) -> None:
    """One access-log row per patient of the page of open alerts shown."""
    for patient_id in dict.fromkeys(a.patient_id for a in alerts):
        access_log_record(
            user=user,
            patient_id=patient_id,
            what="telemonitoraggio: allerte aperte",
            workstation=workstation,
            channel=channel,
        )


def open_alerts(
    *, user: User, workstation: Workstation, channel: str = "web", offset: int = 0, limit: int = 50
) -> list[Alert]:
    """``limit`` open alerts from ``offset`` (``open_alerts_query``'s order); one
    access-log row per patient shown."""
    user = require_permission(user, VIEW)
    alerts = list(_scoped_alerts(user)[offset : offset + limit])
    for patient_id in dict.fromkeys(a.patient_id for a in alerts):
        access_log_record(
            user=user,
            patient_id=patient_id,
            what="telemonitoraggio: allerte aperte",
            workstation=workstation,
            channel=channel,
        )
    return alerts


def open_alert_summaries(*, user: User, limit: int = 200) -> list[Alert]:
    """For the portal's team worklist: the same alerts, without the access log (the
    worklist page logs what it shows)."""
    user = require_permission(user, VIEW)
    return list(_scoped_alerts(user)[:limit])


@dataclass(frozen=True)
class Series:
    parameter: Parameter
    label: str
    unit: str
    limits: Limits
    readings: list[Reading]
    chart: charts.Chart


@dataclass(frozen=True)
class PatientMonitoring:
    patient_id: int
    series: list[Series]
    # every alert of the patient (issue 27: before, the first 100 — and «closed» sorted
    # before «open», so a long history of evaluated alerts hid the open ones), in the order
    # of ``patient_alerts``; unread: the page and the API read a page of it
    alerts: QuerySet[Alert]
    schedules: list[DiarySchedule]
    responses: list[DiaryResponse]


def patient_alerts(patient_id: int) -> QuerySet[Alert]:
    """The patient's alerts: the open ones first (urgent first), then the evaluated ones;
    newest first within each, the id last (a total order, for paging). The caller checks
    the scope and writes the access log (``patient_monitoring``)."""
    rank = Case(
        When(state=AlertState.OPEN, urgent=True, then=Value(0)),
        When(state=AlertState.OPEN, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Alert.objects.filter(patient_id=patient_id)
        .annotate(_rank=rank)
        .order_by("_rank", "-raised_at", "-pk")
    )


def patient_monitoring(
    *,
    user: User,
    workstation: Workstation,
    patient_id: int,
    since: date | None = None,
    channel: str = "web",
) -> PatientMonitoring:
    """Everything the team sees of one patient's telemonitoring; writes the access log."""
    user = staff_patient(user, patient_id)
    start = since or timezone.localdate() - timedelta(days=SERIES_DAYS)
    limits = limits_for(patient_id)
    rows = list(
        Reading.objects.filter(patient_id=patient_id, measured_at__date__gte=start)
        .exclude(state=ReadingState.REJECTED)
        .order_by("measured_at", "id")
    )
    series = []
    for parameter in Parameter:
        mine = [r for r in rows if r.parameter == parameter.value]
        if not mine:
            continue
        lim = limits[parameter]
        series.append(
            Series(
                parameter=parameter,
                label=LABELS[parameter],
                unit=UNITS[parameter],
                limits=lim,
                readings=mine,
                chart=charts.chart(
                    [(r.measured_at, r.value, r.state == ReadingState.TO_CONFIRM) for r in mine],
                    low=lim.low,
                    high=lim.high,
                ),
            )
        )
    alerts = patient_alerts(patient_id)
    schedules = list(DiarySchedule.objects.filter(patient_id=patient_id)[:20])
    responses = list(DiaryResponse.objects.filter(patient_id=patient_id)[:30])
    access_log_record(
        user=user,
        patient_id=patient_id,
        what="telemonitoraggio",
        workstation=workstation,
        channel=channel,
    )
    return PatientMonitoring(patient_id, series, alerts, schedules, responses)
