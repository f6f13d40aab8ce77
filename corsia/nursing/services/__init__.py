"""Use cases of the nursing record, one file per clinical act. Each checks the permission,
validates everything (pure rules in ``domain/``) before writing, and records its audit
event in the same transaction. Nothing is deleted; a written record is never updated."""

from corsia.nursing.services.assessments import (
    AssessmentInput,
    assessment_correct,
    assessment_record,
)
from corsia.nursing.services.scales import scale_define, scale_set_active, scales_reference_load

__all__ = [
    "AssessmentInput",
    "assessment_correct",
    "assessment_record",
    "scale_define",
    "scale_set_active",
    "scales_reference_load",
]
