"""Warnings the dose engine attaches to a result (they inform, they do not block)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DoseWarning:
    code: str  # stable English code
    message: str  # Italian, for the prescriber
