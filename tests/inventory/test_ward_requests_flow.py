"""A ward request from the ward's draft to the ward's receipt, against PostgreSQL: the
pharmacist's evaluation, the pick by pack scan, the delivery's transfers into the ward's
cabinet, the receipt with a discrepancy; the stock always equal to its movements."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.drugs.models import MedicinalProduct
from corsia.inventory import services
from corsia.inventory.domain.ward_requests import Decision, LineDecision
from corsia.inventory.models import (
    StockLot,
    StockMovement,
    StorageLocation,
    WardRequest,
    WardRequestDiscrepancy,
    WardRequestLine,
    WardRequestScan,
)
from corsia.inventory.services import ward_requests as wr
from corsia.patients.models import Patient
from corsia.testing.inventory import (
    FU_GTIN,
    NOW,
    OXALI_GTIN,
    Load,
    assert_stock_matches_movements,
    gs1_pack,
)

OX_EXPIRY = date(2027, 6, 30)
FU_EXPIRY = date(2027, 3, 31)


def _stock(location: StorageLocation) -> dict[str, int]:
    return dict(StockLot.objects.filter(location=location).values_list("lot", "quantity"))


def test_ward_stock_request_from_draft_to_receipt(
    nurse: User, pharmacist: User, technician: User, cabinet: StorageLocation,
    shelf: StorageLocation, oxaliplatin: MedicinalProduct, fluorouracil: MedicinalProduct,
    scannable: None, load: Load,
) -> None:  # fmt: skip
    load(oxaliplatin, "OX1", OX_EXPIRY, 10)
    load(fluorouracil, "FU1", FU_EXPIRY, 50)
    events_before = AuditEvent.objects.count()
    # the nurse asks for 4 oxaliplatin and 20 fluorouracil vials for the cabinet, routine
    request = wr.ward_request_create(
        actor=nurse, workstation="DH-PC1", cabinet=cabinet, kind="ward_stock", urgency="routine",
        lines=[wr.RequestLineInput(oxaliplatin, 4), wr.RequestLineInput(fluorouracil, 20)],
        now=NOW, submit=True,
    )  # fmt: skip
    assert request.state == "submitted"
    assert (request.requested_by, request.requested_workstation) == (nurse, "DH-PC1")
    ox_line, fu_line = request.lines.order_by("position")
    # the pharmacist gives 3 oxaliplatin (reason) and the 20 fluorouracil as asked
    wr.ward_request_evaluate(
        actor=pharmacist, workstation="FARM-1", request_id=request.pk, now=NOW,
        decisions={
            ox_line.pk: LineDecision(Decision.MODIFY, units=3, reason="consumo medio 3/sett."),
            fu_line.pk: LineDecision(Decision.APPROVE),
        },
    )  # fmt: skip
    # the technician scans 3 oxaliplatin packs (1 vial each) and 2 fluorouracil (10 each)
    for _ in range(3):
        wr.ward_request_pick_scan(
            actor=technician, workstation="FARM-2", request_id=request.pk, now=NOW,
            barcode=gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1"),
        )  # fmt: skip
    for _ in range(2):
        wr.ward_request_pick_scan(
            actor=technician, workstation="FARM-2", request_id=request.pk, now=NOW,
            barcode=gs1_pack(FU_GTIN, FU_EXPIRY, "FU1"),
        )  # fmt: skip
    # picking moves nothing yet
    assert _stock(shelf) == {"OX1": 10, "FU1": 50}
    wr.ward_request_close_pick(
        actor=technician, workstation="FARM-2", request_id=request.pk, now=NOW
    )
    moved = wr.ward_request_deliver(
        actor=technician, workstation="FARM-2", request_id=request.pk, now=NOW
    )
    request.refresh_from_db()
    assert request.state == "delivered"
    assert request.delivery_number == f"CR-2026-{request.pk:06d}"
    assert sorted((m.kind, m.lot, m.quantity, m.from_location_id, m.to_location_id, m.reference)
                  for m in moved) == [
        ("transfer", "FU1", 20, shelf.pk, cabinet.pk, request.delivery_number),
        ("transfer", "OX1", 3, shelf.pk, cabinet.pk, request.delivery_number),
    ]  # fmt: skip
    # 10 − 3 = 7 and 50 − 20 = 30 left in the pharmacy; 3 and 20 in the cabinet
    assert _stock(shelf) == {"OX1": 7, "FU1": 30}
    assert _stock(cabinet) == {"OX1": 3, "FU1": 20}
    # the nurse scans the 3 oxaliplatin and one fluorouracil pack: one pack (10) is missing
    for _ in range(3):
        wr.ward_request_receive_scan(
            actor=nurse, workstation="DH-PC1", request_id=request.pk, now=NOW,
            barcode=gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1"),
        )  # fmt: skip
    wr.ward_request_receive_scan(
        actor=nurse, workstation="DH-PC1", request_id=request.pk, now=NOW,
        barcode=gs1_pack(FU_GTIN, FU_EXPIRY, "FU1"),
    )  # fmt: skip
    # an unexplained difference is refused
    with pytest.raises(ValidationFailed, match="differenza alla riga 2") as unexplained:
        wr.ward_request_receive(actor=nurse, workstation="DH-PC1", request_id=request.pk, now=NOW)
    assert unexplained.value.code == "reason_required"
    wr.ward_request_receive(
        actor=nurse, workstation="DH-PC1", request_id=request.pk, now=NOW,
        reasons={fu_line.pk: "una confezione non era nel contenitore"},
    )  # fmt: skip
    request.refresh_from_db()
    assert request.state == "received"
    lines = {ln.position: ln for ln in WardRequestLine.objects.filter(request=request)}
    assert [(ln.units_requested, ln.units_approved, ln.units_picked, ln.units_received)
            for ln in lines.values()] == [(4, 3, 3, 3), (20, 20, 20, 10)]  # fmt: skip
    discrepancy = WardRequestDiscrepancy.objects.get()
    assert (discrepancy.line_id, discrepancy.kind, discrepancy.units) == (fu_line.pk, "missing", 10)
    assert [s.action for s in request.steps.all()] == [
        "create", "submit", "evaluate", "close_pick", "deliver", "receive",
    ]  # fmt: skip
    assert [s.actor for s in request.steps.all()] == [
        nurse, nurse, pharmacist, technician, technician, nurse,
    ]  # fmt: skip
    # audit: created, submitted, evaluated, 5 packs picked, pick closed, 2 transfers (one
    # event), delivered, 4 packs received, received
    assert AuditEvent.objects.count() - events_before == 1 + 1 + 1 + 5 + 1 + 1 + 1 + 4 + 1
    assert_stock_matches_movements()


def test_named_patient_request_keeps_each_patient(
    nurse: User, pharmacist: User, cabinet: StorageLocation, oxaliplatin: MedicinalProduct,
    patient: Patient,
) -> None:  # fmt: skip
    request = wr.ward_request_create(
        actor=nurse, workstation="t", cabinet=cabinet, kind="named_patient", urgency="urgent",
        lines=[wr.RequestLineInput(oxaliplatin, 2, patient_id=patient.pk)], now=NOW,
    )  # fmt: skip
    assert request.state == "draft"
    assert request.lines.get().patient == patient
    with pytest.raises(CorsiaError) as missing:
        wr.ward_request_create(
            actor=nurse, workstation="t", cabinet=cabinet, kind="named_patient",
            urgency="urgent", lines=[wr.RequestLineInput(oxaliplatin, 2)], now=NOW,
        )  # fmt: skip
    assert missing.value.code == "patient_required"
    assert WardRequest.objects.count() == 1


def test_substituted_line_is_picked_with_the_substitute_only(
    nurse: User, pharmacist: User, technician: User, cabinet: StorageLocation,
    oxaliplatin: MedicinalProduct, fluorouracil: MedicinalProduct, scannable: None, load: Load,
) -> None:  # fmt: skip
    # (a substitution between these two is clinically absurd: here only the mechanics)
    load(oxaliplatin, "OX1", OX_EXPIRY, 10)
    load(fluorouracil, "FU1", FU_EXPIRY, 50)
    request = wr.ward_request_create(
        actor=nurse, workstation="t", cabinet=cabinet, kind="ward_stock", urgency="routine",
        lines=[wr.RequestLineInput(oxaliplatin, 10)], now=NOW, submit=True,
    )  # fmt: skip
    line = request.lines.get()
    wr.ward_request_evaluate(
        actor=pharmacist, workstation="t", request_id=request.pk, now=NOW,
        decisions={line.pk: LineDecision(Decision.SUBSTITUTE, units=10, reason="in gara",
                                         substitute_product_id=fluorouracil.pk)},
    )  # fmt: skip
    line.refresh_from_db()
    assert (line.decision, line.substitute_id, line.units_approved) == (
        "substitute",
        fluorouracil.pk,
        10,
    )
    with pytest.raises(CorsiaError) as wrong:
        wr.ward_request_pick_scan(
            actor=technician, workstation="t", request_id=request.pk, now=NOW,
            barcode=gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1"),
        )  # fmt: skip
    assert wrong.value.code == "wrong_product"
    wr.ward_request_pick_scan(
        actor=technician, workstation="t", request_id=request.pk, now=NOW,
        barcode=gs1_pack(FU_GTIN, FU_EXPIRY, "FU1"),
    )  # fmt: skip
    line.refresh_from_db()
    assert line.units_picked == 10


def test_every_line_refused_refuses_the_request(
    nurse: User, pharmacist: User, technician: User, cabinet: StorageLocation,
    oxaliplatin: MedicinalProduct, scannable: None, load: Load,
) -> None:  # fmt: skip
    load(oxaliplatin, "OX1", OX_EXPIRY, 10)
    request = wr.ward_request_create(
        actor=nurse, workstation="t", cabinet=cabinet, kind="ward_stock", urgency="routine",
        lines=[wr.RequestLineInput(oxaliplatin, 4)], now=NOW, submit=True,
    )  # fmt: skip
    line = request.lines.get()
    wr.ward_request_evaluate(
        actor=pharmacist, workstation="t", request_id=request.pk, now=NOW,
        decisions={line.pk: LineDecision(Decision.REFUSE, reason="non in prontuario di reparto")},
    )  # fmt: skip
    request.refresh_from_db()
    assert request.state == "refused"
    with pytest.raises(CorsiaError) as late:
        wr.ward_request_pick_scan(
            actor=technician, workstation="t", request_id=request.pk, now=NOW,
            barcode=gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1"),
        )  # fmt: skip
    assert late.value.code == "request_state_invalid"
    assert WardRequestScan.objects.count() == 0


def test_short_pick_closes_with_its_reason_and_delivers_what_was_picked(
    nurse: User, pharmacist: User, technician: User, cabinet: StorageLocation,
    shelf: StorageLocation, oxaliplatin: MedicinalProduct, scannable: None, load: Load,
) -> None:  # fmt: skip
    load(oxaliplatin, "OX1", OX_EXPIRY, 2)
    request = wr.ward_request_create(
        actor=nurse, workstation="t", cabinet=cabinet, kind="ward_stock", urgency="urgent",
        lines=[wr.RequestLineInput(oxaliplatin, 5)], now=NOW, submit=True,
    )  # fmt: skip
    line = request.lines.get()
    wr.ward_request_evaluate(
        actor=pharmacist, workstation="t", request_id=request.pk, now=NOW,
        decisions={line.pk: LineDecision(Decision.APPROVE)},
    )  # fmt: skip
    for _ in range(2):
        wr.ward_request_pick_scan(
            actor=technician, workstation="t", request_id=request.pk, now=NOW,
            barcode=gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1"),
        )  # fmt: skip
    # the third pack: the pharmacy holds 2 of lot OX1, both already in this pick
    with pytest.raises(CorsiaError) as none_left:
        wr.ward_request_pick_scan(
            actor=technician, workstation="t", request_id=request.pk, now=NOW,
            barcode=gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1"),
        )  # fmt: skip
    assert none_left.value.code == "lot_not_available"
    with pytest.raises(CorsiaError) as no_reason:
        wr.ward_request_close_pick(
            actor=technician, workstation="t", request_id=request.pk, now=NOW
        )
    assert no_reason.value.code == "reason_required"
    wr.ward_request_close_pick(
        actor=technician, workstation="t", request_id=request.pk, now=NOW,
        reason="giacenza esaurita, ordine in corso",
    )  # fmt: skip
    wr.ward_request_deliver(actor=technician, workstation="t", request_id=request.pk, now=NOW)
    assert _stock(shelf) == {"OX1": 0}
    assert _stock(cabinet) == {"OX1": 2}
    assert_stock_matches_movements()


def test_delivery_is_all_or_nothing_when_the_stock_went_meanwhile(
    nurse: User, pharmacist: User, technician: User, cabinet: StorageLocation,
    shelf: StorageLocation, oxaliplatin: MedicinalProduct, fluorouracil: MedicinalProduct,
    scannable: None, load: Load, cost_center: object,
) -> None:  # fmt: skip
    load(oxaliplatin, "OX1", OX_EXPIRY, 3)
    load(fluorouracil, "FU1", FU_EXPIRY, 10)
    request = wr.ward_request_create(
        actor=nurse, workstation="t", cabinet=cabinet, kind="ward_stock", urgency="routine",
        lines=[wr.RequestLineInput(fluorouracil, 10), wr.RequestLineInput(oxaliplatin, 3)],
        now=NOW, submit=True,
    )  # fmt: skip
    wr.ward_request_evaluate(
        actor=pharmacist, workstation="t", request_id=request.pk, now=NOW,
        decisions={ln.pk: LineDecision(Decision.APPROVE) for ln in request.lines.all()},
    )  # fmt: skip
    wr.ward_request_pick_scan(
        actor=technician, workstation="t", request_id=request.pk, now=NOW,
        barcode=gs1_pack(FU_GTIN, FU_EXPIRY, "FU1"),
    )  # fmt: skip
    for _ in range(3):
        wr.ward_request_pick_scan(
            actor=technician, workstation="t", request_id=request.pk, now=NOW,
            barcode=gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1"),
        )  # fmt: skip
    wr.ward_request_close_pick(actor=technician, workstation="t", request_id=request.pk, now=NOW)
    # meanwhile a preparation took one oxaliplatin vial from the shelf
    services.stock_unload(
        actor=pharmacist, workstation="t", product=oxaliplatin, quantity=1, location=shelf,
        cost_center=cost_center, reference="prep", now=NOW,  # type: ignore[arg-type]
    )  # fmt: skip
    movements_before = StockMovement.objects.count()
    with pytest.raises(CorsiaError) as short:
        wr.ward_request_deliver(actor=technician, workstation="t", request_id=request.pk, now=NOW)
    assert short.value.code == "stock_insufficient"
    # the fluorouracil transfer, done first, was undone with the rest
    assert StockMovement.objects.count() == movements_before
    assert _stock(shelf) == {"OX1": 2, "FU1": 10}
    assert _stock(cabinet) == {}
    request.refresh_from_db()
    assert (request.state, request.delivery_number) == ("picked", "")
    assert_stock_matches_movements()


def test_returns_give_usable_units_back_and_waste_the_expired(
    nurse: User, pharmacist: User, technician: User, cabinet: StorageLocation,
    shelf: StorageLocation, oxaliplatin: MedicinalProduct, load: Load,
) -> None:  # fmt: skip
    # the cabinet holds 4 vials of OX1 (usable) and 2 of OXOLD (expired yesterday)
    load(oxaliplatin, "OX1", OX_EXPIRY, 4, location=cabinet)
    load(oxaliplatin, "OXOLD", NOW.date() - timedelta(days=1), 2, location=cabinet,
         now=NOW - timedelta(days=200))  # fmt: skip
    back = wr.ward_stock_return(
        actor=technician, workstation="t", cabinet=cabinet, product=oxaliplatin, lot="OX1",
        quantity=3, to_location=shelf, reason="terapia sospesa", now=NOW,
    )  # fmt: skip
    assert (back.kind, back.from_location_id, back.to_location_id, back.quantity) == (
        "return",
        cabinet.pk,
        shelf.pk,
        3,
    )
    gone = wr.ward_stock_return(
        actor=technician, workstation="t", cabinet=cabinet, product=oxaliplatin, lot="OXOLD",
        quantity=2, to_location=shelf, reason="ritiro scaduti", now=NOW,
    )  # fmt: skip
    assert (gone.kind, gone.from_location_id, gone.to_location_id) == ("waste", cabinet.pk, None)
    assert gone.reason.startswith("Scaduto il 14/10/2026, reso dal reparto")
    assert _stock(cabinet) == {"OX1": 1, "OXOLD": 0}
    assert _stock(shelf) == {"OX1": 3}
    with pytest.raises(CorsiaError) as nurse_refused:
        wr.ward_stock_return(
            actor=nurse, workstation="t", cabinet=cabinet, product=oxaliplatin, lot="OX1",
            quantity=1, to_location=shelf, reason="x", now=NOW,
        )  # fmt: skip
    assert nurse_refused.value.code == "permission_denied"
    assert_stock_matches_movements()
