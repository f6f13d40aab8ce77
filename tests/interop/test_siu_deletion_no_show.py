"""SIU^S17 (the CUP deletes an appointment) and SIU^S26 (the patient did not show up),
real HL7 v2.5 messages through the listener's entry point (``message_receive``): the
booking cancelled with the message as reason (kept, never deleted) or marked no-show; an
unknown appointment is AE with nothing changed."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine
from django.utils import timezone

from corsia.agenda.models import Booking, CupServiceMapping
from corsia.audit.models import AuditEvent
from corsia.interop.models import InboundMessage
from corsia.interop.services import message_receive
from corsia.testing.accounts import MakeUser
from corsia.testing.agenda import DayHospital, day_hospital, next_weekday
from corsia.testing.interop import adt, pid, siu

pytestmark = pytest.mark.django_db


def _msa(ack: str) -> list[str]:
    return next(s for s in ack.split("\r") if s.startswith("MSA|")).split("|")


def _err_code(ack: str) -> str:
    return next(s for s in ack.split("\r") if s.startswith("ERR|")).split("|")[5].split("^")[0]


@pytest.fixture
def dh(make_user: MakeUser) -> DayHospital:
    """The day hospital; the CUP's 89.7 at DHT books its visit; the patient known by ADT."""
    dh = day_hospital(make_user)
    CupServiceMapping.objects.create(
        service_code="89.7", location_code="DHT", booking_type=dh.visit
    )
    assert _msa(message_receive(raw=adt("A28", "ADT0001", pid())))[1] == "AA"
    return dh


@pytest.fixture
def monday() -> date:
    return next_weekday(timezone.localdate())


def _booked(monday: date) -> Booking:
    ack = message_receive(raw=siu("S12", "CUP1000", start=f"{monday:%Y%m%d}1000"))
    assert _msa(ack)[1] == "AA", ack
    return Booking.objects.get()


def test_s17_cancels_the_booking_with_the_message_as_reason_and_keeps_it(
    dh: DayHospital, monday: date
) -> None:
    booking = _booked(monday)
    unknown = message_receive(raw=siu("S17", "CUP1001", appointment="NOPE9"))
    assert (_msa(unknown)[1], _err_code(unknown)) == ("AE", "cup_appointment_unknown")
    booking.refresh_from_db()
    assert booking.state == "planned"
    ack = message_receive(raw=siu("S17", "CUP1002"))
    assert _msa(ack)[1:3] == ["AA", "CUP1002"]
    booking.refresh_from_db()
    assert booking.state == "cancelled" and "SIU^S17" in booking.state_reason
    assert "CUP1002" in booking.state_reason
    row = InboundMessage.objects.get(control_id="CUP1002")
    assert row.state == "processed" and "eliminato dal CUP" in row.outcome
    audit = AuditEvent.objects.filter(event_type="agenda.booking_cancelled").latest("pk")
    assert audit.actor is not None and audit.actor.username == "hl7-interface"
    again = message_receive(raw=siu("S17", "CUP1003"))
    assert _msa(again)[1] == "AA"
    assert InboundMessage.objects.get(control_id="CUP1003").state == "ignored"
    assert Booking.objects.count() == 1  # never deleted


def test_s26_marks_the_no_show_on_the_day_and_refuses_otherwise(
    dh: DayHospital, monday: date
) -> None:
    booking = _booked(monday)
    early = message_receive(raw=siu("S26", "CUP1101"))
    assert (_msa(early)[1], _err_code(early)) == ("AE", "no_show_before_day")
    unknown = message_receive(raw=siu("S26", "CUP1102", appointment="NOPE9"))
    assert (_msa(unknown)[1], _err_code(unknown)) == ("AE", "cup_appointment_unknown")
    booking.refresh_from_db()
    assert booking.state == "planned"
    noon = timezone.make_aware(datetime.combine(monday, time(12)))
    with time_machine.travel(noon, tick=False):
        ack = message_receive(raw=siu("S26", "CUP1103"))
        assert _msa(ack)[1] == "AA", ack
        booking.refresh_from_db()
        assert booking.state == "no_show" and "SIU^S26" in booking.state_reason
        row = InboundMessage.objects.get(control_id="CUP1103")
        assert row.state == "processed" and "non presentato" in row.outcome
        again = message_receive(raw=siu("S26", "CUP1104"))
        assert _msa(again)[1] == "AA"
        assert InboundMessage.objects.get(control_id="CUP1104").state == "ignored"
        # a cancelled appointment is no no-show
        message_receive(raw=siu("S12", "CUP1105", appointment="APP2", start=f"{monday:%Y%m%d}1500"))
        message_receive(raw=siu("S15", "CUP1106", appointment="APP2"))
        cancelled = message_receive(raw=siu("S26", "CUP1107", appointment="APP2"))
        assert (_msa(cancelled)[1], _err_code(cancelled)) == ("AE", "cup_appointment_cancelled")
