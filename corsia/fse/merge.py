"""The FSE's merge hook (``corsia.patients.merging``): a merge moves the duplicate's FSE
documents — published ones too: the CDA, the signed PDF and their hashes stay as they were
sent, only ``patient_id`` changes — to the survivor, so the documents page and the patient's
history show them under the one registration left; its undoing moves exactly those back."""

from __future__ import annotations

from corsia.fse.models import FseDocument
from corsia.patients.merging import simple_hook

move, move_back = simple_hook("fse", (FseDocument,))
