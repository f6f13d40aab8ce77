"""A transfusion at the bedside in a real browser: two nurses, the wristband and the bag's
ISBT 128 barcodes typed as the scanner types them. A bag of the wrong group is refused
with its Italian message and nothing is written; the right bag is accepted, the vital
signs are recorded and the transfusion starts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.testing.transfusion import (
    bag_barcodes,
    crossmatched,
    group_confirmed,
    red_cells_requested,
)
from corsia.transfusion import services
from corsia.transfusion.models import Transfusion

pytestmark = pytest.mark.browser


def _scan(page: Page, wristband: str, codes: list[str], password: str) -> None:
    page.get_by_label("Braccialetto del paziente").fill(wristband)
    for n, code in enumerate(codes, start=1):
        page.get_by_label(f"Codice sacca {n}", exact=True).first.fill(code)
    page.get_by_label("Secondo operatore: nome utente").fill("infermiere2")
    page.get_by_label("Secondo operatore: password").fill(password)
    page.get_by_role("button", name="Verifica la sacca").click()
    page.wait_for_load_state("load")


def test_wrong_bag_refused_right_bag_transfused(page: Page, demo_users: str) -> None:
    # given a patient of group A+ (confirmed), irradiated red cells requested, and two bags
    # issued: hers (A+) and, for another patient of group B+, a B+ bag
    physician = User.objects.get(username="medico")
    patient = patient_registered(physician)
    group_confirmed(physician, patient)
    request = red_cells_requested(physician, patient)
    right = bag_barcodes("A999926000017")
    bag = services.bag_issue(actor=physician, workstation=None, request_id=request.pk, scans=right)
    crossmatched(physician, bag)  # the SIMT's compatibility test, valid 72 h
    other = patient_registered(physician, **ANNA_BIANCHI)
    group_confirmed(physician, other, group="B+")
    other_request = red_cells_requested(physician, other)
    wrong = bag_barcodes("A999926000025", group="B+")
    services.bag_issue(actor=physician, workstation=None, request_id=other_request.pk, scans=wrong)

    # the shared test machine is slow to serve the first pages (static files, axe)
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    # when the nurse opens the request at the bedside
    log_in(page, "infermiere", demo_users)
    page.goto(f"/transfusion/request/{request.pk}/")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("request-summary")).to_contain_text("Irradiato")
    step(page, "richiesta")
    # and scans the wrong bag with the second nurse
    _scan(page, f"PZ{patient.mrn}", wrong, demo_users)
    # then it is refused in Italian and nothing is written
    expect(page.locator(".alert")).to_contain_text("assegnata a un'altra richiesta")
    step(page, "sacca-sbagliata-rifiutata")
    assert not Transfusion.objects.exists()

    # when the right bag is scanned
    _scan(page, f"PZ{patient.mrn}", right, demo_users)
    # then the check is passed, by two different nurses
    expect(page.locator(".alert").first).to_contain_text("Controllo pre-trasfusionale superato")
    row = Transfusion.objects.get()
    assert (row.first_operator.username, row.second_operator.username) == (
        "infermiere",
        "infermiere2",
    )
    step(page, "sacca-accettata")
    # and the vital signs before, then the start
    page.get_by_label("PA sistolica").fill("120")
    page.get_by_label("PA diastolica").fill("70")
    page.get_by_label("Frequenza cardiaca").fill("78")
    page.get_by_label("Temperatura (°C)").fill("36,5")
    page.get_by_role("button", name="Registra parametri").click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Inizia la trasfusione").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("transfusion-state")).to_contain_text("In corso")
    step(page, "trasfusione-in-corso")
    row.refresh_from_db()
    assert row.state == "in_progress" and row.started_at is not None
