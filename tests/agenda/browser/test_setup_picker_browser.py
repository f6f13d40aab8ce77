"""The coordinator's set-up page and the booking form's patient picker in a real browser,
by keyboard: a booking type added, a patient found as the nurse types and booked; axe-core
finds no WCAG 2.1 A/AA violation, the picker's combobox included (``step`` checks each screen)."""

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
    # and books the patient from the day page: the picker searches as she types (a
    # combobox: ↓ makes the option active, the focus stays in the box), Enter chooses
    page.goto(f"/agenda/{dh.agenda.pk}/?day={monday.isoformat()}")
    search = page.get_by_role("combobox", name="1. Cerca il paziente", exact=False)
    search.press_sequentially("ross", delay=40)
    option = page.get_by_role("option", name="Rossi Mario", exact=False)
    expect(option).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    search.press("ArrowDown")
    expect(search).to_have_attribute("aria-activedescendant", "book-q-list-0")
    expect(option).to_have_attribute("aria-selected", "true")
    step(page, "ricerca-mentre-scrivi")
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
