"""«Ottimizza la giornata» in a real browser: from the day page's button, «Calcola il
piano» (the job, run here by the test as the worker would), «in calcolo» until the page's
poller sees it ready, the preview (current → proposed place and times, waits), «Applica»
with the reason by keyboard only; axe-core finds no WCAG 2.1 A/AA violation (``step``)."""

from __future__ import annotations

from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.agenda import services
from corsia.agenda.models import Booking, PlanRequest
from corsia.testing.accounts import MakeUser
from corsia.testing.agenda import book, day_hospital, next_weekday
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.browser


def test_nurse_previews_and_applies_the_day_plan(
    page: Page, demo_users: str, make_user: MakeUser
) -> None:
    # given two therapies on chair P01 with an idle half hour between them
    dh = day_hospital(make_user)
    monday = next_weekday(timezone.localdate())
    booked = []
    for i, (surname, start) in enumerate((("Verdi", time(9)), ("Neri", time(11, 30)))):
        patient = patient_registered(
            dh.coordinator, codice_fiscale="", stp_eni_code=f"STP1500000000{i:03d}", surname=surname
        )
        booked.append(book(dh, patient.pk, day=monday, start=start))
    # when the demo nurse opens the day and asks for the plan
    log_in(page, "infermiere", demo_users)
    page.goto(f"/agenda/{dh.agenda.pk}/?day={monday.isoformat()}")
    page.get_by_role("link", name="Ottimizza la giornata").click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Calcola il piano").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("plan-pending")).to_contain_text("Piano in calcolo")
    assert_accessible_basics(page)
    step(page, "in-calcolo")
    # the worker computes it; the page's poller notices and shows the plan
    services.day_plan_compute(request_id=PlanRequest.objects.get().pk)
    table = page.get_by_test_id("plan-table")
    expect(table).to_be_visible(timeout=15_000)
    assert_accessible_basics(page)
    expect(table).to_contain_text("VERDI")
    expect(table).to_contain_text("09:00 → 08:30")  # called 07:30 (the opening), chair 08:30
    expect(page.get_by_test_id("figures")).to_contain_text("360 minuti ora")
    step(page, "anteprima")
    # and applies it by keyboard: the reason, Enter
    reason = page.get_by_label("Motivo (obbligatorio)")
    reason.focus()
    reason.fill("Giornata compattata")
    reason.press("Enter")
    page.wait_for_load_state("load")
    expect(page.locator("body")).to_contain_text("Piano della giornata applicato")
    step(page, "applicato")
    first = Booking.objects.get(pk=booked[0].pk)
    assert timezone.localtime(first.start_at).time() == time(8, 30)
