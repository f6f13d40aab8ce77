"""The document archive's merge hook (``corsia.patients.merging``): a merge moves the
duplicate's documents — signed ones too: their bytes, fingerprint and signature stay frozen,
only ``patient_id`` may change and only for the merge (``signed_content_frozen``,
``corsia/core/triggers.py``) — to the survivor, and the patients named in a list print
(``DocumentNamedPatient``) with them; its undoing moves exactly those back."""

from __future__ import annotations

from corsia.documents.models import Document, DocumentNamedPatient
from corsia.patients.merging import simple_hook

move, move_back = simple_hook("documents", (Document, DocumentNamedPatient))
