"""Services against PostgreSQL: FEFO unloads, refusals that change nothing, the CSV import
all or nothing, consumption figures worked out by hand, File F, permissions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, ProgrammingError, transaction

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import CorsiaError, PermissionRefused, ValidationFailed
from corsia.drugs.models import MedicinalProduct
from corsia.inventory import selectors, services
from corsia.inventory.domain.delivery import DeliveryFileInvalid
from corsia.inventory.domain.stock import LotExpired, StockInsufficient
from corsia.inventory.models import CostCenter, StockLot, StockMovement, StorageLocation
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.inventory import NOW, ROME, TODAY, Load


def _snapshot() -> tuple[list[tuple[str, str, int]], int, int]:
    lots = sorted(StockLot.objects.values_list("lot", "location__code", "quantity"))
    return lots, StockMovement.objects.count(), AuditEvent.objects.count()


def _unload(
    actor: User,
    product: MedicinalProduct,
    quantity: int,
    shelf: StorageLocation,
    center: CostCenter,
    **extra: object,
) -> list[StockMovement]:
    return services.stock_unload(
        actor=actor,
        workstation="test",
        product=product,
        quantity=quantity,
        location=shelf,
        cost_center=center,
        reference="preparation:123",
        now=extra.pop("now", NOW),  # type: ignore[arg-type]  # a datetime when given
        **extra,  # type: ignore[arg-type]  # lot / patient, typed by the caller
    )


def test_unload_takes_lots_fefo_and_charges_the_cost_center(
    pharmacist: User, oxaliplatin: MedicinalProduct, shelf: StorageLocation,
    cost_center: CostCenter, load: Load,
) -> None:  # fmt: skip
    load(oxaliplatin, "LATE", date(2027, 6, 30), 10)
    load(oxaliplatin, "EARLY", date(2026, 11, 30), 2)
    moved = _unload(pharmacist, oxaliplatin, 3, shelf, cost_center)
    assert [(m.lot, m.quantity, m.cost_center_id, m.reference) for m in moved] == [
        ("EARLY", 2, cost_center.pk, "preparation:123"),
        ("LATE", 1, cost_center.pk, "preparation:123"),
    ]
    assert dict(StockLot.objects.values_list("lot", "quantity")) == {"EARLY": 0, "LATE": 9}
    event = AuditEvent.objects.filter(event_type="inventory.stock_unloaded").get()
    assert event.after is not None
    assert [m["lot"] for m in event.after["movements"]] == ["EARLY", "LATE"]


def test_expired_lot_is_refused_and_nothing_changes(
    pharmacist: User, oxaliplatin: MedicinalProduct, shelf: StorageLocation,
    cost_center: CostCenter, load: Load,
) -> None:  # fmt: skip
    # given a lot loaded in spring that expired on 14 October
    load(oxaliplatin, "OLD", date(2026, 10, 14), 5, now=datetime(2026, 4, 1, 9, tzinfo=ROME))
    before = _snapshot()
    # when it is asked for by name on 15 October, then it is refused
    with pytest.raises(LotExpired) as refused:
        _unload(pharmacist, oxaliplatin, 1, shelf, cost_center, lot="OLD")
    assert refused.value.code == "lot_expired"
    # and FEFO does not fall back on it either
    with pytest.raises(StockInsufficient):
        _unload(pharmacist, oxaliplatin, 1, shelf, cost_center)
    assert _snapshot() == before


def test_insufficient_stock_is_refused_and_nothing_changes(
    pharmacist: User, oxaliplatin: MedicinalProduct, shelf: StorageLocation,
    cost_center: CostCenter, load: Load,
) -> None:  # fmt: skip
    load(oxaliplatin, "A", date(2027, 1, 31), 2)
    load(oxaliplatin, "B", date(2027, 2, 28), 1)
    before = _snapshot()
    with pytest.raises(StockInsufficient) as refused:
        _unload(pharmacist, oxaliplatin, 4, shelf, cost_center)
    assert refused.value.code == "stock_insufficient"
    assert refused.value.details == {"requested": 4, "available": 3, "expired": 0}
    with pytest.raises(StockInsufficient):
        _unload(pharmacist, oxaliplatin, 3, shelf, cost_center, lot="A")
    assert _snapshot() == before


def test_stock_can_never_be_negative_in_the_database(
    oxaliplatin: MedicinalProduct, shelf: StorageLocation, load: Load
) -> None:
    load(oxaliplatin, "A", date(2027, 1, 31), 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLot.objects.filter(lot="A").update(quantity=-1)


def test_movements_are_append_only(
    oxaliplatin: MedicinalProduct, shelf: StorageLocation, load: Load
) -> None:
    load(oxaliplatin, "A", date(2027, 1, 31), 2)
    with pytest.raises(ProgrammingError), transaction.atomic():
        StockMovement.objects.update(quantity=1)
    with pytest.raises(ProgrammingError), transaction.atomic():
        StockMovement.objects.all().delete()


def test_a_user_without_manage_stock_moves_nothing(
    make_user: MakeUser, oxaliplatin: MedicinalProduct, shelf: StorageLocation,
    cost_center: CostCenter, load: Load,
) -> None:  # fmt: skip
    load(oxaliplatin, "A", date(2027, 1, 31), 2)
    before = _snapshot()
    for role in (Role.NURSE, Role.COORDINATOR, Role.PHYSICIAN):
        with pytest.raises(PermissionRefused):
            _unload(make_user(role), oxaliplatin, 1, shelf, cost_center)
    assert _snapshot() == before


def test_load_refuses_a_lot_with_a_different_expiry_and_an_expired_lot(
    pharmacist: User, oxaliplatin: MedicinalProduct, shelf: StorageLocation, load: Load
) -> None:
    load(oxaliplatin, "A", date(2027, 1, 31), 2)
    before = _snapshot()
    with pytest.raises(DeliveryFileInvalid) as refused:
        services.stock_load(
            actor=pharmacist, workstation="t", supplier="S", document_number="D2",
            document_date=TODAY, location=shelf, now=NOW,
            lines=[
                services.LoadLine(oxaliplatin, "A", date(2027, 2, 28), 1, Decimal(1)),
                services.LoadLine(oxaliplatin, "B", date(2026, 10, 1), 1, Decimal(1)),
            ],
        )  # fmt: skip
    assert refused.value.details["errors"] == [
        {"line": 1, "message": "il lotto A è già in giacenza con scadenza 31/01/2027"},
        {"line": 2, "message": "lotto scaduto il 01/10/2026: non si carica"},
    ]
    assert _snapshot() == before


def test_load_averages_the_unit_cost_of_a_lot_delivered_twice(
    oxaliplatin: MedicinalProduct, load: Load
) -> None:
    # 10 units at 30.00 then 30 units at 34.00: (300 + 1020) / 40 = 33.00
    load(oxaliplatin, "A", date(2027, 1, 31), 10, unit_cost="30.00")
    load(oxaliplatin, "A", date(2027, 1, 31), 30, unit_cost="34.00")
    row = StockLot.objects.get(lot="A")
    assert (row.quantity, row.unit_cost) == (40, Decimal("33.0000"))


CSV = "supplier;document_number;document_date;product_code;aic;lot;expiry;quantity;unit_cost;location\n"


def test_csv_import_is_all_or_nothing_with_line_numbered_errors(
    pharmacist: User, oxaliplatin: MedicinalProduct, fluorouracil: MedicinalProduct,
    shelf: StorageLocation,
) -> None:  # fmt: skip
    bad = (
        CSV
        + "Ditta;DDT-9;2026-10-14;oxaliplatin_100mg_20ml_test;;L1;2027-12-31;10;34,00;\n"
        + "Ditta;DDT-9;2026-10-14;unknown_product;;L2;2027-12-31;10;1.00;\n"
        + "Ditta;DDT-9;2026-10-14;;999999999;L3;2027-12-31;10;1.00;\n"
        + "Ditta;DDT-9;2026-10-14;fluorouracil_1000mg_test;;L4;2027-12-31;10;1.00;NOWHERE\n"
    ).encode()
    with pytest.raises(DeliveryFileInvalid) as refused:
        services.stock_import_delivery_csv(
            actor=pharmacist, workstation="t", content=bad, file_name="consegne.csv",
            location=shelf, now=NOW,
        )  # fmt: skip
    assert refused.value.details["errors"] == [
        {"line": 3, "message": "medicinale «unknown_product» non presente nell'archivio"},
        {"line": 4, "message": "AIC 999999999 non presente nell'archivio farmaci"},
        {"line": 5, "message": "ubicazione «NOWHERE» sconosciuta"},
    ]
    assert StockLot.objects.count() == 0 and StockMovement.objects.count() == 0
    good = (
        CSV
        + "Ditta;DDT-9;2026-10-14;oxaliplatin_100mg_20ml_test;;L1;2027-12-31;10;34,00;\n"
        + "Ditta;DDT-9;2026-10-14;;012345678;L2;2027-06-30;4;33.50;\n"
        + "Altra;DDT-7;2026-10-13;fluorouracil_1000mg_test;;F1;2027-12-31;20;3.90;A1\n"
    ).encode()
    moved = services.stock_import_delivery_csv(
        actor=pharmacist, workstation="t", content=good, file_name="consegne.csv",
        location=shelf, now=NOW,
    )  # fmt: skip
    assert sorted((m.reference, m.supplier, m.lot, m.quantity) for m in moved) == [
        ("DDT DDT-7", "Altra", "F1", 20),
        ("DDT DDT-9", "Ditta", "L1", 10),
        ("DDT DDT-9", "Ditta", "L2", 4),
    ]
    assert StockLot.objects.get(lot="L2").pack is not None  # the AIC names the pack
    assert AuditEvent.objects.filter(event_type="inventory.delivery_imported").count() == 1


def test_transfer_return_waste_and_adjust(
    pharmacist: User, oxaliplatin: MedicinalProduct, shelf: StorageLocation,
    cost_center: CostCenter, load: Load,
) -> None:  # fmt: skip
    cabinet = services.location_save(
        actor=pharmacist, workstation="t", code="DH-ARM", name="Armadio DH", kind="ward_cabinet"
    )
    load(oxaliplatin, "A", date(2027, 1, 31), 10)
    services.stock_transfer(
        actor=pharmacist, workstation="t", product=oxaliplatin, quantity=4,
        from_location=shelf, to_location=cabinet, now=NOW,
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as no_reason:
        services.stock_return(
            actor=pharmacist, workstation="t", product=oxaliplatin, lot="A", quantity=1,
            from_location=cabinet, to_location=shelf, reason="  ", now=NOW,
        )  # fmt: skip
    assert no_reason.value.code == "reason_required"
    services.stock_return(
        actor=pharmacist, workstation="t", product=oxaliplatin, lot="A", quantity=1,
        from_location=cabinet, to_location=shelf, reason="non usato", now=NOW,
        cost_center=cost_center,
    )  # fmt: skip
    services.stock_waste(
        actor=pharmacist, workstation="t", product=oxaliplatin, lot="A", quantity=1,
        location=cabinet, reason="flacone rotto", now=NOW,
    )  # fmt: skip
    services.stock_adjust(
        actor=pharmacist, workstation="t", product=oxaliplatin, lot="A", location=shelf,
        counted=5, reason="inventario di ottobre", now=NOW,
    )  # fmt: skip
    levels = {(r.location.code, r.lot): r.quantity for r in selectors.stock_levels()}
    # shelf 10 − 4 + 1 = 7, counted 5 (adjust −2); cabinet 4 − 1 − 1 = 2
    assert levels == {("A1", "A"): 5, ("DH-ARM", "A"): 2}
    kinds = list(StockMovement.objects.order_by("id").values_list("kind", "quantity"))
    assert kinds == [("load", 10), ("transfer", 4), ("return", 1), ("waste", 1), ("adjust", 2)]


def test_expired_units_leave_only_as_waste(
    pharmacist: User, oxaliplatin: MedicinalProduct, shelf: StorageLocation, load: Load
) -> None:
    load(oxaliplatin, "OLD", date(2026, 10, 1), 3, now=datetime(2026, 4, 1, 9, tzinfo=ROME))
    cabinet = services.location_save(
        actor=pharmacist, workstation="t", code="DH-ARM", name="Armadio DH", kind="ward_cabinet"
    )
    with pytest.raises(LotExpired):
        services.stock_transfer(
            actor=pharmacist, workstation="t", product=oxaliplatin, quantity=1, lot="OLD",
            from_location=shelf, to_location=cabinet, now=NOW,
        )  # fmt: skip
    services.stock_waste(
        actor=pharmacist, workstation="t", product=oxaliplatin, lot="OLD", quantity=3,
        location=shelf, reason="scaduto", now=NOW,
    )  # fmt: skip
    assert StockLot.objects.get(lot="OLD", location=shelf).quantity == 0


def test_consumption_by_cost_center_matches_the_hand_figures(
    *,
    pharmacist: User, oxaliplatin: MedicinalProduct, fluorouracil: MedicinalProduct,
    shelf: StorageLocation, cost_center: CostCenter, load: Load,
) -> None:  # fmt: skip
    other = services.cost_center_save(actor=pharmacist, workstation="t", code="CC-ONC", name="Onc")
    load(oxaliplatin, "OX", date(2027, 1, 31), 20, unit_cost="34.5678")
    load(fluorouracil, "FU", date(2027, 1, 31), 20, unit_cost="3.90")
    _unload(pharmacist, oxaliplatin, 3, shelf, cost_center)
    _unload(pharmacist, fluorouracil, 2, shelf, cost_center)
    _unload(pharmacist, oxaliplatin, 1, shelf, other)
    services.stock_return(
        actor=pharmacist, workstation="t", product=oxaliplatin, lot="OX", quantity=1,
        to_location=shelf, reason="non usato", now=NOW, cost_center=cost_center,
    )  # fmt: skip
    # an unload of September is not October's consumption
    _unload(pharmacist, oxaliplatin, 5, shelf, cost_center, now=NOW - timedelta(days=20))
    rows = {
        (r.cost_center.code, r.product.code): (r.net_units, r.net_value)
        for r in selectors.consumption_by_cost_center(year=2026, month=10)
    }
    # CC-DH oxaliplatin: 3 − 1 = 2 units, 2 × 34.5678 = 69.1356 → 69.14 €
    # CC-DH fluorouracil: 2 × 3.90 = 7.80 €; CC-ONC oxaliplatin: 1 × 34.5678 → 34.57 €
    assert rows == {
        ("CC-DH", "oxaliplatin_100mg_20ml_test"): (2, Decimal("69.14")),
        ("CC-DH", "fluorouracil_1000mg_test"): (2, Decimal("7.80")),
        ("CC-ONC", "oxaliplatin_100mg_20ml_test"): (1, Decimal("34.57")),
    }
    groups = {
        g.cost_center.code: g.net_value
        for g in selectors.consumption_by_center(year=2026, month=10)
    }
    # 69.1356 + 7.80 = 76.9356 → 76.94 €
    assert groups == {"CC-DH": Decimal("76.94"), "CC-ONC": Decimal("34.57")}


def test_requirements_and_pick_list_read_the_stock(
    pharmacist: User, oxaliplatin: MedicinalProduct, fluorouracil: MedicinalProduct,
    shelf: StorageLocation, load: Load,
) -> None:  # fmt: skip
    fridge = services.location_save(
        actor=pharmacist, workstation="t", code="F", name="Frigo", kind="fridge", pick_order=0
    )
    load(oxaliplatin, "OX1", date(2026, 10, 20), 2, location=fridge)
    load(oxaliplatin, "OX2", date(2027, 1, 31), 5)
    [ox, fu] = selectors.requirements(
        [
            (oxaliplatin.pk, date(2026, 10, 16), 3),
            (oxaliplatin.pk, date(2026, 10, 22), 3),
            (fluorouracil.pk, date(2026, 10, 16), 12),
        ],
        today=TODAY,
    )
    # oxaliplatin: 16/10 takes OX1 2 + OX2 1, 22/10 takes OX2 3: all 6 covered, 1 left
    assert (ox.units_needed, ox.units_in_stock, ox.units_to_order) == (6, 7, 0)
    # fluorouracil: none in stock, 12 units = 2 packs of 10
    assert (fu.units_to_order, fu.packs_to_order) == (12, 2)
    picked = selectors.pick_list([(oxaliplatin.pk, 3)], today=TODAY)
    # the fridge (pick order 0) comes before cabinet A (1)
    assert [(t.location_label, t.lot, t.quantity) for t in picked.lines] == [
        ("F", "OX1", 2),
        ("A1", "OX2", 1),
    ]


def test_file_f_export_builds_the_month_and_logs_who_read_which_patient(
    *,
    make_user: MakeUser, pharmacist: User, oxaliplatin: MedicinalProduct,
    shelf: StorageLocation, cost_center: CostCenter, load: Load, patient: Patient,
) -> None:  # fmt: skip
    load(oxaliplatin, "OX", date(2027, 1, 31), 10, unit_cost="34.5678")
    _unload(pharmacist, oxaliplatin, 1, shelf, cost_center, patient=patient)
    _unload(pharmacist, oxaliplatin, 2, shelf, cost_center, patient=patient)
    _unload(pharmacist, oxaliplatin, 1, shelf, cost_center)  # no patient: not File F
    with pytest.raises(PermissionRefused):
        services.file_f_export(
            year=2026, month=10, hospital_code="190901", output_format="csv",
            actor=make_user(Role.NURSE), workstation="t",
        )  # fmt: skip
    coordinator = make_user(Role.COORDINATOR)
    extraction = services.file_f_export(
        year=2026, month=10, hospital_code="190901", output_format="fixed",
        actor=coordinator, workstation="t",
    )  # fmt: skip
    assert extraction.text == (
        "190901S2026100000001RSSMRA85T10A562S20261015012345678L01XA03000003"
        "000000345678000000010370CC-DH     \r\n"
    )
    assert list(AccessLogEntry.objects.values_list("username", "patient_id", "channel")) == [
        (coordinator.username, patient.pk, "batch")
    ]
    assert AuditEvent.objects.filter(event_type="inventory.file_f_exported").count() == 1
    # an unknown format or month is refused before anything is read or written
    for year, month, output_format, code in [
        (2026, 10, "xml", "format_unknown"),
        (2026, 13, "csv", "month_invalid"),
        (1999, 12, "csv", "month_invalid"),
    ]:
        with pytest.raises(CorsiaError) as refused:
            services.file_f_export(
                year=year, month=month, hospital_code="190901", output_format=output_format,
                actor=coordinator, workstation="t",
            )  # fmt: skip
        assert refused.value.code == code
    assert AuditEvent.objects.filter(event_type="inventory.file_f_exported").count() == 1
    assert AccessLogEntry.objects.count() == 1


def test_errors_are_corsia_errors_with_stable_codes() -> None:
    assert issubclass(LotExpired, CorsiaError) and LotExpired.code == "lot_expired"
    assert StockInsufficient.code == "stock_insufficient"
