"""A patient signed in to the portal is not a staff user: no staff page, no staff API; and
a staff user is not a patient: no portal page without a portal sign-in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.portal import patient_with_account, portal_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/patients/", "/agenda/", "/documents/", "/audit/accesses/", "/", "/prescribing/"],
)
def test_patient_never_reaches_staff_pages(make_user: MakeUser, url: str) -> None:
    _, account = patient_with_account(make_user)
    answer = portal_client(account).get(url)
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("accounts:login"))


def test_patient_never_reaches_staff_api(make_user: MakeUser) -> None:
    patient, account = patient_with_account(make_user)
    client = portal_client(account)
    for url in (
        f"/api/v1/patients/{patient.pk}",
        "/api/v1/patients/search?q=Rossi",
        "/api/v1/openapi.json",
    ):
        answer = client.get(url)
        assert answer.status_code == 401, (url, answer.status_code)
        assert answer["Content-Type"] == "application/problem+json"


def test_portal_account_creates_no_user(make_user: MakeUser) -> None:
    before = User.objects.count()
    patient_with_account(make_user)
    assert User.objects.count() == before + 2  # the coordinator and the nurse, nothing else


def test_staff_user_is_not_a_patient(make_user: MakeUser) -> None:
    patient_with_account(make_user)
    answer = logged_in(make_user(Role.PHYSICIAN)).get("/portale/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/portale/accesso/")


def test_portal_sign_in_ends_a_staff_session(make_user: MakeUser) -> None:
    from corsia.testing.portal import last_code

    patient_with_account(make_user)
    client = logged_in(make_user(Role.PHYSICIAN))
    assert client.get("/patients/").status_code == 200
    client.post("/portale/accesso/", {"fiscal_code": "RSSMRA85T10A562S"})
    client.post("/portale/accesso/codice/", {"code": last_code()})
    assert client.get("/portale/").status_code == 200
    assert client.get("/patients/").status_code == 302
