"""Reads of direct distribution: a patient's plans (with what each still covers),
delegations, dispensings and adherence (PDC); the FEFO lots suggested for a product; the
month's dispensings for the direct distribution's File F. Every read of a patient's data
writes the access log."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.dispensing.domain.coverage import Adherence, Fill, proportion_of_days_covered
from corsia.dispensing.domain.plans import PlanTerms, plan_ceiling, remaining_units
from corsia.dispensing.models import (
    Delegation,
    Dispensing,
    DispensingLine,
    PlanClosure,
    TherapyPlan,
)
from corsia.dispensing.permissions import DISPENSE, VIEW
from corsia.drugs.selectors import pack_aics, product_codes_and_atc, product_get
from corsia.inventory import selectors as stock
from corsia.inventory import selectors_file_f as stock_file_f
from corsia.inventory.domain.file_f import Dispensation, DispensationType
from corsia.patients.selectors import fiscal_codes, patient_get

READ_REFUSED = "Non hai il permesso di consultare la distribuzione diretta."
MAX_WINDOW_DAYS = 3660


def _patient(user: User, patient_id: int, what: str, workstation: Workstation, channel: str) -> int:
    require_permission(user, VIEW, READ_REFUSED)
    patient = patient_get(user=user, patient_id=patient_id)
    access_log_record(
        user=user, patient_id=patient.pk, what=what, workstation=workstation, channel=channel
    )
    return patient.pk


@dataclass(frozen=True)
class PlanView:
    plan: TherapyPlan
    ceiling: int
    dispensed_units: int
    remaining_units: int
    valid_today: bool
    closure: PlanClosure | None = None  # closed before its end


def plan_view(plan: TherapyPlan, today: date) -> PlanView:
    dispensed = int(plan.dispensings.aggregate(total=Sum("units"))["total"] or 0)
    terms = PlanTerms(plan.daily_units, plan.valid_from, plan.valid_to, plan.max_units)
    closure = PlanClosure.objects.filter(plan=plan).first()
    return PlanView(
        plan=plan,
        ceiling=plan_ceiling(terms),
        dispensed_units=dispensed,
        remaining_units=0 if closure else remaining_units(terms, dispensed),
        valid_today=closure is None and plan.valid_from <= today <= plan.valid_to,
        closure=closure,
    )


def patient_plans(
    *, user: User, workstation: Workstation, patient_id: int, channel: str = "web"
) -> list[PlanView]:
    """The patient's therapy plans, newest first, with what each still covers."""
    pk = _patient(user, patient_id, "Piani terapeutici", workstation, channel)
    today = timezone.localdate()
    plans = TherapyPlan.objects.filter(patient_id=pk).select_related("product", "prescriber")
    return [plan_view(plan, today) for plan in plans]


def patient_delegations(
    *, user: User, workstation: Workstation, patient_id: int, channel: str = "web"
) -> list[Delegation]:
    pk = _patient(user, patient_id, "Deleghe al ritiro", workstation, channel)
    return list(Delegation.objects.filter(patient_id=pk).select_related("revocation"))


def dispensing_get(
    *, user: User, workstation: Workstation, dispensing_id: int, channel: str = "web"
) -> Dispensing:
    require_permission(user, VIEW, READ_REFUSED)
    found = Dispensing.objects.filter(pk=dispensing_id).values_list("patient_id", flat=True).first()
    if found is None:
        raise NotFound("Dispensazione non trovata.", code="dispensing_not_found")
    try:
        _patient(user, found, f"Dispensazione {dispensing_id}", workstation, channel)
    except NotFound:
        raise NotFound("Dispensazione non trovata.", code="dispensing_not_found") from None
    return (
        Dispensing.objects.select_related(
            "product", "prescriber", "dispensed_by", "cost_center", "location", "delegation"
        )
        .prefetch_related("lines")
        .get(pk=dispensing_id)
    )


def patient_dispensings(
    *,
    user: User,
    workstation: Workstation,
    patient_id: int,
    product_code: str = "",
    channel: str = "web",
) -> list[Dispensing]:
    """The patient's dispensings, newest first (``product_code``: of that product only)."""
    pk = _patient(user, patient_id, "Dispensazioni", workstation, channel)
    rows = Dispensing.objects.filter(patient_id=pk)
    if product_code:
        rows = rows.filter(product=product_get(code=product_code))
    return list(
        rows.select_related(
            "product", "prescriber", "dispensed_by", "cost_center", "location"
        ).prefetch_related("lines")
    )


@dataclass(frozen=True)
class AdherenceView:
    product_code: str
    since: date
    until: date
    adherence: Adherence
    dispensings: int


def patient_adherence(
    *,
    user: User,
    workstation: Workstation,
    patient_id: int,
    product_code: str,
    since: date | None = None,
    until: date | None = None,
    channel: str = "web",
) -> AdherenceView:
    """PDC of one product over ``[since, until]``: by default from the first dispensing to
    today."""
    pk = _patient(user, patient_id, "Aderenza (PDC)", workstation, channel)
    product = product_get(code=product_code)
    rows = list(
        Dispensing.objects.filter(patient_id=pk, product=product).values_list(
            "dispensed_at", "days_covered"
        )
    )
    fills = [Fill(timezone.localdate(at), days) for at, days in rows]
    end = until or timezone.localdate()
    start = since or min((f.day for f in fills), default=end)
    if end < start or (end - start) > timedelta(days=MAX_WINDOW_DAYS):
        raise ValidationFailed(
            f"Periodo non valido (al massimo {MAX_WINDOW_DAYS} giorni, la fine dopo l'inizio).",
            code="date_range_invalid",
            field="until",
        )
    return AdherenceView(
        product_code=product.code,
        since=start,
        until=end,
        adherence=proportion_of_days_covered(fills, start, end),
        dispensings=len(fills),
    )


@dataclass(frozen=True)
class LotSuggestion:
    lot: str
    expiry: date
    units: int
    location: str


def lot_suggestion(
    *, user: User, product_code: str, units: int, location_code: str = ""
) -> tuple[list[LotSuggestion], int]:
    """The lots to hand over for ``units`` of the product, FEFO (usable today), and the
    units the stock cannot give. No patient data."""
    require_permission(user, DISPENSE, READ_REFUSED)
    product = product_get(code=product_code)
    if isinstance(units, bool) or not isinstance(units, int) or not 0 < units <= 100_000:
        raise ValidationFailed(
            "Le unità devono essere un numero intero da 1 a 100000.",
            code="units_invalid",
            field="units",
        )
    picks = stock.pick_list(
        [(product.pk, units)], stock.stock_locations(location_code), today=timezone.localdate()
    )
    lines = [
        LotSuggestion(lot=t.lot, expiry=t.expiry, units=t.quantity, location=t.location_label)
        for t in picks.lines
    ]
    return lines, int(picks.shortages.get(product.pk, 0))


def file_f_dispensations(*, year: int, month: int) -> list[Dispensation]:
    """The month's desk dispensings as File F lines of type D (one per lot unloaded, at the
    movement's own unit cost); the caller logs whose data it read."""
    return file_f_dispensations_by_month(first=(year, month), last=(year, month)).get(
        (year, month), []
    )


def file_f_dispensations_by_month(
    *, first: tuple[int, int], last: tuple[int, int]
) -> dict[tuple[int, int], list[Dispensation]]:
    """``file_f_dispensations`` of every month from ``first`` to ``last`` (local months), read
    at once: the dispensings' and their lines' own columns, the keys they point to (fiscal
    codes, products' ATC, packs' AIC, cost centres, movements' unit cost) one read each,
    combined by ids. The months without any are left out."""
    start, end = stock.month_bounds(*first)[0], stock.month_bounds(*last)[1]
    if end <= start:
        return {}
    rows = list(
        Dispensing.objects.filter(dispensed_at__gte=start, dispensed_at__lt=end)
        .order_by("dispensed_at", "id")
        .annotate(day=TruncDate("dispensed_at"))
        .values_list("pk", "day", "patient_id", "product_id")
    )
    if not rows:
        return {}
    lines: dict[int, list[tuple[str, int, str, int, int, int]]] = defaultdict(list)
    for dispensing_id, aic, pack_id, lot, units, movement_id, center in (
        DispensingLine.objects.filter(
            dispensing__dispensed_at__gte=start, dispensing__dispensed_at__lt=end
        )
        .order_by("pk")
        .values_list(
            "dispensing_id", "aic", "pack_id", "lot", "units", "movement_id", "cost_center_id"
        )
    ):
        lines[dispensing_id].append((aic, pack_id, lot, units, movement_id, center))
    every = [line for found in lines.values() for line in found]
    aics = {pk: aic for pk, _, aic in pack_aics(product_ids={r[3] for r in rows})}
    fiscal = fiscal_codes({r[2] for r in rows})
    atcs = product_codes_and_atc({r[3] for r in rows})
    costs = stock_file_f.movement_unit_costs({line[4] for line in every})
    centers = stock_file_f.cost_center_codes({line[5] for line in every})
    result: dict[tuple[int, int], list[Dispensation]] = defaultdict(list)
    for pk, day, patient_id, product_id in rows:
        for aic, pack_id, lot, units, movement_id, center in lines.get(pk, []):
            result[(day.year, day.month)].append(
                Dispensation(
                    patient_fiscal_code=fiscal[patient_id],
                    day=day,
                    aic=aic or aics.get(pack_id, ""),
                    atc=atcs[product_id][1],
                    quantity=units,
                    unit_cost=costs[movement_id],
                    cost_center=centers[center],
                    dispensation_type=DispensationType.DIRECT,
                    source=f"dispensazione {pk} (lotto {lot})",
                    patient_id=patient_id,
                )
            )
    return dict(result)
