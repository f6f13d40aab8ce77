"""Televisits on agenda bookings and teleconsultations: scheduling refusals, consent before
the room opens, the room closed at the end, the signed report in the patient's documents,
a teleconsultation's question and answer; each act audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.agenda import services as agenda_services
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, NotFound, PermissionRefused, ValidationFailed
from corsia.documents.models import Document
from corsia.telemedicine import services
from corsia.telemedicine.domain.states import CONSENT_TEXT_IT, CONSENT_VERSION
from corsia.telemedicine.models import Televisit, TelevisitReport
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.telemedicine import WORKSTATION, TelevisitCase, televisit_case, televisit_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(make_user: MakeUser) -> TelevisitCase:
    return televisit_case(make_user)


def _events(visit: Televisit) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=str(visit.pk), event_type__startswith="telemedicine.")
        .order_by("pk")
        .values_list("event_type", flat=True)
    )


def test_scheduled_on_the_booking_with_its_times(case: TelevisitCase) -> None:
    visit = case.visit
    assert (visit.kind, visit.state, visit.booking_id) == (
        "televisit",
        "scheduled",
        case.booking_id,
    )
    assert timezone.localtime(visit.scheduled_start).hour == 10
    assert visit.scheduled_end - visit.scheduled_start == timedelta(minutes=30)
    assert len(visit.room_name) > 30 and visit.room_name.startswith("corsia-")
    # one televisit per booking
    with pytest.raises(ConflictError) as refused:
        services.televisit_schedule(
            actor=case.clinician,
            workstation=WORKSTATION,
            booking_id=case.booking_id,
            clinician_id=case.clinician.pk,
        )
    assert refused.value.code == "televisit_exists"


def test_scheduling_refusals(case: TelevisitCase, make_user: MakeUser) -> None:
    def schedule(booking_id: int, clinician_id: int) -> str:
        with pytest.raises((NotFound, ValidationFailed, ConflictError)) as refused:
            services.televisit_schedule(
                actor=case.clinician,
                workstation=WORKSTATION,
                booking_id=booking_id,
                clinician_id=clinician_id,
            )
        return refused.value.code

    assert schedule(999_999, case.clinician.pk) == "booking_not_found"
    nurse = make_user(Role.NURSE)
    therapy = agenda_services.booking_create(
        actor=case.dh.nurse,
        workstation=WORKSTATION,
        data=agenda_services.BookingInput(
            agenda_id=case.dh.agenda.pk,
            booking_type_id=case.dh.therapy.pk,
            patient_id=case.patient_id,
            day=timezone.localtime(case.visit.scheduled_start).date() + timedelta(days=1),
            start=timezone.localtime(case.visit.scheduled_start).time(),
            place_id=case.dh.place_ids["P01"],
        ),
    )
    assert schedule(therapy.pk, case.clinician.pk) == "booking_kind_not_visit"
    services.televisit_cancel(
        actor=case.clinician, workstation=WORKSTATION, televisit_id=case.visit.pk, reason="Rinvio"
    )
    assert schedule(case.booking_id, nurse.pk) == "clinician_unknown"
    with pytest.raises(PermissionRefused):
        services.televisit_schedule(
            actor=make_user(Role.PHARMACIST),
            workstation=WORKSTATION,
            booking_id=case.booking_id,
            clinician_id=case.clinician.pk,
        )


def test_the_room_opens_only_after_consent(case: TelevisitCase, make_user: MakeUser) -> None:
    with pytest.raises(ConflictError) as refused:
        services.televisit_open(
            actor=case.clinician, workstation=WORKSTATION, televisit_id=case.visit.pk
        )
    assert refused.value.code == "consent_required"
    # another physician cannot act on it: not found
    with pytest.raises(NotFound):
        services.televisit_consent_record(
            actor=make_user(Role.PHYSICIAN),
            workstation=WORKSTATION,
            televisit_id=case.visit.pk,
            source="patient",
        )
    with pytest.raises(ValidationFailed) as bad:
        services.televisit_consent_record(
            actor=case.clinician, workstation=WORKSTATION, televisit_id=case.visit.pk, source="x"
        )
    assert bad.value.code == "consent_source_unknown"
    visit = televisit_open(case)
    assert visit.state == "open" and visit.opened_at is not None
    assert visit.consent_recorded_by == case.clinician
    assert (visit.consent_source, visit.consent_version) == ("patient", CONSENT_VERSION)
    assert visit.consent_text == CONSENT_TEXT_IT
    assert visit.consent_at is not None and visit.consent_at <= visit.opened_at
    assert _events(visit) == [
        "telemedicine.scheduled",
        "telemedicine.consent_recorded",
        "telemedicine.room_opened",
    ]


def test_report_signed_into_the_patient_documents(case: TelevisitCase) -> None:
    televisit_open(case)
    report = {
        "history": "Controllo dopo il 3° ciclo di FOLFOX.",
        "findings": "Parestesie di grado 1; nessuna febbre.",
        "conclusions": "Prosegue la terapia; esami prima del 4° ciclo.",
    }
    with pytest.raises(ConflictError) as early:
        services.televisit_report_sign(
            actor=case.clinician, workstation=WORKSTATION, televisit_id=case.visit.pk, **report
        )
    assert early.value.code == "televisit_not_closed"
    services.televisit_close(
        actor=case.clinician, workstation=WORKSTATION, televisit_id=case.visit.pk
    )
    signed = services.televisit_report_sign(
        actor=case.clinician, workstation=WORKSTATION, televisit_id=case.visit.pk, **report
    )
    document = Document.objects.get(pk=signed.document_id)
    assert document.kind == "televisit_report"
    assert document.signed and document.patient_id == case.patient_id
    assert document.title.startswith("Referto di televisita del ")
    headings = [s["heading"] for s in document.context["sections"]]
    assert headings == [
        "Televisita",
        "Anamnesi e motivo della televisita",
        "Esito della televisita",
        "Conclusioni e indicazioni",
    ]
    assert document.context["sections"][2]["rows"] == [
        {"label": "Esito della televisita", "value": "Parestesie di grado 1; nessuna febbre."}
    ]
    assert TelevisitReport.objects.get(televisit=case.visit).findings == report["findings"]
    with pytest.raises(ConflictError) as twice:
        services.televisit_report_sign(
            actor=case.clinician, workstation=WORKSTATION, televisit_id=case.visit.pk, **report
        )
    assert twice.value.code == "report_already_signed"
    assert _events(case.visit)[-2:] == ["telemedicine.room_closed", "telemedicine.report_signed"]


def test_teleconsultation_question_and_answer(case: TelevisitCase, make_user: MakeUser) -> None:
    consultant = make_user(Role.PHYSICIAN)
    start = timezone.now() + timedelta(hours=1)
    asked = services.teleconsultation_request(
        actor=case.clinician,
        workstation=WORKSTATION,
        patient_id=case.patient_id,
        consultant_id=consultant.pk,
        question="Neuropatia di grado 2 dopo oxaliplatino: ridurre la dose o sospendere?",
        start=start,
    )
    assert (asked.kind, asked.consultant_id, asked.scheduled_end - asked.scheduled_start) == (
        "teleconsultation",
        consultant.pk,
        timedelta(minutes=30),
    )
    # no patient in the room: no consent, the room opens at once
    opened = services.televisit_open(
        actor=case.clinician, workstation=WORKSTATION, televisit_id=asked.pk
    )
    assert opened.state == "open"
    # the consultant is the other participant of the room; the requester cannot answer
    page = logged_in(consultant).get(f"/telemedicine/{asked.pk}/")
    assert page.status_code == 200 and b"data-televisit-room" in page.content
    with pytest.raises(NotFound):
        services.teleconsultation_answer(
            actor=case.clinician, workstation=WORKSTATION, televisit_id=asked.pk, answer="Io"
        )
    answered = services.teleconsultation_answer(
        actor=consultant,
        workstation=WORKSTATION,
        televisit_id=asked.pk,
        answer="Ridurre l'oxaliplatino al 75 % e rivalutare.",
    )
    assert answered.answer.startswith("Ridurre") and answered.answered_at is not None
    with pytest.raises(ConflictError) as again:
        services.teleconsultation_answer(
            actor=consultant, workstation=WORKSTATION, televisit_id=asked.pk, answer="Altro"
        )
    assert again.value.code == "already_answered"
    with pytest.raises(ValidationFailed) as self_asked:
        services.teleconsultation_request(
            actor=case.clinician,
            workstation=WORKSTATION,
            patient_id=case.patient_id,
            consultant_id=case.clinician.pk,
            question="?",
            start=start,
        )
    assert self_asked.value.code == "consultant_is_requester"


def test_api_schedules_and_pages_show(case: TelevisitCase, make_user: MakeUser) -> None:
    client = api_client(case.clinician)
    listed = client.get("/api/v1/telemedicine/televisits").json()
    assert [row["id"] for row in listed] == [case.visit.pk]
    response = client.post(
        f"/api/v1/telemedicine/televisits/{case.visit.pk}/open", content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["code"] == "consent_required"
    response = client.post(
        f"/api/v1/telemedicine/televisits/{case.visit.pk}/consent",
        {"source": "guardian"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["consent_source"] == "guardian"
    page = logged_in(case.clinician).get("/telemedicine/")
    assert page.status_code == 200 and b"Televisita" in page.content
    assert logged_in(make_user(Role.PHARMACIST)).get("/telemedicine/").status_code == 403
