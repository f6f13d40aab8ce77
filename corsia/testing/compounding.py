"""Test factories and scenarios of compounding (the UFA).

- A FOLFOX-4 order ready for the UFA and its preparations made through the compounding
  services, shared by the service, page and browser tests of compounding and
  administration.
- Products with the values of the shipped archive (``corsia/drugs/data/catalogue.jsonl``)
  written out by hand, as the pure domain reads them (``ProductData``).
- A balance on the far end of a pseudo-terminal, for the serial scale drivers.

Reference patient (prescribing's factory): M, 180 cm, 80 kg, Mosteller BSA =
sqrt(180 x 80 / 3600) = 2.00 m², so FOLFOX-4 day 1 (de Gramont 2000) is oxaliplatin
85 x 2 = 170 mg, calcium folinate 200 x 2 = 400 mg, fluorouracil bolus 400 x 2 = 800 mg
and 22-hour infusion 600 x 2 = 1200 mg; day 2 the three LV5FU2 drugs again.
"""

from __future__ import annotations

import os
import threading
import tty
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from corsia.accounts.models import User
from corsia.compounding import services as ufa
from corsia.compounding.demo_data import ensure_demo_packs, load_products
from corsia.compounding.domain.preparation import GLUCOSE_5, NACL_09
from corsia.compounding.domain.product import (
    PhysicalState,
    ProductData,
    Stability,
    StorageTemperature,
)
from corsia.compounding.domain.scan import (
    ExpectedVial,
    ResolvedPack,
    ScanRefused,
    match_scanned_pack,
)
from corsia.compounding.models import Preparation
from corsia.drugs.domain.barcodes import parse_pack_barcode
from corsia.drugs.models import MedicinalProduct
from corsia.patients.models import Patient
from corsia.prescribing.models import TherapyOrder
from corsia.testing.prescribing import library_order


@dataclass(frozen=True)
class Folfox:
    order: TherapyOrder
    patient: Patient
    aic: dict[str, str]  # product code -> fictitious AIC of its demo pack


def folfox_sent_to_pharmacy(
    *,
    physician: User,
    approvers: tuple[User, User],
    registrar: User,
    start: date,
    ward_id: int | None = None,
) -> Folfox:
    load_products()
    aic = ensure_demo_packs()
    order = library_order(
        "FOLFOX-4",
        physician=physician,
        approvers=approvers,
        registrar=registrar,
        start=start,
        ward_id=ward_id,
        events=("confirm", "send"),
    )
    order.refresh_from_db()
    return Folfox(order=order, patient=order.patient, aic=aic)


def make_preparations(
    folfox: Folfox,
    *,
    pharmacist: User,
    technician: User,
    day: date,
    release: bool = True,
    lot: str = "L1",
) -> list[Preparation]:
    """Validate and take in charge (once), then make the day's preparations at the hood as
    a technician does: scan the largest pack until the dose is drawn, weigh the bag before
    the addition and after it (the first weighing reads the expected weight from the
    check, the second hits it) and, when
    ``release``, have the pharmacist release them."""
    order = TherapyOrder.objects.get(pk=folfox.order.pk)
    if order.state == "sent_to_pharmacy":
        order = ufa.order_item_validate(actor=pharmacist, workstation=None, order_id=order.pk)
    if order.state == "validated":  # take-in-charge creates every day's preparations
        ufa.order_take_charge(actor=pharmacist, workstation=None, order_id=order.pk)
    preps = list(
        Preparation.objects.filter(order_id=order.pk, scheduled_date=day, state="validated")
        .select_related("order_item__ingredient")
        .order_by("order_item__sequence")
    )
    for prep in preps:
        make_preparation(prep, folfox=folfox, technician=technician, lot=lot)
        if release:
            ufa.preparation_release(actor=pharmacist, workstation=None, preparation_id=prep.pk)
        prep.refresh_from_db()
    return preps


def make_preparation(
    prep: Preparation, *, folfox: Folfox, technician: User, lot: str = "L1"
) -> None:
    """Make one preparation at the hood as a technician does, from where it stands (the
    vials already scanned count): scan the largest pack until the dose is drawn, weigh the
    bag before the addition and after it (the first weighing reads the expected weight
    from the check, the second hits it). Not released: that is the pharmacist's act."""
    largest = MedicinalProduct.objects.filter(ingredient=prep.order_item.ingredient).order_by(
        "-strength"
    )[0]
    expiry = timezone.localdate() + timedelta(days=300)
    while sum((v.mg_drawn for v in prep.vials.all()), Decimal(0)) < prep.dose_mg:
        ufa.preparation_scan(
            actor=technician,
            workstation=None,
            preparation_id=prep.pk,
            barcode=folfox.aic[largest.code],
            lot=lot,
            expiry=expiry,
        )
    ufa.preparation_weigh_before(
        actor=technician,
        workstation=None,
        preparation_id=prep.pk,
        scale=ufa.SimulatedScale(Decimal(280), scale_id="BIL-01"),
    )
    probe = ufa.preparation_weigh(
        actor=technician,
        workstation=None,
        preparation_id=prep.pk,
        scale=ufa.SimulatedScale(Decimal(281), scale_id="BIL-01"),
    )
    ufa.preparation_weigh(
        actor=technician,
        workstation=None,
        preparation_id=prep.pk,
        scale=ufa.SimulatedScale(probe.expected_g, scale_id="BIL-01"),
    )


def check_out(folfox: Folfox, *, technician: User, day: date) -> list[str]:
    """Every released preparation of the day into the patient bag; returns their labels."""
    codes = [
        p.label_code or ""
        for p in Preparation.objects.filter(order_id=folfox.order.pk, scheduled_date=day).order_by(
            "order_item__sequence"
        )
    ]
    ufa.checkout_record(
        actor=technician,
        workstation=None,
        order_id=folfox.order.pk,
        day=day,
        label_codes=codes,
        delivery_document=f"DDT-{day:%Y%m%d}",
    )
    return codes


# --- products, as the pure domain reads them ---------------------------------------------

FRIDGE = StorageTemperature.REFRIGERATED


def oxaliplatin(strength: int = 100) -> ProductData:
    """Oxaliplatino generico 5 mg/mL: G5% only, 0.2-0.7 mg/mL, diluted 24 h at 2-8 °C."""
    return ProductData(
        code=f"oxaliplatin_{strength}mg_oxaliplatino",
        ingredient_code="oxaliplatin",
        ingredient_name="oxaliplatino",
        name=f"Oxaliplatino generico 5 mg/mL {strength} mg",
        strength_mg=Decimal(strength),
        physical_state=PhysicalState.CONCENTRATE,
        concentration_mg_ml=Decimal(5),
        family="oxaliplatin:generic:5",
        nominal_volume_ml=Decimal(strength) / 5,
        compatible_diluents=(GLUCOSE_5,),
        final_concentration_min=Decimal("0.2"),
        final_concentration_max=Decimal("0.7"),
        diluted=Stability(Decimal(24), FRIDGE),
        in_use=Stability(Decimal(24), FRIDGE),
        density_g_ml=Decimal("1.000"),
    )


def herceptin() -> ProductData:
    """Herceptin 150 mg powder: 7.2 mL water -> 21 mg/mL, reconstituted 48 h at 2-8 °C."""
    return ProductData(
        code="trastuzumab_150mg_powder_herceptin",
        ingredient_code="trastuzumab",
        ingredient_name="trastuzumab",
        name="Herceptin 150 mg polvere",
        strength_mg=Decimal(150),
        physical_state=PhysicalState.POWDER,
        concentration_mg_ml=Decimal(21),
        family="trastuzumab:roche:21",
        reconstitution_volume_ml=Decimal("7.2"),
        compatible_diluents=(NACL_09,),
        reconstituted=Stability(Decimal(48), FRIDGE),
        diluted=Stability(Decimal(24), FRIDGE),
    )


def ontruzant() -> ProductData:
    """A biosimilar of Herceptin: same numbers, never shared with the originator. Even its
    family key is Herceptin's: a wrongly shared family key must not mix them either."""
    return replace(
        herceptin(),
        code="trastuzumab_150mg_powder_ontruzant",
        name="Ontruzant 150 mg polvere",
        biosimilar_of="trastuzumab_150mg_powder_herceptin",
    )


def paclitaxel() -> ProductData:
    """Paclitaxel 6 mg/mL 300 mg: 0.3-1.2 mg/mL, 27 h at 25 °C, PVC-free, 0.22 µm filter."""
    return ProductData(
        code="paclitaxel_300mg_50ml_paclitaxel",
        ingredient_code="paclitaxel",
        ingredient_name="paclitaxel",
        name="Paclitaxel 6 mg/mL 300 mg/50 mL",
        strength_mg=Decimal(300),
        physical_state=PhysicalState.CONCENTRATE,
        concentration_mg_ml=Decimal(6),
        family="paclitaxel:generic:6",
        compatible_diluents=(NACL_09, GLUCOSE_5),
        final_concentration_min=Decimal("0.3"),
        final_concentration_max=Decimal("1.2"),
        diluted=Stability(Decimal(27), StorageTemperature.ROOM),
        pvc_free_required=True,
        filter_required="filtro in linea 0,22 µm",
        photosensitive=True,
    )


# --- a balance on a serial line ---------------------------------------------------------


class PtyBalance:
    """A balance on the far end of a pseudo-terminal: answers each command with the next
    scripted reply, and records what it received."""

    def __init__(self, replies: list[bytes]) -> None:
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        self._slave = slave
        self.replies = list(replies)
        self.received: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        buffer = b""
        while self.replies:
            try:
                chunk = os.read(self.master, 64)
            except OSError:
                return
            buffer += chunk
            while b"\n" in buffer and self.replies:
                command, buffer = buffer.split(b"\n", 1)
                self.received.append(command + b"\n")
                os.write(self.master, self.replies.pop(0))

    def close(self) -> None:
        self._thread.join(timeout=2)
        os.close(self.master)
        os.close(self._slave)


def scan_refusal(
    *,
    expected: ExpectedVial,
    scanned: str,
    packs: dict[str, ResolvedPack],
    now: datetime,
    lot: str = "",
    expiry: date | None = None,
) -> ScanRefused:
    """The refusal of the pack read at the hood from the barcode text ``scanned`` (the
    archive resolving ``packs``), for a worksheet expecting ``expected``."""
    with pytest.raises(ScanRefused) as refused:
        match_scanned_pack(
            expected=expected,
            scanned=parse_pack_barcode(scanned),
            packs=packs,
            now=now,
            lot=lot,
            expiry=expiry,
        )
    return refused.value
