"""IT staff find a document the FSE gateway refused, read the gateway's answer and send it
again, in a real browser (screenshots under test-artifacts/, axe-core on every page)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.fse.models import FseDocument
from corsia.testing.browser import log_in, step

pytestmark = pytest.mark.browser

LDO = (Path(__file__).parent.parent / "examples" / "LDO.xml").read_bytes()


def test_it_staff_read_a_refusal_and_retry(page: Page, demo_users: str) -> None:
    row = FseDocument.objects.create(
        patient_id=1,
        document_type="LDO",
        document_code="34105-7",
        title="Lettera di dimissione ospedaliera",
        state="failed",
        cda=LDO,
        cda_sha256="0" * 64,
        identificativo_doc="2.16.840.1.113883.2.9.2.30.4.4^1",
        practice_setting="AD_PSC018",
        consent=True,
        attempts=1,
        http_status=403,
        error_code="/msg/jwt-validation",
        error_text="HTTP 403: Campo token JWT non valido. Claim mancanti: iss",
        error_body={
            "type": "/msg/jwt-validation",
            "title": "Campo token JWT non valido.",
            "detail": "Claim mancanti: iss",
            "status": 403,
        },
        created_by=User.objects.filter(is_active=True).order_by("pk")[0],
    )
    log_in(page, "sistemi", demo_users)
    base = page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2]
    page.goto(base + "/fse/?state=failed")
    expect(page.get_by_test_id("documents")).to_contain_text("Claim mancanti: iss")
    step(page, "fse-failed")
    page.get_by_test_id("documents").get_by_role("link").first.click()
    expect(page.get_by_test_id("answer")).to_contain_text("/msg/jwt-validation")
    page.get_by_label("Motivo").fill("Emittente configurato dai sistemi informativi")
    step(page, "fse-document")
    page.get_by_role("button", name="Ritenta l'invio").click()
    expect(page.get_by_test_id("state")).to_have_text("in coda")
    step(page, "fse-retried")
    row.refresh_from_db()
    assert row.state == "queued"
