"""Every version of a record, with who changed what, as a diff; a patient's history read is logged."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.patients import services
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import mario_rossi


def test_patient_history_shows_each_change_as_a_diff_and_logs_the_read(
    make_user: MakeUser, client_for: Callable[[Role], Client]
) -> None:
    # given a patient registered, then corrected by a coordinator
    coordinator = make_user(Role.COORDINATOR, username="coord")
    base = mario_rossi(address="Via Vecchia 1")
    patient = services.patient_create(actor=coordinator, workstation=None, data=base)
    services.patient_update(
        actor=coordinator,
        workstation=None,
        patient_id=patient.pk,
        expected_version=patient.version,
        data=dataclasses.replace(base, address="Via Nuova 2"),
    )
    # when a physician opens the record's history
    client = client_for(Role.PHYSICIAN)
    response = client.get(f"/audit/history/patients/patient/{patient.pk}/")
    # then the correction shows the field before and after
    assert response.status_code == 200
    entries = response.context["entries"]
    assert len(entries) == 2
    assert ("address", "Via Vecchia 1", "Via Nuova 2") in entries[1].changes
    assert "<del>Via Vecchia 1</del>" in response.content.decode()
    # and reading it is in the access log
    assert (
        AccessLogEntry.objects.filter(patient_id=patient.pk, what__startswith="storia").count() == 1
    )


def test_untracked_or_unknown_records_are_404(client_for: Callable[[Role], Client]) -> None:
    client = client_for(Role.PHYSICIAN)
    assert client.get("/audit/history/nope/nothing/1/").status_code == 404
    assert client.get("/audit/history/accounts/workstation/1/").status_code == 404
