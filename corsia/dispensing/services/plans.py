"""Record a therapy plan (piano terapeutico) at the desk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, workstation_label
from corsia.core.domain.errors import ValidationFailed
from corsia.dispensing import audit_events as events
from corsia.dispensing.models import TherapyPlan
from corsia.dispensing.services.common import (
    clean_text,
    daily_units_of,
    prescriber_get,
    require_dispense,
    whole_units_of,
)
from corsia.drugs.selectors import product_get
from corsia.patients.selectors import patient_get

MAX_PLAN_DAYS = 366  # a piano terapeutico lasts at most a year


@dataclass(frozen=True)
class PlanInput:
    prescriber_id: int
    product_code: str
    daily_units: Decimal
    valid_from: date
    valid_to: date
    max_units: int | None = None
    aifa_registry: bool = False
    plan_number: str = ""


def plan_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: PlanInput, now: datetime
) -> TherapyPlan:
    """Record the plan as written by its prescriber. Refusals: ``daily_units_invalid``,
    ``units_invalid``, ``plan_dates_invalid`` (ends before it starts, or longer than a
    year), ``prescriber_unknown``, ``not_found`` (product), ``invalid_characters``."""
    require_dispense(actor)
    daily = daily_units_of(data.daily_units)
    max_units = None if data.max_units is None else whole_units_of(data.max_units, "max_units")
    if data.valid_to < data.valid_from or data.valid_to - data.valid_from >= timedelta(
        days=MAX_PLAN_DAYS
    ):
        raise ValidationFailed(
            f"Le date del piano non sono valide: dal {data.valid_from:%d/%m/%Y} al "
            f"{data.valid_to:%d/%m/%Y} (al massimo {MAX_PLAN_DAYS} giorni).",
            code="plan_dates_invalid",
            field="valid_to",
        )
    number = clean_text(data.plan_number, "plan_number", max_length=60)
    code = clean_text(
        data.product_code, "product_code", max_length=120, required="Indica il farmaco."
    )
    with transaction.atomic():
        patient = patient_get(user=actor, patient_id=patient_id)
        prescriber = prescriber_get(data.prescriber_id)
        product = product_get(code=code)
        plan = TherapyPlan.objects.create(
            patient_id=patient.pk,
            prescriber=prescriber,
            product=product,
            daily_units=daily,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
            max_units=max_units,
            aifa_registry=bool(data.aifa_registry) or product.ingredient.aifa_registry,
            plan_number=number,
            recorded_by=actor,
            recorded_at=now,
            workstation=workstation_label(workstation),
        )
        audit_record(
            event=events.PLAN_RECORDED,
            actor=actor,
            workstation=workstation,
            target=plan,
            patient_id=patient.pk,
            after={
                "product": product.code,
                "daily_units": str(daily),
                "valid_from": data.valid_from.isoformat(),
                "valid_to": data.valid_to.isoformat(),
                "max_units": max_units,
                "aifa_registry": plan.aifa_registry,
                "prescriber_id": prescriber.pk,
            },
        )
    return plan
