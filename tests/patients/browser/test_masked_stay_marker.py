"""A weight taken during a masked stay, in a real browser: a physician outside the stay's
care team sees the weight and the BSA the doses use, with «valore da un episodio protetto»
instead of the date, on the chart and on the prescription page (docs/security.md, §25)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.demo.patients import ensure_wards
from corsia.patients.models import Ward
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import masked_stay_admitted
from corsia.testing.prescribing import demo_colon_patient_for_folfox

pytestmark = pytest.mark.browser

MARKER = "valore da un episodio protetto"


def test_a_weight_from_a_masked_stay_shows_the_neutral_marker(page: Page, demo_users: str) -> None:
    ensure_wards()
    patient = demo_colon_patient_for_folfox()  # 180 cm, 80 kg measured now: BSA 2.00 m²
    masked_stay_admitted(
        User.objects.get(username="coordinatore"), patient,
        Ward.objects.exclude(kind="pharmacy").order_by("pk").first().pk,  # type: ignore[union-attr]  # the demo's wards
        admitted_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip

    log_in(page, "medico2", demo_users)  # never treated the patient: outside the team
    page.goto(f"/records/patients/{patient.pk}/")
    size = page.get_by_test_id("body-size")
    expect(size).to_contain_text("kg")
    expect(size).to_contain_text("m²")
    expect(size).to_contain_text(MARKER)
    expect(size).not_to_contain_text(timezone.localdate().strftime("%d/%m/%Y"))
    assert_accessible_basics(page)
    step(page, "chart-header-marker")
    page.goto(f"/prescribing/patient/{patient.pk}/")
    expect(page.get_by_role("main")).to_contain_text(MARKER)
    step(page, "prescription-page-marker")
