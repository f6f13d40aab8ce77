"""An order line's infusion as the pharmacist checks it: the carrier (diluent and volume)
written in the regimen's preparation text, and the rate it runs at.

The regimen library writes the carrier in words ("glucosio 5% 250 mL", "NaCl 0,9%
100 mL"); the volume is the number before "mL" (decimal point or comma). The rate is
volume ÷ duration, in mL/h: 250 mL over 120 min = 125 mL/h. A bolus or a line without a
duration or a volume has no rate (``None``), which the page shows as a dash, not as
"— mL/h".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_VOLUME = re.compile(r"(\d+(?:[.,]\d+)?)\s*mL\b", re.IGNORECASE)
RATE_STEP = Decimal("0.1")  # infusion pumps are set to 0.1 mL/h


@dataclass(frozen=True)
class Carrier:
    """The diluent and its volume, as the regimen writes them."""

    diluent: str
    volume_ml: Decimal | None


def carrier_of(preparation: str) -> Carrier | None:
    """The carrier in a preparation text: the words before the volume are the diluent
    ("glucosio 5% 250 mL" -> "glucosio 5%", 250 mL); no text -> ``None``."""
    text = " ".join(preparation.split())
    if not text:
        return None
    match = _VOLUME.search(text)
    if match is None:
        return Carrier(diluent=text, volume_ml=None)
    volume = Decimal(match.group(1).replace(",", "."))
    diluent = " ".join(f"{text[: match.start()]} {text[match.end() :]}".split()).strip(" ,;-–")
    return Carrier(diluent=diluent, volume_ml=volume if volume > 0 else None)


def rate_ml_h(volume_ml: Decimal | None, minutes: int | None) -> Decimal | None:
    """Volume ÷ duration in mL/h, to 0.1 mL/h half-up; ``None`` without a positive volume
    and duration (a bolus, a line whose carrier is not written)."""
    if volume_ml is None or not minutes or minutes <= 0 or volume_ml <= 0:
        return None
    return (volume_ml * 60 / Decimal(minutes)).quantize(RATE_STEP, rounding=ROUND_HALF_UP)
