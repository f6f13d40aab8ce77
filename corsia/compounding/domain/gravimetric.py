"""Gravimetric check: weigh the finished preparation against its expected weight.

expected weight (g) = tare of the empty container + sum of volume (mL) * density (g/mL)
of every component: the drug drawn and the diluent (a bag's content is its nominal
volume plus its declared overfill).

The deviation is reported two ways: as a percentage of the expected total weight
(``deviation_percent``) and as a percentage of the expected weight of the drug alone
(``drug_deviation_percent``). The tolerance (default ±5 %) applies to the chosen
``basis``: ``TOTAL`` (the default) or ``DRUG``. On a large bag a ±5 % total tolerance
cannot see a missing small drug volume (10 mL in a 250 mL bag is under 4 %): hospitals
that weigh the bag before the addition should check on the ``DRUG`` basis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from corsia.compounding.domain.product import it_number
from corsia.core.domain.errors import ValidationFailed

DEFAULT_TOLERANCE_PERCENT = Decimal(5)
WEIGHT_STEP = Decimal("0.01")
PERCENT_STEP = Decimal("0.01")


class GravimetricInputInvalid(ValidationFailed):
    code = "gravimetric_input_invalid"


class ToleranceBasis(StrEnum):
    TOTAL = "total"
    DRUG = "drug"


@dataclass(frozen=True)
class Component:
    label: str
    volume_ml: Decimal
    density_g_ml: Decimal
    is_drug: bool

    def __post_init__(self) -> None:
        if self.volume_ml < 0:
            raise GravimetricInputInvalid(
                f"{self.label}: il volume non può essere negativo.", field="volume_ml"
            )
        if self.density_g_ml <= 0:
            raise GravimetricInputInvalid(
                f"{self.label}: la densità deve essere maggiore di zero.", field="density_g_ml"
            )

    @property
    def weight_g(self) -> Decimal:
        return self.volume_ml * self.density_g_ml


@dataclass(frozen=True)
class GravimetricResult:
    expected_g: Decimal
    measured_g: Decimal
    deviation_g: Decimal
    deviation_percent: Decimal
    drug_deviation_percent: Decimal | None
    tolerance_percent: Decimal
    basis: ToleranceBasis
    passed: bool

    @property
    def message(self) -> str:
        shown = (
            self.deviation_percent
            if self.basis is ToleranceBasis.TOTAL or self.drug_deviation_percent is None
            else self.drug_deviation_percent
        )
        verdict = "entro" if self.passed else "FUORI"
        return (
            f"Peso {it_number(self.measured_g)} g, atteso {it_number(self.expected_g)} g: "
            f"scostamento {it_number(shown)} %, {verdict} tolleranza "
            f"±{it_number(self.tolerance_percent)} %."
        )


def expected_weight(*, tare_g: Decimal, components: Sequence[Component]) -> Decimal:
    if tare_g < 0:
        raise GravimetricInputInvalid("La tara non può essere negativa.", field="tare_g")
    if not components:
        raise GravimetricInputInvalid(
            "Serve almeno un componente della preparazione.", field="components"
        )
    return tare_g + sum((c.weight_g for c in components), Decimal(0))


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(PERCENT_STEP, ROUND_HALF_UP)


def gravimetric_check(
    *,
    tare_g: Decimal,
    components: Sequence[Component],
    measured_g: Decimal,
    tolerance_percent: Decimal = DEFAULT_TOLERANCE_PERCENT,
    basis: ToleranceBasis = ToleranceBasis.TOTAL,
) -> GravimetricResult:
    """Compare the weighed preparation with its expected weight."""
    if measured_g <= 0:
        raise GravimetricInputInvalid(
            "Il peso misurato deve essere maggiore di zero.", field="measured_g"
        )
    if not Decimal(0) < tolerance_percent < Decimal(100):
        raise GravimetricInputInvalid(
            "La tolleranza deve essere tra 0 e 100 %.", field="tolerance_percent"
        )
    expected = expected_weight(tare_g=tare_g, components=components)
    if expected <= 0:
        raise GravimetricInputInvalid(
            "Il peso atteso è zero: controllare volumi e tara.", field="components"
        )
    drug_weight = sum((c.weight_g for c in components if c.is_drug), Decimal(0))
    if basis is ToleranceBasis.DRUG and drug_weight <= 0:
        raise GravimetricInputInvalid(
            "Controllo sul solo farmaco senza componenti di farmaco.", field="components"
        )
    deviation = measured_g - expected
    total_percent = _percent(deviation, expected)
    drug_percent = _percent(deviation, drug_weight) if drug_weight > 0 else None
    base = expected if basis is ToleranceBasis.TOTAL else drug_weight
    return GravimetricResult(
        expected_g=expected.quantize(WEIGHT_STEP, ROUND_HALF_UP),
        measured_g=measured_g,
        deviation_g=deviation.quantize(WEIGHT_STEP, ROUND_HALF_UP),
        deviation_percent=total_percent,
        drug_deviation_percent=drug_percent,
        tolerance_percent=tolerance_percent,
        basis=basis,
        passed=abs(deviation) * 100 <= tolerance_percent * base,
    )
