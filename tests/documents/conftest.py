"""Fixtures of the document archive tests."""

from __future__ import annotations

from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.documents import services
from corsia.documents.models import Document
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, role_user
from corsia.testing.documents import MakeDocument, sheet
from corsia.testing.patients import registered_patient


@pytest.fixture
def physician(make_user: MakeUser) -> User:
    user = make_user(Role.PHYSICIAN, username="dr.bianchi")
    user.first_name, user.last_name = "Anna", "Bianchi"
    user.save(update_fields=["first_name", "last_name"])
    return user


pharmacist = role_user(Role.PHARMACIST, "farm.verdi")

patient = registered_patient()


@pytest.fixture
def make_document(physician: User, patient: Patient) -> MakeDocument:
    def _make(**overrides: Any) -> Document:
        arguments: dict[str, Any] = {
            "actor": physician,
            "workstation": "DH-PC01",
            "kind": "therapy_sheet",
            "title": "Foglio di terapia",
            "patient": patient,
            "template_code": "therapy_sheet",
            "context": sheet(),
            "source": ("prescribing", "order", 42),
            "sign": True,
            "reason": "Conferma della prescrizione",
            **overrides,
        }
        return services.document_create(**arguments)

    return _make
