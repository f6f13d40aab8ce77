"""The HL7 interface's merge hook (``corsia.patients.merging``).

The message logs follow the person: an inbound message's ``patient`` is the patient it was
about once known, and after a merge that is the survivor (the model's comment); an outbound
message's ``patient`` the one it reported on. Both move to the survivor, so the survivor's
messages list is whole; the message itself (its raw text, the identifiers it named, its ACK)
is never changed, and pghistory keeps the old patient. The undoing moves exactly those rows
back.

A message **parked** waiting for an identifier holds no patient (``patient`` is empty) and
waits for identifier keys (``waiting_for``: codice fiscale, external ids), not for a
patient row: the registry moves the duplicate's external identifiers to the survivor and
resolves a merged duplicate's codice fiscale to it, so the retry finds the survivor. A
parked message that did name the duplicate (an encounter not yet known) moves with the
others."""

from __future__ import annotations

from corsia.interop.models import InboundMessage, OutboundMessage
from corsia.patients.merging import simple_hook

move, move_back = simple_hook("interop", (InboundMessage, OutboundMessage))
