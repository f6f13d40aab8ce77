"""The merge hook (``corsia.patients.merging``): a merge moves the duplicate's readings,
thresholds, alerts and diaries to the survivor; its undoing moves exactly those back."""

from __future__ import annotations

from corsia.patients.merging import simple_hook
from corsia.telemonitoring.models import Alert, DiaryResponse, DiarySchedule, Reading, Threshold

move, move_back = simple_hook(
    "telemonitoring", (Reading, Threshold, Alert, DiarySchedule, DiaryResponse)
)
