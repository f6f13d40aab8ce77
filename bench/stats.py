"""Latency statistics: nearest-rank percentiles over recorded samples."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of unsorted samples; 0.0 when empty."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class OperationFigures:
    name: str
    count: int
    errors: int
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @classmethod
    def from_samples(
        cls, name: str, durations_s: Sequence[float], errors: int, wall_s: float
    ) -> OperationFigures:
        return cls(
            name=name,
            count=len(durations_s),
            errors=errors,
            requests_per_s=round(len(durations_s) / wall_s, 1) if wall_s > 0 else 0.0,
            p50_ms=round(percentile(durations_s, 50) * 1000, 2),
            p95_ms=round(percentile(durations_s, 95) * 1000, 2),
            p99_ms=round(percentile(durations_s, 99) * 1000, 2),
        )
