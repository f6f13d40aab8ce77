"""The clinical diary of a stay, printed at discharge for the paper record through the
editable template ``discharge_diary`` (``corsia.documents``, fields in
``documents/schemas_lists.py``) and archived, unsigned, with its template version
(issue 23 §22-23).

What is printed: every current entry written during the stay, oldest first, with its
kind, author, clinical time and signature time; a correction says which entry it corrects
(its time) and why. A masked stay is printed only for those who may see it
(``patients.selectors.visible_encounters``); the read is in the access log. Printed by
the letters page (``/records/patients/<id>/stay-diary.pdf?encounter=``) and the API
(``/api/v1/patients/{id}/stay-diary.pdf?encounter_id=``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.documents.services import document_print
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors import patient_get, visible_encounters
from corsia.records.models import DiaryEntry
from corsia.records.timeline_sources import author_name

if TYPE_CHECKING:
    from corsia.documents.models import Document

VIEW = "records.view_chart"
CODE = "discharge_diary"
MAX_ENTRIES = 5000
STATE_IT = {"active": "in corso", "discharged": "dimesso", "cancelled": "annullato"}


@dataclass(frozen=True)
class StayDiary:
    patient: Any  # patients.Patient
    encounter: Any  # patients.Encounter
    entries: list[DiaryEntry]


def stay_diary(
    *,
    user: User,
    patient_id: int,
    encounter_id: int,
    workstation: Workstation = None,
    channel: str = "web",
) -> StayDiary:
    """The current entries of the diary written during one stay of the patient, oldest
    first (``records.view_chart``; an unknown, other patient's or masked stay: not found)."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    encounter = (
        visible_encounters(patient, user).filter(pk=encounter_id).first()
        if 0 < encounter_id < 2**31
        else None
    )
    if encounter is None:
        raise NotFound("Ricovero non trovato.", code="encounter_not_found", field="encounter")
    entries = list(
        DiaryEntry.objects.filter(encounter_id=encounter.pk, superseded_by__isnull=True)
        .select_related("author", "supersedes")
        .order_by("written_at", "pk")[:MAX_ENTRIES]
    )
    ensure_patient_in_scope(user, patient.pk)
    access_log_record(
        user=user,
        patient_id=patient.pk,
        what="diario clinico del ricovero (stampa)",
        workstation=workstation,
        channel=channel,
    )
    return StayDiary(patient=patient, encounter=encounter, entries=entries)


def _when(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}" if moment is not None else ""


def diary_context(diary: StayDiary) -> dict[str, Any]:
    """The ``stay`` and ``entries`` of the print (the archive adds the patient)."""
    encounter = diary.encounter
    return {
        "stay": {
            "kind": encounter.get_kind_display(),
            "ward": encounter.ward.name,
            "admitted_at": _when(encounter.admitted_at),
            "discharged_at": _when(encounter.discharged_at),
            "state": STATE_IT.get(encounter.state, encounter.state),
            "entries_count": len(diary.entries),
        },
        "entries": [
            {
                "written_at": _when(entry.written_at),
                "kind": entry.get_kind_display(),
                "author": author_name(entry.author),
                "signed_at": _when(entry.signed_at),
                "text": entry.text,
                "corrects": _when(entry.supersedes.written_at) if entry.supersedes else "",
                "correction_reason": entry.correction_reason,
            }
            for entry in diary.entries
        ],
    }


def stay_diary_print(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    encounter_id: int,
    channel: str = "web",
) -> Document:
    """Archive the print of a stay's diary; the caller answers ``document.content``, the
    stored PDF."""
    diary = stay_diary(
        user=actor,
        patient_id=patient_id,
        encounter_id=encounter_id,
        workstation=workstation,
        channel=channel,
    )
    encounter = diary.encounter
    return document_print(
        actor=actor,
        workstation=workstation,
        template_code=CODE,
        title=(
            f"Diario clinico del ricovero dal {timezone.localtime(encounter.admitted_at):%d/%m/%Y}"
        ),
        patient=diary.patient,
        context=diary_context(diary),
        source=("patients", "encounter", encounter.pk),
    )
