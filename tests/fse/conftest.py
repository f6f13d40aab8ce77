"""Fixtures of the FSE gateway tests: the gateway simulator on a free port, the people,
and the patient of the gateway's own example LDO with the consent to feed the FSE."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from django.test import override_settings

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.fse.keys import signing_key
from corsia.fse.simulator import GatewayServer, serve
from corsia.patients.models import Patient
from corsia.patients.services import consent_record
from corsia.testing.accounts import role_user
from corsia.testing.patients import patient_registered

EXAMPLES = Path(__file__).parent / "examples"


@pytest.fixture
def gateway() -> Iterator[GatewayServer]:
    server = serve(port=0, certificate_pem=signing_key().certificate_pem)
    port = server.server_address[1]
    with override_settings(
        CORSIA_FSE_GATEWAY_URL=f"http://127.0.0.1:{port}/v1",
        CORSIA_FSE_TIMEOUT_SECONDS=4,  # a loaded machine answers slowly; the outages wait longer
        CORSIA_FSE_RETRY_BASE_SECONDS=60,
        CORSIA_FSE_RETRY_CAP_SECONDS=600,
    ):
        yield server
    server.shutdown()
    server.server_close()


it_staff = role_user(Role.IT_STAFF, "si_fse")
physician = role_user(Role.PHYSICIAN, "dr_silviani")
coordinator = role_user(Role.COORDINATOR, "coord_fse")


@pytest.fixture
def ldo_patient(coordinator: User) -> Callable[..., Patient]:
    return lambda consent=True: _ldo_patient(coordinator, consent=consent)


def _ldo_patient(coordinator: User, *, consent: bool | None = True) -> Patient:
    """The patient of the gateway's example LDO (codice fiscale GTWGWY82B42G920M: a woman
    born on 2 February 1982), with the consent to feed the FSE as given."""
    patient = patient_registered(
        coordinator,
        surname="Gateway",
        given_names="Gateway",
        sex="F",
        date_of_birth=date(1982, 2, 2),
        codice_fiscale="GTWGWY82B42G920M",
    )
    if consent is not None:
        consent_record(
            actor=coordinator, workstation=None, patient_id=patient.pk, kind="fse", granted=consent
        )
    return patient
