"""A televisit for telemedicine's tests: the day hospital's visit booked for a patient with
a portal account on the next Monday at 10:00, a physician holding the televisit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.agenda import services as agenda_services
from corsia.portal.models import PortalAccount
from corsia.telemedicine import services
from corsia.telemedicine.models import Televisit
from corsia.testing.accounts import MakeUser
from corsia.testing.agenda import WORKSTATION, DayHospital, day_hospital, next_weekday
from corsia.testing.portal import patient_with_account

__all__ = ["WORKSTATION", "TelevisitCase", "signal_body", "televisit_case", "televisit_open"]

PASSWORD = "Pw-test-12345"  # make_user's


@dataclass(frozen=True)
class TelevisitCase:
    dh: DayHospital
    booking_id: int
    patient_id: int
    clinician: User
    visit: Televisit
    account: PortalAccount  # the patient's portal account


def televisit_case(make_user: MakeUser) -> TelevisitCase:
    dh = day_hospital(make_user)
    patient, account = patient_with_account(
        make_user, codice_fiscale="", stp_eni_code="STP1400000000777"
    )
    booking = agenda_services.booking_create(
        actor=dh.nurse,
        workstation=WORKSTATION,
        data=agenda_services.BookingInput(
            agenda_id=dh.agenda.pk,
            booking_type_id=dh.visit.pk,
            patient_id=patient.pk,
            day=next_weekday(timezone.localdate()),
            start=time(10),
            place_id=dh.place_ids["P02"],
        ),
    )
    clinician = make_user(Role.PHYSICIAN)
    visit = services.televisit_schedule(
        actor=clinician, workstation=WORKSTATION, booking_id=booking.pk, clinician_id=clinician.pk
    )
    return TelevisitCase(
        dh=dh,
        booking_id=booking.pk,
        patient_id=patient.pk,
        clinician=clinician,
        visit=visit,
        account=account,
    )


def televisit_open(case: TelevisitCase) -> Televisit:
    """The case's televisit with the patient's consent recorded and the room open."""
    services.televisit_consent_record(
        actor=case.clinician, workstation=WORKSTATION, televisit_id=case.visit.pk, source="patient"
    )
    return services.televisit_open(
        actor=case.clinician, workstation=WORKSTATION, televisit_id=case.visit.pk
    )


def signal_body(room: str, kind: str = "hello", payload: object = None) -> bytes:
    import json

    return json.dumps({"room": room, "kind": kind, "payload": payload or {}}).encode()
