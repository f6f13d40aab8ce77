"""An allogeneic transplant from taking in charge to day 0 in a real browser: the
physician opens the patient's transplants from the medical chart, takes him in charge,
types him, records his brother (10/10, eligible) and chooses him, records the apheresis
(the CD34+ dose computed), the chain of custody up to the issue, the conditioning with
day 0 today, scans a wrong bag (refused) and then the right one with the wristband, and
records the day's count. axe-core checks every step (corsia.testing.browser)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from corsia.accounts.models import User
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.testing.prescribing import library_version
from corsia.testing.transplant_path import RECIPIENT_HLA, din, scanned, wristband
from corsia.transplant.models import Infusion, Transplant

pytestmark = pytest.mark.browser


def _hla(form: Locator) -> None:
    for locus, (first, second) in RECIPIENT_HLA.items():
        form.get_by_label(f"HLA-{locus} (1)").fill(first)
        form.get_by_label(f"HLA-{locus} (2)").fill(second)


def _submit(page: Page, form: Locator, button: str) -> None:
    form.get_by_role("button", name=button).click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)


def test_an_allogeneic_transplant_to_day_zero(page: Page, demo_users: str) -> None:
    # given a patient and a validated conditioning regimen
    patient = patient_registered(User.objects.get(username="coordinatore"), **ANNA_BIANCHI)
    library_version(
        "MEL200",
        approvers=(User.objects.get(username="medico2"), User.objects.get(username="farmacista")),
    )
    today = timezone.localdate()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "medico", demo_users)
    # when the physician opens the patient's transplants from the chart and takes her in charge
    page.goto(f"/records/patients/{patient.pk}/")
    page.get_by_role("link", name="Trapianti", exact=True).last.click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    form = page.get_by_test_id("open-form")
    form.get_by_label("Tipo di trapianto").select_option("allogeneic")
    form.get_by_label("Sorgente di cellule staminali").select_option("pb")
    form.get_by_label("Indicazione al trapianto").fill("Leucemia mieloide acuta in RC1")
    _submit(page, form, "Prendi in carico")
    expect(page.get_by_test_id("case-state")).to_have_text("Presa in carico")
    # and records her typing and her brother's, who is then chosen
    form = page.get_by_test_id("typing-form")
    _hla(form)
    form.get_by_label("Gruppo ABO").select_option("O")
    _submit(page, form, "Registra la tipizzazione del ricevente")
    page.get_by_text("Aggiungi un potenziale donatore").click()
    form = page.get_by_test_id("donor-form")
    form.get_by_label("Tipo di donatore").select_option("sibling")
    form.get_by_label("Nome o identificativo").fill("Marco Bianchi")
    form.get_by_label("Data di nascita").fill("1972-05-09")
    form.get_by_label("Gruppo ABO").select_option("A")
    _hla(form)
    for marker in ("hiv", "hbsag", "anti_hbc", "hcv", "syphilis", "htlv"):
        form.locator(f"#don-marker-{marker}").select_option("negative")
    form.locator("label[for=don-consent]").click()
    _submit(page, form, "Registra il donatore")
    donors = page.get_by_test_id("donors")
    expect(donors.get_by_test_id("donor-score")).to_contain_text("10/10")
    expect(donors).to_contain_text("idoneo")
    step(page, "donatore")
    donors.get_by_label("Motivo").fill("Fratello HLA-identico 10/10, idoneo")
    donors.get_by_role("button", name="Scegli").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("case-state")).to_have_text("Donatore scelto")
    # and records the apheresis: 480 CD34+/µL in 250 mL for 64 kg -> 1,88 × 10^6/kg
    page.get_by_text("Registra una raccolta").click()
    form = page.get_by_test_id("collection-form")
    form.get_by_label("Data della raccolta").fill(today.isoformat())
    form.get_by_label("DIN ISBT 128").fill(din(31))
    form.get_by_label("Volume (mL)").fill("250")
    form.get_by_label("CD34+ (cellule/µL)").fill("480")
    form.get_by_label("Peso del ricevente (kg)").fill("64")
    _submit(page, form, "Registra la raccolta")
    expect(page.get_by_test_id("cd34-dose")).to_contain_text("1,88")
    for kind in ("received", "issued"):  # a fresh product: not cryopreserved
        products = page.get_by_test_id("products")
        products.get_by_label("Passaggio successivo").select_option(kind)
        products.get_by_role("button", name="Registra").click()
        page.wait_for_load_state("load")
    expect(page.get_by_test_id("products")).to_contain_text("Rilasciato per l'infusione")
    # and sets the conditioning with day 0 today
    form = page.get_by_test_id("conditioning-form")
    form.get_by_label("Schema (libreria)").select_option(index=1)
    form.get_by_label("Intensità").select_option("MAC")
    form.get_by_label("Inizio").fill((today - timedelta(days=6)).isoformat())
    form.get_by_label("Giorno 0").fill(today.isoformat())
    _submit(page, form, "Stabilisci")
    expect(page.get_by_test_id("day-zero")).to_have_text(today.strftime("%d/%m/%Y"))
    # when a bag that is not hers is scanned, the infusion is refused and nothing saved
    form = page.get_by_test_id("infusion-form")
    form.get_by_label("Leggi il DIN della sacca").fill(scanned(din(32)))
    form.get_by_label("Leggi il braccialetto del paziente").fill(wristband(patient))
    form.get_by_label("Volume infuso (mL)").fill("250")
    _submit(page, form, "Registra l'infusione")
    expect(page.locator("#refusal-infusion")).to_contain_text("NON infondere")
    step(page, "sacca-sbagliata")
    assert not Infusion.objects.exists()
    # then the right bag with her wristband is infused and the day's count recorded
    form = page.get_by_test_id("infusion-form")
    form.get_by_label("Leggi il DIN della sacca").fill(scanned(din(31)))
    form.get_by_label("Leggi il braccialetto del paziente").fill(wristband(patient))
    form.get_by_label("Volume infuso (mL)").fill("250")
    _submit(page, form, "Registra l'infusione")
    expect(page.get_by_test_id("case-state")).to_have_text("Infuso (giorno 0)")
    form = page.get_by_test_id("count-form")
    form.get_by_label("Data").fill(today.isoformat())
    form.get_by_label("Neutrofili (×10^9/L)").fill("0,3")
    form.get_by_label("Piastrine (×10^9/L)").fill("15")
    _submit(page, form, "Registra la conta")
    expect(page.get_by_test_id("neutrophil-engraftment")).to_have_text("non ancora")
    expect(page.get_by_test_id("timeline")).to_contain_text("Giorno 0 (infusione)")
    step(page, "giorno-0")
    assert Transplant.objects.get().state == "infused"
    # and the unit's list shows her transplant
    page.get_by_role("link", name="Trapianti dell'unità").first.click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("unit-cases")).to_contain_text("BIANCHI")
    step(page, "trapianti-unita")
