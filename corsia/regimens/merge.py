"""Regimens' merge hook (``corsia.patients.merging``): a merge moves the duplicate's trial
enrolments to the survivor — but for a trial both registrations are enrolled in (one
enrolment per trial and patient): that one stays on the duplicate, reported in the merge
(the trial's coordinator settles the two subject codes); the undoing moves back exactly
what moved."""

from __future__ import annotations

from collections.abc import Mapping

from corsia.patients.merging import MergeInfo, Moved, label, rows_move, rows_move_back
from corsia.regimens.models import TrialEnrollment

_LABEL = label(TrialEnrollment)


def move(merge: MergeInfo) -> Moved:
    survivor_trials = TrialEnrollment.objects.filter(patient_id=merge.survivor_id).values(
        "trial_id"
    )
    both = tuple(
        sorted(
            TrialEnrollment.objects.filter(
                patient_id=merge.duplicate_id, trial_id__in=survivor_trials
            ).values_list("pk", flat=True)
        )
    )
    moved = rows_move(TrialEnrollment, merge, exclude=both)
    return Moved(
        rows={_LABEL: moved},
        left={_LABEL: both} if both else {},
        left_reason="entrambi i pazienti arruolati nello stesso studio" if both else "",
    )


def move_back(merge: MergeInfo, rows: Mapping[str, tuple[int, ...]]) -> None:
    rows_move_back(TrialEnrollment, merge, rows.get(_LABEL, ()))
