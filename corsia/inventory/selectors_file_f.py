"""The rows of the File F extraction read from the stock's movements (the extraction itself,
which is audited, is ``services.file_f_export``), and the keys the direct distribution
desk's File F reads from the stock (cost centres' codes, movements' unit costs). No side
effects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models.functions import TruncDate

from corsia.drugs import selectors as drugs
from corsia.inventory.domain import file_f
from corsia.inventory.models import CostCenter, MovementKind, StockMovement
from corsia.inventory.selectors import month_bounds
from corsia.patients import selectors as patients

Month = tuple[int, int]  # (year, month)


def file_f_dispensations(*, year: int, month: int) -> list[file_f.Dispensation]:
    """Unloads of the month made for a patient and charged to a cost centre, but the direct
    distribution desk's (``file_f.DIRECT_DISTRIBUTION_REFERENCE``: their own File F)."""
    return file_f_dispensations_by_month(first=(year, month), last=(year, month)).get(
        (year, month), []
    )


def file_f_dispensations_by_month(
    *, first: Month, last: Month
) -> dict[Month, list[file_f.Dispensation]]:
    """``file_f_dispensations`` of every month from ``first`` to ``last`` (local months), read
    at once: one query of the movements' own columns, one each for the keys they point to
    (fiscal codes, products' code and ATC, packs' AIC, cost centres), combined by ids. The
    months without any are left out."""
    start, end = month_bounds(*first)[0], month_bounds(*last)[1]
    if end <= start:
        return {}
    moves = list(
        StockMovement.objects.filter(
            kind=MovementKind.UNLOAD,
            at__gte=start,
            at__lt=end,
            patient__isnull=False,
            cost_center__isnull=False,
        )
        .exclude(reference__startswith=file_f.DIRECT_DISTRIBUTION_REFERENCE)
        .order_by("at", "id")
        .annotate(day=TruncDate("at"))
        .values_list(
            "pk",
            "day",
            "patient_id",
            "product_id",
            "pack_id",
            "lot",
            "quantity",
            "unit_cost",
            "cost_center_id",
        )
    )
    if not moves:
        return {}
    product_ids = {m[3] for m in moves}
    aics: dict[int, set[str]] = defaultdict(set)
    pack_aic: dict[int, str] = {}
    for pack_id, product_id, aic in drugs.pack_aics(
        product_ids=product_ids, pack_ids={m[4] for m in moves if m[4] is not None}
    ):
        pack_aic[pack_id] = aic
        if aic and product_id in product_ids:
            aics[product_id].add(aic)
    single_aic = {pid: next(iter(found)) for pid, found in aics.items() if len(found) == 1}
    fiscal = patients.fiscal_codes({m[2] for m in moves})
    products = drugs.product_codes_and_atc(product_ids)
    centers = dict(
        CostCenter.objects.filter(pk__in={m[8] for m in moves}).values_list("pk", "code")
    )
    result: dict[Month, list[file_f.Dispensation]] = defaultdict(list)
    for pk, day, patient_id, product_id, pack_id, lot, quantity, unit_cost, center in moves:
        code, atc = products[product_id]
        result[(day.year, day.month)].append(
            file_f.Dispensation(
                patient_fiscal_code=fiscal[patient_id],
                day=day,
                aic=pack_aic.get(pack_id) or single_aic.get(product_id, ""),
                atc=atc,
                quantity=quantity,
                unit_cost=unit_cost,
                cost_center=centers[center],
                source=f"movimento {pk} ({code}, lotto {lot})",
                patient_id=patient_id,
            )
        )
    return dict(result)


def cost_center_codes(cost_center_ids: Iterable[int]) -> dict[int, str]:
    """Cost centre id -> its code (one query, two columns)."""
    return dict(CostCenter.objects.filter(pk__in=set(cost_center_ids)).values_list("pk", "code"))


def movement_unit_costs(movement_ids: Iterable[int]) -> dict[int, Decimal]:
    """Movement id -> its unit cost (two columns; one query per 5,000 ids): the cost a
    dispensing's line is charged at."""
    ids, costs = sorted(set(movement_ids)), dict[int, Decimal]()
    for at in range(0, len(ids), 5000):
        chunk = StockMovement.objects.filter(pk__in=ids[at : at + 5000])
        costs.update(chunk.values_list("pk", "unit_cost"))
    return costs
