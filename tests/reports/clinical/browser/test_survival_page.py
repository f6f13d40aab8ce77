"""A physician opens the overall survival of the generated centre in a real browser: the
Kaplan–Meier step curve with its band, the numbers at risk, the life table; axe finds no
violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from corsia.testing.accounts import MakeUser
from corsia.testing.browser import assert_accessible_basics, log_in, step
from corsia.testing.reports_clinical import centre

pytestmark = pytest.mark.browser


def test_physician_reads_the_overall_survival(
    page: Page, demo_users: str, make_user: MakeUser
) -> None:
    centre(make_user)
    log_in(page, "medico", demo_users)
    page.goto("/reports/clinical_survival_os/?run=1&period_from=2026-01-01&period_to=2026-06-30")
    assert_accessible_basics(page)
    chart = page.get_by_test_id("report-chart")
    expect(chart.locator("svg[role=img]")).to_be_visible()
    expect(chart.locator("path[fill='#cfe2f7']")).to_have_count(1)
    expect(page.locator("body")).to_contain_text(
        "Numeri a rischio — 0 mesi: 3 · 3 mesi: 1 · 6 mesi: 0."
    )
    step(page, "overall-survival")
