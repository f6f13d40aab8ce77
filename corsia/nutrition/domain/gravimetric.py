"""The gravimetric check of a compounded bag: the filled bag weighed against the weight
its composition should have.

    expected net weight (g) = Σ component volume (mL) × its density (g/mL)
    measured net weight (g) = measured gross weight of the filled bag − tare of the empty bag
    deviation % = (measured net − expected net) × 100 ÷ expected net

Within ± the hospital's tolerance (inclusive) the bag passes. The densities are the
pharmacy's data (``data/densities.csv``), each with its source and its status (``fonte``
or ``da verificare``); a check that used a density still to be verified says so. The
comparison itself is the compounding unit's pure check (``gravimetric_check`` on the total
basis, tare zero: the net weights are compared).

What a total weighing cannot see: on a 2 L bag a ±5 % tolerance is 100 g, more than a
missing electrolyte vial. The compounder's per-addition weighing does that; this check
catches a missing or doubled bulk component (amino acids, glucose, lipids, water).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from corsia.compounding.domain.gravimetric import (
    Component as WeighedComponent,
)
from corsia.compounding.domain.gravimetric import (
    GravimetricResult,
    gravimetric_check,
)
from corsia.compounding.domain.product import it_number
from corsia.core.domain.errors import ValidationFailed

TO_VERIFY = "da verificare"
SOURCED = "fonte"
MAX_GRAMS = Decimal(20000)
GRAM_STEP = Decimal("0.01")  # weights are recorded to the hundredth of a gram


@dataclass(frozen=True)
class Density:
    code: str
    g_ml: Decimal
    status: str  # SOURCED | TO_VERIFY
    source: str

    @property
    def to_verify(self) -> bool:
        return self.status == TO_VERIFY


def densities_from_rows(rows: Iterable[Mapping[str, str]]) -> dict[str, Density]:
    """The densities keyed by component code; a malformed row refused
    (``densities_invalid``), naming the row."""
    table: dict[str, Density] = {}
    for row in rows:
        code = (row.get("code") or "").strip()
        text = (row.get("density_g_ml") or "").strip()
        status = (row.get("status") or "").strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal(0)
        if not code or not value.is_finite() or not Decimal("0.5") <= value <= Decimal(3):
            raise ValidationFailed(
                f"Densità {code or '?'}: valore non valido ({text!r}).", code="densities_invalid"
            )
        if status not in (SOURCED, TO_VERIFY) or code in table:
            raise ValidationFailed(
                f"Densità {code}: stato sconosciuto o codice duplicato.", code="densities_invalid"
            )
        table[code] = Density(code, value, status, (row.get("source") or "").strip())
    return table


@dataclass(frozen=True)
class BagPart:
    """One component of the bag: its catalogue code, name and volume (mL)."""

    code: str
    name: str
    volume_ml: Decimal


@dataclass(frozen=True)
class BagWeighing:
    expected_net_g: Decimal
    measured_net_g: Decimal
    gross_g: Decimal
    tare_g: Decimal
    deviation_g: Decimal
    deviation_percent: Decimal
    tolerance_percent: Decimal
    passed: bool
    to_verify: tuple[str, ...]  # codes whose density is still an estimate

    @property
    def message(self) -> str:
        verdict = "entro" if self.passed else "FUORI"
        text = (
            f"Peso netto {it_number(self.measured_net_g)} g (lordo {it_number(self.gross_g)} − "
            f"tara {it_number(self.tare_g)}), atteso {it_number(self.expected_net_g)} g: "
            f"scostamento {it_number(self.deviation_percent)} %, {verdict} tolleranza "
            f"±{it_number(self.tolerance_percent)} %."
        )
        if self.to_verify:
            text += f" Densità da verificare: {', '.join(self.to_verify)}."
        return text


def _weighed(parts: Sequence[BagPart], densities: Mapping[str, Density]) -> list[WeighedComponent]:
    missing = sorted({p.code for p in parts if p.code not in densities})
    if missing:
        raise ValidationFailed(
            "Densità non in archivio per: " + ", ".join(missing) + ". La Farmacia la aggiunge "
            "ai dati prima del controllo gravimetrico.",
            code="density_unknown",
            details={"codes": missing},
        )
    return [WeighedComponent(p.name, p.volume_ml, densities[p.code].g_ml, False) for p in parts]


def expected_net_weight(parts: Sequence[BagPart], densities: Mapping[str, Density]) -> Decimal:
    """Σ volume × density, unrounded (``density_unknown`` when a component has none)."""
    return sum((c.weight_g for c in _weighed(parts, densities)), Decimal(0))


def _grams(value: Decimal, field: str, *, zero_ok: bool) -> Decimal:
    if not value.is_finite() or value < 0 or (value == 0 and not zero_ok) or value > MAX_GRAMS:
        raise ValidationFailed(
            "Peso non valido: grammi, maggiore di zero e al massimo 20 kg.",
            code="weight_g_out_of_range",
            field=field,
        )
    return value.quantize(GRAM_STEP, ROUND_HALF_UP)


def bag_weighing(
    *,
    parts: Sequence[BagPart],
    densities: Mapping[str, Density],
    gross_g: Decimal,
    tare_g: Decimal,
    tolerance_percent: Decimal,
) -> BagWeighing:
    """The filled bag's net weight against the expected one. Refusals (nothing weighed):
    ``weight_g_out_of_range``, ``tare_not_below_gross``, ``density_unknown``."""
    gross = _grams(gross_g, "gross_g", zero_ok=False)
    tare = _grams(tare_g, "tare_g", zero_ok=True)
    if tare >= gross:
        raise ValidationFailed(
            "La tara deve essere minore del peso lordo della sacca piena.",
            code="tare_not_below_gross",
            field="tare_g",
        )
    if not parts:
        raise ValidationFailed("La sacca non ha componenti.", code="components_required")
    result: GravimetricResult = gravimetric_check(
        tare_g=Decimal(0),
        components=_weighed(parts, densities),
        measured_g=gross - tare,
        tolerance_percent=tolerance_percent,
    )
    return BagWeighing(
        expected_net_g=result.expected_g,
        measured_net_g=gross - tare,
        gross_g=gross,
        tare_g=tare,
        deviation_g=result.deviation_g,
        deviation_percent=result.deviation_percent,
        tolerance_percent=tolerance_percent,
        passed=result.passed,
        to_verify=tuple(sorted({p.code for p in parts if densities[p.code].to_verify})),
    )
