"""The checks of a bag, each with a stable code (``Finding.code``), and the one call that
composes and checks it (``assess``).

- ``peripheral_osmolarity_exceeded`` (block): peripheral route above the limit
  (900 mOsm/L by default: Mirtallo J et al. Safe practices for parenteral nutrition.
  JPEN 2004;28:S39-70).
- ``calcium_phosphate_precipitation`` (block): beyond the solubility curve;
  ``calcium_phosphate_no_curve`` (block): calcium and phosphate together with a pair of
  salts the pharmacy holds no curve for (``calcium_phosphate``).
- ``per_kg_above_maximum`` / ``per_kg_below_minimum`` (warn or block, as the limits'
  data say), with the ``parameter``; ``limits_missing`` (warn) when the age band has no
  limits at all.
- ``osmolarity_not_labelled`` (warn): a component without a labelled osmolarity was
  counted as 0 mOsm/L.
- refusals (``ValidationFailed``, nothing computed): ``weight_missing``,
  ``weight_stale`` (measured longer ago than the setting), ``weight_out_of_range``,
  ``age_missing``, ``age_ambiguous``, ``age_out_of_range``, ``component_unknown``,
  ``unit_not_applicable``, ``amount_not_positive``, ``amount_out_of_range``,
  ``infusion_hours_out_of_range``, ``components_required``, ``volume_out_of_range``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed
from corsia.nutrition.domain.calcium_phosphate import CalciumPhosphate, Curves, SaltPair, Verdict
from corsia.nutrition.domain.calcium_phosphate import verdict as ca_p_verdict
from corsia.nutrition.domain.catalogue import Catalogue
from corsia.nutrition.domain.composition import Composition, Item, compose
from corsia.nutrition.domain.limits import (
    DAYS_PER_YEAR,
    PARAMETERS,
    Action,
    Band,
    Limits,
    band_for,
)

PERIPHERAL_MAX_MOSM_L = Decimal(900)
MAX_AGE_DAYS = Decimal(130) * DAYS_PER_YEAR


class Route(StrEnum):
    CENTRAL = "central"
    PERIPHERAL = "peripheral"


class Severity(StrEnum):
    WARN = "warn"
    BLOCK = "block"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    parameter: str | None = None
    value: Decimal | None = None
    limit: Decimal | None = None


@dataclass(frozen=True)
class Patient:
    weight_kg: Decimal | None
    route: Route
    age_days: Decimal | None = None
    age_years: Decimal | None = None
    preterm: bool = False
    weight_measured_on: date | None = None


@dataclass(frozen=True)
class Settings:
    peripheral_max_mosm_l: Decimal = PERIPHERAL_MAX_MOSM_L
    weight_max_age_days: int = 7


@dataclass(frozen=True)
class Assessment:
    composition: Composition
    band: Band
    route: Route
    calcium_phosphate: CalciumPhosphate
    findings: tuple[Finding, ...]

    @property
    def blocked(self) -> bool:
        return any(f.severity is Severity.BLOCK for f in self.findings)


def age_in_days(age_days: Decimal | None, age_years: Decimal | None) -> Decimal:
    if age_days is None and age_years is None:
        raise ValidationFailed(
            "Indica l'età in giorni o in anni.", code="age_missing", field="age_days"
        )
    if age_days is not None and age_years is not None:
        raise ValidationFailed(
            "Indica l'età in giorni oppure in anni, non entrambe.",
            code="age_ambiguous",
            field="age_days",
        )
    days = age_days if age_days is not None else age_years * DAYS_PER_YEAR  # type: ignore[operator]  # one of the two is set
    if not days.is_finite() or not Decimal(0) <= days <= MAX_AGE_DAYS:
        raise ValidationFailed(
            "Età fuori dall'intervallo ammesso.",
            code="age_out_of_range",
            field="age_days" if age_days is not None else "age_years",
        )
    return days


def check_weight_age(measured_on: date | None, *, today: date, max_age_days: int) -> None:
    """A weight measured longer ago than the setting is refused; one from the future too."""
    if measured_on is None:
        return
    age = (today - measured_on).days
    if age > max_age_days or age < 0:
        raise ValidationFailed(
            f"Il peso è del {measured_on.isoformat()}: serve un peso degli ultimi "
            f"{max_age_days} giorni.",
            code="weight_stale",
            field="weight_measured_on",
        )


def _salts(composition: Composition) -> SaltPair | None:
    phosphate = {
        p.component.phosphate_salt
        for p in composition.parts
        if p.component.per_ml("phosphate_mmol")
    }
    calcium = {
        p.component.calcium_salt for p in composition.parts if p.component.per_ml("calcium_mmol")
    }
    if not phosphate or not calcium:
        return None
    p_salt = "inorganic" if "inorganic" in phosphate or None in phosphate else "organic"
    ca_salt = "chloride" if "chloride" in calcium or None in calcium else "gluconate"
    return (p_salt, ca_salt)


def _it(value: Decimal, places: int) -> str:
    """A number as an Italian message writes it (decimal comma)."""
    return f"{value:.{places}f}".replace(".", ",")


def _limit_findings(composition: Composition, band: Band, limits: Limits) -> list[Finding]:
    band_limits = limits.get(band)
    if not band_limits:
        return [
            Finding(
                "limits_missing",
                Severity.WARN,
                "Nessun limite per kg configurato per questa fascia d'età.",
            )
        ]
    findings = []
    for parameter, limit in band_limits.items():
        value = composition.per_kg.get(parameter)
        if value is None:
            continue
        severity = Severity.BLOCK if limit.action is Action.BLOCK else Severity.WARN
        label = PARAMETERS[parameter]
        # the side of the bound that is beyond it: +1 above the maximum, -1 below the minimum
        for code, bound, side, words in (
            ("per_kg_above_maximum", limit.maximum, 1, "oltre il massimo"),
            ("per_kg_below_minimum", limit.minimum, -1, "sotto il minimo"),
        ):
            if bound is not None and side * (value - bound) > 0:
                findings.append(
                    Finding(
                        code,
                        severity,
                        f"{label}: {_it(value, 2)} {words} di {_it(bound, 2)}.",
                        parameter,
                        value,
                        bound,
                    )
                )
    return findings


def assess(
    *,
    patient: Patient,
    items: Sequence[Item],
    infusion_hours: Decimal,
    catalogue: Catalogue,
    limits: Limits,
    curves: Curves,
    today: date,
    settings: Settings = Settings(),
) -> Assessment:
    """Compose the bag and check it; refusals raise ``ValidationFailed``."""
    days = age_in_days(patient.age_days, patient.age_years)
    if patient.weight_kg is None:
        raise ValidationFailed(
            "Il peso del paziente è necessario per la nutrizione parenterale.",
            code="weight_missing",
            field="weight_kg",
        )
    check_weight_age(
        patient.weight_measured_on, today=today, max_age_days=settings.weight_max_age_days
    )
    composition = compose(
        items=items, catalogue=catalogue, weight_kg=patient.weight_kg, infusion_hours=infusion_hours
    )
    band = band_for(age_days=days, preterm=patient.preterm)
    findings: list[Finding] = []
    osmolarity = composition.osmolarity_mosm_l
    if patient.route is Route.PERIPHERAL and osmolarity > settings.peripheral_max_mosm_l:
        findings.append(
            Finding(
                "peripheral_osmolarity_exceeded",
                Severity.BLOCK,
                f"Osmolarità {osmolarity:.0f} mOsm/L oltre {settings.peripheral_max_mosm_l} "
                "mOsm/L: non infondibile in vena periferica.",
                "osmolarity_mosm_l",
                osmolarity,
                settings.peripheral_max_mosm_l,
            )
        )
    ca_p = ca_p_verdict(
        calcium_mmol=composition.nutrients["calcium_mmol"],
        phosphate_mmol=composition.nutrients["phosphate_mmol"],
        aqueous_volume_ml=composition.aqueous_volume_ml,
        salts=_salts(composition),
        curves=curves,
    )
    if ca_p.verdict is Verdict.PRECIPITATION:
        findings.append(
            Finding(
                "calcium_phosphate_precipitation",
                Severity.BLOCK,
                f"Calcio {_it(ca_p.calcium_mmol_l, 1)} mmol/L con fosfato "
                f"{_it(ca_p.phosphate_mmol_l, 1)} mmol/L: oltre la curva di solubilità "
                "(rischio di precipitato).",
                "calcium_mmol_l",
                ca_p.calcium_mmol_l,
                ca_p.max_calcium_mmol_l,
            )
        )
    elif ca_p.verdict is Verdict.NO_CURVE:
        findings.append(
            Finding(
                "calcium_phosphate_no_curve",
                Severity.BLOCK,
                "Calcio e fosfato insieme con sali per cui la Farmacia non ha una curva di "
                "solubilità.",
            )
        )
    findings.extend(_limit_findings(composition, band, limits))
    for code in composition.unlabelled_osmolarity:
        findings.append(
            Finding(
                "osmolarity_not_labelled",
                Severity.WARN,
                f"{code}: osmolarità non dichiarata, contata come 0 mOsm/L.",
                code,
            )
        )
    return Assessment(composition, band, patient.route, ca_p, tuple(findings))
