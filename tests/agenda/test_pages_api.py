"""The agenda's pages and API: permissions, bad input (Italian message, stable code,
nothing changed, never a 500), the call-in list and its CSV, reminders sent once."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.agenda import selectors, services
from corsia.agenda.models import Booking, Reminder
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.agenda import WORKSTATION, DayHospital, book, day_hospital, next_weekday
from corsia.testing.patients import masked_stay_admitted, patient_registered

pytestmark = pytest.mark.django_db
MONDAY = next_weekday(timezone.localdate())


@pytest.fixture
def dh(make_user: MakeUser) -> DayHospital:
    return day_hospital(make_user)


def _booked(dh: DayHospital, n: int = 1) -> list[Booking]:
    found = []
    for i in range(n):
        patient = patient_registered(
            dh.coordinator,
            codice_fiscale="",
            stp_eni_code=f"STP1300000000{i:03d}",
            surname=f"Paziente{i}",
            email=f"p{i}@example.org",
        )
        found.append(book(dh, patient.pk, day=MONDAY, start=time(9 + 2 * i, 0)))
    return found


def test_the_day_page_shows_each_place_and_booking(dh: DayHospital) -> None:
    (booking,) = _booked(dh)
    page = logged_in(dh.nurse).get(f"/agenda/{dh.agenda.pk}/?day={MONDAY.isoformat()}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="b{booking.pk}"' in html and "Paziente0" in html
    assert "Poltrona P04" in html and "Letto L01" in html
    assert f"#b{booking.pk} {{ grid-row: 2;" in html  # P01: the first row under the axis


@pytest.mark.parametrize("raw", ["9999-99-99", "1900-01-01", "abc", "2026-02-30"])
def test_an_absurd_day_in_the_query_shows_today_with_a_message(dh: DayHospital, raw: str) -> None:
    page = logged_in(dh.nurse).get(f"/agenda/{dh.agenda.pk}/?day={raw}", follow=True)
    assert page.status_code == 200


def test_a_keyboard_move_through_the_page_and_its_refusals(dh: DayHospital) -> None:
    _first, second = _booked(dh, 2)
    client = logged_in(dh.nurse)
    url = f"/agenda/booking/{second.pk}/move/"
    # onto the first booking's chair and time: refused, nothing changed
    answer = client.post(
        url,
        {"version": second.version, "start": "09:30", "reason": "Prova", "day": MONDAY.isoformat()},
        follow=True,
    )
    assert "occupato" in answer.content.decode()
    assert Booking.objects.get(pk=second.pk).version == second.version
    # no reason: refused
    answer = client.post(
        url, {"version": second.version, "start": "14:00", "reason": ""}, follow=True
    )
    assert "motivo" in answer.content.decode().lower()
    # an unreadable time: refused in Italian
    answer = client.post(
        url, {"version": second.version, "start": "25:99", "reason": "x"}, follow=True
    )
    assert "Orario non valido" in answer.content.decode()
    # one slot later, to P02: done
    client.post(
        url,
        {
            "version": second.version,
            "start": "11:15",
            "place": dh.place_ids["P02"],
            "reason": "Ritardo",
        },
    )
    moved = Booking.objects.get(pk=second.pk)
    assert (timezone.localtime(moved.start_at).time(), moved.place_id) == (
        time(11, 15),
        dh.place_ids["P02"],
    )


def test_the_api_books_moves_and_refuses_with_stable_codes(dh: DayHospital) -> None:
    (booking,) = _booked(dh)
    client = api_client(dh.nurse)
    base = f"/api/v1/agenda/agendas/{dh.agenda.pk}"
    status, body = post_json(
        client,
        f"{base}/bookings",
        {
            "booking_type_id": dh.visit.pk,
            "patient_id": booking.patient_id,
            "day": MONDAY.isoformat(),
            "start": "10:00",
            "place_id": dh.place_ids["P02"],
        },
    )
    assert (status, body["code"]) == (409, "patient_double_booked")
    assert "Il paziente ha già un accesso" in body["detail"]
    cases: list[tuple[dict[str, Any], str | None]] = [
        ({"start": "06:00"}, "outside_opening_hours"),
        ({"day": "2026-02-30"}, None),
        ({"day": "0001-01-01"}, "day_out_of_range"),
        ({"place_id": 2**62}, "place_not_in_agenda"),
        ({"patient_id": 2**62}, "patient_not_found"),
        ({"notes": "a\x00b"}, None),
    ]
    for payload, code in cases:
        body_in = {
            "booking_type_id": dh.visit.pk,
            "patient_id": booking.patient_id,
            "day": MONDAY.isoformat(),
            "start": "15:00",
            **payload,
        }
        status, body = post_json(client, f"{base}/bookings", body_in)
        assert 400 <= status < 500, (payload, status, body)
        if code:
            assert body["code"] == code
    assert Booking.objects.count() == 1
    status, body = post_json(
        client,
        f"/api/v1/agenda/bookings/{booking.pk}/move",
        {"expected_version": booking.version, "reason": "Sposto", "start": "13:00"},
    )
    assert status == 200
    assert timezone.localtime(datetime.fromisoformat(body["start_at"])).time() == time(13)
    assert body["version"] == booking.version + 1
    status, body = post_json(
        client,
        f"/api/v1/agenda/bookings/{booking.pk}/move",
        {"expected_version": booking.version, "reason": "Sposto", "start": "14:00"},
    )
    assert (status, body["code"]) == (409, "stale_version")


def test_permissions_deny_before_anything_is_written(dh: DayHospital, make_user: MakeUser) -> None:
    (booking,) = _booked(dh)
    pharmacist = api_client(make_user(Role.PHARMACIST))
    status, _ = post_json(
        pharmacist,
        f"/api/v1/agenda/bookings/{booking.pk}/transition",
        {"expected_version": booking.version, "event": "cancel", "reason": "x"},
    )
    assert status == 403
    assert Booking.objects.get(pk=booking.pk).state == "planned"
    it = logged_in(make_user(Role.IT_STAFF))
    assert it.get(f"/agenda/{dh.agenda.pk}/").status_code == 403
    nurse = logged_in(dh.nurse)
    assert nurse.get(f"/agenda/{dh.agenda.pk}/organisation/").status_code == 403


def test_call_in_list_csv_and_reminders_sent_once(dh: DayHospital, settings) -> None:  # type: ignore[no-untyped-def]  # pytest-django fixture
    settings.CORSIA_REMINDER_SENDER = "corsia.agenda.senders.EmailSender"
    _first, _second = _booked(dh, 2)
    client = logged_in(dh.nurse)
    page = client.get(f"/agenda/{dh.agenda.pk}/call-in/?day={MONDAY.isoformat()}")
    html = page.content.decode()
    assert html.index("Paziente0") < html.index("Paziente1")
    assert "08:00" in html and "Emocromo, creatinina" in html
    csv = client.get(f"/agenda/{dh.agenda.pk}/call-in.csv?day={MONDAY.isoformat()}")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith(f"{MONDAY:%d/%m/%Y};08:00;Paziente0;Mario;STP1300000000000;")
    # the job, run twice for each booking: one email each, one sent row each
    from django.core import mail

    for booking_id in (
        services.reminders_request(
            actor=dh.nurse, workstation=WORKSTATION, agenda_id=dh.agenda.pk, day=MONDAY
        )
        * 2
    ):
        services.reminder_send(booking_id=booking_id)
    assert len(mail.outbox) == 2
    assert "08:00" in mail.outbox[0].body and mail.outbox[0].to == ["p0@example.org"]
    assert Reminder.objects.filter(state="sent").count() == 2
    assert (
        services.reminders_request(
            actor=dh.nurse, workstation=WORKSTATION, agenda_id=dh.agenda.pk, day=MONDAY
        )
        == []
    )


def test_the_call_in_csv_carries_what_the_front_desk_needs(dh: DayHospital) -> None:
    """A CUP desk calls the patient in: day, time to arrive, who (name, codice fiscale),
    the phone when known, the booking type, where (agenda and place)."""
    rossi = patient_registered(dh.coordinator, phone="+39 333 1234567")
    book(dh, rossi.pk, day=MONDAY, start=time(10), place="P02")
    csv = logged_in(dh.nurse).get(f"/agenda/{dh.agenda.pk}/call-in.csv?day={MONDAY.isoformat()}")
    header, row = (line.split(";") for line in csv.content.decode("utf-8-sig").splitlines())
    got = dict(zip(header, row, strict=True))
    assert got["Data"] == f"{MONDAY:%d/%m/%Y}"
    assert got["Ora di arrivo"] == "09:00"  # the blood test, 60' before the chair at 10:00
    assert (got["Cognome"], got["Nome"]) == ("Rossi", "Mario")
    assert got["Codice fiscale o STP/ENI"] == "RSSMRA85T10A562S"
    assert got["Telefono"] == "'+39 333 1234567"  # never read as a formula by a spreadsheet
    assert got["Tipo di prenotazione"] == "Terapia"
    assert (got["Agenda"], got["Posto"]) == ("Day hospital oncologico", "P02")
    assert got["Inizio terapia"] == "10:00"


def test_a_booking_within_a_masked_stay_is_left_out_for_outsiders(dh: DayHospital) -> None:
    # given today open, a visible booking and one of a patient whose day-hospital stay,
    # admitted at 07:00, is masked at her request
    today = timezone.localdate()
    for weekday in (5, 6):
        services.hours_set(
            actor=dh.coordinator,
            workstation=WORKSTATION,
            agenda_id=dh.agenda.pk,
            weekday=weekday,
            shifts=[(time(7, 30), time(19), "")],
        )
    visible = patient_registered(
        dh.coordinator, codice_fiscale="", stp_eni_code="STP1600000000001", surname="Visibile"
    )
    hidden = patient_registered(
        dh.coordinator, codice_fiscale="", stp_eni_code="STP1600000000002", surname="Riservata"
    )
    masked_stay_admitted(
        dh.coordinator,
        hidden,
        dh.agenda.ward_id,
        # 07:00, or now when the test runs before seven (an admission is never in the future)
        admitted_at=min(timezone.make_aware(datetime.combine(today, time(7))), timezone.now()),
    )
    book(dh, visible.pk, day=today, start=time(9))
    book(dh, hidden.pk, day=today, start=time(9), place="P02")
    # when a nurse outside the stay's care reads the day, by page and by API
    page = logged_in(dh.nurse).get(f"/agenda/{dh.agenda.pk}/?day={today.isoformat()}")
    answer = api_client(dh.nurse).get(
        f"/api/v1/agenda/agendas/{dh.agenda.pk}/day?day={today.isoformat()}"
    )
    # then only the visible patient is there
    assert "Visibile" in page.content.decode() and "Riservata" not in page.content.decode()
    assert [b["patient"] for b in answer.json()["bookings"]] == ["Visibile Mario"]


def test_the_organisation_page_sets_hours_closes_a_day_and_puts_a_nurse_on_duty(
    dh: DayHospital,
) -> None:
    client = logged_in(dh.coordinator)
    url = f"/agenda/{dh.agenda.pk}/organisation/"
    assert client.get(url).status_code == 200
    # Saturday mornings open
    client.post(url, {"action": "hours", "weekday": "5", "opens": "08:00", "closes": "13:00"})
    # an unreadable time: refused in Italian, nothing changed
    answer = client.post(
        url, {"action": "hours", "weekday": "5", "opens": "8", "closes": "13:00"}, follow=True
    )
    assert "Orario non valido" in answer.content.decode()
    # closing the Monday (no booking), then a nurse on duty on the Tuesday
    client.post(url, {"action": "close", "day": MONDAY.isoformat(), "reason": "Sanificazione"})
    nurse = client.post(
        url,
        {
            "action": "nurse",
            "day": (MONDAY + timedelta(days=1)).isoformat(),
            "nurse": dh.nurse.pk,
            "on_duty": "1",
        },
        follow=True,
    )
    assert "Organizzazione aggiornata" in nurse.content.decode()
    org = selectors.agenda_organisation(user=dh.coordinator, agenda_id=dh.agenda.pk)
    assert [(w.weekday, w.opens, w.closes) for w in org.windows if w.weekday == 5] == [
        (5, time(8), time(13))
    ]
    assert [c.day for c in org.closed_days] == [MONDAY]
    assert "Sanificazione" in client.get(url).content.decode()
    # the day page says the agenda is closed
    day = logged_in(dh.nurse).get(f"/agenda/{dh.agenda.pk}/?day={MONDAY.isoformat()}")
    assert "Agenda chiusa: Sanificazione" in day.content.decode()
