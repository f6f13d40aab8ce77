"""Pages and API: access log on every view, stale edits, masking hidden everywhere,
problem+json errors, wristband outputs."""

from __future__ import annotations

import pytest
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.patients import services
from corsia.patients.models import Patient, Ward
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.patients import MakePatient


def _api(user: User) -> Client:
    from corsia.accounts.services import token_issue

    key, _ = token_issue(user=user)
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_search_page_finds_by_name_in_any_order_and_by_barcode(
    make_patient: MakePatient, physician: User
) -> None:
    patient = make_patient()
    client = logged_in(physician)
    page = client.get("/patients/", {"q": "mario rossi"})
    assert page.status_code == 200
    assert f'href="/patients/{patient.pk}/"' in page.content.decode()
    assert "autofocus" in client.get("/patients/").content.decode()
    scanned = client.get("/patients/", {"q": f"PZ{patient.mrn}"})
    assert scanned.status_code == 302 and scanned["Location"] == f"/patients/{patient.pk}/"
    typed = client.get("/patients/", {"q": patient.codice_fiscale.lower()})
    assert typed.status_code == 302 and typed["Location"] == f"/patients/{patient.pk}/"


def test_every_patient_view_is_logged_page_and_api(
    make_patient: MakePatient, physician: User
) -> None:
    patient = make_patient()
    assert logged_in(physician).get(f"/patients/{patient.pk}/").status_code == 200
    assert _api(physician).get(f"/api/v1/patients/{patient.pk}").status_code == 200
    logged = list(
        AccessLogEntry.objects.filter(patient_id=patient.pk).values_list(
            "username", "channel", "what"
        )
    )
    assert logged == [
        (physician.username, "web", "scheda paziente"),
        (physician.username, "api", "scheda paziente (API)"),
    ]


def test_create_page_refuses_a_future_birth_date_and_writes_nothing(coordinator: User) -> None:
    response = logged_in(coordinator).post(
        "/patients/new/",
        {
            "surname": "Rossi",
            "given_names": "Mario",
            "sex": "M",
            "date_of_birth": "2999-01-01",
            "codice_fiscale": "RSSMRA85T10A562S",
        },
    )
    assert response.status_code == 422
    assert "La data di nascita non può essere nel futuro." in response.content.decode()
    assert Patient.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type__startswith="patients.").exists()


def test_create_page_registers(coordinator: User) -> None:
    response = logged_in(coordinator).post(
        "/patients/new/",
        {
            "surname": "Rossi",
            "given_names": "Mario",
            "sex": "M",
            "date_of_birth": "1985-12-10",
            "codice_fiscale": "rssmra85t10a562s",
        },
    )
    patient = Patient.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/patients/{patient.pk}/"


def test_concurrent_edit_shows_stale_version_and_keeps_the_input(
    make_patient: MakePatient, coordinator: User, physician: User
) -> None:
    patient = make_patient()
    form = {
        "surname": "Rossi",
        "given_names": "Mario",
        "sex": "M",
        "date_of_birth": "1985-12-10",
        "codice_fiscale": "RSSMRA85T10A562S",
        "version": "1",
    }
    first = logged_in(physician).post(
        f"/patients/{patient.pk}/edit/", {**form, "address": "Via A 1"}
    )
    assert first.status_code == 302
    second = logged_in(coordinator).post(
        f"/patients/{patient.pk}/edit/", {**form, "address": "Via B 2"}
    )
    assert second.status_code == 409
    body = second.content.decode()
    assert "è stato modificato da Test User" in body
    assert 'value="Via B 2"' in body  # nothing the user typed is lost
    patient.refresh_from_db()
    assert patient.address == "Via A 1"


def test_masked_encounter_is_hidden_in_page_and_api(
    make_patient: MakePatient, coordinator: User, physician: User, ward: Ward
) -> None:
    # given an encounter the patient asked to mask
    patient = make_patient()
    encounter = services.encounter_admit(
        actor=coordinator,
        workstation=None,
        patient_id=patient.pk,
        kind="day_hospital",
        ward_id=ward.pk,
    )
    logged_in(coordinator).post(
        f"/patients/{patient.pk}/mask/",
        {"document_type": "patients.encounter", "document_id": str(encounter.pk)},
    )
    # then nobody sees it, in the page or the API
    nurse = logged_in(physician)
    page = nurse.get(f"/patients/{patient.pk}/").content.decode()
    assert f'data-encounter="{encounter.pk}"' not in page
    assert "Nessun ricovero o accesso." in page
    assert 'data-testid="active-encounter"' not in page
    detail = _api(physician).get(f"/api/v1/patients/{patient.pk}").json()
    assert detail["encounters"] == []
    # and a user allowed to mask sees the count (the physician holds mask_document)
    assert detail["masked_count"] == 1
    assert "1 documento oscurato" in page


def test_masked_count_is_not_shown_without_the_permission(
    make_patient: MakePatient, make_user: MakeUser
) -> None:
    patient = make_patient()
    detail = _api(make_user(Role.NURSE)).get(f"/api/v1/patients/{patient.pk}").json()
    assert detail["masked_count"] is None


def test_api_create_bad_cf_is_problem_json_and_writes_nothing(coordinator: User) -> None:
    response = _api(coordinator).post(
        "/api/v1/patients",
        {
            "surname": "Rossi",
            "given_names": "Mario",
            "sex": "F",
            "date_of_birth": "1985-12-10",
            "codice_fiscale": "RSSMRA85T10A562S",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body["field"]) == ("fiscal_code_sex_mismatch", "sex")
    assert Patient.objects.count() == 0


def test_api_create_update_and_stale_update(coordinator: User) -> None:
    client = _api(coordinator)
    payload = {
        "surname": "Rossi",
        "given_names": "Mario",
        "sex": "M",
        "date_of_birth": "1985-12-10",
        "codice_fiscale": "RSSMRA85T10A562S",
    }
    created = client.post("/api/v1/patients", payload, content_type="application/json")
    assert created.status_code == 201
    pid = created.json()["id"]
    updated = client.put(
        f"/api/v1/patients/{pid}",
        {**payload, "phone": "0101", "version": 1},
        content_type="application/json",
    )
    assert updated.status_code == 200 and updated.json()["version"] == 2
    stale = client.put(
        f"/api/v1/patients/{pid}", {**payload, "version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    found = client.get("/api/v1/patients/search", {"q": "rossi mario"}).json()
    assert [p["id"] for p in found] == [pid]


def test_merge_page(make_patient: MakePatient, coordinator: User) -> None:
    survivor = make_patient()
    duplicate = make_patient(codice_fiscale="", stp_eni_code="ENI1234567890123")
    client = logged_in(coordinator)
    assert client.get(f"/patients/{survivor.pk}/merge/").status_code == 200
    response = client.post(
        f"/patients/{survivor.pk}/merge/", {"duplicate": duplicate.mrn, "reason": "stessa persona"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == survivor.pk
    # the duplicate's page shows the survivor
    page = client.get(f"/patients/{duplicate.pk}/")
    assert f'data-testid="mrn">{survivor.mrn}<' in page.content.decode()


@pytest.mark.parametrize("role", [Role.PHARMACIST, Role.TECHNICIAN])
def test_wristband_needs_its_permission(
    make_patient: MakePatient, make_user: MakeUser, role: Role
) -> None:
    patient = make_patient()
    assert (
        logged_in(make_user(role)).get(f"/patients/{patient.pk}/wristband.zpl").status_code == 403
    )


def test_adt_and_consent_from_the_summary_page(
    make_patient: MakePatient, coordinator: User, ward: Ward
) -> None:
    # given a patient and a free chair
    patient = make_patient()
    chair = ward.places.order_by("code").first()
    assert chair is not None
    client = logged_in(coordinator)
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    assert 'data-testid="admit-form"' in page
    # when admitted to the chair, transferred, then a consent is recorded and revoked
    client.post(
        f"/patients/{patient.pk}/admit/",
        {"kind": "day_hospital", "target": f"{ward.pk}:{chair.pk}"},
    )
    encounter = patient.encounters.get()
    assert (encounter.state, encounter.place_id) == ("active", chair.pk)
    client.post(
        f"/patients/{patient.pk}/encounters/{encounter.pk}/transfer/",
        {"version": "1", "target": f"{ward.pk}:"},
    )
    client.post(f"/patients/{patient.pk}/consents/", {"kind": "fse", "granted": "yes"})
    consent = patient.consents.get()
    client.post(
        f"/patients/{patient.pk}/consents/{consent.pk}/revoke/", {"reason": "richiesta scritta"}
    )
    # a stale discharge is refused with the message, then the right version discharges
    stale = client.post(
        f"/patients/{patient.pk}/encounters/{encounter.pk}/discharge/",
        {"version": "1"},
        follow=True,
    )
    assert "è stato modificato da" in stale.content.decode()
    client.post(f"/patients/{patient.pk}/encounters/{encounter.pk}/discharge/", {"version": "2"})
    encounter.refresh_from_db()
    consent.refresh_from_db()
    assert (encounter.state, encounter.place_id) == ("discharged", None)
    assert consent.revoked_at is not None


def test_api_adt_consent_masking_and_merge(
    make_patient: MakePatient, coordinator: User, physician: User, ward: Ward
) -> None:
    client = _api(coordinator)
    patient = make_patient()
    duplicate = make_patient(codice_fiscale="", stp_eni_code="ENI1234567890123")
    wards = client.get("/api/v1/patients/wards").json()
    chair = wards[0]["places"][0]["id"]
    admitted = client.post(
        f"/api/v1/patients/{patient.pk}/encounters",
        {"kind": "day_hospital", "ward_id": ward.pk, "place_id": chair},
        content_type="application/json",
    )
    assert admitted.status_code == 201
    eid = admitted.json()["id"]
    occupied = client.post(
        f"/api/v1/patients/{duplicate.pk}/encounters",
        {"kind": "day_hospital", "ward_id": ward.pk, "place_id": chair},
        content_type="application/json",
    )
    assert (occupied.status_code, occupied.json()["code"]) == (422, "place_occupied")
    discharged = client.post(
        f"/api/v1/patients/encounters/{eid}/discharge",
        {"version": 1},
        content_type="application/json",
    )
    assert discharged.json()["state"] == "discharged"
    consent = client.post(
        f"/api/v1/patients/{patient.pk}/consents",
        {"kind": "treatment", "granted": True},
        content_type="application/json",
    ).json()
    masked = client.post(
        f"/api/v1/patients/{patient.pk}/maskings",
        {"document_type": "patients.consent", "document_id": consent["id"], "reason": "richiesta"},
        content_type="application/json",
    )
    assert masked.status_code == 201
    seen = _api(physician).get(f"/api/v1/patients/{patient.pk}").json()
    assert ([c["id"] for c in seen["consents"]], seen["masked_count"]) == ([], 1)
    no_reason = client.post(
        f"/api/v1/patients/maskings/{masked.json()['id']}/unmask",
        {"reason": ""},
        content_type="application/json",
    )
    assert no_reason.status_code == 422
    merged = client.post(
        f"/api/v1/patients/{patient.pk}/merge",
        {"duplicate_id": duplicate.pk, "reason": "stessa persona"},
        content_type="application/json",
    )
    assert merged.status_code == 200
    via_duplicate = _api(physician).get(f"/api/v1/patients/{duplicate.pk}").json()
    assert (via_duplicate["id"], via_duplicate["requested_id"]) == (patient.pk, duplicate.pk)


def test_patient_page_leads_a_physician_to_the_chart_the_therapies_and_the_documents(
    make_patient: MakePatient, physician: User, make_user: MakeUser
) -> None:
    patient = make_patient()
    page = logged_in(physician).get(f"/patients/{patient.pk}/").content.decode()
    assert f'href="/records/patients/{patient.pk}/"' in page
    assert f'href="/prescribing/patient/{patient.pk}/"' in page
    assert f'href="/documents/patient/{patient.pk}/"' in page
    # a technician (orders yes, the chart no) is offered only what their role opens
    page = logged_in(make_user(Role.TECHNICIAN)).get(f"/patients/{patient.pk}/").content.decode()
    assert f'href="/records/patients/{patient.pk}/"' not in page
    assert f'href="/prescribing/patient/{patient.pk}/"' in page
