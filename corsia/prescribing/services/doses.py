"""The dose of each line: the engine fed with the order's measures and the regimen
version, its hard limits, tablets and warnings (every write is the caller's)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from django.utils import timezone

from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.selectors import solid_oral_strengths_mg
from corsia.drugs.selectors_regulatory import ingredient_has_registry
from corsia.prescribing.domain.assessment import BodyAssessment, assess_patient
from corsia.prescribing.domain.checks import weight_change_check
from corsia.prescribing.domain.dose import DoseComponent, MaxDoseAction
from corsia.prescribing.domain.limits import LimitBlock, final_dose_blocks, void_other_values
from corsia.prescribing.domain.order_lines import (
    EngineDose,
    engine_dose,
    engine_unit,
    reduced_dose,
    regimen_maximum,
    tablets_for,
)
from corsia.prescribing.domain.patient import PatientMeasures, Sex
from corsia.prescribing.domain.policy import WeightBasis
from corsia.prescribing.domain.provenance import format_input
from corsia.prescribing.domain.quantity import AmountUnit, Quantity, amount_unit, convertible
from corsia.prescribing.domain.rounding import RoundingRule
from corsia.prescribing.dosing_basis import max_ages_for, patient_measures, policy_for
from corsia.prescribing.models import OrderItem, TherapyOrder
from corsia.prescribing.services.orders import CUMULATIVE_STATES
from corsia.regimens.domain.spec import AgeBand
from corsia.regimens.domain.spec_codec import age_bands_from_list

# What a line reads of another module's rows, reached through the line's own foreign keys
# (``OrderItem.ingredient``, ``OrderItem.regimen_component``): described here, not imported.


class ArchiveIngredient(Protocol):
    """An active ingredient of the drug archive (``drugs``)."""

    @property
    def name_it(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def max_single_dose(self) -> Decimal | None: ...
    @property
    def max_single_dose_unit(self) -> str: ...


class RegimenLine(Protocol):
    """A component of a regimen version (``regimens``): a drug with its dose."""

    @property
    def ingredient(self) -> ArchiveIngredient: ...
    @property
    def dose(self) -> Decimal: ...
    @property
    def dose_unit(self) -> str: ...
    @property
    def age_bands(self) -> list[dict[str, Any]] | None: ...
    @property
    def obese_weight_basis(self) -> str: ...
    @property
    def adjusted_weight_factor(self) -> Decimal | None: ...


# ---------------------------------------------------------------- dose of one line


@dataclass(frozen=True)
class LineDose(EngineDose):
    # the limits the line's final dose is checked against (computed, reduced or typed)
    maximum: Quantity | None = None


def _archive_maximum(ingredient: ArchiveIngredient, unit: AmountUnit) -> Quantity | None:
    """The archive's maximum single dose, when it is an absolute amount comparable with a
    dose in ``unit`` (a maximum in UI says nothing about a dose in mg)."""
    if ingredient.max_single_dose is None:
        return None
    try:
        maximum = Quantity(
            ingredient.max_single_dose, amount_unit(ingredient.max_single_dose_unit or "mg")
        )
    except ValidationFailed:  # a per-m² or per-kg maximum: not an absolute amount
        return None
    return maximum if convertible(maximum.unit, unit) else None


def line_maximum(
    *, ingredient: ArchiveIngredient, max_dose: Decimal | None, dose_unit: str
) -> tuple[Quantity | None, MaxDoseAction]:
    """The maximum of a line with its unit: the regimen's (declared in the unit of the
    absolute dose its per-unit dose implies, capped) or else the archive's (blocks)."""
    mapping = engine_unit(dose_unit)
    regimen = regimen_maximum(max_dose, dose_unit)
    if regimen is not None:
        return regimen, MaxDoseAction.CAP
    return _archive_maximum(ingredient, mapping.amount_unit), MaxDoseAction.BLOCK


def line_dose(
    *,
    ingredient: ArchiveIngredient,
    dose: Decimal,
    dose_unit: str,
    max_dose: Decimal | None,
    body: BodyAssessment,
    patient_id: int,
    exclude_order_id: int | None,
    decimals: int,
    weight_basis: str = "",
    adjusted_weight_factor: Decimal | None = None,
) -> LineDose:
    """The dose of one line, through the engine. A hard limit exceeded does not raise:
    the line is kept (uncapped) with its block, which only an override releases.

    ``max_dose`` is the regimen component's, in ``ABSOLUTE_UNIT[dose_unit]`` (mcg for a
    mcg/kg dose, g for a g/m² dose); the engine converts it before comparing.

    ``weight_basis`` / ``adjusted_weight_factor``: the regimen component's own weight for
    an obese patient ("" / None: the order's dosing weight), used by a per-kg dose.

    The lifetime cumulative dose is not checked here, line by line: it is checked for
    the whole cycle by ``cumulative.order_cumulative_refresh`` once the lines are saved."""
    mapping = engine_unit(dose_unit)
    maximum, action = line_maximum(ingredient=ingredient, max_dose=max_dose, dose_unit=dose_unit)
    component = DoseComponent(
        drug=ingredient.name_it or ingredient.name_en,
        dose=dose,
        unit=mapping.unit,
        max_dose=maximum,
        max_dose_action=action,
        rounding=RoundingRule(decimals=decimals),
        weight_basis=_weight_basis(weight_basis),
        adjusted_weight_factor=adjusted_weight_factor,
    )
    return LineDose(**vars(engine_dose(component, body, mapping)), maximum=maximum)


def _weight_basis(value: str) -> WeightBasis | None:
    if not value:
        return None
    try:
        return WeightBasis(value)
    except ValueError:
        raise ValidationFailed(
            f"Peso per l'obeso della riga sconosciuto: «{value}».",
            code="dosing_setting_invalid",
            field="obese_weight_basis",
        ) from None


def component_weight(component: RegimenLine | None) -> dict[str, Any]:
    """The keyword arguments of :func:`line_dose` for a regimen component's own weight."""
    if component is None:
        return {}
    return {
        "weight_basis": component.obese_weight_basis,
        "adjusted_weight_factor": component.adjusted_weight_factor,
    }


# ---------------------------------------------------------------- the lines of an order


def component_dose(
    component: RegimenLine, age_years: Decimal
) -> tuple[Decimal, str, AgeBand | None]:
    """The component's dose and unit; for a dose by age band (e.g. intrathecal
    methotrexate), the flat dose of the patient's band (completed years)."""
    bands = age_bands_from_list(component.age_bands or [], "age_bands")
    if not bands:
        return component.dose, component.dose_unit, None
    band = next((b for b in bands if b.contains(int(age_years))), None)
    if band is None:
        raise ValidationFailed(
            f"Nessuna fascia di età dello schema comprende {age_years} anni "
            f"({component.ingredient.name_it}).",
            code="age_band_missing",
            field="age_years",
        )
    return band.dose, component.dose_unit, band


def with_age_band(line: LineDose, band: AgeBand | None, age_years: Decimal) -> LineDose:
    """The line's provenance headed by the age band its dose comes from."""
    if band is None:
        return line
    head = (
        f"Dose per fascia di età {band.describe()} (paziente {format_input(age_years)} anni): "
        f"{format_input(band.dose)} mg"
    )
    return replace(line, provenance=f"{head}\n{line.provenance}")


def assess_order(order: TherapyOrder) -> BodyAssessment:
    """Fill the order's snapshot with today's measures and return the assessment."""
    basis = patient_measures(order, now=timezone.now())
    measures, taken_at = basis.measures, basis.taken_at
    policy = policy_for(order)
    body = assess_patient(measures, policy, stale_renal=basis.stale_renal, notes=basis.notes)
    order.measure_dates = basis.used
    order.sex = measures.sex.value
    order.age_years = measures.age_years
    order.height_cm = measures.height_cm
    order.weight_kg = measures.weight_kg
    order.serum_creatinine_mg_dl = measures.serum_creatinine_mg_dl
    order.measured_gfr_ml_min = measures.measured_gfr_ml_min
    order.measures_taken_at = taken_at
    order.bsa_m2 = body.bsa_m2.quantize(Decimal("0.0001"))
    order.bmi = body.bmi.value.quantize(Decimal("0.01"))
    order.ideal_weight_kg = (
        body.ideal_weight.value.quantize(Decimal("0.01")) if body.ideal_weight else None
    )
    order.dosing_weight_kg = body.dosing_weight_kg.quantize(Decimal("0.01"))
    order.weight_basis = body.weight_basis.value
    order.creatinine_clearance_ml_min = (
        body.creatinine_clearance.value.quantize(Decimal("0.01"))
        if body.creatinine_clearance
        else None
    )
    order.renal_function_ml_min = (
        body.renal_function.value.quantize(Decimal("0.01")) if body.renal_function else None
    )
    order.paediatric_rule = body.paediatric_rule_applies
    order.body_provenance = body.render()
    order.policy = [*policy.describe(), *max_ages_for(order).describe()]
    order.warnings = [{"code": w.code, "message": w.message} for w in body.warnings]
    previous = (
        TherapyOrder.objects.filter(patient_id=order.patient_id, state__in=CUMULATIVE_STATES)
        .exclude(pk=order.pk)
        .order_by("-start_date", "-id")
        .first()
    )
    if previous is not None:
        change = weight_change_check(
            previous_kg=previous.weight_kg,
            current_kg=order.weight_kg,
            threshold_pct=policy.weight_change_pct,
        )
        if change.recalculation_required:
            order.warnings.append(
                {
                    "code": "weight_changed",
                    "message": (
                        f"Peso variato del {change.change_pct:.1f} % rispetto al ciclo "
                        f"precedente ({previous.weight_kg} → {order.weight_kg} kg): dosi "
                        "ricalcolate sul peso attuale."
                    ),
                }
            )
    return body


def oral_tablets(item: OrderItem) -> None:
    """Tablets to dispense for an oral line, from the solid oral strengths in the archive."""
    if item.route != "po" or item.amount_unit != "mg":
        item.tablets = {}
        return
    strengths = solid_oral_strengths_mg(ingredient_id=item.ingredient_id)
    if not strengths:
        item.tablets = {}
        return
    plan = tablets_for(item.final_dose, [s for s in strengths if s is not None])
    item.tablets = {
        "per_dose": [
            {"strength_mg": f"{strength.normalize():f}", "count": count}
            for strength, count in plan.per_dose
        ],
        "dose_given_mg": f"{plan.dose_given.normalize():f}",
        "deviation_pct": str(plan.deviation_pct),
    }


def registry_alert(order: TherapyOrder, items: Iterable[OrderItem]) -> bool:
    """Warn when a drug of the order is followed by an AIFA monitoring registry that the
    per-indication table (``drugs/data/curated/aifa_regulatory.yaml``, checked by
    ``services.regulatory``) does not know: a drug the table lists is checked there against
    the order's diagnosis (``aifa_registry_request_missing`` / ``_indication_unknown``,
    none for an indication without a registry), never warned twice here."""
    monitored = sorted(
        {
            i.ingredient.name_it
            for i in items
            if i.ingredient.aifa_registry
            and not ingredient_has_registry(ingredient_code=i.ingredient.code)
        }
    )
    if not monitored:
        return False
    order.warnings.append(
        {
            "code": "aifa_registry",
            "message": (
                f"Farmaci soggetti a registro di monitoraggio AIFA: {', '.join(monitored)}. "
                "Registrare il paziente sulla piattaforma AIFA e riportare il codice "
                "di registrazione."
            ),
        }
    )
    return True


def apply_line(item: OrderItem, dose: LineDose) -> None:
    item.calculated_dose = dose.calculated
    item.unrounded_dose = (
        None
        if dose.unrounded is None
        else dose.unrounded.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    )
    item.uncapped_dose = dose.uncapped
    item.capped = dose.capped
    item.amount_unit = dose.amount_unit
    item.provenance = dose.provenance
    item.warnings = dose.warnings
    item.block_code = dose.block_code
    item.block_message = dose.block_message
    item.weight_basis = dose.weight_basis
    item.dosing_weight_kg = dose.dosing_weight_kg
    item.adjusted_weight_factor = dose.adjusted_weight_factor
    if item.reduction_percent:
        item.final_dose = reduced_dose(
            dose.calculated,
            item.reduction_percent,
            decimals=item.order.regimen_version.dose_decimals,
        )
    else:
        item.final_dose = dose.calculated
    check_final_dose(item, maximum=dose.maximum)
    oral_tablets(item)


def check_final_dose(
    item: OrderItem,
    *,
    maximum: Quantity | None,
) -> tuple[LimitBlock, ...]:
    """Record on ``item`` the hard limits its final dose exceeds and which of them an
    override lifts for this value; returns the blocks still pending. (The lifetime
    cumulative dose is checked for the whole cycle by ``order_cumulative_refresh``.)"""
    blocks = final_dose_blocks(
        drug=item.ingredient.name_it or item.ingredient.name_en,
        dose=item.final_quantity,
        maximum=maximum,
        bsa_m2=item.order.bsa_m2,
    )
    value = item.final_quantity
    item.blocks = [b.as_json() for b in blocks]
    item.block_code = blocks[0].code if blocks else ""
    item.block_message = blocks[0].message if blocks else ""
    overrides = void_other_values(item.limit_overrides, value)
    item.overrides = [o.as_json() for o in overrides]
    lifting = [o for o in overrides if any(o.covers(b.code, value) for b in blocks)]
    item.override_reason = "\n".join(dict.fromkeys(o.reason for o in lifting))
    return item.pending_blocks


def item_maximum(item: OrderItem) -> Quantity | None:
    """The maximum an item's final dose is checked against: the same the engine used for
    its calculated dose."""
    component = item.regimen_component
    maximum, _action = line_maximum(
        ingredient=item.ingredient,
        max_dose=component.max_dose if component is not None else None,
        dose_unit=item.dose_unit,
    )
    return maximum


SNAPSHOT_FIELDS = (
    "sex",
    "age_years",
    "height_cm",
    "weight_kg",
    "serum_creatinine_mg_dl",
    "measured_gfr_ml_min",
    "measures_taken_at",
    "measure_dates",
    "bsa_m2",
    "bmi",
    "ideal_weight_kg",
    "dosing_weight_kg",
    "weight_basis",
    "creatinine_clearance_ml_min",
    "renal_function_ml_min",
    "paediatric_rule",
    "body_provenance",
    "policy",
    "warnings",
)


def order_measures(order: TherapyOrder) -> PatientMeasures:
    return PatientMeasures(
        sex=Sex(order.sex),
        age_years=order.age_years,
        height_cm=order.height_cm,
        weight_kg=order.weight_kg,
        serum_creatinine_mg_dl=order.serum_creatinine_mg_dl,
        measured_gfr_ml_min=order.measured_gfr_ml_min,
    )
