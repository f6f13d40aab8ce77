"""The galenic laboratory's pure rules against hand calculations written out here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.galenics.domain.batch import (
    beyond_use_date,
    deviation_percent,
    qc_gaps,
    within_tolerance,
)
from corsia.galenics.domain.label import LabelComponent, LabelInput, label_for
from corsia.galenics.domain.units import (
    Quantity,
    Unit,
    checked_amount,
    convert,
    decimal_text,
    readable,
    scale,
    stock_units,
    unit_of,
)

D = Decimal


def test_omeprazole_suspension_scaled_by_hand() -> None:
    # 150 mL of omeprazole 2 mg/mL: 2 × 150 = 300 mg; sodium bicarbonate 84 mg/mL (8,4%):
    # 84 × 150 = 12 600 mg = 12,6 g.
    assert scale(Quantity(D(2), Unit.MG), D(150)) == Quantity(D(300), Unit.MG)
    bicarbonate = scale(Quantity(D(84), Unit.MG), D(150))
    assert bicarbonate.amount == D(12600)
    assert readable(bicarbonate) == Quantity(D("12.6"), Unit.G)


def test_zinc_ointment_scaled_by_hand() -> None:
    # 500 g of zinc oxide 10%: 0,1 g/g × 500 = 50 g zinc oxide, 0,9 × 500 = 450 g paraffin.
    assert scale(Quantity(D("0.1"), Unit.G), D(500)).amount == D(50)
    assert scale(Quantity(D("0.9"), Unit.G), D(500)).amount == D(450)


def test_conversions_by_hand() -> None:
    assert convert(D("12.6"), Unit.G, Unit.MG) == D(12600)
    assert convert(D(250), Unit.MCG, Unit.MG) == D("0.25")
    assert convert(D(1), Unit.G, Unit.MCG) == D(1_000_000)
    assert readable(Quantity(D(2500), Unit.MCG)) == Quantity(D("2.5"), Unit.MG)


@pytest.mark.parametrize(("a", "b"), [(Unit.ML, Unit.G), (Unit.IU, Unit.MG), (Unit.MG, Unit.ML)])
def test_other_dimensions_refused(a: Unit, b: Unit) -> None:
    with pytest.raises(ValidationFailed) as refused:
        convert(D(1), a, b)
    assert refused.value.code == "unit_incompatible"


@pytest.mark.parametrize("bad", ["kg", "", "mg\x00", "tablespoon"])
def test_unknown_units_refused(bad: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        unit_of(bad)
    assert refused.value.code == "unit_unknown"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (D(0), "quantity_invalid"),
        (D(-1), "quantity_invalid"),
        (D("NaN"), "quantity_invalid"),
        (D("Infinity"), "quantity_invalid"),
        (D("1e308"), "quantity_too_large"),
        (D("0.0000001"), "quantity_invalid"),
        ("abc", "quantity_invalid"),
    ],
)
def test_bad_amounts_refused(value: object, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        checked_amount(value)
    assert refused.value.code == code


def test_stock_units_rounded_up_by_hand() -> None:
    # 12,6 g of sodium bicarbonate stocked by the gram: 13 units; 300 mg of omeprazole: 1.
    assert stock_units(Quantity(D(12600), Unit.MG), Quantity(D(1), Unit.G)) == 13
    assert stock_units(Quantity(D(300), Unit.MG), Quantity(D(1), Unit.G)) == 1
    assert stock_units(Quantity(D(50), Unit.G), Quantity(D(1), Unit.G)) == 50


def test_tolerance_by_hand() -> None:
    # 300 mg required, ±5%: 285..315 mg in; 314 mg is +4,67%; 316 mg is +5,33% (out).
    assert within_tolerance(D(300), D(314), D(5))
    assert within_tolerance(D(300), D(315), D(5))  # the edge is in
    assert within_tolerance(D(300), D(285), D(5))
    assert not within_tolerance(D(300), D(316), D(5))
    assert not within_tolerance(D(300), D(284), D(5))
    assert deviation_percent(D(300), D(315)) == D(5)


def test_beyond_use_is_the_earlier_by_hand() -> None:
    # Prepared 15/10/2026, stable 30 days: 14/11/2026; a lot expiring 01/11/2026 wins.
    assert beyond_use_date(date(2026, 10, 15), 30, []) == date(2026, 11, 14)
    assert beyond_use_date(date(2026, 10, 15), 30, [date(2027, 1, 1)]) == date(2026, 11, 14)
    assert beyond_use_date(date(2026, 10, 15), 30, [date(2027, 1, 1), date(2026, 11, 1)]) == date(
        2026, 11, 1
    )


def test_qc_gaps() -> None:
    gaps = qc_gaps(["appearance", "ph", "volume"], {"appearance": True, "ph": False})
    assert [(g.control, g.problem) for g in gaps] == [("ph", "failed"), ("volume", "missing")]
    assert qc_gaps(["appearance"], {"appearance": True}) == []


def test_label_text() -> None:
    label = label_for(
        LabelInput(
            pharmacy="Farmacia ospedaliera",
            name="Omeprazolo sospensione orale 2 mg/mL",
            kind="magistral",
            pharmaceutical_form="sospensione orale",
            batch_unit="mL",
            batch_quantity_text="150 mL",
            components=[
                LabelComponent("Omeprazolo", Quantity(D("2.000000"), Unit.MG)),
                LabelComponent("Sodio bicarbonato", Quantity(D(84), Unit.MG), excipient=True),
            ],
            batch_number="G2026-0001",
            prepared_on=date(2026, 10, 15),
            beyond_use=date(2026, 11, 14),
            storage="In frigorifero (2-8 °C)",
            patient="BIANCHI Luca",
        )
    )
    assert label.lines == (
        "Farmacia ospedaliera",
        "Omeprazolo sospensione orale 2 mg/mL — sospensione orale",
        "Preparazione magistrale",
        "Paziente: BIANCHI Luca",
        "Omeprazolo 2 mg per mL",
        "Eccipienti: Sodio bicarbonato 84 mg",
        "Quantità: 150 mL",
        "Lotto G2026-0001",
        "Preparato il 15/10/2026 · Da usare entro il 14/11/2026",
        "Conservazione: In frigorifero (2-8 °C)",
    )


def test_decimal_text() -> None:
    assert decimal_text(D("12.600000")) == "12,6"
    assert decimal_text(D("300.000000")) == "300"
    assert decimal_text(D("1E+3")) == "1000"


amounts = st.decimals(min_value=D("0.001"), max_value=D(10000), places=3)
units = st.sampled_from([Unit.MCG, Unit.MG, Unit.G])


@given(per_unit=amounts, a=amounts, b=amounts)
def test_scaling_is_linear(per_unit: Decimal, a: Decimal, b: Decimal) -> None:
    q = Quantity(per_unit, Unit.MG)
    assert scale(q, a).amount + scale(q, b).amount == scale(q, a + b).amount


@given(amount=amounts, a=units, b=units)
def test_conversion_round_trips(amount: Decimal, a: Unit, b: Unit) -> None:
    assert convert(convert(amount, a, b), b, a) == amount


@given(used=amounts, unit=units, per_stock=amounts)
def test_stock_units_cover_what_was_used(used: Decimal, unit: Unit, per_stock: Decimal) -> None:
    n = stock_units(Quantity(used, unit), Quantity(per_stock, Unit.G))
    covered = convert(n * per_stock, Unit.G, unit)
    assert covered >= used
    assert n == 1 or convert((n - 1) * per_stock, Unit.G, unit) < used


@given(required=amounts, pct=st.decimals(min_value=D(0), max_value=D(20), places=1))
def test_tolerance_bounds_are_in(required: Decimal, pct: Decimal) -> None:
    assert within_tolerance(required, required * (1 + pct / 100), pct)
    assert within_tolerance(required, required * (1 - pct / 100), pct)
