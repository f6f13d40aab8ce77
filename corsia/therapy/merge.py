"""Ward therapy's merge hook (``corsia.patients.merging``): a merge moves the duplicate's
ward prescriptions, dose records and cabinet moves to the survivor (only ``patient_id`` changes: the
signed content stays frozen); its undoing moves exactly those back."""

from __future__ import annotations

from corsia.patients.merging import simple_hook
from corsia.therapy.models import CabinetMove, DoseRecord, WardPrescription

move, move_back = simple_hook("therapy", (WardPrescription, DoseRecord, CabinetMove))
