"""The direct-distribution desk the tests dispense at: its people, two patients, three
oral drugs (one under an AIFA monitoring registry), a pharmacy shelf with lots, the desk's
cost centre; pack barcodes as a scanner reads them; and the stock ledger's check (every
lot's quantity is the sum of its movements)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Sum

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.dispensing import services
from corsia.drugs.models import ActiveIngredient, MedicinalProduct, Pack
from corsia.inventory import services as inventory
from corsia.inventory.models import CostCenter, StockLot, StorageLocation
from corsia.patients.domain.search import search_key
from corsia.patients.models import Patient

ROME = ZoneInfo("Europe/Rome")
# "Now" at the desk: Thursday 15 October 2026, 10:00 in Rome.
NOW = datetime(2026, 10, 15, 10, 0, tzinfo=ROME)
TODAY = date(2026, 10, 15)

MakeUser = Callable[..., User]


@dataclass
class Desk:
    pharmacist: User
    technician: User
    physician: User
    patient: Patient
    other_patient: Patient
    shelf: StorageLocation
    cost_center: CostCenter
    capecitabine: MedicinalProduct  # 500 mg tablets, 120 a pack
    capecitabine_low: MedicinalProduct  # 150 mg tablets, 60 a pack: "another drug"
    lenalidomide: MedicinalProduct  # 25 mg capsules, 21 a pack, AIFA registry
    packs: dict[str, Pack]

    def load(self, product: MedicinalProduct, lot: str, expiry: date, units: int) -> None:
        inventory.stock_load(
            actor=self.pharmacist,
            workstation="test",
            supplier="Fornitore",
            document_number=f"DDT-{product.pk}-{lot}",
            document_date=TODAY,
            lines=[
                inventory.LoadLine(
                    product=product, lot=lot, expiry=expiry, quantity=units,
                    unit_cost=Decimal("1.5000"),
                )
            ],
            location=self.shelf,
            now=NOW,
        )  # fmt: skip


def _product(
    code: str, inn: str, atc: str, name: str, strength: int, **flags: Any
) -> MedicinalProduct:
    ingredient, _ = ActiveIngredient.objects.get_or_create(
        code=inn, defaults={"name_en": inn, "name_it": inn, "atc_code": atc, **flags}
    )
    return MedicinalProduct.objects.create(
        code=code, ingredient=ingredient, name=name, strength=Decimal(strength), form="compresse"
    )


def desk_ready(make_user: MakeUser) -> Desk:
    """The desk with nothing in stock (``Desk.load`` fills the shelf)."""
    pharmacist = make_user(Role.PHARMACIST)
    cape = _product("cape_500_test", "capecitabine_t", "L01BC06", "Capecitabina 500 mg Test", 500)
    cape_low = _product(
        "cape_150_test", "capecitabine_t", "L01BC06", "Capecitabina 150 mg Test", 150
    )
    lena = _product(
        "lena_25_test", "lenalidomide_t", "L04AX04", "Lenalidomide 25 mg Test", 25,
        aifa_registry=True,
    )  # fmt: skip
    packs = {
        "cape": Pack.objects.create(
            code="cape-500-120", product=cape, aic="990000010", gtin="08001234567897",
            units_per_pack=120,
        ),
        "cape_low": Pack.objects.create(
            code="cape-150-60", product=cape_low, aic="990000022", units_per_pack=60
        ),
        "lena": Pack.objects.create(
            code="lena-25-21", product=lena, aic="990000034", units_per_pack=21
        ),
    }  # fmt: skip
    shelf = inventory.location_save(
        actor=pharmacist, workstation="test", code="DD1", name="Distribuzione diretta",
        kind="pharmacy", pick_order=1,
    )  # fmt: skip
    cost_center = inventory.cost_center_save(
        actor=pharmacist, workstation="test", code="CC-DD", name="Distribuzione diretta"
    )
    patient = Patient.objects.create(
        mrn="DD0001", codice_fiscale="RSSMRA85T10A562S", surname="Rossi", given_names="Mario",
        sex="M", date_of_birth=date(1985, 12, 10),
        search_text=search_key(surname="Rossi", given_names="Mario"),
    )  # fmt: skip
    other = Patient.objects.create(
        mrn="DD0002", codice_fiscale="BNCNNA70D42H501A", surname="Bianchi", given_names="Anna",
        sex="F", date_of_birth=date(1970, 4, 2),
        search_text=search_key(surname="Bianchi", given_names="Anna"),
    )  # fmt: skip
    return Desk(
        pharmacist=pharmacist,
        technician=make_user(Role.TECHNICIAN),
        physician=make_user(Role.PHYSICIAN),
        patient=patient,
        other_patient=other,
        shelf=shelf,
        cost_center=cost_center,
        capecitabine=cape,
        capecitabine_low=cape_low,
        lenalidomide=lena,
        packs=packs,
    )


def pack_code(pack: Pack, *, lot: str = "", expiry: date | None = None, serial: str = "") -> str:
    """What the scanner reads on the pack: the Italian GS1 DataMatrix (AI 716 = the AIC,
    17 = expiry AAMMGG, 10 = lot, 21 = serial) when a lot is given, else the AIC barcode."""
    if not lot:
        return f"A{pack.aic}"
    parts = [f"(716){pack.aic}"]
    if expiry is not None:
        parts.append(f"(17){expiry:%y%m%d}")
    parts.append(f"(10){lot}")
    if serial:
        parts.append(f"(21){serial}")
    return "".join(parts)


def dispensing_input(desk: Desk, scans: list[str], **fields: Any) -> services.DispensingInput:
    """A first-cycle-at-discharge dispensing of capecitabine by default (4 tablets a day,
    the patient collecting), with ``fields`` in place of the ones given."""
    data: dict[str, Any] = {
        "patient_code": desk.patient.codice_fiscale,
        "kind": "discharge",
        "prescriber_id": desk.physician.pk,
        "scans": scans,
        "location_code": desk.shelf.code,
        "cost_center_code": desk.cost_center.code,
        "product_code": desk.capecitabine.code,
        "daily_units": Decimal(4),
        **fields,
    }
    return services.DispensingInput(**data)


def held(product: MedicinalProduct, lot: str | None = None) -> int:
    rows = StockLot.objects.filter(product=product)
    if lot is not None:
        rows = rows.filter(lot=lot)
    return int(rows.aggregate(total=Sum("quantity"))["total"] or 0)


@dataclass
class OralOrderDesk:
    """A capecitabine order (CAPE-MBC: 5 × 500 mg twice a day, days 1-14 = 140 tablets of
    500 mg for the cycle) validated by the pharmacy, and the desk's shelf with Xeloda-like
    packs of 120 tablets of 500 mg and 60 of 150 mg."""

    order: Any  # prescribing's TherapyOrder
    patient: Patient
    physician: User
    pharmacist: User
    product: MedicinalProduct  # capecitabine 500 mg
    other_strength: MedicinalProduct  # capecitabine 150 mg: not in the order
    pack: Pack
    shelf: StorageLocation
    cost_center: CostCenter


def oral_order_ready(
    make_user: MakeUser, *, events: tuple[str, ...] = ("validate",)
) -> OralOrderDesk:
    """The order confirmed and sent by its physician, then the pharmacist's ``events``
    (validated by default; ``()`` leaves it sent to the pharmacy)."""
    from corsia.prescribing import services as prescribing
    from corsia.testing.prescribing import library_order

    physician, pharmacist = make_user(Role.PHYSICIAN), make_user(Role.PHARMACIST)
    capecitabine = ActiveIngredient.objects.get(code="capecitabine")
    products = {
        strength: MedicinalProduct.objects.create(
            code=f"capecitabine_{strength}_desk", ingredient=capecitabine,
            name=f"Capecitabina {strength} mg", strength=Decimal(strength),
            physical_state="solid_oral", form="compresse",
        )
        for strength in (150, 500)
    }  # fmt: skip
    order = library_order(
        "CAPE-MBC", physician=physician, approvers=(make_user(Role.PHYSICIAN), physician),
        registrar=make_user(Role.COORDINATOR), start=TODAY, events=("confirm", "send"),
    )  # fmt: skip
    for event in events:
        order = prescribing.order_transition(
            actor=pharmacist, workstation=None, order_id=order.pk, event=event
        )
    pack = Pack.objects.create(
        code="cape-500-120-desk", product=products[500], aic="990000046", units_per_pack=120
    )
    Pack.objects.create(
        code="cape-150-60-desk", product=products[150], aic="990000059", units_per_pack=60
    )
    shelf = inventory.location_save(
        actor=pharmacist, workstation="test", code="DD1", name="Distribuzione diretta",
        kind="pharmacy", pick_order=1,
    )  # fmt: skip
    cost_center = inventory.cost_center_save(
        actor=pharmacist, workstation="test", code="CC-DD", name="Distribuzione diretta"
    )
    for product, lot in ((products[500], "X500"), (products[150], "X150")):
        inventory.stock_load(
            actor=pharmacist, workstation="test", supplier="Fornitore",
            document_number=f"DDT-{lot}", document_date=TODAY,
            lines=[inventory.LoadLine(product=product, lot=lot, expiry=date(2030, 1, 31),
                                      quantity=360, unit_cost=Decimal("1.5000"))],
            location=shelf, now=NOW,
        )  # fmt: skip
    return OralOrderDesk(
        order=order, patient=order.patient, physician=physician, pharmacist=pharmacist,
        product=products[500], other_strength=products[150], pack=pack, shelf=shelf,
        cost_center=cost_center,
    )  # fmt: skip
