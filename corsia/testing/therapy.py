"""Builders of the ward therapy's tests: a ward with beds, an inpatient in bed 12, ward
drugs of the archive with their packs (valid AICs), a prescription written through the
service."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.drugs.domain.aic import aic_check_digit
from corsia.drugs.models import ActiveIngredient, MedicinalProduct, Pack
from corsia.patients.models import BedOrChair, Patient, Ward
from corsia.patients.services import encounter_admit
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered
from corsia.therapy import services
from corsia.therapy.models import WardPrescription


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


def ward_drug(code: str, name_it: str, atc: str, aic8: str, **fields: Any) -> WardDrug:
    ingredient = ActiveIngredient.objects.filter(code=code).first()
    if ingredient is None:
        ingredient = ActiveIngredient.objects.create(
            code=code, name_en=code, name_it=name_it, atc_code=atc, **fields
        )
    product = MedicinalProduct.objects.create(
        code=f"{code}-{aic8}", ingredient=ingredient, name=f"{name_it} generico {aic8[-2:]}"
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
