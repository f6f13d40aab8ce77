"""Use cases of the HL7 interface, one file per concern:

- ``receive`` — one inbound message stored, applied, answered; parked messages retried
  and expired;
- ``adt`` — an ADT message applied to the registry (patients' services);
- ``lab`` — a laboratory report recorded in the chart (records' service);
- ``replay`` — IT staff replay a message in error or parked;
- ``outbound`` — RAS^O17 / RDS^O13 queued in the clinical act's transaction, sent by the
  worker over MLLP with retries, resent by IT staff;
- ``subscribers`` — the systems that receive them (IT staff);
- ``account`` — the interface's own account and the permissions of this module;
- ``context`` — what they share: the context of one message, its outcome, the patient
  named by its identifiers, refusals turned into the ACK's error.

Callers import this package: the names below are its public surface.
"""

from corsia.interop.services.account import (
    MANAGE_SUBSCRIBERS,
    REPLAY,
    VIEW,
    interface_account,
)
from corsia.interop.services.outbound import (
    administration_announced,
    dispensing_announced,
    outbound_due,
    outbound_resend,
    outbound_send,
)
from corsia.interop.services.receive import (
    fault_ack,
    message_receive,
    parked_expire,
    parked_retry,
)
from corsia.interop.services.replay import message_replay
from corsia.interop.services.subscribers import SubscriberInput, subscriber_save

__all__ = [
    "MANAGE_SUBSCRIBERS",
    "REPLAY",
    "VIEW",
    "SubscriberInput",
    "administration_announced",
    "dispensing_announced",
    "fault_ack",
    "interface_account",
    "message_receive",
    "message_replay",
    "outbound_due",
    "outbound_resend",
    "outbound_send",
    "parked_expire",
    "parked_retry",
    "subscriber_save",
]
