"""Types of the patient registry's factory fixtures (``tests/patients/conftest.py``),
for annotating tests, and the reference patient the tests of every module register, and the allergies as they record them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.core.domain.errors import NotFound
from corsia.patients import selectors, services
from corsia.patients.models import Allergy, Encounter, Patient
from corsia.patients.models_pgx import PgxResult
from corsia.patients.services import AllergyInput, allergy_close

MakePatient = Callable[..., Patient]


def reads_patient(user: User, patient: Patient) -> bool:
    """Whether ``user`` may read ``patient`` (out of scope: answered as an id that does not
    exist, ``patient_not_found``)."""
    try:
        selectors.patient_get(user=user, patient_id=patient.pk)
    except NotFound as refusal:
        assert refusal.code == "patient_not_found"
        return False
    return True


def mario_rossi(**fields: Any) -> services.PatientInput:
    """The reference patient's registry data (M, born 10/12/1985, his real-shaped codice
    fiscale), with ``fields`` in place of the ones given."""
    data: dict[str, Any] = {
        "surname": "Rossi",
        "given_names": "Mario",
        "sex": "M",
        "date_of_birth": date(1985, 12, 10),
        "codice_fiscale": "RSSMRA85T10A562S",
        **fields,
    }
    return services.PatientInput(**data)


# The second patient the browser tests chart (F, born 2/4/1970, her codice fiscale).
ANNA_BIANCHI: dict[str, Any] = {
    "surname": "Bianchi",
    "given_names": "Anna",
    "sex": "F",
    "date_of_birth": date(1970, 4, 2),
    "codice_fiscale": "BNCNNA70D42H501A",
}


def patient_registered(actor: User, **fields: Any) -> Patient:
    """The reference patient (``mario_rossi``) registered by ``actor``, at no workstation."""
    return services.patient_create(actor=actor, workstation=None, data=mario_rossi(**fields))


def registered_patient() -> Any:
    """A fixture, named by the conftest name it is assigned to: the reference patient
    (``mario_rossi``) registered by a coordinator (``patient = registered_patient()``)."""

    def patient(make_user: Callable[..., User]) -> Patient:
        return patient_registered(make_user(Role.COORDINATOR))

    return pytest.fixture(patient)


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


def masked_stay_admitted(
    actor: User,
    patient: Patient,
    ward_id: int,
    *,
    admitted_at: datetime | None = None,
    place_id: int | None = None,
    masked_by: User | None = None,
) -> Encounter:
    """A day-hospital stay of ``patient`` admitted by ``actor`` and masked at the patient's
    request (oscuramento) by ``masked_by`` (else ``actor``)."""
    encounter = services.encounter_admit(
        actor=actor, workstation=None, patient_id=patient.pk, kind="day_hospital",
        ward_id=ward_id, place_id=place_id, admitted_at=admitted_at,
    )  # fmt: skip
    services.document_mask(
        actor=masked_by or actor, workstation=None, patient_id=patient.pk,
        document_type="patients.encounter", document_id=encounter.pk, reason="richiesta",
    )  # fmt: skip
    return encounter


def pgx_recorded(actor: User, patient_id: int, **fields: Any) -> PgxResult:
    """A pharmacogenomic result recorded through the service: by default DPYD intermediate
    metaboliser, activity score 1.5 (c.1236G>A heterozygous), reported on 2 November 2026."""
    from datetime import date
    from decimal import Decimal

    from corsia.patients.services.pgx import PgxInput, pgx_result_record

    data: dict[str, Any] = {
        "gene": "DPYD",
        "phenotype": "intermediate_metabolizer",
        "activity_score": Decimal("1.5"),
        "diplotype": "c.1236G>A (HapB3)/wt",
        "report_date": date(2026, 11, 2),
        "laboratory": "Laboratorio di farmacogenetica",
        **fields,
    }
    return pgx_result_record(
        actor=actor, workstation=None, patient_id=patient_id, data=PgxInput(**data)
    )
