"""The pharmacy's data files (``corsia/nutrition/data/*.csv``), read once and parsed by the
pure domain: the component catalogue, the per-kg limits by age band, the
calcium-phosphate solubility curves and the densities for the gravimetric check. Lines
starting with ``#`` are comments."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from corsia.nutrition.domain.calcium_phosphate import Curve, SaltPair, curves_from_rows
from corsia.nutrition.domain.catalogue import Component, catalogue_from_rows
from corsia.nutrition.domain.gravimetric import Density, densities_from_rows
from corsia.nutrition.domain.limits import Band, Limit, limits_from_rows

DATA = Path(__file__).resolve().parent / "data"


def data_rows(name: str) -> list[dict[str, str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))


@cache
def catalogue() -> dict[str, Component]:
    return catalogue_from_rows(data_rows("components.csv"))


@cache
def limits() -> dict[Band, dict[str, Limit]]:
    return limits_from_rows(data_rows("limits.csv"))


@cache
def curves() -> dict[SaltPair, Curve]:
    return curves_from_rows(data_rows("calcium_phosphate.csv"))


@cache
def densities() -> dict[str, Density]:
    return densities_from_rows(data_rows("densities.csv"))
