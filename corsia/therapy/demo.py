"""Demo ward therapy: for the first inpatients of the oncology ward (ONC), the drugs of a
ward's day — paracetamol as needed, ondansetron at 08:00 and 20:00 for five days,
dexamethasone in the morning for three days — prescribed and signed through the service
(idempotent: a patient with ward prescriptions is left alone). The archive has no
enoxaparin (no heparin is shipped): it is not prescribed here."""

from __future__ import annotations

from decimal import Decimal

from corsia.core.actors import User
from corsia.core.domain.errors import CorsiaError
from corsia.drugs.selectors import ingredient_get
from corsia.patients.selectors import ward_inpatients
from corsia.therapy import services
from corsia.therapy.models import WardPrescription

WARD = "ONC"
PATIENTS = 2


def _plans() -> list[tuple[str, dict[str, object]]]:
    return [
        (
            "paracetamol",
            {"dose": Decimal(1), "dose_unit": "g", "route": "ev", "frequency": "prn",
             "prn_indication": "febbre > 38 °C o dolore NRS > 3",
             "prn_min_interval_hours": Decimal(6), "prn_max_per_day": 3},
        ),
        (
            "ondansetron",
            {"dose": Decimal(8), "dose_unit": "mg", "route": "ev", "frequency": "scheduled",
             "times": ("08:00", "20:00"), "days": 5},
        ),
        (
            "dexamethasone",
            {"dose": Decimal(4), "dose_unit": "mg", "route": "os", "frequency": "scheduled",
             "times": ("08:00",), "days": 3},
        ),
    ]  # fmt: skip


def ensure_demo_ward_therapy(*, physician: User) -> int:
    """Prescriptions created (0 when already there or no inpatient in the ward)."""
    created = 0
    for patient in ward_inpatients(user=physician, ward_code=WARD)[:PATIENTS]:
        if WardPrescription.objects.filter(patient_id=patient.pk).exists():
            continue
        for code, fields in _plans():
            try:
                ingredient = ingredient_get(code=code)
                services.prescription_create(
                    actor=physician,
                    workstation="demo",
                    patient_id=patient.pk,
                    data=services.PrescriptionInput(ingredient_id=ingredient.pk, **fields),  # type: ignore[arg-type]  # the plan's fields, typed above
                )
            except CorsiaError:  # an allergy or an interaction of this demo patient: left out
                continue
            created += 1
    return created
