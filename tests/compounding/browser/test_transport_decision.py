"""A patient bag's data logger file with an excursion, in a real browser: imported on the
bag's page (time outside 2-8 °C shown), the pharmacist rejects the bag with a reason.
Screenshots in ``test-artifacts/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.compounding.models import CheckOut, TransportLog
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.compounding import check_out, folfox_sent_to_pharmacy, make_preparations

pytestmark = pytest.mark.browser

# 08:00 5 °C, 08:10 9.5 °C, 08:25 6 °C: 15 minutes above 8 °C
LOGGER = (
    "logger;timestamp;temperature_c\n"
    "TL-1;{day}T08:00:00+01:00;5.0\n"
    "TL-1;{day}T08:10:00+01:00;9.5\n"
    "TL-1;{day}T08:25:00+01:00;6.0\n"
)


def test_an_excursion_waits_for_the_pharmacist_who_rejects_the_bag(
    page: Page, demo_users: str, tmp_path: Path
) -> None:
    users = {u.username: u for u in User.objects.all()}
    today = timezone.localdate()
    folfox = folfox_sent_to_pharmacy(
        physician=users["medico"],
        approvers=(users["medico"], users["medico2"]),
        registrar=users["coordinatore"],
        start=today,
    )
    make_preparations(
        folfox, pharmacist=users["farmacista"], technician=users["tecnico"], day=today
    )
    check_out(folfox, technician=users["tecnico"], day=today)
    checkout = CheckOut.objects.get(order=folfox.order)
    csv_file = tmp_path / "logger.csv"
    csv_file.write_text(LOGGER.format(day=today.isoformat()), encoding="utf-8")
    log_in(page, "farmacista", demo_users)
    page.goto(f"/compounding/checkouts/{checkout.pk}/")
    page.get_by_label("File CSV del registratore (timestamp;temperature_c)").set_input_files(
        str(csv_file)
    )
    page.get_by_role("button", name="Importa").click()
    expect(page.get_by_test_id("transports")).to_contain_text("15 min")
    assert_accessible_basics(page)
    step(page, "transport-excursion-waiting")
    page.get_by_label("Motivo (dati di stabilità consultati)").fill(
        "oxaliplatino diluito: nessun dato di stabilità sopra 8 °C"
    )
    page.get_by_role("button", name="Respingi").click()
    expect(page.get_by_test_id("transports")).to_contain_text("RESPINTO")
    step(page, "transport-rejected")
    log = TransportLog.objects.get(checkout=checkout)
    assert (log.minutes_outside, log.rejected_by_id) == (15, users["farmacista"].pk)
