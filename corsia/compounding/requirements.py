"""Requirements and pick list fed by the planned orders (reads only, plus the access log of
the patients whose trays are shown).

Planned orders are the prescribing orders from the physician's confirmation until the
preparation is under way (confirmed, sent, validated, taken in charge, in preparation);
drafts and orders returned to the prescriber are the *potential* workload, shown apart
and never ordered for. A line counts on its administration day (``scheduled_date``: the
cycle start + day of the cycle − 1, as ``prescribing.domain.order_lines.cycle_dates``
computes it, or the day it was moved to). Only active lines prepared by the pharmacy
count, and not those whose vials were already drawn at the hood (they left the stock or
are in the hood).

The product is the one compounding chose at take-in-charge, else the one it would choose
(``compounding.services.choose_product``); the vial sizes are the products of its family
(``compounding.products.family_products``), and the vials come from the UFA's own planner
(``compounding.domain.requirements.vials_per_day`` → ``compounding.domain.vials.planner.plan_vials``).

Layering: compounding owns this planning (it plans the vials); inventory is a ledger below
compounding and is read only through its selectors (stock levels, locations) and its pure
``domain`` (requirement lines, FEFO). Inventory imports neither compounding nor prescribing
(an import-linter contract). Moved from ``corsia.inventory.planning`` (ADR 0004).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from corsia.audit.services import access_log_record
from corsia.compounding.domain.requirements import (
    DoseVials,
    Pick,
    PlannedDose,
    Tray,
    TrayNeed,
    tray_pick_list,
    units_by_product_day,
    vials_per_dose,
)
from corsia.compounding.domain.vials.inputs import VialSize
from corsia.compounding.products import family_products, product_data
from corsia.compounding.selectors import live_preparations
from corsia.compounding.services import choose_product
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.drugs import selectors as drugs
from corsia.inventory import selectors
from corsia.inventory.domain.requirements import RequirementLine
from corsia.inventory.selectors import stock_locations
from corsia.prescribing.selectors import pharmacy_lines

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct
    from corsia.inventory.models import StorageLocation
    from corsia.prescribing.models import OrderItem

VIEW_REQUIREMENTS = "inventory.view_requirements"
PLANNED_STATES = ("confirmed", "sent_to_pharmacy", "validated", "taken_in_charge", "in_preparation")
POTENTIAL_STATES = ("draft", "returned_to_prescriber")
DEFAULT_DAYS = 3
MAX_DAYS = 14


@dataclass(frozen=True)
class ProductRequirement:
    product: MedicinalProduct
    per_day: tuple[int, ...]  # planned vials, one per day of the window
    potential_per_day: tuple[int, ...]  # vials of drafts, one per day
    line: RequirementLine | None  # None: only potential needs

    @property
    def units_needed(self) -> int:
        return sum(self.per_day)

    @property
    def potential_units(self) -> int:
        return sum(self.potential_per_day)


@dataclass(frozen=True)
class PickRow:
    pick: Pick
    product: MedicinalProduct


@dataclass(frozen=True)
class Shortage:
    need: TrayNeed
    product: MedicinalProduct


@dataclass(frozen=True)
class Unplanned:
    """A line whose vials cannot be computed: the pharmacist must look at it."""

    tray: Tray
    ingredient: str
    dose: Decimal
    unit: str
    reason: str
    potential: bool


@dataclass(frozen=True)
class DoseRow:
    """A planned dose with its vials named by product (the "vials per dose" table)."""

    planned: DoseVials
    vials: tuple[tuple[MedicinalProduct, int], ...]


@dataclass(frozen=True)
class PlannedRequirements:
    days: tuple[date, ...]
    products: tuple[ProductRequirement, ...]
    doses: tuple[DoseVials, ...]  # planned
    potential_doses: tuple[DoseVials, ...]
    picks: tuple[PickRow, ...]
    shortages: tuple[Shortage, ...]
    unplanned: tuple[Unplanned, ...]
    lines_already_drawn: int
    locations: tuple[StorageLocation, ...]

    @property
    def dose_rows(self) -> list[DoseRow]:
        products = {p.product.code: p.product for p in self.products}
        return [
            DoseRow(d, tuple((products[code], n) for code, n in d.vials if code in products))
            for d in self.doses
        ]


def days_window(*, today: date, days: int) -> tuple[date, ...]:
    if isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(
            f"Giorni da considerare: da 1 a {MAX_DAYS}.", code="days_out_of_range", field="days"
        )
    return tuple(today + timedelta(days=n) for n in range(days))


@dataclass
class _Catalogue:
    """The vial sizes of every family met, and product code -> product."""

    sizes: dict[str, VialSize]
    stability: dict[str, Decimal | None]
    products: dict[str, MedicinalProduct]
    family_of: dict[int, str]

    def family(self, product: MedicinalProduct) -> str:
        if product.pk not in self.family_of:
            data = product_data(product)  # NotCompoundable when the archive lacks data
            members = family_products(product)
            for member in members:
                value = product_data(member)
                self.sizes[value.code] = VialSize(
                    value.code,
                    value.family,
                    value.strength_mg,
                    drugs.product_unit_price(product_id=member.pk),
                )
                self.products[value.code] = member
            opened = data.opened_stability
            self.stability[data.family] = opened.hours if opened is not None else None
            self.family_of[product.pk] = data.family
        return self.family_of[product.pk]


def _tray(item: OrderItem) -> Tray:
    order = item.order
    patient = order.patient
    return Tray(
        day=item.scheduled_date,
        patient=f"{patient.surname.upper()} {patient.given_names} ({patient.mrn})",
        order_id=order.pk,
        order=f"{order.regimen_version.regimen.code} C{order.cycle_number}",
        patient_id=patient.pk,
    )


def _items(days: Sequence[date]) -> list[OrderItem]:
    return list(
        pharmacy_lines(
            first_day=days[0], last_day=days[-1], states=(*PLANNED_STATES, *POTENTIAL_STATES)
        )
        .select_related(
            "ingredient", "product", "order__patient", "order__regimen_version__regimen"
        )
        .order_by("scheduled_date", "order__patient__surname", "order_id", "sequence")
    )


def planned_requirements(
    *,
    user: User,
    today: date,
    days: int = DEFAULT_DAYS,
    location_code: str = "",
    workstation: Workstation = None,
    channel: str = "web",
) -> PlannedRequirements:
    """Vials per product and day for the planned orders of ``days`` days from ``today``,
    the stock that covers them, what to order, and the tray-by-tray pick list."""
    require_permission(user, VIEW_REQUIREMENTS, "Non hai accesso al fabbisogno della UFA.")
    window = days_window(today=today, days=days)
    locations = stock_locations(location_code)
    items = _items(window)
    preps = live_preparations(item_ids=[i.pk for i in items])
    catalogue = _Catalogue({}, {}, {}, {})
    planned: list[PlannedDose] = []
    potential: list[PlannedDose] = []
    unplanned: list[Unplanned] = []
    drawn = 0
    for item in items:
        is_potential = item.order.state in POTENTIAL_STATES
        prep = preps.get(item.pk)
        if prep is not None and prep.vials_drawn:
            drawn += 1
            continue
        dose = prep.dose_mg if prep is not None else item.final_dose
        product: MedicinalProduct | None
        if prep is not None and prep.product_id is not None:
            product = drugs.product_find(product_id=prep.product_id)
        else:
            product = choose_product(item)
        reason = ""
        if product is None:
            reason = "nessun medicinale in archivio con dosaggio e concentrazione"
        else:
            try:
                family = catalogue.family(product)
            except CorsiaError as error:
                reason = error.message
        if reason or product is None:
            unplanned.append(
                Unplanned(
                    _tray(item), item.ingredient.name_it, dose, item.amount_unit, reason,
                    is_potential,
                )
            )  # fmt: skip
            continue
        (potential if is_potential else planned).append(
            PlannedDose(f"I{item.pk}", _tray(item), item.ingredient.name_it, family, dose)
        )
    sizes = list(catalogue.sizes.values())
    planned_vials = vials_per_dose(planned, sizes, catalogue.stability) if planned else []
    potential_vials = vials_per_dose(potential, sizes, catalogue.stability) if potential else []
    ids = {code: p.pk for code, p in catalogue.products.items()}
    by_id = {p.pk: p for p in catalogue.products.values()}
    per_day = units_by_product_day(planned_vials, ids)
    per_day_potential = units_by_product_day(potential_vials, ids)
    lines = {
        line.product_id: line
        for line in selectors.requirements(
            [(pid, day, units) for (pid, day), units in per_day.items()], locations, today=today
        )
    }
    product_ids = sorted(
        {pid for pid, _d in per_day} | {pid for pid, _d in per_day_potential},
        key=lambda pid: (by_id[pid].name, by_id[pid].strength or 0, pid),
    )
    products = tuple(
        ProductRequirement(
            product=by_id[pid],
            per_day=tuple(per_day.get((pid, d), 0) for d in window),
            potential_per_day=tuple(per_day_potential.get((pid, d), 0) for d in window),
            line=lines.get(pid),
        )
        for pid in product_ids
    )
    tray_units: dict[tuple[Tray, int], int] = defaultdict(int)
    for planned_dose in planned_vials:
        for code, units in planned_dose.vials:
            tray_units[(planned_dose.dose.tray, ids[code])] += units
    picked = tray_pick_list(
        [TrayNeed(tray, pid, units) for (tray, pid), units in tray_units.items()],
        selectors.stock_by_product({pid for _t, pid in tray_units}, locations),
        today=today,
    )
    for patient_id in sorted(
        {d.tray.patient_id for d in [*planned, *potential]} | {u.tray.patient_id for u in unplanned}
    ):
        access_log_record(
            user=user,
            patient_id=patient_id,
            what="fabbisogno UFA e lista di prelievo",
            workstation=workstation,
            channel=channel,
        )
    return PlannedRequirements(
        days=window,
        products=products,
        doses=tuple(planned_vials),
        potential_doses=tuple(potential_vials),
        picks=tuple(PickRow(p, by_id[p.product_id]) for p in picked.picks),
        shortages=tuple(Shortage(s, by_id[s.product_id]) for s in picked.shortages),
        unplanned=tuple(unplanned),
        lines_already_drawn=drawn,
        locations=locations,
    )
