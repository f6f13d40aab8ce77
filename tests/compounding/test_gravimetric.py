"""Gravimetric check: expected weights computed by hand in each test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.compounding.domain.gravimetric import (
    Component,
    GravimetricInputInvalid,
    ToleranceBasis,
    expected_weight,
    gravimetric_check,
)

# Oxaliplatin 170 mg: 34 mL at 1.000 g/mL = 34.000 g; glucose 5% bag 250 mL + 15 mL overfill
# = 265 mL at 1.018 g/mL (glucose 5 % w/v) = 269.770 g; empty bag tare 30.00 g.
# expected = 30.00 + 34.000 + 269.770 = 333.770 g
DRUG = Component("oxaliplatino", Decimal(34), Decimal("1.000"), is_drug=True)
BAG = Component("glucosio 5% 250 mL", Decimal(265), Decimal("1.018"), is_drug=False)
TARE = Decimal("30.00")


def test_expected_weight_by_hand() -> None:
    assert expected_weight(tare_g=TARE, components=[DRUG, BAG]) == Decimal("333.770")


def test_weight_within_tolerance_passes() -> None:
    # measured 340.00: +6.23 g; 6.23 / 333.77 = 1.8666 % of the total; 6.23 / 34 = 18.32 % of the drug
    result = gravimetric_check(tare_g=TARE, components=[DRUG, BAG], measured_g=Decimal("340.00"))
    assert result.expected_g == Decimal("333.77")
    assert result.deviation_g == Decimal("6.23")
    assert result.deviation_percent == Decimal("1.87")
    assert result.drug_deviation_percent == Decimal("18.32")
    assert result.passed is True
    assert result.message == (
        "Peso 340 g, atteso 333,77 g: scostamento 1,87 %, entro tolleranza ±5 %."
    )


def test_same_weight_fails_on_the_drug_basis() -> None:
    result = gravimetric_check(
        tare_g=TARE,
        components=[DRUG, BAG],
        measured_g=Decimal("340.00"),
        basis=ToleranceBasis.DRUG,
    )
    assert result.passed is False
    assert "FUORI tolleranza" in result.message
    assert "18,32 %" in result.message


def test_missing_drug_fails() -> None:
    # drug not added: 299.77 g, deviation -34.00 g = -10.19 % of 333.77
    result = gravimetric_check(tare_g=TARE, components=[DRUG, BAG], measured_g=Decimal("299.77"))
    assert result.deviation_g == Decimal("-34.00")
    assert result.deviation_percent == Decimal("-10.19")
    assert result.passed is False


def test_tolerance_boundary_is_inclusive() -> None:
    # 100 mL at 1 g/mL, no tare: expected 100 g; ±5 % -> 95..105 g
    water = [Component("acqua", Decimal(100), Decimal(1), is_drug=True)]
    assert gravimetric_check(tare_g=Decimal(0), components=water, measured_g=Decimal(105)).passed
    assert gravimetric_check(tare_g=Decimal(0), components=water, measured_g=Decimal(95)).passed
    assert not gravimetric_check(
        tare_g=Decimal(0), components=water, measured_g=Decimal("105.01")
    ).passed
    # a configured 2 % tolerance: 102.5 g is outside
    assert not gravimetric_check(
        tare_g=Decimal(0),
        components=water,
        measured_g=Decimal("102.5"),
        tolerance_percent=Decimal(2),
    ).passed


def test_negative_tare_is_refused() -> None:
    with pytest.raises(GravimetricInputInvalid) as error:
        gravimetric_check(tare_g=Decimal(-1), components=[DRUG], measured_g=Decimal(50))
    assert error.value.field == "tare_g"


@pytest.mark.parametrize("measured", [Decimal(0), Decimal(-3)])
def test_non_positive_measured_weight_is_refused(measured: Decimal) -> None:
    with pytest.raises(GravimetricInputInvalid) as error:
        gravimetric_check(tare_g=TARE, components=[DRUG], measured_g=measured)
    assert error.value.field == "measured_g"


@pytest.mark.parametrize("density", [Decimal(0), Decimal("-1.0")])
def test_zero_or_negative_density_is_refused(density: Decimal) -> None:
    with pytest.raises(GravimetricInputInvalid) as error:
        Component("x", Decimal(10), density, is_drug=True)
    assert error.value.field == "density_g_ml"


def test_negative_volume_is_refused() -> None:
    with pytest.raises(GravimetricInputInvalid):
        Component("x", Decimal(-1), Decimal(1), is_drug=True)


def test_no_components_is_refused() -> None:
    with pytest.raises(GravimetricInputInvalid):
        gravimetric_check(tare_g=TARE, components=[], measured_g=Decimal(30))


@pytest.mark.parametrize("tolerance", [Decimal(0), Decimal(100), Decimal(-5)])
def test_nonsense_tolerance_is_refused(tolerance: Decimal) -> None:
    with pytest.raises(GravimetricInputInvalid):
        gravimetric_check(
            tare_g=TARE, components=[DRUG], measured_g=Decimal(64), tolerance_percent=tolerance
        )


def test_drug_basis_without_drug_is_refused() -> None:
    with pytest.raises(GravimetricInputInvalid):
        gravimetric_check(
            tare_g=TARE, components=[BAG], measured_g=Decimal(300), basis=ToleranceBasis.DRUG
        )
