"""The register's merge hook (``corsia.patients.merging``): a merge moves the duplicate's
devices and their events to the survivor (only ``patient_id`` changes); its undoing moves
exactly those back."""

from __future__ import annotations

from corsia.patients.merging import simple_hook
from corsia.vascular.models import AccessEvent, Device

move, move_back = simple_hook("vascular", (Device, AccessEvent))
