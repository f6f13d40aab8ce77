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


# ---------------------------------------------------------------- the drug's own mass
# The bag is weighed before and after the addition; the difference is the mass of drug
# actually added, compared with volume drawn x density of the drug's solution. On this
# basis a 2 mL vincristine omitted (0 g) or doubled (4 g) fails, where a ±5 % check on a
# 50 mL bag's total (about 52 g) would pass both.


@dataclass(frozen=True)
class DrugAddition:
    """One drug solution added to the bag: volume drawn and its density.

    ``density_g_ml`` is ``None`` when the archive has none; ``assume_unit_density`` (a
    hospital setting) then allows 1 g/mL, and the result says it was assumed.
    """

    label: str
    volume_ml: Decimal
    density_g_ml: Decimal | None


@dataclass(frozen=True)
class DrugMassResult:
    before_g: Decimal
    after_g: Decimal
    added_g: Decimal
    expected_added_g: Decimal
    deviation_g: Decimal
    deviation_percent: Decimal
    tolerance_percent: Decimal
    density_assumed: bool
    passed: bool

    @property
    def message(self) -> str:
        verdict = "entro" if self.passed else "FUORI"
        text = (
            f"Farmaco aggiunto {it_number(self.added_g)} g "
            f"({it_number(self.before_g)} → {it_number(self.after_g)} g), atteso "
            f"{it_number(self.expected_added_g)} g: scostamento "
            f"{it_number(self.deviation_percent)} %, {verdict} tolleranza "
            f"±{it_number(self.tolerance_percent)} %."
        )
        if self.density_assumed:
            text += " Densità assunta 1 g/mL (impostazione dell'ospedale)."
        return text


def drug_mass_check(
    *,
    before_g: Decimal,
    after_g: Decimal,
    additions: Sequence[DrugAddition],
    tolerance_percent: Decimal = DEFAULT_TOLERANCE_PERCENT,
    assume_unit_density: bool = False,
) -> DrugMassResult:
    """Weighed mass added (after - before) against Σ volume x density of the drug drawn.

    A missing density is refused (``density_unknown``) unless the hospital allows
    assuming 1 g/mL; the tolerance (inclusive) applies to the expected added mass.
    """
    if before_g <= 0 or after_g <= 0:
        raise GravimetricInputInvalid(
            "Il peso della sacca prima e dopo l'aggiunta deve essere maggiore di zero.",
            field="measured_g" if after_g <= 0 else "before_g",
        )
    if not Decimal(0) < tolerance_percent < Decimal(100):
        raise GravimetricInputInvalid(
            "La tolleranza deve essere tra 0 e 100 %.", field="tolerance_percent"
        )
    if not additions:
        raise GravimetricInputInvalid(
            "Nessun farmaco prelevato: niente da pesare.", field="components"
        )
    expected = Decimal(0)
    assumed = False
    for addition in additions:
        if addition.volume_ml < 0:
            raise GravimetricInputInvalid(
                f"{addition.label}: il volume non può essere negativo.", field="volume_ml"
            )
        density = addition.density_g_ml
        if density is None:
            if not assume_unit_density:
                raise GravimetricInputInvalid(
                    f"{addition.label}: densità non in archivio. Inserirla nel medicinale "
                    "(o abilitare la densità 1 g/mL nelle impostazioni dell'ospedale).",
                    code="density_unknown",
                    field="density_g_ml",
                )
            density, assumed = Decimal(1), True
        if density <= 0:
            raise GravimetricInputInvalid(
                f"{addition.label}: la densità deve essere maggiore di zero.",
                field="density_g_ml",
            )
        expected += addition.volume_ml * density
    if expected <= 0:
        raise GravimetricInputInvalid(
            "Massa attesa del farmaco zero: controllare i volumi.", field="components"
        )
    added = after_g - before_g
    deviation = added - expected
    return DrugMassResult(
        before_g=before_g,
        after_g=after_g,
        added_g=added,
        expected_added_g=expected.quantize(Decimal("0.001"), ROUND_HALF_UP),
        deviation_g=deviation.quantize(WEIGHT_STEP, ROUND_HALF_UP),
        deviation_percent=_percent(deviation, expected),
        tolerance_percent=tolerance_percent,
        density_assumed=assumed,
        passed=abs(deviation) * 100 <= tolerance_percent * expected,
    )
