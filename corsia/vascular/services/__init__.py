"""Use cases of the venous access register, one file per act. Each checks the permission,
validates everything (pure rules in ``domain/``) before writing, and records its audit
event in the same transaction. Nothing is deleted; a written event is never updated."""

from corsia.vascular.services.care import CareInput, care_record
from corsia.vascular.services.complications import (
    ComplicationInput,
    complication_record,
    event_correct,
)
from corsia.vascular.services.insertion import (
    InsertionInput,
    RequestInput,
    device_insert,
    device_request,
    device_request_cancel,
)
from corsia.vascular.services.removal import RemovalInput, device_remove

__all__ = [
    "CareInput",
    "ComplicationInput",
    "InsertionInput",
    "RemovalInput",
    "RequestInput",
    "care_record",
    "complication_record",
    "device_insert",
    "device_remove",
    "device_request",
    "device_request_cancel",
    "event_correct",
]
