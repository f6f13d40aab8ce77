"""The CD34+ dose of a collected product, per kg of the recipient (EBMT Handbook 2019,
ch. 20: target ≥ 2 × 10^6/kg for an autologous PBSC graft, 4-5 × 10^6/kg allogeneic).

total CD34+ cells = concentration (cells/µL) × volume (mL) × 1000 (µL per mL);
dose (× 10^6/kg) = total / 10^6 / recipient weight (kg), rounded half-up to 2 decimals.

Worked example (written out in the tests): 480 cells/µL in 250 mL = 480 × 250 × 1000 =
120 000 000 cells = 120 × 10^6; a 64 kg recipient receives 120 / 64 = 1.875 → 1.88 × 10^6/kg.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.measures import ensure_decimal

MILLION = Decimal(1_000_000)
MAX_VOLUME_ML = Decimal(5000)
MAX_CONCENTRATION = Decimal(100_000)  # CD34+/µL: far above any leukapheresis product
MAX_TOTAL_MILLIONS = Decimal(100_000)
MIN_WEIGHT, MAX_WEIGHT = Decimal("0.3"), Decimal(300)


def total_cd34_millions(*, concentration_per_ul: Decimal, volume_ml: Decimal) -> Decimal:
    """CD34+ cells in the product, × 10^6 (exact)."""
    conc = ensure_decimal(
        concentration_per_ul, field="cd34_per_ul", label="CD34+ (cellule/µL)",
        maximum=MAX_CONCENTRATION,
    )  # fmt: skip
    volume = volume_checked(volume_ml)
    return conc * volume * 1000 / MILLION


def volume_checked(volume_ml: Decimal) -> Decimal:
    volume = ensure_decimal(
        volume_ml, field="volume_ml", label="Volume (mL)", maximum=MAX_VOLUME_ML
    )
    if volume == 0:
        raise ValidationFailed(
            "Volume (mL): deve essere maggiore di zero.", code="volume_ml_zero", field="volume_ml"
        )
    return volume


def dose_per_kg(*, total_millions: Decimal, weight_kg: Decimal | None) -> Decimal:
    """CD34+ × 10^6/kg of the recipient, to 2 decimals; no weight (or 0 kg): refused."""
    if weight_kg is None:
        raise ValidationFailed(
            "Serve il peso del ricevente per calcolare la dose di CD34+/kg.",
            code="weight_required",
            field="recipient_weight_kg",
        )
    weight = ensure_decimal(
        weight_kg, field="recipient_weight_kg", label="Peso del ricevente (kg)",
        maximum=MAX_WEIGHT, minimum=MIN_WEIGHT,
    )  # fmt: skip
    total = ensure_decimal(
        total_millions, field="cd34_total", label="CD34+ totali (×10^6)",
        maximum=MAX_TOTAL_MILLIONS,
    )  # fmt: skip
    return (total / weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
