"""Use cases of telemedicine, one file per act; each checks the permission (and that the
actor is the clinician holding the televisit), validates before writing and records its
audit event in the same transaction."""

from corsia.telemedicine.services.report import televisit_report_sign
from corsia.telemedicine.services.signals import Poll, SignalError, signal_poll, signal_post
from corsia.telemedicine.services.visits import (
    teleconsultation_answer,
    teleconsultation_request,
    televisit_cancel,
    televisit_close,
    televisit_consent_record,
    televisit_open,
    televisit_schedule,
)

__all__ = [
    "Poll",
    "SignalError",
    "signal_poll",
    "signal_post",
    "teleconsultation_answer",
    "teleconsultation_request",
    "televisit_cancel",
    "televisit_close",
    "televisit_consent_record",
    "televisit_open",
    "televisit_report_sign",
    "televisit_schedule",
]
