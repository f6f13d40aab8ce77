from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.administration import services
from corsia.administration.models import Pump


@pytest.fixture
def pump(make_user) -> Pump:  # type: ignore[no-untyped-def]  # factory fixture
    return services.pump_register(
        serial="PMP-0001",
        ward_code="DH-ONCO",
        location_label="Poltrona 7",
        host="127.0.0.1",
        port=1,
        actor=make_user(Role.COORDINATOR),
        workstation="test",
    )


# --- bedside administration -------------------------------------------------------------
# FOLFOX-4 cycle 1 starting today for a 180 cm / 80 kg man (BSA 2.00 m², see
# corsia/prescribing/tests/test_orders.py), taken to "prepared" by the pharmacy, with
# stand-in UFA preparations for its pharmacy items (the compounding module is not merged).

from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.utils import timezone  # noqa: E402

from corsia.accounts.models import User  # noqa: E402
from corsia.administration.preparations import (  # noqa: E402
    PreparationInfo,
    preparation_label,
    stand_in_preparations,
    stand_in_register,
)
from corsia.patients.models import Patient  # noqa: E402
from corsia.prescribing import services as prescribing  # noqa: E402
from corsia.prescribing.models import OrderItem, TherapyOrder  # noqa: E402
from corsia.prescribing.tests.factories import library_version, measured_patient  # noqa: E402

# Bag volumes of the stand-in preparations (regimen: glucosio 5% 250 mL; bolus 5-FU 50 mL
# syringe; elastomer 240 mL, a common 2 mL/h x 120 h... here simply the device volume).
BAG_ML = {"oxaliplatin": Decimal("250"), "calcium_folinate": Decimal("250")}


@dataclass
class Folfox:
    order: TherapyOrder
    patient: Patient
    other_patient: Patient
    nurse: User
    physician: User
    items: dict[str, OrderItem]  # day 1, by ingredient code (fluorouracil: bolus)
    fu_infusion: OrderItem
    labels: dict[int, str]  # order item id -> label payload

    def label(self, code: str) -> str:
        return self.labels[self.items[code].pk]

    @property
    def wristband(self) -> str:
        return f"PZ{self.patient.mrn}"


def _prepared_order(make_user, *, physician: User, patient: Patient) -> TherapyOrder:  # type: ignore[no-untyped-def]  # factory fixture
    version = library_version(
        "FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    order = prescribing.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=timezone.localdate(),
    )
    pharmacist = make_user(Role.PHARMACIST)
    steps = [
        (physician, "confirm"),
        (physician, "send"),
        (pharmacist, "validate"),
        (pharmacist, "take_charge"),
        (pharmacist, "start_preparation"),
        (pharmacist, "complete_preparation"),
    ]
    for actor, event in steps:
        order = prescribing.order_transition(
            actor=actor, workstation=None, order_id=order.pk, event=event
        )
    return order


@pytest.fixture
def folfox(make_user) -> Iterator[Folfox]:  # type: ignore[no-untyped-def]  # factory fixture
    physician = make_user(Role.PHYSICIAN)
    registrar = make_user(Role.COORDINATOR)
    patient = measured_patient(registrar=registrar, physician=physician)
    other = measured_patient(
        registrar=registrar,
        physician=physician,
        surname="Verdi",
        given_names="Anna",
        sex="F",
    )
    order = _prepared_order(make_user, physician=physician, patient=patient)
    nurse = make_user(Role.NURSE, username="inf_bianca")
    User.objects.filter(pk=nurse.pk).update(badge_code="BADGE-0042")
    nurse.refresh_from_db()
    day1 = list(order.items.filter(day_of_cycle=1).select_related("ingredient"))
    items: dict[str, OrderItem] = {}
    for item in day1:
        items.setdefault(item.ingredient.code, item)  # first fluorouracil = the bolus
    fu_infusion = next(
        i for i in day1 if i.ingredient.code == "fluorouracil" and i.infusion_type == "continuous"
    )
    labels: dict[int, str] = {}
    preparations = []
    expiry = timezone.now() + timedelta(hours=8)
    for number, item in enumerate((i for i in day1 if i.competence == "pharmacy"), start=501):
        code = preparation_label(number)
        labels[item.pk] = code
        preparations.append(
            PreparationInfo(
                code=code,
                order_item_id=item.pk,
                patient_id=patient.pk,
                ingredient_code=item.ingredient.code,
                dose=item.final_dose,
                volume_ml=BAG_ML.get(item.ingredient.code, Decimal("50")),
                expiry=expiry,
                state="released",
                state_label="Rilasciata",
            )
        )
    for item in day1:
        if item.competence == "ward":
            labels[item.pk] = f"WRD{item.pk}"
    with stand_in_preparations(*preparations):
        yield Folfox(
            order=order,
            patient=patient,
            other_patient=other,
            nurse=nurse,
            physician=physician,
            items=items,
            fu_infusion=fu_infusion,
            labels=labels,
        )


def register_preparation(f: Folfox, item: OrderItem, number: int) -> str:
    """A released stand-in preparation for ``item`` (expires in 8 h); returns its label."""
    code = preparation_label(number)
    stand_in_register(
        PreparationInfo(
            code=code,
            order_item_id=item.pk,
            patient_id=f.patient.pk,
            ingredient_code=item.ingredient.code,
            dose=item.final_dose,
            volume_ml=BAG_ML.get(item.ingredient.code, Decimal("50")),
            expiry=timezone.now() + timedelta(hours=8),
            state="released",
        )
    )
    f.labels[item.pk] = code
    return code
