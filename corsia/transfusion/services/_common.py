"""What the transfusion services share: permissions, the product table, the bag's scans
read into their four structures, the snapshot of a row for the audit."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from corsia.core.actors import Workstation, workstation_label
from corsia.core.domain.errors import ValidationFailed
from corsia.transfusion.domain import isbt128
from corsia.transfusion.domain.products import (
    ProductEntry,
    Treatment,
    merged,
    read_product_table,
    read_special_table,
)

VIEW = "transfusion.view_transfusion"
REQUEST = "transfusion.request_transfusion"
RECORD_GROUP = "transfusion.record_blood_group"
ISSUE = "transfusion.issue_blood_bag"
TRANSFUSE = "transfusion.transfuse"

SHIPPED_TABLE = Path(__file__).resolve().parent.parent / "data" / "product_codes.csv"
SHIPPED_SPECIAL = SHIPPED_TABLE.with_name("special_testing.csv")
MAX_TEXT = 4000


def label120(workstation: Workstation) -> str:
    return workstation_label(workstation)[:120]


@cache
def _table(hospital_path: str) -> dict[str, ProductEntry]:
    shipped = read_product_table(SHIPPED_TABLE.read_text(encoding="utf-8"))
    if not hospital_path:
        return shipped
    own = read_product_table(Path(hospital_path).read_text(encoding="utf-8"))
    return merged(shipped, own)


def product_table() -> dict[str, ProductEntry]:
    """The shipped example rows with the hospital's own (``CORSIA_TRANSFUSION_PRODUCT_CODES``)."""
    return _table(str(getattr(settings, "CORSIA_TRANSFUSION_PRODUCT_CODES", "") or ""))


@cache
def _special(hospital_path: str) -> dict[str, frozenset[Treatment]]:
    shipped = read_special_table(SHIPPED_SPECIAL.read_text(encoding="utf-8"))
    if not hospital_path:
        return shipped
    return {**shipped, **read_special_table(Path(hospital_path).read_text(encoding="utf-8"))}


def special_table() -> dict[str, frozenset[Treatment]]:
    """ISBT 128 special-testing codes (012) → treatments they attest: the shipped example
    rows with the hospital's own (``CORSIA_TRANSFUSION_SPECIAL_TESTING_CODES``)."""
    return _special(str(getattr(settings, "CORSIA_TRANSFUSION_SPECIAL_TESTING_CODES", "") or ""))


@dataclass(frozen=True)
class BagScans:
    donation: isbt128.Donation
    product: isbt128.Product
    group: isbt128.GroupLabel
    expiry: isbt128.Expiry
    special: tuple[str, ...] = ()  # special testing codes (012) read, if any

    def expires_at(self) -> Any:
        return self.expiry.at(timezone.get_default_timezone())

    def label_treatments(self) -> frozenset[Treatment]:
        """What the special-testing barcodes attest; a code the table does not know is
        refused (never guessed)."""
        table = special_table()
        unknown = [code for code in self.special if code not in table]
        if unknown:
            raise ValidationFailed(
                f"Codice di test speciali {unknown[0]} non presente nella tabella "
                "dell'ospedale: verificare con il servizio trasfusionale.",
                code="special_testing_unknown",
                field="scans",
            )
        return frozenset().union(*(table[code] for code in self.special))


_KINDS: dict[type, str] = {
    isbt128.Donation: "DIN",
    isbt128.Product: "codice prodotto",
    isbt128.GroupLabel: "gruppo ABO/RhD",
    isbt128.Expiry: "scadenza",
}


def bag_scans(scans: list[str]) -> BagScans:
    """The bag's four barcodes, read in any order, each exactly once; special-testing
    barcodes (012) besides, if the label carries them."""
    found: dict[type, Any] = {}
    special: list[str] = []
    for raw in scans:
        if not str(raw).strip():
            continue
        try:
            scan = isbt128.parse_scan(str(raw))
        except isbt128.Isbt128Error as error:
            raise ValidationFailed(error.message, code=error.code, field="scans") from None
        if isinstance(scan, isbt128.SpecialTesting):
            special.append(scan.code)
            continue
        kind = type(scan)
        if kind in found and found[kind] != scan:
            raise ValidationFailed(
                f"Letti due codici diversi per «{_KINDS[kind]}»: rileggere la sacca.",
                code="scan_repeated",
                field="scans",
            )
        found[kind] = scan
    missing = [name for kind, name in _KINDS.items() if kind not in found]
    if missing:
        raise ValidationFailed(
            "Leggere tutti i codici della sacca; manca: " + ", ".join(missing) + ".",
            code="scan_missing",
            field="scans",
        )
    return BagScans(
        found[isbt128.Donation],
        found[isbt128.Product],
        found[isbt128.GroupLabel],
        found[isbt128.Expiry],
        tuple(sorted(set(special))),
    )


def clean_text(value: object, *, field: str, label: str, required: bool = True) -> str:
    text = str(value or "").strip()
    if "\x00" in text or len(text) > MAX_TEXT:
        raise ValidationFailed(f"«{label}»: testo non valido o troppo lungo.", field=field)
    if required and not text:
        raise ValidationFailed(f"«{label}» è obbligatorio.", code="required", field=field)
    return text
