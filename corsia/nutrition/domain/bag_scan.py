"""The bag's barcode: ``NPT-`` + the order's id, printed on the label as Code 128 and
scanned at check-out and at the bedside. A scan that is not such a payload (or carries a
NUL byte or a control character) is refused by the caller as unreadable."""

from __future__ import annotations

import re

PREFIX = "NPT-"
_PAYLOAD_RE = re.compile(r"^NPT-(?P<id>[1-9]\d{0,11})$")


def bag_payload(order_id: int) -> str:
    if order_id <= 0:
        raise ValueError("order ids are positive")
    return f"{PREFIX}{order_id}"


def order_id_from_payload(raw: str) -> int | None:
    """The order a scanned payload names, or None when it is not a bag's label."""
    match = _PAYLOAD_RE.match(raw.strip().upper())
    return int(match["id"]) if match else None
