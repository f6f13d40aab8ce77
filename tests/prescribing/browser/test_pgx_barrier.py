"""The pharmacogenomic barrier in a real browser: a DPYD intermediate metaboliser's CAPE-ADJ
draft shows the finding with «Applica la dose suggerita»; applied, capecitabine is halved
(BSA 2.00 m², 1250 mg/m² → 2500 mg → 1250 mg) with its reason; the pages accessible."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.prescribing import services
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import pgx_recorded
from corsia.testing.pgx import dpyd_markers
from corsia.testing.prescribing import library_version, measured_patient

pytestmark = pytest.mark.browser


def test_the_physician_applies_the_suggested_dose_from_the_order_page(
    page: Page, demo_users: str
) -> None:
    users = {u.username: u for u in User.objects.all()}
    physician = users["medico"]
    version = library_version("CAPE-ADJ", approvers=(users["medico"], users["medico2"]))
    patient = measured_patient(registrar=users["coordinatore"], physician=physician)
    dpyd_markers("capecitabine")
    order = services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=timezone.localdate(),
    )
    pgx_recorded(physician, patient.pk)  # the DPYD report arrives on the draft
    log_in(page, "medico", demo_users)
    page.goto(f"/prescribing/orders/{order.pk}/")
    findings = page.get_by_test_id("pgx-findings")
    expect(findings).to_contain_text("Riduzione della dose raccomandata")
    expect(findings).to_contain_text("625 mg/m² = 1250 mg invece di 2500 mg (giorni 1–14)")
    assert_accessible_basics(page)
    step(page, "pgx-warning")
    findings.get_by_role("button", name="Applica la dose suggerita").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("pgx-findings")).to_contain_text("Dose già conforme")
    expect(
        page.get_by_text("farmacogenomica: DPYD metabolizzatore intermedio").first
    ).to_be_visible()
    assert_accessible_basics(page)
    step(page, "pgx-applied")


def test_a_result_after_validation_is_acknowledged_from_the_order_page(
    page: Page, demo_users: str
) -> None:
    # CAPE-ADJ validated with no result; the DPYD report arrives: the order page shows the
    # finding once, marked late, and the form the bedside waits for (H61)
    users = {u.username: u for u in User.objects.all()}
    physician = users["medico"]
    version = library_version("CAPE-ADJ", approvers=(users["medico"], users["medico2"]))
    patient = measured_patient(registrar=users["coordinatore"], physician=physician)
    dpyd_markers("capecitabine")
    order = services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=timezone.localdate(),
    )
    for event in ("confirm", "send"):
        services.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    services.order_transition(
        actor=users["farmacista"], workstation=None, order_id=order.pk, event="validate"
    )
    pgx_recorded(physician, patient.pk)
    log_in(page, "medico", demo_users)
    page.goto(f"/prescribing/orders/{order.pk}/")
    expect(page.get_by_test_id("pgx-late")).to_have_count(1)
    form = page.get_by_test_id("pgx-ack-form")
    expect(form).to_contain_text("la somministrazione è bloccata")
    assert_accessible_basics(page)
    step(page, "pgx-after-validation")
    form.get_by_text("Ho preso visione della raccomandazione farmacogenomica").click()
    expect(
        form.get_by_label("Ho preso visione della raccomandazione farmacogenomica")
    ).to_be_checked()
    form.get_by_role("button", name="Registra la presa visione farmacogenomica").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("pgx-ack-form")).to_have_count(0)
    expect(page.get_by_test_id("pgx-override-recorded")).to_be_visible()
    assert_accessible_basics(page)
    step(page, "pgx-after-validation-acknowledged")
