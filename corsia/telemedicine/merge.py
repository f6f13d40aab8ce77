"""The merge hook (``corsia.patients.merging``): a merge moves the duplicate's televisits
and teleconsultations (their signalling messages, consent and signed report go with them:
those rows name the televisit, not the patient) to the survivor; its undoing moves
exactly those back."""

from __future__ import annotations

from corsia.patients.merging import simple_hook
from corsia.telemedicine.models import Televisit

move, move_back = simple_hook("telemedicine", (Televisit,))
