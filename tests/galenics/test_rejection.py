"""A batch rejected by a pharmacist: a reason required, read-only afterwards (never
weighed, controlled, released, dispensed or labelled again), the raw materials already
weighed unloaded from the stock as waste; a release and a rejection at once: one wins."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import CorsiaError
from corsia.galenics import selectors, services
from corsia.galenics.models import Batch, BatchState, Formula
from corsia.inventory import services as stock
from corsia.inventory.models import MovementKind, StockMovement
from corsia.patients.models import Ward
from corsia.testing.galenics import (
    OINTMENT,
    Lab,
    batch_opened,
    batch_prepared,
    batch_weighed,
    lab_ready,
    published,
    refusal_code,
)

pytestmark = pytest.mark.django_db
D = Decimal


def _wasted(batch: Batch) -> list[tuple[str, int]]:
    rows = StockMovement.objects.filter(
        kind=MovementKind.WASTE, reference=f"galenic:{batch.number}"
    ).select_related("product")
    return sorted((row.product.code, row.quantity) for row in rows)


def test_a_batch_whose_control_failed_is_rejected_and_its_weighings_are_waste(
    lab: Lab, suspension: Formula, technician: User, releaser: User
) -> None:
    before = {code: lab.held(code) for code in ("omeprazole_raw_g", "sodium_bicarbonate_raw_g")}
    batch = batch_weighed(lab, technician, suspension, D(150))
    services.qc_record(
        actor=technician,
        workstation="t",
        batch_id=batch.pk,
        control="resuspension",
        passed=False,
        value="sedimento compatto",
    )
    services.batch_prepared(actor=technician, workstation="t", batch_id=batch.pk)
    rejected = services.batch_reject(
        actor=releaser, workstation="t", batch_id=batch.pk, reason="Risospendibilità non conforme"
    )
    assert rejected.state == BatchState.REJECTED
    assert (rejected.rejected_by_id, rejected.rejection_reason) == (
        releaser.pk,
        "Risospendibilità non conforme",
    )
    # Weighed 300 mg of omeprazole (stocked by the gram: 1 unit) and 12 600 mg of
    # bicarbonate (13 units): out of the stock as waste, charged to the batch's centre.
    assert _wasted(batch) == [("omeprazole_raw_g", 1), ("sodium_bicarbonate_raw_g", 13)]
    assert lab.held("omeprazole_raw_g") == before["omeprazole_raw_g"] - 1
    assert lab.held("sodium_bicarbonate_raw_g") == before["sodium_bicarbonate_raw_g"] - 13
    assert sorted(u or 0 for u in batch.lines.values_list("wasted_units", flat=True)) == [1, 13]
    assert set(
        StockMovement.objects.filter(kind=MovementKind.WASTE).values_list("cost_center", flat=True)
    ) == {lab.cost_center.pk}
    event = AuditEvent.objects.get(event_type="galenics.batch_rejected")
    assert event.reason == "Risospendibilità non conforme"
    assert event.after is not None
    assert event.after["qc_failed"] == ["resuspension"]
    # read-only from now on: no weighing, control, release, dispensing or second rejection
    line = batch.lines.first()
    assert line is not None
    assert (
        refusal_code(
            lambda: services.line_weigh(
                actor=technician, workstation="t", line_id=line.pk, quantity=D(300), lot="OME-2611"
            )
        )
        == "batch_rejected"
    )
    assert (
        refusal_code(
            lambda: services.qc_record(
                actor=technician,
                workstation="t",
                batch_id=batch.pk,
                control="resuspension",
                passed=True,
            )
        )
        == "batch_rejected"
    )
    assert (
        refusal_code(
            lambda: services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
        )
        == "batch_rejected"
    )
    ward = Ward.objects.create(code="PED", name="Pediatria", kind="ward")
    assert (
        refusal_code(
            lambda: services.batch_dispense(
                actor=releaser,
                workstation="t",
                batch_id=batch.pk,
                quantity=D(10),
                ward_code=ward.code,
            )
        )
        == "batch_rejected"
    )
    assert (
        refusal_code(
            lambda: services.batch_reject(
                actor=releaser, workstation="t", batch_id=batch.pk, reason="di nuovo"
            )
        )
        == "batch_rejected"
    )
    assert selectors.batch_view(user=releaser, workstation="t", batch_id=batch.pk).label is None
    assert _wasted(batch) == [("omeprazole_raw_g", 1), ("sodium_bicarbonate_raw_g", 13)]


def test_a_reason_is_required(
    lab: Lab, suspension: Formula, technician: User, releaser: User
) -> None:
    batch = batch_weighed(lab, technician, suspension, D(100))
    for reason, code in [
        ("", "reason_required"),
        ("   ", "reason_required"),
        ("a\x00b", "invalid_characters"),
    ]:
        assert (
            refusal_code(
                lambda reason=reason: services.batch_reject(
                    actor=releaser, workstation="t", batch_id=batch.pk, reason=reason
                )
            )
            == code
        )
    assert Batch.objects.get(pk=batch.pk).state == BatchState.OPEN


def test_only_a_pharmacist_rejects_and_never_a_released_batch(
    lab: Lab, technician: User, releaser: User
) -> None:
    formula = published(lab.pharmacist, OINTMENT)
    batch = batch_prepared(lab, technician, formula, D(100))
    assert (
        refusal_code(
            lambda: services.batch_reject(
                actor=technician, workstation="t", batch_id=batch.pk, reason="contaminato"
            )
        )
        == "permission_denied"
    )
    services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
    assert (
        refusal_code(
            lambda: services.batch_reject(
                actor=lab.pharmacist, workstation="t", batch_id=batch.pk, reason="ripensamento"
            )
        )
        == "batch_already_released"
    )
    assert Batch.objects.get(pk=batch.pk).state == BatchState.RELEASED
    assert _wasted(batch) == []


def test_an_open_batch_wastes_only_what_was_weighed(
    lab: Lab, suspension: Formula, technician: User, releaser: User
) -> None:
    batch = batch_opened(technician, suspension, D(150))
    omeprazole = batch.lines.get(product=lab.products["omeprazole_raw_g"])
    services.line_weigh(
        actor=technician, workstation="t", line_id=omeprazole.pk, quantity=D(300), lot="OME-2611"
    )
    services.batch_reject(
        actor=releaser, workstation="t", batch_id=batch.pk, reason="Preparazione interrotta"
    )
    assert _wasted(batch) == [("omeprazole_raw_g", 1)]
    bicarbonate = batch.lines.get(product=lab.products["sodium_bicarbonate_raw_g"])
    assert (bicarbonate.wasted_units, bicarbonate.waste_refusal) == (None, "")


def test_a_lot_the_stock_cannot_give_does_not_stop_the_rejection(
    lab: Lab, technician: User, releaser: User
) -> None:
    formula = published(lab.pharmacist, OINTMENT)
    batch = batch_weighed(lab, technician, formula, D(100))
    # the zinc oxide lot leaves the shelf meanwhile (all of it, broken)
    zinc = lab.products["zinc_oxide_raw_g"]
    stock.stock_waste(
        actor=lab.pharmacist,
        workstation="t",
        product=zinc,
        lot=lab.lots["zinc_oxide_raw_g"],
        quantity=lab.held("zinc_oxide_raw_g"),
        location=lab.shelf,
        reason="Confezione rotta",
        now=batch.created_at,
    )
    services.batch_reject(actor=releaser, workstation="t", batch_id=batch.pk, reason="Contaminato")
    assert Batch.objects.get(pk=batch.pk).state == BatchState.REJECTED
    line = batch.lines.get(product=zinc)
    assert (line.wasted_units, line.waste_refusal) == (None, "lot_not_in_stock")
    # the paraffin (90 g: 90 units) did leave as waste
    assert _wasted(batch) == [("white_soft_paraffin_raw_g", 90)]


@pytest.mark.django_db(transaction=True)
def test_a_release_and_a_rejection_at_once_one_wins(
    pharmacist: User, technician: User, releaser: User
) -> None:
    lab = lab_ready(pharmacist)
    formula = published(pharmacist, OINTMENT)
    batch = batch_prepared(lab, technician, formula, D(100))
    before = lab.held("zinc_oxide_raw_g")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(name: str, call: object) -> None:
        assert callable(call)
        try:
            barrier.wait()
            call()
            outcomes.append(name)
        except CorsiaError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(
            target=act,
            args=(
                "released",
                lambda: services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk),
            ),
        ),
        threading.Thread(
            target=act,
            args=(
                "rejected",
                lambda: services.batch_reject(
                    actor=pharmacist, workstation="t", batch_id=batch.pk, reason="Contaminato"
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    state = Batch.objects.get(pk=batch.pk).state
    assert sorted(outcomes) in (
        ["batch_already_released", "released"],
        ["batch_rejected", "rejected"],
    )
    assert state == (BatchState.RELEASED if "released" in outcomes else BatchState.REJECTED)
    # 10 g of zinc oxide leave the stock once: unloaded by the release or wasted by the
    # rejection, never both
    assert lab.held("zinc_oxide_raw_g") == before - 10
    assert (
        StockMovement.objects.filter(product=lab.products["zinc_oxide_raw_g"])
        .exclude(kind=MovementKind.LOAD)
        .count()
        == 1
    )
