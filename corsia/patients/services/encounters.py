"""Encounters (ADT): admission, discharge, transfer between wards and places, cancellation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.domain.events import EventType
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients import audit_events as events
from corsia.patients.domain.states import EncounterEvent, EncounterState, next_state
from corsia.patients.models import BedOrChair, DocumentType, Encounter, EncounterKind, Ward
from corsia.patients.selectors import is_masked, masked_document_ids
from corsia.patients.services.patient import ENCOUNTER, ensure_not_merged, locked_patient

# The answer to an admission that a masked stay in progress, hidden from the actor, forbids.
# It names no stay, ward or date, and is the same whatever the patient's stay is: the
# admission is referred to the registry's duty (accettazione), which sees every stay.
ADMISSION_REFERRED_TEXT = (
    "Questo ricovero/accesso va registrato dall'ufficio accettazione: la richiesta è stata "
    "inoltrata."
)


def _ward_and_place(ward_id: int, place_id: int | None) -> tuple[Ward, BedOrChair | None]:
    ward = Ward.objects.filter(pk=ward_id).first()
    if ward is None:
        raise ValidationFailed("Reparto non trovato.", code="ward_unknown", field="ward_id")
    if place_id is None:
        return ward, None
    place = BedOrChair.objects.select_for_update().filter(pk=place_id).first()
    if place is None or place.ward_id != ward.pk:
        raise ValidationFailed(
            f"Il letto/poltrona indicato non appartiene al reparto {ward.name}.",
            code="place_not_in_ward",
            field="place_id",
        )
    occupied = Encounter.objects.filter(place=place, state=EncounterState.ACTIVE.value).first()
    if occupied is not None:
        raise ValidationFailed(
            f"Il posto {place.code} di {ward.name} è già occupato.",
            code="place_occupied",
            field="place_id",
        )
    return ward, place


def _encounter_snapshot(encounter: Encounter) -> dict[str, Any]:
    return {
        "kind": encounter.kind,
        "ward": encounter.ward.code,
        "place": encounter.place.code if encounter.place else None,
        "state": encounter.state,
        "admitted_at": encounter.admitted_at.isoformat(),
        "discharged_at": encounter.discharged_at.isoformat() if encounter.discharged_at else None,
    }


def _refer_behind_a_hidden_stay(
    actor: User, workstation: Workstation, patient_id: int, *, kind: str, ward_id: int
) -> None:
    """Refuse an admission that a masked stay in progress, hidden from the actor, forbids,
    without telling it: ``admission_referred`` (no stay, ward, bed or date named), the
    attempt recorded for the registry's duty, who reads the audit trail and sees every stay
    (docs/security.md, section 25). Someone who sees the stay is told it is in progress by
    the admission itself (``encounter_already_active``)."""
    with transaction.atomic():
        patient = locked_patient(patient_id)
        hidden = masked_document_ids(document_type=DocumentType.ENCOUNTER.value, user=actor)
        in_progress = patient.encounters.filter(state=EncounterState.ACTIVE.value)
        if not in_progress.filter(pk__in=hidden).exists():
            return
        audit_record(
            event=events.ADMISSION_REFERRED,
            actor=actor,
            workstation=workstation,
            target=patient,
            patient_id=patient.pk,
            after={"kind": kind, "ward_id": ward_id},
        )
    # the referral is committed; the admission is refused
    raise ValidationFailed(ADMISSION_REFERRED_TEXT, code="admission_referred")


def encounter_admit(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    kind: str,
    ward_id: int,
    place_id: int | None = None,
    admitted_at: datetime | None = None,
) -> Encounter:
    require_permission(actor, ENCOUNTER)
    if kind not in EncounterKind.values:
        raise ValidationFailed(
            "Tipo di accesso non valido.", code="encounter_kind_invalid", field="kind"
        )
    now = timezone.now()
    admitted = admitted_at or now
    if admitted > now:
        raise ValidationFailed(
            "La data di ammissione non può essere nel futuro.",
            code="admission_in_future",
            field="admitted_at",
        )
    _refer_behind_a_hidden_stay(actor, workstation, patient_id, kind=kind, ward_id=ward_id)
    with transaction.atomic():
        patient = locked_patient(patient_id)
        ensure_not_merged(patient)
        if patient.encounters.filter(state=EncounterState.ACTIVE.value).exists():
            raise ValidationFailed(
                "Il paziente ha già un ricovero/accesso in corso.",
                code="encounter_already_active",
            )
        ward, place = _ward_and_place(ward_id, place_id)
        encounter = Encounter.objects.create(
            patient=patient,
            kind=kind,
            ward=ward,
            place=place,
            admitted_at=admitted,
            updated_by=actor,
        )
        audit_record(
            event=events.ENCOUNTER_ADMITTED,
            actor=actor,
            workstation=workstation,
            target=encounter,
            patient_id=patient.pk,
            after=_encounter_snapshot(encounter),
        )
    return encounter


def _locked_encounter(encounter_id: int) -> Encounter:
    """The encounter, locked. A masked one (oscuramento) is "not found": it is hidden from
    the people treating the patient, and acting on it would show it in the answer."""
    try:
        encounter = (
            Encounter.objects.select_for_update(of=("self",))
            .select_related("ward", "place")
            .get(pk=encounter_id)
        )
    except Encounter.DoesNotExist:
        raise NotFound("Ricovero/accesso non trovato.", code="encounter_not_found") from None
    if is_masked(document_type=DocumentType.ENCOUNTER.value, document_id=encounter.pk):
        raise NotFound("Ricovero/accesso non trovato.", code="encounter_not_found")
    return encounter


def encounter_discharge(
    *,
    actor: User,
    workstation: Workstation,
    encounter_id: int,
    expected_version: int,
    discharged_at: datetime | None = None,
) -> Encounter:
    require_permission(actor, ENCOUNTER)
    with transaction.atomic():
        encounter = _locked_encounter(encounter_id)
        encounter.check_version(expected_version)
        state = next_state(encounter.state, EncounterEvent.DISCHARGE)
        when = discharged_at or timezone.now()
        if when < encounter.admitted_at:
            raise ValidationFailed(
                "La dimissione non può precedere l'ammissione.",
                code="discharge_before_admission",
                field="discharged_at",
            )
        if when > timezone.now():
            raise ValidationFailed(
                "La data di dimissione non può essere nel futuro.",
                code="discharge_in_future",
                field="discharged_at",
            )
        _state_written(
            encounter,
            changes={"state": state.value, "discharged_at": when},
            actor=actor,
            workstation=workstation,
            event=events.ENCOUNTER_DISCHARGED,
        )
    return encounter


def _state_written(
    encounter: Encounter,
    *,
    changes: dict[str, Any],
    actor: User,
    workstation: Workstation,
    event: EventType,
    reason: str = "",
) -> None:
    """The encounter's new state (and the field that goes with it: discharge time, reason)
    saved, with its audit event: a discharge, a cancellation, a discharge cancelled."""
    before = _encounter_snapshot(encounter)
    for name, value in changes.items():
        setattr(encounter, name, value)
    encounter.save(update_fields=[*changes, *encounter.bump(by=actor)])
    audit_record(
        event=event,
        actor=actor,
        workstation=workstation,
        target=encounter,
        patient_id=encounter.patient_id,
        before=before,
        after=_encounter_snapshot(encounter),
        reason=reason,
    )


def encounter_transfer(
    *,
    actor: User,
    workstation: Workstation,
    encounter_id: int,
    expected_version: int,
    ward_id: int,
    place_id: int | None = None,
) -> Encounter:
    require_permission(actor, ENCOUNTER)
    with transaction.atomic():
        encounter = _locked_encounter(encounter_id)
        encounter.check_version(expected_version)
        next_state(encounter.state, EncounterEvent.TRANSFER)
        if place_id is not None and place_id == encounter.place_id:
            raise ValidationFailed(
                "Il paziente è già in quel posto.", code="transfer_same_place", field="place_id"
            )
        ward, place = _ward_and_place(ward_id, place_id)
        before = _encounter_snapshot(encounter)
        encounter.ward = ward
        encounter.place = place
        encounter.save(update_fields=["ward", "place", *encounter.bump(by=actor)])
        audit_record(
            event=events.ENCOUNTER_TRANSFERRED,
            actor=actor,
            workstation=workstation,
            target=encounter,
            patient_id=encounter.patient_id,
            before=before,
            after=_encounter_snapshot(encounter),
        )
    return encounter


def encounter_cancel(
    *, actor: User, workstation: Workstation, encounter_id: int, expected_version: int, reason: str
) -> Encounter:
    require_permission(actor, ENCOUNTER)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo dell'annullamento.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        encounter = _locked_encounter(encounter_id)
        encounter.check_version(expected_version)
        state = next_state(encounter.state, EncounterEvent.CANCEL)
        _state_written(
            encounter,
            changes={"state": state.value, "state_reason": reason},
            actor=actor,
            workstation=workstation,
            event=events.ENCOUNTER_CANCELLED,
            reason=reason,
        )
    return encounter


def encounter_discharge_cancel(
    *, actor: User, workstation: Workstation, encounter_id: int, expected_version: int, reason: str
) -> Encounter:
    """A discharge recorded in error (the ADT's A13): the encounter is in progress again,
    in its ward and place, if neither the patient nor the place has another one."""
    require_permission(actor, ENCOUNTER)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo dell'annullamento della dimissione.",
            code="reason_required",
            field="reason",
        )
    with transaction.atomic():
        encounter = _locked_encounter(encounter_id)
        encounter.check_version(expected_version)
        state = next_state(encounter.state, EncounterEvent.CANCEL_DISCHARGE)
        locked_patient(encounter.patient_id)
        others = Encounter.objects.filter(state=EncounterState.ACTIVE.value).exclude(
            pk=encounter.pk
        )
        if others.filter(patient_id=encounter.patient_id).exists():
            raise ValidationFailed(
                "Il paziente ha già un altro ricovero/accesso in corso.",
                code="encounter_already_active",
            )
        if encounter.place_id is not None and others.filter(place_id=encounter.place_id).exists():
            raise ValidationFailed(
                "Il posto del ricovero è ora occupato da un altro paziente.",
                code="place_occupied",
                field="place_id",
            )
        _state_written(
            encounter,
            changes={"state": state.value, "discharged_at": None},
            actor=actor,
            workstation=workstation,
            event=events.ENCOUNTER_DISCHARGE_CANCELLED,
            reason=reason,
        )
    return encounter
