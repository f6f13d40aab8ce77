"""JSON API of the treatment course, beside the chart's: /api/v1/patients/{id}/
treatment-lines, treatment-plan-items, evaluations, home-therapy, appointments. The same
services and permissions as the pages (``records.view_chart`` to read,
``records.write_diary`` to write); refusals are problem+json with a stable ``code``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from corsia.core.access import api_perm
from corsia.core.domain.errors import NotFound
from corsia.core.web import acting, reading, request_actor
from corsia.records import selectors_course, services
from corsia.records.schemas_course import (
    AppointmentCancelIn,
    AppointmentIn,
    AppointmentOut,
    EvaluationIn,
    EvaluationOut,
    HomeTherapyIn,
    HomeTherapyOut,
    HomeTherapyStopIn,
    LineCloseIn,
    LineIn,
    LineOrdersIn,
    LineOut,
    PlanItemIn,
    PlanItemOut,
    appointment_out,
    evaluation_out,
    home_therapy_out,
    line_out,
    plan_item_out,
)
from corsia.records.selectors_course import CourseView

router = Router(tags=["records"])
VIEW = "records.view_chart"
WRITE = "records.write_diary"


def _course(request: HttpRequest, patient_id: int) -> CourseView:
    return selectors_course.course_view(**reading(request), patient_id=patient_id)


def _line(request: HttpRequest, patient_id: int, line_id: int) -> LineOut:
    view = selectors_course.chart_course(user=request_actor(request), patient_id=patient_id)
    found = next((v for v in view.lines if v.line.pk == line_id), None)
    if found is None:
        raise NotFound("Linea di terapia non trovata.", code="treatment_line_not_found")
    return line_out(found, orders_hidden=view.orders_hidden)


def _owned(
    request: HttpRequest,
    patient_id: int,
    row_id: int,
    rows: Callable[[CourseView], Iterable[Any]],
    missing: NotFound,
) -> None:
    """Refuse (404) a row that is not the patient's."""
    view = selectors_course.chart_course(user=request_actor(request), patient_id=patient_id)
    if row_id not in {r.pk for r in rows(view)}:
        raise missing


# --- lines of therapy ---------------------------------------------------------------------------


@router.get("/{patient_id}/treatment-lines", response=list[LineOut])
@api_perm(VIEW)
def treatment_lines(request: HttpRequest, patient_id: int) -> list[LineOut]:
    """The lines, newest first, each with its cycles → orders (``cycles`` null when the
    reader may not see orders) and its current cycle."""
    view = _course(request, patient_id)
    return [line_out(v, orders_hidden=view.orders_hidden) for v in view.lines]


@router.post("/{patient_id}/treatment-lines", response={201: LineOut})
@api_perm(WRITE)
def treatment_line_start(request: HttpRequest, patient_id: int, payload: LineIn) -> Status[LineOut]:
    """A line with a validated regimen of the library (``regimen_version_id``) or one given
    elsewhere (``external_regimen``)."""
    line = services.treatment_line_start(
        **acting(request),
        patient_id=patient_id,
        data=payload.to_input(),
    )
    return Status(201, _line(request, patient_id, line.pk))


@router.post("/{patient_id}/treatment-lines/{line_id}/close", response=LineOut)
@api_perm(WRITE)
def treatment_line_close(
    request: HttpRequest, patient_id: int, line_id: int, payload: LineCloseIn
) -> LineOut:
    """End the line (read-only from then on; 409 ``treatment_line_closed`` after)."""
    _line(request, patient_id, line_id)
    services.treatment_line_close(
        **acting(request),
        line_id=line_id,
        ended_on=payload.ended_on,
        reason=payload.reason,
        note=payload.note,
        expected_version=payload.version,
    )
    return _line(request, patient_id, line_id)


@router.post("/{patient_id}/treatment-lines/{line_id}/orders", response=LineOut)
@api_perm(WRITE)
def treatment_line_orders(
    request: HttpRequest, patient_id: int, line_id: int, payload: LineOrdersIn
) -> LineOut:
    """Link the patient's orders of the line's regimen to it."""
    _line(request, patient_id, line_id)
    services.treatment_line_orders_link(
        **acting(request),
        line_id=line_id,
        order_ids=payload.order_ids,
        expected_version=payload.version,
    )
    return _line(request, patient_id, line_id)


@router.post("/{patient_id}/treatment-plan-items", response={201: PlanItemOut})
@api_perm(WRITE)
def treatment_plan_item(
    request: HttpRequest, patient_id: int, payload: PlanItemIn
) -> Status[PlanItemOut]:
    """Surgery or radiotherapy in the plan."""
    item = services.treatment_plan_item_record(
        **acting(request),
        patient_id=patient_id,
        data=payload.to_input(),
    )
    return Status(201, plan_item_out(item))


# --- re-evaluations -----------------------------------------------------------------------------


@router.get("/{patient_id}/evaluations", response=list[EvaluationOut])
@api_perm(VIEW)
def evaluations(request: HttpRequest, patient_id: int) -> list[EvaluationOut]:
    """The response history, newest first."""
    return [evaluation_out(e) for e in _course(request, patient_id).evaluations]


@router.post("/{patient_id}/evaluations", response={201: EvaluationOut})
@api_perm(WRITE)
def evaluation_record(
    request: HttpRequest, patient_id: int, payload: EvaluationIn
) -> Status[EvaluationOut]:
    """A baseline (``baseline: true``) or a re-evaluation; the response is computed against
    the line's baseline and nadir. Bad measurements: 422, nothing saved."""
    row = services.response_evaluation_record(
        **acting(request),
        patient_id=patient_id,
        data=payload.to_input(),
    )
    return Status(201, evaluation_out(row))


# --- home therapy and appointments ----------------------------------------------------------------


@router.get("/{patient_id}/home-therapy", response=list[HomeTherapyOut])
@api_perm(VIEW)
def home_therapy(request: HttpRequest, patient_id: int) -> list[HomeTherapyOut]:
    """Home therapies in progress, then the stopped ones."""
    view = _course(request, patient_id)
    return [home_therapy_out(t) for t in (*view.home_active, *view.home_past)]


@router.post("/{patient_id}/home-therapy", response={201: HomeTherapyOut})
@api_perm(WRITE)
def home_therapy_record(
    request: HttpRequest, patient_id: int, payload: HomeTherapyIn
) -> Status[HomeTherapyOut]:
    row = services.home_therapy_record(
        **acting(request),
        patient_id=patient_id,
        data=payload.to_input(),
    )
    return Status(201, home_therapy_out(row))


@router.post("/{patient_id}/home-therapy/{therapy_id}/stop", response=HomeTherapyOut)
@api_perm(WRITE)
def home_therapy_stop(
    request: HttpRequest, patient_id: int, therapy_id: int, payload: HomeTherapyStopIn
) -> HomeTherapyOut:
    _owned(request, patient_id, therapy_id, lambda v: (*v.home_active, *v.home_past),
           NotFound("Terapia domiciliare non trovata.", code="home_therapy_not_found"))  # fmt: skip
    row = services.home_therapy_stop(
        **acting(request),
        therapy_id=therapy_id,
        stopped_on=payload.stopped_on,
        expected_version=payload.version,
    )
    return home_therapy_out(row)


@router.get("/{patient_id}/appointments", response=list[AppointmentOut])
@api_perm(VIEW)
def appointments(request: HttpRequest, patient_id: int) -> list[AppointmentOut]:
    """The next appointments (soonest first), then past and cancelled ones."""
    view = _course(request, patient_id)
    return [appointment_out(a) for a in (*view.upcoming, *view.past_appointments)]


@router.post("/{patient_id}/appointments", response={201: AppointmentOut})
@api_perm(WRITE)
def appointment_record(
    request: HttpRequest, patient_id: int, payload: AppointmentIn
) -> Status[AppointmentOut]:
    row = services.appointment_record(
        **acting(request),
        patient_id=patient_id,
        scheduled_on=payload.scheduled_on,
        kind=payload.kind,
        note=payload.note,
    )
    return Status(201, appointment_out(row))


@router.post("/{patient_id}/appointments/{appointment_id}/cancel", response=AppointmentOut)
@api_perm(WRITE)
def appointment_cancel(
    request: HttpRequest, patient_id: int, appointment_id: int, payload: AppointmentCancelIn
) -> AppointmentOut:
    _owned(request, patient_id, appointment_id, lambda v: (*v.upcoming, *v.past_appointments),
           NotFound("Appuntamento non trovato.", code="appointment_not_found"))  # fmt: skip
    row = services.appointment_cancel(
        **acting(request),
        appointment_id=appointment_id,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return appointment_out(row)
