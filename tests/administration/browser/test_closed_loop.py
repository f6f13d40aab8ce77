"""The closed loop's last step in a real browser: the FOLFOX-4 bags the UFA prepared
(validated, vials scanned, weighed, released and checked out through the compounding
services) are administered by the nurse with a keyboard-wedge scanner.

Day 1 (BSA 2.00 m², see corsia/testing/compounding.py): ondansetron and
dexamethasone from the ward, oxaliplatin 170 mg with calcium folinate 400 mg in Y, then
fluorouracil bolus 800 mg, then the 22-hour fluorouracil infusion 1200 mg. Day 2 (the
next day): calcium folinate, fluorouracil bolus, fluorouracil infusion. The order is
administered only when day 2 is done too.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.administration.models import Administration
from corsia.compounding.models import Preparation
from corsia.prescribing.models import OrderItem, TherapyOrder
from corsia.testing.administration import Folfox, confirm, wedge
from corsia.testing.browser import SCREENSHOTS, assert_accessible_basics, log_in
from corsia.testing.compounding import check_out

pytestmark = pytest.mark.browser
PASSWORD = "Pw-test-12345"


def scan_three(page: Page, folfox: Folfox, label: str, *, wristband: str = "") -> None:
    """The bedside page opened again: the wristband (another patient's ends the session)
    and the badge (once per session: read again, nothing changes), then the label."""
    page.goto("/administration/bedside/")
    wedge(page, wristband or folfox.wristband)
    wedge(page, "BADGE-0042")
    wedge(page, label)


def start_and_end(page: Page, folfox: Folfox, item: OrderItem) -> None:
    """Scan the three codes, see green, then end the drug from the session page."""
    scan_three(page, folfox, folfox.labels[item.pk])
    result = page.get_by_test_id("bedside-result")
    expect(result).to_have_attribute("data-outcome", "ok")
    row = page.locator(f'[data-item="{item.pk}"]')
    confirm(page, row.get_by_role("button", name="sacca intera"))
    expect(row).to_have_attribute("data-progress", "done")


def test_the_ufa_bags_are_given_in_sequence_and_the_order_becomes_administered(
    page: Page, transactional_db: None, folfox: Folfox
) -> None:
    today = timezone.localdate()
    # given day 1 made at the UFA and checked out into the patient bag
    bag = check_out(folfox.ufa, technician=folfox.technician, day=today)
    assert len(bag) == 4
    assert TherapyOrder.objects.get(pk=folfox.order.pk).state == "delivered"

    # the nurse's worklist shows the UFA bags as delivered, the antiemetics as ward drugs
    log_in(page, folfox.nurse.username, PASSWORD)
    assert page.url.endswith("/administration/"), page.url
    oxali = folfox.items["oxaliplatin"]
    expect(page.locator(f'[data-item="{oxali.pk}"]')).to_have_attribute(
        "data-preparation", "delivered"
    )
    expect(page.locator(f'[data-item="{oxali.pk}"]')).to_contain_text("consegnata in reparto")
    assert_accessible_basics(page)

    # another patient's wristband with this patient's oxaliplatin bag: blocked
    scan_three(page, folfox, folfox.label("oxaliplatin"), wristband=f"PZ{folfox.other_patient.mrn}")
    expect(page.get_by_test_id("bedside-result")).to_contain_text("PAZIENTE SBAGLIATO")
    expect(page.get_by_role("button", name="Forza e somministra")).to_have_count(0)

    # the premedication from the ward, in order
    start_and_end(page, folfox, folfox.items["ondansetron"])
    start_and_end(page, folfox, folfox.items["dexamethasone"])

    # the 5-FU bolus bag before oxaliplatin and folinic acid: blocked, nothing starts
    scan_three(page, folfox, folfox.label("fluorouracil"))
    result = page.get_by_test_id("bedside-result")
    expect(result).to_have_attribute("data-outcome", "blocked")
    expect(result.locator('[data-code="sequence_previous_not_finished"]')).to_have_count(2)
    expect(result).to_contain_text("prima di Fluorouracile va completato Oxaliplatino")
    assert not Administration.objects.filter(order_item=folfox.items["fluorouracil"]).exists()

    # the right sequence: oxaliplatin and folinic acid in Y, then the bolus, then the pump
    scan_three(page, folfox, folfox.label("oxaliplatin"))
    expect(page.get_by_test_id("bedside-result")).to_have_attribute("data-outcome", "ok")
    start_and_end(page, folfox, folfox.items["calcium_folinate"])
    given = Administration.objects.get(order_item=oxali)
    page.goto(f"/administration/{given.pk}/")
    page.screenshot(path=str(SCREENSHOTS / "fields_bedside_end.png"), full_page=True)
    page.get_by_role("button", name="Termina").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("administration-state")).to_have_attribute("data-state", "completed")
    start_and_end(page, folfox, folfox.items["fluorouracil"])
    start_and_end(page, folfox, folfox.fu_infusion)

    # every UFA bag of day 1 has its start and end, in the regimen's order
    day1 = {
        a.order_item_id: a
        for a in Administration.objects.filter(order=folfox.order, state="completed")
    }
    assert len(day1) == 6
    times = {pk: (a.started_at, a.ended_at) for pk, a in day1.items()}
    for item in (oxali, folfox.items["fluorouracil"], folfox.fu_infusion):
        started, ended = times[item.pk]
        assert started is not None and ended is not None and started < ended
    bolus_started, _ = times[folfox.items["fluorouracil"].pk]
    _, oxali_ended = times[oxali.pk]
    assert bolus_started is not None and oxali_ended is not None
    assert bolus_started >= oxali_ended
    assert {a.preparation_ref for a in day1.values() if a.preparation_ref.startswith("PRP")} == set(
        bag
    )
    # day 2 is still to come: the order is not administered yet
    assert TherapyOrder.objects.get(pk=folfox.order.pk).state == "delivered"

    # the next morning the UFA makes day 2 and the nurse gives it
    tomorrow = today + timedelta(days=1)
    morning = timezone.make_aware(datetime.combine(tomorrow, time(8, 30)))
    with time_machine.travel(morning, tick=True):
        folfox.prepare(tomorrow)
        check_out(folfox.ufa, technician=folfox.technician, day=tomorrow)
        log_in(page, folfox.nurse.username, PASSWORD)
        day2 = list(
            folfox.order.items.filter(day_of_cycle=2)
            .order_by("sequence")
            .select_related("ingredient")
        )
        assert [i.ingredient.code for i in day2] == [
            "calcium_folinate",
            "fluorouracil",
            "fluorouracil",
        ]
        for item in day2:
            start_and_end(page, folfox, item)

    order = TherapyOrder.objects.get(pk=folfox.order.pk)
    assert order.state == "administered"
    assert order.transitions.get(event="administer").actor == folfox.nurse
    assert Preparation.objects.filter(order=order, state="checked_out").count() == 7
