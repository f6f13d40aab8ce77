"""A pharmacogenomic result recorded after the order was validated holds the compounding
of the drug it concerns (hazard H65).

The barrier is prescribing's (``order_pgx_pending``: the findings no override or
acknowledgement on the order covers); the bedside reads it at the scan (H61). Here the
pharmacy reads it too: taking the order in charge, assigning a preparation to a hood,
planning its vials, scanning a vial into it and releasing it are refused
(``pgx_result_after_validation``) until the physician or the validating pharmacist
acknowledges the result (``order_pgx_acknowledge``, the same acknowledgement as the
bedside's). A bag already made or released is never discarded by Corsia: it is shown
«sospesa» with the reason (``preparation_pgx_hold``) on the compounding pages and at the
bedside, for the pharmacist to decide (reject it, or keep it once acknowledged).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from corsia.core.domain.errors import ConflictError
from corsia.prescribing.services import order_pgx_pending, orders_pgx_pending

if TYPE_CHECKING:
    from corsia.compounding.models import Preparation
    from corsia.prescribing.domain.pgx_check import PgxFinding
    from corsia.prescribing.models import TherapyOrder

PGX_HOLD_CODE = "pgx_result_after_validation"


def _reason(findings: Sequence[PgxFinding]) -> str:
    """Why a preparation of one drug is on hold, from that drug's pending findings."""
    if not findings:
        return ""
    genes = ", ".join(dict.fromkeys(f.genes for f in findings))
    drug = findings[0].drug
    return (
        f"SOSPESA: referto farmacogenomico {genes} registrato dopo la validazione per "
        f"{drug}; il medico o il farmacista validatore deve prenderne visione. "
        + " ".join(f.message for f in findings)
    )


def pgx_hold_reason(order: TherapyOrder, ingredient_id: int) -> str:
    """Why a preparation of this drug of the order is on hold ("" when it is not): the
    late results of the drug nobody has acknowledged yet."""
    return _reason(order_pgx_pending(order, ingredient_id))


def preparation_pgx_hold(prep: Preparation, holds: Mapping[int, str] | None = None) -> str:
    """The hold of one preparation ("" when none). ``holds``: its order's
    (:func:`order_pgx_holds`), when the caller has read them for several preparations."""
    if holds is not None:
        return holds.get(prep.order_item.ingredient_id, "")
    return pgx_hold_reason(prep.order, prep.order_item.ingredient_id)


def order_pgx_holds(order: TherapyOrder) -> dict[int, str]:
    """The held drugs of an order: ingredient id → reason (a read, nothing written; the
    order's findings read once)."""
    by_drug: dict[int, list[PgxFinding]] = {}
    for finding in order_pgx_pending(order):
        by_drug.setdefault(finding.ingredient_id, []).append(finding)
    return {drug: _reason(findings) for drug, findings in by_drug.items()}


class OrderHolds:
    """The holds of each order met in one act over several preparations, each order's
    read once (:func:`order_pgx_holds`)."""

    def __init__(self) -> None:
        self._by_order: dict[int, dict[int, str]] = {}

    def of(self, prep: Preparation) -> dict[int, str]:
        if prep.order_id not in self._by_order:
            self._by_order[prep.order_id] = order_pgx_holds(prep.order)
        return self._by_order[prep.order_id]


def orders_pgx_holds(orders: Iterable[TherapyOrder]) -> dict[int, dict[int, str]]:
    """:func:`order_pgx_holds` of many orders, read once for a list page (the work plan):
    order id → (ingredient id → reason); orders with nothing held left out."""
    holds: dict[int, dict[int, str]] = {}
    for order_id, findings in orders_pgx_pending(orders).items():
        by_drug: dict[int, list[PgxFinding]] = {}
        for finding in findings:
            by_drug.setdefault(finding.ingredient_id, []).append(finding)
        holds[order_id] = {drug: _reason(found) for drug, found in by_drug.items()}
    return holds


def _refuse(reason: str, *, drug_ids: Iterable[int]) -> None:
    raise ConflictError(
        f"{reason} Nessuna preparazione di questo farmaco finché non ne ha preso visione.",
        code=PGX_HOLD_CODE,
        details={"ingredient_ids": sorted(set(drug_ids))},
    )


def ensure_preparation_not_held(prep: Preparation, holds: Mapping[int, str] | None = None) -> None:
    """Refuse (``pgx_result_after_validation``) to go on with a held preparation
    (``holds``: its order's, when read already)."""
    reason = preparation_pgx_hold(prep, holds)
    if reason:
        _refuse(reason, drug_ids=[prep.order_item.ingredient_id])


def ensure_order_not_held(order: TherapyOrder, ingredient_ids: Iterable[int]) -> None:
    """Refuse when any of these drugs of the order is held (the take in charge)."""
    wanted = set(ingredient_ids)
    holds = {k: v for k, v in order_pgx_holds(order).items() if k in wanted}
    if holds:
        _refuse(" ".join(holds.values()), drug_ids=holds)
