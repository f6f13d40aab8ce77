"""A worksheet line weighed again: whoever weighs says what became of the earlier material.
Thrown away, it leaves the stock as waste at once and stays on record; corrected on the same
material (same lot), nothing leaves but what the release unloads. Either way the stock
loses exactly what the laboratory used.

The suspension of the demo, 150 mL: omeprazole 2 mg/mL → 300 mg, stocked by the gram (one
stock unit = 1 g, a part of a unit counts whole); sodium bicarbonate 84 mg/mL → 12 600 mg,
13 units."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.galenics import services
from corsia.galenics.models import Batch, BatchLine, DiscardedWeighing, Formula
from corsia.inventory import services as stock
from corsia.inventory.models import MovementKind, StockMovement
from corsia.testing.accounts import api_client, logged_in, post_json
from corsia.testing.galenics import COST_CENTER, Lab, refusal_code

pytestmark = pytest.mark.django_db
D = Decimal
OME = "omeprazole_raw_g"
BIC = "sodium_bicarbonate_raw_g"


def _opened(technician: User, formula: Formula) -> tuple[Batch, BatchLine, BatchLine]:
    batch = services.batch_open(
        actor=technician, workstation="t", formula_id=formula.pk, quantity=D(150),
        cost_center_code=COST_CENTER,
    )  # fmt: skip
    ome = batch.lines.get(product__code=OME)
    bic = batch.lines.get(product__code=BIC)
    return batch, ome, bic


def _weigh(
    technician: User, line: BatchLine, quantity: str, lot: str = "OME-2611", previous: str = ""
) -> services.Weighing:
    return services.line_weigh(
        actor=technician, workstation="t", line_id=line.pk, quantity=D(quantity), unit="mg",
        lot=lot, previous=previous,
    )  # fmt: skip


def _release(batch: Batch, technician: User, releaser: User) -> None:
    for control in batch.formula.quality_controls:
        services.qc_record(
            actor=technician, workstation="t", batch_id=batch.pk, control=control, passed=True
        )
    services.batch_prepared(actor=technician, workstation="t", batch_id=batch.pk)
    services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)


def _waste_rows(batch: Batch) -> list[tuple[str, str, int]]:
    rows = StockMovement.objects.filter(
        kind=MovementKind.WASTE, reference=f"galenic:{batch.number}"
    ).select_related("product")
    return sorted((row.product.code, row.lot, row.quantity) for row in rows)


def test_a_weighing_thrown_away_leaves_the_stock_as_waste_and_stays_on_record(
    lab: Lab, suspension: Formula, technician: User, releaser: User
) -> None:
    before = {code: lab.held(code) for code in (OME, BIC)}
    batch, ome, bic = _opened(technician, suspension)
    assert not _weigh(technician, ome, "316").within_tolerance  # +5,33 %: out
    redone = _weigh(technician, ome, "314", previous="discarded")  # +4,67 %: in
    assert redone.within_tolerance and redone.line.weighed == D(314)
    # 316 mg thrown away: 0,316 g → 1 unit of the lot weighed, as waste, now
    assert _waste_rows(batch) == [(OME, "OME-2611", 1)]
    assert lab.held(OME) == before[OME] - 1
    row = DiscardedWeighing.objects.get()
    assert (row.line_id, row.weighed, row.unit, row.lot, row.within_tolerance) == (
        ome.pk, D(316), "mg", "OME-2611", False,
    )  # fmt: skip
    assert (row.weighed_by, row.discarded_by, row.wasted_units, row.waste_refusal) == (
        technician, technician, 1, "",
    )  # fmt: skip
    assert redone.discarded == row
    event = AuditEvent.objects.filter(event_type="galenics.line_weighed").latest("pk")
    assert event.before == {"weighed": "316.000000", "lot": "OME-2611", "previous": "discarded"}
    assert event.after is not None and event.after["discarded_units"] == 1
    # the release unloads what the batch holds: 314 mg → 1 more unit; 12 600 mg → 13
    _weigh(technician, bic, "12600", lot="BIC-2610")
    _release(batch, technician, releaser)
    assert lab.held(OME) == before[OME] - 2
    assert lab.held(BIC) == before[BIC] - 13
    # written once: the database refuses to change or delete it
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        DiscardedWeighing.objects.filter(pk=row.pk).update(wasted_units=0)
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        DiscardedWeighing.objects.filter(pk=row.pk).delete()


def test_a_weighing_corrected_on_the_same_material_wastes_nothing(
    lab: Lab, suspension: Formula, technician: User, releaser: User
) -> None:
    before = lab.held(OME)
    batch, ome, bic = _opened(technician, suspension)
    _weigh(technician, ome, "316")
    assert _weigh(technician, ome, "300", previous="adjusted").within_tolerance
    assert not DiscardedWeighing.objects.exists()
    assert _waste_rows(batch) == []
    _weigh(technician, bic, "12600", lot="BIC-2610")
    _release(batch, technician, releaser)
    assert lab.held(OME) == before - 1  # only the 300 mg the batch holds


def test_weighing_again_says_what_became_of_the_material_or_nothing_changes(
    lab: Lab, suspension: Formula, technician: User
) -> None:
    batch, ome, _ = _opened(technician, suspension)
    _weigh(technician, ome, "316")
    # another lot of omeprazole on the shelf
    today = timezone.localdate()
    stock.stock_load(
        actor=lab.pharmacist, workstation="t", supplier="Fornitore", document_number="DDT-2",
        document_date=today,
        lines=[stock.LoadLine(lab.products[OME], "OME-2701", today + timedelta(days=300), 5, D(1))],
        location=lab.shelf, now=timezone.now(),
    )  # fmt: skip
    held = lab.held(OME)
    audited = AuditEvent.objects.count()
    for previous, lot, code in [
        ("", "OME-2611", "previous_fate_required"),
        ("lost", "OME-2611", "previous_fate_unknown"),
        ("adjusted", "OME-2701", "lot_changed_discard_previous"),
    ]:
        assert (
            refusal_code(lambda p=previous, lt=lot: _weigh(technician, ome, "300", lt, p)) == code
        )
    ome.refresh_from_db()
    assert (ome.weighed, ome.lot) == (D(316), "OME-2611")
    assert lab.held(OME) == held and _waste_rows(batch) == []
    assert AuditEvent.objects.count() == audited
    # thrown away, the new lot is fine: the waste comes from the lot first weighed
    _weigh(technician, ome, "300", "OME-2701", "discarded")
    assert _waste_rows(batch) == [(OME, "OME-2611", 1)]
    ome.refresh_from_db()
    assert (ome.weighed, ome.lot, ome.lot_expiry) == (
        D(300), "OME-2701", today + timedelta(days=300),
    )  # fmt: skip


def test_a_rejected_batch_wastes_the_last_weighing_after_the_discarded_one(
    lab: Lab, suspension: Formula, technician: User, releaser: User
) -> None:
    before = lab.held(OME)
    batch, ome, _ = _opened(technician, suspension)
    _weigh(technician, ome, "316")
    _weigh(technician, ome, "1400", previous="discarded")  # out again: 1,4 g
    services.batch_reject(actor=releaser, workstation="t", batch_id=batch.pk, reason="Rovesciato")
    # 316 mg → 1 unit when discarded; 1 400 mg → 2 units at the rejection
    assert _waste_rows(batch) == [(OME, "OME-2611", 1), (OME, "OME-2611", 2)]
    assert lab.held(OME) == before - 3


def test_weighing_again_through_the_api_and_the_page(
    lab: Lab, suspension: Formula, technician: User
) -> None:
    batch, ome, _ = _opened(technician, suspension)
    url = f"/api/v1/galenics/batches/lines/{ome.pk}/weighing"
    client = api_client(technician)
    status, body = post_json(client, url, {"quantity": "316", "unit": "mg", "lot": "OME-2611"})
    assert (status, body["within_tolerance"], body["discarded"]) == (200, False, None)
    again = {"quantity": "302", "unit": "mg", "lot": "OME-2611"}
    status, problem = post_json(client, url, again)
    assert (status, problem["code"]) == (422, "previous_fate_required")
    status, problem = post_json(client, url, {**again, "previous": "x" * 11})
    assert status == 422  # longer than any fate: refused by the schema
    status, body = post_json(client, url, {**again, "previous": "discarded"})
    assert status == 200, body
    assert (body["discarded"]["weighed"], body["discarded"]["wasted_units"]) == ("316.000000", 1)
    shown = client.get(f"/api/v1/galenics/batches/{batch.pk}").json()
    line = next(row for row in shown["lines"] if row["id"] == ome.pk)
    assert [d["lot"] for d in line["discarded"]] == ["OME-2611"]
    # the page: the form asks what became of the earlier material, and refuses without it
    page = logged_in(technician)
    html = page.get(f"/galenics/batches/{batch.pk}/").content.decode()
    assert (
        'name="previous"' in html and "scartati 316 mg (lotto OME-2611), 1 unità a scarto" in html
    )
    refused = page.post(
        f"/galenics/batches/lines/{ome.pk}/weighing/",
        {"quantity": "300", "unit": "mg", "lot": "OME-2611"},
        follow=True,
    )
    assert "indica se il materiale della pesata precedente" in refused.content.decode()
    assert DiscardedWeighing.objects.count() == 1


def test_the_first_weighing_needs_no_previous_fate(
    lab: Lab, suspension: Formula, technician: User
) -> None:
    _, ome, _ = _opened(technician, suspension)
    # a fate given for a line never weighed has nothing to apply to: ignored
    assert _weigh(technician, ome, "300", previous="discarded").within_tolerance
    assert not DiscardedWeighing.objects.exists()
