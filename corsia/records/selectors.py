"""Reads of the medical record. Every read of a patient's chart writes the access log.

The chart gathers what other modules hold through their public selectors: the patient and
the encounters (patients), the orders and measures (prescribing), the toxicities
(toxicity); the diary and the vital signs are this module's own. A section the reader's
role may not see (e.g. the orders without ``prescribing.view_order``) is left out, not
refused: the chart is the care team's common page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors import (
    masked_document_ids,
    patient_get,
)
from corsia.records.domain import anamnesis, labs
from corsia.records.models import (
    AnamnesisNote,
    AnamnesisVersion,
    Diagnosis,
    DiaryEntry,
    Icd9Code,
    LabResult,
    VitalSigns,
)
from corsia.records.selectors_chart import (
    Chart,
    ChartHeader,
    _anamnesis_notes,
    _diary_rows,
    chart_view,
)
from corsia.records.selectors_diagnosis import (
    DiagnosisView,
    _diagnoses,
    _performance_statuses,
)
from corsia.records.selectors_measures import (
    LAB_LIMIT,
    TIMELINE_LIMIT,
    VITALS_LIMIT,
    LabView,
    VitalsCell,
    VitalsRow,
    VitalsView,
    _lab_query,
    _lab_rows,
    _vitals_query,
    _vitals_rows,
    _vitals_view,
)

# Moved to the sibling modules by concern; still importable from here.
__all__ = [
    "LAB_LIMIT",
    "TIMELINE_LIMIT",
    "VITALS_LIMIT",
    "Chart",
    "ChartHeader",
    "DiagnosisView",
    "LabView",
    "VitalsCell",
    "VitalsRow",
    "VitalsView",
    "chart_view",
]

if TYPE_CHECKING:
    from corsia.patients.models import Patient

VIEW = "records.view_chart"


def _log(user: User, patient_id: int, what: str, workstation: Workstation, channel: str) -> None:
    """Every read of the chart ends here: refused for a patient out of the user's scope (a
    trial monitor's, ``patients.scope``), else written to the access log."""
    ensure_patient_in_scope(user, patient_id)
    access_log_record(
        user=user, patient_id=patient_id, what=what, workstation=workstation, channel=channel
    )


def patient_vitals(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> VitalsView:
    """The patient's vital signs, newest first, with their flags and chart panels."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    view = _vitals_view(_vitals_rows(patient.pk, VITALS_LIMIT, user))
    _log(user, patient.pk, "parametri vitali", workstation, channel)
    return view


def patient_vitals_rows(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> QuerySet[VitalSigns]:
    """Every set of the patient's vital signs, newest first (measured at, then id: a total
    order the index ``vitals_by_patient_id`` serves), for a page of them
    (``core.paging``). Written to the access log."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    _log(user, patient.pk, "parametri vitali", workstation, channel)
    return _vitals_query(patient.pk, user)


def _in_masked_encounter(encounter_id: int | None, user: User) -> bool:
    return (
        encounter_id is not None
        and masked_document_ids(document_type="patients.encounter", user=user)
        .filter(document_id=encounter_id)
        .exists()
    )


def patient_diary(
    *,
    user: User,
    patient_id: int,
    include_history: bool = False,
    workstation: Workstation = None,
    channel: str = "web",
) -> list[DiaryEntry]:
    """The patient's diary, newest first: current versions, or every version (corrected
    ones included) with ``include_history``. Written to the access log."""
    return list(
        patient_diary_rows(
            user=user,
            patient_id=patient_id,
            include_history=include_history,
            workstation=workstation,
            channel=channel,
        )[:1000]
    )


def patient_diary_rows(
    *,
    user: User,
    patient_id: int,
    include_history: bool = False,
    workstation: Workstation = None,
    channel: str = "web",
) -> QuerySet[DiaryEntry]:
    """Every entry of the patient's diary, newest first (written at, then id: a total
    order the index ``diary_by_patient_id`` serves), for a page of them
    (``core.paging``); current versions, or every version with ``include_history``.
    Written to the access log."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    rows = _diary_rows(patient.pk, user)
    if not include_history:
        rows = rows.filter(superseded_by__isnull=True)
    _log(user, patient.pk, "diario clinico", workstation, channel)
    return rows.order_by("-written_at", "-pk")


def diary_entry_get(
    *, user: User, entry_id: int, workstation: Workstation = None, channel: str = "web"
) -> DiaryEntry:
    """One entry (any version), for its correction form. Written to the access log."""
    require_permission(user, VIEW)
    entry = DiaryEntry.objects.filter(pk=entry_id).select_related("author").first()
    if entry is None or _in_masked_encounter(entry.encounter_id, user):
        raise NotFound("Annotazione non trovata.", code="diary_entry_not_found")
    _log(user, entry.patient_id, "diario clinico (annotazione)", workstation, channel)
    return entry


# --- anamnesis ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnamnesisView:
    patient: Patient
    current: AnamnesisVersion | None
    versions: list[AnamnesisVersion]  # newest first, the current one included
    notes: list[AnamnesisNote]  # raccordi anamnestici, newest first

    @property
    def number(self) -> int:
        return self.current.number if self.current is not None else 0

    def sections(self) -> list[tuple[str, str]]:
        if self.current is None:
            return []
        return [
            (anamnesis.SECTION_LABELS_IT[s], getattr(self.current, s.value))
            for s in anamnesis.Section
        ]


def anamnesis_view(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> AnamnesisView:
    """The current anamnesis, its earlier versions and the raccordi. Access-logged."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    versions = list(
        AnamnesisVersion.objects.filter(patient_id=patient.pk)
        .select_related("author")
        .order_by("-number")[:200]
    )
    notes = list(
        _anamnesis_notes(patient.pk, user)
        .select_related("author", "encounter__ward")
        .order_by("-noted_on", "-pk")[:500]
    )
    _log(user, patient.pk, "anamnesi", workstation, channel)
    return AnamnesisView(
        patient=patient, current=versions[0] if versions else None, versions=versions, notes=notes
    )


def diagnosis_view(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> DiagnosisView:
    """The patient's oncological diagnoses and performance statuses. Access-logged."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    view = DiagnosisView(
        patient=patient,
        diagnoses=_diagnoses(patient.pk),
        performance_statuses=_performance_statuses(patient.pk),
    )
    _log(user, patient.pk, "diagnosi e performance status", workstation, channel)
    return view


def diagnosis_get(
    *, user: User, diagnosis_id: int, workstation: Workstation = None, channel: str = "web"
) -> Diagnosis:
    """One diagnosis, for its edit form. Access-logged."""
    require_permission(user, VIEW)
    found = (
        Diagnosis.objects.select_related("primary_site", "patient").filter(pk=diagnosis_id).first()
    )
    if found is None:
        raise NotFound("Diagnosi non trovata.", code="diagnosis_not_found")
    _log(user, found.patient_id, "diagnosi", workstation, channel)
    return found


def diagnosis_of_patient(
    *,
    user: User,
    patient_id: int,
    diagnosis_id: int,
    workstation: Workstation = None,
    channel: str = "web",
) -> Diagnosis:
    """One diagnosis of that patient, whatever its age (its change through the API; before,
    it was looked for among the newest 50 only); another patient's, or none: NotFound.
    The patient read as ``patient_get`` allows it (care scope). Access-logged."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    found = Diagnosis.objects.filter(pk=diagnosis_id, patient_id=patient.pk).first()
    if found is None:
        raise NotFound("Diagnosi non trovata.", code="diagnosis_not_found")
    _log(user, patient.pk, "diagnosi", workstation, channel)
    return found


def icd9_search(*, user: User, text: str, limit: int = 20) -> list[Icd9Code]:
    """Diagnosis codes starting with the code typed, or whose Italian label holds every
    word typed (reference data: not logged)."""
    require_permission(user, VIEW)
    words = " ".join((text or "").split())[:100]
    if not words:
        return []
    codes = Icd9Code.objects.filter(kind="D")
    if words[0].isdigit() or (words[0] in "VEve" and words[1:2].isdigit()):
        return list(codes.filter(code__startswith=words.upper()).order_by("code")[:limit])
    for word in words.split()[:6]:
        codes = codes.filter(description_it__icontains=word)
    return list(codes.order_by("code")[:limit])


# --- laboratory ---------------------------------------------------------------------------------


def lab_view(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> LabView:
    """The patient's laboratory results and their trends by analyte. Access-logged."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    rows = _lab_rows(patient.pk, user)
    found = labs.trends(
        (r.analyte, r.unit, r.collected_at, r.value, r.reference_low, r.reference_high)
        for r in rows
    )
    _log(user, patient.pk, "esami di laboratorio", workstation, channel)
    return LabView(patient=patient, trends=found, results=rows)


def lab_result_rows(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> QuerySet[LabResult]:
    """Every laboratory result of the patient, newest first (collected at, then id: a
    total order the index ``lab_by_patient_id`` serves), for a page of them
    (``core.paging``). Written to the access log."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    _log(user, patient.pk, "esami di laboratorio", workstation, channel)
    return _lab_query(patient.pk, user)


# --- for the demo hospital's loader (corsia.demo): no patient data shown, nothing logged ---------


def patient_has_chart_data(*, patient_id: int) -> bool:
    """Whether a diagnosis or a diary entry is recorded for the patient."""
    return (
        Diagnosis.objects.filter(patient_id=patient_id).exists()
        or DiaryEntry.objects.filter(patient_id=patient_id).exists()
    )


# --- for the FHIR server's read by id: whose record it is (nothing shown, nothing logged) ------


def chart_record_patient_id(*, kind: str, record_id: int) -> int | None:
    """The patient of a diagnosis, a set of vital signs or a laboratory result (``kind``:
    ``diagnosis``, ``vitals``, ``lab``), ``None`` if there is none. The caller then reads
    the patient's chart through the selectors above (permission, scope, masking, log)."""
    rows: QuerySet[Any] = {
        "diagnosis": Diagnosis.objects.all(),
        "vitals": VitalSigns.objects.all(),
        "lab": LabResult.objects.all(),
    }[kind]
    found: int | None = rows.filter(pk=record_id).values_list("patient_id", flat=True).first()
    return found
