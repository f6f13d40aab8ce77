"""Vial assignment: hand-solved instances, invariants under hypothesis, a full day."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corsia.compounding.domain.vials import (
    DoseNeed,
    Method,
    OpenSource,
    VialPlan,
    VialPlanInvalid,
    VialSize,
    assign_dose,
    best_vial_combination,
    plan_vials,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OX50 = VialSize("ox50", "ox", Decimal(50), Decimal("20.00"))
OX100 = VialSize("ox100", "ox", Decimal(100), Decimal("35.00"))
OX200 = VialSize("ox200", "ox", Decimal(200), Decimal("65.00"))
DAY = {"ox": Decimal(24)}


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def oxaliplatin_170_and_130() -> list[DoseNeed]:
    return [DoseNeed("a", "ox", Decimal(170), at(0)), DoseNeed("b", "ox", Decimal(130), at(1))]


def assert_plan_valid(
    plan: VialPlan,
    doses: Sequence[DoseNeed],
    leftovers: Sequence[OpenSource],
    stability_hours: Mapping[str, Decimal | None],
) -> None:
    """The invariants of the module docstring, checked from the plan's own output."""
    by_dose = {d.id: d for d in doses}
    by_leftover = {lo.id: lo for lo in leftovers}
    by_vial = {v.id: v for v in plan.opened}
    drawn: dict[str, Decimal] = defaultdict(Decimal)
    given_by: dict[str, Decimal] = defaultdict(Decimal)
    users: dict[str, list[datetime]] = defaultdict(list)
    for draw in plan.draws:
        dose = by_dose[draw.dose_id]
        assert draw.mg > 0
        drawn[draw.dose_id] += draw.mg
        given_by[draw.source_id] += draw.mg
        if draw.from_leftover:
            leftover = by_leftover[draw.source_id]
            assert leftover.family == dose.family  # never mix products
            assert dose.needed_at < leftover.expiry  # never an expired leftover
        else:
            vial = by_vial[draw.source_id]
            assert vial.family == dose.family
            users[vial.id].append(dose.needed_at)
    for dose in doses:
        assert drawn[dose.id] >= dose.dose_mg  # every dose fully covered
    for source_id, mg in given_by.items():
        limit = (
            by_leftover[source_id].mg_available
            if source_id in by_leftover
            else by_vial[source_id].strength_mg
        )
        assert mg <= limit
    for vial in plan.opened:
        times = users[vial.id]
        assert times, "an opened vial is used"
        hours = stability_hours.get(vial.family)
        if hours is None:
            assert len(times) == 1
        else:
            assert max(times) - min(times) < timedelta(hours=float(hours))
    assert plan.vials >= plan.lower_bound


def test_oxaliplatin_170_and_130_with_50_and_100_vials_needs_three() -> None:
    # 170 + 130 = 300 mg; the largest vial is 100 mg so at least ceil(300/100) = 3 vials,
    # and three 100 mg vials hold exactly 300 mg: dose a = 100 + 70, dose b = 30 + 100.
    plan = plan_vials(doses=oxaliplatin_170_and_130(), sizes=[OX50, OX100], stability_hours=DAY)
    assert plan.vials == 3
    assert plan.vials_by_product == {"ox100": 3}
    assert plan.mg_wasted == Decimal(0)
    assert plan.cost_eur == Decimal("105.00")
    assert plan.lower_bound == 3
    assert plan.families[0].method is Method.CP_SAT_OPTIMAL


def test_without_sharing_each_dose_has_its_own_vials() -> None:
    # no documented opened stability: 170 -> 100+100 (2 vials, 30 mg left),
    # 130 -> 100+50 (2 vials, 20 mg left): 4 vials, 50 mg wasted.
    doses = oxaliplatin_170_and_130()
    plan = plan_vials(doses=doses, sizes=[OX50, OX100], stability_hours={"ox": None})
    assert plan.vials == 4
    assert plan.vials_by_product == {"ox100": 3, "ox50": 1}
    assert plan.mg_wasted == Decimal(50)
    assert plan.lower_bound == 4  # per dose: ceil(170/100) + ceil(130/100)
    assert_plan_valid(plan, doses, [], {"ox": None})


def test_with_200_mg_vials_two_are_enough() -> None:
    # ceil(300/200) = 2 and 200 + 100 = 300 exactly.
    plan = plan_vials(
        doses=oxaliplatin_170_and_130(), sizes=[OX50, OX100, OX200], stability_hours=DAY
    )
    assert plan.vials == 2
    assert plan.vials_by_product == {"ox100": 1, "ox200": 1}
    assert plan.mg_wasted == Decimal(0)


def test_leftover_in_stability_is_used() -> None:
    # 60 mg open until 12:00: 300 - 60 = 240 mg from new vials -> ceil(240/100) = 3 vials,
    # the smallest three covering 240 are 100+100+50 = 250: 10 mg left.
    leftover = OpenSource("L1", "ox", "ox100", Decimal(60), at(3))
    doses = oxaliplatin_170_and_130()
    plan = plan_vials(doses=doses, sizes=[OX50, OX100], leftovers=[leftover], stability_hours=DAY)
    assert plan.vials == 3
    assert plan.vials_by_product == {"ox100": 2, "ox50": 1}
    assert plan.mg_wasted == Decimal(10)
    assert plan.families[0].leftover_mg_used == Decimal(60)
    assert_plan_valid(plan, doses, [leftover], DAY)


def test_expired_leftover_is_never_used() -> None:
    leftover = OpenSource("L1", "ox", "ox100", Decimal(60), at(-1))
    doses = oxaliplatin_170_and_130()
    for use_cp_sat in (True, False):
        plan = plan_vials(
            doses=doses,
            sizes=[OX50, OX100],
            leftovers=[leftover],
            stability_hours=DAY,
            use_cp_sat=use_cp_sat,
        )
        assert plan.families[0].leftover_mg_used == 0
        assert plan.vials_by_product == {"ox100": 3}
        assert_plan_valid(plan, doses, [leftover], DAY)


def test_leftover_expiring_between_two_doses_serves_only_the_first() -> None:
    # expiry 09:30: dose a (09:00) may use it, dose b (10:00) may not.
    leftover = OpenSource("L1", "ox", "ox100", Decimal(60), at(0.5))
    doses = oxaliplatin_170_and_130()
    plan = plan_vials(doses=doses, sizes=[OX50, OX100], leftovers=[leftover], stability_hours=DAY)
    assert {d.dose_id for d in plan.draws if d.from_leftover} == {"a"}
    assert_plan_valid(plan, doses, [leftover], DAY)


def test_leftover_of_another_family_is_never_used() -> None:
    leftover = OpenSource("L1", "ox-biosimilar", "other", Decimal(500), at(10))
    doses = oxaliplatin_170_and_130()
    plan = plan_vials(doses=doses, sizes=[OX50, OX100], leftovers=[leftover], stability_hours=DAY)
    assert plan.families[0].leftover_mg_used == 0
    assert plan.vials == 3


def test_short_stability_prevents_sharing_across_the_window() -> None:
    # docetaxel-like 6 h: doses of 50 mg at 08:00 and 15:00 (7 h apart) with 80 mg vials
    sizes = [VialSize("d80", "doc", Decimal(80))]
    doses = [DoseNeed("a", "doc", Decimal(50), at(-1)), DoseNeed("b", "doc", Decimal(50), at(6))]
    short = plan_vials(doses=doses, sizes=sizes, stability_hours={"doc": Decimal(6)})
    assert short.vials == 2  # 7 h >= 6 h: one vial each, 30 mg left in each
    assert short.mg_wasted == Decimal(60)
    longer = plan_vials(doses=doses, sizes=sizes, stability_hours={"doc": Decimal(8)})
    assert longer.vials == 2  # 100 mg > 80 mg: two vials anyway, but 160 - 100 = 60 left
    sizes_160 = [*sizes, VialSize("d160", "doc", Decimal(160))]
    shared = plan_vials(doses=doses, sizes=sizes_160, stability_hours={"doc": Decimal(8)})
    assert shared.vials == 1  # one 160 mg vial opened at 08:00 still stable at 15:00
    assert_plan_valid(shared, doses, [], {"doc": Decimal(8)})


def test_greedy_is_worse_than_the_optimum_on_three_small_doses() -> None:
    # doses 30, 30, 30 with 50/100 vials. Greedy, dose by dose: 30 -> one 50 (20 left);
    # 30 -> 20 from it + a new 50; 30 -> from the 40 left: 2 vials. Optimum: one 100 mg vial.
    doses = [DoseNeed(str(i), "ox", Decimal(30), at(i)) for i in range(3)]
    greedy = plan_vials(doses=doses, sizes=[OX50, OX100], stability_hours=DAY, use_cp_sat=False)
    optimal = plan_vials(doses=doses, sizes=[OX50, OX100], stability_hours=DAY)
    assert greedy.vials == 2
    assert greedy.families[0].method is Method.GREEDY
    assert optimal.vials == 1
    assert optimal.mg_wasted == Decimal(10)
    assert optimal.lower_bound == 1


@pytest.mark.parametrize(
    ("need", "sizes", "expected"),
    [
        (Decimal(130), [OX50, OX100, OX200], [200]),  # one vial beats 100+50
        (Decimal(130), [OX50, OX100], [100, 50]),
        (Decimal(250), [OX50, OX100], [100, 100, 50]),
        (Decimal(100), [OX50, OX100], [100]),
        (Decimal("0.05"), [OX50, OX100], [50]),
    ],
)
def test_best_combination_for_one_dose(
    need: Decimal, sizes: list[VialSize], expected: list[int]
) -> None:
    combo = best_vial_combination(need, sizes)
    assert sorted((int(s.strength_mg) for s in combo), reverse=True) == expected


def test_cheaper_product_of_the_same_strength_is_preferred() -> None:
    dear = VialSize("ox100-dear", "ox", Decimal(100), Decimal("90.00"))
    plan = plan_vials(doses=oxaliplatin_170_and_130(), sizes=[dear, OX100], stability_hours=DAY)
    assert plan.vials_by_product == {"ox100": 3}


def test_incremental_dose_uses_open_content_first() -> None:
    # 130 mg: 60 mg from the open vial, 70 mg left -> one 100 mg vial (fewest, smallest).
    open_vial = OpenSource("V1", "ox", "ox100", Decimal(60), at(5))
    expired = OpenSource("V0", "ox", "ox100", Decimal(90), at(-1))
    result = assign_dose(
        dose=DoseNeed("c", "ox", Decimal(130), at(1)),
        sources=[expired, open_vial],
        sizes=[OX50, OX100],
        stability_hours=Decimal(24),
    )
    assert [(d.source_id, d.mg) for d in result.draws] == [
        ("V1", Decimal(60)),
        ("ox#1", Decimal(70)),
    ]
    assert [v.strength_mg for v in result.opened] == [Decimal(100)]
    assert result.opened[0].expiry == at(25)


def test_bad_input_is_refused() -> None:
    with pytest.raises(VialPlanInvalid):
        plan_vials(
            doses=[DoseNeed("a", "ox", Decimal(0), at(0))], sizes=[OX100], stability_hours=DAY
        )
    with pytest.raises(VialPlanInvalid):
        plan_vials(doses=[*oxaliplatin_170_and_130()] * 2, sizes=[OX100], stability_hours=DAY)
    with pytest.raises(VialPlanInvalid) as error:
        plan_vials(
            doses=[DoseNeed("a", "cis", Decimal(10), at(0))], sizes=[OX100], stability_hours=DAY
        )
    assert error.value.code == "no_vial_size"


FAMILY_SIZES = {
    "ox": [OX50, OX100, OX200],
    "gem": [VialSize("g200", "gem", Decimal(200)), VialSize("g1000", "gem", Decimal(1000))],
}


@st.composite
def instances(
    draw: st.DrawFn,
) -> tuple[list[DoseNeed], list[OpenSource], dict[str, Decimal | None]]:
    families = draw(
        st.lists(st.sampled_from(sorted(FAMILY_SIZES)), min_size=1, max_size=2, unique=True)
    )
    doses = [
        DoseNeed(
            f"d{i}",
            draw(st.sampled_from(families)),
            Decimal(draw(st.integers(min_value=1, max_value=25000))) / 10,
            at(draw(st.integers(min_value=0, max_value=60)) / 2),
        )
        for i in range(draw(st.integers(min_value=1, max_value=7)))
    ]
    leftovers = [
        OpenSource(
            f"L{i}",
            draw(st.sampled_from(families)),
            "left",
            Decimal(draw(st.integers(min_value=0, max_value=3000))) / 10,
            at(draw(st.integers(min_value=-10, max_value=60)) / 2),
        )
        for i in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    stability = {f: draw(st.sampled_from([None, Decimal(6), Decimal(24)])) for f in families}
    return doses, leftovers, stability


@settings(max_examples=100, deadline=None)
@given(instances())
def test_every_plan_keeps_the_invariants(
    instance: tuple[list[DoseNeed], list[OpenSource], dict[str, Decimal | None]],
) -> None:
    doses, leftovers, stability = instance
    sizes = [s for sizes in FAMILY_SIZES.values() for s in sizes]
    optimal = plan_vials(doses=doses, sizes=sizes, leftovers=leftovers, stability_hours=stability)
    greedy = plan_vials(
        doses=doses, sizes=sizes, leftovers=leftovers, stability_hours=stability, use_cp_sat=False
    )
    assert_plan_valid(optimal, doses, leftovers, stability)
    assert_plan_valid(greedy, doses, leftovers, stability)
    assert optimal.vials <= greedy.vials
    assert greedy.vials >= optimal.lower_bound


def test_a_day_of_200_preparations_returns_within_its_time_limit() -> None:
    rng = random.Random(7)
    sizes = [
        *FAMILY_SIZES["ox"],
        *FAMILY_SIZES["gem"],
        VialSize("c50", "carbo", Decimal(50)),
        VialSize("c150", "carbo", Decimal(150)),
        VialSize("c450", "carbo", Decimal(450)),
        VialSize("c600", "carbo", Decimal(600)),
    ]
    families = ["ox", "gem", "carbo"]
    doses = [
        DoseNeed(
            f"p{i}",
            family,
            Decimal(rng.randint(500, 20000 if family == "gem" else 8000)) / 10,
            at(rng.randint(0, 8 * 60) / 60),
        )
        for i in range(200)
        for family in (rng.choice(families),)
    ]
    stability = {"ox": Decimal(24), "gem": Decimal(24), "carbo": Decimal(24)}
    plan = plan_vials(doses=doses, sizes=sizes, stability_hours=stability, time_limit_s=5.0)
    assert plan.within_time_limit
    assert all(f.method is not Method.GREEDY_FALLBACK for f in plan.families)
    assert_plan_valid(plan, doses, [], stability)
