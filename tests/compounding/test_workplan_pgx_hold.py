"""The work plan (``/compounding/``, its API) marks the rows a late pharmacogenomic result
holds (H65: every compounding action on them is refused): a «SOSPESA» badge with the reason
for screen readers, the reason in text, the row tinted; the other drugs of the order are not
marked. The holds are read once for the page: the number of queries does not grow with the
number of held orders."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.compounding import selectors, services
from corsia.prescribing import services as prescribing
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.compounding import Folfox
from corsia.testing.patients import pgx_recorded
from corsia.testing.pgx import dpyd_markers
from corsia.testing.prescribing import measured_patient

pytestmark = pytest.mark.django_db


def _held(folfox: Folfox, pharmacist: User, physician: User) -> None:
    """FOLFOX-4 validated by the pharmacist, then the DPYD report (IM, activity 1.5)."""
    services.order_item_validate(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    pgx_recorded(physician, folfox.patient.pk)


def test_the_work_plan_marks_the_held_rows_with_the_reason(
    folfox: Folfox, pharmacist: User, physician: User
) -> None:
    dpyd_markers("fluorouracil")
    _held(folfox, pharmacist, physician)

    html = logged_in(pharmacist).get("/compounding/").content.decode()

    # today (day 1): oxaliplatin, folinate, fluorouracil bolus and infusion; the two
    # fluorouracil rows held, each with its badge and the reason
    items = {i.ingredient.code: [] for i in folfox.order.items.all()}  # type: ignore[var-annotated]
    for item in folfox.order.items.filter(day_of_cycle=1).select_related("ingredient"):
        items[item.ingredient.code].append(item.pk)
    assert html.count('data-testid="pgx-hold-badge"') == 2
    for pk in items["fluorouracil"]:
        assert f'data-testid="held-{pk}"' in html
    for code in ("oxaliplatin", "calcium_folinate"):
        for pk in items[code]:
            assert f'data-testid="held-{pk}"' not in html
    badge = html.split('data-testid="pgx-hold-badge"', 1)[1].split("</span></span>", 1)[0]
    assert '>SOSPESA<span class="visually-hidden">: referto farmacogenomico DPYD' in badge
    assert "200 mg/m² = 400 mg invece di 800 mg" in badge

    # the API says it too
    rows = api_client(pharmacist).get("/api/v1/compounding/workplan").json()
    held = sorted(r["ingredient"] for r in rows if r["on_hold"])
    assert held == ["fluorouracil", "fluorouracil"]
    assert all(r["on_hold"].startswith("SOSPESA: referto") for r in rows if r["on_hold"])
    assert {r["on_hold"] for r in rows if r["ingredient"] != "fluorouracil"} == {""}


def test_acknowledged_the_rows_are_no_longer_marked(
    folfox: Folfox, pharmacist: User, physician: User
) -> None:
    from corsia.prescribing.services import order_pgx_acknowledge

    dpyd_markers("fluorouracil")
    _held(folfox, pharmacist, physician)
    order_pgx_acknowledge(
        actor=pharmacist, workstation=None, order_id=folfox.order.pk, acknowledged=True
    )
    html = logged_in(pharmacist).get("/compounding/").content.decode()
    assert 'data-testid="pgx-hold-badge"' not in html


def _plan_queries(pharmacist: User) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        rows = selectors.workplan(user=pharmacist, day=timezone.localdate())
    return len(captured), sum(1 for r in rows if r.on_hold)


def test_the_holds_are_read_once_for_the_page_not_per_row(
    folfox: Folfox, pharmacist: User, physician: User, make_user: MakeUser
) -> None:
    dpyd_markers("fluorouracil")
    _held(folfox, pharmacist, physician)
    one_order, held = _plan_queries(pharmacist)
    assert held == 2
    # given a second patient's FOLFOX-4 held the same way
    patient = measured_patient(
        registrar=make_user(Role.COORDINATOR), physician=physician, given_names="Ugo"
    )
    order = prescribing.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=folfox.order.regimen_version_id,
        start_date=timezone.localdate(),
    )
    for event in ("confirm", "send"):
        prescribing.order_transition(
            actor=physician, workstation=None, order_id=order.pk, event=event
        )
    _held(Folfox(order=order, patient=patient, aic=folfox.aic), pharmacist, physician)
    # then twice the held rows, the same number of queries
    two_orders, held = _plan_queries(pharmacist)
    assert held == 4
    assert two_orders == one_order
