"""Chemotherapy orders: every state change, in a transaction, with permission and audit.

The doses come from the pure engine (``domain/``); this module feeds it the patient's
latest measures and the regimen version, keeps what it returns (dose, provenance,
warnings) and enforces the order's life (``domain/states.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from corsia.accounts.selectors import user_roles
from corsia.audit.services import audit_record, workstation_label
from corsia.core.domain.errors import NotFound, PermissionRefused, ValidationFailed
from corsia.drugs.models import ActiveIngredient, MedicinalProduct
from corsia.patients.models import Patient
from corsia.prescribing import audit_events as events
from corsia.prescribing.domain.assessment import BodyAssessment, assess_patient
from corsia.prescribing.domain.checks import (
    CumulativeBasis,
    CumulativeLimit,
    final_dose_check,
    weight_change_check,
)
from corsia.prescribing.domain.dose import DoseComponent, MaxDoseAction, compute_dose
from corsia.prescribing.domain.errors import DoseLimitExceeded
from corsia.prescribing.domain.order_lines import (
    cycle_dates,
    engine_unit,
    ensure_reason,
    reduced_dose,
    tablets_for,
)
from corsia.prescribing.domain.patient import PatientMeasures, Sex, check_range
from corsia.prescribing.domain.provenance import format_input
from corsia.prescribing.domain.rounding import RoundingRule
from corsia.prescribing.domain.states import (
    OrderEvent,
    OrderState,
    authorise_transition,
    ensure_physician_can_edit,
)
from corsia.prescribing.dosing_basis import (
    max_ages_for,
    order_measures_check,
    patient_measures,
    policy_for,
)
from corsia.prescribing.models import (
    ItemStatus,
    Measurement,
    MeasurementKind,
    OrderItem,
    OrderTransition,
    PatientDiagnosis,
    TherapyOrder,
)
from corsia.regimens.domain.spec import AgeBand, age_bands_from_list
from corsia.regimens.models import RegimenComponent, RegimenVersion
from corsia.regimens.selectors import ensure_prescribable

VIEW = "prescribing.view_order"
PRESCRIBE = "prescribing.prescribe"
RECORD_MEASUREMENT = "prescribing.record_measurement"

# States whose doses count towards the lifetime cumulative dose (given or about to be).
CUMULATIVE_STATES = frozenset(
    s.value
    for s in (
        OrderState.CONFIRMED,
        OrderState.SENT_TO_PHARMACY,
        OrderState.VALIDATED,
        OrderState.TAKEN_IN_CHARGE,
        OrderState.IN_PREPARATION,
        OrderState.PREPARED,
        OrderState.DELIVERED,
        OrderState.ADMINISTERED,
    )
)
_MEASURE_FIELD = {
    MeasurementKind.HEIGHT_CM: "height_cm",
    MeasurementKind.WEIGHT_KG: "weight_kg",
    MeasurementKind.CREATININE: "serum_creatinine_mg_dl",
    MeasurementKind.MEASURED_GFR: "measured_gfr_ml_min",
}


def _require(actor: Any, permission: str, message: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionRefused(message)


def _patient(patient_id: int) -> Patient:
    patient = Patient.objects.filter(pk=patient_id).first()
    if patient is None:
        raise NotFound("Paziente non trovato.", code="patient_not_found")
    if patient.merged_into_id is not None:
        raise ValidationFailed(
            "Il paziente è stato unificato con un altro: prescrivere sul paziente superstite.",
            code="patient_merged",
        )
    return patient


# ---------------------------------------------------------------- measures, diagnoses


def measurement_record(
    *,
    actor: Any,
    workstation: Any,
    patient_id: int,
    kind: str,
    value: Decimal,
    measured_at: datetime | None = None,
) -> Measurement:
    _require(actor, RECORD_MEASUREMENT, "Non hai il permesso di registrare misure.")
    try:
        measure = MeasurementKind(kind)
    except ValueError:
        raise ValidationFailed(
            f"Tipo di misura sconosciuto: «{kind}».", code="measurement_kind", field="kind"
        ) from None
    check_range(_MEASURE_FIELD[measure], value)
    when = measured_at or timezone.now()
    if when > timezone.now() + timedelta(minutes=5):
        raise ValidationFailed(
            "La data della misura è nel futuro.", code="measured_in_future", field="measured_at"
        )
    with transaction.atomic():
        patient = _patient(patient_id)
        row = Measurement.objects.create(
            patient=patient,
            kind=measure.value,
            value=value,
            measured_at=when,
            recorded_by=actor,
            workstation=workstation_label(workstation),
        )
        audit_record(
            event=events.MEASUREMENT_RECORDED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=patient.pk,
            after={"kind": measure.value, "value": str(value), "measured_at": when.isoformat()},
        )
    return row


def diagnosis_record(
    *,
    actor: Any,
    workstation: Any,
    patient_id: int,
    code: str,
    label: str,
    system: str = "icd9cm",
    diagnosed_on: date | None = None,
) -> PatientDiagnosis:
    _require(actor, PRESCRIBE, "Non hai il permesso di registrare diagnosi.")
    code = code.strip().upper()
    if not code or not label.strip():
        raise ValidationFailed(
            "Indicare codice e descrizione della diagnosi.", code="diagnosis_required", field="code"
        )
    with transaction.atomic():
        patient = _patient(patient_id)
        row = PatientDiagnosis.objects.create(
            patient=patient,
            system=system,
            code=code,
            label=label.strip(),
            diagnosed_on=diagnosed_on,
            recorded_by=actor,
        )
        audit_record(
            event=events.DIAGNOSIS_RECORDED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=patient.pk,
            after={"system": system, "code": code, "label": label},
        )
    return row


# ---------------------------------------------------------------- dose of one line


@dataclass(frozen=True)
class LineDose:
    calculated: Decimal
    uncapped: Decimal | None
    capped: bool
    amount_unit: str
    provenance: str
    warnings: list[dict[str, str]]
    block_code: str
    block_message: str


def previous_cumulative(
    *, patient_id: int, ingredient_id: int, basis: CumulativeBasis, exclude_order_id: int | None
) -> Decimal:
    """The lifetime dose so far from every confirmed-or-later order (active lines)."""
    rows = OrderItem.objects.filter(
        order__patient_id=patient_id,
        ingredient_id=ingredient_id,
        order__state__in=CUMULATIVE_STATES,
        status=ItemStatus.ACTIVE,
    )
    if exclude_order_id is not None:
        rows = rows.exclude(order_id=exclude_order_id)
    total = Decimal(0)
    for final, bsa in rows.values_list("final_dose", "order__bsa_m2"):
        total += final / bsa if basis is CumulativeBasis.MG_M2 else final
    return total


def _cumulative_limit(ingredient: ActiveIngredient) -> CumulativeLimit | None:
    if ingredient.cumulative_limit is None:
        return None
    if ingredient.cumulative_limit_unit == "mg/m2":
        return CumulativeLimit(limit=ingredient.cumulative_limit, basis=CumulativeBasis.MG_M2)
    if ingredient.cumulative_limit_unit in ("mg", ""):
        return CumulativeLimit(limit=ingredient.cumulative_limit, basis=CumulativeBasis.MG)
    return None  # a limit in another unit (UI) is shown, not computed


def line_dose(
    *,
    ingredient: ActiveIngredient,
    dose: Decimal,
    dose_unit: str,
    max_dose: Decimal | None,
    body: BodyAssessment,
    patient_id: int,
    exclude_order_id: int | None,
    decimals: int,
) -> LineDose:
    """The dose of one line, through the engine. A hard limit exceeded does not raise:
    the line is kept (uncapped) with its block, which only an override releases."""
    mapping = engine_unit(dose_unit)
    per_unit = dose * mapping.factor
    limit = _cumulative_limit(ingredient) if mapping.amount_unit == "mg" else None
    archive_max = None
    if (
        max_dose is None
        and ingredient.max_single_dose is not None
        and ingredient.max_single_dose_unit in ("mg", "")
        and mapping.amount_unit == "mg"
    ):
        archive_max = ingredient.max_single_dose
    component = DoseComponent(
        drug=ingredient.name_it or ingredient.name_en,
        dose=per_unit,
        unit=mapping.unit,
        max_dose=max_dose if max_dose is not None else archive_max,
        max_dose_action=MaxDoseAction.CAP if max_dose is not None else MaxDoseAction.BLOCK,
        rounding=RoundingRule(decimals=decimals),
        cumulative_limit=limit,
    )
    previous = (
        previous_cumulative(
            patient_id=patient_id,
            ingredient_id=ingredient.pk,
            basis=limit.basis,
            exclude_order_id=exclude_order_id,
        )
        if limit is not None
        else None
    )
    block_code = block_message = ""
    try:
        result = compute_dose(component, body, previous_cumulative=previous)
    except DoseLimitExceeded as error:
        block_code, block_message = error.code, error.message
        relaxed = DoseComponent(
            drug=component.drug,
            dose=component.dose,
            unit=component.unit,
            rounding=component.rounding,
        )
        result = compute_dose(relaxed, body)
    warnings = [{"code": w.code, "message": w.message} for w in result.warnings]
    if block_code:
        warnings.append({"code": block_code, "message": block_message})
    return LineDose(
        calculated=result.dose,
        uncapped=result.uncapped if result.capped else None,
        capped=result.capped,
        amount_unit=mapping.amount_unit,
        provenance=result.render(),
        warnings=warnings,
        block_code=block_code,
        block_message=block_message,
    )


# ---------------------------------------------------------------- create and recalculate


def _components_for_cycle(version: RegimenVersion, cycle: int) -> list[RegimenComponent]:
    return [
        c
        for c in version.components.select_related("ingredient").order_by("sequence")
        if c.cycle_from <= cycle and (c.cycle_to is None or cycle <= c.cycle_to)
    ]


def _component_dose(
    component: RegimenComponent, age_years: Decimal
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


def _banded(line: LineDose, band: AgeBand | None, age_years: Decimal) -> LineDose:
    """The line's provenance headed by the age band its dose comes from."""
    if band is None:
        return line
    head = (
        f"Dose per fascia di età {band.describe()} (paziente {format_input(age_years)} anni): "
        f"{format_input(band.dose)} mg"
    )
    return replace(line, provenance=f"{head}\n{line.provenance}")


def _assess(order: TherapyOrder, patient: Patient) -> BodyAssessment:
    """Fill the order's snapshot with today's measures and return the assessment."""
    basis = patient_measures(
        patient, on=order.start_date, version=order.regimen_version, now=timezone.now()
    )
    measures, taken_at = basis.measures, basis.taken_at
    policy = policy_for(order.regimen_version, bsa_formula=order.bsa_formula)
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
    order.policy = [*policy.describe(), *max_ages_for(order.regimen_version).describe()]
    order.warnings = [{"code": w.code, "message": w.message} for w in body.warnings]
    previous = (
        TherapyOrder.objects.filter(patient=patient, state__in=CUMULATIVE_STATES)
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


def _oral_tablets(item: OrderItem) -> None:
    """Tablets to dispense for an oral line, from the solid oral strengths in the archive."""
    if item.route != "po" or item.amount_unit != "mg":
        item.tablets = {}
        return
    strengths = list(
        MedicinalProduct.objects.filter(
            ingredient_id=item.ingredient_id, physical_state="solid_oral", strength_unit="mg"
        ).values_list("strength", flat=True)
    )
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


def _registry_alert(order: TherapyOrder, items: Iterable[OrderItem]) -> bool:
    """Warn when a drug of the order is followed by an AIFA monitoring registry."""
    monitored = sorted({i.ingredient.name_it for i in items if i.ingredient.aifa_registry})
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


def _apply_line(item: OrderItem, dose: LineDose) -> None:
    item.calculated_dose = dose.calculated
    item.uncapped_dose = dose.uncapped
    item.capped = dose.capped
    item.amount_unit = dose.amount_unit
    item.provenance = dose.provenance
    item.warnings = dose.warnings
    item.block_code = dose.block_code
    item.block_message = dose.block_message
    if item.reduction_percent:
        item.final_dose = reduced_dose(
            dose.calculated,
            item.reduction_percent,
            decimals=item.order.regimen_version.dose_decimals,
        )
    else:
        item.final_dose = dose.calculated
    _oral_tablets(item)


def order_create(
    *,
    actor: Any,
    workstation: Any,
    patient_id: int,
    regimen_version_id: int,
    start_date: date,
    cycle_number: int = 1,
    line: int = 1,
    diagnosis_id: int | None = None,
    ward_id: int | None = None,
    bsa_formula: str = "mosteller",
    intent: str | None = None,
    previous_order_id: int | None = None,
) -> TherapyOrder:
    """A draft order for one cycle: every dose of every day computed from the latest measures."""
    _require(actor, PRESCRIBE, "Solo il medico può prescrivere.")
    if cycle_number < 1 or line < 1:
        raise ValidationFailed(
            "Ciclo e linea di terapia partono da 1.", code="cycle_invalid", field="cycle_number"
        )
    with transaction.atomic():
        patient = _patient(patient_id)
        version = (
            RegimenVersion.objects.select_related("regimen").filter(pk=regimen_version_id).first()
        )
        if version is None:
            raise NotFound("Schema di terapia inesistente.", code="regimen_not_found")
        ensure_prescribable(version)
        if version.max_cycles is not None and cycle_number > version.max_cycles:
            raise ValidationFailed(
                f"Lo schema prevede al massimo {version.max_cycles} cicli.",
                code="cycle_beyond_max",
                field="cycle_number",
            )
        if (
            diagnosis_id is not None
            and not PatientDiagnosis.objects.filter(pk=diagnosis_id, patient=patient).exists()
        ):
            raise ValidationFailed(
                "La diagnosi indicata non è di questo paziente.",
                code="diagnosis_other_patient",
                field="diagnosis_id",
            )
        if ward_id is None:  # the ward of the patient's current encounter, if any
            ward_id = (
                patient.encounters.filter(state="active")
                .order_by("-admitted_at")
                .values_list("ward_id", flat=True)
                .first()
            )
        order = TherapyOrder(
            patient=patient,
            regimen_version=version,
            diagnosis_id=diagnosis_id,
            ward_id=ward_id,
            cycle_number=cycle_number,
            line=line,
            therapy_type=version.therapy_type,
            intent=intent or version.intent,
            start_date=start_date,
            bsa_formula=bsa_formula,
            prescriber=actor,
            updated_by=actor,
            previous_order_id=previous_order_id,
        )
        body = _assess(order, patient)
        if version.min_weight_kg is not None and order.weight_kg < version.min_weight_kg:
            raise ValidationFailed(
                f"Peso {order.weight_kg} kg inferiore al minimo dello schema "
                f"({version.min_weight_kg} kg).",
                code="below_min_weight",
                field="weight_kg",
            )
        order.save()
        items = []
        for component in _components_for_cycle(version, cycle_number):
            per_unit, unit, band = _component_dose(component, order.age_years)
            dose = _banded(
                line_dose(
                    ingredient=component.ingredient,
                    dose=per_unit,
                    dose_unit=unit,
                    max_dose=component.max_dose,
                    body=body,
                    patient_id=patient.pk,
                    exclude_order_id=order.pk,
                    decimals=version.dose_decimals,
                ),
                band,
                order.age_years,
            )
            for day, when in cycle_dates(start_date, component.days).items():
                item = OrderItem(
                    order=order,
                    regimen_component=component,
                    ingredient=component.ingredient,
                    sequence=component.sequence,
                    day_of_cycle=day,
                    scheduled_date=when,
                    role=component.role,
                    route=component.route,
                    competence=component.competence,
                    infusion_type=component.infusion_type,
                    duration_minutes=component.duration_minutes,
                    interval_after_minutes=component.interval_after_minutes,
                    preparation=component.preparation,
                    infusion_conditions=component.infusion_conditions,
                    dose=per_unit,
                    dose_unit=unit,
                )
                _apply_line(item, dose)
                items.append(item)
        if not items:
            raise ValidationFailed(
                f"Lo schema non prevede farmaci per il ciclo {cycle_number}.",
                code="cycle_without_drugs",
                field="cycle_number",
            )
        OrderItem.objects.bulk_create(items)
        if _registry_alert(order, items):
            order.save(update_fields=["warnings"])
        audit_record(
            event=events.ORDER_CREATED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=patient.pk,
            after={
                "regimen": version.regimen.code,
                "version": version.number,
                "cycle": cycle_number,
                "start_date": start_date.isoformat(),
                "bsa_m2": str(order.bsa_m2),
                "weight_kg": str(order.weight_kg),
                "items": len(items),
            },
        )
    return order


def _locked_order(order_id: int) -> TherapyOrder:
    # Lock the order row only: with select_related, a bare FOR UPDATE would also lock the
    # patient and regimen-version rows, serialising every order of the same patient and
    # deadlocking against the foreign-key checks of concurrent writers (seen under load).
    order = (
        TherapyOrder.objects.select_for_update(of=("self",))
        .select_related("regimen_version", "patient")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound("Prescrizione inesistente.", code="order_not_found")
    return order


def _editable(actor: Any, order_id: int, expected_version: int | None) -> TherapyOrder:
    _require(actor, PRESCRIBE, "Solo il medico può modificare la prescrizione.")
    order = _locked_order(order_id)
    if expected_version is not None:
        order.check_version(expected_version)
    if order.signed_at is not None:
        raise ValidationFailed(
            "La prescrizione è firmata: per correggerla crearne una nuova versione.",
            code="order_signed",
        )
    ensure_physician_can_edit(OrderState(order.state))
    return order


def _touch(order: TherapyOrder, actor: Any, extra: Iterable[str] = ()) -> None:
    fields = order.bump(by=actor)
    order.save(update_fields=[*fields, *extra])


def order_recalculate(
    *, actor: Any, workstation: Any, order_id: int, expected_version: int | None = None
) -> TherapyOrder:
    """Recompute every dose from the latest measures, keeping reductions and suspensions."""
    with transaction.atomic():
        order = _editable(actor, order_id, expected_version)
        before = {"weight_kg": str(order.weight_kg), "bsa_m2": str(order.bsa_m2)}
        body = _assess(order, order.patient)
        version = order.regimen_version
        items = list(order.items.select_related("ingredient", "regimen_component"))
        for item in items:
            item.order = order
            band = None
            if item.regimen_component is not None and item.regimen_component.age_bands:
                item.dose, item.dose_unit, band = _component_dose(
                    item.regimen_component, order.age_years
                )
            dose = _banded(
                line_dose(
                    ingredient=item.ingredient,
                    dose=item.dose,
                    dose_unit=item.dose_unit,
                    max_dose=item.regimen_component.max_dose if item.regimen_component else None,
                    body=body,
                    patient_id=order.patient_id,
                    exclude_order_id=order.pk,
                    decimals=version.dose_decimals,
                ),
                band,
                order.age_years,
            )
            _apply_line(item, dose)
            item.save()
        _registry_alert(order, items)
        _touch(order, actor, _SNAPSHOT_FIELDS)
        audit_record(
            event=events.ORDER_RECALCULATED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            before=before,
            after={"weight_kg": str(order.weight_kg), "bsa_m2": str(order.bsa_m2)},
        )
    return order


_SNAPSHOT_FIELDS = (
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


# ---------------------------------------------------------------- deviations


def _item_in(order: TherapyOrder, item_id: int) -> OrderItem:
    item = order.items.select_related("ingredient").filter(pk=item_id).first()
    if item is None:
        raise NotFound("Riga della prescrizione inesistente.", code="order_item_not_found")
    item.order = order
    return item


def _same_component(order: TherapyOrder, item: OrderItem) -> QuerySet[OrderItem]:
    """Every day's line of the same drug (a reduction applies to the drug in the cycle)."""
    return order.items.filter(sequence=item.sequence, ingredient_id=item.ingredient_id)


def order_item_adjust(
    *,
    actor: Any,
    workstation: Any,
    order_id: int,
    item_id: int,
    reason: str,
    reduction_percent: Decimal | None = None,
    final_dose: Decimal | None = None,
    override_reason: str = "",
    expected_version: int | None = None,
    all_days: bool = True,
) -> TherapyOrder:
    """Reduce one drug by a percentage, or set its final dose; a reason is mandatory.

    ``final_dose`` above a hard limit (archive maximum, cumulative dose) also needs an
    ``override_reason``; the reduction of a blocked line does not lift the block unless
    the reduced dose is within the limit (the line is recomputed).
    """
    with transaction.atomic():
        order = _editable(actor, order_id, expected_version)
        first = _item_in(order, item_id)
        targets = list(_same_component(order, first)) if all_days else [first]
        decimals = order.regimen_version.dose_decimals
        before = [{"id": t.pk, "final_dose": str(t.final_dose)} for t in targets]
        for item in targets:
            item.order = order
            if reduction_percent is not None:
                new = reduced_dose(item.calculated_dose, reduction_percent, decimals=decimals)
                if reduction_percent:
                    ensure_reason(
                        reason,
                        what=f"Riduzione di {item.ingredient.name_it}",
                        field="deviation_reason",
                    )
                item.reduction_percent = reduction_percent
            elif final_dose is not None:
                new = final_dose
                item.reduction_percent = Decimal(0)
            else:
                raise ValidationFailed(
                    "Indicare la percentuale di riduzione o la dose finale.",
                    code="adjustment_missing",
                    field="reduction_percent",
                )
            final_dose_check(calculated_mg=item.calculated_dose, final_mg=new, reason=reason)
            if item.block_code:
                if override_reason.strip():
                    item.override_reason = override_reason.strip()
                elif item.uncapped_dose is None and new >= item.calculated_dose:
                    raise ValidationFailed(
                        f"{item.block_message} Per superare il limite indicare il motivo.",
                        code="override_reason_required",
                        field="override_reason",
                    )
            item.final_dose = new
            item.deviation_reason = reason.strip() if new != item.calculated_dose else ""
            _oral_tablets(item)
            item.save(
                update_fields=[
                    "tablets",
                    "final_dose",
                    "reduction_percent",
                    "deviation_reason",
                    "override_reason",
                ]
            )
        _touch(order, actor)
        audit_record(
            event=events.ORDER_ITEM_ADJUSTED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            before={"items": before},
            after={
                "items": [{"id": t.pk, "final_dose": str(t.final_dose)} for t in targets],
                "reduction_percent": str(reduction_percent) if reduction_percent else None,
                "override": bool(override_reason.strip()),
            },
            reason=reason or override_reason,
        )
    return order


def order_reduce_all(
    *,
    actor: Any,
    workstation: Any,
    order_id: int,
    reduction_percent: Decimal,
    reason: str,
    expected_version: int | None = None,
) -> TherapyOrder:
    """Reduce every antineoplastic of the cycle by the same percentage."""
    ensure_reason(reason, what="Riduzione di tutti i farmaci", field="deviation_reason")
    with transaction.atomic():
        order = _editable(actor, order_id, expected_version)
        lines = {
            (i.sequence, i.ingredient_id): i.pk
            for i in order.items.filter(role="antineoplastic", status=ItemStatus.ACTIVE)
        }
        version = order.version
        for item_id in lines.values():
            order_item_adjust(
                actor=actor,
                workstation=workstation,
                order_id=order.pk,
                item_id=item_id,
                reason=reason,
                reduction_percent=reduction_percent,
            )
        order.refresh_from_db()
        if order.version == version:  # nothing to reduce
            raise ValidationFailed(
                "Nessun antiblastico attivo da ridurre.", code="nothing_to_reduce"
            )
    return order


def order_item_set_status(
    *,
    actor: Any,
    workstation: Any,
    order_id: int,
    item_id: int,
    status: str,
    reason: str,
    whole_day: bool = False,
    expected_version: int | None = None,
) -> TherapyOrder:
    """Suspend (or reactivate) one drug, or skip (or restore) a whole day; reason required."""
    try:
        target = ItemStatus(status)
    except ValueError:
        raise ValidationFailed(
            "Stato della riga non valido.", code="item_status", field="status"
        ) from None
    ensure_reason(reason, what="Sospensione o riattivazione", field="reason")
    with transaction.atomic():
        order = _editable(actor, order_id, expected_version)
        item = _item_in(order, item_id)
        rows = (
            order.items.filter(day_of_cycle=item.day_of_cycle)
            if whole_day
            else order.items.filter(pk=item.pk)
        )
        ids = list(rows.values_list("pk", flat=True))
        rows.update(status=target.value, status_reason=reason.strip())
        if not order.items.exclude(status__in=[ItemStatus.SUSPENDED, ItemStatus.SKIPPED]).exists():
            raise ValidationFailed(
                "Non resta alcun farmaco attivo: per non somministrare il ciclo sospendere "
                "o annullare la prescrizione.",
                code="no_active_item",
            )
        _touch(order, actor)
        audit_record(
            event=events.ORDER_ITEM_STATUS,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            after={"items": ids, "status": target.value, "whole_day": whole_day},
            reason=reason,
        )
    return order


def order_day_move(
    *,
    actor: Any,
    workstation: Any,
    order_id: int,
    day_of_cycle: int,
    new_date: date,
    reason: str,
    expected_version: int | None = None,
) -> TherapyOrder:
    """Move every drug of one day of the cycle to another date (reason required)."""
    ensure_reason(reason, what="Spostamento del giorno di terapia", field="reason")
    with transaction.atomic():
        order = _editable(actor, order_id, expected_version)
        rows = order.items.filter(day_of_cycle=day_of_cycle)
        old = rows.values_list("scheduled_date", flat=True).first()
        if old is None:
            raise NotFound(f"Il ciclo non ha un giorno {day_of_cycle}.", code="cycle_day_not_found")
        if new_date < order.start_date:
            raise ValidationFailed(
                "Un giorno del ciclo non può precedere l'inizio del ciclo.",
                code="day_before_start",
                field="new_date",
            )
        rows.update(scheduled_date=new_date)
        _touch(order, actor)
        audit_record(
            event=events.ORDER_DAY_MOVED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            before={"day": day_of_cycle, "date": old.isoformat()},
            after={"day": day_of_cycle, "date": new_date.isoformat()},
            reason=reason,
        )
    return order


def order_item_add(
    *,
    actor: Any,
    workstation: Any,
    order_id: int,
    ingredient_id: int,
    dose: Decimal,
    dose_unit: str,
    day_of_cycle: int,
    route: str,
    reason: str,
    role: str = "supportive",
    competence: str = "ward",
    duration_minutes: int | None = None,
    expected_version: int | None = None,
) -> TherapyOrder:
    """Add a drug outside the regimen (antiemetic, ancillary…): a recorded deviation."""
    ensure_reason(reason, what="Farmaco aggiunto allo schema", field="reason")
    with transaction.atomic():
        order = _editable(actor, order_id, expected_version)
        ingredient = ActiveIngredient.objects.filter(pk=ingredient_id).first()
        if ingredient is None:
            raise NotFound("Principio attivo inesistente.", code="ingredient_not_found")
        days = order.items.filter(day_of_cycle=day_of_cycle)
        when = days.values_list("scheduled_date", flat=True).first()
        if when is None:
            when = cycle_dates(order.start_date, [day_of_cycle])[day_of_cycle]
        body = assess_patient(
            _measures_of(order), policy_for(order.regimen_version, bsa_formula=order.bsa_formula)
        )
        line = line_dose(
            ingredient=ingredient,
            dose=dose,
            dose_unit=dose_unit,
            max_dose=None,
            body=body,
            patient_id=order.patient_id,
            exclude_order_id=order.pk,
            decimals=order.regimen_version.dose_decimals,
        )
        sequence = (max(order.items.values_list("sequence", flat=True), default=0) or 0) + 1
        item = OrderItem(
            order=order,
            ingredient=ingredient,
            sequence=sequence,
            day_of_cycle=day_of_cycle,
            scheduled_date=when,
            role=role,
            route=route,
            competence=competence,
            duration_minutes=duration_minutes,
            dose=dose,
            dose_unit=dose_unit,
            added=True,
            deviation_reason=reason.strip(),
        )
        _apply_line(item, line)
        item.save()
        _touch(order, actor)
        audit_record(
            event=events.ORDER_ITEM_ADDED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            after={
                "ingredient": ingredient.code,
                "dose": str(dose),
                "unit": dose_unit,
                "day": day_of_cycle,
                "final_dose": str(item.final_dose),
            },
            reason=reason,
        )
    return order


def _measures_of(order: TherapyOrder) -> PatientMeasures:
    return PatientMeasures(
        sex=Sex(order.sex),
        age_years=order.age_years,
        height_cm=order.height_cm,
        weight_kg=order.weight_kg,
        serum_creatinine_mg_dl=order.serum_creatinine_mg_dl,
        measured_gfr_ml_min=order.measured_gfr_ml_min,
    )


# ---------------------------------------------------------------- the order's life

_STAMPS: dict[OrderEvent, tuple[str, str]] = {
    OrderEvent.CONFIRM: ("confirmed_by", "confirmed_at"),
    OrderEvent.VALIDATE: ("validated_by", "validated_at"),
    OrderEvent.TAKE_CHARGE: ("taken_in_charge_by", "taken_in_charge_at"),
}


def _ready_to_confirm(order: TherapyOrder) -> None:
    blocked = [
        i
        for i in order.items.select_related("ingredient")
        if i.status == ItemStatus.ACTIVE and i.is_blocked
    ]
    if blocked:
        item = blocked[0]
        raise ValidationFailed(
            f"{item.block_message} Ridurre la dose o indicare il motivo del superamento.",
            code="order_blocked_by_limit",
            field="override_reason",
            details={"item_id": item.pk},
        )
    # newer measures than the doses' (rule 4 for weight) or measures now too old
    order_measures_check(order=order, stage="confirm")


def order_transition(
    *,
    actor: Any,
    workstation: Any,
    order_id: int,
    event: str | OrderEvent,
    expected_version: int | None = None,
    reason: str = "",
) -> TherapyOrder:
    """Fire one event of the order's state machine (who, when, where, why recorded)."""
    _require(actor, VIEW, "Non hai accesso alle prescrizioni.")
    try:
        what = OrderEvent(event)
    except ValueError:
        raise ValidationFailed(
            f"Evento sconosciuto: «{event}».", code="order_event_unknown", field="event"
        ) from None
    with transaction.atomic():
        order = _locked_order(order_id)
        if expected_version is not None:
            order.check_version(expected_version)
        before = OrderState(order.state)
        target = authorise_transition(
            before,
            what,
            actor_id=actor.pk,
            actor_roles=user_roles(actor),
            prescriber_id=order.prescriber_id,
            reason=reason,
        )
        if what is OrderEvent.CONFIRM:
            _ready_to_confirm(order)
        elif what in (OrderEvent.VALIDATE, OrderEvent.TAKE_CHARGE):
            order_measures_check(order=order, stage=what.value)
        now = timezone.now()
        extra = ["state", "state_reason"]
        if what in _STAMPS:
            by_field, at_field = _STAMPS[what]
            setattr(order, by_field, actor)
            setattr(order, at_field, now)
            extra += [by_field, at_field]
        if what is OrderEvent.VALIDATE:
            order.items.filter(validated_by__isnull=True).update(
                validated_by=actor, validated_at=now
            )
        order.state = target.value
        order.state_reason = reason.strip()
        _touch(order, actor, extra)
        OrderTransition.objects.create(
            order=order,
            from_state=before.value,
            to_state=target.value,
            event=what.value,
            actor=actor,
            workstation=workstation_label(workstation),
            at=now,
            reason=reason.strip(),
        )
        audit_record(
            event=events.ORDER_TRANSITION,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            before={"state": before.value},
            after={"state": target.value, "event": what.value},
            reason=reason.strip(),
        )
    return order


def order_duplicate(
    *,
    actor: Any,
    workstation: Any,
    order_id: int,
    start_date: date,
    cycle_number: int | None = None,
) -> TherapyOrder:
    """The next cycle (or a repeat of any earlier one): same regimen version, reductions
    and added drugs carried over, every dose recomputed from today's measures."""
    source = TherapyOrder.objects.filter(pk=order_id).select_related("regimen_version").first()
    if source is None:
        raise NotFound("Prescrizione inesistente.", code="order_not_found")
    with transaction.atomic():
        order = order_create(
            actor=actor,
            workstation=workstation,
            patient_id=source.patient_id,
            regimen_version_id=source.regimen_version_id,
            start_date=start_date,
            cycle_number=cycle_number or source.cycle_number + 1,
            line=source.line,
            diagnosis_id=source.diagnosis_id,
            ward_id=source.ward_id,
            bsa_formula=source.bsa_formula,
            intent=source.intent,
            previous_order_id=source.pk,
        )
        reductions = {
            (i.sequence, i.ingredient_id): (i.reduction_percent, i.deviation_reason)
            for i in source.items.filter(reduction_percent__gt=0)
        }
        done: set[tuple[int, int]] = set()
        for item in order.items.all():
            key = (item.sequence, item.ingredient_id)
            if key in reductions and key not in done:
                percent, why = reductions[key]
                order_item_adjust(
                    actor=actor,
                    workstation=workstation,
                    order_id=order.pk,
                    item_id=item.pk,
                    reason=f"Riduzione mantenuta dal ciclo {source.cycle_number}: {why}",
                    reduction_percent=percent,
                )
                done.add(key)
        for added in source.items.filter(added=True):
            order_item_add(
                actor=actor,
                workstation=workstation,
                order_id=order.pk,
                ingredient_id=added.ingredient_id,
                dose=added.dose,
                dose_unit=added.dose_unit,
                day_of_cycle=added.day_of_cycle,
                route=added.route,
                reason=added.deviation_reason or f"Come nel ciclo {source.cycle_number}",
                role=added.role,
                competence=added.competence,
                duration_minutes=added.duration_minutes,
            )
        order.refresh_from_db()
        audit_record(
            event=events.ORDER_DUPLICATED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            before={"order": source.pk, "cycle": source.cycle_number},
            after={"order": order.pk, "cycle": order.cycle_number},
        )
    return order


def order_update_general(
    *,
    actor: Any,
    workstation: Any,
    order_id: int,
    aifa_registry_code: str | None = None,
    notes: str | None = None,
    intent: str | None = None,
    line: int | None = None,
    expected_version: int | None = None,
) -> TherapyOrder:
    with transaction.atomic():
        order = _editable(actor, order_id, expected_version)
        before = {"aifa": order.aifa_registry_code, "intent": order.intent, "line": order.line}
        if aifa_registry_code is not None:
            order.aifa_registry_code = aifa_registry_code.strip()
        if notes is not None:
            order.notes = notes.strip()
        if intent is not None:
            order.intent = intent
        if line is not None:
            if line < 1:
                raise ValidationFailed("Linea non valida.", code="line_invalid", field="line")
            order.line = line
        _touch(order, actor, ["aifa_registry_code", "notes", "intent", "line"])
        audit_record(
            event=events.ORDER_UPDATED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            before=before,
            after={"aifa": order.aifa_registry_code, "intent": order.intent, "line": order.line},
        )
    return order


def order_item_choose_product(
    *,
    actor: Any,
    workstation: Any,
    order_id: int,
    item_id: int,
    product_id: int | None,
    expected_version: int | None = None,
) -> TherapyOrder:
    """Choose the originator or a biosimilar for one drug of the cycle (every day's line);
    ``None`` leaves the choice to the pharmacy."""
    with transaction.atomic():
        order = _editable(actor, order_id, expected_version)
        first = _item_in(order, item_id)
        product = None
        if product_id is not None:
            product = MedicinalProduct.objects.filter(pk=product_id).first()
            if product is None or product.ingredient_id != first.ingredient_id:
                raise ValidationFailed(
                    f"Il prodotto scelto non contiene {first.ingredient.name_it}.",
                    code="product_other_ingredient",
                    field="product_id",
                )
        lines = _same_component(order, first)
        before = list(lines.values_list("product_id", flat=True).distinct())
        lines.update(product=product)
        _touch(order, actor)
        audit_record(
            event=events.ORDER_UPDATED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            before={"item": first.pk, "products": before},
            after={"item": first.pk, "product": product.code if product else None},
        )
    return order


SIGNABLE_STATES = frozenset(s.value for s in OrderState) - {
    OrderState.DRAFT.value,
    OrderState.RETURNED_TO_PRESCRIBER.value,
    OrderState.CANCELLED.value,
}


def order_sign(*, actor: Any, workstation: Any, order_id: int, reason: str = "") -> TherapyOrder:
    """Print the therapy sheet, sign it (PAdES) and archive it; the order becomes read-only
    (a correction is a new order). Only a physician, once the order is confirmed."""
    from corsia.documents.services import document_create
    from corsia.prescribing.therapy_sheet import sheet_context

    _require(actor, PRESCRIBE, "Solo il medico può firmare la prescrizione.")
    with transaction.atomic():
        order = _locked_order(order_id)
        if order.signed_at is not None:
            raise ValidationFailed("La prescrizione è già firmata.", code="order_already_signed")
        if order.state not in SIGNABLE_STATES:
            raise ValidationFailed(
                "Si firma una prescrizione confermata.", code="order_not_confirmed", field="state"
            )
        document = document_create(
            actor=actor,
            workstation=workstation,
            kind="therapy_sheet",
            title=f"Prescrizione {order.regimen_version.regimen.code} ciclo {order.cycle_number}",
            patient=order.patient,
            template_code="therapy_sheet",
            context=sheet_context(order),
            source=("prescribing", "therapyorder", order.pk),
            sign=True,
            reason=reason.strip() or "Prescrizione di terapia antiblastica",
        )
        order.signed_document_id = document.pk
        order.signed_at = timezone.now()
        order.signed_by = actor
        _touch(order, actor, ["signed_document_id", "signed_at", "signed_by"])
        audit_record(
            event=events.ORDER_SIGNED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            after={"document": document.pk, "sha256": document.sha256},
        )
    return order
