"""The nurse's worklist on a ward tablet: every control a finger can hit is at least 44 ×
44 CSS px (the ward asked for it: 62 of 76 were smaller), and a patient's day takes little
height (the page was 7,000 px tall), so that the ward's patients are seen by scrolling a
few screens, not dozens."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.testing.administration import Folfox
from corsia.testing.browser import log_in, step

pytestmark = pytest.mark.browser
MIN_TARGET_PX = 44
# FOLFOX-4 day 1 (six drugs) with its scheduling form folded, in CSS px (528 before: the
# form open for every patient not yet planned, and an empty band under each card)
PATIENT_HEIGHT_PX = 420

# every visible control of the page's main content smaller than a fingertip
_SMALL_TARGETS = """min => [...document.querySelectorAll(
    'main a, main button, main input:not([type=hidden]), main select, main summary')]
  .filter(e => e.offsetParent !== null)
  .map(e => [e.textContent.trim().replace(/\\s+/g, ' ') || e.name || e.id,
             e.getBoundingClientRect()])
  .filter(([, r]) => r.width < min || r.height < min)
  .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""


@pytest.mark.parametrize("viewport", [(1024, 768), (1280, 900)], ids=["tablet", "desktop"])
def test_the_worklist_has_44_px_targets_and_a_compact_patient_day(
    page: Page, transactional_db: None, folfox: Folfox, viewport: tuple[int, int]
) -> None:
    # given FOLFOX-4 day 1 ready for the ward, and the nurse on a ward tablet
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    log_in(page, folfox.nurse.username, "Pw-test-12345")
    # when she opens the worklist
    page.goto("/administration/")
    patient = page.get_by_test_id("worklist-patient")
    expect(patient).to_have_count(1)
    step(page, "worklist")
    # then every control is at least 44 px in both directions
    small = page.evaluate(_SMALL_TARGETS, MIN_TARGET_PX)
    assert small == [], "\n".join(small)
    # and the patient's six drugs take one short card
    box = patient.bounding_box()
    assert box is not None
    assert box["height"] <= PATIENT_HEIGHT_PX, box
