"""The medical record's tables, one module per part of the chart; every model is
importable from ``corsia.records.models``."""

from corsia.records.models.chart import (
    AnamnesisNote,
    AnamnesisVersion,
    Diagnosis,
    DiaryEntry,
    DiaryKind,
    GradeChoice,
    Icd9Code,
    LabResult,
    PerformanceStatus,
    ScaleChoice,
    VitalSigns,
)
from corsia.records.models.course import (
    Appointment,
    HomeTherapy,
    ResponseEvaluation,
    TreatmentLine,
    TreatmentLineOrder,
    TreatmentPlanItem,
)
from corsia.records.models.letters import (
    ClinicalLetter,
    LetterKindChoice,
    LetterStatusChoice,
    TumourBoard,
)
from corsia.records.models.reports import ClinicalReport
from corsia.records.models.staging import (
    DiagnosisStaging,
    PrognosticAssessment,
    StagingCriterionChoice,
)

__all__ = [
    "AnamnesisNote",
    "AnamnesisVersion",
    "Appointment",
    "ClinicalLetter",
    "ClinicalReport",
    "Diagnosis",
    "DiagnosisStaging",
    "DiaryEntry",
    "DiaryKind",
    "GradeChoice",
    "HomeTherapy",
    "Icd9Code",
    "LabResult",
    "LetterKindChoice",
    "LetterStatusChoice",
    "PerformanceStatus",
    "PrognosticAssessment",
    "ResponseEvaluation",
    "ScaleChoice",
    "StagingCriterionChoice",
    "TreatmentLine",
    "TreatmentLineOrder",
    "TreatmentPlanItem",
    "TumourBoard",
    "VitalSigns",
]
