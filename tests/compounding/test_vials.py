"""Vial assignment: hand-solved instances, invariants under hypothesis, a full day."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corsia.compounding.domain.vials.costs import best_vial_combination
from corsia.compounding.domain.vials.greedy import assign_dose
from corsia.compounding.domain.vials.inputs import (
    DoseNeed,
    OpenSource,
    VialPlanInvalid,
    VialPolicy,
    VialSize,
)
from corsia.compounding.domain.vials.plan import Method, VialPlan
from corsia.compounding.domain.vials.planner import plan_vials

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
    for family in plan.families:
        # every mg left open is either wasted or carried over: the new vials' remainder and
        # what is left of the leftovers some dose of the family could have used
        reachable = [
            lo
            for lo in leftovers
            if lo.family == family.family
            and any(d.family == lo.family and d.needed_at < lo.expiry for d in doses)
        ]
        left = sum((v.remaining_mg for v in family.opened), Decimal(0)) + sum(
            (lo.mg_available.quantize(Decimal("0.1"), ROUND_FLOOR) - given_by[lo.id])
            for lo in reachable
        )
        assert family.mg_wasted + family.mg_carried_over == left
        assert family.vials >= family.lower_bound
        assert Decimal(0) <= family.objective_bound <= family.objective
        assert family.waste_cost >= 0
        assert family.mg_wasted >= 0
        assert family.mg_carried_over >= 0


def test_oxaliplatin_170_and_130_with_50_and_100_vials_needs_three() -> None:
    # 170 + 130 = 300 mg; the largest vial is 100 mg so at least ceil(300/100) = 3 vials,
    # and three 100 mg vials hold exactly 300 mg: dose a = 100 + 70, dose b = 30 + 100.
    # Spend + handling: 3 x (35 + 3) = 114 EUR; any other cover of 300 mg uses the dearer
    # 50 mg vials (e.g. 100+100+50+50 = 140 + 12). Best price 0.35 EUR/mg (the 100 mg vial),
    # waste cost = 105 - 0.35 x 300 + 0.35 x 0 mg wasted = 0; objective = 0 + 3 x 3 = 9 EUR.
    plan = plan_vials(doses=oxaliplatin_170_and_130(), sizes=[OX50, OX100], stability_hours=DAY)
    assert plan.vials == 3
    assert plan.vials_by_product == {"ox100": 3}
    assert plan.mg_wasted == Decimal(0)
    assert plan.cost_eur == Decimal("105.00")
    assert plan.waste_cost_eur == Decimal(0)
    family = plan.families[0]
    assert family.priced
    assert family.objective == Decimal("9.00")
    assert family.objective_gap == 0
    assert plan.lower_bound == 3
    assert family.method is Method.CP_SAT_OPTIMAL


def test_without_sharing_each_dose_has_its_own_vials() -> None:
    # no documented opened stability: 170 -> 100+100 (2 vials, 30 mg left),
    # 130 -> 100+50 (2 vials, 20 mg left): 4 vials, 50 mg wasted.
    doses = oxaliplatin_170_and_130()
    plan = plan_vials(doses=doses, sizes=[OX50, OX100], stability_hours={"ox": None})
    assert plan.vials == 4
    assert plan.vials_by_product == {"ox100": 3, "ox50": 1}
    assert plan.mg_wasted == Decimal(50)
    assert plan.lower_bound == 4  # per dose: ceil(170/100) + ceil(130/100)
    # 170: 100+100 = 70 + 6 EUR beats 100+50+50 = 75 + 9; 130: 100+50 = 55 + 6 beats
    # 100+100 = 70 + 6. Spend 3 x 35 + 20 = 125; at 0.35 EUR/mg the 350 mg opened are worth
    # 122.50, so the 50 mg vial's surcharge is 2.50; waste 50 mg x 0.35 = 17.50 -> 20.00.
    assert plan.waste_cost_eur == Decimal("20.00")
    assert plan.families[0].objective == Decimal("32.00")  # + 4 vials x 3 EUR
    assert_plan_valid(plan, doses, [], {"ox": None})


def test_with_200_mg_vials_two_are_enough() -> None:
    # ceil(300/200) = 2 and 200 + 100 = 300 exactly.
    plan = plan_vials(
        doses=oxaliplatin_170_and_130(), sizes=[OX50, OX100, OX200], stability_hours=DAY
    )
    assert plan.vials == 2
    assert plan.vials_by_product == {"ox100": 1, "ox200": 1}
    assert plan.mg_wasted == Decimal(0)
    # 200 + 100: 65 + 35 + 2 x 3 = 106 EUR, the least (3 x 100: 114; 2 x 200: 136). Best
    # price 65/200 = 0.325 EUR/mg: the 100 mg vial's surcharge 35 - 32.50 = 2.50 is the waste.
    assert plan.waste_cost_eur == Decimal("2.50")


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
    # 100+100+50: 90 + 9 EUR (3 x 100: 114). Surcharge 90 - 0.35 x 250 = 2.50, waste
    # 10 mg x 0.35 = 3.50 -> 6.00 EUR; objective 6.00 + 9.00.
    assert plan.waste_cost_eur == Decimal("6.00")
    assert plan.families[0].objective == Decimal("15.00")
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
    # docetaxel-like 6 h: doses of 50 mg at 08:00 and 15:00 (7 h apart) with 80 mg vials.
    # No prices: mg proxy, handling = 0.2 x the smallest vial (80 mg) = 16 mg per vial.
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
    # one 160: 60 mg wasted + 16 = 76 mg-equivalents; two 80: 60 + 32 = 92.
    assert not shared.families[0].priced
    assert shared.families[0].waste_cost == Decimal(60)
    assert shared.families[0].objective == Decimal(76)
    assert_plan_valid(shared, doses, [], {"doc": Decimal(8)})


def test_greedy_is_worse_than_the_optimum_on_three_small_doses() -> None:
    # doses 30, 30, 30 with 50/100 vials. Greedy, dose by dose: 30 -> one 50 (20 + 3 EUR
    # beats 35 + 3; 20 mg left); 30 -> 20 from it + a new 50; 30 -> from the 40 left: 2 vials,
    # 40 EUR. Optimum: one 100 mg vial, 35 + 3 EUR (two 50: 40 + 6).
    doses = [DoseNeed(str(i), "ox", Decimal(30), at(i)) for i in range(3)]
    greedy = plan_vials(doses=doses, sizes=[OX50, OX100], stability_hours=DAY, use_cp_sat=False)
    optimal = plan_vials(doses=doses, sizes=[OX50, OX100], stability_hours=DAY)
    assert greedy.vials == 2
    assert greedy.families[0].method is Method.GREEDY
    assert optimal.vials == 1
    assert optimal.mg_wasted == Decimal(10)
    assert optimal.lower_bound == 1
    # waste cost: optimum 35 - 0.35 x 100 + 0.35 x 10 = 3.50; greedy 40 - 35 + 3.50 = 8.50
    assert optimal.waste_cost_eur == Decimal("3.50")
    assert greedy.waste_cost_eur == Decimal("8.50")
    assert optimal.families[0].objective == Decimal("6.50")
    assert greedy.families[0].objective == Decimal("14.50")


@pytest.mark.parametrize(
    ("need", "sizes", "expected"),
    [
        # 100+50: 55 + 2 x 3 = 61 EUR beats one 200: 65 + 3 = 68 (70 mg thrown away) and
        # 3 x 50: 60 + 9 = 69. (The old objective, fewest vials first, chose the 200.)
        (Decimal(130), [OX50, OX100, OX200], [100, 50]),
        (Decimal(190), [OX50, OX100, OX200], [200]),  # 68 EUR vs 100+100: 76, 100+50+50: 84
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


# 5-FU, linear prices: 0.004 EUR/mg for every vial.
FU250 = VialSize("fu250", "fu", Decimal(250), Decimal("1.00"))
FU1000 = VialSize("fu1000", "fu", Decimal(1000), Decimal("4.00"))
FU5000 = VialSize("fu5000", "fu", Decimal(5000), Decimal("20.00"))
FU = [FU250, FU1000, FU5000]


def test_a_1200_mg_fluorouracil_dose_gets_1000_plus_250_not_a_5000_vial() -> None:
    # waste cost + handling (3 EUR a vial), by hand:
    #   5000          -> 3800 mg left x 0.004 = 15.20 + 1 x 3 = 18.20
    #   1000 + 250    ->   50 mg left x 0.004 =  0.20 + 2 x 3 =  6.20   <- least
    #   2 x 1000      ->  800 mg left         =  3.20 + 2 x 3 =  9.20
    #   5 x 250       ->   50 mg left         =  0.20 + 5 x 3 = 15.20
    # (fewest vials first, the old objective, opened the 5000 mg vial.)
    combo = best_vial_combination(Decimal(1200), FU)
    assert [s.product_code for s in combo] == ["fu1000", "fu250"]
    dose = DoseNeed("fu", "fu", Decimal(1200), at(0))
    plan = plan_vials(doses=[dose], sizes=FU, stability_hours={"fu": Decimal(24)})
    assert plan.vials_by_product == {"fu1000": 1, "fu250": 1}
    assert plan.mg_wasted == Decimal(50)
    assert plan.waste_cost_eur == Decimal("0.20")
    family = plan.families[0]
    assert family.handling_cost == Decimal("6.00")
    assert family.objective == Decimal("6.20")
    assert family.objective_gap == 0
    assert plan.lower_bound == 1  # ceil(1200 / 5000): the vial bound stays reported
    assert_plan_valid(plan, [dose], [], {"fu": Decimal(24)})


def test_handling_penalty_trades_a_little_waste_for_fewer_vials() -> None:
    # 4,700 mg. Default 3 EUR a vial: one 5000 -> 300 mg x 0.004 = 1.20 + 3 = 4.20, while the
    # least waste, 4 x 1000 + 3 x 250 = 4,750 (50 mg, 0.20 EUR), costs 0.20 + 7 x 3 = 21.20.
    assert [s.strength_mg for s in best_vial_combination(Decimal(4700), FU)] == [Decimal(5000)]
    # With no handling cost the least waste wins; among the 4,750 mg covers the fewest vials
    # is 4 x 1000 + 3 x 250 = 7 (19 x 250 is 19 vials).
    free = VialPolicy(handling_eur=Decimal(0))
    combo = best_vial_combination(Decimal(4700), FU, free)
    assert [int(s.strength_mg) for s in combo] == [1000, 1000, 1000, 1000, 250, 250, 250]


def test_content_still_stable_at_the_next_session_is_carried_over_not_wasted() -> None:
    # 1,200 mg at 09:00, opened stability 24 h: the 1000 + 250 vials expire at 09:00 the
    # next day; the 50 mg left is worth 50 x 0.004 = 0.20 EUR.
    dose = DoseNeed("fu", "fu", Decimal(1200), at(0))
    stability = {"fu": Decimal(24)}
    # next session at 08:00 the next day: the 50 mg is still usable -> carried over,
    # waste 0; objective = 0 + (1 - 0.5 credit) x 0.20 + 2 x 3 = 6.10
    kept = plan_vials(doses=[dose], sizes=FU, stability_hours=stability, next_session_at=at(23))
    assert kept.vials_by_product == {"fu1000": 1, "fu250": 1}
    assert (kept.mg_wasted, kept.mg_carried_over) == (Decimal(0), Decimal(50))
    assert kept.waste_cost_eur == Decimal(0)
    assert kept.families[0].objective == Decimal("6.10")
    # next session at 10:00 the next day: expired by then -> waste
    late = plan_vials(doses=[dose], sizes=FU, stability_hours=stability, next_session_at=at(25))
    assert (late.mg_wasted, late.mg_carried_over) == (Decimal(50), Decimal(0))
    assert late.waste_cost_eur == Decimal("0.20")
    # a unit that does not keep leftovers wastes it whatever the next session
    discard = plan_vials(
        doses=[dose],
        sizes=FU,
        stability_hours=stability,
        next_session_at=at(23),
        policy=VialPolicy(keep_leftovers=False),
    )
    assert (discard.mg_wasted, discard.mg_carried_over) == (Decimal(50), Decimal(0))


def test_full_credit_for_carried_content_would_open_the_big_vial() -> None:
    # Why the default credit is 0.5, not 1: counting carried-over content as certainly
    # used, one 5000 (3800 mg carried, objective 0 + 1 x 3 = 3.00) beats 1000 + 250 (6.00),
    # betting 15.20 EUR on a later session. At 0.5: 0.5 x 15.20 + 3 = 10.60 > 6.10.
    dose = DoseNeed("fu", "fu", Decimal(1200), at(0))
    stability = {"fu": Decimal(24)}
    gamble = plan_vials(
        doses=[dose],
        sizes=FU,
        stability_hours=stability,
        next_session_at=at(23),
        policy=VialPolicy(carry_over_credit=Decimal(1)),
    )
    assert gamble.vials_by_product == {"fu5000": 1}
    assert gamble.mg_carried_over == Decimal(3800)
    assert gamble.families[0].objective == Decimal("3.00")
    default = plan_vials(doses=[dose], sizes=FU, stability_hours=stability, next_session_at=at(23))
    assert default.vials_by_product == {"fu1000": 1, "fu250": 1}


def test_the_leftover_that_expires_first_is_drawn_and_the_other_carried_over() -> None:
    # Two 60 mg leftovers: A expires at 11:00 (before the next session at 08:00 tomorrow),
    # B tomorrow at 12:00. One 60 mg dose at 10:00: drawing A wastes nothing and carries
    # B's 60 mg over: objective = (1 - 0.5) x 0.325 EUR/mg x 60 = 9.75 (no vial opened).
    # Drawing B instead would waste A: 60 x 0.325 = 19.50.
    a = OpenSource("A", "ox", "ox100", Decimal(60), at(2))
    b = OpenSource("B", "ox", "ox100", Decimal(60), at(27))
    dose = DoseNeed("d", "ox", Decimal(60), at(1))
    for use_cp_sat in (True, False):
        plan = plan_vials(
            doses=[dose],
            sizes=[OX50, OX100, OX200],
            leftovers=[b, a],
            stability_hours=DAY,
            next_session_at=at(23),
            use_cp_sat=use_cp_sat,
        )
        assert [(d.source_id, d.mg) for d in plan.draws] == [("A", Decimal(60))]
        assert plan.vials == 0
        assert (plan.mg_wasted, plan.mg_carried_over) == (Decimal(0), Decimal(60))
        assert plan.families[0].objective == Decimal("9.75")
        assert_plan_valid(plan, [dose], [a, b], DAY)


def test_an_offered_leftover_left_to_expire_counts_as_waste() -> None:
    # A 60 mg leftover open until 12:00 and one 100 mg dose at 10:00 (best price 0.325/mg):
    #   60 from it + a new 50 (40 drawn, 10 left): surcharge 20 - 0.325 x 50 = 3.75, waste
    #     10 mg x 0.325 = 3.25 -> 7.00 + 3 handling = 10.00          <- least
    #   a new 100 and the leftover left to expire: surcharge 2.50 + 60 mg x 0.325 = 19.50
    #     -> 22.00 + 3 = 25.00 (counting only the new vials it would look waste-free)
    leftover = OpenSource("L1", "ox", "ox100", Decimal(60), at(3))
    dose = DoseNeed("d", "ox", Decimal(100), at(1))
    plan = plan_vials(
        doses=[dose], sizes=[OX50, OX100, OX200], leftovers=[leftover], stability_hours=DAY
    )
    assert plan.families[0].leftover_mg_used == Decimal(60)
    assert plan.vials_by_product == {"ox50": 1}
    assert plan.mg_wasted == Decimal(10)
    assert plan.waste_cost_eur == Decimal("7.00")
    assert plan.families[0].objective == Decimal("10.00")
    assert_plan_valid(plan, [dose], [leftover], DAY)


def test_policy_and_next_session_are_checked() -> None:
    with pytest.raises(VialPlanInvalid) as error:
        VialPolicy(carry_over_credit=Decimal("1.5"))
    assert error.value.field == "carry_over_credit"
    with pytest.raises(VialPlanInvalid):
        VialPolicy(handling_eur=Decimal(-1))
    with pytest.raises(VialPlanInvalid) as error:
        plan_vials(
            doses=oxaliplatin_170_and_130(),
            sizes=[OX100],
            stability_hours=DAY,
            next_session_at=at(23).replace(tzinfo=None),  # naive
        )
    assert error.value.field == "next_session_at"


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


@st.composite
def policies(draw: st.DrawFn) -> tuple[VialPolicy, datetime | None]:
    policy = VialPolicy(
        handling_eur=Decimal(draw(st.integers(min_value=0, max_value=2000))) / 100,
        handling_share_of_smallest_vial=Decimal(draw(st.integers(min_value=0, max_value=100)))
        / 100,
        keep_leftovers=draw(st.booleans()),
        carry_over_credit=Decimal(draw(st.integers(min_value=0, max_value=10))) / 10,
    )
    next_session = draw(st.none() | st.integers(min_value=0, max_value=80).map(at))
    return policy, next_session


@settings(max_examples=100, deadline=None)
@given(instances(), policies())
def test_every_plan_keeps_the_invariants(
    instance: tuple[list[DoseNeed], list[OpenSource], dict[str, Decimal | None]],
    setting: tuple[VialPolicy, datetime | None],
) -> None:
    doses, leftovers, stability = instance
    policy, next_session = setting
    sizes = [s for sizes in FAMILY_SIZES.values() for s in sizes]
    optimal, greedy = (
        plan_vials(
            doses=doses,
            sizes=sizes,
            leftovers=leftovers,
            stability_hours=stability,
            policy=policy,
            next_session_at=next_session,
            use_cp_sat=use_cp_sat,
        )
        for use_cp_sat in (True, False)
    )
    assert_plan_valid(optimal, doses, leftovers, stability)
    assert_plan_valid(greedy, doses, leftovers, stability)
    # the plan returned is never worse than the greedy one on the objective
    for exact, fast in zip(optimal.families, greedy.families, strict=True):
        assert exact.objective <= fast.objective
    assert greedy.vials >= optimal.lower_bound


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=1, max_value=60000),
    st.sampled_from(["ox", "gem", "fu"]),
)
def test_one_dose_alone_gets_the_same_objective_from_cp_sat_and_the_enumeration(
    units: int, family: str
) -> None:
    sizes = [*FAMILY_SIZES["ox"], *FAMILY_SIZES["gem"], FU250, FU1000, FU5000]
    dose = DoseNeed("d", family, Decimal(units) / 10, at(0))
    exact = plan_vials(doses=[dose], sizes=sizes, stability_hours={family: Decimal(24)})
    enumerated = plan_vials(
        doses=[dose], sizes=sizes, stability_hours={family: Decimal(24)}, use_cp_sat=False
    )
    assert exact.families[0].method is Method.CP_SAT_OPTIMAL
    assert enumerated.families[0].objective == exact.families[0].objective


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
