"""A nurse reads a long Braden history in a real browser (issue 27): the trend shows the
latest 30 and says how many earlier ones there are; its link opens every assessment of
the scale, paged; axe-core checks every step (corsia.testing.browser)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.nursing.models import Assessment, Scale
from corsia.nursing.services import scales_reference_load
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.patients import ANNA_BIANCHI, patient_registered

pytestmark = pytest.mark.browser


def test_a_long_history_is_a_link_away(page: Page, demo_users: str) -> None:
    # given a patient with 75 Braden assessments, one a day
    scales_reference_load()
    nurse = User.objects.get(username="infermiere")
    patient = patient_registered(User.objects.get(username="coordinatore"), **ANNA_BIANCHI)
    braden, now = Scale.objects.get(code="braden", active=True), timezone.now()
    Assessment.objects.bulk_create(
        Assessment(
            patient=patient,
            scale=braden,
            answers={},
            items=[],
            total=10 + k % 9,
            band_label="Rischio alto" if k % 9 < 3 else "Rischio lieve",
            band_level=2 if k % 9 < 3 else 1,
            assessed_at=now - timedelta(days=k),
            recorded_by=nurse,
        )
        for k in range(75)
    )
    page.set_viewport_size({"width": 1024, "height": 768})
    log_in(page, "infermiere", demo_users)
    # when the nurse opens the nursing record
    page.goto(f"/nursing/patients/{patient.pk}/")
    assert_accessible_basics(page)
    # then the trend says 45 earlier assessments and links them
    more = page.get_by_test_id("trend-more-braden")
    expect(more).to_contain_text("45 valutazioni precedenti")
    step(page, "trend-with-more")
    more.get_by_role("link").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # and every one of the 75 is in the list, 50 on the first page, the rest on the next
    expect(page.get_by_test_id("assessment-history")).to_contain_text("75 valutazioni")
    expect(page.get_by_test_id("assessment-history").locator("tbody tr")).to_have_count(50)
    step(page, "history-page-1")
    page.get_by_test_id("pager-next").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("assessment-history").locator("tbody tr")).to_have_count(25)
    step(page, "history-page-2")
