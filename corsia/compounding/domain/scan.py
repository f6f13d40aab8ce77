"""Matching a scanned pack against the product the worksheet expects (safety rule 8).

The scanner's text is parsed by ``corsia.drugs.domain.barcodes.parse_pack_barcode``;
the pack → product resolution (by AIC and by GTIN) is passed in as data. Checks, in
order: known pack, same active ingredient (``wrong_drug``), same formulation
(``wrong_formulation``: liposomal / pegylated liposomal / albumin-bound / subcutaneous
against conventional are different medicines), same strength and unit
(``wrong_strength``), an allowed product when the worksheet names them
(``wrong_product``: e.g. a biosimilar instead of the originator), lot and expiry present
(``lot_required``; a Code 39 stamp carries neither, they are then typed in), not expired
(``expired_lot``). A pack is usable through the last day of its expiry date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from corsia.compounding.domain.product import it_number
from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.domain.barcodes import ScannedPack
from corsia.drugs.domain.formulation import Formulation


class ScanRefused(ValidationFailed):
    code = "scan_refused"


@dataclass(frozen=True)
class ResolvedPack:
    """What the archive says a scanned AIC/GTIN is."""

    product_code: str
    ingredient_code: str
    ingredient_name: str
    strength_mg: Decimal
    formulation: Formulation = Formulation.CONVENTIONAL
    strength_unit: str = "mg"


@dataclass(frozen=True)
class ExpectedVial:
    ingredient_code: str
    ingredient_name: str
    strength_mg: Decimal
    product_codes: frozenset[str] = frozenset()
    formulation: Formulation = Formulation.CONVENTIONAL
    strength_unit: str = "mg"


@dataclass(frozen=True)
class AcceptedScan:
    product_code: str
    lot: str
    expiry: date


def match_scanned_pack(
    *,
    expected: ExpectedVial,
    scanned: ScannedPack,
    packs: Mapping[str, ResolvedPack],
    now: datetime,
    lot: str = "",
    expiry: date | None = None,
) -> AcceptedScan:
    """Accept the scanned vial or raise ``ScanRefused`` with a stable code.

    ``packs`` maps AIC codes and GTINs to what they are; ``lot`` and ``expiry`` are the
    values typed in when the barcode does not carry them (the barcode's win).
    """
    if now.tzinfo is None:
        raise ValidationFailed("Data e ora senza fuso orario.", field="now")
    resolved = None
    for key in (scanned.aic, scanned.gtin):
        if key and key in packs:
            resolved = packs[key]
            break
    if resolved is None:
        raise ScanRefused(
            "Confezione non presente in archivio: non si può usare.",
            code="unknown_pack",
            field="barcode",
            details={"aic": scanned.aic, "gtin": scanned.gtin},
        )
    if resolved.ingredient_code != expected.ingredient_code:
        raise ScanRefused(
            f"Flacone di un altro principio attivo: atteso {expected.ingredient_name}, "
            f"letto {resolved.ingredient_name}.",
            code="wrong_drug",
            field="barcode",
            details={"expected": expected.ingredient_code, "read": resolved.ingredient_code},
        )
    if resolved.formulation is not expected.formulation:
        raise ScanRefused(
            f"Formulazione diversa: atteso {expected.ingredient_name} "
            f"{expected.formulation.label_it}, letto {resolved.ingredient_name} "
            f"{resolved.formulation.label_it}. Non sono intercambiabili.",
            code="wrong_formulation",
            field="barcode",
            details={
                "expected": expected.formulation.value,
                "read": resolved.formulation.value,
                "product": resolved.product_code,
            },
        )
    if (
        resolved.strength_mg != expected.strength_mg
        or resolved.strength_unit != expected.strength_unit
    ):
        raise ScanRefused(
            f"Flacone di un altro dosaggio: atteso {expected.ingredient_name} "
            f"{it_number(expected.strength_mg)} {expected.strength_unit}, letto "
            f"{it_number(resolved.strength_mg)} {resolved.strength_unit}.",
            code="wrong_strength",
            field="barcode",
            details={"expected": str(expected.strength_mg), "read": str(resolved.strength_mg)},
        )
    if expected.product_codes and resolved.product_code not in expected.product_codes:
        raise ScanRefused(
            f"Medicinale diverso da quello previsto ({resolved.product_code}): "
            "originatore e biosimilari non sono intercambiabili al banco.",
            code="wrong_product",
            field="barcode",
            details={"read": resolved.product_code},
        )
    lot_used = scanned.lot or lot.strip()
    expiry_used = scanned.expiry or expiry
    if not lot_used or expiry_used is None:
        raise ScanRefused(
            "Lotto e scadenza sono obbligatori: leggere il DataMatrix o inserirli a mano.",
            code="lot_required",
            field="lot" if not lot_used else "expiry",
        )
    if now.date() > expiry_used:
        raise ScanRefused(
            f"Lotto {lot_used} scaduto il {expiry_used:%d/%m/%Y}: non si può usare.",
            code="expired_lot",
            field="expiry",
            details={"lot": lot_used, "expiry": expiry_used.isoformat()},
        )
    return AcceptedScan(product_code=resolved.product_code, lot=lot_used, expiry=expiry_used)
