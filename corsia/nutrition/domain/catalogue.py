"""The component catalogue as data (``corsia/nutrition/data/components.csv``, maintained
by the pharmacy): what one reference volume of each product contains.

Each row states its content per ``reference_ml`` millilitres (100 mL for amino acids,
glucose and lipid solutions, 1 mL for electrolyte concentrates, the bag's volume for a
multi-chamber bag), so the content per mL is ``content / reference_ml`` and a label's
figures are copied as printed. Glucose is anhydrous glucose (the percentage of Italian
labels); the monohydrate mass, used for the kcal, is derived in ``composition``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed


class Kind(StrEnum):
    AMINO_ACIDS = "amino_acids"
    GLUCOSE = "glucose"
    LIPID = "lipid"
    ELECTROLYTE = "electrolyte"
    TRACE_ELEMENTS = "trace_elements"
    VITAMINS = "vitamins"
    WATER = "water"
    BAG = "bag"


# Every nutrient a component may carry, with its unit in the key.
GRAM_NUTRIENTS = ("amino_acids_g", "nitrogen_g", "glucose_g", "lipid_g")
MMOL_NUTRIENTS = (
    "sodium_mmol",
    "potassium_mmol",
    "calcium_mmol",
    "magnesium_mmol",
    "phosphate_mmol",
    "chloride_mmol",
    "acetate_mmol",
)
NUTRIENTS = (*GRAM_NUTRIENTS, "lipid_kcal", *MMOL_NUTRIENTS)

# The charge of each ion, for amounts prescribed in mEq. Phosphate has none here: its
# mEq depend on the pH (HPO4 2- / H2PO4 -), so it is prescribed in mmol only.
VALENCE: Mapping[str, int] = {
    "sodium_mmol": 1,
    "potassium_mmol": 1,
    "calcium_mmol": 2,
    "magnesium_mmol": 2,
    "chloride_mmol": 1,
    "acetate_mmol": 1,
}

PHOSPHATE_SALTS = frozenset({"organic", "inorganic"})
CALCIUM_SALTS = frozenset({"gluconate", "chloride"})


@dataclass(frozen=True)
class Component:
    code: str
    name: str
    kind: Kind
    reference_ml: Decimal
    content: Mapping[str, Decimal]  # per reference_ml; absent nutrients are zero
    osmolarity_mosm_l: Decimal | None  # labelled; None when the label states none
    primary: str | None  # the nutrient it is prescribed by in g or mmol
    unit_volume_ml: Decimal | None  # one vial or bag
    phosphate_salt: str | None
    calcium_salt: str | None
    source: str

    def per_ml(self, nutrient: str) -> Decimal:
        return self.content.get(nutrient, Decimal(0)) / self.reference_ml

    def amount_in(self, volume_ml: Decimal, nutrient: str) -> Decimal:
        """The nutrient in ``volume_ml`` of the product (multiplied before divided, so a
        whole number of bags gives the label's figures exactly)."""
        return volume_ml * self.content.get(nutrient, Decimal(0)) / self.reference_ml


Catalogue = Mapping[str, Component]


def _decimal(row: Mapping[str, str], key: str, where: str) -> Decimal | None:
    text = (row.get(key) or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(
            f"{where}: «{key}» non è un numero ({text!r}).", code="catalogue_invalid"
        ) from None
    if not value.is_finite() or value < 0:
        raise ValidationFailed(
            f"{where}: «{key}» deve essere un numero non negativo.", code="catalogue_invalid"
        )
    return value


def _choice(row: Mapping[str, str], key: str, allowed: frozenset[str], where: str) -> str | None:
    text = (row.get(key) or "").strip()
    if not text:
        return None
    if text not in allowed:
        raise ValidationFailed(f"{where}: «{key}» sconosciuto ({text}).", code="catalogue_invalid")
    return text


def component_from_row(row: Mapping[str, str]) -> Component:
    code = (row.get("code") or "").strip()
    where = f"Componente {code or '?'}"
    if not code:
        raise ValidationFailed(
            "Un componente del catalogo è senza codice.", code="catalogue_invalid"
        )
    try:
        kind = Kind((row.get("kind") or "").strip())
    except ValueError:
        raise ValidationFailed(f"{where}: tipo sconosciuto.", code="catalogue_invalid") from None
    reference = _decimal(row, "reference_ml", where)
    if reference is None or reference == 0:
        raise ValidationFailed(
            f"{where}: volume di riferimento mancante.", code="catalogue_invalid"
        )
    content = {}
    for nutrient in NUTRIENTS:
        value = _decimal(row, nutrient, where)
        if value:
            content[nutrient] = value
    primary = (row.get("primary") or "").strip() or None
    if primary is not None and primary not in (*GRAM_NUTRIENTS, *MMOL_NUTRIENTS):
        raise ValidationFailed(
            f"{where}: nutriente principale sconosciuto.", code="catalogue_invalid"
        )
    if primary is not None and not content.get(primary):
        raise ValidationFailed(
            f"{where}: il nutriente principale ({primary}) non ha contenuto.",
            code="catalogue_invalid",
        )
    return Component(
        code=code,
        name=(row.get("name") or code).strip(),
        kind=kind,
        reference_ml=reference,
        content=content,
        osmolarity_mosm_l=_decimal(row, "osmolarity_mosm_l", where),
        primary=primary,
        unit_volume_ml=_decimal(row, "unit_volume_ml", where) or None,
        phosphate_salt=_choice(row, "phosphate_salt", PHOSPHATE_SALTS, where),
        calcium_salt=_choice(row, "calcium_salt", CALCIUM_SALTS, where),
        source=(row.get("source") or "").strip(),
    )


def catalogue_from_rows(rows: Iterable[Mapping[str, str]]) -> dict[str, Component]:
    """The catalogue keyed by code; a duplicate code or an invalid row is refused
    (``catalogue_invalid``), naming the row."""
    catalogue: dict[str, Component] = {}
    for row in rows:
        component = component_from_row(row)
        if component.code in catalogue:
            raise ValidationFailed(
                f"Codice duplicato nel catalogo: {component.code}.", code="catalogue_invalid"
            )
        catalogue[component.code] = component
    return catalogue
