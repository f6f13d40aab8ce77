"""Nursing's merge hook (``corsia.patients.merging``): a merge moves the duplicate's
assessments (every version) to the survivor; its undoing moves them back."""

from __future__ import annotations

from corsia.nursing.models import (
    Assessment,
    CareEvaluation,
    CareProblem,
    InterventionRecord,
    MonitoringEntry,
    NursingAnamnesis,
    NursingDischarge,
    NursingNote,
)
from corsia.patients.merging import simple_hook

move, move_back = simple_hook(
    "nursing",
    (
        Assessment,
        NursingAnamnesis,
        NursingNote,
        MonitoringEntry,
        CareProblem,
        InterventionRecord,
        CareEvaluation,
        NursingDischarge,
    ),
)
