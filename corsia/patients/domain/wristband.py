"""The patient wristband: barcode payload and the ZPL label (pure).

Payload: ``PZ`` + the hospital MRN, encoded as Code 128. The MRN is unique and
says nothing about the person (the codice fiscale is never put in the barcode).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

PAYLOAD_PREFIX = "PZ"
_PAYLOAD_RE = re.compile(r"^PZ(?P<mrn>\d{4,12})$")


def wristband_payload(mrn: str) -> str:
    return f"{PAYLOAD_PREFIX}{mrn}"


def mrn_from_payload(raw: str) -> str | None:
    """The MRN in a scanned payload, or None when it is not a wristband."""
    match = _PAYLOAD_RE.match(raw.strip().upper())
    return match["mrn"] if match else None


@dataclass(frozen=True)
class WristbandData:
    surname: str
    given_names: str
    sex: str
    date_of_birth: date
    mrn: str


def _zpl_text(text: str) -> str:
    """ZPL field data: ^ and ~ are commands, so they are replaced; plain ASCII only."""
    plain = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in plain if not unicodedata.combining(c) and ord(c) < 128)
    return ascii_text.replace("^", " ").replace("~", " ")


def wristband_zpl(data: WristbandData) -> str:
    """A ZPL II label for a 1 x 10 inch wristband at 203 dpi (Zebra HC100 class printers).

    Name, date of birth, sex and MRN as text; the payload as Code 128 (^BC) with the
    human-readable line printed under it.
    """
    name = _zpl_text(f"{data.surname.upper()} {data.given_names}")
    lines = [
        "^XA",
        "^CI28",
        "^PW203",
        "^LL2030",
        "^FWR",
        f"^FO140,60^A0R,40,40^FD{name}^FS",
        f"^FO95,60^A0R,30,30^FDNato/a il {data.date_of_birth:%d/%m/%Y} - Sesso {data.sex}^FS",
        f"^FO55,60^A0R,30,30^FDMRN {data.mrn}^FS",
        f"^FO40,900^BY2^BCR,90,Y,N,N^FD{wristband_payload(data.mrn)}^FS",
        "^XZ",
    ]
    return "\n".join(lines) + "\n"
