"""Types of the patient registry's factory fixtures (``corsia/patients/tests/conftest.py``),
for annotating tests, and the allergies as the tests of every module record them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from corsia.accounts.models import User
from corsia.patients.models import Allergy, Patient
from corsia.patients.services import AllergyInput, allergy_close

MakePatient = Callable[..., Patient]


def allergy_input(**fields: Any) -> AllergyInput:
    """An allergy as typed: by default a confirmed life-threatening anaphylaxis to an
    ingredient (``ingredient_id`` to be given)."""
    data: dict[str, Any] = {
        "substance_kind": "ingredient",
        "reaction": "anaphylaxis",
        "severity": "life_threatening",
        "certainty": "confirmed",
        **fields,
    }
    return AllergyInput(**data)


def allergy_closed(
    actor: User,
    allergy: Allergy,
    *,
    reason: str,
    status: str = "refuted",
    patient_id: int | None = None,
    version: int | None = None,
) -> Allergy:
    """Refute (or inactivate) the allergy through the service, as the patient's page does."""
    return allergy_close(
        actor=actor,
        workstation=None,
        patient_id=allergy.patient_id if patient_id is None else patient_id,
        allergy_id=allergy.pk,
        expected_version=allergy.version if version is None else version,
        status=status,
        reason=reason,
    )
