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
    result = vial_benchmark(3, 2, 15, replan_preps=40)
    policies = result["policies"]
    assert result["doses"] == 30
    assert set(policies) == {"no_sharing", "greedy_fifo", "corsia", "clairvoyant"}
    assert result["clairvoyant_windows_optimal"] == result["clairvoyant_windows"]
    # the offline optimum opens no more vials than any policy (each is feasible for it)
    for name in ("no_sharing", "greedy_fifo", "corsia"):
        assert policies["clairvoyant"]["vials"] <= policies[name]["vials"]
    assert policies["corsia"]["vials"] <= policies["no_sharing"]["vials"]
    assert result["replan_within_time_limit"] is True
    assert result["replan_vials"] >= result["replan_lower_bound"]
    assert result["incremental_p95_ms"] >= 0
