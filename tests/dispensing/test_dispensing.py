"""Recording a dispensing at the desk: the packs scanned unloaded to the patient and the
cost centre, days covered and next due date; every refusal leaves the stock unchanged."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import CorsiaError
from corsia.dispensing import services
from corsia.dispensing.models import Dispensing, DispensingLine
from corsia.inventory.models import MovementKind, StockMovement
from corsia.testing.accounts import MakeUser
from corsia.testing.dispensing import (
    NOW,
    Desk,
    desk_ready,
    dispensing_input,
    held,
    pack_code,
)
from corsia.testing.inventory import assert_stock_matches_movements

DEC = date(2026, 12, 31)
MAR = date(2027, 3, 31)


def _record(desk: Desk, data: services.DispensingInput, **kw: Any) -> Dispensing:
    return services.dispensing_record(
        actor=kw.get("actor", desk.pharmacist), workstation="banco-1",
        patient_id=kw.get("patient_id", desk.patient.pk), data=data, now=NOW,
    )  # fmt: skip


def _plan(desk: Desk, **fields: Any) -> Any:
    data: dict[str, Any] = {
        "prescriber_id": desk.physician.pk,
        "product_code": desk.lenalidomide.code,
        "daily_units": Decimal(1),
        "valid_from": date(2026, 10, 1),
        "valid_to": date(2026, 12, 31),
        **fields,
    }
    return services.plan_record(
        actor=desk.pharmacist, workstation="banco-1", patient_id=fields.pop("patient_id", desk.patient.pk)
        if "patient_id" in fields else desk.patient.pk,
        data=services.PlanInput(**{k: v for k, v in data.items() if k != "patient_id"}), now=NOW,
    )  # fmt: skip


def _delegation(desk: Desk, patient_id: int | None = None, **fields: Any) -> Any:
    data: dict[str, Any] = {
        "delegate_name": "Lucia Rossi",
        "delegate_fiscal_code": "RSSLCU60A41A562Q",
        "identity_document": "Carta d'identità CA12345AB",
        "valid_from": date(2026, 10, 1),
        "valid_to": date(2027, 3, 31),
        **fields,
    }
    return services.delegation_record(
        actor=desk.pharmacist, workstation="banco-1",
        patient_id=patient_id or desk.patient.pk, data=services.DelegationInput(**data), now=NOW,
    )  # fmt: skip


@pytest.fixture
def stocked(desk: Desk) -> Desk:
    desk.load(desk.capecitabine, "L-B", DEC, 120)  # expires first: FEFO's choice
    desk.load(desk.capecitabine, "L-A", MAR, 240)
    desk.load(desk.capecitabine_low, "C-1", MAR, 60)
    desk.load(desk.lenalidomide, "R-1", MAR, 42)
    return desk


def test_first_cycle_at_discharge_unloads_fefo_and_dates_the_next_visit(stocked: Desk) -> None:
    desk = stocked
    events = AuditEvent.objects.count()
    dispensing = _record(desk, dispensing_input(desk, [pack_code(desk.packs["cape"])]))
    # 1 pack × 120 tablets at 4 a day: 120 ÷ 4 = 30 days; 15 Oct + 30 days = 14 Nov 2026
    assert (dispensing.units, dispensing.days_covered) == (120, 30)
    assert dispensing.next_due_date == date(2026, 11, 14)
    assert dispensing.kind == "discharge" and dispensing.collected_by == "patient"
    assert (dispensing.dispensed_by, dispensing.workstation) == (desk.pharmacist, "banco-1")
    # the AIC barcode carries no lot: FEFO takes L-B (31/12/2026) before L-A (31/3/2027)
    [line] = DispensingLine.objects.filter(dispensing=dispensing)
    assert (line.lot, line.expiry, line.units, line.aic) == ("L-B", DEC, 120, "990000010")
    assert (held(desk.capecitabine, "L-B"), held(desk.capecitabine, "L-A")) == (0, 240)
    movement = line.movement
    assert movement.kind == MovementKind.UNLOAD
    assert (movement.patient_id, movement.cost_center_id) == (desk.patient.pk, desk.cost_center.pk)
    assert movement.reference == f"DD-{dispensing.pk}"
    assert AuditEvent.objects.count() == events + 2  # the stock's unload and the dispensing
    assert AuditEvent.objects.filter(event_type="dispensing.dispensing_recorded").count() == 1
    assert_stock_matches_movements()


def test_the_scanned_lot_is_the_one_unloaded(stocked: Desk) -> None:
    desk = stocked
    code = pack_code(desk.packs["cape"], lot="L-A", expiry=MAR, serial="S1")
    dispensing = _record(desk, dispensing_input(desk, [code]))
    assert [(li.lot, li.units) for li in dispensing.lines.all()] == [("L-A", 120)]
    assert (held(desk.capecitabine, "L-B"), held(desk.capecitabine, "L-A")) == (120, 120)
    assert_stock_matches_movements()


def test_a_therapy_plan_dispensing_then_more_than_the_plan_covers(stocked: Desk) -> None:
    desk = stocked
    # 1 capsule a day, 21 capsules stated as the plan's ceiling
    plan = _plan(desk, max_units=21)
    assert plan.aifa_registry  # lenalidomide is under an AIFA registry: the plan says so
    scans = [pack_code(desk.packs["lena"], lot="R-1", expiry=MAR, serial="A1")]
    data = dispensing_input(
        desk, scans, kind="plan", plan_id=plan.pk, product_code="", daily_units=None,
        registry_record="REG-2026-000123",
    )  # fmt: skip
    dispensing = _record(desk, data)
    # 21 capsules at 1 a day: 21 days; 15 Oct + 21 = 5 Nov 2026
    assert (dispensing.units, dispensing.days_covered) == (21, 21)
    assert dispensing.next_due_date == date(2026, 11, 5)
    assert dispensing.registry_record == "REG-2026-000123"
    # the plan is used up (21 − 21 = 0 left): another pack is refused, stock unchanged
    again = dispensing_input(
        desk, [pack_code(desk.packs["lena"], lot="R-1", expiry=MAR, serial="A2")],
        kind="plan", plan_id=plan.pk, product_code="", daily_units=None,
        registry_record="REG-2026-000124",
    )  # fmt: skip
    with pytest.raises(CorsiaError) as refused:
        _record(desk, again)
    assert refused.value.code == "plan_exceeded"
    assert "copre ancora 0 unità" in refused.value.message
    assert held(desk.lenalidomide) == 21
    assert_stock_matches_movements()


def test_a_delegate_with_a_valid_delegation_collects(stocked: Desk) -> None:
    desk = stocked
    delegation = _delegation(desk)
    data = dispensing_input(
        desk, [pack_code(desk.packs["cape"])], collected_by="delegate", delegation_id=delegation.pk
    )
    dispensing = _record(desk, data, actor=desk.technician)
    assert (dispensing.collected_by, dispensing.delegation_id) == ("delegate", delegation.pk)


def _refusals(desk: Desk) -> dict[str, tuple[services.DispensingInput, str]]:
    cape = desk.packs["cape"]
    expired_plan = _plan(desk, valid_from=date(2026, 7, 1), valid_to=date(2026, 10, 14))
    other_plan = _plan(desk, patient_id=desk.other_patient.pk)
    old = _delegation(desk, valid_from=date(2026, 1, 1), valid_to=date(2026, 10, 14))
    others = _delegation(desk, patient_id=desk.other_patient.pk)
    lena = [pack_code(desk.packs["lena"], lot="R-1", expiry=MAR)]
    plan_kw: dict[str, Any] = {"kind": "plan", "product_code": "", "daily_units": None}
    return {
        "wrong drug": (
            dispensing_input(desk, [pack_code(cape), pack_code(desk.packs["cape_low"])]),
            "wrong_drug",
        ),
        "expired lot": (
            dispensing_input(desk, [pack_code(cape, lot="L-OLD", expiry=date(2026, 9, 30))]),
            "lot_expired",
        ),
        "lot not at the desk": (
            dispensing_input(desk, [pack_code(cape, lot="L-X", expiry=MAR)]),
            "lot_not_found",
        ),
        "another patient's card": (
            dispensing_input(desk, [pack_code(cape)], patient_code="BNCNNA70D42H501A"),
            "patient_mismatch",
        ),
        "no card read": (
            dispensing_input(desk, [pack_code(cape)], patient_code=""),
            "patient_code_required",
        ),
        "another patient's plan": (
            dispensing_input(desk, lena, plan_id=other_plan.pk, registry_record="R", **plan_kw),
            "plan_other_patient",
        ),
        "plan expired": (
            dispensing_input(desk, lena, plan_id=expired_plan.pk, registry_record="R", **plan_kw),
            "plan_expired",
        ),
        "registry drug without its record": (
            dispensing_input(desk, lena, product_code=desk.lenalidomide.code, daily_units=1),
            "registry_record_required",
        ),
        "delegate without delegation": (
            dispensing_input(desk, [pack_code(cape)], collected_by="delegate"),
            "delegation_required",
        ),
        "delegation expired": (
            dispensing_input(
                desk, [pack_code(cape)], collected_by="delegate", delegation_id=old.pk
            ),
            "delegation_invalid",
        ),
        "another patient's delegation": (
            dispensing_input(
                desk, [pack_code(cape)], collected_by="delegate", delegation_id=others.pk
            ),
            "delegation_invalid",
        ),
        "two packs at discharge: 60 days": (
            dispensing_input(desk, [pack_code(cape), pack_code(cape)]),
            "first_cycle_too_long",
        ),
        "daily units 0": (
            dispensing_input(desk, [pack_code(cape)], daily_units=Decimal(0)),
            "daily_units_invalid",
        ),
        "daily units negative": (
            dispensing_input(desk, [pack_code(cape)], daily_units=Decimal(-2)),
            "daily_units_invalid",
        ),
        "daily units 1e308": (
            dispensing_input(desk, [pack_code(cape)], daily_units=Decimal("1e308")),
            "daily_units_invalid",
        ),
        "daily units NaN": (
            dispensing_input(desk, [pack_code(cape)], daily_units=Decimal("NaN")),
            "daily_units_invalid",
        ),
        "NUL byte in the scan": (dispensing_input(desk, ["A990000010\x00"]), "invalid_characters"),
        "NUL byte in the registry record": (
            dispensing_input(desk, [pack_code(cape)], registry_record="R\x00"),
            "invalid_characters",
        ),
        "unknown pack": (dispensing_input(desk, ["A990000046"]), "pack_not_found"),
        "unreadable code": (dispensing_input(desk, ["A12"]), "barcode_unreadable"),
        "no scan": (dispensing_input(desk, []), "scans_required"),
        "same serial twice": (
            dispensing_input(
                desk,
                [pack_code(cape, lot="L-A", expiry=MAR, serial="S9")] * 2,
                daily_units=Decimal(8),
            ),
            "pack_scanned_twice",
        ),
    }


def test_every_refusal_says_why_and_leaves_the_stock_unchanged(stocked: Desk) -> None:
    desk = stocked
    cases = _refusals(desk)
    before = list(StockMovement.objects.values_list("pk", flat=True))
    stock = {p: held(p) for p in (desk.capecitabine, desk.capecitabine_low, desk.lenalidomide)}
    events = AuditEvent.objects.count()
    for name, (data, code) in cases.items():
        with pytest.raises(CorsiaError) as refused:
            _record(desk, data)
        assert refused.value.code == code, name
        assert refused.value.message, name
    assert list(StockMovement.objects.values_list("pk", flat=True)) == before
    assert {p: held(p) for p in stock} == stock
    assert not Dispensing.objects.exists()
    assert AuditEvent.objects.count() == events
    assert_stock_matches_movements()


def test_italian_messages_for_the_clinical_refusals(stocked: Desk) -> None:
    desk = stocked
    cases = _refusals(desk)
    expected = {
        "wrong drug": "Capecitabina 150 mg Test, non Capecitabina 500 mg Test",
        "expired lot": "è scaduta il 30/09/2026",
        "plan expired": "scaduto il 14/10/2026",
        "registry drug without its record": "registro di monitoraggio AIFA",
        "delegate without delegation": "solo con una delega",
        "another patient's card": "non è quello del paziente selezionato",
    }
    for name, fragment in expected.items():
        with pytest.raises(CorsiaError) as refused:
            _record(desk, cases[name][0])
        assert fragment in refused.value.message, name


def test_only_the_pharmacy_dispenses(stocked: Desk, make_user: MakeUser) -> None:
    for role in (Role.PHYSICIAN, Role.NURSE):
        with pytest.raises(CorsiaError) as refused:
            _record(stocked, dispensing_input(stocked, [pack_code(stocked.packs["cape"])]),
                    actor=make_user(role))  # fmt: skip
        assert refused.value.code == "permission_denied"
    assert held(stocked.capecitabine) == 360


def test_a_recorded_dispensing_cannot_be_changed_nor_deleted(stocked: Desk) -> None:
    dispensing = _record(stocked, dispensing_input(stocked, [pack_code(stocked.packs["cape"])]))
    for change in (
        lambda: Dispensing.objects.filter(pk=dispensing.pk).update(units=1),
        lambda: Dispensing.objects.filter(pk=dispensing.pk).delete(),
        lambda: DispensingLine.objects.filter(dispensing=dispensing).update(units=1),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert Dispensing.objects.get(pk=dispensing.pk).units == 120


@pytest.mark.django_db(transaction=True)
def test_two_desks_dispensing_the_last_pack_one_wins(make_user: MakeUser) -> None:
    desk = desk_ready(make_user)
    desk.load(desk.capecitabine, "L-LAST", DEC, 120)  # one pack left
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def dispense(patient_id: int, code: str) -> None:
        try:
            barrier.wait()
            _record(desk, dispensing_input(desk, [pack_code(desk.packs["cape"])],
                                           patient_code=code), patient_id=patient_id)  # fmt: skip
            outcomes.append("dispensed")
        except CorsiaError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=dispense, args=(desk.patient.pk, desk.patient.codice_fiscale)),
        threading.Thread(
            target=dispense, args=(desk.other_patient.pk, desk.other_patient.codice_fiscale)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["dispensed", "stock_insufficient"]
    assert Dispensing.objects.count() == 1
    assert held(desk.capecitabine) == 0
    assert StockMovement.objects.filter(kind=MovementKind.UNLOAD).count() == 1
    assert_stock_matches_movements()
