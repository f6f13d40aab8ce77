"""IT staff find a message in error, read it, and replay it once the ward is configured,
in a real browser (screenshots under test-artifacts/, axe-core on every page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.interop.models import InboundMessage
from corsia.interop.services import message_receive
from corsia.patients.models import Encounter
from corsia.patients.services import ward_ensure
from corsia.testing.browser import log_in, step
from corsia.testing.interop import adt, oru, pid, pv1, wards_ready

pytestmark = pytest.mark.browser


def test_it_staff_replay_a_message_in_error(page: Page, demo_users: str) -> None:
    # given an admission to a ward Corsia does not know yet, and a processed lab report
    wards_ready()
    message_receive(raw=adt("A01", "ADT9001", pid(), pv1("EMATO", "L01")))
    message_receive(raw=oru("LAB9001"))
    # when IT staff open the messages in error
    log_in(page, "sistemi", demo_users)
    page.get_by_role("link", name="Messaggi HL7").first.click()
    page.get_by_label("Stato").select_option("error")
    page.get_by_role("button", name="Filtra").click()
    expect(page.get_by_test_id("messages")).to_contain_text("ADT9001")
    step(page, "errors")
    page.get_by_test_id("messages").get_by_role("link").first.click()
    expect(page.get_by_test_id("raw")).to_contain_text("EMATO^^L01")
    expect(page.get_by_test_id("ack")).to_contain_text("PV1^1^3")
    step(page, "message")
    # then, the ward configured, they replay it with a reason
    ward_ensure(code="EMATO", name="Ematologia", kind="inpatient", places=[("L01", "bed")])
    page.get_by_label("Motivo").fill("Reparto EMATO configurato in anagrafica reparti")
    page.get_by_role("button", name="Rielabora il messaggio").click()
    expect(page.get_by_test_id("state")).to_have_text("elaborato")
    step(page, "replayed")
    assert InboundMessage.objects.get(control_id="ADT9001").state == "processed"
    assert Encounter.objects.filter(ward__code="EMATO").count() == 1
