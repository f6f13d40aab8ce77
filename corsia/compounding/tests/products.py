"""Products used by the tests, with the values of the shipped archive
(``corsia/drugs/data/catalogue.jsonl``) written out by hand."""

from __future__ import annotations

from decimal import Decimal

from corsia.compounding.domain.preparation import GLUCOSE_5, NACL_09
from corsia.compounding.domain.product import (
    PhysicalState,
    ProductData,
    Stability,
    StorageTemperature,
)

FRIDGE = StorageTemperature.REFRIGERATED


def oxaliplatin(strength: int = 100) -> ProductData:
    """Oxaliplatino generico 5 mg/mL: G5% only, 0.2-0.7 mg/mL, diluted 24 h at 2-8 °C."""
    return ProductData(
        code=f"oxaliplatin_{strength}mg_oxaliplatino",
        ingredient_code="oxaliplatin",
        ingredient_name="oxaliplatino",
        name=f"Oxaliplatino generico 5 mg/mL {strength} mg",
        strength_mg=Decimal(strength),
        physical_state=PhysicalState.CONCENTRATE,
        concentration_mg_ml=Decimal(5),
        family="oxaliplatin:generic:5",
        nominal_volume_ml=Decimal(strength) / 5,
        compatible_diluents=(GLUCOSE_5,),
        final_concentration_min=Decimal("0.2"),
        final_concentration_max=Decimal("0.7"),
        diluted=Stability(Decimal(24), FRIDGE),
        in_use=Stability(Decimal(24), FRIDGE),
        density_g_ml=Decimal("1.000"),
    )


def herceptin() -> ProductData:
    """Herceptin 150 mg powder: 7.2 mL water -> 21 mg/mL, reconstituted 48 h at 2-8 °C."""
    return ProductData(
        code="trastuzumab_150mg_powder_herceptin",
        ingredient_code="trastuzumab",
        ingredient_name="trastuzumab",
        name="Herceptin 150 mg polvere",
        strength_mg=Decimal(150),
        physical_state=PhysicalState.POWDER,
        concentration_mg_ml=Decimal(21),
        family="trastuzumab:roche:21",
        reconstitution_volume_ml=Decimal("7.2"),
        compatible_diluents=(NACL_09,),
        reconstituted=Stability(Decimal(48), FRIDGE),
        diluted=Stability(Decimal(24), FRIDGE),
    )


def ontruzant() -> ProductData:
    """A biosimilar of Herceptin: same numbers, never shared with the originator."""
    return ProductData(
        code="trastuzumab_150mg_powder_ontruzant",
        ingredient_code="trastuzumab",
        ingredient_name="trastuzumab",
        name="Ontruzant 150 mg polvere",
        strength_mg=Decimal(150),
        physical_state=PhysicalState.POWDER,
        concentration_mg_ml=Decimal(21),
        family="trastuzumab:roche:21",  # even a wrongly shared family key must not mix them
        reconstitution_volume_ml=Decimal("7.2"),
        compatible_diluents=(NACL_09,),
        reconstituted=Stability(Decimal(48), FRIDGE),
        diluted=Stability(Decimal(24), FRIDGE),
        biosimilar_of="trastuzumab_150mg_powder_herceptin",
    )


def paclitaxel() -> ProductData:
    """Paclitaxel 6 mg/mL 300 mg: 0.3-1.2 mg/mL, 27 h at 25 °C, PVC-free, 0.22 µm filter."""
    return ProductData(
        code="paclitaxel_300mg_50ml_paclitaxel",
        ingredient_code="paclitaxel",
        ingredient_name="paclitaxel",
        name="Paclitaxel 6 mg/mL 300 mg/50 mL",
        strength_mg=Decimal(300),
        physical_state=PhysicalState.CONCENTRATE,
        concentration_mg_ml=Decimal(6),
        family="paclitaxel:generic:6",
        compatible_diluents=(NACL_09, GLUCOSE_5),
        final_concentration_min=Decimal("0.3"),
        final_concentration_max=Decimal("1.2"),
        diluted=Stability(Decimal(27), StorageTemperature.ROOM),
        pvc_free_required=True,
        filter_required="filtro in linea 0,22 µm",
        photosensitive=True,
    )
