"""The anamnesis (a new signed version at each change; a stale form refused) and the
raccordo anamnestico at each access (linked to the encounter in progress)."""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.records import audit_events as events
from corsia.records.domain import anamnesis
from corsia.records.domain.moments import past_date
from corsia.records.domain.text import clinical_text
from corsia.records.models import AnamnesisNote, AnamnesisVersion
from corsia.records.services._common import row_record
from corsia.records.services.diary import WRITE, active_encounter_id

Sections = anamnesis.Sections
# One advisory lock per patient's anamnesis ("reco" in the high half, the patient id in the
# low one): two saves built from the same version cannot both pass.
_ANAMNESIS_LOCK_BASE = 0x7265636F_00000000


def anamnesis_sign(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    data: anamnesis.Sections,
    expected_version: int,
) -> AnamnesisVersion:
    """Save the anamnesis as a new signed version. ``expected_version`` is the number the
    form was built from (0 for the first): another version saved since → ``stale_version``."""
    require_permission(actor, WRITE)
    clean = anamnesis.checked_sections(data)
    patient_pk, _encounter = active_encounter_id(user=actor, patient_id=patient_id)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ANAMNESIS_LOCK_BASE + patient_pk])
        current = (
            AnamnesisVersion.objects.filter(patient_id=patient_pk)
            .select_related("author")
            .order_by("-number")
            .first()
        )
        anamnesis.ensure_latest(
            expected_version=expected_version,
            current=current.number if current else 0,
            by=(current.author.get_full_name() or current.author.username) if current else "—",
            at=current.signed_at if current else None,
        )
        number = (current.number if current else 0) + 1
        version = row_record(
            AnamnesisVersion,
            event=events.ANAMNESIS_SIGNED,
            actor=actor,
            workstation=workstation,
            before={"number": current.number} if current else None,
            after={"number": number, **{s.value: clean.text(s) for s in anamnesis.Section}},
            writer="author",
            patient_id=patient_pk,
            number=number,
            **{s.value: clean.text(s) for s in anamnesis.Section},
        )
    return version


def anamnesis_note_sign(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    text: str,
    noted_on: date | None = None,
) -> AnamnesisNote:
    """The raccordo anamnestico of this access, linked to the encounter in progress."""
    require_permission(actor, WRITE)
    clean = clinical_text(text, field="text")
    today = timezone.localdate()
    day = past_date(noted_on or today, today=today, field="noted_on") or today
    patient_pk, encounter_id = active_encounter_id(user=actor, patient_id=patient_id)
    if encounter_id is None:
        raise ValidationFailed(
            "Il raccordo anamnestico si scrive durante un ricovero o un accesso in corso.",
            code="no_active_encounter",
        )
    with transaction.atomic():
        note = row_record(
            AnamnesisNote,
            event=events.ANAMNESIS_NOTE_SIGNED,
            actor=actor,
            workstation=workstation,
            after={"encounter": encounter_id, "noted_on": str(day), "text": clean},
            writer="author",
            patient_id=patient_pk,
            encounter_id=encounter_id,
            noted_on=day,
            text=clean,
        )
    return note
