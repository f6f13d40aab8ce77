"""Pure rules: FEFO, stock arithmetic, requirements, pick list, delivery CSV, File F.
Expected values are worked out by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.inventory.domain import file_f
from corsia.inventory.domain.delivery import DeliveryFileInvalid, parse_delivery_csv
from corsia.inventory.domain.picking import build_pick_list
from corsia.inventory.domain.requirements import Need, compute_requirements, packs_for
from corsia.inventory.domain.stock import (
    LotExpired,
    LotStock,
    QuantityInvalid,
    StockInsufficient,
    fefo_take,
    lot_take,
    subtract,
)

TODAY = date(2026, 10, 15)


def _lot(key: int, lot: str, expiry: date, quantity: int, **extra: object) -> LotStock:
    return LotStock(key=key, product_id=1, lot=lot, expiry=expiry, quantity=quantity, **extra)  # type: ignore[arg-type]  # test helper passes typed fields


def test_fefo_takes_the_earliest_expiry_first_and_spans_lots() -> None:
    lots = [
        _lot(1, "LATE", date(2027, 3, 1), 10),
        _lot(2, "EARLY", date(2026, 11, 1), 3),
        _lot(3, "MID", date(2026, 12, 1), 5),
    ]
    takes = fefo_take(lots, 6, today=TODAY)
    assert [(t.lot, t.quantity) for t in takes] == [("EARLY", 3), ("MID", 3)]


def test_fefo_never_takes_an_expired_lot_but_takes_one_expiring_today() -> None:
    lots = [
        _lot(1, "EXPIRED", date(2026, 10, 14), 50),
        _lot(2, "TODAY", TODAY, 1),
        _lot(3, "LATER", date(2027, 1, 1), 5),
    ]
    takes = fefo_take(lots, 2, today=TODAY)
    assert [(t.lot, t.quantity) for t in takes] == [("TODAY", 1), ("LATER", 1)]


def test_fefo_refuses_when_usable_stock_is_short_and_says_expired_units_exist() -> None:
    lots = [_lot(1, "EXPIRED", date(2026, 10, 1), 50), _lot(2, "OK", date(2027, 1, 1), 2)]
    with pytest.raises(StockInsufficient) as refused:
        fefo_take(lots, 3, today=TODAY)
    assert refused.value.code == "stock_insufficient"
    assert refused.value.details == {"requested": 3, "available": 2, "expired": 50}
    assert "50 unità sono scadute" in refused.value.message


def test_a_named_expired_lot_is_refused() -> None:
    with pytest.raises(LotExpired) as refused:
        lot_take(_lot(1, "X1", date(2026, 10, 14), 5), 1, today=TODAY)
    assert refused.value.code == "lot_expired"
    assert refused.value.message == "Il lotto X1 è scaduto il 14/10/2026: non può essere usato."


@pytest.mark.parametrize("units", [0, -1, True])
def test_quantities_must_be_positive_integers(units: int) -> None:
    with pytest.raises(QuantityInvalid):
        fefo_take([_lot(1, "A", date(2027, 1, 1), 5)], units, today=TODAY)


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=1, max_value=1000))
def test_subtract_never_goes_below_zero(available: int, units: int) -> None:
    if units > available:
        with pytest.raises(StockInsufficient):
            subtract(available, units)
    else:
        assert subtract(available, units) == available - units >= 0


@given(
    st.lists(st.tuples(st.integers(-30, 400), st.integers(0, 20)), min_size=0, max_size=8),
    st.integers(1, 60),
)
def test_fefo_gives_exactly_what_is_asked_from_usable_lots_only(
    lots: list[tuple[int, int]], units: int
) -> None:
    stock = [
        _lot(i, f"L{i}", date.fromordinal(TODAY.toordinal() + days), qty)
        for i, (days, qty) in enumerate(lots)
    ]
    usable = sum(s.quantity for s in stock if s.expiry >= TODAY)
    if usable < units:
        with pytest.raises(StockInsufficient):
            fefo_take(stock, units, today=TODAY)
        return
    takes = fefo_take(stock, units, today=TODAY)
    assert sum(t.quantity for t in takes) == units
    assert all(t.expiry >= TODAY and t.quantity > 0 for t in takes)
    by_key = {s.key: s for s in stock}
    assert all(t.quantity <= by_key[t.key].quantity for t in takes)
    # FEFO: every lot left untouched expires no earlier than the last lot taken
    last = max(t.expiry for t in takes)
    taken = {t.key for t in takes}
    assert all(
        s.expiry >= last for s in stock if s.key not in taken and s.expiry >= TODAY and s.quantity
    )


def test_requirements_count_a_lot_only_for_days_before_its_expiry() -> None:
    # Stock today 15/10: L1 5 units (exp 20/10), L2 3 units (exp 31/12), L3 4 units (expired 10/10).
    # Needs: 16/10 → 4 (from L1, 1 left), 25/10 → 3 (L1 expired by then: L2 gives 3),
    # 05/11 → 3 (nothing left). Covered 7 of 10, in stock today 8, order 3 = 1 pack of 10.
    stock = {
        1: [
            _lot(1, "L1", date(2026, 10, 20), 5),
            _lot(2, "L2", date(2026, 12, 31), 3),
            _lot(3, "L3", date(2026, 10, 10), 4),
        ]
    }
    needs = [
        Need(1, date(2026, 11, 5), 3),
        Need(1, date(2026, 10, 16), 4),
        Need(1, date(2026, 10, 25), 3),
    ]
    [line] = compute_requirements(needs, stock, units_per_pack={1: 10}, today=TODAY)
    assert line.units_needed == 10
    assert line.units_in_stock == 8
    assert line.units_covered == 7
    assert line.units_to_order == 3
    assert line.packs_to_order == 1
    assert line.first_short_day == date(2026, 11, 5)


def test_requirements_for_a_product_without_stock_order_everything() -> None:
    [line] = compute_requirements([Need(7, TODAY, 25)], {}, units_per_pack={7: 10}, today=TODAY)
    assert (line.units_in_stock, line.units_to_order, line.packs_to_order) == (0, 25, 3)


def test_packs_round_up() -> None:
    assert [packs_for(u, 5) for u in (0, 1, 5, 6, 10, 11)] == [0, 1, 1, 2, 2, 3]


def test_pick_list_is_fefo_then_sorted_by_layout_and_reports_shortages() -> None:
    a2 = ((1, "A"), (2, "A2"))
    b1 = ((2, "B"), (1, "B1"))
    stock = {
        1: [
            LotStock(1, 1, "X", date(2026, 11, 1), 4, 11, "B1", b1),
            LotStock(2, 1, "Y", date(2026, 12, 1), 10, 10, "A2", a2),
        ],
        2: [LotStock(3, 2, "Z", date(2027, 1, 1), 3, 10, "A2", a2)],
        3: [LotStock(4, 3, "W", date(2027, 1, 1), 2, 11, "B1", b1)],
    }
    picked = build_pick_list({1: 6, 2: 1, 3: 5}, stock, today=TODAY)
    # FEFO takes X (4, earlier) then Y (2); the walk visits A2 (cabinet A) before B1.
    assert [(t.location_label, t.product_id, t.lot, t.quantity) for t in picked.lines] == [
        ("A2", 1, "Y", 2),
        ("A2", 2, "Z", 1),
        ("B1", 1, "X", 4),
        ("B1", 3, "W", 2),
    ]
    assert picked.shortages == {3: 3}


CSV_HEADER = "supplier;document_number;document_date;product_code;aic;lot;expiry;quantity;unit_cost;location\n"


def test_delivery_csv_parses_decimal_comma_and_both_date_forms() -> None:
    content = (
        CSV_HEADER
        + "Ditta;DDT-1;2026-10-14;oxa_100;;L1;31/12/2027;10;34,5678;\n"
        + "Ditta;DDT-1;14/10/2026;;012345678;L2;2027-06-30;5;12.00;FRIGO\n"
    ).encode()
    first, second = parse_delivery_csv(content, today=TODAY)
    assert (first.line, first.product_code, first.expiry, first.unit_cost) == (
        2, "oxa_100", date(2027, 12, 31), Decimal("34.5678"),
    )  # fmt: skip
    assert (second.aic, second.quantity, second.location, second.document_date) == (
        "012345678", 5, "FRIGO", date(2026, 10, 14),
    )  # fmt: skip


def test_delivery_csv_names_every_bad_line_and_returns_nothing() -> None:
    content = (
        CSV_HEADER
        + "Ditta;DDT-1;2026-10-14;oxa_100;;L1;2027-12-31;10;1.00;\n"
        + "Ditta;DDT-1;2026-10-14;oxa_100;;L2;2027-13-01;10;1.00;\n"
        + "Ditta;DDT-1;2026-10-14;;;L3;2027-12-31;0;1.00;\n"
        + "Ditta;DDT-1;2026-10-14;oxa_100;;L4;2026-10-01;3;-2;\n"
        + "Ditta;DDT-1;2026-10-14;oxa_100\n"
    ).encode()
    with pytest.raises(DeliveryFileInvalid) as refused:
        parse_delivery_csv(content, today=TODAY)
    assert refused.value.details["errors"] == [
        {"line": 3, "message": "scadenza non valida: «2027-13-01»"},
        {"line": 4, "message": "quantità (intero > 0) non valida: «0»"},
        {"line": 5, "message": "costo unitario non valida: «-2»"},
        {"line": 6, "message": "4 campi invece di 10 dell'intestazione"},
    ]
    assert refused.value.message.startswith(
        "Il file contiene 4 righe errate: nulla è stato caricato."
    )


def test_delivery_csv_refuses_a_header_without_required_columns() -> None:
    with pytest.raises(DeliveryFileInvalid) as refused:
        parse_delivery_csv(b"supplier,lot\nX,Y\n", today=TODAY)
    assert refused.value.details["errors"][0]["line"] == 1


def _dispensation(
    quantity: int, unit_cost: str = "34.5678", **extra: object
) -> file_f.Dispensation:
    values: dict[str, object] = {
        "patient_fiscal_code": "rssmra85t10a562s",
        "day": date(2026, 10, 15),
        "aic": "012345678",
        "atc": "L01XA03",
        "quantity": quantity,
        "unit_cost": Decimal(unit_cost),
        "cost_center": "CC-DH",
    } | extra
    return file_f.Dispensation(**values)  # type: ignore[arg-type]  # test helper, typed values


def test_file_f_fixed_width_and_csv_lines_match_the_hand_built_strings() -> None:
    # Two unloads of the same day, patient, AIC, cost centre: one record, 1 + 2 = 3 units;
    # total 3 × 34.5678 = 103.7034 → 103.70 €.
    records, excluded = file_f.build_records(
        [_dispensation(1), _dispensation(2)], hospital_code="190901", year=2026, month=10
    )
    assert excluded == []
    expected_fixed = (
        "190901"  # hospital code, 6
        "S"  # record type, 1
        "202610"  # period, 6
        "0000001"  # sequence, 7
        "RSSMRA85T10A562S"  # fiscal code, 16
        "20261015"  # date, 8
        "012345678"  # AIC, 9
        "L01XA03"  # ATC, 7
        "000003"  # quantity, 6
        "000000345678"  # unit cost × 10^4, 12
        "000000010370"  # total × 10^2, 12
        "CC-DH     "  # cost centre, 10
        "\r\n"
    )
    assert file_f.format_fixed(records) == expected_fixed
    assert len(expected_fixed) - 2 == file_f.RECORD_LENGTH == 100
    assert file_f.format_csv(records) == (
        "hospital_code;record_type;period;sequence;patient_fiscal_code;dispensation_date;"
        "aic;atc;quantity;unit_cost;total;cost_center\r\n"
        "190901;S;202610;1;RSSMRA85T10A562S;20261015;012345678;L01XA03;3;34.5678;103.70;CC-DH\r\n"
    )


def test_file_f_excludes_records_without_fiscal_code_or_aic_and_outside_the_month() -> None:
    records, excluded = file_f.build_records(
        [
            _dispensation(1, aic="", source="m1"),
            _dispensation(1, patient_fiscal_code=" ", source="m2"),
            _dispensation(1, day=date(2026, 11, 1), source="m3"),
        ],
        hospital_code="190901",
        year=2026,
        month=10,
    )
    assert records == []
    assert [(e.source, e.reason) for e in excluded] == [
        ("m1", "manca AIC"),
        ("m2", "manca codice fiscale del paziente"),
        ("m3", "data 01/11/2026 fuori dal mese"),
    ]


def test_file_f_total_rounds_half_up_to_the_cent() -> None:
    assert file_f.line_total(1, Decimal("0.0050")) == Decimal("0.01")
    assert file_f.line_total(3, Decimal("0.3333")) == Decimal("1.00")


def test_file_f_refuses_a_value_that_does_not_fit_instead_of_truncating() -> None:
    records, _ = file_f.build_records(
        [_dispensation(1, cost_center="CENTRO-DI-COSTO-LUNGO")],
        hospital_code="190901",
        year=2026,
        month=10,
    )
    with pytest.raises(file_f.FileFInvalid) as refused:
        file_f.format_fixed(records)
    assert "cost_center" in refused.value.message
