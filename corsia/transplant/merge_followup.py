"""The follow-up's merge hook (``corsia.patients.merging``): a merge moves the duplicate's
follow-up rows to the survivor (only ``patient_id`` changes); its undoing moves exactly
those back. Registered when imported (by the app's ``ready()``)."""

from __future__ import annotations

from corsia.patients.merging import merge_hook_register, simple_hook
from corsia.transplant.models.followup import (
    AdverseEvent,
    AgvhdAssessment,
    CgvhdAssessment,
    Consent,
    FollowUpVisit,
    Outcome,
    ResponseAssessment,
    ViralLoad,
)

MODELS = (
    FollowUpVisit, AgvhdAssessment, CgvhdAssessment, ViralLoad, ResponseAssessment, Outcome,
    Consent, AdverseEvent,
)  # fmt: skip
move, move_back = simple_hook("transplant_followup", MODELS)
merge_hook_register(module="transplant_followup", move=move, move_back=move_back)
