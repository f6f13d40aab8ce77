"""The care scope (``CORSIA_PATIENT_SCOPE = "care"``) probed from outside, with bearer
tokens, over every patient-scoped GET of the OpenAPI document: a physician and a nurse
outside the patient's care get 404 problem+json everywhere (as for an id that does not
exist); assigned to the ward of the patient's stay in progress, they read them (200, or
403 where their role lacks the permission); the search by name does not find the patient,
by codice fiscale neither (docs/security.md, section 16)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.accounts.services import token_issue
from corsia.patients import services as patients
from corsia.patients.models import Encounter
from corsia.testing.accounts import MakeUser
from corsia.testing.outside import MaskedChart, probe_patient_gets

pytestmark = [pytest.mark.outside, pytest.mark.django_db]


def _client(user: object) -> Client:
    key, _ = token_issue(user=user)  # type: ignore[arg-type]  # a User
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.mark.parametrize("role", [Role.PHYSICIAN, Role.NURSE])
def test_outside_the_care_every_patient_read_is_not_found_inside_it_is_read(
    masked: MaskedChart, make_user: MakeUser, settings: Any, role: Role
) -> None:
    settings.CORSIA_PATIENT_SCOPE = "care"
    m = masked
    stranger = make_user(role)
    client = _client(stranger)
    probed, failures = probe_patient_gets(client, role, [(m.patient.pk, m.order_id, 404)])
    assert probed > 20
    assert failures == [], "\n".join(failures)
    cf = m.patient.codice_fiscale
    for q in (m.patient.surname, cf, m.patient.mrn):
        assert client.get("/api/v1/patients/search", {"q": q}).json() == [], q

    ward = Encounter.objects.get(pk=m.visible_encounter_id).ward
    patients.ward_staff_assign(
        actor=m.coordinator, workstation=None, username=stranger.username, ward_code=ward.code
    )
    probed, failures = probe_patient_gets(client, role, [(m.patient.pk, m.order_id, 200)])
    assert failures == [], "\n".join(failures)
    assert [p["id"] for p in client.get("/api/v1/patients/search", {"q": cf}).json()] == [
        m.patient.pk
    ]
