"""What the hood's scanner read from a vial, made safe to act on.

The GS1 DataMatrix of a pack (GTIN 01, expiry 17, lot 10, serial 21, the Italian AIC as
NHRN 716) is parsed by ``corsia.drugs.domain.barcodes.parse_pack_barcode``, which already
reads the usual scanner renderings: the symbology identifier ``]d2``, FNC1 sent as ASCII
GS (0x1D) or the literal ``<GS>``, the human-readable form ``(01)…(17)…(10)…``, the
Code 39 AIC stamp ``A123456789``. Two things are added here, before the hood acts:

- spaces are dropped from a GS1 reading (the GS1 character set 82 of lots and serials has
  no space: a space is the HRI's layout, ``(01) 0801… (17) 270331``, never data);
- a reading whose separators were lost (a scanner not set to transmit FNC1) is refused
  when a variable-length field could swallow the next one: ``…10ABC12321SER9`` parses as
  lot «ABC12321SER9» with no serial. Recording that lot would be silently wrong, so the
  technician is asked to read the code again (``gs1_separator_missing``).
"""

from __future__ import annotations

import re

from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.domain.barcodes import GS, BarcodeKind, ScannedPack, parse_pack_barcode

# AIs a pharmaceutical DataMatrix carries (EU FMD: 01, 17, 10, 21) and that a
# variable-length value may hide when the GS after it is lost.
_HIDDEN_AI = {
    "10": re.compile(r"10[!-~]"),
    "21": re.compile(r"21[!-~]"),
    "17": re.compile(r"17\d{6}"),
}


class VialCodeAmbiguous(ValidationFailed):
    code = "gs1_separator_missing"


def _normalised(raw: str) -> str:
    text = raw.strip()
    looks_gs1 = text.startswith(("(", "]d2", "]C1", "]Q3", GS, "<GS>")) or GS in text
    if looks_gs1 or (text[:2].isdigit() and " " in text):
        text = text.replace(" ", "")  # not str.split(): Python counts GS as whitespace
    return text


def read_vial_code(raw: str) -> ScannedPack:
    """The scanned pack, or a refusal when the code cannot be read without guessing."""
    text = _normalised(raw)
    scanned = parse_pack_barcode(text)
    if scanned.kind is not BarcodeKind.GS1:
        return scanned
    if text.startswith("(") or GS in text or "<GS>" in text:
        return scanned  # brackets or separators delimit every field
    # No separator at all: only the last variable-length field can end where it should.
    for ai, value in (("10", scanned.lot), ("21", scanned.serial)):
        hidden = [
            other
            for other, pattern in _HIDDEN_AI.items()
            if other != ai and pattern.search(value) and not _present(scanned, other)
        ]
        if value and hidden:
            raise VialCodeAmbiguous(
                "Codice DataMatrix letto senza separatori: lotto, seriale e scadenza non "
                "si distinguono con certezza. Rileggere il codice; se si ripete, impostare "
                "il lettore perché trasmetta il separatore GS (FNC1).",
                field="barcode",
                details={"field": ai, "value": value, "hidden": hidden},
            )
    return scanned


def _present(scanned: ScannedPack, ai: str) -> bool:
    return bool({"10": scanned.lot, "21": scanned.serial, "17": scanned.expiry}[ai])
