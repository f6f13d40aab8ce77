"""Administration's merge hook (``corsia.patients.merging``): a merge moves the duplicate's
administrations, bedside sessions and bedside scans (append-only: ``patient_id`` only, see
``corsia/core/triggers.py``) to the survivor; its undoing moves exactly those back."""

from __future__ import annotations

from corsia.administration.models import Administration, AdministrationScan, BedsideSession
from corsia.patients.merging import simple_hook

move, move_back = simple_hook(
    "administration", (Administration, BedsideSession, AdministrationScan)
)
