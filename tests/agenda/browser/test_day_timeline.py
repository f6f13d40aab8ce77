"""The day hospital's timeline in a real browser: every chair and bed, the bookings as
focusable blocks, a move by keyboard only (→ one slot later, the reason typed, Enter), the
conflict refused with its Italian message; axe-core finds no WCAG 2.1 A/AA violation."""

from __future__ import annotations

from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.agenda.models import Booking
from corsia.testing.accounts import MakeUser
from corsia.testing.agenda import book, day_hospital, next_weekday
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.browser


def test_nurse_moves_a_booking_by_keyboard(
    page: Page, demo_users: str, make_user: MakeUser
) -> None:
    # given a day hospital with two therapies on chair P01, 09:00–11:00 and 11:00–13:00
    dh = day_hospital(make_user)
    monday = next_weekday(timezone.localdate())
    booked = []
    for i, (surname, start) in enumerate((("Verdi", time(9)), ("Neri", time(11)))):
        patient = patient_registered(
            dh.coordinator, codice_fiscale="", stp_eni_code=f"STP1400000000{i:03d}", surname=surname
        )
        booked.append(book(dh, patient.pk, day=monday, start=start))
    first, second = booked
    # when the demo nurse opens the day
    log_in(page, "infermiere", demo_users)
    page.goto(f"/agenda/{dh.agenda.pk}/?day={monday.isoformat()}")
    assert_accessible_basics(page)
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Poltrona P01")
    expect(timeline).to_contain_text("Letto L01")
    expect(page.locator(f"#b{first.pk}")).to_contain_text("09:00–11:00")
    step(page, "giornata")
    # and moves the second booking one slot later by keyboard: focus, →, reason, Enter
    block = page.locator(f"#b{second.pk}")
    block.focus()
    block.press("ArrowRight")
    dialog = page.locator(f"#d{second.pk}")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Inizio sul posto")).to_have_value("11:15")
    expect(dialog.get_by_label("Motivo dello spostamento")).to_be_focused()
    step(page, "spostamento")
    dialog.get_by_label("Motivo dello spostamento").fill("Ritardo della farmacia")
    dialog.get_by_label("Motivo dello spostamento").press("Enter")
    page.wait_for_load_state("load")
    # then it is moved, and the focus is back on it
    expect(page.locator(f"#b{second.pk}")).to_contain_text("11:15–13:15")
    expect(page.locator(f"#b{second.pk}")).to_be_focused()
    moved = Booking.objects.get(pk=second.pk)
    assert timezone.localtime(moved.start_at).time() == time(11, 15)
    # when the first is moved one slot later onto the second (by keyboard): refused
    page.locator(f"#b{first.pk}").focus()
    page.locator(f"#b{first.pk}").press("ArrowRight")
    page.locator(f"#d{first.pk}").get_by_label("Motivo dello spostamento").fill("Prova")
    page.locator(f"#d{first.pk}").get_by_label("Inizio sul posto").fill("10:00")
    page.locator(f"#d{first.pk}").get_by_role("button", name="Sposta", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-danger, .alert-error, [role=alert]").first).to_contain_text(
        "occupato"
    )
    step(page, "conflitto")
    assert Booking.objects.get(pk=first.pk).version == first.version
    # and the call-in list (arrival = the blood test, an hour before the chair) and the week
    page.get_by_role("link", name="Convocazioni").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("call-in")).to_contain_text("08:00")
    expect(page.get_by_test_id("call-in")).to_contain_text("Emocromo, creatinina")
    step(page, "convocazioni")
    page.get_by_role("link", name="Settimana").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("week")).to_contain_text("2 di 40 accessi")
    step(page, "settimana")
