"""Completing a preparation: volume to draw, carrier bag, final concentration, expiry.

volume to draw = dose mg / concentration (mg/mL, after reconstitution for a powder).
final volume = bag nominal volume + bag overfill + volume drawn (no volume is removed
from the bag). The bag is chosen among the product's compatible diluents, in the
archive's order of preference, as the smallest bag whose final concentration lies in the
product's allowed range; when none does the preparation is refused with the reason.

expiry = preparation time + diluted stability, never later than the opened vial's
(reconstituted / in-use) stability counted from when the vial was opened, nor than the
end of the expiry date of any lot used (min(lot expiry, opened + stability)).

Doses are in the product's own unit (``strength_unit``: mg, or IU for bleomycin and
asparaginase); the field names say mg for history, the unit travels with the product.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from corsia.compounding.domain.product import (
    ProductData,
    StorageTemperature,
    it_number,
)
from corsia.compounding.domain.scan import ScanRefused
from corsia.core.domain.errors import ValidationFailed

NACL_09 = "sodio cloruro 0,9%"
GLUCOSE_5 = "glucosio 5%"
VOLUME_STEP = Decimal("0.01")
CONCENTRATION_STEP = Decimal("0.0001")


class PreparationImpossible(ValidationFailed):
    code = "preparation_impossible"


@dataclass(frozen=True)
class CarrierBag:
    """A ready-to-use bag of diluent: nominal volume and its declared overfill."""

    diluent: str
    nominal_ml: Decimal
    overfill_ml: Decimal = Decimal(0)

    @property
    def content_ml(self) -> Decimal:
        return self.nominal_ml + self.overfill_ml

    @property
    def label(self) -> str:
        return f"{self.diluent} {it_number(self.nominal_ml)} mL"


STANDARD_BAGS: tuple[CarrierBag, ...] = tuple(
    CarrierBag(diluent, Decimal(volume))
    for diluent in (NACL_09, GLUCOSE_5)
    for volume in (100, 250, 500, 1000)
)


@dataclass(frozen=True)
class Preparation:
    product_code: str
    dose_mg: Decimal
    volume_to_draw_ml: Decimal
    bag: CarrierBag
    final_volume_ml: Decimal
    final_concentration_mg_ml: Decimal
    prepared_at: datetime
    expiry: datetime
    expiry_limited_by_opened_vial: bool
    storage: StorageTemperature
    protect_from_light: bool
    warnings: tuple[str, ...]


def _require_aware(moment: datetime, field: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationFailed("Data e ora senza fuso orario.", field=field)


def volume_to_draw(dose_mg: Decimal, product: ProductData) -> Decimal:
    """mL to draw for ``dose_mg``, to 0.01 mL (half up)."""
    if dose_mg <= 0:
        raise ValidationFailed("La dose deve essere maggiore di zero.", field="dose_mg")
    return (dose_mg / product.concentration_mg_ml).quantize(VOLUME_STEP, ROUND_HALF_UP)


def _in_range(concentration: Decimal, product: ProductData) -> bool:
    low, high = product.final_concentration_min, product.final_concentration_max
    return (low is None or concentration >= low) and (high is None or concentration <= high)


def _range_text(product: ProductData) -> str:
    low, high = product.final_concentration_min, product.final_concentration_max
    if low is not None and high is not None:
        return f"da {it_number(low)} a {it_number(high)} mg/mL"
    if low is not None:
        return f"almeno {it_number(low)} mg/mL"
    if high is not None:
        return f"al massimo {it_number(high)} mg/mL"
    return "qualsiasi"


def choose_bag(
    *,
    dose_mg: Decimal,
    drawn_ml: Decimal,
    product: ProductData,
    bags: tuple[CarrierBag, ...] = STANDARD_BAGS,
    diluent: str | None = None,
    bag_volume_ml: Decimal | None = None,
) -> CarrierBag:
    """The smallest compatible bag giving a final concentration inside the allowed range."""
    if not product.compatible_diluents:
        raise PreparationImpossible(
            f"{product.name}: nessun diluente compatibile in archivio; "
            "la diluizione va indicata dal farmacista.",
            code="no_compatible_diluent",
            field="diluent",
        )
    if diluent is not None and diluent not in product.compatible_diluents:
        raise PreparationImpossible(
            f"{diluent} non è compatibile con {product.ingredient_name} ({product.name}): "
            f"compatibili {', '.join(product.compatible_diluents)}.",
            code="incompatible_diluent",
            field="diluent",
        )
    wanted = (diluent,) if diluent is not None else product.compatible_diluents
    tried: list[str] = []
    for name in wanted:
        candidates = sorted(
            (
                b
                for b in bags
                if b.diluent == name and (bag_volume_ml is None or b.nominal_ml == bag_volume_ml)
            ),
            key=lambda b: b.nominal_ml,
        )
        for bag in candidates:
            concentration = dose_mg / (bag.content_ml + drawn_ml)
            if _in_range(concentration, product):
                return bag
            tried.append(
                f"{bag.label}: {it_number(concentration.quantize(CONCENTRATION_STEP))} mg/mL"
            )
    if not tried:
        raise PreparationImpossible(
            "Nessuna sacca disponibile del diluente e del volume richiesti.",
            code="no_bag_available",
            field="bag_volume_ml",
        )
    raise PreparationImpossible(
        f"Impossibile diluire {product.ingredient_name} {it_number(dose_mg)} "
        f"{product.strength_unit} entro "
        f"{_range_text(product)} con le sacche disponibili ({'; '.join(tried)}). "
        "Serve una diluizione non standard decisa dal farmacista.",
        code="final_concentration_out_of_range",
        field="bag_volume_ml",
        details={"tried": tried},
    )


def complete_preparation(
    *,
    dose_mg: Decimal,
    product: ProductData,
    prepared_at: datetime,
    opened_at: datetime | None = None,
    bags: tuple[CarrierBag, ...] = STANDARD_BAGS,
    diluent: str | None = None,
    bag_volume_ml: Decimal | None = None,
    lot_expires_at: datetime | None = None,
) -> Preparation:
    """Everything the worksheet and the label need for one preparation.

    ``opened_at`` is when the (oldest) vial or leftover used was opened or reconstituted;
    by default the preparation time (a fresh vial). ``lot_expires_at`` is the earliest
    end of the lots used (``product.lot_end``): the preparation never outlives it.
    """
    _require_aware(prepared_at, "prepared_at")
    opened = prepared_at if opened_at is None else opened_at
    _require_aware(opened, "opened_at")
    if opened > prepared_at:
        raise ValidationFailed(
            "Il flacone non può essere aperto dopo l'allestimento.", field="opened_at"
        )
    drawn = volume_to_draw(dose_mg, product)
    bag = choose_bag(
        dose_mg=dose_mg,
        drawn_ml=drawn,
        product=product,
        bags=bags,
        diluent=diluent,
        bag_volume_ml=bag_volume_ml,
    )
    final_volume = bag.content_ml + drawn
    if product.diluted is None:
        raise PreparationImpossible(
            f"{product.name}: stabilità dopo diluizione non presente in archivio; "
            "il farmacista deve indicarla prima dell'allestimento.",
            code="stability_unknown",
            field="diluted_stability_hours",
        )
    expiry = product.diluted.until(prepared_at)
    limited = False
    source = product.opened_stability
    if source is not None:
        source_expiry = source.until(opened)
        if source_expiry < expiry:
            expiry, limited = source_expiry, True
    elif opened < prepared_at:
        raise PreparationImpossible(
            f"{product.name}: nessuna stabilità documentata del flacone aperto: "
            "non si può usare un flacone aperto in precedenza.",
            code="opened_vial_not_stable",
            field="opened_at",
        )
    if expiry <= prepared_at:
        raise PreparationImpossible(
            "Il flacone aperto è già fuori stabilità: non usarlo.",
            code="opened_vial_expired",
            field="opened_at",
        )
    lot_limited = False
    if lot_expires_at is not None:
        _require_aware(lot_expires_at, "lot_expires_at")
        if lot_expires_at <= prepared_at:
            raise ScanRefused(
                f"Lotto scaduto il {lot_expires_at:%d/%m/%Y %H:%M}: non si può usare.",
                code="expired_lot",
                field="expiry",
            )
        if lot_expires_at < expiry:
            expiry, lot_limited = lot_expires_at, True
    warnings = [product.diluted.temperature.instruction]
    light = product.protect_from_light
    if light:
        warnings.append("Proteggere dalla luce (sacca e deflussore fotoprotettivi)")
    if product.pvc_free_required:
        warnings.append("Usare sacca e set di infusione senza PVC/DEHP")
    if product.filter_required:
        warnings.append(f"Somministrare con {product.filter_required}")
    if limited and not lot_limited:
        warnings.append("Scadenza limitata dalla stabilità del flacone aperto o ricostituito")
    if lot_limited:
        warnings.append("Scadenza limitata dalla scadenza del lotto")
    return Preparation(
        product_code=product.code,
        dose_mg=dose_mg,
        volume_to_draw_ml=drawn,
        bag=bag,
        final_volume_ml=final_volume,
        final_concentration_mg_ml=(dose_mg / final_volume).quantize(
            CONCENTRATION_STEP, ROUND_HALF_UP
        ),
        prepared_at=prepared_at,
        expiry=expiry,
        expiry_limited_by_opened_vial=limited and not lot_limited,
        storage=product.diluted.temperature,
        protect_from_light=light,
        warnings=tuple(warnings),
    )
