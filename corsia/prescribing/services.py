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

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from corsia.accounts.selectors import user_roles
from corsia.audit.models import AuditEvent
from corsia.audit.services import audit_record, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, PermissionRefused, ValidationFailed
from corsia.drugs.models import ActiveIngredient, MedicinalProduct
from corsia.patients.models import Patient
from corsia.prescribing import audit_events as events
from corsia.prescribing.cumulative import BLOCK_CODE as CUMULATIVE_BLOCK_CODE
from corsia.prescribing.cumulative import order_cumulative_ensure, order_cumulative_refresh
from corsia.prescribing.domain.assessment import BodyAssessment, assess_patient
from corsia.prescribing.domain.checks import (
    final_dose_check,
    weight_change_check,
)
from corsia.prescribing.domain.cycle_schedule import (
    OtherCycle,
    ScheduleProblem,
    ensure_schedule_justified,
    schedule_problems,
)
from corsia.prescribing.domain.dose import DoseComponent, MaxDoseAction, compute_dose
from corsia.prescribing.domain.errors import (
    CumulativeDoseExceeded,
    DoseLimitExceeded,
    MaxSingleDoseExceeded,
)
from corsia.prescribing.domain.limits import (
    LIMIT_CHECKS,
    MAX_DOSE,
    LimitBlock,
    LimitOverride,
    final_dose_blocks,
    void_other_values,
)
from corsia.prescribing.domain.order_lines import (
    cycle_dates,
    engine_unit,
    ensure_reason,
    reduced_dose,
    regimen_maximum,
    tablets_for,
)
from corsia.prescribing.domain.patient import PatientMeasures, Sex, check_range
from corsia.prescribing.domain.provenance import format_input
from corsia.prescribing.domain.quantity import AmountUnit, Quantity, amount_unit, convertible
from corsia.prescribing.domain.rounding import RoundingRule
from corsia.prescribing.domain.states import (
    EVENT_LABELS_IT,
    MILESTONE_LABELS_IT,
    MilestoneStep,
    OrderEvent,
    OrderMilestone,
    OrderState,
    authorise_transition,
    can_physician_edit,
    ensure_decision,
    ensure_independent_validator,
    ensure_physician_can_edit,
    may_fire,
    milestone_plan,
)
from corsia.prescribing.domain.validation import VALIDATED_FIELDS, line_fingerprint
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
    # the limits the line's final dose is checked against (computed, reduced or typed)
    maximum: Quantity | None = None


def _archive_maximum(ingredient: ActiveIngredient, unit: AmountUnit) -> Quantity | None:
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
    *, ingredient: ActiveIngredient, max_dose: Decimal | None, dose_unit: str
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
    the line is kept (uncapped) with its block, which only an override releases.

    ``max_dose`` is the regimen component's, in ``ABSOLUTE_UNIT[dose_unit]`` (mcg for a
    mcg/kg dose, g for a g/m² dose); the engine converts it before comparing.

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
    )
    block_code = block_message = ""
    try:
        result = compute_dose(component, body)
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
        amount_unit=mapping.amount_unit.value,
        provenance=result.render(),
        warnings=warnings,
        block_code=block_code,
        block_message=block_message,
        maximum=maximum,
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
    _check_final_dose(item, maximum=dose.maximum)
    _oral_tablets(item)


def _check_final_dose(
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


def _line_maximum(item: OrderItem) -> Quantity | None:
    """The maximum an item's final dose is checked against: the same the engine used for
    its calculated dose."""
    component = item.regimen_component
    maximum, _action = line_maximum(
        ingredient=item.ingredient,
        max_dose=component.max_dose if component is not None else None,
        dose_unit=item.dose_unit,
    )
    return maximum


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
    schedule_reason: str = "",
) -> TherapyOrder:
    """A draft order for one cycle: every dose of every day computed from the latest measures.

    A duplicate cycle or one that starts too early (``domain/cycle_schedule.py``) is
    refused unless ``schedule_reason`` says why; the reason is kept and audited."""
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
        problems = _schedule_problems(patient, version, cycle_number, start_date)
        ensure_schedule_justified(problems, schedule_reason)
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
            schedule_reason=schedule_reason.strip() if problems else "",
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
        order_cumulative_refresh(order)
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
        if problems:
            audit_record(
                event=events.ORDER_SCHEDULE_JUSTIFIED,
                actor=actor,
                workstation=workstation,
                target=order,
                patient_id=patient.pk,
                after={
                    "problems": [
                        {
                            "code": p.code,
                            "order_id": p.order_id,
                            "earliest": p.earliest.isoformat() if p.earliest else None,
                        }
                        for p in problems
                    ],
                    "cycle": cycle_number,
                    "start_date": start_date.isoformat(),
                },
                reason=schedule_reason.strip(),
            )
    return order


def _schedule_problems(
    patient: Patient, version: RegimenVersion, cycle_number: int, start_date: date
) -> list[ScheduleProblem]:
    """Duplicate or too-early cycle of the same regimen for the patient (serialised per
    patient: two physicians creating the same cycle at once cannot both pass)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext('corsia.prescribing.order_create'), %s)",
            [patient.pk],
        )
    others = [
        OtherCycle(
            order_id=o.pk,
            cycle_number=o.cycle_number,
            start_date=o.start_date,
            cycle_length_days=o.regimen_version.cycle_length_days,
        )
        for o in TherapyOrder.objects.filter(
            patient=patient, regimen_version__regimen_id=version.regimen_id
        )
        .exclude(state=OrderState.CANCELLED.value)
        .select_related("regimen_version")
    ]
    return schedule_problems(
        cycle_number=cycle_number,
        start_date=start_date,
        others=others,
        tolerance_days=settings.CORSIA_CYCLE_EARLY_TOLERANCE_DAYS,
    )


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
    if can_physician_edit(OrderState(order.state)):
        _clear_stale_validations(order, actor)


# ---------------------------------------------------------------- per-line validation


def _fingerprint(item: OrderItem) -> str:
    return line_fingerprint({f: getattr(item, f) for f in VALIDATED_FIELDS})


def _clear_stale_validations(order: TherapyOrder, actor: Any, workstation: Any = None) -> None:
    """A line changed after its validation (dose, product, day, status…) loses it: it must
    be validated again. Called after every change of the order's content."""
    stale = [
        item.pk
        for item in OrderItem.objects.filter(order_id=order.pk, validated_by__isnull=False)
        if item.validated_fingerprint != _fingerprint(item)
    ]
    if not stale:
        return
    OrderItem.objects.filter(pk__in=stale).update(
        validated_by=None, validated_at=None, validated_fingerprint=""
    )
    audit_record(
        event=events.ORDER_VALIDATION_CLEARED,
        actor=actor,
        workstation=workstation,
        target=order,
        patient_id=order.patient_id,
        after={"items": stale},
    )


def order_authors(order: TherapyOrder) -> set[int]:
    """Every person who wrote the order: prescribed, edited, confirmed or signed it (from
    the order's own stamps, its transitions and its audit events)."""
    authors = {
        pk
        for pk in (order.prescriber_id, order.confirmed_by_id, order.signed_by_id)
        if pk is not None
    }
    authors |= set(
        OrderTransition.objects.filter(
            order_id=order.pk, event=OrderEvent.CONFIRM.value
        ).values_list("actor_id", flat=True)
    )
    authors |= {
        pk
        for pk in AuditEvent.objects.filter(
            target_type=TherapyOrder._meta.label_lower,
            target_id=str(order.pk),
            event_type__in=[e.code for e in _AUTHOR_EVENTS],
        ).values_list("actor_id", flat=True)
        if pk is not None
    }
    return authors


_AUTHOR_EVENTS = (
    events.ORDER_CREATED,
    events.ORDER_RECALCULATED,
    events.ORDER_ITEM_ADJUSTED,
    events.ORDER_ITEM_STATUS,
    events.ORDER_ITEM_ADDED,
    events.ORDER_DAY_MOVED,
    events.ORDER_UPDATED,
    events.ORDER_DUPLICATED,
    events.ORDER_SIGNED,
    events.ORDER_SCHEDULE_JUSTIFIED,
)


def _ensure_validator(order: TherapyOrder, actor: Any) -> None:
    if not may_fire(OrderEvent.VALIDATE, user_roles(actor)):
        raise PermissionRefused("Il tuo ruolo non può validare le prescrizioni.")
    ensure_independent_validator(
        prescriber_id=order.prescriber_id, validator_id=actor.pk, authors=order_authors(order)
    )


def _stamp_validation(
    order: TherapyOrder, items: Iterable[OrderItem], actor: Any, now: datetime
) -> list[int]:
    """Validate the lines not validated as they are now; returns the ids stamped."""
    stamped = []
    for item in items:
        current = _fingerprint(item)
        if item.validated_by_id is not None and item.validated_fingerprint == current:
            continue
        item.validated_by, item.validated_at, item.validated_fingerprint = actor, now, current
        item.save(update_fields=["validated_by", "validated_at", "validated_fingerprint"])
        stamped.append(item.pk)
    return stamped


def order_item_is_validated(item: OrderItem) -> bool:
    """The line carries a validation of its current content."""
    return item.validated_by_id is not None and item.validated_fingerprint == _fingerprint(item)


def order_items_validate(
    *, actor: Any, workstation: Any, order_id: int, item_ids: Iterable[int]
) -> TherapyOrder:
    """The pharmacist (or a second physician) validates some lines of an order sent to the
    pharmacy, independently of whoever wrote it; the order itself is validated by the
    ``validate`` decision (``order_transition``) once every line needed is."""
    wanted = set(item_ids)
    with transaction.atomic():
        order = _locked_order(order_id)
        if order.state != OrderState.SENT_TO_PHARMACY.value:
            raise ConflictError(
                f"La prescrizione è «{order.state_label}»: si valida quando è inviata in farmacia.",
                code="order_not_sent",
                details={"state": order.state},
            )
        _ensure_validator(order, actor)
        items = list(order.items.filter(pk__in=wanted))
        if len(items) != len(wanted):
            raise ValidationFailed(
                "Farmaco non presente in questa prescrizione.",
                code="item_not_in_order",
                field="item_id",
            )
        stamped = _stamp_validation(order, items, actor, timezone.now())
        audit_record(
            event=events.ORDER_ITEMS_VALIDATED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            after={"items": sorted(wanted), "stamped": stamped},
        )
    return order


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
        order_cumulative_refresh(order)
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
    override_checks: Iterable[str] | None = None,
    expected_version: int | None = None,
    all_days: bool = True,
) -> TherapyOrder:
    """Reduce one drug by a percentage, or set its final dose; a reason is mandatory.

    The new final dose passes the same hard limits as a computed one (the regimen's or the
    archive's maximum, the cumulative lifetime dose), whatever way it was obtained. A value
    above a limit is refused unless ``override_reason`` is given: then an override is
    recorded for each exceeded check (or only ``override_checks``) and for this value only.
    A lower value is never refused (the block stays until an override or a value within
    the limit, which clears it); confirmation refuses while a block is pending.
    """
    checks = None if override_checks is None else set(override_checks)
    if checks is not None and not checks <= set(LIMIT_CHECKS):
        raise ValidationFailed(
            f"Controllo da superare sconosciuto: {', '.join(sorted(checks - set(LIMIT_CHECKS)))}.",
            code="override_check_unknown",
            field="override_checks",
        )
    override_text = override_reason.strip()
    with transaction.atomic():
        order = _editable(actor, order_id, expected_version)
        first = _item_in(order, item_id)
        targets = (
            list(_same_component(order, first).select_related("ingredient", "regimen_component"))
            if all_days
            else [first]
        )
        decimals = order.regimen_version.dose_decimals
        before = [{"id": t.pk, "final_dose": str(t.final_dose)} for t in targets]
        granted: list[dict[str, Any]] = []
        for item in targets:
            item.order = order
            previous_value = item.final_dose
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
            final_dose_check(
                calculated_mg=item.calculated_dose,
                final_mg=new,
                reason=reason,
                unit=item.amount_unit,
            )
            item.final_dose = new
            item.deviation_reason = reason.strip() if new != item.calculated_dose else ""
            cumulative_blocked = item.block_code == CUMULATIVE_BLOCK_CODE
            cumulative_message = item.block_message if cumulative_blocked else ""
            maximum = _line_maximum(item)
            pending = _check_final_dose(item, maximum=maximum)
            if pending and override_text:
                value = item.final_quantity
                stamp = timezone.now().isoformat()
                for block in pending:
                    if checks is not None and block.code not in checks:
                        continue
                    entry = LimitOverride(
                        check=block.code,
                        value=value.value,
                        unit=value.unit.value,
                        reason=override_text,
                        by_id=actor.pk,
                        by=actor.get_full_name() or actor.get_username(),
                        at=stamp,
                    ).as_json()
                    item.overrides = [*item.overrides, entry]
                    granted.append({"item": item.pk, **entry})
                pending = _check_final_dose(item, maximum=maximum)
            if pending and new > previous_value:
                _refuse_above_limit(item, pending)
            if cumulative_blocked and not item.block_code and override_text:
                # the cycle's lifetime total was over its limit: the physician exceeds it
                # knowingly; order_cumulative_refresh keeps it for the total shown (H06)
                item.block_code = CUMULATIVE_BLOCK_CODE
                item.block_message = cumulative_message
                item.override_reason = override_text
            _oral_tablets(item)
            item.save(
                update_fields=[
                    "tablets",
                    "final_dose",
                    "reduction_percent",
                    "deviation_reason",
                    "override_reason",
                    "blocks",
                    "block_code",
                    "block_message",
                    "overrides",
                ]
            )
        order_cumulative_refresh(order)
        _touch(order, actor)
        audit_record(
            event=events.ORDER_ITEM_ADJUSTED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            before={"items": before},
            after={
                "items": [
                    {
                        "id": t.pk,
                        "final_dose": str(t.final_dose),
                        "unit": t.amount_unit,
                        "blocked": [b.code for b in t.pending_blocks],
                    }
                    for t in targets
                ],
                "reduction_percent": str(reduction_percent) if reduction_percent else None,
                "override": bool(granted),
                "overrides": [
                    {"item": g["item"], "check": g["check"], "value": g["value"], "unit": g["unit"]}
                    for g in granted
                ],
            },
            reason=reason or override_text,
        )
    return order


def _refuse_above_limit(item: OrderItem, pending: tuple[LimitBlock, ...]) -> None:
    """A dose raised above a hard limit without an override for this value: nothing saved."""
    error_class: type[DoseLimitExceeded] = (
        MaxSingleDoseExceeded if pending[0].code == MAX_DOSE else CumulativeDoseExceeded
    )
    raise error_class(
        " ".join(b.message for b in pending)
        + " Per superare il limite indicare il motivo del superamento.",
        field="override_reason",
        details={
            "item_id": item.pk,
            "checks": [b.code for b in pending],
            "final_dose": format(item.final_dose.normalize(), "f"),
            "unit": item.amount_unit,
        },
    )


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
        order_cumulative_refresh(order)
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
        order_cumulative_refresh(order)
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
        pending = item.pending_blocks
        raise ValidationFailed(
            " ".join(b.message for b in pending)
            + " Ridurre la dose o indicare il motivo del superamento per questa dose.",
            code="order_blocked_by_limit",
            field="override_reason",
            details={
                "item_id": item.pk,
                "checks": [b.code for b in pending],
                "items": [i.pk for i in blocked],
            },
        )
    order_cumulative_ensure(order_id=order.pk)  # the history may have grown since the draft
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
    """Take one DECISION on the order (confirm, send, validate, return, take charge,
    suspend, resume, cancel…): who, when, where, why recorded.

    The closed loop's milestones (preparation, delivery, administration) are refused
    here (``transition_not_allowed_here``): only :func:`order_milestone_record`, called by
    the services that checked them, records them."""
    _require(actor, VIEW, "Non hai accesso alle prescrizioni.")
    try:
        what = OrderEvent(event)
    except ValueError:
        raise ValidationFailed(
            f"Evento sconosciuto: «{event}».", code="order_event_unknown", field="event"
        ) from None
    ensure_decision(what)
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
            authors=order_authors(order) if what is OrderEvent.VALIDATE else (),
        )
        if what is OrderEvent.CONFIRM:
            _ready_to_confirm(order)
        elif what in (OrderEvent.VALIDATE, OrderEvent.TAKE_CHARGE):
            order_cumulative_ensure(order_id=order.pk)  # another order may have been confirmed
            order_measures_check(order=order, stage=what.value)
        _fire_event(order, what, target, actor=actor, workstation=workstation, reason=reason)
    return order


# Decisions that give the order back to the physician: its validation no longer holds.
_UNVALIDATING = frozenset({OrderEvent.REVISE, OrderEvent.RETURN_TO_PRESCRIBER, OrderEvent.RESUME})


def _fire_event(
    order: TherapyOrder,
    what: OrderEvent,
    target: OrderState,
    *,
    actor: Any,
    workstation: Any,
    reason: str,
) -> None:
    """The only place an order's state changes (the order row is locked, the arrow
    authorised by the caller): stamps, transition row, audit event."""
    before = order.state
    now = timezone.now()
    extra = ["state", "state_reason"]
    if what in _STAMPS:
        by_field, at_field = _STAMPS[what]
        setattr(order, by_field, actor)
        setattr(order, at_field, now)
        extra += [by_field, at_field]
    if what is OrderEvent.VALIDATE:
        _stamp_validation(order, order.items.all(), actor, now)
    if what in _UNVALIDATING:
        order.validated_by, order.validated_at = None, None
        extra += ["validated_by", "validated_at"]
    order.state = target.value
    order.state_reason = reason.strip()
    _touch(order, actor, extra)
    OrderTransition.objects.create(
        order=order,
        from_state=before,
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
        before={"state": before},
        after={"state": target.value, "event": what.value},
        reason=reason.strip(),
    )


def order_milestone_record(
    *,
    actor: Any,
    workstation: Any,
    order_id: int,
    milestone: str | OrderMilestone,
    source: str,
    note: str = "",
) -> MilestoneStep:
    """Record a fact of the closed loop on the order; the one entry point for the other
    modules (compounding: preparation started/completed, check-out; bedside: received,
    administered). Idempotent: an order already at or after the milestone is left alone.

    ``source`` names the recording service (and its object, e.g. the preparation's label);
    it is kept in the transition's reason and in the audit trail. An order that has not
    reached the milestone's arrow yet (ward drugs only, a later day) is left alone; one
    that is suspended, cancelled or back with the physician is not moved either, and the
    event is audited as not applied: the calling service keeps its own refusals."""
    try:
        reached = OrderMilestone(milestone)
    except ValueError:
        raise ValidationFailed(
            f"Traguardo sconosciuto: «{milestone}».", code="order_milestone_unknown"
        ) from None
    with transaction.atomic():
        order = _locked_order(order_id)
        step, path = milestone_plan(OrderState(order.state), reached)
        if step in (MilestoneStep.ALREADY_REACHED, MilestoneStep.NOT_YET):
            return step
        why = f"{MILESTONE_LABELS_IT[reached].capitalize()} ({source.strip()})"
        if note.strip():
            why = f"{why}: {note.strip()}"
        if step is MilestoneStep.NOT_APPLICABLE:
            audit_record(
                event=events.ORDER_MILESTONE_NOT_APPLIED,
                actor=actor,
                workstation=workstation,
                target=order,
                patient_id=order.patient_id,
                before={"state": order.state},
                after={"milestone": reached.value, "source": source},
            )
            return step
        roles = user_roles(actor)
        for event in path:
            if not may_fire(event, roles):
                raise PermissionRefused(
                    f"Il tuo ruolo non può registrare «{EVENT_LABELS_IT[event]}».",
                    details={"event": event.value},
                )
        for event in path:
            target = authorise_transition(
                OrderState(order.state),
                event,
                actor_id=actor.pk,
                actor_roles=roles,
                prescriber_id=order.prescriber_id,
                reason=why,
            )
            _fire_event(order, event, target, actor=actor, workstation=workstation, reason=why)
    return step


def order_duplicate(
    *,
    actor: Any,
    workstation: Any,
    order_id: int,
    start_date: date,
    cycle_number: int | None = None,
    schedule_reason: str = "",
) -> TherapyOrder:
    """The next cycle (or a repeat of any earlier one): same regimen version, reductions
    and added drugs carried over, every dose recomputed from today's measures. A
    duplicate or too-early cycle needs ``schedule_reason`` (as in :func:`order_create`)."""
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
            schedule_reason=schedule_reason,
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
