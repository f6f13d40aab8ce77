"""A galenic batch rejected in a real browser: the technician weighs the zinc oxide paste
(its base quanto basta), a control fails, and the pharmacist rejects the batch with a
reason; the page then shows it read-only with the raw materials unloaded as waste.
axe-core checks every step."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.galenics import services
from corsia.galenics.models import Batch, BatchState
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.galenics import OINTMENT_QS, batch_weighed, lab_ready, published

pytestmark = pytest.mark.browser


def test_a_failed_control_and_the_batch_rejected(page: Page, demo_users: str) -> None:
    # given a paste weighed by the technician (zinc oxide 10 g, the base q.b. 89,7 g)
    lab = lab_ready(User.objects.get(username="farmacista"))
    formula = published(lab.pharmacist, OINTMENT_QS)
    technician = User.objects.get(username="tecnico")
    batch = batch_weighed(lab, technician, formula, Decimal(100), vehicle=Decimal("89.7"))
    # and its appearance found not compliant
    services.qc_record(
        actor=technician,
        workstation="test",
        batch_id=batch.pk,
        control="appearance",
        passed=False,
        value="grumi",
    )
    log_in(page, "farmacista2", demo_users)
    page.goto(f"/galenics/batches/{batch.pk}/")
    assert_accessible_basics(page)
    expect(page.get_by_test_id("required-2")).to_have_text("q.b. a 100 g")
    expect(page.get_by_test_id("qc-gaps")).to_contain_text("non conforme")
    step(page, "controllo-non-conforme")
    # when the pharmacist rejects it with a reason
    form = page.get_by_test_id("reject-form")
    form.get_by_label("Motivo del rifiuto (obbligatorio)").fill("Aspetto non conforme: grumi")
    form.get_by_role("button", name="Respingi il lotto").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # then the batch is rejected, read-only, its raw materials wasted
    expect(page.get_by_test_id("rejected")).to_contain_text("Aspetto non conforme: grumi")
    expect(page.get_by_test_id("rejected-notice")).to_be_visible()
    expect(page.get_by_test_id("waste-1")).to_contain_text("10 unità di magazzino")
    expect(page.get_by_test_id("waste-2")).to_contain_text("90 unità di magazzino")
    expect(page.get_by_test_id("release")).to_have_count(0)
    expect(page.get_by_test_id("reject-form")).to_have_count(0)
    step(page, "lotto-respinto")
    assert Batch.objects.get(pk=batch.pk).state == BatchState.REJECTED
