"""A clinical-trial monitor reads only the patients enrolled (and not withdrawn) in the
trials assigned to them (and not revoked), and writes nothing: through the patient search,
the patient page, the chart, the orders, the documents and the toxicities, in pages and
API, lists and counts; the others answer as if they did not exist. The care team is not
narrowed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.documents import services as document_services
from corsia.documents.models import Document
from corsia.patients.models import Patient
from corsia.prescribing import services as prescribing_services
from corsia.prescribing.models import TherapyOrder
from corsia.regimens import selectors, services
from corsia.regimens.models import TrialEnrollment
from corsia.testing.accounts import MakeUser, logged_in, post_json
from corsia.testing.documents import sheet
from corsia.testing.prescribing import library_version, measured_patient

pytestmark = pytest.mark.django_db


@dataclass
class Hospital:
    monitor: User
    physician: User
    pharmacist: User
    enrolled: Patient
    other: Patient
    enrolment: TrialEnrollment
    orders: dict[int, TherapyOrder]  # by patient id
    documents: dict[int, Document]  # by patient id


@pytest.fixture
def hospital(make_user: MakeUser) -> Hospital:
    """Two patients named Rossi, each with an order for today and an archived document;
    only the first is enrolled in the trial the monitor is assigned to."""
    physician = make_user(Role.PHYSICIAN, username="dr.studio")
    pharmacist = make_user(Role.PHARMACIST, username="farm.studio")
    monitor = make_user(Role.TRIAL_MONITOR, username="monitor.cro")
    registrar = make_user(Role.COORDINATOR)
    folfox = library_version("FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), physician))
    enrolled = measured_patient(
        registrar=registrar, physician=physician, surname="Rossi", given_names="Mario"
    )
    other = measured_patient(
        registrar=registrar, physician=physician, surname="Rossi", given_names="Anna", sex="F"
    )
    orders, documents = {}, {}
    for patient in (enrolled, other):
        orders[patient.pk] = prescribing_services.order_create(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            regimen_version_id=folfox.pk,
            start_date=timezone.localdate(),
        )
        documents[patient.pk] = document_services.document_create(
            actor=physician,
            workstation=None,
            kind="therapy_sheet",
            title="Foglio di terapia",
            patient=patient,
            template_code="therapy_sheet",
            context=sheet(),
            sign=False,
        )
    trial = services.trial_create(
        actor=pharmacist, code="CRC-01", title="Studio colon", eudract_number="2021-000123-45"
    )
    enrolment = services.trial_enrol_patient(
        actor=pharmacist,
        trial_id=trial.pk,
        patient_id=enrolled.pk,
        subject_code="CRC-001",
        consent_date=timezone.localdate(),
    )
    services.trial_monitor_assign(actor=pharmacist, trial_id=trial.pk, monitor=monitor)
    return Hospital(monitor, physician, pharmacist, enrolled, other, enrolment, orders, documents)


def _reads(client: Client, h: Hospital, patient: Patient) -> dict[str, int]:
    """The status of every read of one patient's data, page and API."""
    pid = patient.pk
    order = h.orders[pid].pk
    document = h.documents[pid].pk
    urls = {
        "patient page": f"/patients/{pid}/",
        "patient api": f"/api/v1/patients/{pid}",
        "allergies api": f"/api/v1/patients/{pid}/allergies",
        "chart page": f"/records/patients/{pid}/",
        "chart api": f"/api/v1/patients/{pid}/chart",
        "diary api": f"/api/v1/patients/{pid}/diary",
        "therapies page": f"/prescribing/patient/{pid}/",
        "order page": f"/prescribing/orders/{order}/",
        "order api": f"/api/v1/orders/{order}",
        "cumulative api": f"/api/v1/cumulative/patients/{pid}",
        "documents page": f"/documents/patient/{pid}/",
        "document page": f"/documents/{document}/",
        "document api": f"/api/v1/documents/{document}",
        "toxicities page": f"/toxicity/patient/{pid}/",
        "toxicities api": f"/api/v1/toxicities?patient_id={pid}",
    }
    return {name: client.get(url).status_code for name, url in urls.items()}


def test_the_monitor_reads_the_enrolled_patient_and_nothing_of_the_other(
    hospital: Hospital,
) -> None:
    h = hospital
    client = logged_in(h.monitor)

    enrolled = _reads(client, h, h.enrolled)
    other = _reads(client, h, h.other)

    assert enrolled == dict.fromkeys(enrolled, 200)
    assert other == dict.fromkeys(other, 404)
    logged = set(AccessLogEntry.objects.filter(username="monitor.cro").values_list("patient_id"))
    assert logged == {(h.enrolled.pk,)}


def test_search_lists_and_counts_hold_only_the_enrolled_patient(hospital: Hospital) -> None:
    h = hospital
    client = logged_in(h.monitor)

    found = client.get("/api/v1/patients/search", {"q": "rossi"}).json()
    assert [p["id"] for p in found] == [h.enrolled.pk]
    assert client.get("/api/v1/patients/search", {"q": h.other.mrn}).json() == []
    page = client.get("/patients/", {"q": "rossi"}).content.decode()
    assert "Mario" in page and "Anna" not in page
    day = timezone.localdate().isoformat()
    orders = client.get("/api/v1/orders", {"day": day}).json()
    assert [o["patient_id"] for o in orders] == [h.enrolled.pk]
    worklist = client.get("/prescribing/").content.decode()
    assert f"/prescribing/orders/{h.orders[h.enrolled.pk].pk}/" in worklist
    assert f"/prescribing/orders/{h.orders[h.other.pk].pk}/" not in worklist
    trial_page = client.get(f"/regimens/trials/{h.enrolment.trial_id}/").content.decode()
    assert "ROSSI Mario" in trial_page
    # the care team is not narrowed
    care = logged_in(h.physician).get("/api/v1/patients/search", {"q": "rossi"}).json()
    assert sorted(p["id"] for p in care) == sorted([h.enrolled.pk, h.other.pk])


def test_the_monitor_writes_nothing_even_for_the_enrolled_patient(hospital: Hospital) -> None:
    h = hospital
    client = logged_in(h.monitor)
    pid = h.enrolled.pk
    order = h.orders[pid]
    events = AuditEvent.objects.count()

    api = [
        post_json(client, f"/api/v1/patients/{pid}/diary", {"kind": "note", "text": "x"})[0],
        post_json(
            client,
            f"/api/v1/orders/{order.pk}/transitions",
            {"event": "confirm", "expected_version": order.version},
        )[0],
        post_json(client, f"/api/v1/patients/{pid}/allergies/none-known", {})[0],
        post_json(client, f"/api/v1/patients/{pid}/consents", {"kind": "treatment"})[0],
    ]
    pages = [
        client.post(f"/records/patients/{pid}/diary/", {"kind": "note", "text": "x"}).status_code,
        client.post(f"/patients/{pid}/edit/", {"surname": "Bianchi"}).status_code,
    ]
    # the order's buttons are the state machine's: refused with a message, back to the page
    transition = client.post(f"/prescribing/orders/{order.pk}/transition/", {"event": "confirm"})

    assert api == [403, 403, 403, 403]
    assert pages == [403, 403]
    assert transition.status_code in (302, 403)
    assert AuditEvent.objects.count() == events
    order.refresh_from_db()
    assert order.state == "draft"


def test_withdrawal_and_revocation_end_the_monitor_s_reads(hospital: Hospital) -> None:
    h = hospital
    client = logged_in(h.monitor)
    url = f"/api/v1/patients/{h.enrolled.pk}/chart"
    assert client.get(url).status_code == 200

    services.trial_enrolment_withdraw(
        actor=h.pharmacist,
        trial_id=h.enrolment.trial_id,
        enrolment_id=h.enrolment.pk,
        reason="Consenso revocato",
    )
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/patients/search", {"q": "rossi"}).json() == []
    # the trial's page still lists the subject, without naming the patient
    listed = client.get(f"/api/v1/trials/{h.enrolment.trial_id}/enrollments").json()
    assert [(e["subject_code"], e["patient_id"]) for e in listed] == [("CRC-001", None)]


def test_a_revoked_monitor_sees_neither_the_trial_nor_its_patients(hospital: Hospital) -> None:
    h = hospital
    client = logged_in(h.monitor)
    trial_id = h.enrolment.trial_id
    [assignment] = selectors.trial_monitors(
        user=h.pharmacist, trial=selectors.trial_get(user=h.pharmacist, trial_id=trial_id)
    )
    services.trial_monitor_revoke(
        actor=h.pharmacist, trial_id=trial_id, assignment_id=assignment.pk, reason="Fine studio"
    )
    assert client.get(f"/api/v1/patients/{h.enrolled.pk}").status_code == 404
    assert client.get(f"/api/v1/trials/{trial_id}").status_code == 404
    assert client.get("/api/v1/trials/").json() == []
