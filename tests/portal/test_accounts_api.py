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


def test_staff_suspend_an_account_with_a_reason_its_session_and_tokens_end(
    make_user: MakeUser,
) -> None:
    from corsia.portal.models import PortalToken
    from corsia.portal.services.tokens import portal_token_account, portal_token_grant
    from corsia.testing.portal import patient_with_account, portal_client

    patient, account = patient_with_account(make_user)
    session = portal_client(account)
    assert session.get("/portale/messaggi/").status_code == 200
    key = portal_token_grant(account_id=account.pk, patient_id=patient.pk).key
    nurse = make_user(Role.NURSE)
    client = api_client(nurse)
    url = f"/api/v1/portal/accounts/{account.pk}/suspend"
    # a reason is required, nothing changes without it
    status, body = post_json(client, url, {"reason": " "})
    assert (status, body["code"]) == (422, "reason_required")
    assert PortalAccount.objects.get(pk=account.pk).active
    # a technician may not
    answer = api_client(make_user(Role.TECHNICIAN)).post(
        url, {"reason": "x"}, content_type="application/json"
    )
    assert_permission_refused(answer)

    status, body = post_json(client, url, {"reason": "Telefono smarrito, richiesta del paziente"})
    assert (status, body["active"]) == (200, False), body
    stored = PortalAccount.objects.get(pk=account.pk)
    assert (stored.suspended_by_id, stored.suspended_reason) == (
        nurse.pk,
        "Telefono smarrito, richiesta del paziente",
    )
    event = AuditEvent.objects.get(event_type="portal.account_suspended")
    assert (event.actor_id, event.patient_id, event.reason) == (
        nurse.pk,
        patient.pk,
        "Telefono smarrito, richiesta del paziente",
    )
    # the session ends at once, the tokens are revoked
    assert session.get("/portale/messaggi/").status_code == 302
    assert portal_token_account(key) is None
    assert PortalToken.objects.get().revoked_at is not None
    # twice: a conflict; an account that does not exist: 404
    status, body = post_json(client, url, {"reason": "di nuovo"})
    assert (status, body["code"]) == (409, "account_already_suspended")
    status, body = post_json(client, "/api/v1/portal/accounts/999999/suspend", {"reason": "x"})
    assert (status, body["code"]) == (404, "account_not_found")
