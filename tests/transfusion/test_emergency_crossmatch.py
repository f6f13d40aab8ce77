"""Emergency release, crossmatch validity, special testing from the label and the
haemovigilance data set: pure rules, the expected values written out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from corsia.transfusion.domain.checks import BagFacts, IssuedBag, bag_check
from corsia.transfusion.domain.crossmatch import (
    CrossmatchFacts,
    CrossmatchResult,
    crossmatch_refusal,
    valid_until,
)
from corsia.transfusion.domain.emergency import (
    RhdPolicy,
    emergency_refusal,
    rhd_positive_eligible,
)
from corsia.transfusion.domain.groups import Determination, group_on_record
from corsia.transfusion.domain.haemovigilance import Notification, UnitLine, as_csv, initials
from corsia.transfusion.domain.isbt128 import (
    Abo,
    BloodGroup,
    Isbt128Error,
    SpecialTesting,
    parse_scan,
)
from corsia.transfusion.domain.products import (
    Component,
    ProductEntry,
    ProductTableError,
    Treatment,
    read_special_table,
)

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
NEG, POS = RhdPolicy.NEGATIVE_ONLY, RhdPolicy.POSITIVE_ALLOWED


def g(name: str) -> BloodGroup:
    rhd = {"+": True, "-": False, "?": None}[name[-1]]
    return BloodGroup(Abo(name[:-1]), rhd)


# Emergency release, group not confirmed: "x" released, "." refused.
#                 O-  O+  O?  A-  A+  B+  AB- AB+
EMERGENCY = {
    ("red_cells", NEG): "x . . . . . . .",
    ("red_cells", POS): "x x . . . . . .",
    ("plasma", NEG): ". . . . . . x x",
    ("plasma", POS): ". . . . . . x x",
    ("platelets", NEG): ". . . . . . . .",
    ("platelets", POS): ". . . . . . . .",
}
DONORS = ["O-", "O+", "O?", "A-", "A+", "B+", "AB-", "AB+"]


@pytest.mark.parametrize(("key", "row"), EMERGENCY.items())
def test_emergency_release_table(key: tuple[str, RhdPolicy], row: str) -> None:
    component, policy = Component(key[0]), key[1]
    for donor, cell in zip(DONORS, row.split(), strict=True):
        refused = emergency_refusal(component, g(donor), policy)
        assert (refused is None) == (cell == "x"), (component, policy, donor)


@pytest.mark.parametrize(
    ("sex", "age", "eligible"),
    [
        ("M", 17, False),  # a boy: O RhD-negative only
        ("M", 18, True),  # adult male
        ("F", 18, False),  # woman of child-bearing age
        ("F", 49, False),
        ("F", 50, True),  # past child-bearing age by the declared policy (from 50)
        ("", 70, False),  # sex not recorded: the safe side
    ],
)
def test_who_may_receive_o_rhd_positive(sex: str, age: int, eligible: bool) -> None:
    assert rhd_positive_eligible(sex, age) is eligible


def test_crossmatch_is_valid_72_hours_from_the_sample() -> None:
    sample = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    until = valid_until(sample)
    assert until == datetime(2026, 12, 4, 8, 30, tzinfo=UTC)  # 1 Dec 08:30 + 3 days
    ok = CrossmatchFacts(CrossmatchResult.COMPATIBLE, until)
    assert crossmatch_refusal(ok, until - timedelta(minutes=1)) is None
    assert crossmatch_refusal(ok, until)[0] == "crossmatch_expired"  # type: ignore[index]
    bad = CrossmatchFacts(CrossmatchResult.INCOMPATIBLE, until)
    assert crossmatch_refusal(bad, sample)[0] == "crossmatch_incompatible"  # type: ignore[index]
    assert crossmatch_refusal(None, sample)[0] == "crossmatch_missing"  # type: ignore[index]


RBC = ProductEntry("E9001", Component.RED_CELLS, frozenset(), "")
PROVISIONAL = group_on_record([Determination(g("A+"), "P1", NOW - timedelta(hours=1))])
XM_OK = CrossmatchFacts(CrossmatchResult.COMPATIBLE, NOW + timedelta(hours=10))


def facts(**changes: object) -> BagFacts:
    base: dict[str, object] = {
        "request_id": 1,
        "component": Component.RED_CELLS,
        "treatments_required": frozenset(),
        "patient_group": PROVISIONAL,
        "wristband_matches": True,
        "issued": IssuedBag(1, g("O-"), NOW + timedelta(days=3), False, emergency=True),
        "scanned_group": g("O-"),
        "scanned_expiry": NOW + timedelta(days=3),
        "product": RBC,
        "now": NOW,
        "emergency": NEG,
    }
    base.update(changes)
    return BagFacts(**base)  # type: ignore[arg-type]


def codes(**changes: object) -> list[str]:
    return [r.code for r in bag_check(facts(**changes)).refusals]


def test_bedside_emergency_bag_passes_without_crossmatch_with_its_warning() -> None:
    decision = bag_check(facts())
    assert decision.accepted
    assert any("emergenza" in w for w in decision.warnings)


def test_bedside_emergency_refusals() -> None:
    later = NOW + timedelta(days=3)
    a_pos = IssuedBag(1, g("A+"), later, False, emergency=True)
    assert codes(issued=a_pos, scanned_group=g("A+")) == ["emergency_group_not_allowed"]
    o_pos = IssuedBag(1, g("O+"), later, False, emergency=True)
    assert codes(issued=o_pos, scanned_group=g("O+")) == ["emergency_group_not_allowed"]
    assert codes(issued=o_pos, scanned_group=g("O+"), emergency=POS) == []
    # a bag not released in emergency: the group must be confirmed, the crossmatch valid
    plain = IssuedBag(1, g("O-"), later, False)
    assert codes(issued=plain) == ["group_not_confirmed", "crossmatch_missing"]
    assert codes(issued=plain, crossmatch=XM_OK) == ["group_not_confirmed"]
    assert codes(emergency=None) == ["group_not_confirmed", "crossmatch_missing"]


def test_bedside_crossmatch_for_red_cells_only() -> None:
    confirmed = group_on_record(
        [
            Determination(g("O-"), "P1", NOW - timedelta(days=2)),
            Determination(g("O-"), "P2", NOW - timedelta(hours=1)),
        ]
    )
    plain = IssuedBag(1, g("O-"), NOW + timedelta(days=3), False)
    assert codes(patient_group=confirmed, issued=plain, emergency=None) == ["crossmatch_missing"]
    expired = CrossmatchFacts(CrossmatchResult.COMPATIBLE, NOW)
    assert codes(patient_group=confirmed, issued=plain, crossmatch=expired) == [
        "crossmatch_expired"
    ]
    platelets = ProductEntry("E9011", Component.PLATELETS, frozenset(), "")
    assert (
        codes(
            patient_group=confirmed, issued=plain, component=Component.PLATELETS, product=platelets
        )
        == []
    )


def test_treatment_attested_by_the_label_or_at_issue() -> None:
    need = frozenset({Treatment.CMV_NEGATIVE})
    assert codes(treatments_required=need) == ["treatment_missing"]
    assert codes(treatments_required=need, label_treatments=need) == []
    issued = IssuedBag(1, g("O-"), NOW + timedelta(days=3), False, emergency=True, treatments=need)
    assert codes(treatments_required=need, issued=issued) == []


def test_special_testing_structure_and_table() -> None:
    assert parse_scan("&(X9001") == SpecialTesting("X9001")
    with pytest.raises(Isbt128Error) as error:
        parse_scan("&(X90")
    assert error.value.code == "special_malformed"
    table = read_special_table("code,treatments,description\nX9001,cmv_negative,CMV neg\n")
    assert table == {"X9001": frozenset({Treatment.CMV_NEGATIVE})}
    with pytest.raises(ProductTableError):
        read_special_table("code,treatments,description\nX9001,gold_plated,?\n")


def test_haemovigilance_csv_one_row_per_unit_and_no_formula() -> None:
    unit = UnitLine("A999926000017", "E9002V00", "Emazie", "O−", True, NOW, None, None)
    notification = Notification(
        reaction_id=7,
        patient_initials=initials("mario", "Rossi"),
        patient_sex="M",
        patient_birth_date=date(1960, 5, 1),
        patient_mrn="100001",
        indication="=HYPERLINK(1)",
        category="fnhtr",
        category_label="FNHTR",
        severity="1",
        severity_label="1 — non grave",
        imputability="probable",
        imputability_label="Probabile",
        onset_at=NOW,
        description="Brivido, T 38,6 °C",
        report_at_once=False,
        recorded_by="Infermiere",
        recorded_at=NOW,
        units=(unit, unit),
    )
    lines = as_csv(notification).splitlines()
    assert len(lines) == 3  # the header and the two units
    assert lines[1].startswith("7,MR,M,1960-05-01,100001,fnhtr,1,probable,")
    assert "'=HYPERLINK(1)" in lines[1]


def test_emergency_with_the_group_confirmed_keeps_the_group_rule() -> None:
    # declared urgency, group A+ confirmed: group-compatible uncrossmatched units go (with
    # the emergency warning); an incompatible group is still refused by the ABO table
    confirmed = group_on_record(
        [
            Determination(g("A+"), "P1", NOW - timedelta(days=2)),
            Determination(g("A+"), "P2", NOW - timedelta(hours=1)),
        ]
    )
    later = NOW + timedelta(days=3)
    a_pos = IssuedBag(1, g("A+"), later, False, emergency=True)
    decision = bag_check(facts(patient_group=confirmed, issued=a_pos, scanned_group=g("A+")))
    assert decision.accepted and any("emergenza" in w for w in decision.warnings)
    b_pos = IssuedBag(1, g("B+"), later, False, emergency=True)
    assert codes(patient_group=confirmed, issued=b_pos, scanned_group=g("B+")) == [
        "group_incompatible"
    ]
