"""Builders of the ward therapy's tests: a ward with beds, an inpatient in bed 12, ward
drugs of the archive with their packs (valid AICs), a prescription written through the
service; the morning of 10/03/2026 its prints and corrections are tested on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.drugs.domain.aic import aic_check_digit
from corsia.drugs.models import ActiveIngredient, MedicinalProduct, Pack
from corsia.inventory import services as stock
from corsia.inventory.models import StorageLocation
from corsia.patients.models import BedOrChair, Patient, Ward
from corsia.patients.services import encounter_admit
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered
from corsia.therapy import services
from corsia.therapy.models import DoseRecord, WardPrescription

ROME = ZoneInfo("Europe/Rome")
SIGNED = datetime(2026, 3, 10, 7, 0, tzinfo=ROME)  # paracetamol prescribed and signed
EIGHT = datetime(2026, 3, 10, 8, 0, tzinfo=ROME)  # its first dose due
MORNING = datetime(2026, 3, 10, 9, 0, tzinfo=ROME)  # when the tests look


def aic(first_eight: str) -> str:
    """A valid AIC: the 8 digits and their check digit."""
    return f"{first_eight}{aic_check_digit(first_eight)}"


@dataclass(frozen=True)
class WardDrug:
    ingredient: ActiveIngredient
    product: MedicinalProduct
    pack: Pack

    @property
    def scan(self) -> str:
        """What a scanner reads from the pack's stamp (Code 39: "A" + the AIC)."""
        return f"A{self.pack.aic}"


def ward_drug(
    code: str,
    name_it: str,
    atc: str,
    aic8: str,
    product_fields: dict[str, Any] | None = None,
    **fields: Any,
) -> WardDrug:
    ingredient = ActiveIngredient.objects.filter(code=code).first()
    if ingredient is None:
        ingredient = ActiveIngredient.objects.create(
            code=code, name_en=code, name_it=name_it, atc_code=atc, **fields
        )
    product = MedicinalProduct.objects.create(
        code=f"{code}-{aic8}",
        ingredient=ingredient,
        name=f"{name_it} generico {aic8[-2:]}",
        **(product_fields or {}),
    )
    pack = Pack.objects.create(code=f"{code}-{aic8}-1", product=product, aic=aic(aic8))
    return WardDrug(ingredient, product, pack)


def paracetamol() -> WardDrug:
    return ward_drug("paracetamol", "Paracetamolo", "N02BE01", "90100001")


def ondansetron() -> WardDrug:
    return ward_drug("ondansetron", "Ondansetron", "A04AA01", "90100002")


@dataclass(frozen=True)
class Ward12:
    ward: Ward
    patient: Patient
    physician: User
    nurse: User


def inpatient_in_bed(make_user: MakeUser, *, ward_code: str = "MED2", bed: str = "12") -> Ward12:
    """Mario Rossi admitted to bed ``bed`` of the ward ``ward_code``."""
    ward = Ward.objects.create(code=ward_code, name="Medicina 2", kind="inpatient")
    place = BedOrChair.objects.create(ward=ward, code=bed, kind="bed")
    coordinator = make_user(Role.COORDINATOR)
    patient = patient_registered(coordinator)
    encounter_admit(
        actor=coordinator,
        workstation=None,
        patient_id=patient.pk,
        kind="inpatient",
        ward_id=ward.pk,
        place_id=place.pk,
    )
    return Ward12(ward, patient, make_user(Role.PHYSICIAN), make_user(Role.NURSE))


def prescribed(
    physician: User, patient: Patient, drug: WardDrug, **fields: Any
) -> WardPrescription:
    """A prescription written and signed through the service (1 g per os at 08:00, 14:00
    and 20:00 from today, unless ``fields`` say otherwise)."""
    data: dict[str, Any] = {
        "ingredient_id": drug.ingredient.pk,
        "dose": Decimal(1),
        "dose_unit": "g",
        "route": "os",
        "frequency": "scheduled",
        "times": ("08:00", "14:00", "20:00"),
        **fields,
    }
    reason = data.pop("override_reason", "")
    return services.prescription_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.PrescriptionInput(**data),
        decision=services.Decision(override_reason=reason),
    )


def paracetamol_500mg_tablets() -> WardDrug:
    return ward_drug(
        "paracetamol", "Paracetamolo", "N02BE01", "90100003", {"strength": Decimal(500)}
    )


def enoxaparin_4000iu_syringes() -> WardDrug:
    return ward_drug(
        "enoxaparin",
        "Enoxaparina",
        "B01AB05",
        "90100004",
        {"strength": Decimal(4000), "strength_unit": "IU"},
    )


def ward_cabinet(pharmacist: User, ward: Ward, *, code: str = "ARM-MED2") -> StorageLocation:
    """The ward's cabinet and its cost centre (made by the pharmacy, as in the hospital)."""
    stock.cost_center_save(
        actor=pharmacist, workstation="test", code=f"CC-{ward.code}", name=ward.name, ward=ward
    )
    return stock.location_save(
        actor=pharmacist,
        workstation="test",
        code=code,
        name=f"Armadio {ward.name}",
        kind="ward_cabinet",
        ward=ward,
    )


def cabinet_stocked(
    pharmacist: User,
    cabinet: StorageLocation,
    product: MedicinalProduct,
    quantity: int,
    *,
    lot: str = "L1",
) -> None:
    """``quantity`` units of ``product`` loaded into the cabinet (expiring in a year)."""
    now = timezone.now()
    stock.stock_load(
        actor=pharmacist,
        workstation="test",
        supplier="Farmacia",
        document_number=f"TRASF-{lot}",
        document_date=timezone.localdate(),
        lines=[
            stock.LoadLine(
                product=product,
                lot=lot,
                expiry=timezone.localdate() + timedelta(days=365),
                quantity=quantity,
                unit_cost=Decimal("0.10"),
            )
        ],
        location=cabinet,
        now=now,
    )


def paracetamol_signed(ward: Ward12) -> WardPrescription:
    """Paracetamol 1 g per os at 08:00, 14:00 and 20:00, signed by the ward's physician at
    ``SIGNED`` (07:00 on 10/03/2026)."""
    with time_machine.travel(SIGNED, tick=False):
        return prescribed(ward.physician, ward.patient, paracetamol())


def eight_o_clock_given(ward: Ward12, rx: WardPrescription) -> DoseRecord:
    """The 08:00 dose of ``rx`` given at 08:05, recorded by the ward's nurse at tablet-12."""
    with time_machine.travel(datetime(2026, 3, 10, 8, 5, tzinfo=ROME), tick=False):
        return services.dose_record(
            actor=ward.nurse,
            workstation="tablet-12",
            prescription_id=rx.pk,
            data=services.DoseInput(outcome="given", due_at=EIGHT),
        )
