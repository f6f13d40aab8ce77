"""Reads of parenteral nutrition. The preview computes a bag from the pharmacy's data and
saves nothing; it reads no patient record (the caller sends the measures), so it writes no
access-log entry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from corsia.audit.services import access_log_record, access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound
from corsia.nutrition import reference
from corsia.nutrition.domain.checks import Assessment, Patient, Route, Settings, assess
from corsia.nutrition.domain.composition import Item, Unit
from corsia.nutrition.domain.sheet import Step, compounder_csv, compounding_sequence
from corsia.nutrition.models import NutritionOrder, OrderState, WardTemplate
from corsia.nutrition.permissions import PREVIEW, VIEW_ORDER
from corsia.patients.scope import scoped_to_patients
from corsia.patients.selectors import patient_get


def nutrition_settings() -> Settings:
    return Settings(
        peripheral_max_mosm_l=Decimal(settings.CORSIA_NUTRITION_PERIPHERAL_MAX_MOSM_L),
        weight_max_age_days=settings.CORSIA_NUTRITION_WEIGHT_MAX_AGE_DAYS,
    )


def nutrition_preview(
    *, user: User | None, patient: Patient, items: Sequence[Item], infusion_hours: Decimal
) -> Assessment:
    """The bag's composition and its checks; refusals raise ``ValidationFailed``."""
    require_permission(user, PREVIEW)
    return assess(
        patient=patient,
        items=items,
        infusion_hours=infusion_hours,
        catalogue=reference.catalogue(),
        limits=reference.limits(),
        curves=reference.curves(),
        today=timezone.localdate(),
        settings=nutrition_settings(),
    )


# --- the saved orders ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanEntry:
    """One validated order on the pharmacy's work plan: its compounding sheet (the
    additions in sequence) and the compounder's CSV."""

    order: NutritionOrder
    steps: tuple[Step, ...]
    csv: str
    rate_ml_h: Decimal
    volume_ml: Decimal


def _orders() -> QuerySet[NutritionOrder]:
    return NutritionOrder.objects.select_related(
        "patient", "prescriber", "signed_by", "validated_by", "template"
    ).prefetch_related("lines", "weighings__weighed_by")


def order_get(
    *, user: User, order_id: int, workstation: Workstation, channel: str = "web"
) -> NutritionOrder:
    """One order (logged read); out of the user's scope: not found."""
    require_permission(user, VIEW_ORDER)
    order = _orders().filter(pk=order_id).first()
    if order is None:
        raise NotFound("Nutrizione parenterale non trovata.", code="nutrition_order_not_found")
    patient_get(user=user, patient_id=order.patient_id)
    access_log_record(
        user=user, patient_id=order.patient_id, what=f"nutrizione parenterale #{order.pk}",
        workstation=workstation, channel=channel,
    )  # fmt: skip
    return order


def patient_orders(
    *, user: User, patient_id: int, workstation: Workstation, channel: str = "web"
) -> list[NutritionOrder]:
    require_permission(user, VIEW_ORDER)
    patient = patient_get(user=user, patient_id=patient_id)
    access_log_record(
        user=user, patient_id=patient.pk, what="nutrizioni parenterali",
        workstation=workstation, channel=channel,
    )  # fmt: skip
    return list(_orders().filter(patient_id=patient.pk).order_by("-for_date", "-id")[:100])


def order_assessment(order: NutritionOrder) -> Assessment:
    """The order's bag computed again from its lines on its stored weight (for the sheet;
    the signed figures are ``order.results``)."""
    assert order.weight_kg is not None and order.age_days is not None
    return assess(
        patient=Patient(
            weight_kg=order.weight_kg, route=Route(order.route), age_days=order.age_days,
            preterm=order.preterm,
        ),
        items=[Item(line.code, line.amount, Unit(line.unit)) for line in order.lines.all()],
        infusion_hours=order.infusion_hours,
        catalogue=reference.catalogue(),
        limits=reference.limits(),
        curves=reference.curves(),
        today=timezone.localdate(),
        settings=nutrition_settings(),
    )  # fmt: skip


def plan_entry(order: NutritionOrder) -> PlanEntry:
    assessment = order_assessment(order)
    steps = compounding_sequence(assessment.composition.parts)
    return PlanEntry(
        order=order,
        steps=steps,
        csv=compounder_csv(bag_id=order.bag_id, steps=steps, blocked=assessment.blocked),
        rate_ml_h=assessment.composition.rate_ml_h,
        volume_ml=assessment.composition.volume_ml,
    )


def work_plan(
    *, user: User, day: date, workstation: Workstation, channel: str = "web"
) -> list[PlanEntry]:
    """The pharmacy's NPT work of ``day``: the validated orders (and those already
    compounded), each with its sheet; one access-log row per patient shown."""
    require_permission(user, VIEW_ORDER)
    rows = _orders().filter(for_date=day, state__in=[OrderState.VALIDATED, OrderState.PREPARED])
    orders = list(scoped_to_patients(user, rows).order_by("id"))
    if orders:
        access_log_record_many(
            user=user, patient_ids=sorted({o.patient_id for o in orders}),
            what=f"piano di lavoro NPT del {day:%d/%m/%Y}", workstation=workstation,
            channel=channel,
        )  # fmt: skip
    return [plan_entry(o) for o in orders]


def order_compounder_csv(
    *, user: User, order_id: int, workstation: Workstation, channel: str = "web"
) -> str:
    """The compounder's CSV of a validated order (before: refused, ``nutrition_order_not_validated``)."""
    order = order_get(user=user, order_id=order_id, workstation=workstation, channel=channel)
    if order.state not in (OrderState.VALIDATED, OrderState.PREPARED):
        raise ConflictError(
            "Si esporta per l'allestimento solo una nutrizione parenterale validata.",
            code="nutrition_order_not_validated",
        )
    return plan_entry(order).csv


def ward_templates(*, user: User, retired: bool = False) -> list[WardTemplate]:
    """The wards' active templates by ward and name (``retired``: the retired ones too)."""
    require_permission(user, VIEW_ORDER)
    rows = WardTemplate.objects.all() if retired else WardTemplate.objects.filter(active=True)
    return list(rows.order_by("ward", "name"))


def ward_template(*, user: User, template_id: int) -> WardTemplate:
    """One active template (retired or unknown: not found)."""
    require_permission(user, VIEW_ORDER)
    template = WardTemplate.objects.filter(pk=template_id, active=True).first()
    if template is None:
        raise NotFound("Schema di reparto non trovato.", code="nutrition_template_not_found")
    return template


LABELLED_STATES = (OrderState.PREPARED, OrderState.ADMINISTERED)
"""The states whose bag carries its printed label: compounded (the expiry is the
compounding time plus the stability), then started at the bedside (a reprint)."""


def order_labelled(
    *, user: User, order_id: int, workstation: Workstation, channel: str = "web"
) -> PlanEntry:
    """The order whose label is printed (a logged read); not yet compounded, cancelled or
    rejected: 409 ``nutrition_label_not_ready`` (a label without its expiry is never
    printed)."""
    order = order_get(user=user, order_id=order_id, workstation=workstation, channel=channel)
    if order.state not in LABELLED_STATES:
        raise ConflictError(
            "L'etichetta si stampa solo per una sacca allestita (con la sua scadenza).",
            code="nutrition_label_not_ready",
        )
    return plan_entry(order)
