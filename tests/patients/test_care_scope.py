"""The care scope (``CORSIA_PATIENT_SCOPE = "care"``): ward staff, care relationships,
pharmacy, break-the-glass and its review (docs/security.md, section 16)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import NotFound, PermissionRefused, ValidationFailed
from corsia.patients import selectors, services
from corsia.patients.models import BreakGlassGrant, Encounter, Patient, Ward
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.patients import MakePatient, reads_patient

pytestmark = pytest.mark.django_db

CF = "RSSMRA85T10A562S"


@pytest.fixture
def care(settings: Any) -> Any:
    settings.CORSIA_PATIENT_SCOPE = "care"
    return settings


@pytest.fixture
def patient(make_patient: MakePatient) -> Patient:
    return make_patient()


def _admit(patient: Patient, ward: Ward, coordinator: User) -> Encounter:
    return services.encounter_admit(
        actor=coordinator,
        workstation=None,
        patient_id=patient.pk,
        kind="day_hospital",
        ward_id=ward.pk,
    )


def _assign(user: User, ward: Ward, coordinator: User) -> None:
    services.ward_staff_assign(
        actor=coordinator, workstation=None, username=user.username, ward_code=ward.code
    )


def test_hospital_scope_is_the_default_and_narrows_nobody(
    patient: Patient, physician: User
) -> None:
    assert reads_patient(physician, patient)
    assert selectors.patient_search(user=physician, text="rossi mario") == [patient]


def test_care_scope_hides_a_patient_of_another_ward_like_one_that_does_not_exist(
    care: Any, patient: Patient, physician: User, ward: Ward, coordinator: User
) -> None:
    _admit(patient, ward, coordinator)
    assert not reads_patient(physician, patient)
    assert selectors.patient_search(user=physician, text="rossi mario") == []
    assert selectors.patient_search(user=physician, text=CF) == []
    assert selectors.ward_inpatients(user=physician, ward_code=ward.code) == []
    # the same answer, page and API, as an id that does not exist
    missing = Patient.objects.order_by("-pk").first().pk + 1000  # type: ignore[union-attr]
    client = logged_in(physician)
    assert client.get(f"/patients/{patient.pk}/").status_code == 404
    assert client.get(f"/patients/{missing}/").status_code == 404
    api = api_client(physician)
    hidden, absent = (
        api.get(f"/api/v1/patients/{patient.pk}"),
        api.get(f"/api/v1/patients/{missing}"),
    )
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["code"] == absent.json()["code"] == "patient_not_found"
    assert hidden.json()["detail"] == absent.json()["detail"]


def test_ward_staff_read_the_wards_patients_in_the_window(
    care: Any, patient: Patient, physician: User, ward: Ward, coordinator: User
) -> None:
    encounter = _admit(patient, ward, coordinator)
    _assign(physician, ward, coordinator)
    assert reads_patient(physician, patient)
    assert selectors.patient_search(user=physician, text="rossi") == [patient]
    assert selectors.ward_inpatients(user=physician, ward_code=ward.code) == [patient]
    # discharged 10 days ago: still in the 30-day window
    services.encounter_discharge(
        actor=coordinator,
        workstation=None,
        encounter_id=encounter.pk,
        expected_version=encounter.version,
    )
    Encounter.objects.filter(pk=encounter.pk).update(
        admitted_at=timezone.now() - timedelta(days=12),
        discharged_at=timezone.now() - timedelta(days=10),
    )
    assert reads_patient(physician, patient)
    # 40 days ago: out, unless the hospital sets a longer window
    Encounter.objects.filter(pk=encounter.pk).update(
        admitted_at=timezone.now() - timedelta(days=42),
        discharged_at=timezone.now() - timedelta(days=40),
    )
    assert not reads_patient(physician, patient)
    care.CORSIA_CARE_WINDOW_DAYS = 60
    assert reads_patient(physician, patient)


def test_an_ended_assignment_ends_the_reading(
    care: Any, patient: Patient, physician: User, ward: Ward, coordinator: User
) -> None:
    _admit(patient, ward, coordinator)
    _assign(physician, ward, coordinator)
    assignment = selectors.ward_staff(user=coordinator)[0]
    with pytest.raises(ValidationFailed) as refused:
        services.ward_staff_end(
            actor=coordinator, workstation=None, assignment_id=assignment.pk, reason=" "
        )
    assert refused.value.code == "reason_required"
    # the page's button: refused without a reason (nothing ends), done with one
    page = logged_in(coordinator)
    url = f"/patients/wards/staff/{assignment.pk}/end/"
    assert page.post(url, {"reason": " "}).status_code == 302
    assert reads_patient(physician, patient)
    assert page.post(url, {"reason": "trasferito"}).status_code == 302
    assert not reads_patient(physician, patient)
    assert AuditEvent.objects.filter(event_type="patients.ward_staff_ended").count() == 1


def test_ward_assignment_is_audited_refused_twice_and_only_for_its_roles(
    physician: User, ward: Ward, coordinator: User, make_user: MakeUser
) -> None:
    _assign(physician, ward, coordinator)
    assert AuditEvent.objects.filter(event_type="patients.ward_staff_assigned").count() == 1
    with pytest.raises(ValidationFailed) as twice:
        _assign(physician, ward, coordinator)
    assert twice.value.code == "ward_staff_already_assigned"
    with pytest.raises(PermissionRefused):
        _assign(make_user(Role.NURSE), ward, physician)
    with pytest.raises(NotFound) as nobody:
        services.ward_staff_assign(
            actor=coordinator, workstation=None, username="nessuno", ward_code=ward.code
        )
    assert nobody.value.code == "user_not_found"


def test_a_care_relationship_through_an_order_opens_the_patient(
    care: Any, make_user: MakeUser, folfox_today: Callable[..., TherapyOrder]
) -> None:
    prescriber = make_user(Role.PHYSICIAN)
    order = folfox_today(prescriber, events=("confirm",))
    patient = Patient.objects.get(pk=order.patient_id)
    assert reads_patient(prescriber, patient)  # prescribed and confirmed it
    assert not reads_patient(make_user(Role.PHYSICIAN), patient)  # a colleague with no relationship
    assert not reads_patient(make_user(Role.NURSE), patient)
    # the pharmacy reads every patient with an order still open, whatever the ward
    assert reads_patient(make_user(Role.PHARMACIST), patient)
    assert reads_patient(make_user(Role.TECHNICIAN), patient)


def test_pharmacy_does_not_read_a_patient_without_orders(
    care: Any, patient: Patient, make_user: MakeUser
) -> None:
    assert not reads_patient(make_user(Role.PHARMACIST), patient)
    # the auditor (privacy officer) investigates hospital-wide
    assert reads_patient(make_user(Role.AUDITOR), patient)


def test_search_by_exact_code_tells_that_a_patient_exists_outside_the_care_never_by_name(
    care: Any, patient: Patient, physician: User
) -> None:
    assert selectors.patient_outside_scope(user=physician, text=CF)
    assert selectors.patient_outside_scope(user=physician, text=patient.mrn)
    assert not selectors.patient_outside_scope(user=physician, text="rossi mario")
    assert not selectors.patient_outside_scope(user=physician, text="RSSMRA85T10A562X")
    client = logged_in(physician)
    by_code = client.get("/patients/", {"q": CF}).content.decode()
    assert "esiste un paziente fuori dal suo ambito di cura" in by_code
    assert "Rossi" not in by_code and "ROSSI" not in by_code
    by_name = client.get("/patients/", {"q": "rossi mario"}).content.decode()
    assert "fuori dal suo ambito" not in by_name


def test_break_the_glass_opens_the_patient_for_hours_audited_and_logged(
    care: Any, patient: Patient, physician: User
) -> None:
    grant = services.break_glass_request(
        actor=physician,
        workstation=None,
        code=CF,
        category="emergency",
        reason="Arresto cardiaco in pronto soccorso",
    )
    assert reads_patient(physician, patient)
    assert grant.expires_at - grant.granted_at == timedelta(hours=4)
    event = AuditEvent.objects.get(event_type="patients.break_glass_granted")
    assert event.reason == "Arresto cardiaco in pronto soccorso"
    assert AccessLogEntry.objects.filter(
        user=physician, patient_id=patient.pk, what__startswith="accesso di emergenza"
    ).exists()
    # expired: the patient is out of scope again
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        granted_at=timezone.now() - timedelta(hours=5),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    assert not reads_patient(physician, patient)


@pytest.mark.parametrize(
    ("code", "category", "reason", "refusal"),
    [
        (CF, "emergency", "", "reason_required"),
        (CF, "emergency", "x" * 501, "reason_too_long"),
        (CF, "boredom", "motivo", "category_unknown"),
        ("rossi mario", "emergency", "motivo", "patient_not_found"),
        ("RSSMRA85T10A562X", "emergency", "motivo", "patient_not_found"),
    ],
)
def test_break_the_glass_refuses_bad_requests_and_writes_nothing(
    care: Any,
    patient: Patient,
    physician: User,
    *,
    code: str,
    category: str,
    reason: str,
    refusal: str,
) -> None:
    with pytest.raises((ValidationFailed, NotFound)) as refused:
        services.break_glass_request(
            actor=physician, workstation=None, code=code, category=category, reason=reason
        )
    assert refused.value.code == refusal
    assert not BreakGlassGrant.objects.exists()


def test_break_the_glass_is_refused_when_not_needed(
    settings: Any, patient: Patient, physician: User, ward: Ward, coordinator: User
) -> None:
    with pytest.raises(ValidationFailed) as hospital:
        services.break_glass_request(
            actor=physician, workstation=None, code=CF, category="emergency", reason="motivo"
        )
    assert hospital.value.code == "break_glass_not_applicable"
    settings.CORSIA_PATIENT_SCOPE = "care"
    _admit(patient, ward, coordinator)
    _assign(physician, ward, coordinator)
    with pytest.raises(ValidationFailed) as in_scope:
        services.break_glass_request(
            actor=physician, workstation=None, code=CF, category="emergency", reason="motivo"
        )
    assert in_scope.value.code == "patient_already_in_scope"


def test_break_the_glass_from_the_search_page_then_reviewed_by_the_auditor(
    care: Any, patient: Patient, physician: User, make_user: MakeUser
) -> None:
    client = logged_in(physician)
    answer = client.post(
        "/patients/break-the-glass/",
        {"code": CF, "category": "consultation", "reason": "Consulenza ematologica urgente"},
    )
    assert answer.status_code == 302 and answer["Location"] == f"/patients/{patient.pk}/"
    assert client.get(f"/patients/{patient.pk}/").status_code == 200

    auditor = make_user(Role.AUDITOR)
    reviewer = logged_in(auditor)
    page = reviewer.get("/audit/break-the-glass/").content.decode()
    assert "Consulenza ematologica urgente" in page
    grant = BreakGlassGrant.objects.get()
    assert logged_in(physician).get("/audit/break-the-glass/").status_code == 403
    reviewed = reviewer.post(
        f"/audit/break-the-glass/{grant.pk}/review/",
        {"outcome": "justified", "note": "Richiesta del PS verificata"},
    )
    assert reviewed.status_code == 302
    grant.refresh_from_db()
    assert grant.outcome == "justified" and grant.reviewed_by == auditor
    assert AuditEvent.objects.filter(event_type="patients.break_glass_reviewed").count() == 1
    again = reviewer.post(
        f"/audit/break-the-glass/{grant.pk}/review/", {"outcome": "not_justified", "note": "x"}
    )
    assert "già stato rivisto" in again.content.decode()


def test_break_the_glass_and_its_review_through_the_api(
    care: Any, patient: Patient, physician: User, make_user: MakeUser
) -> None:
    api = api_client(physician)
    body = {"code": patient.mrn, "category": "continuity", "reason": "Paziente in reparto"}
    status, grant = post_json(api, "/api/v1/patients/break-the-glass", body)
    assert status == 201, grant
    assert grant["patient_id"] == patient.pk
    assert api.get(f"/api/v1/patients/{patient.pk}").status_code == 200
    status, problem = post_json(api, "/api/v1/patients/break-the-glass", {**body, "reason": ""})
    assert status == 422 and problem["code"] == "reason_required"

    auditor = api_client(make_user(Role.AUDITOR))
    listed = auditor.get("/api/v1/patients/break-the-glass?pending=true").json()
    assert [g["id"] for g in listed] == [grant["id"]]
    assert api.get("/api/v1/patients/break-the-glass").status_code == 403
    status, done = post_json(
        auditor,
        f"/api/v1/patients/break-the-glass/{grant['id']}/review",
        {"outcome": "not_justified", "note": "Non era in turno"},
    )
    assert status == 200 and done["outcome"] == "not_justified"


def test_ward_staff_page_and_api(
    ward: Ward, coordinator: User, physician: User, make_user: MakeUser
) -> None:
    client = logged_in(coordinator)
    assert client.get("/patients/wards/staff/").status_code == 200
    answer = client.post(
        "/patients/wards/staff/", {"username": physician.username, "ward_code": ward.code}
    )
    assert answer.status_code == 302
    page = client.get("/patients/wards/staff/").content.decode()
    assert physician.username in page
    assert logged_in(physician).get("/patients/wards/staff/").status_code == 403

    api = api_client(make_user(Role.IT_STAFF))
    nurse = make_user(Role.NURSE)
    status, made = post_json(
        api, "/api/v1/patients/ward-staff", {"username": nurse.username, "ward_code": ward.code}
    )
    assert status == 201, made
    listed = api.get("/api/v1/patients/ward-staff").json()
    assert {row["username"] for row in listed} == {physician.username, nurse.username}
    status, ended = post_json(
        api, f"/api/v1/patients/ward-staff/{made['id']}/end", {"reason": "Fine rotazione"}
    )
    assert status == 200 and ended["ended_at"]


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["{}", '{"code": "X", "category": "emergency", "reason": "r"}'])
def test_a_trial_monitor_is_refused_break_the_glass_before_the_body_is_read(
    make_user: MakeUser, body: str
) -> None:
    # found by the monitor probe (outside): an empty body was a 422 naming the fields
    client = api_client(make_user(Role.TRIAL_MONITOR))
    response = client.post(
        "/api/v1/patients/break-the-glass", body, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "break_glass_not_permitted"
    assert not BreakGlassGrant.objects.exists()
