"""Label payloads scanned at the bedside: ``PRP`` + zero-padded preparation id (printed by
the UFA), ``WRD`` + order item id (printed on the ward for ward-competence drugs); the bag
volume a ward preparation names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class LabelKind(StrEnum):
    PREPARATION = "PRP"  # compounded by the pharmacy (UFA)
    WARD = "WRD"  # prepared on the ward (ancillary and supportive drugs)


@dataclass(frozen=True)
class LabelRef:
    kind: LabelKind
    number: int
    raw: str


_LABEL_RE = re.compile(r"^(?P<kind>PRP|WRD)(?P<number>\d{1,12})$")


def parse_label(raw: str) -> LabelRef | None:
    """The label a scanned payload names, or None when it is not one of our labels."""
    text = raw.strip().upper()
    match = _LABEL_RE.match(text)
    if match is None or int(match["number"]) == 0:
        return None
    return LabelRef(kind=LabelKind(match["kind"]), number=int(match["number"]), raw=text)


def ward_label_payload(order_item_id: int) -> str:
    if order_item_id <= 0:
        raise ValueError("order item ids are positive")
    return f"{LabelKind.WARD.value}{order_item_id}"


_VOLUME_RE = re.compile(r"(?P<ml>\d+(?:[.,]\d+)?)\s*mL\b", re.IGNORECASE)


def diluent_volume_ml(preparation_text: str) -> Decimal | None:
    """The bag volume a ward preparation names (``"sodio cloruro 0,9% 100 mL"`` -> 100).

    None when the text names no volume in mL or names more than one (ambiguous): then the
    nurse programs the pump by hand and the volume is not checked here.
    """
    found = _VOLUME_RE.findall(preparation_text or "")
    if len(found) != 1:
        return None
    value = Decimal(found[0].replace(",", "."))
    return value if value > 0 else None
