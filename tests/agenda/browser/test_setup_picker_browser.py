"""The coordinator's set-up page and the booking form's patient picker in a real browser,
by keyboard: a booking type added, a patient found by codice fiscale and booked; axe-core
finds no WCAG 2.1 A/AA violation (``step`` checks each screen)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.agenda.models import Booking, BookingType
from corsia.testing.accounts import MakeUser
from corsia.testing.agenda import day_hospital, next_weekday
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.browser


def test_coordinator_sets_up_a_type_and_books_through_the_picker(
    page: Page, demo_users: str, make_user: MakeUser
) -> None:
    # given a day hospital and a registered patient
    dh = day_hospital(make_user)
    rossi = patient_registered(dh.coordinator)
    monday = next_weekday(timezone.localdate())
    log_in(page, "coordinatore", demo_users)
    # when the coordinator adds a follow-up type on the set-up page
    page.goto(f"/agenda/{dh.agenda.pk}/setup/")
    assert_accessible_basics(page)
    form = page.get_by_test_id("type-form")
    form.get_by_label("Codice").fill("CTR")
    form.get_by_label("Nome").fill("Controllo")
    form.get_by_label("Tipo di accesso").select_option("follow_up")
    form.get_by_label("Durata (minuti)").fill("20")
    step(page, "impostazioni")
    form.get_by_label("Durata (minuti)").press("Enter")
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("types")).to_contain_text("Controllo")
    assert BookingType.objects.get(agenda=dh.agenda, code="CTR").default_minutes == 20
    step(page, "tipo-aggiunto")
    # and books the patient from the day page: search by codice fiscale, then choose
    page.goto(f"/agenda/{dh.agenda.pk}/?day={monday.isoformat()}")
    search = page.get_by_label("1. Cerca il paziente", exact=False)
    search.fill("RSSMRA85T10A562S")
    search.press("Enter")
    page.wait_for_load_state("load")
    booking_form = page.get_by_test_id("book-form")
    expect(booking_form).to_contain_text("Rossi Mario")
    expect(booking_form.get_by_role("radio")).to_be_checked()
    booking_form.get_by_label("Tipo di accesso", exact=True).select_option(label="Controllo")
    booking_form.get_by_label("Posto", exact=True).select_option(label="P02")
    booking_form.get_by_label("Inizio sul posto (hh:mm)").fill("10:00")
    step(page, "scelta-paziente")
    booking_form.get_by_label("Inizio sul posto (hh:mm)").press("Enter")
    page.wait_for_load_state("load")
    # then the booking is on chair P02 at 10:00
    booking = Booking.objects.get(patient=rossi)
    expect(page.locator(f"#b{booking.pk}")).to_contain_text("10:00–10:20")
    assert booking.place_id == dh.place_ids["P02"]
    step(page, "prenotato")
