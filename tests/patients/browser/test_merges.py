"""IT staff undo a wrong merge from the merges page in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.patients import services
from corsia.patients.models import Patient, PatientMerge
from corsia.prescribing.models import Measurement
from corsia.testing.browser import assert_accessible_basics, log_in
from corsia.testing.prescribing import measured_patient

pytestmark = pytest.mark.browser

SHOTS = Path("test-artifacts/patients")


def test_it_staff_undo_a_wrong_merge_from_the_merges_page(page: Page, demo_users: str) -> None:
    # given two registrations merged by the coordinator (three measurements each)
    coordinator = User.objects.get(username="coordinatore")
    physician = User.objects.get(username="medico")
    survivor = measured_patient(registrar=coordinator, physician=physician)
    duplicate = measured_patient(registrar=coordinator, physician=physician, given_names="Ugo")
    services.patient_merge(
        actor=coordinator,
        workstation=None,
        survivor_id=survivor.pk,
        duplicate_id=duplicate.pk,
        reason="Stessa persona registrata due volte",
    )
    merge = PatientMerge.objects.get()
    # when IT staff open the merges page from the menu
    log_in(page, "sistemi", demo_users)
    page.get_by_role("link", name="Unioni di pazienti").first.click()
    row = page.get_by_test_id(f"merge-{merge.pk}")
    expect(row).to_contain_text(duplicate.mrn)
    expect(row).to_contain_text("prescribing.Measurement: 3")
    assert_accessible_basics(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "merges.png"), full_page=True)
    # and undo it with a reason
    row.get_by_label("Motivo dell'annullamento").fill("Omonimi: due persone diverse")
    row.get_by_role("button", name="Annulla l'unione").click()
    page.wait_for_load_state("load")
    # then the page says so and the duplicate has its measurements back
    expect(page.get_by_text("Unione annullata")).to_be_visible()
    page.screenshot(path=str(SHOTS / "merges-undone.png"), full_page=True)
    assert Measurement.objects.filter(patient=duplicate).count() == 3
    assert Patient.objects.get(pk=duplicate.pk).merged_into_id is None
