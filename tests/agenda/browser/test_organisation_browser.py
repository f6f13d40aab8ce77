"""The organisation page's nurses on duty in a real browser, by keyboard only after the
day: the field order is the reading order (Tab from the nurse to the shift, its
start and end, the breaks), Enter saves, the row is listed; a break outside the shift is
refused with its Italian message, nothing written and the form kept as typed; axe-core finds no WCAG 2.1 A/AA
violation (``step`` checks each screen)."""

from __future__ import annotations

from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.agenda.models import NurseOnDuty
from corsia.testing.accounts import MakeUser
from corsia.testing.agenda import day_hospital_with, next_weekday
from corsia.testing.browser import assert_accessible_basics, log_in, step

pytestmark = pytest.mark.browser


def _fill_by_tab(page: Page, values: list[str]) -> None:
    """From the focused field: type each value, Tab to the next (the page's focus order)."""
    for value in values:
        page.keyboard.press("Tab")
        if value:
            page.keyboard.type(value)


def test_coordinator_sets_a_nurse_shift_and_breaks_by_keyboard(
    page: Page, demo_users: str, make_user: MakeUser
) -> None:
    dh = day_hospital_with(make_user, {"P01", "P02"})
    monday = next_weekday(timezone.localdate())
    log_in(page, "coordinatore", demo_users)
    page.goto(f"/agenda/{dh.agenda.pk}/organisation/")
    assert_accessible_basics(page)
    step(page, "organizzazione")
    # the day (a date field), then Tab through nurse, shift, start, end, first break
    day = page.get_by_label("Giorno", exact=True).nth(2)
    day.fill(monday.isoformat())  # a date field's day, month and year take their own Tabs
    page.get_by_label("Infermiere", exact=True).focus()
    page.keyboard.type("Sara")
    sara = User.objects.get(username="infermiere")
    expect(page.get_by_label("Infermiere", exact=True)).to_have_value(str(sara.pk))
    _fill_by_tab(page, ["Mattina", "07:30", "14:00", "12:00", "12:30"])
    expect(page.get_by_label("Fine pausa").first).to_be_focused()
    step(page, "turno-compilato")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first).to_contain_text(
        "Organizzazione aggiornata"
    )
    nurses = page.get_by_test_id("on-duty")
    expect(nurses).to_contain_text("Sara Bruno")
    expect(nurses).to_contain_text("07:30–14:00")
    expect(nurses).to_contain_text("12:00–12:30")
    row = NurseOnDuty.objects.get(agenda=dh.agenda, day=monday)
    assert (row.starts_at, row.ends_at, row.breaks) == (time(7, 30), time(14), [["12:00", "12:30"]])
    step(page, "turno-salvato")
    # a break past the end of the shift: refused in Italian, the row as it was
    page.get_by_label("Giorno", exact=True).nth(2).fill(monday.isoformat())
    page.get_by_label("Infermiere", exact=True).focus()
    page.keyboard.type("Sara")
    _fill_by_tab(page, ["Mattina", "07:30", "14:00", "13:30", "14:30"])
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(page.locator(".alert-danger, [role=alert]").first).to_contain_text(
        "deve cadere dentro il turno (07:30–14:00)"
    )
    expect(page.get_by_label("Inizio turno")).to_have_value("07:30")  # kept as typed
    expect(page.get_by_label("Inizio pausa").first).to_have_value("13:30")
    step(page, "pausa-rifiutata")
    row.refresh_from_db()
    assert row.breaks == [["12:00", "12:30"]]
