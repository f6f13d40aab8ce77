"""The day's organisation at the hoods: the pharmacist opens a work session of a
technician at a hood and assigns preparations to it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.compounding import audit_events as events
from corsia.compounding.domain.workflow import PrepEvent
from corsia.compounding.models import Hood, Preparation, WorkSession
from corsia.compounding.services.pgx_hold import OrderHolds, ensure_preparation_not_held
from corsia.compounding.services.steps import (
    PREPARE,
    VALIDATE,
    fire,
    locked_preparations,
    save_preparation,
)
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed


def work_session_open(
    *,
    actor: User,
    workstation: Workstation,
    hood_id: int,
    technician: User,
    day: date,
) -> WorkSession:
    require_permission(
        actor, VALIDATE, "Non hai il permesso di organizzare le sessioni alle cappe."
    )
    if not technician.has_perm(PREPARE):
        raise ValidationFailed(
            "La persona scelta non può allestire preparazioni.",
            code="not_a_preparer",
            field="technician",
        )
    with transaction.atomic():
        hood = Hood.objects.filter(pk=hood_id, active=True).first()
        if hood is None:
            raise NotFound("Cappa inesistente o non attiva.", code="hood_not_found")
        session = WorkSession.objects.create(
            date=day, hood=hood, technician=technician, pharmacist=actor
        )
        audit_record(
            event=events.SESSION_OPENED,
            actor=actor,
            workstation=workstation,
            target=session,
            after={"hood": hood.code, "technician": technician.username, "day": day.isoformat()},
        )
    return session


def preparation_assign(
    *,
    actor: User,
    workstation: Workstation,
    preparation_ids: Sequence[int],
    session_id: int,
) -> list[Preparation]:
    require_permission(
        actor, VALIDATE, "Non hai il permesso di assegnare le preparazioni alle cappe."
    )
    with transaction.atomic():
        session = (
            WorkSession.objects.select_related("hood", "technician").filter(pk=session_id).first()
        )
        if session is None or session.ended_at is not None:
            raise NotFound("Sessione inesistente o chiusa.", code="session_not_found")
        done = []
        holds = OrderHolds()  # each order's pharmacogenomic barrier read once
        for prep in locked_preparations(preparation_ids):  # every row locked in one query
            ensure_preparation_not_held(prep, holds.of(prep))
            fields = fire(prep, PrepEvent.ASSIGN)
            prep.session, prep.hood, prep.technician = session, session.hood, session.technician
            save_preparation(prep, actor, [*fields, "session", "hood", "technician"])
            audit_record(
                event=events.PREPARATION_ASSIGNED,
                actor=actor,
                workstation=workstation,
                target=prep,
                patient_id=prep.order.patient_id,
                after={"hood": session.hood.code, "technician": session.technician.username},
            )
            done.append(prep)
    return done
