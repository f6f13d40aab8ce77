"""A small year of stock movements (2025, with one unload on 31/12/2024) for the stock
unload report, written by hand so every figure can be counted by hand.

- Oxaliplatino Test (1 vial a pack, AIC 012345678) loaded at 34,5678 € a vial, Fluorouracile
  Test (10 a pack, no AIC) at 3,90 €;
- cost centre CC-DH (ward DHONC): 3 vials of oxaliplatin unloaded on 01/03/2025, 1 given
  back on 02/03/2025; 1 vial wasted on 01/07/2025 charged to it (waste: not consumption);
- cost centre CC-MED (no ward): 2 fluorouracil on 01/06/2025; 1 oxaliplatin on 31/12/2024.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.drugs.models import ActiveIngredient, MedicinalProduct, Pack
from corsia.inventory import services
from corsia.patients.models import Ward
from corsia.testing.accounts import MakeUser

ROME = ZoneInfo("Europe/Rome")


@dataclass(frozen=True)
class StockYear:
    pharmacist: User
    ward: Ward


def _product(code: str, name: str, atc: str, per_pack: int, aic: str) -> MedicinalProduct:
    ingredient, _ = ActiveIngredient.objects.get_or_create(
        code=code, defaults={"name_en": code, "name_it": code, "atc_code": atc}
    )
    product = MedicinalProduct.objects.create(
        code=f"{code}_report_test", ingredient=ingredient, name=name, strength=Decimal(100)
    )
    Pack.objects.create(code=f"{code}-rt", product=product, aic=aic, units_per_pack=per_pack)
    return product


def stock_year(make_user: MakeUser) -> StockYear:
    pharmacist = make_user(Role.PHARMACIST)
    ward = Ward.objects.create(code="DHONC", name="Day Hospital oncologico", kind="day_hospital")
    shelf = services.location_save(
        actor=pharmacist,
        workstation="test",
        code="A",
        name="Armadio A",
        kind="pharmacy",
        pick_order=1,
    )
    dh = services.cost_center_save(
        actor=pharmacist, workstation="test", code="CC-DH", name="Day Hospital", ward=ward
    )
    med = services.cost_center_save(
        actor=pharmacist, workstation="test", code="CC-MED", name="Medicina"
    )
    oxa = _product("oxaliplatin", "Oxaliplatino Test", "L01XA03", 1, "012345678")
    fu = _product("fluorouracil", "Fluorouracile Test", "L01BC02", 10, "")
    loaded = datetime(2024, 12, 1, 9, tzinfo=ROME)
    for product, lot, cost in ((oxa, "OX", "34.5678"), (fu, "FU", "3.90")):
        services.stock_load(
            actor=pharmacist,
            workstation="test",
            supplier="Fornitore",
            document_number=f"DDT-{lot}",
            document_date=loaded.date(),
            lines=[
                services.LoadLine(
                    product=product,
                    lot=lot,
                    expiry=date(2027, 1, 31),
                    quantity=20,
                    unit_cost=Decimal(cost),
                )
            ],
            location=shelf,
            now=loaded,
        )

    def at(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 10, tzinfo=ROME)

    for product, units, centre, day in (
        (oxa, 3, dh, date(2025, 3, 1)),
        (fu, 2, med, date(2025, 6, 1)),
        (oxa, 1, med, date(2024, 12, 31)),
    ):
        services.stock_unload(
            actor=pharmacist, workstation="test", product=product, quantity=units, location=shelf, cost_center=centre,
            reference="report", now=at(day),
        )  # fmt: skip
    services.stock_return(
        actor=pharmacist, workstation="test", product=oxa, lot="OX", quantity=1, to_location=shelf, reason="non usato",
        now=at(date(2025, 3, 2)), cost_center=dh,
    )  # fmt: skip
    services.stock_waste(
        actor=pharmacist, workstation="test", product=oxa, lot="OX", quantity=1, location=shelf, reason="rotto",
        now=at(date(2025, 7, 1)), cost_center=dh,
    )  # fmt: skip
    return StockYear(pharmacist, ward)
