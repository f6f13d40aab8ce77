"""Fixtures of the toxicity tests: the real CTCAE v5.0 terms, a patient, two ingredients."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.drugs.models import ActiveIngredient
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered


@pytest.fixture
def ctcae_terms(ctcae_reference: None) -> None:
    """The real CTCAE v5.0 terms (loaded once per run of tests asking for them:
    corsia.testing.reference)."""


@pytest.fixture
def physician(make_user: MakeUser) -> User:
    return make_user(Role.PHYSICIAN)


@pytest.fixture
def nurse(make_user: MakeUser) -> User:
    return make_user(Role.NURSE)


@pytest.fixture
def patient(make_user: MakeUser) -> Patient:
    return patient_registered(make_user(Role.COORDINATOR))


@pytest.fixture
def oxaliplatin(db: None) -> ActiveIngredient:
    return ActiveIngredient.objects.create(
        code="oxaliplatin", name_en="oxaliplatin", name_it="Oxaliplatino", is_antineoplastic=True
    )


@pytest.fixture
def vincristine(db: None) -> ActiveIngredient:
    return ActiveIngredient.objects.create(
        code="vincristine",
        name_en="vincristine",
        name_it="Vincristina",
        is_antineoplastic=True,
        extravasation_class="vesicant",
    )
