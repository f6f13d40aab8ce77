"""Prescribing's merge hook (``corsia.patients.merging``): a merge moves the duplicate's
measurements (weight, height), diagnoses, therapy orders (their items and lines follow the
order) and doses given elsewhere to the survivor; its undoing moves exactly those back.
Measurements and doses given elsewhere are written once (trigger ``append_only``): the
merge may change their ``patient_id`` only (``corsia/core/triggers.py``)."""

from __future__ import annotations

from corsia.patients.merging import simple_hook
from corsia.prescribing.models import Measurement, PatientDiagnosis, PriorDose, TherapyOrder

move, move_back = simple_hook(
    "prescribing", (Measurement, PatientDiagnosis, TherapyOrder, PriorDose)
)
