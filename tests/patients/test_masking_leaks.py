"""Regression tests: masked documents (oscuramento) never leak through the change history,
nor through the answers of actions on them (issue 26)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.accounts.services import token_issue
from corsia.audit.models import AuditEvent
from corsia.patients import services
from corsia.patients.models import Consent, DocumentType, Encounter, Masking, Ward
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import MakePatient

HISTORY_READERS = [Role.PHYSICIAN, Role.PHARMACIST, Role.NURSE, Role.COORDINATOR, Role.AUDITOR]
PRIVATE_REASON = "la paziente non vuole che il reparto lo sappia"


def _api(user: User) -> Client:
    key, _ = token_issue(user=user)
    return Client(headers={"Authorization": f"Bearer {key}"})


def _masked_encounter(coordinator: User, make_patient: MakePatient, ward: Ward) -> Masking:
    patient = make_patient()
    place = ward.places.get(code="P02")
    encounter = services.encounter_admit(
        actor=coordinator,
        workstation=None,
        patient_id=patient.pk,
        kind="day_hospital",
        ward_id=ward.pk,
        place_id=place.pk,
    )
    return services.document_mask(
        actor=coordinator,
        workstation=None,
        patient_id=patient.pk,
        document_type=DocumentType.ENCOUNTER.value,
        document_id=encounter.pk,
        reason=PRIVATE_REASON,
    )


def _masked_consent(coordinator: User, make_patient: MakePatient) -> Masking:
    patient = make_patient()
    consent = services.consent_record(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="fse", granted=True
    )
    return services.document_mask(
        actor=coordinator,
        workstation=None,
        patient_id=patient.pk,
        document_type=DocumentType.CONSENT.value,
        document_id=consent.pk,
        reason=PRIVATE_REASON,
    )


@pytest.mark.parametrize("role", HISTORY_READERS)
def test_history_page_hides_masked_encounter_ward(
    make_patient: MakePatient,
    coordinator: User,
    ward: Ward,
    client_for: Callable[[Role], Client],
    role: Role,
) -> None:
    # given an encounter in DHONC chair P02, masked at the patient's request
    masking = _masked_encounter(coordinator, make_patient, ward)
    client = client_for(role)
    # when a reader of histories opens the encounter's and the masking's history
    encounter_page = client.get(f"/audit/history/patients/encounter/{masking.document_id}/")
    masking_page = client.get(f"/audit/history/patients/masking/{masking.pk}/")
    # then both are "not found", exactly like a record that does not exist
    missing = client.get("/audit/history/patients/encounter/999999/")
    for response in (encounter_page, masking_page):
        assert response.status_code == 404
        page = response.content.decode()
        assert "Day Hospital oncologico" not in page and PRIVATE_REASON not in page
    assert missing.status_code == 404


@pytest.mark.parametrize("role", HISTORY_READERS)
def test_history_page_hides_masked_consent(
    make_patient: MakePatient,
    coordinator: User,
    client_for: Callable[[Role], Client],
    role: Role,
) -> None:
    masking = _masked_consent(coordinator, make_patient)
    response = client_for(role).get(f"/audit/history/patients/consent/{masking.document_id}/")
    assert response.status_code == 404
    assert "fse" not in response.content.decode()


def test_history_page_never_shows_the_masking_reason(
    make_patient: MakePatient,
    coordinator: User,
    ward: Ward,
    client_for: Callable[[Role], Client],
) -> None:
    # given a masking revoked at the patient's request (the encounter is visible again)
    masking = _masked_encounter(coordinator, make_patient, ward)
    services.document_unmask(
        actor=coordinator, workstation=None, masking_id=masking.pk, reason="ci ha ripensato"
    )
    client = client_for(Role.AUDITOR)
    # when an auditor reads the masking's and the encounter's history
    masking_page = client.get(f"/audit/history/patients/masking/{masking.pk}/")
    encounter_page = client.get(f"/audit/history/patients/encounter/{masking.document_id}/")
    # then the masking's history is there, without the patient's reason
    assert masking_page.status_code == 200
    assert PRIVATE_REASON not in masking_page.content.decode()
    assert "[riservato]" in masking_page.content.decode()
    # and the encounter, no longer masked, has its history back
    assert encounter_page.status_code == 200
    assert "Day Hospital oncologico" in encounter_page.content.decode()
    assert ("ward_id", None, ward.pk) in encounter_page.context["entries"][0].changes


def test_history_page_with_a_non_numeric_id_is_404(
    client_for: Callable[[Role], Client], db: None
) -> None:
    client = client_for(Role.AUDITOR)
    assert client.get("/audit/history/patients/patient/abc/").status_code == 404
    assert client.get("/audit/history/patients/patient/1e308/").status_code == 404
    assert client.get("/audit/history/patients/patient/99999999999999999999999/").status_code == 404


def test_nurse_cannot_revoke_a_masked_consent_through_the_api(
    make_patient: MakePatient, coordinator: User, make_user: MakeUser
) -> None:
    # given a masked consent and a nurse (who may record and revoke consents)
    masking = _masked_consent(coordinator, make_patient)
    client = _api(make_user(Role.NURSE))
    before = AuditEvent.objects.count()
    # when she revokes it through the API, reason given
    response = client.post(
        f"/api/v1/patients/consents/{masking.document_id}/revoke",
        {"reason": "richiesta"},
        content_type="application/json",
    )
    # then it is "not found": nothing of the consent in the answer, nothing changed
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "consent_not_found"
    assert "fse" not in response.content.decode()
    assert Consent.objects.get(pk=masking.document_id).revoked_at is None
    assert AuditEvent.objects.count() == before


def test_consent_revocation_requires_a_reason(
    make_patient: MakePatient, coordinator: User, make_user: MakeUser
) -> None:
    patient = make_patient()
    consent = services.consent_record(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="fse", granted=True
    )
    client = _api(make_user(Role.NURSE))
    url = f"/api/v1/patients/consents/{consent.pk}/revoke"
    # no body, an empty reason: refused, nothing revoked
    assert client.post(url, {}, content_type="application/json").status_code == 422
    blank = client.post(url, {"reason": "  "}, content_type="application/json")
    assert (blank.status_code, blank.json()["code"]) == (422, "reason_required")
    assert Consent.objects.get(pk=consent.pk).revoked_at is None
    # with the reason: revoked, the reason in the audit trail
    done = client.post(url, {"reason": "richiesta scritta"}, content_type="application/json")
    assert done.status_code == 200
    event = AuditEvent.objects.get(event_type="patients.consent_revoked")
    assert event.reason == "richiesta scritta"


def test_masked_encounter_actions_are_not_found(
    make_patient: MakePatient, coordinator: User, ward: Ward, make_user: MakeUser
) -> None:
    # given a masked active encounter and a nurse who manages encounters
    masking = _masked_encounter(coordinator, make_patient, ward)
    client = _api(make_user(Role.NURSE))
    # when she discharges or transfers it through the API
    for action, body in (
        ("discharge", {"version": 1}),
        ("transfer", {"version": 1, "ward_id": ward.pk}),
        ("cancel", {"version": 1, "reason": "errore"}),
    ):
        response = client.post(
            f"/api/v1/patients/encounters/{masking.document_id}/{action}",
            body,
            content_type="application/json",
        )
        # then it is not found and the answer shows nothing of it
        assert response.status_code == 404, action
        assert "DHONC" not in response.content.decode()
    assert Encounter.objects.get(pk=masking.document_id).state == "active"
