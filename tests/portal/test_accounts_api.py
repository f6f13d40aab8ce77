"""Opening a patient's portal account (staff): the API, its permission, one per patient."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AuditEvent
from corsia.portal.models import PortalAccount
from corsia.testing.accounts import MakeUser, api_client, assert_permission_refused, post_json
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db


def test_nurse_opens_an_account_once(make_user: MakeUser) -> None:
    patient = patient_registered(make_user(Role.COORDINATOR), email="m@example.org")
    client = api_client(make_user(Role.NURSE))
    status, body = post_json(client, "/api/v1/portal/accounts", {"patient_id": patient.pk})
    assert status == 201, body
    assert body["patient_id"] == patient.pk and body["email"] == "m@example.org"
    assert AuditEvent.objects.filter(event_type="portal.account_opened").count() == 1
    status, body = post_json(client, "/api/v1/portal/accounts", {"patient_id": patient.pk})
    assert (status, body["code"]) == (409, "account_exists")


def test_bad_input_changes_nothing(make_user: MakeUser) -> None:
    patient = patient_registered(make_user(Role.COORDINATOR))
    client = api_client(make_user(Role.NURSE))
    status, body = post_json(client, "/api/v1/portal/accounts", {"patient_id": 999_999_999})
    assert (status, body["code"]) == (404, "patient_not_found")
    status, body = post_json(
        client, "/api/v1/portal/accounts", {"patient_id": patient.pk, "email": "not-an-email"}
    )
    assert (status, body["code"]) == (422, "email_invalid")
    assert not PortalAccount.objects.exists()


def test_technician_may_not_open_an_account(make_user: MakeUser) -> None:
    patient = patient_registered(make_user(Role.COORDINATOR))
    client = api_client(make_user(Role.TECHNICIAN))
    answer = client.post(
        "/api/v1/portal/accounts", {"patient_id": patient.pk}, content_type="application/json"
    )
    assert_permission_refused(answer)
    assert not PortalAccount.objects.exists()
