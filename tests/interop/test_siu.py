"""The CUP's bookings (SIU^S12–S15, S17 deletion, S26 no-show) through the entry point the MLLP listener uses
(``message_receive``): the agenda's bookings and the ACKs asserted; refusals change
nothing; the same appointment twice is one booking."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from corsia.administration.pumps.mllp import mllp_exchange_sync
from corsia.agenda.models import Booking, CupServiceMapping
from corsia.audit.models import AuditEvent
from corsia.interop.models import InboundMessage
from corsia.interop.services import message_receive
from corsia.testing.accounts import MakeUser
from corsia.testing.agenda import DayHospital, day_hospital, next_weekday
from corsia.testing.interop import ANNA_CF, adt, pid, running_hl7_listener, siu

pytestmark = pytest.mark.django_db


def _msa(ack: str) -> list[str]:
    return next(s for s in ack.split("\r") if s.startswith("MSA|")).split("|")


def _err(ack: str) -> list[str]:
    """The ERR fields, ERR-5 (our code) without its coding system."""
    fields = next(s for s in ack.split("\r") if s.startswith("ERR|")).split("|")
    fields[5] = fields[5].split("^")[0]
    return fields


def _at(day: date, hhmm: str) -> str:
    return f"{day:%Y%m%d}{hhmm}"


@pytest.fixture
def dh(make_user: MakeUser) -> DayHospital:
    """The day hospital (open Monday to Friday 07:30–19:00); the CUP's service 89.7 at
    location DHT books its visit (30'); Giulia Bianchi registered by the ADT."""
    dh = day_hospital(make_user)
    CupServiceMapping.objects.create(
        service_code="89.7", location_code="DHT", booking_type=dh.visit
    )
    assert _msa(message_receive(raw=adt("A28", "ADT0001", pid())))[1] == "AA"
    return dh


@pytest.fixture
def monday() -> date:
    return next_weekday(timezone.localdate())


def test_s12_books_the_visit_to_be_placed_by_the_interface_with_the_message_as_reason(
    dh: DayHospital, monday: date
) -> None:
    ack = message_receive(raw=siu("S12", "CUP0001", start=_at(monday, "1000")))
    assert _msa(ack)[1:3] == ["AA", "CUP0001"]
    booking = Booking.objects.get()
    assert (booking.agenda_id, booking.booking_type_id) == (dh.agenda.pk, dh.visit.pk)
    assert booking.place_id is None  # «da collocare»: the day's plan gives the chair
    assert timezone.localtime(booking.start_at).time() == time(10, 0)
    assert booking.end_at - booking.start_at == timedelta(minutes=30)
    assert (booking.external_system, booking.external_id) == (
        "ASST_PAVIA:CUP_REGIONALE",
        "APP2026-000451",
    )
    assert booking.created_by.username == "hl7-interface"
    assert "CUP0001" in booking.notes
    row = InboundMessage.objects.get(control_id="CUP0001")
    assert (row.state, row.message_type, row.patient_id) == (
        "processed",
        "SIU^S12",
        booking.patient_id,
    )
    created = AuditEvent.objects.get(event_type="agenda.booking_created")
    assert created.actor is not None and created.actor.username == "hl7-interface"
    assert created.workstation == "CUP_REGIONALE"


def test_the_same_s12_again_is_one_booking(dh: DayHospital, monday: date) -> None:
    message = siu("S12", "CUP0002", start=_at(monday, "1000"))
    first = message_receive(raw=message)
    assert message_receive(raw=message) == first  # same control id: the same ACK
    # the same appointment resent under a new control id, same content: AA, nothing new
    again = message_receive(raw=siu("S12", "CUP0003", start=_at(monday, "1000")))
    assert _msa(again)[1] == "AA"
    assert Booking.objects.count() == 1
    assert InboundMessage.objects.get(control_id="CUP0003").state == "ignored"
    # the same appointment id with other content on an S12: AE, nothing changed
    other = message_receive(raw=siu("S12", "CUP0004", start=_at(monday, "1100")))
    assert _msa(other)[1] == "AE"
    assert _err(other)[2] == "SCH^1^2" and _err(other)[5] == "cup_appointment_exists"
    assert timezone.localtime(Booking.objects.get().start_at).time() == time(10, 0)


def test_s13_moves_it_with_the_message_as_reason(dh: DayHospital, monday: date) -> None:
    message_receive(raw=siu("S12", "CUP0010", start=_at(monday, "1000")))
    tuesday = monday + timedelta(days=1)
    ack = message_receive(raw=siu("S13", "CUP0011", start=_at(tuesday, "1430")))
    assert _msa(ack)[1] == "AA"
    booking = Booking.objects.get()
    assert booking.day == tuesday
    assert timezone.localtime(booking.start_at).time() == time(14, 30)
    moved = AuditEvent.objects.get(event_type="agenda.booking_moved")
    assert "CUP0011" in moved.reason
    # the same S13 again (new control id): nothing to do
    message_receive(raw=siu("S13", "CUP0012", start=_at(tuesday, "1430")))
    assert AuditEvent.objects.filter(event_type="agenda.booking_moved").count() == 1


def test_s13_of_an_unknown_appointment_is_an_error(dh: DayHospital, monday: date) -> None:
    ack = message_receive(raw=siu("S13", "CUP0020", appointment="NOPE1", start=_at(monday, "1000")))
    assert _msa(ack)[1] == "AE"
    assert _err(ack)[2] == "SCH^1^2" and _err(ack)[5] == "cup_appointment_unknown"
    assert not Booking.objects.exists()


def test_s14_with_a_new_duration_cancels_and_books_again(dh: DayHospital, monday: date) -> None:
    message_receive(raw=siu("S12", "CUP0030", start=_at(monday, "1000")))
    ack = message_receive(raw=siu("S14", "CUP0031", start=_at(monday, "1000"), minutes="45"))
    assert _msa(ack)[1] == "AA"
    old, new = Booking.objects.order_by("pk")
    assert old.state == "cancelled" and "CUP0031" in old.state_reason
    assert new.state == "planned" and new.end_at - new.start_at == timedelta(minutes=45)
    assert new.external_id == old.external_id == "APP2026-000451"


def test_s15_cancels_and_a_repeat_is_nothing_to_do(dh: DayHospital, monday: date) -> None:
    message_receive(raw=siu("S12", "CUP0040", start=_at(monday, "1000")))
    ack = message_receive(raw=siu("S15", "CUP0041", start=_at(monday, "1000")))
    assert _msa(ack)[1] == "AA"
    booking = Booking.objects.get()
    assert booking.state == "cancelled" and "CUP0041" in booking.state_reason
    again = message_receive(raw=siu("S15", "CUP0042", start=_at(monday, "1000")))
    assert _msa(again)[1] == "AA"
    assert InboundMessage.objects.get(control_id="CUP0042").state == "ignored"
    unknown = message_receive(raw=siu("S15", "CUP0043", appointment="NOPE2"))
    assert _err(unknown)[5] == "cup_appointment_unknown"


def test_an_unknown_patient_is_refused_and_nothing_is_booked(dh: DayHospital, monday: date) -> None:
    raw = siu(
        "S12",
        "CUP0050",
        start=_at(monday, "1000"),
        patient=pid(ANNA_CF, adt_id="", surname="ESPOSITO", given="ANNA", born="19580702"),
    )
    ack = message_receive(raw=raw)
    assert _msa(ack)[1] == "AE"
    assert _err(ack)[2] == "PID^1^3" and _err(ack)[5] == "patient_unknown"
    assert not Booking.objects.exists()
    assert InboundMessage.objects.get(control_id="CUP0050").state == "error"


def test_a_closed_day_or_outside_hours_is_refused_not_placed_elsewhere(
    dh: DayHospital, monday: date
) -> None:
    saturday = monday + timedelta(days=5)
    closed = message_receive(raw=siu("S12", "CUP0060", start=_at(saturday, "1000")))
    assert _msa(closed)[1] == "AE"
    assert _err(closed)[5] == "agenda_closed_day" and _err(closed)[2] == "TQ1^1^7"
    late = message_receive(raw=siu("S12", "CUP0061", start=_at(monday, "1900")))
    assert _err(late)[5] == "outside_opening_hours"
    assert not Booking.objects.exists()


def test_a_service_without_mapping_is_refused(dh: DayHospital, monday: date) -> None:
    ack = message_receive(
        raw=siu("S12", "CUP0070", start=_at(monday, "1000"), service="99.99^Altro^CUP")
    )
    assert _err(ack)[2] == "AIS^1^3" and _err(ack)[5] == "cup_service_unmapped"
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("change", "location", "code"),
    [
        ({"start": "99999999"}, "TQ1^1^7", "date_invalid"),
        ({"minutes": "1e308"}, "TQ1^1^6", "duration_invalid"),
        ({"minutes": "0"}, "TQ1^1^6", "duration_invalid"),
        ({"minutes": "NaN"}, "TQ1^1^6", "number_invalid"),
        ({"unit": "wk"}, "TQ1^1^6", "duration_unit_invalid"),
        ({"appointment": ""}, "SCH^1^2", "appointment_id_missing"),
        ({"service": ""}, "AIS^1^3", "service_missing"),
    ],
)
def test_bad_fields_are_refused_naming_them(
    dh: DayHospital, monday: date, change: dict[str, str], location: str, code: str
) -> None:
    fields: dict[str, Any] = {"start": _at(monday, "1000"), **change}
    ack = message_receive(raw=siu("S12", "CUP0080", **fields))
    assert _msa(ack)[1] == "AE"
    assert (_err(ack)[2], _err(ack)[5]) == (location, code)
    assert not Booking.objects.exists()


def test_the_start_from_sch_11_when_there_is_no_tq1(dh: DayHospital, monday: date) -> None:
    ack = message_receive(raw=siu("S12", "CUP0085", start=_at(monday, "1115"), tq1=False))
    assert _msa(ack)[1] == "AA"
    assert timezone.localtime(Booking.objects.get().start_at).time() == time(11, 15)


def test_malformed_segments_and_a_nul_byte_are_refused(dh: DayHospital, monday: date) -> None:
    good = siu("S12", "CUP0090", start=_at(monday, "1000"))
    broken = good.replace("\rRGS|1|A", "\rR@S|1|A")
    ack = message_receive(raw=broken)
    assert _msa(ack)[1] == "AE" and _err(ack)[5] == "segment_invalid"
    nul = siu("S12", "CUP0091", start=_at(monday, "1000")).replace("89.7^", "89.7\x00^")
    ack = message_receive(raw=nul)
    assert _msa(ack)[1] == "AR" and _err(ack)[5] == "nul_byte"
    assert InboundMessage.objects.get(control_id="CUP0091").state == "error"
    assert message_receive(raw=nul) == ack  # the same bytes again: one message
    no_sch = "\r".join(
        s
        for s in siu("S12", "CUP0092", start=_at(monday, "1000")).split("\r")
        if not s.startswith("SCH")
    )
    ack = message_receive(raw=no_sch)
    assert _err(ack)[5] == "segment_missing" and _err(ack)[2] == "SCH"
    unknown_event = siu("S12", "CUP0093", start=_at(monday, "1000")).replace("SIU^S12", "SIU^S24")
    ack = message_receive(raw=unknown_event)
    assert _msa(ack)[1] == "AR" and _err(ack)[5] == "unsupported_event"
    assert not Booking.objects.exists()


def test_a_cup_day_over_a_real_mllp_socket(
    transactional_db: None, roles: None, make_user: MakeUser
) -> None:
    dh = day_hospital(make_user)
    CupServiceMapping.objects.create(service_code="89.7", booking_type=dh.visit)
    monday = next_weekday(timezone.localdate())
    with running_hl7_listener() as port:

        def send(message: str) -> list[str]:
            ack = mllp_exchange_sync("127.0.0.1", port, message.encode(), timeout=30).decode()
            return _msa(ack)

        assert send(adt("A28", "ADT0901", pid()))[1] == "AA"
        assert send(siu("S12", "CUP0901", start=_at(monday, "0900")))[1] == "AA"
        assert send(siu("S12", "CUP0901", start=_at(monday, "0900")))[1] == "AA"  # repeat
        assert send(siu("S13", "CUP0902", start=_at(monday, "0930")))[1] == "AA"
        assert send(siu("S15", "CUP0903"))[1] == "AA"
    booking = Booking.objects.get()
    assert booking.state == "cancelled"
    assert timezone.localtime(booking.start_at).time() == time(9, 30)


def _code(ack: str) -> str:
    return _err(ack)[5]


def _booked(monday: date) -> Booking:
    ack = message_receive(raw=siu("S12", "CUP1000", start=f"{monday:%Y%m%d}1000"))
    assert _msa(ack)[1] == "AA", ack
    return Booking.objects.get()


def test_s17_cancels_the_booking_with_the_message_as_reason_and_keeps_it(
    dh: DayHospital, monday: date
) -> None:
    booking = _booked(monday)
    unknown = message_receive(raw=siu("S17", "CUP1001", appointment="NOPE9"))
    assert (_msa(unknown)[1], _code(unknown)) == ("AE", "cup_appointment_unknown")
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
    assert (_msa(early)[1], _code(early)) == ("AE", "no_show_before_day")
    unknown = message_receive(raw=siu("S26", "CUP1102", appointment="NOPE9"))
    assert (_msa(unknown)[1], _code(unknown)) == ("AE", "cup_appointment_unknown")
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
        assert (_msa(cancelled)[1], _code(cancelled)) == ("AE", "cup_appointment_cancelled")
