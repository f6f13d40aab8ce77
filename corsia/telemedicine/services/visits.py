"""Scheduling a televisit on an agenda booking or requesting a teleconsultation; the
patient's consent; opening, closing and cancelling the room."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.selectors import users_in_role
from corsia.agenda.selectors import booking_brief
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors import patient_record
from corsia.telemedicine import audit_events as events
from corsia.telemedicine.domain.jitsi import new_room_name
from corsia.telemedicine.domain.states import (
    CONSENT_SOURCES,
    CONSENT_TEXT_IT,
    CONSENT_VERSION,
    VisitKind,
    VisitState,
)
from corsia.telemedicine.models import Televisit
from corsia.telemedicine.permissions import CONDUCT

# Agenda booking types a televisit may stand on (not a therapy, not a pump detachment).
TELEVISIT_BOOKING_KINDS = {"visit", "follow_up", "clinic"}
MAX_TEXT = 4000


def _summary(visit: Televisit) -> dict[str, Any]:
    return {
        "kind": visit.kind,
        "state": visit.state,
        "booking_id": visit.booking_id,
        "clinician_id": visit.clinician_id,
        "consultant_id": visit.consultant_id,
        "scheduled_start": visit.scheduled_start.isoformat(),
        "consent_version": visit.consent_version,
        "version": visit.version,
    }


def _physician(user_id: int, field: str) -> User:
    found = next((u for u in users_in_role(role=Role.PHYSICIAN) if u.pk == user_id), None)
    if found is None:
        raise ValidationFailed(
            "Il medico indicato non esiste o non è attivo.", code="clinician_unknown", field=field
        )
    return found


def _text(value: str, field: str, *, required: bool) -> str:
    clean = (value or "").strip()
    if required and not clean:
        raise ValidationFailed("Campo obbligatorio.", code="text_required", field=field)
    if len(clean) > MAX_TEXT or "\x00" in clean:
        raise ValidationFailed(
            f"Testo non valido (al massimo {MAX_TEXT} caratteri).", code="text_invalid", field=field
        )
    return clean


def televisit_schedule(
    *, actor: User, workstation: Workstation, booking_id: int, clinician_id: int
) -> Televisit:
    """A televisit on an agenda booking of the patient (a visit, follow-up or clinic
    access not yet done nor cancelled) with the physician who will hold it."""
    require_permission(actor, CONDUCT)
    booking = booking_brief(booking_id)
    if booking is None:
        raise NotFound("Prenotazione inesistente.", code="booking_not_found")
    ensure_patient_in_scope(actor, booking.patient_id)
    if not booking.active:
        raise ConflictError(
            "La prenotazione è conclusa o annullata: non si programma una televisita.",
            code="booking_not_active",
        )
    if booking.booking_kind not in TELEVISIT_BOOKING_KINDS:
        raise ValidationFailed(
            "Una televisita si programma su una visita, un controllo o un accesso ambulatoriale.",
            code="booking_kind_not_visit",
            field="booking_id",
        )
    clinician = _physician(clinician_id, "clinician_id")
    try:
        with transaction.atomic():
            visit = Televisit.objects.create(
                kind=VisitKind.TELEVISIT.value,
                patient=patient_record(patient_id=booking.patient_id),
                booking_id=booking.booking_id,
                clinician=clinician,
                scheduled_start=booking.start_at,
                scheduled_end=booking.end_at,
                room_name=new_room_name(),
                created_by=actor,
                updated_by=actor,
            )
            audit_record(
                event=events.SCHEDULED,
                actor=actor,
                workstation=workstation,
                target=visit,
                patient_id=visit.patient_id,
                after=_summary(visit),
            )
    except IntegrityError:
        raise ConflictError(
            "Per questa prenotazione c'è già una televisita.", code="televisit_exists"
        ) from None
    return visit


def teleconsultation_request(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    consultant_id: int,
    question: str,
    start: datetime,
    minutes: int = 30,
) -> Televisit:
    """Ask another physician about a patient, with a video room for the two of them."""
    require_permission(actor, CONDUCT)
    ensure_patient_in_scope(actor, patient_id)
    patient = patient_record(patient_id=patient_id)
    consultant = _physician(consultant_id, "consultant_id")
    if consultant.pk == actor.pk:
        raise ValidationFailed(
            "Il consulente è un altro medico.",
            code="consultant_is_requester",
            field="consultant_id",
        )
    text = _text(question, "question", required=True)
    if not 5 <= minutes <= 240:
        raise ValidationFailed("Durata da 5 a 240 minuti.", code="minutes_out_of_range")
    with transaction.atomic():
        visit = Televisit.objects.create(
            kind=VisitKind.TELECONSULTATION.value,
            patient=patient,
            clinician=actor,
            consultant=consultant,
            question=text,
            scheduled_start=start,
            scheduled_end=start + timedelta(minutes=minutes),
            room_name=new_room_name(),
            created_by=actor,
            updated_by=actor,
        )
        audit_record(
            event=events.CONSULTATION_REQUESTED,
            actor=actor,
            workstation=workstation,
            target=visit,
            patient_id=patient.pk,
            after=_summary(visit),
        )
    return visit


def _locked(visit_id: int) -> Televisit:
    visit = Televisit.objects.select_for_update().filter(pk=visit_id).first()
    if visit is None:
        raise NotFound("Televisita inesistente.", code="televisit_not_found")
    return visit


def _held_by(visit: Televisit, actor: User) -> None:
    """Only the clinician holding it changes a televisit's room (others: not found)."""
    if visit.clinician_id != actor.pk:
        raise NotFound("Televisita inesistente.", code="televisit_not_found")


def televisit_consent_record(
    *, actor: User, workstation: Workstation, televisit_id: int, source: str
) -> Televisit:
    """The patient's consent to the televisit as the clinician heard it (who gave it, when,
    the version of the text read to them): required before the room opens."""
    require_permission(actor, CONDUCT)
    if source not in CONSENT_SOURCES:
        raise ValidationFailed(
            "Indicare chi ha espresso il consenso.", code="consent_source_unknown", field="source"
        )
    with transaction.atomic():
        visit = _locked(televisit_id)
        _held_by(visit, actor)
        if visit.kind != VisitKind.TELEVISIT.value:
            raise ConflictError(
                "Il teleconsulto non ha il paziente nella stanza.", code="consent_not_applicable"
            )
        if visit.state != VisitState.SCHEDULED.value:
            raise ConflictError(
                "La televisita non è più programmata.", code="televisit_not_scheduled"
            )
        if visit.consent_at is not None:
            raise ConflictError("Consenso già registrato.", code="consent_already_recorded")
        visit.consent_at = timezone.now()
        visit.consent_recorded_by = actor
        visit.consent_source = source
        visit.consent_version = CONSENT_VERSION
        visit.consent_text = CONSENT_TEXT_IT
        visit.save(
            update_fields=[
                "consent_at",
                "consent_recorded_by",
                "consent_source",
                "consent_version",
                "consent_text",
                *visit.bump(by=actor),
            ]
        )
        audit_record(
            event=events.CONSENT_RECORDED,
            actor=actor,
            workstation=workstation,
            target=visit,
            patient_id=visit.patient_id,
            after={**_summary(visit), "source": source},
        )
    return visit


def televisit_open(*, actor: User, workstation: Workstation, televisit_id: int) -> Televisit:
    """Open the room: a televisit only once the consent is recorded."""
    require_permission(actor, CONDUCT)
    with transaction.atomic():
        visit = _locked(televisit_id)
        _held_by(visit, actor)
        if visit.state == VisitState.OPEN.value:
            return visit
        if visit.state != VisitState.SCHEDULED.value:
            raise ConflictError("La televisita è conclusa o annullata.", code="televisit_closed")
        if visit.kind == VisitKind.TELEVISIT.value and visit.consent_at is None:
            raise ConflictError(
                "Registrare il consenso del paziente prima di aprire la stanza.",
                code="consent_required",
            )
        visit.state = VisitState.OPEN.value
        visit.opened_at = timezone.now()
        visit.save(update_fields=["state", "opened_at", *visit.bump(by=actor)])
        audit_record(
            event=events.ROOM_OPENED,
            actor=actor,
            workstation=workstation,
            target=visit,
            patient_id=visit.patient_id,
            after=_summary(visit),
        )
    return visit


def televisit_close(*, actor: User, workstation: Workstation, televisit_id: int) -> Televisit:
    """Close the room at the end: no message is accepted after."""
    require_permission(actor, CONDUCT)
    with transaction.atomic():
        visit = _locked(televisit_id)
        _held_by(visit, actor)
        if visit.state != VisitState.OPEN.value:
            raise ConflictError("La stanza non è aperta.", code="televisit_not_open")
        visit.state = VisitState.CLOSED.value
        visit.closed_at = timezone.now()
        visit.save(update_fields=["state", "closed_at", *visit.bump(by=actor)])
        audit_record(
            event=events.ROOM_CLOSED,
            actor=actor,
            workstation=workstation,
            target=visit,
            patient_id=visit.patient_id,
            after=_summary(visit),
        )
    return visit


def televisit_cancel(
    *, actor: User, workstation: Workstation, televisit_id: int, reason: str
) -> Televisit:
    require_permission(actor, CONDUCT)
    why = _text(reason, "reason", required=True)[:500]
    with transaction.atomic():
        visit = _locked(televisit_id)
        _held_by(visit, actor)
        if visit.state != VisitState.SCHEDULED.value:
            raise ConflictError(
                "Si annulla solo una televisita non ancora aperta.", code="televisit_not_scheduled"
            )
        visit.state = VisitState.CANCELLED.value
        visit.state_reason = why
        visit.save(update_fields=["state", "state_reason", *visit.bump(by=actor)])
        audit_record(
            event=events.CANCELLED,
            actor=actor,
            workstation=workstation,
            target=visit,
            patient_id=visit.patient_id,
            after=_summary(visit),
            reason=why,
        )
    return visit


def teleconsultation_answer(
    *, actor: User, workstation: Workstation, televisit_id: int, answer: str
) -> Televisit:
    """The consultant's written answer (once; the request and the answer stay)."""
    require_permission(actor, CONDUCT)
    text = _text(answer, "answer", required=True)
    with transaction.atomic():
        visit = _locked(televisit_id)
        if visit.kind != VisitKind.TELECONSULTATION.value or visit.consultant_id != actor.pk:
            raise NotFound("Teleconsulto inesistente.", code="televisit_not_found")
        if visit.answered_at is not None:
            raise ConflictError("Il teleconsulto ha già la risposta.", code="already_answered")
        if visit.state == VisitState.CANCELLED.value:
            raise ConflictError("Teleconsulto annullato.", code="televisit_closed")
        visit.answer = text
        visit.answered_at = timezone.now()
        visit.save(update_fields=["answer", "answered_at", *visit.bump(by=actor)])
        audit_record(
            event=events.CONSULTATION_ANSWERED,
            actor=actor,
            workstation=workstation,
            target=visit,
            patient_id=visit.patient_id,
            after={**_summary(visit), "answered": True},
        )
    return visit
