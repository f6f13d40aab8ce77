"""The reports' bench step's arithmetic (pure): the growth goal against the data's own
growth, the table's lines."""

from __future__ import annotations

from typing import Any

from bench.reports import growth, lines


def _figures(p50: float, error: str = "") -> dict[str, Any]:
    return {
        "rows": 3, "runs": 3, "p50_ms": p50, "p95_ms": p50 * 2, "max_ms": p50 * 2,
        "cpu_p50_ms": p50 / 2, "error": error, "goal": {"goal": "p95 <= 2000 ms", "met": not error},
    }  # fmt: skip


def test_growth_is_met_when_the_cost_grows_no_faster_than_the_data() -> None:
    small = {"a": _figures(100.0), "b": _figures(100.0), "c": _figures(100.0)}
    large = {"a": _figures(500.0), "b": _figures(800.0), "c": _figures(100.0, "Boom")}
    # orders grow 7.5x: 5x is within it, 8x is not, an error never meets the goal
    out = growth(small, large, 7.5)
    assert {code: (g["ratio"], g["goal"]["met"]) for code, g in out.items()} == {
        "a": (5.0, True),
        "b": (8.0, False),
        "c": (1.0, False),
    }
    table = lines({"reports": small, "data_growth": {"reports_growth": out}})
    assert table[0].startswith("report a ") and (
        "p95     200.0 ms cpu p50     50.0 ms (goal <= 2000: met)" in table[0]
    )
    assert table[-1].endswith("ratio 1.0 (goal <= data ratio 7.5: NOT MET)")
