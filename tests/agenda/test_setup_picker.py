"""The agenda configured without the Django admin (booking types, places, the CUP's
services: page and API, same permission, audited, nothing deleted), the booking form's
patient picker (a plain search step), the CUP's bookings marked on the timeline, and a
manual move checked against closed days and opening hours."""

from __future__ import annotations

import html as html_text
from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.agenda import services
from corsia.agenda.models import AgendaPlace, Booking, BookingType, CupServiceMapping
from corsia.audit.models import AuditEvent
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.agenda import WORKSTATION, DayHospital, book, day_hospital, next_weekday
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db
MONDAY = next_weekday(timezone.localdate())


@pytest.fixture
def dh(make_user: MakeUser) -> DayHospital:
    return day_hospital(make_user)


def _text(response: Any) -> str:
    return html_text.unescape(str(response.content.decode()))


def _type_post(**fields: str) -> dict[str, str]:
    return {
        "action": "type",
        "code": "CTR",
        "name": "Controllo",
        "kind": "follow_up",
        "default_minutes": "20",
        "blood_tests": "",
        "blood_test_lead_minutes": "0",
        "observation_minutes": "0",
        "pump_detachment_minutes": "0",
        "needs_place": "on",
        "is_active": "on",
        **fields,
    }


def test_the_set_up_page_adds_edits_and_deactivates_a_booking_type(dh: DayHospital) -> None:
    client = logged_in(dh.coordinator)
    url = f"/agenda/{dh.agenda.pk}/setup/"
    assert client.get(url).status_code == 200
    # a new type
    client.post(url, _type_post())
    row = BookingType.objects.get(agenda=dh.agenda, code="CTR")
    assert (row.name, row.default_minutes, row.is_active) == ("Controllo", 20, True)
    # bad input: a duration of 1e308 minutes, then 0 → the field's Italian message, nothing changed
    for raw in ("1e308", "0"):
        answer = client.post(url + f"?type={row.pk}", _type_post(default_minutes=raw))
        assert answer.status_code == 422
        assert 'aria-invalid="true"' in _text(answer)
    assert client.post(url, _type_post(name="a\x00b")).status_code == 400  # NUL: refused
    assert BookingType.objects.get(pk=row.pk).default_minutes == 20
    # an edit with the version read, then the same stale version again: refused
    client.post(url, _type_post(name="Controllo breve", expected_version=str(row.version)))
    stale = client.post(url, _type_post(name="Altro", expected_version=str(row.version)))
    assert stale.status_code == 422
    assert BookingType.objects.get(pk=row.pk).name == "Controllo breve"
    # deactivated by its button, never deleted: no longer offered on the booking form
    row.refresh_from_db()
    client.post(url, {"action": "type_active", "id": row.pk, "version": row.version, "on": "0"})
    assert BookingType.objects.get(pk=row.pk).is_active is False
    assert AuditEvent.objects.filter(event_type="agenda.booking_type_set").count() >= 3
    day = logged_in(dh.nurse).get(f"/agenda/{dh.agenda.pk}/?day={MONDAY}&patient_q=Rossi")
    assert "Controllo breve" not in day.content.decode()


def test_a_place_with_bookings_ahead_is_not_taken_off_the_agenda(dh: DayHospital) -> None:
    patient = patient_registered(dh.coordinator)
    book(dh, patient.pk, day=MONDAY, start=time(9))
    client = logged_in(dh.coordinator)
    url = f"/agenda/{dh.agenda.pk}/setup/"
    answer = client.post(
        url, {"action": "place", "place": dh.place_ids["P01"], "on": "0"}, follow=True
    )
    assert "prenotazioni da oggi in poi" in _text(answer)
    assert AgendaPlace.objects.get(place_id=dh.place_ids["P01"]).is_active is True
    # a free one goes off, and comes back
    client.post(url, {"action": "place", "place": dh.place_ids["P03"], "on": "0"})
    assert AgendaPlace.objects.get(place_id=dh.place_ids["P03"]).is_active is False
    client.post(url, {"action": "place", "place": dh.place_ids["P03"], "on": "1"})
    assert AgendaPlace.objects.get(place_id=dh.place_ids["P03"]).is_active is True


def test_the_cup_mapping_by_page_and_api(dh: DayHospital, make_user: MakeUser) -> None:
    client = logged_in(dh.coordinator)
    url = f"/agenda/{dh.agenda.pk}/setup/"
    client.post(
        url,
        {
            "action": "cup",
            "service_code": "89.7",
            "location_code": "",
            "system": "",
            "booking_type": dh.visit.pk,
        },
    )
    row = CupServiceMapping.objects.get(service_code="89.7", is_active=True)
    assert services.cup_booking_type(system="X", service_code="89.7", location_code="") == dh.visit
    # the same service again: refused with the type it already maps to
    again = client.post(
        url,
        {"action": "cup", "service_code": "89.7", "booking_type": dh.therapy.pk},
    )
    assert again.status_code == 422 and "corrisponde già al tipo «Visita»" in _text(again)
    # by the API: an edit replaces the row (the old one kept, inactive)
    api = api_client(dh.coordinator)
    base = f"/api/v1/agenda/agendas/{dh.agenda.pk}"
    status, body = post_json(
        api,
        f"{base}/cup-mappings",
        {"service_code": "89.7", "booking_type_id": dh.therapy.pk, "replaces_id": row.pk},
    )
    assert status == 201 and body["booking_type_id"] == dh.therapy.pk
    assert CupServiceMapping.objects.get(pk=row.pk).is_active is False
    status, body = post_json(
        api,
        f"{base}/cup-mappings",
        {"service_code": "89.8", "booking_type_id": dh.therapy.pk, "replaces_id": row.pk},
    )
    assert (status, body["code"]) == (409, "cup_mapping_changed")
    status, body = post_json(
        api, f"{base}/cup-mappings", {"service_code": " ", "booking_type_id": dh.visit.pk}
    )
    assert (status, body["code"]) == (422, "service_code_required")
    org = api.get(f"{base}/organisation").json()
    assert [(m["service_code"], m["booking_type_id"]) for m in org["cup_mappings"]] == [
        ("89.7", dh.therapy.pk)
    ]
    # deactivated from the page: the CUP's service is no longer mapped
    client.post(url, {"action": "cup_off", "id": body_id(org)})
    assert services.cup_booking_type(system="", service_code="89.7", location_code="") is None
    # a nurse may not: denied, nothing written
    nurse = api_client(dh.nurse)
    status, _ = post_json(
        nurse, f"{base}/cup-mappings", {"service_code": "1", "booking_type_id": dh.visit.pk}
    )
    assert status == 403
    assert logged_in(dh.nurse).get(url).status_code == 403
    assert CupServiceMapping.objects.filter(service_code="1").count() == 0
    assert AuditEvent.objects.filter(event_type="agenda.cup_mapping_set").count() == 2
    assert AuditEvent.objects.filter(event_type="agenda.cup_mapping_deactivated").count() == 1
    _ = make_user(Role.PHARMACIST)


def body_id(org: dict[str, list[dict[str, int]]]) -> int:
    return org["cup_mappings"][0]["id"]


def test_the_booking_form_picks_the_patient_by_a_search_step(dh: DayHospital) -> None:
    rossi = patient_registered(dh.coordinator)
    client = logged_in(dh.nurse)
    day_url = f"/agenda/{dh.agenda.pk}/?day={MONDAY.isoformat()}"
    # by name, by codice fiscale, by MRN: the same patient offered
    for text in ("rossi mario", "RSSMRA85T10A562S", rossi.mrn):
        html = client.get(f"{day_url}&patient_q={text}").content.decode()
        assert f'id="book-p{rossi.pk}" value="{rossi.pk}"' in html, text
    nobody = client.get(f"{day_url}&patient_q=Nessuno").content.decode()
    assert "Nessun paziente trovato" in nobody
    # the as-you-type enhancement: the box wired for picker.js, which asks the registry's
    # search the nurse may use (the same search; a choice loads the form by MRN, above)
    page = client.get(day_url).content.decode()
    assert 'data-picker-url="/api/v1/patients/search"' in page and "agenda/picker.js" in page
    assert 'name="patient_q"' in page and 'role="search"' in page  # works without JS
    found = api_client(dh.nurse).get("/api/v1/patients/search", {"q": "ross"}).json()
    assert [p["mrn"] for p in found] == [rossi.mrn]
    # booked with the patient chosen
    client.post(
        f"/agenda/{dh.agenda.pk}/book/",
        {
            "day": MONDAY.isoformat(),
            "patient": rossi.pk,
            "booking_type": dh.visit.pk,
            "place": dh.place_ids["P02"],
            "start": "10:00",
        },
    )
    assert Booking.objects.get(patient=rossi).place_id == dh.place_ids["P02"]
    # no patient chosen: an Italian message, nothing booked
    answer = client.post(
        f"/agenda/{dh.agenda.pk}/book/",
        {"day": MONDAY.isoformat(), "booking_type": dh.visit.pk, "start": "11:00"},
        follow=True,
    )
    assert "Scegliere il paziente" in _text(answer)
    assert Booking.objects.count() == 1


def test_a_cup_booking_is_marked_in_text_on_the_timeline(dh: DayHospital) -> None:
    patient = patient_registered(dh.coordinator)
    CupServiceMapping.objects.create(service_code="89.7", booking_type=dh.visit)
    services.cup_booking_book(
        actor=dh.nurse,
        workstation=WORKSTATION,
        data=services.CupAppointment(
            system="CUP_REGIONALE:CUP",
            external_id="APP-77",
            service_code="89.7",
            location_code="",
            patient_id=patient.pk,
            day=MONDAY,
            start=time(10),
            minutes=None,
            reason="SIU^S12 da CUP_REGIONALE",
        ),
    )
    html = logged_in(dh.nurse).get(f"/agenda/{dh.agenda.pk}/?day={MONDAY}").content.decode()
    assert '<span class="agenda-cup"' in html and "prenotata dal CUP" in html
    assert "Prenotata dal CUP: appuntamento APP-77 (CUP_REGIONALE:CUP)" in html
    body = api_client(dh.nurse).get(
        f"/api/v1/agenda/agendas/{dh.agenda.pk}/day?day={MONDAY.isoformat()}"
    )
    assert [(b["external_system"], b["external_id"]) for b in body.json()["bookings"]] == [
        ("CUP_REGIONALE:CUP", "APP-77")
    ]


def test_a_manual_move_to_a_closed_day_or_outside_hours_is_refused(dh: DayHospital) -> None:
    patient = patient_registered(dh.coordinator)
    booking = book(dh, patient.pk, day=MONDAY, start=time(9))
    tuesday = MONDAY + timedelta(days=1)
    services.closed_day_set(
        actor=dh.coordinator,
        workstation=WORKSTATION,
        agenda_id=dh.agenda.pk,
        day=tuesday,
        reason="Sanificazione",
    )
    client = logged_in(dh.nurse)
    url = f"/agenda/booking/{booking.pk}/move/"
    refusals = {
        ("", "18:30"): "fuori dall'apertura dell'agenda",
        (tuesday.isoformat(), "09:00"): f"L'agenda è chiusa il {tuesday:%d/%m/%Y}",
        (next_weekday(MONDAY, 6).isoformat(), "09:00"): "L'agenda non è aperta di domenica",
    }
    for (day, start), message in refusals.items():
        answer = client.post(
            url,
            {"version": booking.version, "day": day, "start": start, "reason": "Prova"},
            follow=True,
        )
        assert message in _text(answer), (day, start)
    assert Booking.objects.get(pk=booking.pk).version == booking.version
