"""Types of the patient registry's factory fixtures (``corsia/patients/tests/conftest.py``),
for annotating tests, and a patient registered through the service for other modules' tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from corsia.accounts.models import User
from corsia.patients import services
from corsia.patients.models import Patient

MakePatient = Callable[..., Patient]


def patient_registered(*, registrar: User, **fields: Any) -> Patient:
    """Mario Rossi, born 10/12/1985, registered by ``registrar``; ``fields`` override."""
    data: dict[str, Any] = {
        "surname": "Rossi",
        "given_names": "Mario",
        "sex": "M",
        "date_of_birth": date(1985, 12, 10),
        "codice_fiscale": "RSSMRA85T10A562S",
        **fields,
    }
    return services.patient_create(
        actor=registrar, workstation=None, data=services.PatientInput(**data)
    )
