"""«Ottimizza la giornata» as a background job: request → compute (procrastinate) → apply.

- ``day_plan_request``: records a ``PlanRequest`` (who, when, workstation, channel, the
  agenda and day, the versions of the bookings the plan may move, read now), audits it and
  defers the job ``corsia.agenda.day_plan_compute`` when the transaction commits.
- ``day_plan_compute`` (the job): reads the day again, runs the planner (up to
  ``PLAN_TIME_LIMIT_S``), stores the plan (JSON), the versions it was computed on and the
  warnings; a refusal of the problem or of the planner is stored as the request's error
  (Italian message, stable code), never lost in the worker's log.
- ``plan_request_view``: the request for the page and the API; once ready, the preview is
  built from the stored plan and the day as it is now (names only for those who may see
  them; the read of every patient shown is logged); ``stale`` when a booking changed since.
- ``day_plan_request_apply``: the agenda and the day locked, every movable booking at the
  version the plan was computed on (else ``plan_stale``, nothing changed), the stored plan
  checked against the day as it is now (``check_plan``) and written by
  ``optimise.write_plan``; the request marked applied.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from corsia.agenda import audit_events as events
from corsia.agenda.models import Agenda, PlanRequest, PlanRequestState
from corsia.agenda.permissions import BOOK
from corsia.agenda.selectors import (
    agenda_for_update,
    agenda_get,
    day_bookings_for_plan,
    day_in_range,
    log_plan_read,
)
from corsia.agenda.services.bookings import ONLY_BOOKERS, _reason
from corsia.agenda.services.day_problem import _problem
from corsia.agenda.services.optimise import (
    DayPlanPreview,
    _plan,
    _preview,
    plan_from_json,
    plan_json,
    write_plan,
)
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, CorsiaError, NotFound

STALE = (
    "Le prenotazioni della giornata sono cambiate dopo il calcolo del piano (spostate, "
    "aggiunte, annullate o bloccate): nulla è stato modificato, ricalcolare il piano."
)

COMPUTE_TASK = "corsia.agenda.day_plan_compute"  # tasks.py; deferred by name (a lower layer)
log = logging.getLogger(__name__)


def _defer(request_id: int) -> None:
    """The compute job, once per request (its queueing lock)."""
    from procrastinate import exceptions
    from procrastinate.contrib.django import app

    try:
        with transaction.atomic():  # a savepoint: the lock's refusal must not abort a caller
            app.configure_task(
                COMPUTE_TASK, queue="agenda", queueing_lock=f"agenda_plan_{request_id}"
            ).defer(request_id=request_id)
    except exceptions.AlreadyEnqueued:
        pass
    except Exception:  # the queue unreachable: the request stays queued, visibly
        log.exception("day plan request %s: compute job not deferred", request_id)


def _versions(agenda: Agenda, day: date) -> dict[str, int]:
    state = _problem(agenda, day, day_bookings_for_plan(agenda, day))
    return {str(pk): state.bookings[pk].version for pk in sorted(state.free)}


def day_plan_request(
    *, actor: User, agenda_id: int, day: date, workstation: Workstation, channel: str = "web"
) -> PlanRequest:
    """Ask for the day's plan: recorded now, computed by the worker."""
    require_permission(actor, BOOK, ONLY_BOOKERS)
    day = day_in_range(day)
    with transaction.atomic():
        agenda = agenda_get(user=actor, agenda_id=agenda_id)
        read = _versions(agenda, day)
        request = PlanRequest.objects.create(
            agenda=agenda,
            day=day,
            requested_by=actor,
            requested_at=timezone.now(),
            workstation=workstation_label(workstation),
            channel=channel[:10],
            read_versions=read,
            versions=read,
        )
        audit_record(
            event=events.DAY_PLAN_REQUESTED,
            actor=actor,
            workstation=workstation,
            target=agenda,
            after={"day": day.isoformat(), "request": request.pk, "versions": read},
        )
        transaction.on_commit(lambda: _defer(request.pk))
    return request


def day_plan_compute(*, request_id: int) -> PlanRequest | None:
    """The job: compute the plan of a queued request and store it (or the refusal)."""
    with transaction.atomic():
        request = (
            PlanRequest.objects.select_for_update(skip_locked=True)
            .filter(pk=request_id, state=PlanRequestState.QUEUED)
            .first()
        )
        if request is None:
            return None  # done already, or another worker has it
        request.state = PlanRequestState.RUNNING
        request.started_at = timezone.now()
        request.save(update_fields=["state", "started_at"])
    agenda = request.agenda
    try:
        state = _problem(agenda, request.day, day_bookings_for_plan(agenda, request.day))
        plan = _plan(state)
    except CorsiaError as refused:
        request.state = PlanRequestState.FAILED
        request.error_code = refused.code
        request.error_message = str(refused.message)[:500]
    else:
        request.state = PlanRequestState.READY
        request.plan = plan_json(plan) if plan is not None else None
        request.versions = {str(pk): state.bookings[pk].version for pk in sorted(state.free)}
        request.warnings = list(state.warnings)
    request.finished_at = timezone.now()
    request.save(
        update_fields=[
            "state",
            "plan",
            "versions",
            "warnings",
            "error_code",
            "error_message",
            "finished_at",
        ]
    )
    return request


@dataclass(frozen=True)
class PlanRequestView:
    request_id: int
    agenda_id: int
    agenda_name: str
    day: date
    state: str
    state_label: str
    requested_by: str
    requested_at: datetime
    finished_at: datetime | None
    error_code: str
    error_message: str
    preview: DayPlanPreview | None  # once computed
    stale: bool  # a booking changed since the plan was computed: it cannot be applied

    @property
    def pending(self) -> bool:
        return self.state in (PlanRequestState.QUEUED, PlanRequestState.RUNNING)


def _request(actor: User, request_id: int) -> PlanRequest:
    request = (
        PlanRequest.objects.select_related("agenda", "requested_by").filter(pk=request_id).first()
    )
    if request is None:
        raise NotFound("Richiesta di piano inesistente.", code="plan_request_not_found")
    agenda_get(user=actor, agenda_id=request.agenda_id)
    return request


def plan_request_view(
    *, actor: User, request_id: int, workstation: Workstation, channel: str = "web"
) -> PlanRequestView:
    """The request and, once computed, its preview against the day as it is now."""
    require_permission(actor, BOOK, ONLY_BOOKERS)
    request = _request(actor, request_id)
    preview, stale = None, False
    if request.state in (PlanRequestState.READY, PlanRequestState.APPLIED):
        bookings = day_bookings_for_plan(request.agenda, request.day)
        state = _problem(request.agenda, request.day, bookings)
        plan = plan_from_json(request.plan) if request.plan else None
        preview = _preview(actor, state, plan)
        now = {str(pk): state.bookings[pk].version for pk in sorted(state.free)}
        stale = request.state == PlanRequestState.READY and now != request.versions
        preview = _with_versions(preview, request.versions)
        log_plan_read(actor, list(state.bookings.values()), workstation, channel)
    return PlanRequestView(
        request_id=request.pk,
        agenda_id=request.agenda_id,
        agenda_name=request.agenda.name,
        day=request.day,
        state=request.state,
        state_label=str(PlanRequestState(request.state).label),
        requested_by=request.requested_by.get_full_name() or request.requested_by.username,
        requested_at=request.requested_at,
        finished_at=request.finished_at,
        error_code=request.error_code,
        error_message=request.error_message,
        preview=preview,
        stale=stale,
    )


def _with_versions(preview: DayPlanPreview, versions: dict[str, int]) -> DayPlanPreview:
    """The preview expecting the versions the plan was computed on."""
    return replace(preview, free_versions=tuple(sorted((int(k), v) for k, v in versions.items())))


def day_plan_request_apply(
    *, actor: User, workstation: Workstation, request_id: int, reason: str
) -> PlanRequest:
    """Apply a computed plan: all its moves or none (see the module's text)."""
    require_permission(actor, BOOK, ONLY_BOOKERS)
    reason = _reason(reason, required=True)
    with transaction.atomic():
        request = _request(actor, request_id)
        agenda = agenda_for_update(request.agenda_id)
        request = PlanRequest.objects.select_for_update().get(pk=request.pk)
        if request.state == PlanRequestState.APPLIED:
            raise ConflictError("Questo piano è già stato applicato.", code="plan_applied")
        if request.state != PlanRequestState.READY:
            raise ConflictError(
                "Il piano non è ancora pronto (in calcolo o non riuscito).",
                code="plan_not_ready",
            )
        if request.plan is None:
            raise ConflictError("Nessuna prenotazione da pianificare.", code="plan_empty")
        state = _problem(agenda, request.day, day_bookings_for_plan(agenda, request.day, lock=True))
        now = {str(pk): state.bookings[pk].version for pk in sorted(state.free)}
        if now != request.versions:
            raise ConflictError(
                STALE,
                code="plan_stale",
                details={
                    "changed": sorted(
                        int(k)
                        for k in set(now) | set(request.versions)
                        if now.get(k) != request.versions.get(k)
                    )
                },
            )
        write_plan(
            actor=actor,
            workstation=workstation,
            state=state,
            plan=plan_from_json(request.plan),
            reason=reason,
        )
        request.state = PlanRequestState.APPLIED
        request.applied_at = timezone.now()
        request.applied_by = actor
        request.save(update_fields=["state", "applied_at", "applied_by"])
    return request


@dataclass(frozen=True)
class PlanRequestRow:
    request_id: int
    state: str
    state_label: str
    requested_by: str
    requested_at: datetime


def day_plan_requests(*, actor: User, agenda_id: int, day: date) -> list[PlanRequestRow]:
    """The day's plan requests, newest first (no patient in them)."""
    require_permission(actor, BOOK, ONLY_BOOKERS)
    agenda_get(user=actor, agenda_id=agenda_id)
    return [
        PlanRequestRow(
            request_id=r.pk,
            state=r.state,
            state_label=str(PlanRequestState(r.state).label),
            requested_by=r.requested_by.get_full_name() or r.requested_by.username,
            requested_at=r.requested_at,
        )
        for r in PlanRequest.objects.filter(agenda_id=agenda_id, day=day)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")[:10]
    ]
