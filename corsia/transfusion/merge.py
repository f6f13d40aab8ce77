"""Transfusion's merge hook (``corsia.patients.merging``): a merge moves the duplicate's
group determinations, requests, emergency declarations, crossmatches, transfusions,
vital-signs links and reactions to the
survivor; its undoing moves them back."""

from __future__ import annotations

from corsia.patients.merging import simple_hook
from corsia.transfusion.models import (
    BloodGroupDetermination,
    Crossmatch,
    EmergencyRelease,
    Transfusion,
    TransfusionReaction,
    TransfusionRequest,
    TransfusionVitals,
)

move, move_back = simple_hook(
    "transfusion",
    (
        BloodGroupDetermination,
        TransfusionRequest,
        EmergencyRelease,
        Crossmatch,
        Transfusion,
        TransfusionVitals,
        TransfusionReaction,
    ),
)
