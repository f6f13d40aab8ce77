"""Making an order: a new cycle from a regimen version, the next cycle from an earlier
one, and recomputing every dose from the latest measures."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import connection, transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients.selectors import patient_current_ward_id, patient_record
from corsia.prescribing import audit_events as events
from corsia.prescribing.cumulative import order_cumulative_refresh
from corsia.prescribing.domain.cycle_schedule import (
    OtherCycle,
    ScheduleProblem,
    ensure_schedule_justified,
    schedule_problems,
)
from corsia.prescribing.domain.order_lines import cycle_dates
from corsia.prescribing.domain.states import OrderState
from corsia.prescribing.interactions_check import order_interactions_note
from corsia.prescribing.models import OrderItem, PatientDiagnosis, TherapyOrder
from corsia.prescribing.services.allergies import order_allergy_check
from corsia.prescribing.services.deviations import order_item_add, order_item_adjust
from corsia.prescribing.services.doses import (
    SNAPSHOT_FIELDS,
    apply_line,
    assess_order,
    component_dose,
    component_weight,
    line_dose,
    registry_alert,
    with_age_band,
)
from corsia.prescribing.services.measures import ensure_not_merged
from corsia.prescribing.services.orders import (
    PRESCRIBE,
    editable_order,
    locked_order,
    order_edit_saved,
)
from corsia.prescribing.services.pgx_alert import pgx_alert
from corsia.prescribing.services.pgx_check import (
    order_pgx_apply_suggested,
    order_pgx_check,
    order_pgx_findings,
)
from corsia.prescribing.services.regulatory import order_regulatory_refresh
from corsia.regimens.selectors import components_for_cycle, ensure_prescribable, version_get


def order_create(
    *,
    actor: User,
    workstation: Workstation,
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
    allergy_override_reason: str = "",
    allergy_acknowledged: bool = False,
    pgx_override_reason: str = "",
    pgx_acknowledged: bool = False,
    pgx_apply_suggested: bool = False,
    pgx_checked_by_caller: bool = False,
) -> TherapyOrder:
    """A draft order for one cycle: every dose of every day computed from the latest measures.

    A duplicate cycle or one that starts too early (``domain/cycle_schedule.py``) is
    refused unless ``schedule_reason`` says why; the reason is kept and audited. A drug the
    patient is allergic to (``domain/allergy_check.py``) is refused unless
    ``allergy_override_reason`` says why (a severe, life-threatening or confirmed
    allergy) or the warning is acknowledged (``allergy_acknowledged``, a mild or suspected
    one); the override is kept on the order and audited.

    A pharmacogenomic recommendation the patient's results match (``domain/pgx_check.py``)
    is refused likewise: a contraindication unless ``pgx_override_reason`` says why, a
    lower recommended starting dose until acknowledged (``pgx_acknowledged``) — or until
    the physician asks for it (``pgx_apply_suggested``: each such line reduced to the
    recommended dose, a typed reduction with its reason). ``pgx_checked_by_caller``: the
    caller (:func:`order_duplicate`) checks once the previous cycle's reductions are
    carried over."""
    require_permission(actor, PRESCRIBE, "Solo il medico può prescrivere.")
    if cycle_number < 1 or line < 1:
        raise ValidationFailed(
            "Ciclo e linea di terapia partono da 1.", code="cycle_invalid", field="cycle_number"
        )
    with transaction.atomic():
        patient = patient_record(patient_id=patient_id)
        ensure_not_merged(patient.merged_into_id)
        version = version_get(version_id=regimen_version_id)
        ensure_prescribable(version)
        if version.max_cycles is not None and cycle_number > version.max_cycles:
            raise ValidationFailed(
                f"Lo schema prevede al massimo {version.max_cycles} cicli.",
                code="cycle_beyond_max",
                field="cycle_number",
            )
        problems = _schedule_problems(patient.pk, version.regimen_id, cycle_number, start_date)
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
            ward_id = patient_current_ward_id(patient_id=patient.pk, user=actor)
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
        body = assess_order(order)
        if version.min_weight_kg is not None and order.weight_kg < version.min_weight_kg:
            raise ValidationFailed(
                f"Peso {order.weight_kg} kg inferiore al minimo dello schema "
                f"({version.min_weight_kg} kg).",
                code="below_min_weight",
                field="weight_kg",
            )
        order.save()
        items = []
        for component in components_for_cycle(version, cycle_number):
            per_unit, unit, band = component_dose(component, order.age_years)
            dose = with_age_band(
                line_dose(
                    ingredient=component.ingredient,
                    dose=per_unit,
                    dose_unit=unit,
                    max_dose=component.max_dose,
                    body=body,
                    patient_id=patient.pk,
                    exclude_order_id=order.pk,
                    decimals=version.dose_decimals,
                    **component_weight(component),
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
                    administrations_per_day=component.administrations_per_day,
                )
                apply_line(item, dose)
                items.append(item)
        if not items:
            raise ValidationFailed(
                f"Lo schema non prevede farmaci per il ciclo {cycle_number}.",
                code="cycle_without_drugs",
                field="cycle_number",
            )
        OrderItem.objects.bulk_create(items)
        order_allergy_check(
            order=order,
            items=items,
            actor=actor,
            workstation=workstation,
            override_reason=allergy_override_reason,
            acknowledged=allergy_acknowledged,
        )
        if pgx_apply_suggested:
            items = _pgx_reduced(actor, workstation, order)
        if not pgx_checked_by_caller:
            order_pgx_check(
                order=order,
                items=items,
                actor=actor,
                workstation=workstation,
                override_reason=pgx_override_reason,
                acknowledged=pgx_acknowledged,
            )
        order_cumulative_refresh(order)
        order_interactions_note(order, actor=actor, workstation=workstation)  # H59
        registered = registry_alert(order, items)
        if pgx_alert(order, items) or registered:
            order.save(update_fields=["warnings"])
        order_regulatory_refresh(order, items)  # registry, 648/96, off-label (warnings)
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


def _pgx_reduced(actor: User, workstation: Workstation, order: TherapyOrder) -> list[OrderItem]:
    """Each drug with a pharmacogenomic dose suggestion reduced to it (a new draft)."""
    current = list(order.items.select_related("ingredient"))
    for finding in order_pgx_findings(order, current):
        if finding.suggestions:
            order_pgx_apply_suggested(
                actor=actor,
                workstation=workstation,
                order_id=order.pk,
                ingredient_id=finding.ingredient_id,
            )
    order.refresh_from_db()
    return list(order.items.select_related("ingredient"))


def _schedule_problems(
    patient_id: int, regimen_id: int, cycle_number: int, start_date: date
) -> list[ScheduleProblem]:
    """Duplicate or too-early cycle of the same regimen for the patient (serialised per
    patient: two physicians creating the same cycle at once cannot both pass)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext('corsia.prescribing.order_create'), %s)",
            [patient_id],
        )
    others = [
        OtherCycle(
            order_id=o.pk,
            cycle_number=o.cycle_number,
            start_date=o.start_date,
            cycle_length_days=o.regimen_version.cycle_length_days,
        )
        for o in TherapyOrder.objects.filter(
            patient_id=patient_id, regimen_version__regimen_id=regimen_id
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


def order_recalculate(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    expected_version: int | None = None,
    pgx_override_reason: str = "",
    pgx_acknowledged: bool = False,
) -> TherapyOrder:
    """Recompute every dose from the latest measures, keeping reductions and suspensions;
    a pharmacogenomic result recorded since is checked as at creation."""
    with transaction.atomic():
        order = editable_order(actor, order_id, expected_version)
        before = {"weight_kg": str(order.weight_kg), "bsa_m2": str(order.bsa_m2)}
        body = assess_order(order)
        version = order.regimen_version
        items = list(order.items.select_related("ingredient", "regimen_component"))
        for item in items:
            item.order = order
            band = None
            if item.regimen_component is not None and item.regimen_component.age_bands:
                item.dose, item.dose_unit, band = component_dose(
                    item.regimen_component, order.age_years
                )
            dose = with_age_band(
                line_dose(
                    ingredient=item.ingredient,
                    dose=item.dose,
                    dose_unit=item.dose_unit,
                    max_dose=item.regimen_component.max_dose if item.regimen_component else None,
                    body=body,
                    patient_id=order.patient_id,
                    exclude_order_id=order.pk,
                    decimals=version.dose_decimals,
                    **component_weight(item.regimen_component),
                ),
                band,
                order.age_years,
            )
            apply_line(item, dose)
            item.save()
        order_pgx_check(
            order=order,
            items=items,
            actor=actor,
            workstation=workstation,
            override_reason=pgx_override_reason,
            acknowledged=pgx_acknowledged,
        )
        order_cumulative_refresh(order)
        registry_alert(order, items)
        pgx_alert(order, items)
        order_regulatory_refresh(order, items)  # registry, 648/96, off-label (warnings)
        order_edit_saved(
            order,
            actor,
            workstation,
            events.ORDER_RECALCULATED,
            fields=SNAPSHOT_FIELDS,
            before=before,
            after={"weight_kg": str(order.weight_kg), "bsa_m2": str(order.bsa_m2)},
        )
    return order


def order_duplicate(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    start_date: date,
    cycle_number: int | None = None,
    schedule_reason: str = "",
    allergy_override_reason: str = "",
    allergy_acknowledged: bool = False,
    pgx_override_reason: str = "",
    pgx_acknowledged: bool = False,
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
            allergy_override_reason=allergy_override_reason,
            allergy_acknowledged=allergy_acknowledged,
            pgx_checked_by_caller=True,
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
                allergy_override_reason=allergy_override_reason,
                allergy_acknowledged=allergy_acknowledged,
                pgx_checked_by_caller=True,
            )
        order = locked_order(order.pk)
        order_pgx_check(
            order=order,
            items=order.items.select_related("ingredient"),
            actor=actor,
            workstation=workstation,
            override_reason=pgx_override_reason,
            acknowledged=pgx_acknowledged,
        )
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
