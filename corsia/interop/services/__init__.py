"""Use cases of the HL7 interface, one file per concern:

- ``receive`` — one inbound message stored, applied, answered; parked messages retried
  and expired;
- ``adt`` — an ADT message applied to the registry (patients' services);
- ``lab`` — a laboratory report recorded in the chart (records' service);
- ``replay`` — IT staff replay a message in error or parked;
- ``account`` — the interface's own account and the permissions of this module;
- ``context`` — what they share: the context of one message, its outcome, the patient
  named by its identifiers, refusals turned into the ACK's error.

Callers import this package: the names below are its public surface.
"""

from corsia.interop.services.account import REPLAY, VIEW, interface_account
from corsia.interop.services.receive import (
    fault_ack,
    message_receive,
    parked_expire,
    parked_retry,
)
from corsia.interop.services.replay import message_replay

__all__ = [
    "REPLAY",
    "VIEW",
    "fault_ack",
    "interface_account",
    "message_receive",
    "message_replay",
    "parked_expire",
    "parked_retry",
]
