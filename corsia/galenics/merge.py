"""The galenic laboratory's merge hook (``corsia.patients.merging``).

A merge moves the duplicate's magistral preparations to the survivor: the batches made for
it (``Batch.patient``; their lines, checks and labels name the batch, not the patient, and
go with it) and the units dispensed to it (``Dispensing.patient``). A dispensing to a ward
names no patient and stays as it is. The undoing moves exactly those rows back."""

from __future__ import annotations

from corsia.galenics.models import Batch, Dispensing
from corsia.patients.merging import simple_hook

move, move_back = simple_hook("galenics", (Batch, Dispensing))
