"""Use cases of the nursing record, one file per clinical act. Each checks the permission,
validates everything (pure rules in ``domain/``) before writing, and records its audit
event in the same transaction. Nothing is deleted; a written record is never updated."""

from corsia.nursing.services.assessments import (
    AssessmentInput,
    assessment_correct,
    assessment_record,
)
from corsia.nursing.services.care_discharge import nursing_discharge_write
from corsia.nursing.services.care_evaluation import care_goal_evaluate
from corsia.nursing.services.care_implementation import care_intervention_record
from corsia.nursing.services.care_plan_items import (
    care_goal_add,
    care_goal_revise,
    care_intervention_add,
    care_intervention_revise,
)
from corsia.nursing.services.care_problems import (
    GoalInput,
    InterventionInput,
    ProblemInput,
    care_problem_open,
    care_problem_set_status,
)
from corsia.nursing.services.care_templates import (
    care_template_define,
    care_template_set_active,
    care_templates_reference_load,
    shipped_templates,
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
    "GoalInput",
    "InterventionInput",
    "ProblemInput",
    "anamnesis_write",
    "assessment_correct",
    "assessment_record",
    "care_goal_add",
    "care_goal_evaluate",
    "care_goal_revise",
    "care_intervention_add",
    "care_intervention_record",
    "care_intervention_revise",
    "care_problem_open",
    "care_problem_set_status",
    "care_template_define",
    "care_template_set_active",
    "care_templates_reference_load",
    "monitoring_correct",
    "monitoring_record",
    "note_correct",
    "note_write",
    "nursing_discharge_write",
    "scale_define",
    "scale_set_active",
    "scales_reference_load",
    "shipped_templates",
]
