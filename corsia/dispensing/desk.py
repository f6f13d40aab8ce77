"""Reads of the desk's pages (``views.py``): today's dispensings at this desk, the
patient's desk summary (plans, delegations, dispensings, adherence per product, all read
and logged once), the prescribers and places to choose from. The API reads through
``selectors.py``; these are the same rows, gathered for one page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from corsia.audit.services import access_log_record, access_log_record_many
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.dispensing.domain.coverage import Adherence, Fill, proportion_of_days_covered
from corsia.dispensing.domain.delegation import delegation_valid_on
from corsia.dispensing.models import Delegation, Dispensing, TherapyPlan
from corsia.dispensing.permissions import VIEW
from corsia.dispensing.selectors import READ_REFUSED, PlanView, plan_view
from corsia.dispensing.services.orders import DISPENSABLE_STATES, order_supply
from corsia.drugs.selectors import products_of_ingredients
from corsia.patients.selectors import patient_get
from corsia.prescribing.selectors import patient_orders
from corsia.prescribing.selectors_regulatory import RegistryRequest, order_registry_requests

VIEW_ORDER = "prescribing.view_order"

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct
    from corsia.patients.models import Patient


def desk_today(*, user: User, workstation: Workstation, day: date) -> QuerySet[Dispensing]:
    """The dispensings recorded today at this workstation (every desk's when the request
    names none), newest first, as a query to page (issue 27: before, the newest 200); the
    page shown is logged with ``desk_shown``."""
    require_permission(user, VIEW, READ_REFUSED)
    start = timezone.make_aware(datetime.combine(day, time.min))
    rows = Dispensing.objects.filter(
        dispensed_at__gte=start, dispensed_at__lt=start + timedelta(days=1)
    )
    label = workstation_label(workstation)
    if label:
        rows = rows.filter(workstation=label)
    return rows.select_related("patient", "product", "delegation").order_by("-dispensed_at", "-id")


def desk_shown(
    *, user: User, workstation: Workstation, rows: Iterable[Dispensing]
) -> list[Dispensing]:
    """The page of today's dispensings as shown: each patient on it is a logged read."""
    found = list(rows)
    access_log_record_many(
        user=user,
        patient_ids=sorted({r.patient_id for r in found}),
        what="Dispensazioni del giorno al banco",
        workstation=workstation,
    )
    return found


@dataclass(frozen=True)
class ProductAdherence:
    product: MedicinalProduct
    adherence: Adherence
    since: date
    last: Dispensing


@dataclass(frozen=True)
class OrderLine:
    ingredient: str
    strength_mg: Decimal
    tablets: int  # what the cycle needs
    dispensed: int
    most_per_day: int
    product_code: str  # the archive's product of that drug and strength ("" if none)

    @property
    def remaining(self) -> int:
        return max(self.tablets - self.dispensed, 0)


@dataclass(frozen=True)
class OralOrder:
    order_id: int
    cycle_number: int
    state: str
    start_date: date
    regimen: str
    prescriber_id: int
    lines: list[OrderLine]
    without_tablets: tuple[str, ...]
    # the order's AIFA registry requests (prescribing's regulatory documentation)
    registry_requests: tuple[RegistryRequest, ...] = ()


@dataclass(frozen=True)
class PatientDesk:
    patient: Patient
    plans: list[PlanView]
    delegations: list[Delegation]
    valid_delegations: list[Delegation]
    dispensings: list[Dispensing]
    adherence: list[ProductAdherence]
    orders: list[OralOrder]


def patient_desk(*, user: User, workstation: Workstation, patient_id: int) -> PatientDesk:
    """The patient at the desk: plans with what each still covers, delegations (and those
    valid today), dispensings newest first, PDC per product from its first dispensing to
    today. One access-log row."""
    require_permission(user, VIEW, READ_REFUSED)
    patient = patient_get(user=user, patient_id=patient_id)
    access_log_record(
        user=user, patient_id=patient.pk, what="Banco distribuzione diretta",
        workstation=workstation, channel="web",
    )  # fmt: skip
    today = timezone.localdate()
    plans = TherapyPlan.objects.filter(patient_id=patient.pk).select_related(
        "product", "prescriber"
    )
    delegations = list(
        Delegation.objects.filter(patient_id=patient.pk).select_related("revocation")
    )
    dispensings = list(
        Dispensing.objects.filter(patient_id=patient.pk)
        .select_related("product", "prescriber", "dispensed_by", "delegation", "plan")
        .prefetch_related("lines")
    )
    by_product: dict[int, list[Dispensing]] = {}
    for row in dispensings:
        by_product.setdefault(row.product_id, []).append(row)
    adherence = []
    for rows in by_product.values():
        fills = [Fill(timezone.localdate(r.dispensed_at), r.days_covered) for r in rows]
        since = min(f.day for f in fills)
        adherence.append(
            ProductAdherence(
                product=rows[0].product,
                adherence=proportion_of_days_covered(fills, since, max(today, since)),
                since=since,
                last=rows[0],
            )
        )
    return PatientDesk(
        patient=patient,
        plans=[plan_view(p, today) for p in plans],
        delegations=delegations,
        valid_delegations=[d for d in delegations if _valid_today(d, today)],
        dispensings=dispensings,
        adherence=sorted(adherence, key=lambda a: a.product.name),
        orders=oral_orders(user=user, workstation=workstation, patient_id=patient.pk),
    )


MAX_ORDERS = 6


def oral_orders(*, user: User, workstation: Workstation, patient_id: int) -> list[OralOrder]:
    """The patient's latest orders validated by the pharmacy with oral lines: the tablets
    each drug and strength needs for the cycle and what was dispensed for it (nothing for a
    user who does not read orders)."""
    if not user.has_perm(VIEW_ORDER):
        return []
    found = []
    for order in patient_orders(user=user, patient_id=patient_id):
        if order.state not in DISPENSABLE_STATES:
            continue
        supply = order_supply(actor=user, workstation=workstation, order_id=order.pk)
        if not supply.supply and not supply.without_tablets:
            continue
        dispensed: dict[tuple[str, Decimal], int] = {}
        rows = Dispensing.objects.filter(therapy_order_id=order.pk).values_list(
            "product__ingredient__code", "product__strength", "units"
        )
        for ingredient, strength, units in rows:
            key = (ingredient, Decimal(strength or 0))
            dispensed[key] = dispensed.get(key, 0) + units
        products = products_of_ingredients(codes={s.ingredient for s in supply.supply})
        lines = [
            OrderLine(
                ingredient=s.ingredient, strength_mg=s.strength_mg, tablets=s.tablets,
                dispensed=dispensed.get((s.ingredient, s.strength_mg), 0),
                most_per_day=s.most_per_day,
                product_code=next(
                    (p.code for p in products
                     if p.ingredient.code == s.ingredient and p.strength == s.strength_mg
                     and p.strength_unit == "mg"),
                    "",
                ),
            )
            for s in supply.supply
        ]  # fmt: skip
        found.append(
            OralOrder(
                order_id=order.pk, cycle_number=order.cycle_number, state=order.state,
                start_date=order.start_date, regimen=order.regimen_version.name,
                prescriber_id=order.prescriber_id, lines=lines,
                without_tablets=supply.without_tablets,
                registry_requests=tuple(order_registry_requests(order.pk)),
            )
        )  # fmt: skip
        if len(found) >= MAX_ORDERS:
            break
    return found


def _valid_today(delegation: Delegation, today: date) -> bool:
    revocation = getattr(delegation, "revocation", None)
    return delegation_valid_on(
        valid_from=delegation.valid_from, valid_to=delegation.valid_to, day=today,
        revoked_on=revocation.revoked_on if revocation else None,
    )  # fmt: skip


def prescriber_options() -> QuerySet[User]:
    """The active users who may prescribe (by role or by their own permission)."""
    may = Q(
        groups__permissions__codename="prescribe",
        groups__permissions__content_type__app_label="prescribing",
    ) | Q(
        user_permissions__codename="prescribe",
        user_permissions__content_type__app_label="prescribing",
    )
    return User.objects.filter(may, is_active=True).distinct().order_by("last_name", "username")
