"""IT staff add a subscriber, find a refused outgoing message among the messages sent and
resend it, in a real browser (screenshots under test-artifacts/, axe-core on every page)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.interop.models import OutboundMessage, Subscriber
from corsia.testing.browser import log_in, step

pytestmark = pytest.mark.browser


def test_it_staff_configure_a_subscriber_and_resend_a_refused_message(
    page: Page, demo_users: str
) -> None:
    log_in(page, "sistemi", demo_users)
    page.goto(
        page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + "/interop/subscribers/"
    )
    page.get_by_label("Nome").fill("Farmacia ospedaliera")
    page.get_by_label("Applicazione ricevente (MSH-5)").fill("SIO_FARMACIA")
    page.get_by_label("Struttura ricevente (MSH-6)").fill("OSP_SAN_MATTEO")
    page.get_by_label("Indirizzo (host o IP)").fill("10.0.3.7")
    page.get_by_label("Porta").fill("99999")
    page.get_by_text("RAS^O17 — somministrazioni").click()  # the label, as a user taps it
    page.get_by_role("button", name="Aggiungi").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Porta non valida")
    step(page, "port-refused")
    page.get_by_label("Porta").fill("6661")
    page.get_by_role("button", name="Aggiungi").click()
    expect(page.get_by_test_id("subscribers")).to_contain_text("10.0.3.7:6661")
    step(page, "subscribers")
    subscriber = Subscriber.objects.get(name="Farmacia ospedaliera")
    OutboundMessage.objects.create(
        subscriber=subscriber,
        event_key="administration:1:completed",
        message_type="RAS^O17",
        control_id="CORSIAO1",
        raw="MSH|^~\\&|CORSIA|OSP|SIO_FARMACIA|OSP|20261201||RAS^O17^RAS_O17|CORSIAO1|P|2.5",
        state="failed",
        attempts=1,
        ack="MSH|^~\\&|SIO_FARMACIA|OSP|CORSIA|OSP|20261201||ACK|A1|P|2.5\rMSA|AE|CORSIAO1",
        ack_code="AE",
        error_text="AE: Paziente sconosciuto",
        next_attempt_at=timezone.now(),
    )
    page.get_by_role("link", name="inviati").click()
    expect(page.get_by_test_id("outbound")).to_contain_text("AE: Paziente sconosciuto")
    step(page, "sent")
    page.get_by_test_id("outbound").get_by_role("link").first.click()
    page.get_by_label("Motivo").fill("Anagrafe della farmacia allineata")
    step(page, "refused-message")
    page.get_by_role("button", name="Reinvia il messaggio").click()
    expect(page.get_by_test_id("state")).to_have_text("da inviare")
    step(page, "resent")
    assert OutboundMessage.objects.get().state == "pending"
