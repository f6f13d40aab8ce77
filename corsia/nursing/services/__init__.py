"""Use cases of the nursing record, one file per clinical act. Each checks the permission,
validates everything (pure rules in ``domain/``) before writing, and records its audit
event in the same transaction. Nothing is deleted; a written record is never updated."""

from corsia.nursing.services.assessments import (
    AssessmentInput,
    assessment_correct,
    assessment_record,
)
from corsia.nursing.services.scales import scale_define, scale_set_active, scales_reference_load
from corsia.nursing.services.writing import (
    AnamnesisInput,
    anamnesis_write,
    monitoring_correct,
    monitoring_record,
    note_correct,
    note_write,
)

__all__ = [
    "AnamnesisInput",
    "AssessmentInput",
    "anamnesis_write",
    "assessment_correct",
    "assessment_record",
    "monitoring_correct",
    "monitoring_record",
    "note_correct",
    "note_write",
    "scale_define",
    "scale_set_active",
    "scales_reference_load",
]
