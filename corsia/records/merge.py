"""The medical record's merge hook (``corsia.patients.merging``).

A merge moves the duplicate's chart to the survivor: diary, vital signs, laboratory
results, anamnesis notes, diagnoses and their staging, performance status, prognostic
assessments, treatment lines and their plan, response evaluations, home therapies,
appointments, letters and tumour boards, clinical reports. Most of these rows are signed
and read-only (triggers ``read_only``, ``signed_frozen``, ...): the merge may change their
``patient_id`` and nothing else (``corsia/core/triggers.py``).

Two things cannot simply move, and stay on the duplicate, reported in the merge (its
``PatientMergeMove`` rows, the audit event, the merge's page) for a physician to settle:

- the **anamnesis**, when both registrations have one: it is one numbered sequence of
  signed versions per patient (``anamnesis_version_unique``), and two sequences cannot be
  interleaved without renumbering signed versions. The physician writes the survivor's next
  version from both. (When only the duplicate has one, it moves whole.)
- a **clinical report** the survivor already holds under the same kind and accession number
  (the same report received for both registrations: ``report_accession_unique``).

The undoing moves back exactly what moved.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Q

from corsia.patients.merging import MergeInfo, Moved, label, rows_move, rows_move_back
from corsia.records.models import (
    AnamnesisNote,
    AnamnesisVersion,
    Appointment,
    ClinicalLetter,
    ClinicalReport,
    Diagnosis,
    DiagnosisStaging,
    DiaryEntry,
    HomeTherapy,
    LabResult,
    PerformanceStatus,
    PrognosticAssessment,
    ResponseEvaluation,
    TreatmentLine,
    TreatmentPlanItem,
    TumourBoard,
    VitalSigns,
)

MODELS = (
    DiaryEntry,
    VitalSigns,
    LabResult,
    AnamnesisVersion,
    AnamnesisNote,
    Diagnosis,
    DiagnosisStaging,
    PrognosticAssessment,
    PerformanceStatus,
    TreatmentLine,
    TreatmentPlanItem,
    ResponseEvaluation,
    HomeTherapy,
    Appointment,
    ClinicalLetter,
    TumourBoard,
    ClinicalReport,
)
LEFT_ANAMNESIS = "anamnesi presente in entrambi i pazienti"
LEFT_REPORT = "referto già presente nel paziente principale (stesso numero)"


def _left_anamnesis(merge: MergeInfo) -> tuple[int, ...]:
    if not AnamnesisVersion.objects.filter(patient_id=merge.survivor_id).exists():
        return ()
    return tuple(
        sorted(
            AnamnesisVersion.objects.filter(patient_id=merge.duplicate_id).values_list(
                "pk", flat=True
            )
        )
    )


def _left_reports(merge: MergeInfo) -> tuple[int, ...]:
    current = ClinicalReport.objects.filter(supersedes__isnull=True).exclude(accession="")
    taken = set(current.filter(patient_id=merge.survivor_id).values_list("kind", "accession"))
    if not taken:
        return ()
    clash = Q()
    for kind, accession in taken:
        clash |= Q(kind=kind, accession=accession)
    return tuple(
        sorted(current.filter(clash, patient_id=merge.duplicate_id).values_list("pk", flat=True))
    )


def move(merge: MergeInfo) -> Moved:
    left = {
        label(AnamnesisVersion): _left_anamnesis(merge),
        label(ClinicalReport): _left_reports(merge),
    }
    rows = {
        label(model): rows_move(model, merge, exclude=left.get(label(model), ()))
        for model in MODELS
    }
    reasons = [
        text
        for name, text in (
            (label(AnamnesisVersion), LEFT_ANAMNESIS),
            (label(ClinicalReport), LEFT_REPORT),
        )
        if left[name]
    ]
    return Moved(
        rows=rows, left={k: v for k, v in left.items() if v}, left_reason="; ".join(reasons)
    )


def move_back(merge: MergeInfo, rows: Mapping[str, tuple[int, ...]]) -> None:
    for model in reversed(MODELS):
        rows_move_back(model, merge, rows.get(label(model), ()))
