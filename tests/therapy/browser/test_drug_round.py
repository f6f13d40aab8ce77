"""The morning drug round on a tablet: the nurse opens the ward's round, scans the wrong
pack (refused beside the dose, nothing recorded), then the right one (recorded), corrects
it as entered in error, looks at the ward cabinet, and prints the day's therapy."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.documents.models import Document
from corsia.patients.models import BedOrChair, Ward
from corsia.patients.services import encounter_admit
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import patient_registered
from corsia.testing.therapy import ondansetron, paracetamol, prescribed
from corsia.therapy.models import DoseRecord

pytestmark = pytest.mark.browser

ROUND = datetime(2026, 3, 10, 7, 55, tzinfo=ZoneInfo("Europe/Rome"))


def test_the_nurse_records_a_dose_and_a_wrong_pack_is_refused(page: Page, demo_users: str) -> None:
    with time_machine.travel(ROUND, tick=True):
        # given an inpatient in bed 12 with paracetamol at 08:00 and ondansetron as needed
        ward = Ward.objects.create(code="MED2", name="Medicina 2", kind="inpatient")
        bed = BedOrChair.objects.create(ward=ward, code="12", kind="bed")
        coordinator = User.objects.get(username="coordinatore")
        patient = patient_registered(coordinator)
        encounter_admit(
            actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
            ward_id=ward.pk, place_id=bed.pk,
        )  # fmt: skip
        physician = User.objects.get(username="medico")
        drug = paracetamol()
        wrong = ondansetron()
        prescribed(physician, patient, drug, times=("08:00", "20:00"))
        prescribed(
            physician, patient, wrong, dose=Decimal(4), dose_unit="mg", route="ev",
            frequency="prn", times=(), prn_indication="nausea o vomito",
            prn_min_interval_hours=Decimal(8), prn_max_per_day=2,
        )  # fmt: skip
        # when the nurse opens the round on a tablet
        page.set_viewport_size({"width": 820, "height": 1180})
        log_in(page, "infermiere", demo_users)
        page.goto("/therapy/")
        page.get_by_role("link", name="Medicina 2").click()
        page.wait_for_load_state("load")
        assert_accessible_basics(page)
        round_table = page.get_by_test_id("round")
        expect(round_table).to_contain_text("08:00")
        expect(round_table).to_contain_text("Paracetamolo")
        step(page, "giro")
        # and scans the ondansetron pack for the paracetamol dose
        page.get_by_label("Scansiona la confezione di Paracetamolo").first.fill(wrong.scan)
        page.get_by_role("button", name="Somministrata").first.click()
        page.wait_for_load_state("load")
        # then it is refused beside the dose, the scan field focused, nothing recorded
        error = page.get_by_test_id("dose-error")
        expect(error).to_contain_text("Farmaco errato")
        expect(page.get_by_label("Scansiona la confezione di Paracetamolo").first).to_be_focused()
        assert not DoseRecord.objects.exists()
        step(page, "farmaco-errato")
        # when the right pack is scanned
        page.get_by_label("Scansiona la confezione di Paracetamolo").first.fill(drug.scan)
        page.get_by_role("button", name="Somministrata").first.click()
        page.wait_for_load_state("load")
        # then the dose is recorded with the pack and the nurse
        expect(page.get_by_test_id("recorded").first).to_contain_text("Somministrata")
        record = DoseRecord.objects.get()
        assert (record.pack_aic, record.nurse.username) == (drug.pack.aic, "infermiere")
        expect(page.get_by_test_id("prn")).to_contain_text("nausea o vomito")
        step(page, "registrata")
        # when the nurse sees it was the wrong bed and corrects it, with the reason
        page.get_by_text("Correggi la registrazione…").first.click()
        page.get_by_label("Motivo della correzione (obbligatorio)").first.fill("letto sbagliato")
        page.get_by_role("button", name="Registra la correzione").first.click()
        page.wait_for_load_state("load")
        # then the record stays, marked, in the dose's history; the dose is open again
        expect(page.get_by_test_id("corrected").first).to_contain_text("Registrazione annullata")
        expect(page.get_by_test_id("dose-history").first).to_contain_text("letto sbagliato")
        assert DoseRecord.objects.count() == 2
        step(page, "corretta")
        # and the ward cabinet flags the unload for the pharmacy (a product without strength)
        page.get_by_role("link", name="Armadio di reparto").click()
        page.wait_for_load_state("load")
        expect(page.get_by_test_id("flagged")).to_contain_text("non si converte")
        step(page, "armadio")
        page.go_back()
        # and the day's therapy prints: the PDF of its template, archived
        link = page.get_by_role("link", name="Stampa la terapia del giorno")
        answer = page.request.get(link.get_attribute("href") or "")
        assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
        assert Document.objects.filter(template_code="ward_round").count() == 1
        step(page, "stampa")
