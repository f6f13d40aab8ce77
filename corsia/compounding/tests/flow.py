"""A FOLFOX-4 order ready for the UFA, shared by the service, page and browser tests.

Reference patient (prescribing's factory): M, 180 cm, 80 kg, Mosteller BSA =
sqrt(180 x 80 / 3600) = 2.00 m², so FOLFOX-4 day 1 (de Gramont 2000) is oxaliplatin
85 x 2 = 170 mg, calcium folinate 200 x 2 = 400 mg, fluorouracil bolus 400 x 2 = 800 mg
and 22-hour infusion 600 x 2 = 1200 mg; day 2 the three LV5FU2 drugs again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from corsia.accounts.models import User
from corsia.compounding.demo_data import ensure_demo_packs, load_products
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
