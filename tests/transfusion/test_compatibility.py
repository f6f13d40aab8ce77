"""ABO/RhD compatibility against the published tables, written out here cell by cell
(e.g. SIMTI / BSH guidelines; AABB Technical Manual, "ABO compatibility" tables)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.transfusion.domain.checks import BagFacts, IssuedBag, bag_check
from corsia.transfusion.domain.compatibility import Verdict, compatibility
from corsia.transfusion.domain.crossmatch import CrossmatchFacts, CrossmatchResult
from corsia.transfusion.domain.groups import (
    Determination,
    GroupStatus,
    group_on_record,
    new_determination_problem,
)
from corsia.transfusion.domain.isbt128 import Abo, BloodGroup
from corsia.transfusion.domain.products import Component, ProductEntry, Treatment

GROUPS = ["O-", "O+", "A-", "A+", "B-", "B+", "AB-", "AB+"]


def g(name: str) -> BloodGroup:
    return BloodGroup(Abo(name[:-1]), name[-1] == "+")


# Red cells: recipient (row) may receive donor (column): "x" yes, "." no.
#                       O- O+ A- A+ B- B+ AB- AB+
RED_CELLS = {
    "O-": "x . . . . . . .",
    "O+": "x x . . . . . .",
    "A-": "x . x . . . . .",
    "A+": "x x x x . . . .",
    "B-": "x . . . x . . .",
    "B+": "x x . . x x . .",
    "AB-": "x . x . x . x .",
    "AB+": "x x x x x x x x",
}

# Plasma: recipient (row) may receive donor plasma (column); RhD does not count.
#                 O  A  B  AB
PLASMA = {
    "O": "x x x x",
    "A": ". x . x",
    "B": ". . x x",
    "AB": ". . . x",
}


@pytest.mark.parametrize("recipient", GROUPS)
@pytest.mark.parametrize("donor", GROUPS)
def test_red_cells_table(recipient: str, donor: str) -> None:
    expected = RED_CELLS[recipient].split()[GROUPS.index(donor)] == "x"
    verdict = compatibility(Component.RED_CELLS, g(recipient), g(donor))
    assert verdict.allowed is expected
    assert verdict.verdict is (Verdict.COMPATIBLE if expected else Verdict.INCOMPATIBLE)


@pytest.mark.parametrize("recipient", GROUPS)
@pytest.mark.parametrize("donor", GROUPS)
def test_plasma_table(recipient: str, donor: str) -> None:
    columns = ["O", "A", "B", "AB"]
    expected = PLASMA[recipient[:-1]].split()[columns.index(donor[:-1])] == "x"
    assert compatibility(Component.PLASMA, g(recipient), g(donor)).allowed is expected


@pytest.mark.parametrize(
    ("recipient", "donor", "verdict", "warnings"),
    [
        ("A+", "A+", Verdict.PREFERRED, 0),
        ("O-", "O-", Verdict.PREFERRED, 0),
        ("A+", "AB+", Verdict.ACCEPTABLE, 1),  # non-identical, plasma compatible
        ("A+", "O+", Verdict.ACCEPTABLE, 2),  # O plasma's anti-A against an A patient
        ("O-", "O+", Verdict.ACCEPTABLE, 1),  # RhD-positive to RhD-negative: anti-D
        ("AB-", "O+", Verdict.ACCEPTABLE, 3),
    ],
)
def test_platelets_preferred_and_acceptable(
    recipient: str, donor: str, verdict: Verdict, warnings: int
) -> None:
    result = compatibility(Component.PLATELETS, g(recipient), g(donor))
    assert result.verdict is verdict
    assert len(result.warnings) == warnings


def test_rhd_not_specified_never_given_as_negative() -> None:
    unknown_rhd = BloodGroup(Abo.O, None)
    assert not compatibility(Component.RED_CELLS, g("O-"), unknown_rhd).allowed
    assert compatibility(Component.RED_CELLS, g("O+"), unknown_rhd).allowed
    assert compatibility(Component.PLASMA, g("O-"), BloodGroup(Abo.AB, None)).allowed


_group = st.sampled_from(GROUPS).map(g)


@given(_group)
def test_o_negative_red_cells_and_ab_plasma_go_to_everyone(recipient: BloodGroup) -> None:
    assert compatibility(Component.RED_CELLS, recipient, g("O-")).allowed
    assert compatibility(Component.PLASMA, recipient, g("AB-")).allowed


@given(_group, _group)
def test_red_cells_and_plasma_are_mirror_images_in_abo(a: BloodGroup, b: BloodGroup) -> None:
    # Red cells from b to a are ABO-compatible exactly when plasma from a goes to b.
    red = compatibility(Component.RED_CELLS, a, BloodGroup(b.abo, False)).allowed
    plasma = compatibility(Component.PLASMA, b, BloodGroup(a.abo, False)).allowed
    assert red is plasma


@given(_group, _group)
def test_identical_group_always_allowed(a: BloodGroup, b: BloodGroup) -> None:
    for component in Component:
        assert compatibility(component, a, a).allowed


# --- the patient's group on record -------------------------------------------------------------

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_group_confirmed_by_two_concordant_samples_at_different_times() -> None:
    first = Determination(g("A+"), "P1", T0)
    assert group_on_record([first]).status is GroupStatus.PROVISIONAL
    second = Determination(g("A+"), "P2", T0 + timedelta(hours=2))
    assert group_on_record([first, second]).status is GroupStatus.CONFIRMED
    assert group_on_record([first, second]).group == g("A+")
    discordant = Determination(g("O+"), "P3", T0 + timedelta(hours=3))
    assert group_on_record([first, second, discordant]).status is GroupStatus.DISCREPANT
    assert group_on_record([]).status is GroupStatus.NONE


def test_same_sample_or_same_moment_refused_as_confirmation() -> None:
    first = Determination(g("A+"), "P1", T0)
    same_tube = Determination(g("A+"), "p1 ", T0 + timedelta(hours=1))
    same_time = Determination(g("A+"), "P2", T0)
    assert new_determination_problem([first], same_tube) == (
        "same_sample",
        new_determination_problem([first], same_tube)[1],  # type: ignore[index]
    )
    problem = new_determination_problem([first], same_time)
    assert problem is not None and problem[0] == "same_collection_time"


# --- the bedside check, pure --------------------------------------------------------------------

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
RBC_IRR = ProductEntry("E9001", Component.RED_CELLS, frozenset({Treatment.IRRADIATED}), "")


def facts(**changes: object) -> BagFacts:
    base: dict[str, object] = {
        "request_id": 1,
        "component": Component.RED_CELLS,
        "treatments_required": frozenset({Treatment.IRRADIATED}),
        "patient_group": group_on_record(
            [Determination(g("A+"), "P1", T0), Determination(g("A+"), "P2", NOW)]
        ),
        "wristband_matches": True,
        "issued": IssuedBag(1, g("A+"), NOW + timedelta(days=3), transfused=False),
        "scanned_group": g("A+"),
        "scanned_expiry": NOW + timedelta(days=3),
        "product": RBC_IRR,
        "now": NOW,
        "crossmatch": CrossmatchFacts(CrossmatchResult.COMPATIBLE, NOW + timedelta(hours=48)),
    }
    base.update(changes)
    return BagFacts(**base)  # type: ignore[arg-type]


def codes(**changes: object) -> list[str]:
    return [r.code for r in bag_check(facts(**changes)).refusals]


def test_the_right_bag_passes() -> None:
    decision = bag_check(facts())
    assert decision.accepted and decision.compatibility is not None


def test_each_wrong_bag_refused_with_its_code() -> None:
    later = NOW + timedelta(days=3)
    assert codes(wristband_matches=False) == ["wrong_patient"]
    assert codes(issued=None) == ["bag_not_issued"]
    assert codes(issued=IssuedBag(2, g("A+"), later, False)) == ["bag_other_request"]
    assert codes(issued=IssuedBag(1, g("A+"), later, True)) == ["bag_already_transfused"]
    expired = NOW - timedelta(minutes=1)
    assert codes(issued=IssuedBag(1, g("A+"), expired, False), scanned_expiry=expired) == [
        "bag_expired"
    ]
    assert codes(scanned_expiry=NOW) == ["label_mismatch", "bag_expired"]
    assert codes(product=None) == ["product_unknown"]
    plain = ProductEntry("E9002", Component.RED_CELLS, frozenset(), "")
    assert codes(product=plain) == ["treatment_missing"]
    platelets = ProductEntry("E9003", Component.PLATELETS, frozenset({Treatment.IRRADIATED}), "")
    assert codes(product=platelets) == ["wrong_component"]
    b_bag = IssuedBag(1, g("B+"), later, False)
    assert codes(issued=b_bag, scanned_group=g("B+")) == ["group_incompatible"]
    provisional = group_on_record([Determination(g("A+"), "P1", T0)])
    assert codes(patient_group=provisional) == ["group_not_confirmed"]
