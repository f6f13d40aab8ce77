"""Fixtures of the toxicity tests: the real CTCAE v5.0 terms, a patient, two ingredients."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.drugs.models import ActiveIngredient
from corsia.testing.accounts import role_user
from corsia.testing.patients import registered_patient


@pytest.fixture
def ctcae_terms(ctcae_reference: None) -> None:
    """The real CTCAE v5.0 terms (loaded once per run of tests asking for them:
    corsia.testing.reference)."""


physician = role_user(Role.PHYSICIAN)
nurse = role_user(Role.NURSE)
patient = registered_patient()


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
