"""Regression tests: a patient search is a read of every patient it shows (issue 26)."""

from __future__ import annotations

import pytest
from django.test import Client

from corsia.accounts.models import User
from corsia.accounts.services import token_issue
from corsia.audit.models import AccessLogEntry
from corsia.testing.accounts import logged_in
from corsia.testing.patients import MakePatient


def _logged() -> list[tuple[str, int, str, str]]:
    return list(
        AccessLogEntry.objects.order_by("id").values_list(
            "username", "patient_id", "channel", "what"
        )
    )


@pytest.mark.parametrize(
    ("query", "searched_by"),
    [
        ("RSSMRA85T10A562S", "codice fiscale"),
        ("rossi mario", "nome"),
        ("MRN", "MRN"),
    ],
)
def test_patient_search_page_is_in_the_access_log(
    make_patient: MakePatient, physician: User, query: str, searched_by: str
) -> None:
    patient = make_patient()
    client = logged_in(physician)
    text = patient.mrn if query == "MRN" else query
    answer = client.get("/patients/", {"q": text})
    if searched_by == "nome":
        assert answer.status_code == 200
    else:  # a codice fiscale or MRN names one patient: the search opens their page
        assert (answer.status_code, answer["Location"]) == (302, f"/patients/{patient.pk}/")
    assert _logged() == [
        (physician.username, patient.pk, "web", f"ricerca pazienti per {searched_by}")
    ]


def test_patient_search_api_is_in_the_access_log(
    make_patient: MakePatient, physician: User
) -> None:
    first = make_patient()
    second = make_patient(codice_fiscale="", stp_eni_code="ENI1234567890123")
    key, _ = token_issue(user=physician)
    client = Client(headers={"Authorization": f"Bearer {key}"})
    found = client.get("/api/v1/patients/search", {"q": "mario rossi"}).json()
    assert sorted(p["id"] for p in found) == sorted([first.pk, second.pk])
    assert sorted(_logged()) == sorted(
        [
            (physician.username, first.pk, "api", "ricerca pazienti per nome"),
            (physician.username, second.pk, "api", "ricerca pazienti per nome"),
        ]
    )


def test_a_search_finding_nobody_logs_nothing(physician: User, db: None) -> None:
    client = logged_in(physician)
    assert client.get("/patients/", {"q": "nessuno qui"}).status_code == 200
    assert _logged() == []
