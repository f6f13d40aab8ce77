"""A complication of a device in place (occlusion, thrombosis, CRBSI/CLABSI suspected or
confirmed, exit-site infection, dislodgement, malposition, extravasation, infiltration,
phlebitis), and the correction of any event of the register: a new row superseding the
old one, with the reason (a suspected CRBSI confirmed, a wrong time, an entry in error)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.codes import code_of
from corsia.core.domain.errors import ConflictError, NotFound
from corsia.patients.selectors import patient_get
from corsia.vascular import audit_events as events
from corsia.vascular.domain import codes, rules
from corsia.vascular.models import AccessEvent, EventCategory
from corsia.vascular.permissions import RECORD
from corsia.vascular.services.care import ensure_in_place
from corsia.vascular.services.common import aware, clean_text, device_for_update


@dataclass(frozen=True)
class ComplicationInput:
    kind: str
    occurred_at: datetime | None = None  # None: now
    certainty: str = codes.Certainty.CONFIRMED.value
    note: str = ""


def complication_record(
    *, actor: User, workstation: Workstation, device_id: int, data: ComplicationInput
) -> AccessEvent:
    """Record a complication of a device in place, dated within its dwell."""
    require_permission(actor, RECORD)
    kind = code_of(codes.Complication, data.kind, "kind", "Complicanza sconosciuta.")
    certainty = code_of(codes.Certainty, data.certainty, "certainty", "Certezza sconosciuta.")
    note = clean_text(data.note, "note")
    now = timezone.now()
    with transaction.atomic():
        device = device_for_update(actor=actor, device_id=device_id)
        ensure_in_place(device)
        assert device.inserted_at is not None
        at = aware(data.occurred_at, "occurred_at", now)
        rules.check_within_dwell(
            at=at, inserted_at=device.inserted_at, removed_at=None, now=now, field="occurred_at"
        )
        event = AccessEvent.objects.create(
            device=device,
            patient_id=device.patient_id,
            category=EventCategory.COMPLICATION,
            kind=kind.value,
            occurred_at=at,
            details={"certainty": certainty.value},
            note=note,
            author=actor,
            workstation=workstation_label(workstation)[:120],
        )
        audit_record(
            event=events.COMPLICATION_RECORDED,
            actor=actor,
            workstation=workstation,
            target=event,
            patient_id=device.patient_id,
            after={
                "device": device.pk,
                "kind": kind.value,
                "certainty": certainty.value,
                "at": at.isoformat(),
            },
        )
    return event


def event_correct(
    *,
    actor: User,
    workstation: Workstation,
    event_id: int,
    reason: str,
    occurred_at: datetime | None = None,
    certainty: str = "",
    note: str | None = None,
    entered_in_error: bool = False,
) -> AccessEvent:
    """A new version of a care act or complication: another time, a certainty changed
    (suspected → confirmed), another note, or entered in error (then it counts nowhere).
    Only the latest version is corrected; the old one stays, read-only."""
    require_permission(actor, RECORD)
    why = clean_text(reason, "reason", limit=2000, required="Indica il motivo della correzione.")
    new_note = None if note is None else clean_text(note, "note")
    now = timezone.now()
    with transaction.atomic():
        old = AccessEvent.objects.select_for_update(of=("self",)).filter(pk=event_id).first()
        if old is None:
            raise NotFound("Evento non trovato.", code="event_not_found")
        patient_get(user=actor, patient_id=old.patient_id)
        device = device_for_update(actor=actor, device_id=old.device_id)
        if AccessEvent.objects.filter(supersedes=old).exists():
            raise ConflictError(
                "L'evento è già stato corretto: correggi la versione più recente.",
                code="event_superseded",
            )
        assert device.inserted_at is not None
        at = old.occurred_at if occurred_at is None else aware(occurred_at, "occurred_at", now)
        rules.check_within_dwell(
            at=at,
            inserted_at=device.inserted_at,
            removed_at=device.removed_at,
            now=now,
            field="occurred_at",
        )
        details = dict(old.details)
        if certainty:
            if old.category != EventCategory.COMPLICATION:
                raise ConflictError(
                    "La certezza si indica solo per una complicanza.", code="not_a_complication"
                )
            details["certainty"] = code_of(
                codes.Certainty, certainty, "certainty", "Certezza sconosciuta."
            ).value
        if entered_in_error:
            details["entered_in_error"] = True
        new = AccessEvent.objects.create(
            device=device,
            patient_id=old.patient_id,
            category=old.category,
            kind=old.kind,
            occurred_at=at,
            details=details,
            note=old.note if new_note is None else new_note,
            author=actor,
            workstation=workstation_label(workstation)[:120],
            supersedes=old,
            correction_reason=why,
        )
        audit_record(
            event=events.EVENT_CORRECTED,
            actor=actor,
            workstation=workstation,
            target=new,
            patient_id=old.patient_id,
            before={"id": old.pk, "at": old.occurred_at.isoformat(), **old.details},
            after={"id": new.pk, "at": at.isoformat(), **details},
            reason=why,
        )
    return new
