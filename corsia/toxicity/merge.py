"""Toxicity's merge hook (``corsia.patients.merging``): a merge moves the duplicate's adverse
events (every version) and extravasations to the survivor; its undoing moves them back."""

from __future__ import annotations

from corsia.patients.merging import simple_hook
from corsia.toxicity.models import ExtravasationEvent, ToxicityRecord

move, move_back = simple_hook("toxicity", (ToxicityRecord, ExtravasationEvent))
