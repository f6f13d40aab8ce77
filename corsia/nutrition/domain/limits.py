"""Per-kg limits by age band, as data the pharmacy maintains
(``corsia/nutrition/data/limits.csv``): for each band and parameter an optional minimum
and maximum per kg per day (the glucose infusion rate per kg per minute) and whether
going beyond warns or blocks. The sources are the ESPGHAN/ESPEN/ESPR/CSPEN 2018
guidelines on paediatric parenteral nutrition (Clin Nutr 2018;37:2309-2429) and, for
adults, the ESPEN guideline on clinical nutrition in the ICU (Clin Nutr 2019;38:48-79)
and ASPEN's safe practices (JPEN 2004;28:S39-70); each row names its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed


class Band(StrEnum):
    NEONATE_PRETERM = "neonate_preterm"
    NEONATE_TERM = "neonate_term"
    INFANT = "infant"
    CHILD = "child"
    ADOLESCENT = "adolescent"
    ADULT = "adult"


BAND_LABELS: Mapping[Band, str] = {
    Band.NEONATE_PRETERM: "Neonato pretermine",
    Band.NEONATE_TERM: "Neonato a termine",
    Band.INFANT: "Lattante",
    Band.CHILD: "Bambino",
    Band.ADOLESCENT: "Adolescente",
    Band.ADULT: "Adulto",
}


class Action(StrEnum):
    WARN = "warn"
    BLOCK = "block"


PARAMETERS: Mapping[str, str] = {
    "water_ml_kg": "Acqua (mL/kg/die)",
    "energy_kcal_kg": "Energia (kcal/kg/die)",
    "amino_acids_g_kg": "Aminoacidi (g/kg/die)",
    "glucose_mg_kg_min": "Glucosio (mg/kg/min)",
    "lipid_g_kg": "Lipidi (g/kg/die)",
    "sodium_mmol_kg": "Sodio (mmol/kg/die)",
    "potassium_mmol_kg": "Potassio (mmol/kg/die)",
    "calcium_mmol_kg": "Calcio (mmol/kg/die)",
    "phosphate_mmol_kg": "Fosfato (mmol/kg/die)",
    "magnesium_mmol_kg": "Magnesio (mmol/kg/die)",
}

NEONATAL_DAYS = 28
DAYS_PER_YEAR = Decimal("365.25")


def band_for(*, age_days: Decimal, preterm: bool) -> Band:
    """Neonate: the first 28 days (preterm if born before 37 weeks, as the prescriber
    states); infant to the first birthday; child to 12 years; adolescent to 18."""
    if age_days < NEONATAL_DAYS:
        return Band.NEONATE_PRETERM if preterm else Band.NEONATE_TERM
    years = age_days / DAYS_PER_YEAR
    if years < 1:
        return Band.INFANT
    if years < 12:
        return Band.CHILD
    if years < 18:
        return Band.ADOLESCENT
    return Band.ADULT


@dataclass(frozen=True)
class Limit:
    band: Band
    parameter: str
    minimum: Decimal | None
    maximum: Decimal | None
    action: Action
    source: str


Limits = Mapping[Band, Mapping[str, Limit]]


def _bound(text: str | None, where: str) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(f"{where}: limite non numerico.", code="limits_invalid") from None
    if not value.is_finite() or value < 0:
        raise ValidationFailed(f"{where}: limite non valido.", code="limits_invalid")
    return value


def limits_from_rows(rows: Iterable[Mapping[str, str]]) -> dict[Band, dict[str, Limit]]:
    limits: dict[Band, dict[str, Limit]] = {}
    for row in rows:
        where = f"Limite {row.get('band')}/{row.get('parameter')}"
        try:
            band = Band((row.get("band") or "").strip())
            action = Action((row.get("action") or "").strip())
        except ValueError:
            raise ValidationFailed(
                f"{where}: fascia o azione sconosciuta.", code="limits_invalid"
            ) from None
        parameter = (row.get("parameter") or "").strip()
        if parameter not in PARAMETERS:
            raise ValidationFailed(f"{where}: parametro sconosciuto.", code="limits_invalid")
        minimum = _bound(row.get("minimum"), where)
        maximum = _bound(row.get("maximum"), where)
        if minimum is not None and maximum is not None and minimum > maximum:
            raise ValidationFailed(f"{where}: minimo oltre il massimo.", code="limits_invalid")
        if parameter in limits.get(band, {}):
            raise ValidationFailed(f"{where}: riga duplicata.", code="limits_invalid")
        limits.setdefault(band, {})[parameter] = Limit(
            band=band,
            parameter=parameter,
            minimum=minimum,
            maximum=maximum,
            action=action,
            source=(row.get("source") or "").strip(),
        )
    return limits
