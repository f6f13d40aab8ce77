"""A FOLFOX-4 order ready for the UFA, shared by the service, page and browser tests.

Reference patient (prescribing's factory): M, 180 cm, 80 kg, Mosteller BSA =
sqrt(180 x 80 / 3600) = 2.00 m², so FOLFOX-4 day 1 (de Gramont 2000) is oxaliplatin
85 x 2 = 170 mg, calcium folinate 200 x 2 = 400 mg, fluorouracil bolus 400 x 2 = 800 mg
and 22-hour infusion 600 x 2 = 1200 mg; day 2 the three LV5FU2 drugs again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from corsia.accounts.models import User
from corsia.compounding import services as ufa
from corsia.compounding.demo_data import ensure_demo_packs, load_products
from corsia.compounding.models import Preparation
from corsia.drugs.models import MedicinalProduct
from corsia.patients.models import Patient
from corsia.prescribing import services as orders
from corsia.prescribing.models import TherapyOrder
from corsia.prescribing.tests.factories import library_version, measured_patient


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
    version = library_version("FOLFOX-4", approvers=approvers)
    patient = measured_patient(registrar=registrar, physician=physician)
    order = orders.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=start,
        ward_id=ward_id,
    )
    for event in ("confirm", "send"):
        orders.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    order.refresh_from_db()
    return Folfox(order=order, patient=patient, aic=aic)


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
    expiry = timezone.localdate() + timedelta(days=300)
    for prep in preps:
        largest = MedicinalProduct.objects.filter(ingredient=prep.order_item.ingredient).order_by(
            "-strength"
        )[0]
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
        if release:
            ufa.preparation_release(actor=pharmacist, workstation=None, preparation_id=prep.pk)
        prep.refresh_from_db()
    return preps


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
