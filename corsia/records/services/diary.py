"""The daily clinical diary: an entry is signed when it is saved and never changed again;
a correction is a new signed entry that supersedes the old one (which stays readable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.patients.selectors import (
    masked_document_ids,
    patient_active_encounter_id,
    patient_get,
)
from corsia.records import audit_events as events
from corsia.records.domain import diary
from corsia.records.domain.moments import past_moment
from corsia.records.domain.text import clinical_text, one_line
from corsia.records.models import DiaryEntry
from corsia.records.services._common import stamp

WRITE = "records.write_diary"


@dataclass(frozen=True)
class DiaryInput:
    kind: str
    text: str
    written_at: datetime | None = None  # the clinical time; now when missing


@dataclass(frozen=True)
class CleanEntry:
    kind: diary.EntryKind
    text: str
    written_at: datetime


def diary_input_clean(data: DiaryInput, *, now: datetime) -> CleanEntry:
    return CleanEntry(
        kind=diary.entry_kind(data.kind),
        text=clinical_text(data.text, field="text"),
        written_at=past_moment(data.written_at, now=now, field="written_at"),
    )


def snapshot(entry: DiaryEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "text": entry.text,
        "written_at": entry.written_at.isoformat(),
        "encounter": entry.encounter_id,
        "supersedes": entry.supersedes_id,
    }


def entry_create(
    clean: CleanEntry,
    *,
    patient_id: int,
    encounter_id: int | None,
    actor: User,
    workstation: Workstation,
    supersedes: DiaryEntry | None = None,
    reason: str = "",
) -> DiaryEntry:
    """Insert the signed entry (inside the caller's transaction)."""
    return DiaryEntry.objects.create(
        patient_id=patient_id,
        encounter_id=encounter_id,
        kind=clean.kind.value,
        text=clean.text,
        written_at=clean.written_at,
        author=actor,
        workstation=stamp(workstation),
        signed_at=timezone.now(),
        supersedes=supersedes,
        correction_reason=reason,
    )


def entry_sign(
    clean: CleanEntry,
    *,
    patient_id: int,
    encounter_id: int | None,
    actor: User,
    workstation: Workstation,
) -> DiaryEntry:
    """Insert the signed entry and its audit event (inside the caller's transaction)."""
    entry = entry_create(
        clean,
        patient_id=patient_id,
        encounter_id=encounter_id,
        actor=actor,
        workstation=workstation,
    )
    audit_record(
        event=events.DIARY_ENTRY_SIGNED,
        actor=actor,
        workstation=workstation,
        target=entry,
        patient_id=patient_id,
        after=snapshot(entry),
    )
    return entry


def active_encounter_id(*, user: User, patient_id: int) -> tuple[int, int | None]:
    """The patient (a merged duplicate: its survivor) and the encounter in progress — a
    masked one too: what is written during a masked stay is hidden with it, and its author
    keeps seeing it (a diary entry is a care relationship, ``corsia.records.care``)."""
    patient = patient_get(user=user, patient_id=patient_id)
    return patient.pk, patient_active_encounter_id(patient_id=patient.pk)


def diary_entry_sign(
    *, actor: User, workstation: Workstation, patient_id: int, data: DiaryInput
) -> DiaryEntry:
    """Write and sign a diary entry; read-only from now on."""
    require_permission(actor, WRITE)
    clean = diary_input_clean(data, now=timezone.now())
    patient_pk, encounter_id = active_encounter_id(user=actor, patient_id=patient_id)
    with transaction.atomic():
        return entry_sign(
            clean,
            patient_id=patient_pk,
            encounter_id=encounter_id,
            actor=actor,
            workstation=workstation,
        )


def diary_entry_correct(
    *,
    actor: User,
    workstation: Workstation,
    entry_id: int,
    data: DiaryInput,
    reason: str,
    patient_id: int | None = None,
) -> DiaryEntry:
    """A correction: a new signed entry superseding ``entry_id``, never an edit. Only the
    newest version may be corrected (a second correction of the same one is refused)."""
    require_permission(actor, WRITE)
    why = one_line(reason, field="reason")
    clean = diary_input_clean(data, now=timezone.now())
    with transaction.atomic():
        # the row is locked so that two corrections of one entry cannot both pass
        old = DiaryEntry.objects.select_for_update().filter(pk=entry_id).first()
        if (
            old is None
            or (patient_id is not None and old.patient_id != patient_id)
            or (  # written during a masked (oscurato) encounter: hidden like it
                old.encounter_id is not None
                and masked_document_ids(document_type="patients.encounter", user=actor)
                .filter(document_id=old.encounter_id)
                .exists()
            )
        ):
            raise NotFound("Annotazione non trovata.", code="diary_entry_not_found")
        diary.ensure_correctable(superseded=DiaryEntry.objects.filter(supersedes=old).exists())
        new = entry_create(
            clean,
            patient_id=old.patient_id,
            encounter_id=old.encounter_id,
            actor=actor,
            workstation=workstation,
            supersedes=old,
            reason=why,
        )
        audit_record(
            event=events.DIARY_ENTRY_CORRECTED,
            actor=actor,
            workstation=workstation,
            target=new,
            patient_id=old.patient_id,
            before=snapshot(old),
            after=snapshot(new),
            reason=why,
        )
    return new
