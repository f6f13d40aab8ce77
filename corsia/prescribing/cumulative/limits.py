"""What the cumulative check counts (rule R5): the permissions, the orders whose lines are
committed, the equivalence classes and unit conversions (``prescribing/data``) and the
lifetime limits of the archive that touch a set of drugs."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from corsia.drugs.selectors import ingredients_by_code
from corsia.prescribing.domain.cumulative import (
    CumulativeClass,
    Limit,
    UnitConversion,
    basis_for_limit_unit,
    parse_classes,
    parse_unit_conversions,
)
from corsia.prescribing.domain.errors import CumulativeDoseExceeded
from corsia.prescribing.domain.states import OrderState

DATA = Path(__file__).resolve().parent.parent / "data"
PRESCRIBE = "prescribing.prescribe"
VIEW = "prescribing.view_order"
BLOCK_CODE = CumulativeDoseExceeded.code
NEAR_CODE = "cumulative_near_limit"

# Orders whose lines count as committed (given or about to be).
COMMITTED_STATES = frozenset(
    s.value
    for s in (
        OrderState.CONFIRMED,
        OrderState.SENT_TO_PHARMACY,
        OrderState.VALIDATED,
        OrderState.TAKEN_IN_CHARGE,
        OrderState.IN_PREPARATION,
        OrderState.PREPARED,
        OrderState.DELIVERED,
        OrderState.ADMINISTERED,
    )
)


# ---------------------------------------------------------------- the data tables


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def equivalence_classes() -> dict[str, CumulativeClass]:
    """``data/cumulative_classes.csv`` (sources in ``data/SOURCES.md``)."""
    return parse_classes(_rows("cumulative_classes.csv"))


@cache
def unit_conversions() -> tuple[UnitConversion, ...]:
    """``data/cumulative_units.csv`` (bleomycin USP units to UI)."""
    return tuple(parse_unit_conversions(_rows("cumulative_units.csv")))


def _class_of(code: str) -> CumulativeClass | None:
    return next((c for c in equivalence_classes().values() if code in c.members), None)


def limit_codes(codes: Iterable[str]) -> set[str]:
    """The archive entries :func:`limits_for` reads for these drugs: theirs and their
    classes' reference drugs'."""
    wanted = set(codes)
    return wanted | {c.reference for code in wanted if (c := _class_of(code)) is not None}


def limits_for(codes: Iterable[str], *, archive: Mapping[str, Any] | None = None) -> list[Limit]:
    """Every lifetime limit touching these drugs: each drug's own archive limit, and the
    limit of its class (the class reference drug's archive limit, in its equivalents).
    ``archive``: the ingredients of :func:`limit_codes` by code, when the caller read them
    (else one query)."""
    wanted = set(codes)
    classes = {c.code: c for code in wanted if (c := _class_of(code)) is not None}
    if archive is None:
        archive = ingredients_by_code(limit_codes(wanted))
    limits: list[Limit] = []
    for cls in classes.values():
        ref = archive.get(cls.reference)
        basis = basis_for_limit_unit(ref.cumulative_limit_unit) if ref else None
        if ref is not None and ref.cumulative_limit is not None and basis is not None:
            limits.append(
                Limit(
                    key=cls.code,
                    label=cls.name_it,
                    limit=ref.cumulative_limit,
                    basis=basis,
                    cls=cls,
                )
            )
    for code in sorted(wanted):
        ingredient = archive.get(code)
        if ingredient is None or ingredient.cumulative_limit is None:
            continue
        member_of = _class_of(code)
        if (
            member_of is not None
            and member_of.reference == code
            and any(lim.cls is member_of for lim in limits)
        ):
            continue  # the class limit counts the reference drug with factor 1
        basis = basis_for_limit_unit(ingredient.cumulative_limit_unit)
        if basis is None:
            continue  # a limit in a unit that cannot be summed (shown in the archive)
        limits.append(
            Limit(
                key=code,
                label=ingredient.name_it or ingredient.name_en,
                limit=ingredient.cumulative_limit,
                basis=basis,
            )
        )
    return limits


def counted_codes(limits: Iterable[Limit]) -> set[str]:
    codes: set[str] = set()
    for lim in limits:
        codes |= set(lim.cls.members) if lim.cls else {lim.key}
    return codes
