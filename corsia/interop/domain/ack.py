"""The ACK to an inbound v2.5 message: MSA (AA / AE / AR) and, for AE and AR, an ERR with
the location (ERR-2, ``PID^1^3``), the HL7 table 0357 condition (ERR-3), the severity,
our English code (ERR-5) and the Italian text (ERR-8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from corsia.administration.domain.hl7_pcd import HL7_ERROR_TEXT, AckCode, MessageRefused, escape
from corsia.interop.domain.er7 import Header

CORSIA_APPLICATION = "CORSIA"


@dataclass(frozen=True)
class AckInput:
    header: Header | None  # the message answered, as read (None: not even an MSH)
    control_id: str  # the ACK's own MSH-10
    sent_at: datetime
    facility: str  # our MSH-4


def build_ack(
    data: AckInput, code: AckCode, *, refusal: MessageRefused | None = None, text: str = ""
) -> str:
    head = data.header
    trigger = head.trigger if head is not None else ""
    msh = [
        "MSH",
        "^~\\&",
        CORSIA_APPLICATION,
        escape(data.facility),
        escape(head.sending_application) if head else "",
        escape(head.sending_facility) if head else "",
        data.sent_at.strftime("%Y%m%d%H%M%S%z"),
        "",
        f"ACK^{trigger}^ACK" if trigger else "ACK",
        data.control_id,
        (head.processing_id if head and head.processing_id else "P"),
        "2.5",
    ]
    segments = [
        "MSH|" + "|".join(msh[1:]),
        "|".join(["MSA", code.value, escape(head.control_id if head else ""), escape(text)]).rstrip(
            "|"
        ),
    ]
    if refusal is not None:
        condition = refusal.hl7_error
        segments.append(
            "|".join(
                [
                    "ERR",
                    "",
                    refusal.location,
                    f"{int(condition)}^{HL7_ERROR_TEXT[condition]}^HL70357",
                    "E",
                    f"{escape(refusal.code)}^^L",
                    "",
                    "",
                    escape(refusal.message),
                ]
            )
        )
    return "\r".join(segments)
