"""UFA safety, pure domain: formulation at the scan, the drug's own mass, lot expiry.

Reference values are computed by hand in each test's comments.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from corsia.compounding.domain.gravimetric import (
    DrugAddition,
    GravimetricInputInvalid,
    drug_mass_check,
)
from corsia.compounding.domain.leftovers import Leftover, leftover_expiry
from corsia.compounding.domain.preparation import complete_preparation
from corsia.compounding.domain.product import Stability, may_share
from corsia.compounding.domain.scan import (
    ExpectedVial,
    ResolvedPack,
    ScanRefused,
)
from corsia.drugs.domain.formulation import Formulation
from corsia.testing import compounding as products
from corsia.testing.compounding import scan_refusal

NOW = datetime(2027, 1, 15, 10, 0, tzinfo=UTC)
AIC = "044155024"

# ---------------------------------------------------------------- formulation at the scan


def _scan_refusal(expected: ExpectedVial, pack: ResolvedPack) -> ScanRefused:
    """The refusal of ``pack`` read by its AIC stamp, lot L1 typed, expiring 31/12/2027."""
    return scan_refusal(
        expected=expected,
        scanned=AIC,
        packs={AIC: pack},
        now=NOW,
        lot="L1",
        expiry=date(2027, 12, 31),
    )


def test_H_formulation_pegylated_liposomal_pack_for_conventional_doxorubicin_is_refused() -> None:
    # given a worksheet for conventional doxorubicin 50 mg (Adriblastina)
    expected = ExpectedVial("doxorubicin", "Doxorubicina", Decimal(50))
    # when a Caelyx (pegylated liposomal) vial of the same ingredient and strength is read
    caelyx = ResolvedPack(
        "doxorubicin_50mg_25ml_caelyx",
        "doxorubicin",
        "Doxorubicina",
        Decimal(50),
        formulation=Formulation.PEGYLATED_LIPOSOMAL,
    )
    refused = _scan_refusal(expected, caelyx)
    # then it is refused as another formulation, naming both
    assert refused.code == "wrong_formulation"
    assert "convenzionale" in refused.message
    assert "liposomiale pegilata" in refused.message


def test_H_formulation_conventional_paclitaxel_for_nab_paclitaxel_is_refused() -> None:
    expected = ExpectedVial(
        "paclitaxel", "Paclitaxel", Decimal(100), formulation=Formulation.ALBUMIN_BOUND
    )
    generic = ResolvedPack("paclitaxel_100mg", "paclitaxel", "Paclitaxel", Decimal(100))
    refused = _scan_refusal(expected, generic)
    assert refused.code == "wrong_formulation"


def test_H_formulation_subcutaneous_and_intravenous_never_share_a_leftover() -> None:
    iv = products.herceptin()
    sc = replace(iv, code="trastuzumab_sc", formulation=Formulation.SUBCUTANEOUS)
    assert not may_share(iv, sc)
    assert may_share(iv, iv)


def test_H_units_a_bleomycin_pack_in_iu_is_not_taken_for_mg() -> None:
    expected = ExpectedVial("bleomycin", "Bleomicina", Decimal(15000), strength_unit="IU")
    in_mg = ResolvedPack("bleo_mg", "bleomycin", "Bleomicina", Decimal(15000), strength_unit="mg")
    refused = _scan_refusal(expected, in_mg)
    assert refused.code == "wrong_strength"


# ---------------------------------------------------------------- the drug's own mass
# Vincristine 1 mg/mL, 2 mg = 2.00 mL, density 1.00 g/mL -> 2.00 g expected added to a
# 50 mL NaCl 0.9 % minibag (about 50 x 1.0046 + ~1.5 g of bag = ~51.7 g). ±5 % of 2.00 g
# is ±0.10 g: 1.90-2.10 g pass. A ±5 % check on the whole bag (~53.7 g: ±2.7 g) would pass
# both the omitted and the doubled dose.
VINCRISTINE = [DrugAddition("Vincristina 1 mg/mL", Decimal("2.00"), Decimal("1.00"))]
BAG_BEFORE = Decimal("51.70")


def test_H_gravimetric_vincristine_omitted_fails() -> None:
    # added 51.70 - 51.70 = 0 g against 2.00 g: -100 %
    result = drug_mass_check(before_g=BAG_BEFORE, after_g=Decimal("51.70"), additions=VINCRISTINE)
    assert (result.added_g, result.expected_added_g, result.deviation_percent, result.passed) == (
        Decimal("0.00"),
        Decimal("2.000"),
        Decimal("-100.00"),
        False,
    )


def test_H_gravimetric_vincristine_doubled_fails() -> None:
    # added 55.70 - 51.70 = 4.00 g against 2.00 g: +100 %
    result = drug_mass_check(before_g=BAG_BEFORE, after_g=Decimal("55.70"), additions=VINCRISTINE)
    assert (result.deviation_percent, result.passed) == (Decimal("100.00"), False)


def test_H_gravimetric_vincristine_within_tolerance_passes_boundaries_inclusive() -> None:
    # 2.05 g: +2.5 % pass; 2.10 g: +5.00 % pass (inclusive); 2.11 g: +5.5 % fail
    def check(after: str) -> bool:
        return drug_mass_check(
            before_g=BAG_BEFORE, after_g=Decimal(after), additions=VINCRISTINE
        ).passed

    assert check("53.75")
    assert check("53.80")
    assert check("53.60")  # 1.90 g: -5.00 %
    assert not check("53.81")
    assert not check("53.59")


def test_H_gravimetric_tolerance_is_the_hospitals() -> None:
    # ±2 % of 2.00 g = ±0.04 g: 2.05 g (+2.5 %) now fails
    result = drug_mass_check(
        before_g=BAG_BEFORE,
        after_g=Decimal("53.75"),
        additions=VINCRISTINE,
        tolerance_percent=Decimal(2),
    )
    assert (result.passed, result.tolerance_percent) == (False, Decimal(2))


def test_H_gravimetric_missing_density_is_refused_unless_the_hospital_assumes_one() -> None:
    unknown = [DrugAddition("Etoposide 20 mg/mL", Decimal("10.00"), None)]
    with pytest.raises(GravimetricInputInvalid) as refused:
        drug_mass_check(before_g=Decimal(100), after_g=Decimal(110), additions=unknown)
    assert refused.value.code == "density_unknown"
    # with the hospital setting: 10.00 mL x 1 g/mL = 10.00 g, shown as assumed
    result = drug_mass_check(
        before_g=Decimal(100), after_g=Decimal(110), additions=unknown, assume_unit_density=True
    )
    assert (result.expected_added_g, result.passed, result.density_assumed) == (
        Decimal("10.000"),
        True,
        True,
    )
    assert "Densità assunta 1 g/mL" in result.message


def test_paclitaxel_density_changes_the_expected_mass() -> None:
    # 50 mL of paclitaxel 6 mg/mL at 0.925 g/mL = 46.25 g; 50 g added is +8.11 %: fail
    result = drug_mass_check(
        before_g=Decimal(300),
        after_g=Decimal(350),
        additions=[DrugAddition("Paclitaxel", Decimal(50), Decimal("0.925"))],
    )
    assert (result.expected_added_g, result.deviation_percent, result.passed) == (
        Decimal("46.250"),
        Decimal("8.11"),
        False,
    )


# ---------------------------------------------------------------- lot expiry caps


def test_H_expiry_leftover_never_outlives_its_lot() -> None:
    # oxaliplatin in-use 24 h at 2-8 °C; opened 15/01 10:00 -> 16/01 10:00, but the lot
    # expires on 15/01: usable through that day, so until 16/01 00:00 UTC
    product = products.oxaliplatin()
    expiry = leftover_expiry(
        product=product,
        opened_at=NOW,
        storage=products.FRIDGE,
        protected_from_light=True,
        lot_expiry=date(2027, 1, 15),
    )
    assert expiry == datetime(2027, 1, 16, 0, 0, tzinfo=UTC)
    # a lot expiring later does not shorten it
    later = leftover_expiry(
        product=product,
        opened_at=NOW,
        storage=products.FRIDGE,
        protected_from_light=True,
        lot_expiry=date(2027, 6, 30),
    )
    assert later == NOW + timedelta(hours=24)
    leftover = Leftover(
        "1", product, "L1", Decimal(10), NOW, products.FRIDGE, True, lot_expiry=date(2027, 1, 15)
    )
    assert leftover.expiry == datetime(2027, 1, 16, 0, 0, tzinfo=UTC)


def test_H_expiry_preparation_never_outlives_the_lot_used() -> None:
    # diluted 24 h -> 16/01 10:00; the lot ends 15/01 (until 16/01 00:00): the label
    # must say 16/01 00:00
    done = complete_preparation(
        dose_mg=Decimal(170),
        product=products.oxaliplatin(),
        prepared_at=NOW,
        lot_expires_at=datetime(2027, 1, 16, 0, 0, tzinfo=UTC),
    )
    assert done.expiry == datetime(2027, 1, 16, 0, 0, tzinfo=UTC)
    assert "Scadenza limitata dalla scadenza del lotto" in done.warnings
    # min(lot, opened + stability): the opened vial (opened 14/01 20:00 + 24 h = 15/01
    # 20:00) is earlier than the lot here
    earlier = complete_preparation(
        dose_mg=Decimal(170),
        product=replace(products.oxaliplatin(), in_use=Stability(Decimal(24), products.FRIDGE)),
        prepared_at=NOW,
        opened_at=datetime(2027, 1, 14, 20, 0, tzinfo=UTC),
        lot_expires_at=datetime(2027, 1, 16, 0, 0, tzinfo=UTC),
    )
    assert earlier.expiry == datetime(2027, 1, 15, 20, 0, tzinfo=UTC)


def test_H_expiry_preparation_with_an_expired_lot_is_refused() -> None:
    with pytest.raises(ScanRefused) as refused:
        complete_preparation(
            dose_mg=Decimal(170),
            product=products.oxaliplatin(),
            prepared_at=NOW,
            lot_expires_at=NOW,
        )
    assert refused.value.code == "expired_lot"
