"""The patient's appointments (the agenda's) and the documents the hospital released:
only their own, another patient's ids answered 404; every read in the activity log."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.portal.models import PortalActivity
from corsia.testing.accounts import MakeUser, api_client, assert_permission_refused, post_json
from corsia.testing.agenda import book, day_hospital, next_weekday
from corsia.testing.patients import ANNA_BIANCHI
from corsia.testing.portal import document_archived, patient_with_account, portal_client

pytestmark = pytest.mark.django_db


def test_patient_sees_only_their_own_upcoming_appointments(make_user: MakeUser) -> None:
    mario, account = patient_with_account(make_user)
    anna, _ = patient_with_account(make_user, **ANNA_BIANCHI, email="anna@example.org")
    dh = day_hospital(make_user)
    monday = next_weekday(timezone.localdate() + timedelta(days=1))
    book(dh, mario.pk, day=monday, start=time(9, 0))
    book(dh, anna.pk, day=monday, start=time(11, 0), place="P02")
    page = portal_client(account).get("/portale/appuntamenti/").content.decode()
    assert page.count('data-testid="portal-appointment"') == 1
    assert "09:00" in page and "11:00" not in page
    assert PortalActivity.objects.filter(patient_id=mario.pk, action="appointments").count() == 1


def test_released_documents_only(make_user: MakeUser) -> None:
    mario, account = patient_with_account(make_user)
    anna, _ = patient_with_account(make_user, **ANNA_BIANCHI, email="anna@example.org")
    physician = make_user(Role.PHYSICIAN)
    released = document_archived(physician, mario, "Lettera di dimissione")
    kept = document_archived(physician, mario, "Nota interna")
    annas = document_archived(physician, anna, "Lettera di Anna")
    staff = api_client(physician)
    for document_id in (released, annas):
        status, body = post_json(staff, f"/api/v1/portal/documents/{document_id}/release")
        assert status == 201, body
    status, body = post_json(staff, f"/api/v1/portal/documents/{released}/release")
    assert (status, body["code"]) == (409, "already_released")
    client = portal_client(account)
    page = client.get("/portale/documenti/").content.decode()
    assert "Lettera di dimissione" in page
    assert "Nota interna" not in page and "Lettera di Anna" not in page
    download = client.get(f"/portale/documenti/{released}/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    # not released, another patient's (released to her), nonexistent: all 404
    for document_id in (kept, annas, 999_999):
        assert client.get(f"/portale/documenti/{document_id}/").status_code == 404


def test_only_physicians_release(make_user: MakeUser) -> None:
    mario, _ = patient_with_account(make_user)
    document_id = document_archived(make_user(Role.PHYSICIAN), mario)
    answer = api_client(make_user(Role.NURSE)).post(
        f"/api/v1/portal/documents/{document_id}/release", content_type="application/json"
    )
    assert_permission_refused(answer)
