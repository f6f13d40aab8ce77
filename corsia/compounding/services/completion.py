"""The preparation's product and worksheet: which product of the archive a line is made
with (never another formulation), the bag the regimen asks for, the dose in the vials'
unit, and the worksheet the pure domain computes (volume to draw, bag, concentration,
expiry). A refusal of the domain leaves the preparation pending with the reason."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from corsia.compounding.domain.preparation import STANDARD_BAGS, complete_preparation
from corsia.compounding.domain.units import unit_factor, vial_units_for
from corsia.compounding.models import Preparation
from corsia.compounding.products import product_data
from corsia.compounding.services.steps import MG_STEP
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.drugs import selectors as drugs
from corsia.drugs.domain.formulation import Formulation, formulation_of

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct
    from corsia.prescribing.models import OrderItem

# Physical states never compounded: unknown, oral solids, other.
NOT_COMPOUNDED_STATES = ("", "solid_oral", "other")

# The worksheet fields ``apply_completion`` fills (what the caller saves).
COMPLETION_FIELDS = [
    "product",
    "blocking_reason",
    "diluent",
    "bag_volume_ml",
    "bag_overfill_ml",
    "volume_to_draw_ml",
    "final_volume_ml",
    "final_concentration_mg_ml",
    "expiry_at",
    "storage",
    "protect_from_light",
    "warnings",
]


def item_formulation(item: OrderItem) -> Formulation:
    """The formulation the order item prescribes: its regimen component's (liposomal,
    pegylated liposomal, albumin-bound, subcutaneous), else the prescribed product's."""
    component = item.regimen_component
    if component is not None:
        return formulation_of(component.formulation)
    if item.product is not None:
        return formulation_of(item.product.formulation)
    return Formulation.CONVENTIONAL


def ensure_formulation(product: MedicinalProduct, formulation: Formulation) -> None:
    found = formulation_of(product.formulation)
    if found is not formulation:
        raise ValidationFailed(
            f"{product.name} è in formulazione {found.label_it}: la prescrizione chiede "
            f"{product.ingredient.name_it} in formulazione {formulation.label_it}. "
            "Non sono intercambiabili.",
            code="wrong_formulation",
            field="product_id",
            details={"expected": formulation.value, "read": found.value},
        )


def _formulation_codes(formulation: Formulation) -> list[str]:
    return (
        [formulation.value, ""] if formulation is Formulation.CONVENTIONAL else [formulation.value]
    )


def choose_product(item: OrderItem) -> MedicinalProduct | None:
    """The prescribed product (originator/biosimilar choice) or the archive's product of
    the ingredient, of the prescribed formulation and unit, with complete data: the
    largest strength not above the dose. Never a product of another formulation."""
    formulation = item_formulation(item)
    if item.product_id is not None:
        product = drugs.product_find(product_id=item.product_id)
        assert product is not None  # a protected foreign key: the row exists
        ensure_formulation(product, formulation)
        return product
    candidates = drugs.products_with_strength(
        ingredient_id=item.ingredient_id,
        strength_units=vial_units_for(item.ingredient.code, item.amount_unit),
        formulations=_formulation_codes(formulation),
        physical_states_excluded=NOT_COMPOUNDED_STATES,
    )
    if not candidates:
        return None
    fitting = [
        p
        for p in candidates
        if p.strength is not None
        and p.strength
        <= item.final_dose * unit_factor(item.ingredient.code, item.amount_unit, p.strength_unit)
    ]
    return fitting[-1] if fitting else candidates[0]


def requested_bag(text: str) -> tuple[str | None, Decimal | None]:
    """Diluent and bag volume named in the regimen's preparation text
    (``"glucosio 5% 250 mL"``), when it names a standard bag."""
    lowered = text.lower()
    for bag in STANDARD_BAGS:
        volume = f"{bag.nominal_ml.normalize():f} ml"
        if lowered.startswith(bag.diluent) and volume in lowered:
            return bag.diluent, bag.nominal_ml
    for diluent in {b.diluent for b in STANDARD_BAGS}:
        if lowered.startswith(diluent):
            return diluent, None
    return None, None


def dose_in_vial_units(prep: Preparation, product: MedicinalProduct) -> Decimal:
    """The preparation's dose in the unit of the product's vials (mg, or IU: bleomycin
    prescribed in USP units is drawn in IU, x 1,000); never through mg."""
    factor = unit_factor(prep.order_item.ingredient.code, prep.dose_unit, product.strength_unit)
    return (prep.dose_mg * factor).quantize(MG_STEP)


def apply_completion(
    prep: Preparation,
    product: MedicinalProduct | None,
    *,
    prepared_at: datetime,
    opened_at: datetime | None = None,
    diluent: str | None = None,
    bag_volume_ml: Decimal | None = None,
    lot_expires_at: datetime | None = None,
) -> None:
    """Fill the worksheet data from the domain; a refusal leaves the preparation pending
    with the reason for the pharmacist. The product must be of the preparation's
    formulation and of the dose's unit (mg, or IU for bleomycin and asparaginase)."""
    prep.product = product
    if product is None:
        if not prep.blocking_reason:
            prep.blocking_reason = (
                "Nessun medicinale in archivio per questo principio attivo, formulazione "
                f"{formulation_of(prep.formulation).label_it} e unità {prep.dose_unit}."
            )
        return
    try:
        vial_dose = dose_in_vial_units(prep, product)
        ensure_formulation(product, formulation_of(prep.formulation))
        data = product_data(product)
        done = complete_preparation(
            dose_mg=vial_dose,
            product=data,
            prepared_at=prepared_at,
            opened_at=opened_at,
            diluent=diluent,
            bag_volume_ml=bag_volume_ml,
            lot_expires_at=lot_expires_at,
        )
    except CorsiaError as exc:
        prep.blocking_reason = exc.message
        return
    prep.blocking_reason = ""
    prep.diluent = done.bag.diluent
    prep.bag_volume_ml = done.bag.nominal_ml
    prep.bag_overfill_ml = done.bag.overfill_ml
    prep.volume_to_draw_ml = done.volume_to_draw_ml
    prep.final_volume_ml = done.final_volume_ml
    prep.final_concentration_mg_ml = done.final_concentration_mg_ml
    prep.expiry_at = done.expiry
    prep.storage = done.storage.value
    prep.protect_from_light = done.protect_from_light
    prep.warnings = list(done.warnings)
    if product.strength_unit != prep.dose_unit:
        prep.warnings.append(
            f"Dose prescritta {prep.dose_mg.normalize():f} {prep.dose_unit} = "
            f"{vial_dose.normalize():f} {product.strength_unit} ({product.name})"
        )
