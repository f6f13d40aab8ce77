"""Use cases of the medical record, one module per clinical act; the public names are
re-exported here. Each checks the permission, validates everything (pure rules in
``domain/``) before writing, writes in a transaction and records its audit event there.
Nothing is deleted and a signed record is never updated."""

from corsia.records.domain.reports import ReportText
from corsia.records.services.anamnesis import Sections, anamnesis_note_sign, anamnesis_sign
from corsia.records.services.boards import (
    BoardInput,
    board_record,
    board_sign,
    board_update,
)
from corsia.records.services.course import (
    HomeTherapyInput,
    LineInput,
    PlanItemInput,
    appointment_cancel,
    appointment_record,
    home_therapy_record,
    home_therapy_stop,
    treatment_line_close,
    treatment_line_orders_link,
    treatment_line_start,
    treatment_plan_item_record,
)
from corsia.records.services.diagnosis import (
    Biomarker,
    DiagnosisInput,
    diagnosis_record,
    diagnosis_update,
    icd9_diagnosis_code,
    icd9cm_reference_load,
    performance_status_record,
)
from corsia.records.services.diary import (
    DiaryInput,
    diary_entry_correct,
    diary_entry_sign,
)
from corsia.records.services.evaluations import (
    EvaluationInput,
    LesionInput,
    response_evaluation_record,
)
from corsia.records.services.labs import LabInput, lab_result_record
from corsia.records.services.letters import (
    letter_correct,
    letter_draft_create,
    letter_draft_update,
    letter_sign,
)
from corsia.records.services.reports import (
    ReportInput,
    clinical_report_correct,
    clinical_report_record,
)
from corsia.records.services.scores import ScoreInput, prognostic_score_record
from corsia.records.services.staging import StagingInput, staging_sign
from corsia.records.services.vitals import (
    VitalsInput,
    WardRound,
    vital_signs_record,
    ward_round_record,
)

__all__ = [
    "Biomarker",
    "BoardInput",
    "DiagnosisInput",
    "DiaryInput",
    "EvaluationInput",
    "HomeTherapyInput",
    "LabInput",
    "LesionInput",
    "LineInput",
    "PlanItemInput",
    "ReportInput",
    "ReportText",
    "ScoreInput",
    "Sections",
    "StagingInput",
    "VitalsInput",
    "WardRound",
    "anamnesis_note_sign",
    "anamnesis_sign",
    "appointment_cancel",
    "appointment_record",
    "board_record",
    "board_sign",
    "board_update",
    "clinical_report_correct",
    "clinical_report_record",
    "diagnosis_record",
    "diagnosis_update",
    "diary_entry_correct",
    "diary_entry_sign",
    "home_therapy_record",
    "home_therapy_stop",
    "icd9_diagnosis_code",
    "icd9cm_reference_load",
    "lab_result_record",
    "letter_correct",
    "letter_draft_create",
    "letter_draft_update",
    "letter_sign",
    "performance_status_record",
    "prognostic_score_record",
    "response_evaluation_record",
    "staging_sign",
    "treatment_line_close",
    "treatment_line_orders_link",
    "treatment_line_start",
    "treatment_plan_item_record",
    "vital_signs_record",
    "ward_round_record",
]
