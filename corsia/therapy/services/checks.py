"""The checks a ward prescription passes before it is signed, as chemotherapy's where they
apply: maximum single dose (drug archive), maximum daily dose over every active
prescription of the ingredient (``data/daily_maxima.csv``), renal function, allergies
(patients' allergy selectors, prescribing's pure override rules), interactions with
everything active in the period — the ward's other prescriptions, the chemotherapy
lines of the patient's orders and the home therapy (prescribing's current-drugs readers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils import timezone

from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.domain.interactions import Severity
from corsia.drugs.selectors import interactions_among
from corsia.patients.domain.allergies import AllergyMatch, DrugFacts, allergy_matches
from corsia.patients.selectors import allergy_summary, patient_record
from corsia.prescribing.current_drugs import WARD, patient_current_drugs
from corsia.prescribing.domain.allergy_check import ensure_allergies_cleared
from corsia.prescribing.domain.patient import Sex
from corsia.prescribing.domain.quantity import Quantity, amount_unit
from corsia.prescribing.domain.renal import cockcroft_gault
from corsia.prescribing.dosing_basis import age_years, latest_measures
from corsia.therapy.domain import limits
from corsia.therapy.domain.schedule import Frequency, Plan, doses_per_day
from corsia.therapy.models import PrescriptionStatus, WardPrescription

DAILY_MAXIMA_CSV = Path(__file__).resolve().parent.parent / "data" / "daily_maxima.csv"
INTERACTION_CONTRAINDICATED = "interaction_contraindicated"
INTERACTION_MAJOR = "interaction_major"
# an as-needed or until-stopped drug: the chemotherapy of the four weeks ahead counts, and
# that of the week before (still in the body)
OPEN_WINDOW_DAYS = 28
LOOKBACK_DAYS = 7


@cache
def daily_maxima() -> dict[str, limits.DailyMaximum]:
    return limits.daily_maxima_from_csv(DAILY_MAXIMA_CSV.read_text(encoding="utf-8"))


@dataclass
class CheckResult:
    blocks: list[limits.Block] = field(default_factory=list)
    warnings: list[limits.Warning] = field(default_factory=list)
    allergy_matches: list[AllergyMatch] = field(default_factory=list)
    interactions: list[dict[str, Any]] = field(default_factory=list)


def period(plan: Plan) -> tuple[date, date]:
    last = plan.last_day()
    first = plan.start_date - timedelta(days=LOOKBACK_DAYS)
    return first, last if last is not None else plan.start_date + timedelta(days=OPEN_WINDOW_DAYS)


def _active_by(last: date) -> Q:
    """The ward prescriptions active and started by ``last``: each counts for the whole
    period (one ending before it began is suspended or replaced by then, or short enough
    to be counted on the safe side)."""
    return Q(status=PrescriptionStatus.ACTIVE, start_date__lte=last)


def _max_single(ingredient: Any) -> Quantity | None:
    if ingredient.max_single_dose is None or not ingredient.max_single_dose_unit:
        return None
    try:
        return Quantity(ingredient.max_single_dose, amount_unit(ingredient.max_single_dose_unit))
    except ValidationFailed:  # a limit per m² or kg: not a single-dose ceiling here
        return None


def clearance_ml_min(patient_id: int, *, today: date) -> Decimal | None:
    """Cockcroft–Gault from the latest weight and serum creatinine (``None`` without them)."""
    latest = latest_measures(patient_id)
    if latest.weight_kg is None or latest.creatinine is None or latest.creatinine.value <= 0:
        return None
    patient = patient_record(patient_id=patient_id)
    return cockcroft_gault(
        sex=Sex(patient.sex),
        age_years=age_years(patient.date_of_birth, today),
        weight_kg=latest.weight_kg.value,
        serum_creatinine_mg_dl=latest.creatinine.value,
    ).value


def drug_facts(ingredient: Any) -> DrugFacts:
    return DrugFacts(
        ingredient_id=ingredient.pk,
        name=ingredient.name_it,
        atc_codes=tuple(c for c in (ingredient.atc_code, *ingredient.other_atc_codes) if c),
        names=tuple(n for n in (ingredient.name_en, ingredient.code, *ingredient.synonyms) if n),
    )


def prescription_checks(
    *,
    patient_id: int,
    ingredient: Any,
    dose: Quantity,
    plan: Plan,
    prn_max_per_day: int | None,
    replacing_id: int | None,
) -> CheckResult:
    """Every check; nothing written. ``replacing_id``: the prescription this one replaces
    (left out of the sums: it stops when this one starts)."""
    result = CheckResult()
    drug = ingredient.name_it
    first, last = period(plan)
    others = (
        WardPrescription.objects.filter(patient_id=patient_id)
        .filter(_active_by(last))
        .select_related("ingredient")
    )
    if replacing_id is not None:
        others = others.exclude(pk=replacing_id)
    # maximum single dose (the archive)
    single = limits.max_single_block(dose, _max_single(ingredient), drug=drug)
    if single is not None:
        result.blocks.append(single)
    # maximum daily dose over every active prescription of the ingredient
    maximum = daily_maxima().get(ingredient.code)
    amounts = [limits.DailyAmount(dose, plan.doses_per_day(prn_max_per_day))]
    for other in others:
        if other.ingredient_id != ingredient.pk:
            continue
        per_day = doses_per_day(
            Frequency(other.frequency),
            times=len(other.times),
            prn_max_per_day=other.prn_max_per_day,
        )
        amounts.append(
            limits.DailyAmount(Quantity(other.dose, amount_unit(other.dose_unit)), per_day)
        )
    daily = limits.daily_max_block(amounts, maximum, drug=drug)
    if daily is not None:
        result.blocks.append(daily)
    # renal function
    renal = limits.renal_warning(
        clearance_ml_min(patient_id, today=timezone.localdate()), maximum, drug=drug
    )
    if renal is not None:
        result.warnings.append(renal)
    # allergies
    result.allergy_matches = allergy_matches(
        allergy_summary(patient_id=patient_id).active, [drug_facts(ingredient)]
    )
    # interactions with everything active in the period, chemotherapy included
    names = {o.ingredient.code: o.ingredient.name_it for o in others}
    names.update(  # chemotherapy and home therapy (H59), through prescribing's readers
        (d.code, d.name)
        for d in patient_current_drugs(patient_id=patient_id, first_day=first, last_day=last)
        if d.source != WARD
    )
    names[ingredient.code] = drug
    for found in interactions_among(names):
        if ingredient.code not in found.pair:
            continue
        other_code = found.b if found.a == ingredient.code else found.a
        row = {
            "with": names.get(other_code, other_code),
            "severity": found.severity.value,
            "effect": found.effect,
            "management": found.management,
        }
        result.interactions.append(row)
        text = (
            f"Interazione {found.severity.label_it.lower()} di {drug} con {row['with']}: "
            f"{found.effect} {found.management}".strip()
        )
        if found.severity is Severity.CONTRAINDICATED:
            result.blocks.append(limits.Block(INTERACTION_CONTRAINDICATED, text))
        else:
            result.warnings.append(limits.Warning(f"interaction_{found.severity.value}", text))
    return result


def ensure_cleared(result: CheckResult, *, override_reason: str, acknowledged: bool) -> None:
    """Refuse while a hard stop has no reason or an allergy warning is not acknowledged."""
    limits.ensure_blocks_lifted(result.blocks, override_reason=override_reason)
    major = [w for w in result.warnings if w.code == INTERACTION_MAJOR]
    if major and not (acknowledged or override_reason.strip()):
        raise ValidationFailed(  # H59: a major interaction is acknowledged, not only shown
            " ".join(w.message for w in major) + " Conferma di averne preso visione.",
            code="interaction_unacknowledged",
            field="acknowledged",
            details={"warnings": [w.message for w in major]},
        )
    ensure_allergies_cleared(
        result.allergy_matches, override_reason=override_reason, acknowledged=acknowledged
    )
