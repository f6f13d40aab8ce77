"""In a real browser: the patient, signed in to the portal, reads a blood pressure from a
Bluetooth monitor (a stand-in for ``navigator.bluetooth`` that notifies the recorded GATT
bytes; the server decodes them) and fills the symptom diary with a fever after
chemotherapy; the page tells them to call; the nurse finds the urgent alert in the team's
worklist and the patient's chart. axe-core checks every step (corsia.testing.browser)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from corsia.telemonitoring.models import Alert, Reading
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.portal import patient_with_account, portal_client
from corsia.testing.telemonitoring import BP_120_80_PULSE_72, diary_for_today

pytestmark = pytest.mark.browser

# A Web Bluetooth blood-pressure monitor that, once notifications start, sends the bytes.
FAKE_BLUETOOTH = """
(() => {
  const bytes = new Uint8Array(%s);
  const characteristic = {
    listeners: [],
    addEventListener(type, fn) { this.listeners.push(fn); },
    startNotifications() {
      setTimeout(() => {
        const value = new DataView(bytes.buffer);
        this.listeners.forEach((fn) => fn({ target: { value } }));
      }, 50);
      return Promise.resolve(this);
    },
  };
  const server = {
    getPrimaryService: () => Promise.resolve({
      getCharacteristic: () => Promise.resolve(characteristic),
    }),
  };
  const device = { name: "Misuratore di prova", gatt: {
    connected: true, connect: () => Promise.resolve(server), disconnect() { this.connected = false; },
  } };
  Object.defineProperty(navigator, "bluetooth", { value: {
    requestDevice: () => Promise.resolve(device),
  } });
})();
"""


def test_a_fever_in_the_diary_reaches_the_teams_worklist(
    page: Page, demo_users: str, make_user: Any, live_server: Any
) -> None:
    # given a patient with a portal account, a diary for the cycle that started today
    patient, account = patient_with_account(make_user)
    diary_for_today(make_user, patient.pk, regimen="FOLFOX", cycle_number=2)
    cookie = portal_client(account).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.context.add_init_script(FAKE_BLUETOOTH % list(BP_120_80_PULSE_72))
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    # when the patient measures the blood pressure with the Bluetooth monitor
    page.goto("/telemonitoraggio/portale/misura/")
    assert_accessible_basics(page)
    step(page, "misura")
    page.get_by_role("button", name="Misuratore di pressione").click()
    page.wait_for_url("**/telemonitoraggio/portale/")
    expect(page.get_by_test_id("own-readings")).to_contain_text("Pressione sistolica")
    assert sorted(Reading.objects.values_list("parameter", "value")) == [
        ("diastolic", Decimal(80)),
        ("heart_rate", Decimal(72)),
        ("mean_arterial", Decimal(93)),
        ("systolic", Decimal(120)),
    ]
    # and fills today's diary: 38.5 °C, the rest calm
    page.get_by_test_id("diary-due").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    page.get_by_label("Qual è la temperatura più alta").fill("38,5")
    page.get_by_label("Quante volte sei andato di corpo").fill("1")
    page.get_by_label("Bene, nessun fastidio").check()
    page.locator("#nausea-0").check()
    page.get_by_label("Da 0 (nessun dolore)").fill("1")
    page.locator("#fatigue-1").check()
    step(page, "diario")
    page.get_by_test_id("diary-submit").click()
    page.wait_for_load_state("load")
    # then the page tells the patient to call now
    expect(page.get_by_test_id("instruction")).to_contain_text("Chiama subito il reparto")
    assert_accessible_basics(page)
    step(page, "diario-inviato")
    alert = Alert.objects.get()
    assert (alert.rule, alert.urgent) == ("fever_after_chemotherapy", True)
    # and the nurse finds the urgent alert in the team's worklist and opens the chart
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "infermiere", demo_users)
    page.goto("/telemonitoraggio/allerte/")
    assert_accessible_basics(page)
    row = page.get_by_test_id("alert-row")
    expect(row).to_contain_text("URGENTE")
    expect(row).to_contain_text("Febbre 38,5 °C dopo chemioterapia")
    step(page, "allerte-del-team")
    row.get_by_role("link").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("chart-systolic")).to_be_visible()
    step(page, "paziente")
