"""The module's merge hook (``corsia.patients.merging``): a merge moves the duplicate's
therapy plans, delegations and dispensings to the survivor (only ``patient_id`` changes);
its undoing moves exactly those back."""

from __future__ import annotations

from corsia.dispensing.models import Delegation, Dispensing, TherapyPlan
from corsia.patients.merging import simple_hook

move, move_back = simple_hook("dispensing", (TherapyPlan, Delegation, Dispensing))
