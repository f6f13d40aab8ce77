"""A ward request from the ward's draft to the ward's receipt, against PostgreSQL: the
pharmacist's evaluation, the pick by pack scan, the delivery's transfers into the ward's
cabinet, the receipt with a discrepancy, the returns; the stock always equal to its
movements."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.drugs.models import MedicinalProduct
from corsia.inventory import services
from corsia.inventory.domain.ward_requests import Decision, LineDecision
from corsia.inventory.models import (
    CostCenter,
    StockLot,
    StockMovement,
    StorageLocation,
    WardRequest,
    WardRequestDiscrepancy,
    WardRequestLine,
    WardRequestScan,
)
from corsia.inventory.services import ward_requests as wr
from corsia.patients.models import Patient, PatientMerge
from corsia.patients.services import patient_merge, patient_unmerge
from corsia.testing.accounts import MakeUser
from corsia.testing.inventory import (
    FU_GTIN,
    NOW,
    OXALI_GTIN,
    WardScene,
    assert_stock_matches_movements,
    gs1_pack,
)
from corsia.testing.patients import patient_registered

OX_EXPIRY = date(2027, 6, 30)
FU_EXPIRY = date(2027, 3, 31)


def _stock(location: StorageLocation) -> dict[str, int]:
    return dict(StockLot.objects.filter(location=location).values_list("lot", "quantity"))


def _request(
    s: WardScene, *lines: tuple[MedicinalProduct, int], urgency: str = "routine"
) -> WardRequest:
    return wr.ward_request_create(
        actor=s.nurse, workstation="DH-PC1", cabinet=s.cabinet, kind="ward_stock",
        urgency=urgency, lines=[wr.RequestLineInput(p, n) for p, n in lines], now=NOW,
        submit=True,
    )  # fmt: skip


def _approve_all(s: WardScene, request: WardRequest) -> None:
    wr.ward_request_evaluate(
        actor=s.pharmacist, workstation="FARM-1", request_id=request.pk, now=NOW,
        decisions={ln.pk: LineDecision(Decision.APPROVE) for ln in request.lines.all()},
    )  # fmt: skip


def _pick(s: WardScene, request: WardRequest, barcode: str, times: int = 1) -> None:
    for _ in range(times):
        wr.ward_request_pick_scan(
            actor=s.technician, workstation="FARM-2", request_id=request.pk, now=NOW,
            barcode=barcode,
        )  # fmt: skip


OX1 = gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1")
FU1 = gs1_pack(FU_GTIN, FU_EXPIRY, "FU1")


def test_ward_stock_request_from_draft_to_receipt(scene: WardScene) -> None:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 10)
    s.load(s.fluorouracil, "FU1", FU_EXPIRY, 50)
    events_before = AuditEvent.objects.count()
    # the nurse asks for 4 oxaliplatin and 20 fluorouracil vials for the cabinet
    request = _request(s, (s.oxaliplatin, 4), (s.fluorouracil, 20))
    assert request.state == "submitted"
    assert (request.requested_by, request.requested_workstation) == (s.nurse, "DH-PC1")
    ox_line, fu_line = request.lines.order_by("position")
    # the pharmacist gives 3 oxaliplatin (with the reason) and the 20 fluorouracil
    wr.ward_request_evaluate(
        actor=s.pharmacist, workstation="FARM-1", request_id=request.pk, now=NOW,
        decisions={
            ox_line.pk: LineDecision(Decision.MODIFY, units=3, reason="consumo medio 3/sett."),
            fu_line.pk: LineDecision(Decision.APPROVE),
        },
    )  # fmt: skip
    # the technician scans 3 oxaliplatin packs (1 vial each), 2 fluorouracil (10 each)
    _pick(s, request, OX1, times=3)
    _pick(s, request, FU1, times=2)
    assert _stock(s.shelf) == {"OX1": 10, "FU1": 50}  # the pick moves nothing yet
    wr.ward_request_close_pick(
        actor=s.technician, workstation="FARM-2", request_id=request.pk, now=NOW
    )
    moved = wr.ward_request_deliver(
        actor=s.technician, workstation="FARM-2", request_id=request.pk, now=NOW
    )
    request.refresh_from_db()
    assert request.state == "delivered"
    assert request.delivery_number == f"CR-2026-{request.pk:06d}"
    assert sorted(
        (m.kind, m.lot, m.quantity, m.from_location_id, m.to_location_id, m.reference)
        for m in moved
    ) == [
        ("transfer", "FU1", 20, s.shelf.pk, s.cabinet.pk, request.delivery_number),
        ("transfer", "OX1", 3, s.shelf.pk, s.cabinet.pk, request.delivery_number),
    ]
    # 10 − 3 = 7 and 50 − 20 = 30 stay in the pharmacy; 3 and 20 are in the cabinet
    assert _stock(s.shelf) == {"OX1": 7, "FU1": 30}
    assert _stock(s.cabinet) == {"OX1": 3, "FU1": 20}
    # the nurse scans the 3 oxaliplatin and one fluorouracil pack: a pack (10) is missing
    for barcode in (OX1, OX1, OX1, FU1):
        wr.ward_request_receive_scan(
            actor=s.nurse, workstation="DH-PC1", request_id=request.pk, now=NOW,
            barcode=barcode,
        )  # fmt: skip
    with pytest.raises(ValidationFailed, match="differenza alla riga 2") as unexplained:
        wr.ward_request_receive(actor=s.nurse, workstation="DH-PC1", request_id=request.pk, now=NOW)
    assert unexplained.value.code == "reason_required"
    wr.ward_request_receive(
        actor=s.nurse, workstation="DH-PC1", request_id=request.pk, now=NOW,
        reasons={fu_line.pk: "una confezione non era nel contenitore"},
    )  # fmt: skip
    request.refresh_from_db()
    assert request.state == "received"
    assert [
        (ln.units_requested, ln.units_approved, ln.units_picked, ln.units_received)
        for ln in WardRequestLine.objects.filter(request=request).order_by("position")
    ] == [(4, 3, 3, 3), (20, 20, 20, 10)]
    discrepancy = WardRequestDiscrepancy.objects.get()
    assert (discrepancy.line_id, discrepancy.kind, discrepancy.units) == (fu_line.pk, "missing", 10)
    steps = list(request.steps.all())
    assert [st.action for st in steps] == [
        "create", "submit", "evaluate", "close_pick", "deliver", "receive",
    ]  # fmt: skip
    assert [st.actor for st in steps] == [
        s.nurse, s.nurse, s.pharmacist, s.technician, s.technician, s.nurse,
    ]  # fmt: skip
    # audit: created, submitted, evaluated, 5 packs picked, pick closed, the transfers
    # (one event each product), delivered, 4 packs received, received
    assert AuditEvent.objects.count() - events_before == 1 + 1 + 1 + 5 + 1 + 2 + 1 + 4 + 1
    assert_stock_matches_movements()


def test_named_patient_request_keeps_each_patient(scene: WardScene, patient: Patient) -> None:
    s = scene
    request = wr.ward_request_create(
        actor=s.nurse, workstation="t", cabinet=s.cabinet, kind="named_patient",
        urgency="urgent", lines=[wr.RequestLineInput(s.oxaliplatin, 2, patient_id=patient.pk)],
        now=NOW,
    )  # fmt: skip
    assert request.state == "draft"
    assert request.lines.get().patient == patient
    with pytest.raises(CorsiaError) as missing:
        wr.ward_request_create(
            actor=s.nurse, workstation="t", cabinet=s.cabinet, kind="named_patient",
            urgency="urgent", lines=[wr.RequestLineInput(s.oxaliplatin, 2)], now=NOW,
        )  # fmt: skip
    assert missing.value.code == "patient_required"
    assert WardRequest.objects.count() == 1


def test_substituted_line_is_picked_with_the_substitute_only(scene: WardScene) -> None:
    # (no one would substitute these two: only the mechanics are tested here)
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 10)
    s.load(s.fluorouracil, "FU1", FU_EXPIRY, 50)
    request = _request(s, (s.oxaliplatin, 10))
    line = request.lines.get()
    wr.ward_request_evaluate(
        actor=s.pharmacist, workstation="t", request_id=request.pk, now=NOW,
        decisions={line.pk: LineDecision(Decision.SUBSTITUTE, units=10, reason="in gara",
                                         substitute_product_id=s.fluorouracil.pk)},
    )  # fmt: skip
    line.refresh_from_db()
    assert (line.decision, line.substitute_id, line.units_approved) == (
        "substitute",
        s.fluorouracil.pk,
        10,
    )
    with pytest.raises(CorsiaError) as wrong:
        _pick(s, request, OX1)
    assert wrong.value.code == "wrong_product"
    _pick(s, request, FU1)
    line.refresh_from_db()
    assert line.units_picked == 10


def test_every_line_refused_refuses_the_request(scene: WardScene) -> None:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 10)
    request = _request(s, (s.oxaliplatin, 4))
    line = request.lines.get()
    wr.ward_request_evaluate(
        actor=s.pharmacist, workstation="t", request_id=request.pk, now=NOW,
        decisions={line.pk: LineDecision(Decision.REFUSE, reason="non in prontuario")},
    )  # fmt: skip
    request.refresh_from_db()
    assert request.state == "refused"
    with pytest.raises(CorsiaError) as late:
        _pick(s, request, OX1)
    assert late.value.code == "request_state_invalid"
    assert WardRequestScan.objects.count() == 0


def test_short_pick_closes_with_its_reason_and_delivers_what_was_picked(
    scene: WardScene,
) -> None:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 2)
    request = _request(s, (s.oxaliplatin, 5), urgency="urgent")
    _approve_all(s, request)
    _pick(s, request, OX1, times=2)
    # a third pack: the pharmacy holds 2 of lot OX1, both already in this pick
    with pytest.raises(CorsiaError) as none_left:
        _pick(s, request, OX1)
    assert none_left.value.code == "lot_not_available"
    with pytest.raises(CorsiaError) as no_reason:
        wr.ward_request_close_pick(
            actor=s.technician, workstation="t", request_id=request.pk, now=NOW
        )
    assert no_reason.value.code == "reason_required"
    wr.ward_request_close_pick(
        actor=s.technician, workstation="t", request_id=request.pk, now=NOW,
        reason="giacenza esaurita, ordine in corso",
    )  # fmt: skip
    wr.ward_request_deliver(actor=s.technician, workstation="t", request_id=request.pk, now=NOW)
    assert _stock(s.shelf) == {"OX1": 0}
    assert _stock(s.cabinet) == {"OX1": 2}
    assert_stock_matches_movements()


def test_delivery_is_all_or_nothing_when_the_stock_went_meanwhile(
    scene: WardScene, cost_center: CostCenter
) -> None:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 3)
    s.load(s.fluorouracil, "FU1", FU_EXPIRY, 10)
    request = _request(s, (s.fluorouracil, 10), (s.oxaliplatin, 3))
    _approve_all(s, request)
    _pick(s, request, FU1)
    _pick(s, request, OX1, times=3)
    wr.ward_request_close_pick(actor=s.technician, workstation="t", request_id=request.pk, now=NOW)
    # meanwhile a preparation took one oxaliplatin vial from the shelf
    services.stock_unload(
        actor=s.pharmacist, workstation="t", product=s.oxaliplatin, quantity=1,
        location=s.shelf, cost_center=cost_center, reference="prep", now=NOW,
    )  # fmt: skip
    movements_before = StockMovement.objects.count()
    with pytest.raises(CorsiaError) as short:
        wr.ward_request_deliver(actor=s.technician, workstation="t", request_id=request.pk, now=NOW)
    assert short.value.code == "stock_insufficient"
    # the fluorouracil transfer, done first, was undone with the rest
    assert StockMovement.objects.count() == movements_before
    assert _stock(s.shelf) == {"OX1": 2, "FU1": 10}
    assert _stock(s.cabinet) == {}
    request.refresh_from_db()
    assert (request.state, request.delivery_number) == ("picked", "")
    assert_stock_matches_movements()


def test_returns_give_usable_units_back_and_waste_the_expired(scene: WardScene) -> None:
    s = scene
    # the cabinet holds 4 vials of OX1 (usable) and 2 of OXOLD (expired yesterday)
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 4, location=s.cabinet)
    s.load(
        s.oxaliplatin, "OXOLD", NOW.date() - timedelta(days=1), 2, location=s.cabinet,
        now=NOW - timedelta(days=200),
    )  # fmt: skip
    back = wr.ward_stock_return(
        actor=s.technician, workstation="t", cabinet=s.cabinet, product=s.oxaliplatin,
        lot="OX1", quantity=3, to_location=s.shelf, reason="terapia sospesa", now=NOW,
    )  # fmt: skip
    assert (back.kind, back.from_location_id, back.to_location_id, back.quantity) == (
        "return",
        s.cabinet.pk,
        s.shelf.pk,
        3,
    )
    gone = wr.ward_stock_return(
        actor=s.technician, workstation="t", cabinet=s.cabinet, product=s.oxaliplatin,
        lot="OXOLD", quantity=2, to_location=s.shelf, reason="ritiro scaduti", now=NOW,
    )  # fmt: skip
    assert (gone.kind, gone.from_location_id, gone.to_location_id) == (
        "waste",
        s.cabinet.pk,
        None,
    )
    assert gone.reason.startswith("Scaduto il 14/10/2026, reso dal reparto")
    assert _stock(s.cabinet) == {"OX1": 1, "OXOLD": 0}
    assert _stock(s.shelf) == {"OX1": 3}
    with pytest.raises(CorsiaError) as nurse_refused:
        wr.ward_stock_return(
            actor=s.nurse, workstation="t", cabinet=s.cabinet, product=s.oxaliplatin,
            lot="OX1", quantity=1, to_location=s.shelf, reason="x", now=NOW,
        )  # fmt: skip
    assert nurse_refused.value.code == "permission_denied"
    assert_stock_matches_movements()


def _race(*acts: Callable[[], object]) -> list[str]:
    """Run the acts at the same moment in two connections: each one's outcome (``done``
    or the refusal's code)."""
    barrier = threading.Barrier(len(acts))
    outcomes: list[str] = []

    def run(act: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            act()
            outcomes.append("done")
        except CorsiaError as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(act,)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_pharmacists_evaluating_and_picking_at_once_one_wins(
    scene: WardScene, make_user: MakeUser
) -> None:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 10)
    request = _request(s, (s.oxaliplatin, 4))
    line = request.lines.get()
    other = make_user(Role.PHARMACIST, username="farm_gialli")

    def evaluate(actor: User, decision: LineDecision) -> Callable[[], object]:
        return lambda: wr.ward_request_evaluate(
            actor=actor, workstation="t", request_id=request.pk, now=NOW,
            decisions={line.pk: decision},
        )  # fmt: skip

    outcomes = _race(
        evaluate(s.pharmacist, LineDecision(Decision.APPROVE)),
        evaluate(other, LineDecision(Decision.MODIFY, units=2, reason="consumo basso")),
    )
    assert outcomes == ["done", "request_state_invalid"]
    line.refresh_from_db()
    # exactly one decision stands, and one evaluation step
    assert (line.decision, line.units_approved) in {("approve", 4), ("modify", 2)}
    assert request.steps.filter(action="evaluate").count() == 1
    # two people scanning the same request's packs at once: one pick, one refusal
    second_tech = make_user(Role.TECHNICIAN, username="tec_rosa")

    def scan(actor: User) -> Callable[[], object]:
        return lambda: wr.ward_request_pick_scan(
            actor=actor, workstation="t", request_id=request.pk, now=NOW, barcode=OX1
        )

    assert _race(scan(s.technician), scan(second_tech)) == ["done", "pick_in_progress"]
    assert WardRequestScan.objects.count() == 1
    assert_stock_matches_movements()


def test_a_patient_merge_moves_the_named_lines_and_its_undoing_brings_them_back(
    scene: WardScene, patient: Patient, make_user: MakeUser
) -> None:
    s = scene
    request = wr.ward_request_create(
        actor=s.nurse, workstation="t", cabinet=s.cabinet, kind="named_patient",
        urgency="routine", lines=[wr.RequestLineInput(s.oxaliplatin, 2, patient_id=patient.pk)],
        now=NOW,
    )  # fmt: skip
    coordinator = make_user(Role.COORDINATOR)
    survivor = patient_registered(
        coordinator, surname="Rossi", given_names="Mario Secondo",
        date_of_birth=date(1985, 12, 10), codice_fiscale="", stp_eni_code="STP1200001234567",
    )  # fmt: skip
    patient_merge(
        actor=coordinator, workstation="ANAG", survivor_id=survivor.pk, duplicate_id=patient.pk,
        reason="Stessa persona registrata due volte",
    )  # fmt: skip
    line = request.lines.get()
    assert line.patient_id == survivor.pk
    patient_unmerge(
        actor=coordinator,
        workstation="ANAG",
        merge_id=PatientMerge.objects.get().pk,
        reason="Due persone diverse",
    )
    line.refresh_from_db()
    assert line.patient_id == patient.pk
