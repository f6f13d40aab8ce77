"""Consumption by cost centre for the hospital's accounting (pure): the export's rows and
their CSV and JSON renderings. Columns documented in ``corsia/inventory/README.md``
(*Consumption export*)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
COLUMNS = (
    "cost_center_code",
    "cost_center_name",
    "product_code",
    "product_name",
    "aic",
    "units",
    "packs",
    "value_eur",
)


@dataclass(frozen=True)
class ConsumptionLine:
    """Net consumption (unloads − returns) of one product by one cost centre."""

    cost_center_code: str
    cost_center_name: str
    product_code: str
    product_name: str
    aic: str  # the pack's AIC; several packs: their AICs joined by "|"; none: ""
    units: int
    units_per_pack: int | None  # None when the packs differ or are unknown
    value: Decimal  # exact (each movement at its own unit cost)
    unloaded: int = 0  # units unloaded (charged) in the period
    returned: int = 0  # units given back (credited) in the period
    ward_id: int | None = None  # the cost centre's ward (patients.Ward), if any

    @property
    def packs(self) -> Decimal | None:
        """Units ÷ units per pack, to 0.01 half up (a part pack shows as a fraction)."""
        if not self.units_per_pack:
            return None
        return (Decimal(self.units) / self.units_per_pack).quantize(CENT, ROUND_HALF_UP)

    @property
    def value_eur(self) -> Decimal:
        return self.value.quantize(CENT, ROUND_HALF_UP)


def _cells(line: ConsumptionLine) -> list[str]:
    packs = line.packs
    return [
        line.cost_center_code,
        line.cost_center_name,
        line.product_code,
        line.product_name,
        line.aic,
        str(line.units),
        "" if packs is None else f"{packs:f}",
        f"{line.value_eur:f}",
    ]


def consumption_csv(lines: list[ConsumptionLine]) -> str:
    """``;``-separated, header first, decimal point ``.``, UTF-8 (the caller adds the BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow(_cells(line))
    return out.getvalue()


def consumption_json(lines: list[ConsumptionLine], *, since: date, until: date) -> dict[str, Any]:
    """The period (both days included), the rows (decimals as strings) and the total."""
    total = sum((line.value for line in lines), start=Decimal(0)).quantize(CENT, ROUND_HALF_UP)
    return {
        "schema": "corsia.inventory.consumption/1",
        "since": since.isoformat(),
        "until": until.isoformat(),
        "total_value_eur": f"{total:f}",
        "rows": [
            {
                "cost_center_code": line.cost_center_code,
                "cost_center_name": line.cost_center_name,
                "product_code": line.product_code,
                "product_name": line.product_name,
                "aic": line.aic,
                "units": line.units,
                "packs": None if line.packs is None else f"{line.packs:f}",
                "value_eur": f"{line.value_eur:f}",
            }
            for line in lines
        ],
    }
