"""The galenic laboratory the tests share: the raw materials in the archive, a pharmacy
shelf with their lots (one of them expired), a cost centre, the demo's two formulas
published, and a batch taken to any step through the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from corsia.core.actors import User
from corsia.core.domain.errors import CorsiaError
from corsia.drugs.models import MedicinalProduct
from corsia.drugs.selectors import products_by_code
from corsia.galenics import services
from corsia.galenics.demo import LOTS, OINTMENT, SUSPENSION, raw_materials_load
from corsia.galenics.models import Batch, Formula
from corsia.inventory import services as stock
from corsia.inventory.models import CostCenter, StockLot, StorageLocation


def refusal_code(call: Callable[..., object]) -> str:
    """The stable code of the ``CorsiaError`` that ``call`` raises (fails if it raises none)."""
    with pytest.raises(CorsiaError) as refused:
        call()
    return refused.value.code


COST_CENTER = "CC-GAL"
EXPIRED_LOT = "OME-OLD"


@dataclass(frozen=True)
class Lab:
    pharmacist: User
    shelf: StorageLocation
    cost_center: CostCenter
    products: dict[str, MedicinalProduct]
    lots: dict[str, str]  # product code -> lot in stock
    expiries: dict[str, date]

    def held(self, code: str) -> int:
        """Units of ``code``'s lot still on the shelf."""
        return StockLot.objects.get(product=self.products[code], lot=self.lots[code]).quantity


def _load(
    actor: User, shelf: StorageLocation, product: MedicinalProduct, lot: str, *, expiry: date,
    units: int, on: date,
) -> None:  # fmt: skip
    moment = datetime(on.year, on.month, on.day, 9, 0, tzinfo=timezone.get_current_timezone())
    stock.stock_load(
        actor=actor,
        workstation="test",
        supplier="Fornitore",
        document_number=f"DDT-{lot}",
        document_date=on,
        lines=[stock.LoadLine(product, lot, expiry, units, Decimal("0.5"))],
        location=shelf,
        now=moment,
    )


def lab_ready(pharmacist: User, *, units: int | None = None) -> Lab:
    """Raw materials, a shelf, a cost centre and the lots of the demo (``units`` each, or
    the demo's), plus an expired omeprazole lot still on the shelf."""
    raw_materials_load()
    shelf = stock.location_save(
        actor=pharmacist, workstation="test", code="GAL", name="Laboratorio galenico",
        kind="pharmacy", pick_order=1,
    )  # fmt: skip
    center = stock.cost_center_save(
        actor=pharmacist, workstation="test", code=COST_CENTER, name="Farmacia — galenica"
    )
    products = products_by_code(code for code, *_ in LOTS)
    today = timezone.localdate()
    expiries = {}
    for n, (code, lot, demo_units, _cost) in enumerate(LOTS):
        expiries[code] = today + timedelta(days=200 + 10 * n)
        _load(
            pharmacist, shelf, products[code], lot, expiry=expiries[code],
            units=units or demo_units, on=today,
        )  # fmt: skip
    _load(
        pharmacist, shelf, products["omeprazole_raw_g"], EXPIRED_LOT,
        expiry=today - timedelta(days=5), units=50, on=today - timedelta(days=100),
    )  # fmt: skip
    return Lab(
        pharmacist=pharmacist,
        shelf=shelf,
        cost_center=center,
        products=products,
        lots={code: lot for code, lot, *_ in LOTS},
        expiries=expiries,
    )


def published(actor: User, data: services.FormulaInput = SUSPENSION) -> Formula:
    draft = services.formula_create(actor=actor, workstation="test", data=data)
    return services.formula_publish(
        actor=actor, workstation="test", formula_id=draft.pk, expected_version=draft.version
    )


# The officinal ointment with its base quanto basta: zinc oxide 0,1 g per g, white soft
# paraffin q.b. to the batch's weight.
OINTMENT_QS = replace(
    OINTMENT,
    code="zinco-ossido-unguento-10-qb",
    ingredients=(
        OINTMENT.ingredients[0],
        services.IngredientInput(
            "white_soft_paraffin_raw_g", None, "g", Decimal(1), "g", quantum_satis=True
        ),
    ),
)


def batch_opened(
    preparer: User, formula: Formula, quantity: Decimal, *, cost_center_code: str = COST_CENTER
) -> Batch:
    """``services.batch_open`` of ``quantity`` of ``formula``, charged to the lab's cost
    centre (or ``cost_center_code``)."""
    return services.batch_open(
        actor=preparer,
        workstation="test",
        formula_id=formula.pk,
        quantity=quantity,
        cost_center_code=cost_center_code,
    )


def batch_weighed(
    lab: Lab, preparer: User, formula: Formula, quantity: Decimal, *, vehicle: Decimal | None = None
) -> Batch:
    """A batch with every line weighed exactly, from the lab's lots; a vehicle q.b. weighed
    ``vehicle`` (required when the formula has one)."""
    batch = batch_opened(preparer, formula, quantity)
    for line in batch.lines.select_related("product"):
        services.line_weigh(
            actor=preparer,
            workstation="test",
            line_id=line.pk,
            quantity=_amount(line.required, vehicle),
            lot=lab.lots[line.product.code],
        )
    return batch


def _amount(required: Decimal | None, vehicle: Decimal | None) -> Decimal:
    if required is not None:
        return required
    if vehicle is None:
        raise ValueError("a vehicle q.b. needs the amount weighed (vehicle=)")
    return vehicle


def batch_prepared(
    lab: Lab, preparer: User, formula: Formula, quantity: Decimal, *, vehicle: Decimal | None = None
) -> Batch:
    """Weighed, every required control passed, declared prepared."""
    batch = batch_weighed(lab, preparer, formula, quantity, vehicle=vehicle)
    for control in formula.quality_controls:
        services.qc_record(
            actor=preparer, workstation="test", batch_id=batch.pk, control=control, passed=True
        )
    return services.batch_prepared(actor=preparer, workstation="test", batch_id=batch.pk)


__all__ = [
    "OINTMENT",
    "OINTMENT_QS",
    "SUSPENSION",
    "Lab",
    "batch_opened",
    "batch_prepared",
    "batch_weighed",
    "lab_ready",
]
