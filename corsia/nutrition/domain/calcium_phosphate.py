"""Calcium-phosphate compatibility against product-specific solubility limits held as data
(``corsia/nutrition/data/calcium_phosphate.csv``, maintained by the pharmacy).

For each pair of salts (phosphate organic — glycerophosphate — or inorganic; calcium
gluconate or chloride) a piecewise-linear curve of points (phosphate mmol/L, highest
calcium mmol/L) read off a published precipitation curve or the manufacturer's limits.
The verdict compares the mixture's calcium and phosphate concentrations in its aqueous
phase (the volume without the lipid emulsion, where the salts precipitate; the curves
are measured on the aqueous admixture):

    maximum calcium at P = Ca_i + (Ca_{i+1} - Ca_i) * (P - P_i) / (P_{i+1} - P_i)
    for P_i <= P <= P_{i+1}; below the first point the first point's calcium; beyond the
    last point no calcium is compatible ("beyond the curve").

The worst salts present decide the curve: any inorganic phosphate makes the pair
inorganic, any calcium chloride makes it chloride (calcium chloride dissociates more and
precipitates sooner than the gluconate: Henry RS et al. Am J Hosp Pharm 1980;37:673-4).
A pair without a curve is not guessed: it blocks. The shipped data hold the organic
phosphate curve of Bouchoud L et al. (JPEN 2010;34:542-5: no precipitation up to
50 mmol/L of calcium and of glycerophosphate).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.nutrition.domain.catalogue import CALCIUM_SALTS, PHOSPHATE_SALTS

SaltPair = tuple[str, str]  # (phosphate salt, calcium salt)


class Verdict(StrEnum):
    NOT_APPLICABLE = "not_applicable"  # calcium or phosphate absent
    COMPATIBLE = "compatible"
    PRECIPITATION = "precipitation"  # beyond the curve
    NO_CURVE = "no_curve"  # no limits for this pair of salts


@dataclass(frozen=True)
class Curve:
    salts: SaltPair
    points: tuple[tuple[Decimal, Decimal], ...]  # (phosphate mmol/L, max calcium mmol/L)
    source: str

    def max_calcium(self, phosphate_mmol_l: Decimal) -> Decimal:
        first_p, first_ca = self.points[0]
        if phosphate_mmol_l <= first_p:
            return first_ca
        for (p0, ca0), (p1, ca1) in zip(self.points, self.points[1:], strict=False):
            if p0 <= phosphate_mmol_l <= p1:
                if p1 == p0:
                    return min(ca0, ca1)
                return ca0 + (ca1 - ca0) * (phosphate_mmol_l - p0) / (p1 - p0)
        return Decimal(0)


Curves = Mapping[SaltPair, Curve]


@dataclass(frozen=True)
class CalciumPhosphate:
    verdict: Verdict
    calcium_mmol_l: Decimal
    phosphate_mmol_l: Decimal
    salts: SaltPair | None
    max_calcium_mmol_l: Decimal | None
    source: str


def verdict(
    *,
    calcium_mmol: Decimal,
    phosphate_mmol: Decimal,
    aqueous_volume_ml: Decimal,
    salts: SaltPair | None,
    curves: Curves,
) -> CalciumPhosphate:
    if aqueous_volume_ml <= 0 or calcium_mmol <= 0 or phosphate_mmol <= 0 or salts is None:
        ca = calcium_mmol * 1000 / aqueous_volume_ml if aqueous_volume_ml > 0 else Decimal(0)
        p = phosphate_mmol * 1000 / aqueous_volume_ml if aqueous_volume_ml > 0 else Decimal(0)
        return CalciumPhosphate(Verdict.NOT_APPLICABLE, ca, p, salts, None, "")
    ca = calcium_mmol * 1000 / aqueous_volume_ml
    p = phosphate_mmol * 1000 / aqueous_volume_ml
    curve = curves.get(salts)
    if curve is None:
        return CalciumPhosphate(Verdict.NO_CURVE, ca, p, salts, None, "")
    maximum = curve.max_calcium(p)
    result = Verdict.COMPATIBLE if ca <= maximum else Verdict.PRECIPITATION
    return CalciumPhosphate(result, ca, p, salts, maximum, curve.source)


def _number(text: str | None, where: str) -> Decimal:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        raise ValidationFailed(f"{where}: valore non numerico.", code="curves_invalid") from None
    if not value.is_finite() or value < 0:
        raise ValidationFailed(f"{where}: valore non valido.", code="curves_invalid")
    return value


def curves_from_rows(rows: Iterable[Mapping[str, str]]) -> dict[SaltPair, Curve]:
    points: dict[SaltPair, list[tuple[Decimal, Decimal]]] = {}
    sources: dict[SaltPair, list[str]] = {}
    for row in rows:
        salts = ((row.get("phosphate_salt") or "").strip(), (row.get("calcium_salt") or "").strip())
        where = f"Curva calcio-fosfato {salts[0]}/{salts[1]}"
        if salts[0] not in PHOSPHATE_SALTS or salts[1] not in CALCIUM_SALTS:
            raise ValidationFailed(f"{where}: sali sconosciuti.", code="curves_invalid")
        point = (
            _number(row.get("phosphate_mmol_l"), where),
            _number(row.get("max_calcium_mmol_l"), where),
        )
        points.setdefault(salts, []).append(point)
        source = (row.get("source") or "").strip()
        if source and source not in sources.setdefault(salts, []):
            sources[salts].append(source)
    curves: dict[SaltPair, Curve] = {}
    for salts, pts in points.items():
        ordered: Sequence[tuple[Decimal, Decimal]] = sorted(pts)
        curves[salts] = Curve(salts, tuple(ordered), "; ".join(sources.get(salts, [])))
    return curves
