"""The demo's care at home (issue 25), for the demo patient with a portal account
(``corsia.demo.portal``): a televisit booked on the day-hospital agenda (a follow-up visit,
no place) with the physician ``medico``; the symptom diary of the current cycle, filled
today; blood pressure, heart rate and weight of the last days, and a temperature over the
threshold this morning that raises an (urgent, within the cycle's diary days) alert — so
that the team's worklist ``/portale/equipe/`` shows items. Idempotent: nothing is added
when the patient already has readings."""

from __future__ import annotations

from datetime import time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from corsia.agenda import services as agenda
from corsia.agenda.selectors import agendas_list
from corsia.core.domain.errors import CorsiaError
from corsia.demo import patients as demo_patients
from corsia.portal.access import PortalPatient
from corsia.portal.selectors import account_of_patient
from corsia.telemedicine.services import televisit_schedule
from corsia.telemonitoring import selectors as monitoring
from corsia.telemonitoring import services as telemonitoring

if TYPE_CHECKING:
    from corsia.core.actors import User

WORKSTATION = "demo"
CALM_DIARY = {
    "temperature": "37,2",
    "stools": "1",
    "mouth": "0",
    "nausea": "1",
    "pain": "1",
    "fatigue": "1",
}


def _televisit(*, nurse: User, physician: User, patient_id: int) -> str:
    found = next((a for a in agendas_list(user=nurse) if a.code == "DHONC"), None)
    if found is None:
        return "no day-hospital agenda"
    visit_type = (
        found.booking_types.filter(code="FU").first()
        or found.booking_types.filter(code="VIS").first()
    )
    if visit_type is None:
        return "no visit booking type"
    day = timezone.localdate() + timedelta(days=1)
    for _ in range(10):
        if day.weekday() < 5:
            try:
                booking = agenda.booking_create(
                    actor=nurse,
                    workstation=WORKSTATION,
                    data=agenda.BookingInput(
                        agenda_id=found.pk,
                        booking_type_id=visit_type.pk,
                        patient_id=patient_id,
                        day=day,
                        start=time(16, 30),
                        notes="Televisita di controllo",
                    ),
                )
                visit = televisit_schedule(
                    actor=physician,
                    workstation=WORKSTATION,
                    booking_id=booking.pk,
                    clinician_id=physician.pk,
                )
            except CorsiaError:
                day += timedelta(days=1)
                continue
            return f"televisit {visit.pk} on {day:%d/%m/%Y} 16:30"
        day += timedelta(days=1)
    return "no televisit booked"


def ensure_demo_home_care(*, nurse: User, physician: User) -> str:
    adults = demo_patients.adult_patient_ids()
    account = account_of_patient(adults[0]) if adults else None
    if account is None:
        return "no demo patient with a portal account"
    me = PortalPatient(
        account_id=account.pk, patient_id=account.patient_id, given_names="", surname=""
    )
    if monitoring.own_home(patient=me).readings:
        return "already there"
    televisit = _televisit(nurse=nurse, physician=physician, patient_id=me.patient_id)
    today = timezone.localdate()
    telemonitoring.diary_schedule(
        actor=nurse,
        workstation=WORKSTATION,
        patient_id=me.patient_id,
        chemotherapy_on=today - timedelta(days=3),
        regimen="ABVD",
        cycle_number=2,
    )
    now = timezone.now()
    for days_ago, values in (
        (2, {"systolic": "128", "diastolic": "78", "heart_rate": "74", "weight": "71,4"}),
        (1, {"systolic": "124", "diastolic": "80", "heart_rate": "80", "weight": "71,0"}),
    ):
        telemonitoring.reading_record_manual(
            patient=me, values=values, measured_at=now - timedelta(days=days_ago)
        )
    fever = telemonitoring.reading_record_manual(
        patient=me, values={"temperature": "38,3"}, measured_at=now - timedelta(hours=1)
    )
    telemonitoring.diary_submit(patient=me, answers=CALM_DIARY)
    return f"{televisit}; 3 readings, {len(fever.alerts)} alert; today's diary filled"
