"""A one-vial preparation at the hood driven by the scanner, in a real browser: the
technician scans the label on the work plan, reads the bag from the balance, scans the
vial's DataMatrix (lot, expiry and serial from the code; the GS separator sent as Ctrl+],
as keyboard-wedge scanners do), keeps the leftover of the part-used vial, reads the bag
again and opens the next preparation. Every scan is typed while no field has focus (a tap
elsewhere took it away) and is still taken.

Action budget (corsia/compounding/README.md): 2 scans + 4 taps = 6 actions, no character
typed by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.compounding import services
from corsia.compounding.models import Hood, Preparation
from corsia.testing.browser import assert_accessible_basics, log_in
from corsia.testing.compounding import folfox_sent_to_pharmacy
from corsia.testing.hood import (
    OXALI_GTIN,
    network_balance,
    oxaliplatin_powder_with_gtins,
    yymmdd,
)

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "hood"
ACTION_BUDGET = 6
LOAD_BUDGET = 6  # main-frame navigations after the work plan: one per scan or tap answered

# Every visible control of the hood page at least 44 × 44 CSS px (touch with gloves).
_SMALL_TARGETS = """() => [...document.querySelectorAll(
    '[data-testid=hood] button, [data-testid=hood] a.btn, [data-testid=hood] input:not([type=hidden])')]
  .filter((el) => el.offsetWidth || el.offsetHeight)
  .map((el) => [el.textContent.trim() || el.id, el.getBoundingClientRect()])
  .filter(([, r]) => r.height < 44 || r.width < 44)
  .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def _look(page: Page, name: str) -> None:
    """A full-page screenshot to look at, the accessibility basics, 44 px targets."""
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert_accessible_basics(page)
    assert page.evaluate(_SMALL_TARGETS) == []


class Actions:
    """What the technician does, counted."""

    def __init__(self, page: Page) -> None:
        self.page, self.count = page, 0

    def scan(self, *parts: str) -> None:
        """A keyboard-wedge scan: the code's characters fast, GS as Ctrl+], then Enter."""
        self.page.locator("h1").click()  # a tap elsewhere: no field has the focus
        for index, part in enumerate(parts):
            if index:
                self.page.keyboard.press("Control+BracketRight")
            self.page.keyboard.type(part)
        self.page.keyboard.press("Enter")
        self.count += 1

    def tap(self, name: str) -> None:
        self.page.get_by_role("button", name=name).or_(
            self.page.get_by_role("link", name=name)
        ).first.click()
        self.count += 1


def test_one_vial_preparation_by_scans_only(page: Page, demo_users: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    users = {u.username: u for u in User.objects.all()}
    today = timezone.localdate()
    folfox = folfox_sent_to_pharmacy(
        physician=users["medico"],
        approvers=(users["medico"], users["medico2"]),
        registrar=users["coordinatore"],
        start=today,
    )
    oxaliplatin_powder_with_gtins()
    pharmacist = users["farmacista"]
    services.order_item_validate(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    preps = services.order_take_charge(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    oxali = next(p for p in preps if p.order_item.ingredient.code == "oxaliplatin")
    with network_balance("280.000", "314.050") as balance:
        hood = Hood.objects.create(
            code="CAPPA-1", name="Cappa 1", kind="bsc", scale_url=balance,
            scale_protocol="mt_sics", scale_id="BIL-1",
        )  # fmt: skip
        session = services.work_session_open(
            actor=pharmacist, workstation=None, hood_id=hood.pk,
            technician=users["tecnico"], day=today,
        )  # fmt: skip
        services.preparation_assign(
            actor=pharmacist, workstation=None, session_id=session.pk,
            preparation_ids=[p.pk for p in preps if p.scheduled_date == today],
        )  # fmt: skip
        log_in(page, "tecnico", demo_users)
        page.goto("/compounding/")
        act = Actions(page)
        loads: list[str] = []  # main-frame navigations from the work plan on
        page.on("framenavigated", lambda f: loads.append(f.url) if f == page.main_frame else None)
        # 1. the label, scanned on the work plan with no field focused
        act.scan(oxali.label_code or "")
        expect(page.get_by_test_id("prep-state")).to_have_text("Assegnata alla cappa")
        expect(page.get_by_test_id("planned-vials")).to_contain_text("flacone nuovo Oxaliplatino")
        expect(page.get_by_test_id("target-weight")).to_contain_text(
            "Farmaco da aggiungere: 34,000 g ± 1,700 g (± 5 %)"
        )
        _look(page, "1-plan-and-target")
        # 2. the bag before the addition, from the balance
        act.tap("Sacca PRIMA dell'aggiunta: leggi dalla bilancia")
        expect(page.get_by_test_id("target-weight")).to_contain_text(
            "La bilancia deve leggere 314,00 g (da 312,30 a 315,70 g)"
        )
        # 3. the vial's DataMatrix: lot, expiry, serial from the code; GS as Ctrl+]
        act.scan(f"]d201{OXALI_GTIN}17{yymmdd(200)}10OX77", "21SN0001")
        expect(page.get_by_test_id("prep-state")).to_have_text("In allestimento")
        expect(page.get_by_test_id("vials")).to_contain_text("OX77")
        expect(page.get_by_test_id("vials")).to_contain_text("SN0001")
        prompt = page.get_by_test_id("leftover-prompt")
        expect(prompt).to_contain_text("restano 6,00 mL")
        _look(page, "2-vial-scanned-leftover-prompt")
        # 4. the leftover kept as computed
        act.tap("Conserva il residuo")
        expect(page.get_by_text("Residuo conservato: lotto OX77, 6 mL")).to_be_visible()
        # 5. the bag after the addition, from the balance: 34.05 g added, within ±1.7 g
        act.tap("Sacca DOPO l'aggiunta: leggi dalla bilancia")
        expect(page.get_by_test_id("prep-state")).to_have_text("Pesata")
        nxt = page.get_by_test_id("next-preparation")
        expect(nxt).to_contain_text("Prossima preparazione")
        _look(page, "3-weighed-next")
        # 6. the next preparation of the work plan
        act.tap("Prossima preparazione")
    following = Preparation.objects.exclude(pk=oxali.pk).get(
        pk=int(page.url.rstrip("/").rsplit("/", 1)[-1])
    )
    assert following.scheduled_date == today and following.state == "assigned"
    expect(page.get_by_test_id("scan-form")).to_be_visible()
    page.screenshot(path=str(SHOTS / "4-next-preparation.png"), full_page=True)
    assert act.count <= ACTION_BUDGET, act.count
    assert len(loads) <= LOAD_BUDGET, loads
    oxali.refresh_from_db()
    assert oxali.state == "weighed"
    assert [(v.lot, v.serial) for v in oxali.vials.all()] == [("OX77", "SN0001")]
