"""Clinical trials from the pages and the API: create a trial, enrol a patient (consent
date, arm, study id), withdraw (kept, with the reason), assign and revoke a monitor; bad
input refused with nothing written; the database refuses a deletion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, ProgrammingError, transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.models import Patient
from corsia.regimens import services
from corsia.regimens.models import ClinicalTrial, TrialEnrollment, TrialMonitorAssignment
from corsia.testing.accounts import MakeUser, logged_in, post_json
from corsia.testing.patients import patient_registered
from corsia.testing.regimens import ABVD_INGREDIENTS, abvd_spec, make_ingredients

pytestmark = pytest.mark.django_db
CONSENT = date(2026, 11, 20)
LUIGI_VERDI = {
    "surname": "Verdi",
    "given_names": "Luigi",
    "date_of_birth": date(1980, 1, 1),
    "codice_fiscale": "VRDLGU80A01H501Q",
}


@pytest.fixture
def pharmacist(make_user: MakeUser) -> User:
    return make_user(Role.PHARMACIST, username="farm.studi")


@pytest.fixture
def trial(pharmacist: User) -> ClinicalTrial:
    make_ingredients(ABVD_INGREDIENTS)
    services.regimen_save(actor=pharmacist, spec=abvd_spec("ABVD-T"), expected_version=None)
    return services.trial_create(
        actor=pharmacist,
        code="HD-01",
        title="Studio Hodgkin",
        eudract_number="2019-001234-12",
        regimen_codes=["ABVD-T"],
    )


@pytest.fixture
def patient(make_user: MakeUser) -> Patient:
    return patient_registered(make_user(Role.COORDINATOR))


def _enrol(actor: User, trial: ClinicalTrial, patient: Patient, **kw: object) -> TrialEnrollment:
    arguments: dict[str, object] = {
        "actor": actor,
        "trial_id": trial.pk,
        "patient_id": patient.pk,
        "subject_code": "S-001",
        "consent_date": CONSENT,
        "arm_regimen_code": "ABVD-T",
        **kw,
    }
    return services.trial_enrol_patient(**arguments)  # type: ignore[arg-type]  # test passthrough


def test_enrolment_keeps_consent_date_arm_and_study_id_and_is_audited(
    pharmacist: User, trial: ClinicalTrial, patient: Patient
) -> None:
    enrolment = _enrol(pharmacist, trial, patient)
    assert (enrolment.subject_code, enrolment.arm_regimen.code, enrolment.consent_date) == (  # type: ignore[union-attr]  # an arm was given
        "S-001",
        "ABVD-T",
        CONSENT,
    )
    event = AuditEvent.objects.get(event_type="regimens.trial_patient_enrolled")
    assert event.patient_id == patient.pk
    assert event.after is not None and event.after["consent_date"] == "2026-11-20"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"consent_date": None}, "consent_date_required"),
        ({"consent_date": "tomorrow"}, "consent_date_in_future"),
        ({"subject_code": "  "}, "subject_code_required"),
        ({"subject_code": "S 001\x00"}, "invalid_subject_code"),
        ({"arm_regimen_code": "R-CHOP"}, "arm_not_in_trial"),
        ({"patient_id": 10**12}, "patient_not_found"),
    ],
)
def test_bad_enrolments_are_refused_and_nothing_is_written(
    pharmacist: User,
    trial: ClinicalTrial,
    patient: Patient,
    changes: dict[str, object],
    code: str,
) -> None:
    if changes.get("consent_date") == "tomorrow":
        changes = {"consent_date": timezone.localdate() + timedelta(days=1)}
    with pytest.raises((ValidationFailed, NotFound)) as refused:
        _enrol(pharmacist, trial, patient, **changes)
    assert refused.value.code == code
    assert not TrialEnrollment.objects.exists()


def test_a_patient_and_a_study_id_are_enrolled_once(
    pharmacist: User, trial: ClinicalTrial, patient: Patient, make_user: MakeUser
) -> None:
    _enrol(pharmacist, trial, patient)
    with pytest.raises(ConflictError) as twice:
        _enrol(pharmacist, trial, patient, subject_code="S-002")
    assert twice.value.code == "already_enrolled"
    other = patient_registered(make_user(Role.COORDINATOR), **LUIGI_VERDI)
    with pytest.raises(ConflictError) as taken:
        _enrol(pharmacist, trial, other)
    assert taken.value.code == "subject_code_taken"
    assert TrialEnrollment.objects.count() == 1


def test_withdrawal_keeps_the_enrolment_with_who_when_why_and_is_never_deleted(
    pharmacist: User, trial: ClinicalTrial, patient: Patient
) -> None:
    enrolment = _enrol(pharmacist, trial, patient)
    with pytest.raises(ValidationFailed) as no_reason:
        services.trial_enrolment_withdraw(
            actor=pharmacist, trial_id=trial.pk, enrolment_id=enrolment.pk, reason="  "
        )
    assert no_reason.value.code == "reason_required"

    services.trial_enrolment_withdraw(
        actor=pharmacist, trial_id=trial.pk, enrolment_id=enrolment.pk, reason="Consenso revocato"
    )

    enrolment.refresh_from_db()
    assert enrolment.withdrawn_by == pharmacist
    assert enrolment.withdrawal_reason == "Consenso revocato"
    assert enrolment.withdrawn_at is not None
    assert AuditEvent.objects.get(event_type="regimens.trial_patient_withdrawn").reason == (
        "Consenso revocato"
    )
    with pytest.raises(ConflictError):
        services.trial_enrolment_withdraw(
            actor=pharmacist, trial_id=trial.pk, enrolment_id=enrolment.pk, reason="di nuovo"
        )
    with pytest.raises(ProgrammingError), transaction.atomic():
        TrialEnrollment.objects.filter(pk=enrolment.pk).delete()
    assert TrialEnrollment.objects.filter(pk=enrolment.pk).exists()


def test_monitor_assignment_needs_a_monitor_and_a_revocation_keeps_the_row(
    pharmacist: User, trial: ClinicalTrial, make_user: MakeUser
) -> None:
    physician = make_user(Role.PHYSICIAN, username="dr.non.monitor")
    with pytest.raises(ValidationFailed) as refused:
        services.trial_monitor_assign(actor=pharmacist, trial_id=trial.pk, monitor=physician)
    assert refused.value.code == "not_a_trial_monitor"
    monitor = make_user(Role.TRIAL_MONITOR, username="monitor.cro")
    first = services.trial_monitor_assign(actor=pharmacist, trial_id=trial.pk, monitor=monitor)
    with pytest.raises(ConflictError):
        services.trial_monitor_assign(actor=pharmacist, trial_id=trial.pk, monitor=monitor)

    services.trial_monitor_revoke(
        actor=pharmacist, trial_id=trial.pk, assignment_id=first.pk, reason="Fine monitoraggio"
    )
    again = services.trial_monitor_assign(actor=pharmacist, trial_id=trial.pk, monitor=monitor)

    rows = list(TrialMonitorAssignment.objects.order_by("pk").values_list("pk", "revoke_reason"))
    assert rows == [(first.pk, "Fine monitoraggio"), (again.pk, "")]
    assert AuditEvent.objects.filter(event_type="regimens.trial_monitor_revoked").count() == 1
    with pytest.raises(ProgrammingError), transaction.atomic():
        TrialMonitorAssignment.objects.filter(pk=first.pk).delete()


def test_the_database_refuses_a_withdrawal_without_who_and_why(
    pharmacist: User, trial: ClinicalTrial, patient: Patient
) -> None:
    enrolment = _enrol(pharmacist, trial, patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrialEnrollment.objects.filter(pk=enrolment.pk).update(withdrawn_at=timezone.now())


def test_pages_create_a_trial_enrol_withdraw_assign_and_revoke(
    pharmacist: User, trial: ClinicalTrial, patient: Patient, make_user: MakeUser
) -> None:
    client = logged_in(pharmacist)
    assert client.get("/regimens/trials/new/").status_code == 200
    bad = client.post("/regimens/trials/new/", {"code": "X-1", "title": "Senza numeri"})
    assert bad.status_code == 422
    assert "numero EudraCT o il numero CTIS" in bad.content.decode()
    made = client.post(
        "/regimens/trials/new/",
        {"code": "LY-02", "title": "Linfomi", "ctis_number": "2023-512345-12-00"},
    )
    assert made.status_code == 302
    assert ClinicalTrial.objects.filter(code="LY-02").exists()

    form = {"patient": patient.mrn, "subject_code": "S-010", "consent_date": "2026-11-20"}
    future = client.post(
        f"/regimens/trials/{trial.pk}/enrol/", {**form, "consent_date": "2099-01-01"}
    )
    assert future.status_code == 422
    assert "non può essere futura" in future.content.decode()
    unknown = client.post(f"/regimens/trials/{trial.pk}/enrol/", {**form, "patient": "999999"})
    assert unknown.status_code == 422
    assert not TrialEnrollment.objects.exists()
    enrolled = client.post(f"/regimens/trials/{trial.pk}/enrol/", {**form, "arm": "ABVD-T"})
    assert enrolled.status_code == 302
    enrolment = TrialEnrollment.objects.get()
    assert (enrolment.patient_id, enrolment.subject_code, enrolment.arm_regimen_id) == (
        patient.pk,
        "S-010",
        trial.regimens.get().pk,
    )
    page = client.get(f"/regimens/trials/{trial.pk}/").content.decode()
    assert "S-010" in page and "ROSSI Mario" in page and "20/11/2026" in page

    url = f"/regimens/trials/{trial.pk}/enrolments/{enrolment.pk}/withdraw/"
    client.post(url, {"reason": ""})
    assert TrialEnrollment.objects.get().withdrawn_at is None
    client.post(url, {"reason": "Progressione di malattia"})
    assert TrialEnrollment.objects.get().withdrawal_reason == "Progressione di malattia"
    assert "ritirato il" in client.get(f"/regimens/trials/{trial.pk}/").content.decode()

    make_user(Role.TRIAL_MONITOR, username="monitor.cro")
    client.post(f"/regimens/trials/{trial.pk}/monitors/", {"monitor": "monitor.cro"})
    assignment = TrialMonitorAssignment.objects.get()
    client.post(f"/regimens/trials/{trial.pk}/monitors/{assignment.pk}/revoke/", {"reason": "Fine"})
    assert TrialMonitorAssignment.objects.get().revoke_reason == "Fine"


def test_api_trials_enrolments_and_monitors(
    pharmacist: User, trial: ClinicalTrial, patient: Patient, make_user: MakeUser
) -> None:
    client = logged_in(pharmacist)
    status, created = post_json(
        client,
        "/api/v1/trials/",
        {"code": "MM-03", "title": "Mieloma", "eudract_number": "2020-123456-01"},
    )
    assert status == 201 and created["code"] == "MM-03"
    status, problem = post_json(client, "/api/v1/trials/", {"code": "MM-04", "title": "x"})
    assert (status, problem["code"]) == (422, "trial_number_required")

    base = f"/api/v1/trials/{trial.pk}"
    body = {"patient_id": patient.pk, "subject_code": "S-020", "consent_date": "2026-11-20"}
    status, problem = post_json(client, f"{base}/enrollments", {**body, "arm": "FOLFOX"})
    assert (status, problem["code"]) == (422, "arm_not_in_trial")
    status, enrolment = post_json(client, f"{base}/enrollments", {**body, "arm": "ABVD-T"})
    assert status == 201
    assert (enrolment["patient_id"], enrolment["arm"], enrolment["consent_date"]) == (
        patient.pk,
        "ABVD-T",
        "2026-11-20",
    )
    status, problem = post_json(client, f"{base}/enrollments/{enrolment['id']}/withdrawal", {})
    assert status == 422
    status, withdrawn = post_json(
        client, f"{base}/enrollments/{enrolment['id']}/withdrawal", {"reason": "Tossicità"}
    )
    assert status == 200 and withdrawn["withdrawal_reason"] == "Tossicità"
    [listed] = client.get(f"{base}/enrollments").json()
    assert listed["withdrawn_by"] == "farm.studi"

    make_user(Role.TRIAL_MONITOR, username="monitor.api")
    status, assigned = post_json(client, f"{base}/monitors", {"username": "monitor.api"})
    assert status == 201
    status, problem = post_json(client, f"{base}/monitors", {"username": "nessuno"})
    assert (status, problem["code"]) == (404, "user_not_found")
    status, revoked = post_json(
        client, f"{base}/monitors/{assigned['id']}/revocation", {"reason": "Chiusura centro"}
    )
    assert status == 200 and revoked["revoke_reason"] == "Chiusura centro"
    assert [m["username"] for m in client.get(f"{base}/monitors").json()] == ["monitor.api"]


@pytest.mark.parametrize("role", [Role.PHYSICIAN, Role.NURSE, Role.TRIAL_MONITOR])
def test_only_trial_managers_write_and_a_refusal_writes_nothing(
    trial: ClinicalTrial, patient: Patient, make_user: MakeUser, role: Role
) -> None:
    client = logged_in(make_user(role))
    events = AuditEvent.objects.count()
    status, _ = post_json(client, "/api/v1/trials/", {"code": "Z", "title": "Z"})
    assert status == 403
    body = {"patient_id": patient.pk, "subject_code": "S-1", "consent_date": "2026-11-20"}
    status, _ = post_json(client, f"/api/v1/trials/{trial.pk}/enrollments", body)
    assert status == 403
    page = client.post(f"/regimens/trials/{trial.pk}/enrol/", {"patient": patient.mrn})
    assert page.status_code == 403
    assert not TrialEnrollment.objects.exists()
    assert ClinicalTrial.objects.count() == 1
    assert AuditEvent.objects.count() == events
