"""The drug archive's ``MedicinalProduct`` as the domain's ``ProductData``.

Family (products whose opened content is interchangeable): same ingredient, same
formulation (liposomal, pegylated liposomal, albumin-bound, subcutaneous), same maker
(the AIC holder, or the first word of the name when the archive has no holder: the
brand, or "Oxaliplatino" for an unbranded generic), same concentration and physical
state; a biosimilar carries its originator's code so it never shares with it.

The archive has no in-use stability for ready solutions yet: an opened concentrate has
no documented stability, so its leftover is waste at once and its vial serves one dose.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from corsia.compounding.domain.preparation import GLUCOSE_5, NACL_09
from corsia.compounding.domain.product import (
    PhysicalState,
    ProductData,
    Stability,
    storage_temperature_from_text,
)
from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.domain.formulation import formulation_of
from corsia.drugs.selectors import ingredient_products

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct

_STATES = {s.value: s for s in PhysicalState}


class NotCompoundable(ValidationFailed):
    code = "product_not_compoundable"


def family_key(product: MedicinalProduct) -> str:
    maker = (product.holder or product.name.split(" ")[0]).strip().lower()
    concentration = f"{(product.concentration or Decimal(0)).normalize():f}"
    formulation = formulation_of(product.formulation).value
    return (
        f"{product.ingredient.code}:{formulation}:{maker}:{concentration}:"
        f"{product.physical_state}:{product.strength_unit}"
    )


def _stability(hours: Decimal | None, temperature: str, light: bool) -> Stability | None:
    if hours is None or hours <= 0:
        return None
    storage = storage_temperature_from_text(temperature)
    if storage is None:
        return None
    return Stability(hours=Decimal(hours), temperature=storage, protect_from_light=light)


def product_data(product: MedicinalProduct) -> ProductData:
    state = _STATES.get(product.physical_state)
    if state is None or product.strength is None or product.concentration is None:
        raise NotCompoundable(
            f"{product.name}: stato fisico, dosaggio o concentrazione mancanti in archivio: "
            "il farmacista deve completarli prima dell'allestimento.",
            field="product",
        )
    return ProductData(
        code=product.code,
        ingredient_code=product.ingredient.code,
        ingredient_name=product.ingredient.name_it,
        name=product.name,
        strength_mg=Decimal(product.strength),
        physical_state=state,
        concentration_mg_ml=Decimal(product.concentration),
        family=family_key(product),
        nominal_volume_ml=product.nominal_volume_ml,
        overfill_volume_ml=product.overfill_volume_ml,
        reconstitution_volume_ml=product.reconstitution_volume_ml,
        compatible_diluents=tuple(
            d for d in product.compatible_diluents if d in (NACL_09, GLUCOSE_5)
        ),
        final_concentration_min=product.final_concentration_min,
        final_concentration_max=product.final_concentration_max,
        reconstituted=_stability(
            product.reconstituted_stability_hours,
            product.reconstituted_stability_temperature,
            product.reconstituted_protect_from_light,
        ),
        diluted=_stability(
            product.diluted_stability_hours,
            product.diluted_stability_temperature,
            product.diluted_protect_from_light,
        ),
        photosensitive=product.photosensitive,
        pvc_free_required=product.pvc_free_required,
        filter_required=product.filter_required,
        density_g_ml=product.density_g_ml,
        biosimilar_of=product.biosimilar_of.code if product.biosimilar_of is not None else None,
        formulation=formulation_of(product.formulation),
        strength_unit=product.strength_unit,
    )


def family_products(product: MedicinalProduct) -> list[MedicinalProduct]:
    """Every product of the archive in ``product``'s family (itself included)."""
    key = family_key(product)
    return [
        p
        for p in ingredient_products(ingredient_id=product.ingredient_id)
        if family_key(p) == key and p.biosimilar_of_id == product.biosimilar_of_id
    ]
