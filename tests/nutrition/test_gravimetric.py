"""The gravimetric check of a compounded bag against hand calculations written out here:
expected net weight = Σ volume (mL) × density (g/mL), compared with gross − tare within
± the tolerance (inclusive). The densities of these tests are fixed here, not read from the
pharmacy's file (which the pharmacy may change); the file itself is checked for coverage
and sources."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.nutrition import reference
from corsia.nutrition.domain.bag_scan import bag_payload, order_id_from_payload
from corsia.nutrition.domain.gravimetric import (
    SOURCED,
    TO_VERIFY,
    BagPart,
    Density,
    bag_weighing,
    densities_from_rows,
    expected_net_weight,
)

D = Decimal
FIVE = D(5)


def _densities(**values: str) -> dict[str, Density]:
    return {code: Density(code, D(v), TO_VERIFY, "test") for code, v in values.items()}


# The adult bag of the preview's example (70 kg), its volumes by hand:
#   Aminoven 10%          1000 mL (prescribed in mL)
#   Glucosio 50%           500 mL
#   SMOFlipid 20%          250 mL
#   NaCl 2 mmol/mL          80 mmol ÷ 2      = 40 mL
#   KCl 2 mmol/mL           60 mEq ÷ 1 ÷ 2   = 30 mL
#   Glycophos 1 mmol/mL     15 mmol ÷ 1      = 15 mL
#   Ca gluconato 0.225      4.5 mmol ÷ 0.225 = 20 mL
#   MgSO4 10%               20 mL
#   Addaven, Soluvit N      1 vial each      = 10 mL + 10 mL
ADULT = [
    BagPart("AA_AMINOVEN_10", "Aminoven 10%", D(1000)),
    BagPart("GLU_50", "Glucosio 50%", D(500)),
    BagPart("LIP_SMOFLIPID_20", "SMOFlipid 20%", D(250)),
    BagPart("NA_CL_2", "NaCl", D(40)),
    BagPart("K_CL_2", "KCl", D(30)),
    BagPart("P_GLYCOPHOS", "Glycophos", D(15)),
    BagPart("CA_GLUC_10", "Ca gluconato", D(20)),
    BagPart("MG_SO4_10", "MgSO4", D(20)),
    BagPart("TE_ADDAVEN", "Addaven", D(10)),
    BagPart("VIT_SOLUVIT_N", "Soluvit N", D(10)),
]
ADULT_DENSITIES = _densities(
    AA_AMINOVEN_10="1.03", GLU_50="1.188", LIP_SMOFLIPID_20="0.99", NA_CL_2="1.078",
    K_CL_2="1.09", P_GLYCOPHOS="1.15", CA_GLUC_10="1.04", MG_SO4_10="1.05", TE_ADDAVEN="1.00",
    VIT_SOLUVIT_N="1.00",
)  # fmt: skip
# 1000 × 1.03  = 1030.00
#  500 × 1.188 =  594.00
#  250 × 0.99  =  247.50
#   40 × 1.078 =   43.12
#   30 × 1.09  =   32.70
#   15 × 1.15  =   17.25
#   20 × 1.04  =   20.80
#   20 × 1.05  =   21.00
#   10 × 1.00  =   10.00
#   10 × 1.00  =   10.00
#              = 2026.37 g
ADULT_EXPECTED = D("2026.37")

# The preterm neonate's bag (1.2 kg), its volumes by hand:
#   Primene 10%     3 g/kg × 1.2 = 3.6 g ÷ 0.1 g/mL           = 36 mL
#   Glucosio 20%    11.52 g/kg × 1.2 = 13.824 g ÷ 0.2 g/mL    = 69.12 mL
#   SMOFlipid 20%   3 g/kg × 1.2 = 3.6 g ÷ 0.2 g/mL           = 18 mL
#   Glycophos       1.5 mmol/kg × 1.2 = 1.8 mmol ÷ 1          = 1.8 mL
#   Ca gluconato    3 mEq/kg × 1.2 = 3.6 mEq ÷ 2 = 1.8 mmol ÷ 0.225 = 8 mL
NEONATE = [
    BagPart("AA_PRIMENE_10", "Primene 10%", D(36)),
    BagPart("GLU_20", "Glucosio 20%", D("69.12")),
    BagPart("LIP_SMOFLIPID_20", "SMOFlipid 20%", D(18)),
    BagPart("P_GLYCOPHOS", "Glycophos", D("1.8")),
    BagPart("CA_GLUC_10", "Ca gluconato", D(8)),
]
NEONATE_DENSITIES = _densities(
    AA_PRIMENE_10="1.03", GLU_20="1.075", LIP_SMOFLIPID_20="0.99", P_GLYCOPHOS="1.15",
    CA_GLUC_10="1.04",
)  # fmt: skip
# 36    × 1.03  = 37.08
# 69.12 × 1.075 = 74.304
# 18    × 0.99  = 17.82
#  1.8  × 1.15  =  2.07
#  8    × 1.04  =  8.32
#               = 139.594 g (139.59 to the hundredth)
NEONATE_EXPECTED = D("139.594")


def test_the_adult_bag_weighs_its_hand_calculated_net_weight() -> None:
    assert expected_net_weight(ADULT, ADULT_DENSITIES) == ADULT_EXPECTED
    weighing = bag_weighing(
        parts=ADULT, densities=ADULT_DENSITIES, gross_g=D("2061.37"), tare_g=D(35),
        tolerance_percent=FIVE,
    )  # fmt: skip
    assert (weighing.expected_net_g, weighing.measured_net_g, weighing.deviation_g) == (
        D("2026.37"), D("2026.37"), D("0.00"),
    )  # fmt: skip
    assert weighing.passed


def test_the_adult_bag_filled_by_volume_as_water_fails() -> None:
    # 1895 mL weighed as 1895 g: 1895 − 2026.37 = −131.37 g; −131.37 × 100 ÷ 2026.37 = −6.48 %
    weighing = bag_weighing(
        parts=ADULT, densities=ADULT_DENSITIES, gross_g=D(1930), tare_g=D(35),
        tolerance_percent=FIVE,
    )  # fmt: skip
    assert (weighing.deviation_g, weighing.deviation_percent) == (D("-131.37"), D("-6.48"))
    assert not weighing.passed
    assert "FUORI" in weighing.message


def test_the_neonatal_bag_weighs_its_hand_calculated_net_weight() -> None:
    assert expected_net_weight(NEONATE, NEONATE_DENSITIES) == NEONATE_EXPECTED
    # a 20 g empty bag weighed at 161.00 g: net 141.00; +1.406 g (+1.01 %) within ±5 %
    weighing = bag_weighing(
        parts=NEONATE, densities=NEONATE_DENSITIES, gross_g=D(161), tare_g=D(20),
        tolerance_percent=FIVE,
    )  # fmt: skip
    assert (weighing.expected_net_g, weighing.deviation_g, weighing.deviation_percent) == (
        D("139.59"), D("1.41"), D("1.01"),
    )  # fmt: skip
    assert weighing.passed
    assert weighing.to_verify == tuple(sorted(NEONATE_DENSITIES))


@pytest.mark.parametrize(
    ("net", "passed"),
    [("950.00", True), ("1050.00", True), ("949.99", False), ("1050.01", False)],
)
def test_the_tolerance_is_inclusive(net: str, passed: bool) -> None:
    # 1000 mL of water at 1.000 g/mL: 1000 g, ±5 % = 950 … 1050 g
    weighing = bag_weighing(
        parts=[BagPart("WFI", "Acqua", D(1000))], densities=_densities(WFI="1.000"),
        gross_g=D(net) + 10, tare_g=D(10), tolerance_percent=FIVE,
    )  # fmt: skip
    assert weighing.passed is passed


@pytest.mark.parametrize(
    ("gross", "tare", "code"),
    [
        ("100", "100", "tare_not_below_gross"),
        ("100", "150", "tare_not_below_gross"),
        ("0", "0", "weight_g_out_of_range"),
        ("-5", "0", "weight_g_out_of_range"),
        ("100", "-1", "weight_g_out_of_range"),
        ("1e308", "0", "weight_g_out_of_range"),
        ("NaN", "0", "weight_g_out_of_range"),
    ],
)
def test_impossible_weights_are_refused(gross: str, tare: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        bag_weighing(
            parts=ADULT, densities=ADULT_DENSITIES, gross_g=D(gross), tare_g=D(tare),
            tolerance_percent=FIVE,
        )  # fmt: skip
    assert refused.value.code == code


def test_a_component_without_density_is_refused_not_guessed() -> None:
    densities = {k: v for k, v in ADULT_DENSITIES.items() if k != "GLU_50"}
    with pytest.raises(ValidationFailed) as refused:
        bag_weighing(
            parts=ADULT, densities=densities, gross_g=D(2000), tare_g=D(0),
            tolerance_percent=FIVE,
        )  # fmt: skip
    assert (refused.value.code, refused.value.details) == ("density_unknown", {"codes": ["GLU_50"]})


def test_the_density_table_refuses_malformed_rows() -> None:
    row = {"code": "WFI", "density_g_ml": "0.998", "status": SOURCED, "source": "CRC"}
    assert densities_from_rows([row])["WFI"].g_ml == D("0.998")
    for bad in ({"density_g_ml": "abc"}, {"density_g_ml": "9"}, {"status": "forse"}):
        with pytest.raises(ValidationFailed) as refused:
            densities_from_rows([row | bad])
        assert refused.value.code == "densities_invalid"
    with pytest.raises(ValidationFailed):
        densities_from_rows([row, row])


def test_the_pharmacys_file_covers_the_catalogue_with_a_source_each() -> None:
    densities = reference.densities()
    assert set(densities) == set(reference.catalogue())
    # four fields a row: a comma in a source would cut it (the rest under no column)
    assert all(len(row) == 4 for row in reference.data_rows("densities.csv"))
    assert all(d.source for d in densities.values())
    # water is sourced; the estimates say so
    assert not densities["WFI"].to_verify
    assert densities["GLU_50"].to_verify


@given(
    volume=st.decimals(min_value=1, max_value=3000, places=2),
    density=st.decimals(min_value="0.9", max_value="1.4", places=3),
    off=st.decimals(min_value="-0.2", max_value="0.2", places=3),
)
def test_the_verdict_is_the_deviation_against_the_tolerance(
    volume: Decimal, density: Decimal, off: Decimal
) -> None:
    expected = volume * density
    net = (expected * (1 + off)).quantize(D("0.01"))
    if net <= 0:
        return
    weighing = bag_weighing(
        parts=[BagPart("X", "X", volume)], densities=_densities(X=str(density)),
        gross_g=net + 50, tare_g=D(50), tolerance_percent=FIVE,
    )  # fmt: skip
    assert weighing.passed is (abs(net - expected) * 100 <= FIVE * expected)


@pytest.mark.parametrize("raw", ["NPT-12", " npt-12 ", "NPT-12\n"])
def test_the_bag_barcode_names_its_order(raw: str) -> None:
    assert bag_payload(12) == "NPT-12"
    assert order_id_from_payload(raw) == 12


@pytest.mark.parametrize(
    "raw", ["", "NPT-", "NPT-0", "NPT-012", "NPT12", "PRP000000012", "NPT-1x", "NPT-" + "9" * 13]
)
def test_other_codes_are_not_bags(raw: str) -> None:
    assert order_id_from_payload(raw) is None
