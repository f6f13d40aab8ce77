"""The starting dose a pharmacogenomic recommendation asks for (pure), read from the text the
archive ships (``corsia/drugs/data/pgx/cpic_recommendations_onco.csv``, CPIC; the DPWG rows
of irinotecan in ``catalogue.jsonl``) — never typed again here, so the barrier follows the
recommendation the physician reads.

The forms the shipped texts use, each with its source row:

* "Avoid use of 5-fluorouracil or 5-fluorouracil prodrug-based regimens" (CPIC DPYD poor
  metaboliser, activity score 0 or 0.5): no dose is safe → ``avoid``;
* "Reduce starting dose by 50%" (CPIC DPYD intermediate, activity score 1 or 1.5): keep 50 %;
* "(30%-80% of normal dose)" (CPIC 2018 thiopurines, TPMT or NUDT15 intermediate with
  mercaptopurine or azathioprine), "(50% to 80% of normal dose)" (thioguanine): a range,
  complied with at or below its upper end (80 %) — and only "if normal starting dose is
  >= 75 mg/m2/day or >= 1.5 mg/kg/day" (mercaptopurine; thioguanine ">= 40-60 mg/m2/day",
  read as 40): below it CPIC says "dose reduction may not be recommended";
* "reduce daily dose by 10-fold" (TPMT poor metaboliser) → keep 10 %, "thrice weekly
  instead of daily" noted (the days are the physician's to change);
* "initiate dose at 10 mg/m2/day" (mercaptopurine, NUDT15 poor metaboliser): an absolute
  dose per m²;
* "Reduce starting doses to 25% of normal dose" (thioguanine, NUDT15 poor): keep 25 %;
* "iniziare con il 70% della dose standard" (DPWG 2022, irinotecan, UGT1A1 poor): keep 70 %.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)

_AVOID = re.compile(r"\bavoid use of\b", re.IGNORECASE)
_REDUCE_BY = re.compile(r"reduce starting dose by (\d{1,2})\s?%", re.IGNORECASE)
_TEN_FOLD = re.compile(r"reduce daily dose by 10-fold", re.IGNORECASE)
_THRICE = re.compile(r"thrice weekly", re.IGNORECASE)
_PER_M2 = re.compile(r"initiate dose at (\d{1,3}(?:\.\d{1,2})?) mg/m2/day", re.IGNORECASE)
_RANGE = re.compile(r"\((\d{1,2})%\s?(?:-|to)\s?(\d{1,2})% of normal dose\)", re.IGNORECASE)
_REDUCE_TO = re.compile(r"reduce starting doses? to (\d{1,2})% of normal dose", re.IGNORECASE)
_ONLY_ABOVE_M2 = re.compile(
    r"if normal starting dose is >= ?(\d{1,3})(?:-\d{1,3})? mg/m2/day", re.I
)
_ONLY_ABOVE_KG = re.compile(r"or >= ?(\d(?:\.\d{1,2})?) mg/kg/day", re.IGNORECASE)
_DPWG = re.compile(r"iniziare con il (\d{1,2})\s?% della dose standard", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """What the recommendation asks of the starting dose."""

    avoid: bool = False
    keep: Decimal | None = None  # fraction of the normal dose: complied with at or below it
    keep_low: Decimal | None = None  # lower end of a range ("30%-80%")
    per_m2: Decimal | None = None  # an absolute starting dose, mg/m² per day
    thrice_weekly: bool = False  # "thrice weekly instead of daily"
    # "if normal starting dose is >= 75 mg/m2/day or >= 1.5 mg/kg/day": a lower normal dose
    # needs no reduction (CPIC: "dose reduction may not be recommended")
    only_above_m2: Decimal | None = None
    only_above_kg: Decimal | None = None

    @property
    def computable(self) -> bool:
        return self.keep is not None or self.per_m2 is not None

    def describe(self) -> str:
        """The recommended dose in Italian: "50% della dose calcolata"."""
        if self.avoid:
            return "evitare il farmaco"
        if self.per_m2 is not None:
            text = f"{amount(self.per_m2)} mg/m² al giorno"
        elif self.keep is not None and self.keep_low is not None:
            text = f"{percent(self.keep_low)}–{percent(self.keep)}% della dose calcolata"
        elif self.keep is not None:
            text = f"{percent(self.keep)}% della dose calcolata"
        else:
            return ""
        if self.thrice_weekly:
            text += ", tre giorni alla settimana invece che ogni giorno"
        return text


def recommended_target(recommendation: str) -> Target | None:
    """The target the text asks for; ``None`` when it names no dose (e.g. "consider an
    alternative"): the physician reads the text."""
    if _AVOID.search(recommendation):
        return Target(avoid=True)
    thrice = bool(_THRICE.search(recommendation))
    if found := _REDUCE_BY.search(recommendation):
        return Target(keep=(HUNDRED - Decimal(found.group(1))) / HUNDRED)
    if _TEN_FOLD.search(recommendation):
        return Target(keep=Decimal("0.1"), thrice_weekly=thrice)
    if found := _PER_M2.search(recommendation):
        return Target(per_m2=Decimal(found.group(1)))
    if found := _RANGE.search(recommendation):
        low, high = sorted((Decimal(found.group(1)), Decimal(found.group(2))))
        m2 = _ONLY_ABOVE_M2.search(recommendation)
        kg = _ONLY_ABOVE_KG.search(recommendation)
        return Target(
            keep=high / HUNDRED,
            keep_low=low / HUNDRED,
            only_above_m2=Decimal(m2.group(1)) if m2 else None,
            only_above_kg=Decimal(kg.group(1)) if kg else None,
        )
    if found := _REDUCE_TO.search(recommendation) or _DPWG.search(recommendation):
        return Target(keep=Decimal(found.group(1)) / HUNDRED)
    return None


def percent(fraction: Decimal) -> str:
    return amount(fraction * HUNDRED)


def amount(value: Decimal) -> str:
    """1250 → "1250"; 22.5 → "22,5" (Italian decimal comma)."""
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP).normalize():f}"
    return text.replace(".", ",")


@dataclass(frozen=True)
class DoseLine:
    """An active line of the order with the recommendation's drug."""

    item_id: int
    day: int
    ingredient_id: int
    dose: Decimal  # the regimen's dose per unit (1250)
    dose_unit: str  # "mg/m2", "mg/kg", "mg"
    calculated_dose: Decimal  # the full computed dose (2500 mg)
    final_dose: Decimal  # what is prescribed after any reduction
    amount_unit: str  # "mg"
    decimals: int  # the regimen's rounding (``order_lines.reduced_dose``)


def line_fraction(target: Target, line: DoseLine) -> Decimal | None:
    """The fraction of the line's full dose the target allows (``None``: not computable,
    e.g. a dose per m² asked of a line dosed per kg)."""
    if target.keep is not None:
        return target.keep
    if target.per_m2 is not None and line.dose_unit == "mg/m2" and line.dose > 0:
        return min(Decimal(1), target.per_m2 / line.dose)
    return None


def recommended_amount(target: Target, line: DoseLine) -> Decimal | None:
    """The line's recommended starting dose, rounded as a reduction would round it
    (half-up to the regimen's decimals): 2500 mg × 50 % = 1250 mg."""
    fraction = line_fraction(target, line)
    if fraction is None:
        return None
    exponent = Decimal(1).scaleb(-line.decimals)
    return (line.calculated_dose * fraction).quantize(exponent, rounding=ROUND_HALF_UP)


def below_threshold(target: Target, line: DoseLine) -> bool:
    """The regimen's normal dose is already under the dose the reduction applies from
    (mercaptopurine 25 mg/m² in a maintenance phase, against "if normal starting dose is
    >= 75 mg/m2/day")."""
    if line.dose_unit == "mg/m2" and target.only_above_m2 is not None:
        return line.dose < target.only_above_m2
    if line.dose_unit == "mg/kg" and target.only_above_kg is not None:
        return line.dose < target.only_above_kg
    return False


def complies(target: Target, line: DoseLine) -> bool:
    """The prescribed dose is at or below the recommended one, or the regimen's dose is
    under the recommendation's threshold (never for ``avoid``)."""
    if target.avoid:
        return False
    if below_threshold(target, line) and line.final_dose <= line.calculated_dose:
        return True
    recommended = recommended_amount(target, line)
    return recommended is not None and line.final_dose <= recommended


def suggested_reduction(target: Target, line: DoseLine) -> Decimal | None:
    """The reduction (%) that brings the line to the recommended dose, rounded up to two
    decimals so the reduced dose is never above it (a 10 mg/m² target on 75 mg/m²:
    86,67 %); the range's upper end (the least reduction that complies). ``None``: no dose
    to suggest (avoid, not computable)."""
    if target.avoid:
        return None
    fraction = line_fraction(target, line)
    if fraction is None or fraction >= 1:
        return None
    return ((Decimal(1) - fraction) * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
