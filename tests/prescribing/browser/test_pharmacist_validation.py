"""The pharmacist validates a FOLFOX-4 cycle from the queue in a real browser, with the
clinical context on one screen, in at most 3 actions (the budget in the README).

Patient (hand calculation): M, born 1961-05-04, 175 cm, 72 kg, creatinine 0.9 mg/dL.
BSA (Mosteller) = √(175 × 72 / 3600) = √3.5 = 1.8708 m² → "1,87 m²".
The hospital rounds FOLFOX-4 doses to the whole mg (dose_decimals = 0):
oxaliplatin 85 mg/m² × 1.8708 = 159.02 mg → 159 mg, reduced by 20 % → 127.2 → 127 mg;
fluorouracil 600 mg/m² × 1.8708 = 1122.50 mg → 1122 mg over 1320 min = "22 h" (elastomer:
no volume written, so no rate); oxaliplatin in glucosio 5 % 250 mL over 120 min = 2 h →
250 / 2 = 125 mL/h.
Cockcroft–Gault: (140 − age) × 72 / (72 × 0.9) = (140 − age) / 0.9 mL/min (age 65 → 83.3).
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from corsia.accounts.models import User
from corsia.compounding.models import Preparation
from corsia.prescribing import services
from corsia.prescribing.dosing_basis import age_years
from corsia.prescribing.models import TherapyOrder
from corsia.regimens.models import RegimenVersion
from corsia.testing.browser import SCREENSHOTS, assert_accessible_basics, log_in
from corsia.testing.prescribing import library_version, measured_patient
from corsia.toxicity.models import CtcaeTerm
from corsia.toxicity.services import ToxicityInput, ctcae_reference_load, toxicity_record

pytestmark = pytest.mark.browser
ARTEFACTS = SCREENSHOTS.parent / "pharmacist"
VALIDATION_BUDGET = 3  # actions from the queue to an order validated and taken in charge
VALIDATION_LOADS = 5  # main-frame navigations after the queue (the screen, each decision)


def _second_cycle(users: dict[str, User]) -> TherapyOrder:
    """Cycle 1 fourteen days ago (a grade 2 neuropathy recorded since), cycle 2 today with
    oxaliplatin reduced by 20 %, confirmed and sent to the pharmacy."""
    physician = users["medico"]
    version = library_version("FOLFOX-4", approvers=(users["medico"], users["medico2"]))
    RegimenVersion.objects.filter(pk=version.pk).update(dose_decimals=0)
    patient = measured_patient(
        registrar=users["coordinatore"], physician=physician, height_cm="175", weight_kg="72"
    )
    today = timezone.localdate()
    first = services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=today - timedelta(days=14),
    )
    ctcae_reference_load()
    toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=ToxicityInput(
            term_id=CtcaeTerm.objects.get(term="Peripheral sensory neuropathy").pk,
            grade=2,
            attribution="probable",
            onset_date=today - timedelta(days=3),
            order_id=first.pk,
            cycle_number=1,
        ),
    )
    second = services.order_duplicate(
        actor=physician, workstation=None, order_id=first.pk, start_date=today
    )
    oxali = second.items.get(ingredient__code="oxaliplatin")
    services.order_item_adjust(
        actor=physician,
        workstation=None,
        order_id=second.pk,
        item_id=oxali.pk,
        reason="Neuropatia periferica G2",
        reduction_percent=Decimal(20),
        final_dose=None,
        expected_version=None,
    )
    for event in ("confirm", "send"):
        services.order_transition(
            actor=physician, workstation=None, order_id=second.pk, event=event
        )
    return second


def test_validation_from_the_queue_in_three_actions_with_the_context_on_one_screen(
    page: Page, demo_users: str
) -> None:
    # given cycle 2 of FOLFOX-4 sent to the pharmacy today
    users = {u.username: u for u in User.objects.all()}
    order = _second_cycle(users)
    oxali = order.items.get(ingredient__code="oxaliplatin", day_of_cycle=1)
    infusion_5fu = order.items.get(
        ingredient__code="fluorouracil", day_of_cycle=1, duration_minutes=1320
    )
    age = age_years(order.patient.date_of_birth, order.start_date)
    clearance = ((140 - age) / Decimal("0.9")).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)

    # the pharmacist opens the queue: today and the next two days
    log_in(page, "farmacista", demo_users)
    page.goto("/prescribing/pharmacy/")
    expect(page.get_by_test_id("queue-range")).to_contain_text("dal ")
    row = page.get_by_test_id(f"queue-order-{order.pk}")
    expect(row).to_contain_text("Inviata in farmacia")
    assert_accessible_basics(page)
    page.screenshot(path=str(ARTEFACTS / "1_queue.png"), full_page=True)

    actions = 0
    loads: list[str] = []  # main-frame navigations from the queue on
    page.on("framenavigated", lambda f: loads.append(f.url) if f == page.main_frame else None)

    def act(target: Locator) -> None:
        nonlocal actions
        actions += 1
        target.click()

    # 1: the order opens the one validation screen
    act(row.get_by_role("link", name="FOLFOX-4 — ciclo 2"))
    expect(page).to_have_url(re.compile(rf"/compounding/orders/{order.pk}/$"))
    expect(page.get_by_test_id("review-bsa")).to_have_text("1,87 m²")
    expect(page.get_by_test_id("review-clearance")).to_contain_text(
        f"{str(clearance).replace('.', ',')} mL/min"
    )
    expect(page.get_by_test_id("measure-weight_kg")).to_contain_text("72 kg")
    expect(page.get_by_test_id("review-cycle")).to_contain_text(
        "14 giorni dall'inizio del ciclo precedente"
    )
    expect(page.get_by_test_id("review-toxicity")).to_contain_text("grado 2")
    expect(page.get_by_test_id("allergy-banner")).to_be_visible()
    expect(page.get_by_test_id(f"calculated-{oxali.pk}")).to_have_text(
        "159 mg (arrotondata da 159,02)"
    )
    expect(page.get_by_test_id(f"reduction-{oxali.pk}")).to_contain_text("−20 %")
    expect(page.get_by_test_id(f"reduction-{oxali.pk}")).to_contain_text("Neuropatia periferica G2")
    expect(page.get_by_test_id(f"final-{oxali.pk}")).to_have_text("127 mg")
    expect(page.get_by_test_id(f"infusion-{oxali.pk}")).to_contain_text("2 h · 125 mL/h")
    expect(page.get_by_test_id(f"carrier-{oxali.pk}")).to_contain_text("glucosio 5%")
    expect(page.get_by_test_id(f"carrier-{oxali.pk}")).to_contain_text("250 mL")
    expect(page.get_by_test_id(f"infusion-{infusion_5fu.pk}")).to_contain_text("22 h")
    expect(page.get_by_test_id(f"infusion-{infusion_5fu.pk}")).not_to_contain_text("mL/h")
    expect(page.get_by_test_id(f"calculated-{infusion_5fu.pk}")).to_have_text(
        "1122 mg (arrotondata da 1122,5)"
    )
    assert_accessible_basics(page)
    page.screenshot(path=str(ARTEFACTS / "2_validation.png"), full_page=True)

    # 2: validate the whole order
    act(page.get_by_test_id("validate-all"))
    expect(page.get_by_test_id("order-state")).to_have_text("Validata")
    take_charge = page.get_by_test_id("take-charge")
    expect(take_charge).to_have_text("Prendi in carico")

    # 3: take it in charge; the button gives way to who took charge, no stale button
    act(take_charge)
    expect(page.get_by_test_id("order-state")).to_have_text("Presa in carico")
    expect(page.get_by_test_id("take-charge")).to_have_count(0)
    expect(page.get_by_test_id("taken-in-charge")).to_contain_text("Presa in carico da")
    assert_accessible_basics(page)
    page.screenshot(path=str(ARTEFACTS / "3_taken_in_charge.png"), full_page=True)

    assert actions <= VALIDATION_BUDGET, actions
    assert len(loads) <= VALIDATION_LOADS, loads
    order.refresh_from_db()
    assert order.state == "taken_in_charge"
    pharmacy_lines = order.items.filter(competence="pharmacy", status="active").count()
    assert Preparation.objects.filter(order=order).count() == pharmacy_lines > 0

    # the physician's order page sends the pharmacist to the same screen
    page.goto(f"/prescribing/orders/{order.pk}/")
    expect(page.get_by_test_id("pharmacist-actions")).to_be_visible()
