"""Smoke test of the vial benchmark at a tiny scale (the real run is `make bench`)."""

from __future__ import annotations

from bench.vials import load_families, vial_benchmark


def test_families_come_from_the_shipped_archive() -> None:
    families = {f.name: f for f in load_families()}
    assert len(families) == 15
    oxaliplatin = families["oxaliplatin"]
    assert sorted(int(s.strength_mg) for s in oxaliplatin.sizes) == [50, 100, 200]
    assert oxaliplatin.stability_hours == 24  # diluted 24 h at 2-8 °C in the archive
    assert families["trastuzumab"].stability_hours == 48  # reconstituted Herceptin
    assert sorted(int(s.strength_mg) for s in families["rituximab"].sizes) == [100, 500]


def test_tiny_benchmark_runs_and_orders_the_policies() -> None:
    result = vial_benchmark(3, 2, 15, replan_preps=40, check_preps=30)
    policies = result["policies"]
    assert result["doses"] == 30
    assert set(policies) == {"no_sharing", "greedy_fifo", "corsia", "clairvoyant"}
    assert result["clairvoyant_windows_optimal"] == result["clairvoyant_windows"]
    # every policy is scored on the planner's objective (waste cost + 3 EUR per vial), and
    # the offline optimum, proven per window, is no worse than any policy (each is feasible
    # for it); the figures are consistent with each other
    for name, figures in policies.items():
        assert figures["objective_eur"] == round(
            figures["waste_cost_eur"] + 3 * figures["vials"], 2
        )
        assert figures["waste_cost_eur"] >= 0
        assert policies["clairvoyant"]["objective_eur"] <= figures["objective_eur"], name
    assert policies["corsia"]["objective_eur"] <= policies["no_sharing"]["objective_eur"]
    assert set(result["capture"]) == {"objective_eur", "waste_cost_eur", "mg_wasted", "vials"}
    assert result["waste_capture"] == result["capture"]["waste_cost_eur"]
    check = result["day_check"]
    assert check["corsia"]["vials"] >= check["corsia"]["lower_bound"]
    assert check["corsia"]["objective_eur"] <= check["first_fit"]["objective_eur"]
    assert check["corsia"]["objective_gap_eur"] >= 0
    assert result["replan_within_time_limit"] is True
    assert result["replan_vials"] >= result["replan_lower_bound"]
    assert result["incremental_p95_ms"] >= 0
