"""Stock unload flows (scarichi di magazzino, capitolato §21): per cost centre and product,
the units unloaded from the pharmacy's stock and charged to it, the units given back, the
net units, packs and euro over the period (each movement at its own unit cost), with the
total of each cost centre. The same figures as the accounting flow
(``inventory.selectors.consumption_lines``: its CSV/JSON at ``/inventory/consumption/
export/`` and ``/api/v1/inventory/consumption``); the column keys are that flow's names."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from corsia.inventory.domain.accounting import ConsumptionLine
from corsia.inventory.selectors import MAX_EXPORT_DAYS, consumption_lines
from corsia.reports.definitions.pharmacy import AREA, cents, it, period
from corsia.reports.domain.definition import (
    Column,
    ColumnType,
    Filter,
    Params,
    Progress,
    ReportDefinition,
    ReportResult,
)
from corsia.reports.domain.registry import register
from corsia.reports.permissions import PHARMACY

SOURCE = "inventory.StockMovement"


def unload_lines(params: Params, progress: Progress) -> list[ConsumptionLine]:
    """The accounting flow's lines over the whole period (read a year at a time, the
    flow's limit, and added up), of the unit's cost centres when a unit is chosen."""
    since, until = period(params)
    merged: dict[tuple[str, str], ConsumptionLine] = {}
    start, days = since, (until - since).days + 1
    while start <= until:
        end = min(until, start + timedelta(days=MAX_EXPORT_DAYS - 1))
        for line in consumption_lines(since=start, until=end):
            if params.unit_id is not None and line.ward_id != params.unit_id:
                continue
            key = (line.cost_center_code, line.product_code)
            had = merged.get(key)
            merged[key] = line if had is None else _added(had, line)
        progress(100 * ((end - since).days + 1) // days)
        start = end + timedelta(days=1)
    return sorted(merged.values(), key=lambda r: (r.cost_center_code, r.product_name))


def _added(one: ConsumptionLine, other: ConsumptionLine) -> ConsumptionLine:
    aics = sorted({a for a in (one.aic + "|" + other.aic).split("|") if a})
    return replace(
        one,
        aic="|".join(aics),
        units=one.units + other.units,
        unloaded=one.unloaded + other.unloaded,
        returned=one.returned + other.returned,
        value=one.value + other.value,
        units_per_pack=one.units_per_pack if one.units_per_pack == other.units_per_pack else None,
    )


def _run(params: Params, progress: Progress) -> ReportResult:
    lines = unload_lines(params, progress)
    centres: dict[tuple[str, str], Decimal] = {}
    for line in lines:
        key = (line.cost_center_code, line.cost_center_name)
        centres[key] = centres.get(key, Decimal(0)) + line.value
    total = cents(sum(centres.values(), Decimal(0)))
    return ReportResult(
        columns=(
            Column("cost_center_code", "Centro di costo", source=f"{SOURCE}.cost_center"),
            Column("cost_center_name", "Nome del centro di costo", source="inventory.CostCenter"),
            Column("product_code", "Codice prodotto", source=f"{SOURCE}.product"),
            Column("product_name", "Prodotto", source="drugs.MedicinalProduct.name"),
            Column(
                "aic", "AIC", source="confezioni dei movimenti, altrimenti l'unica del prodotto"
            ),
            Column("unloaded", "Scaricate", ColumnType.INTEGER, "unità", "movimenti «scarico»"),
            Column("returned", "Rese", ColumnType.INTEGER, "unità", "movimenti «reso»"),
            Column("units", "Nette", ColumnType.INTEGER, "unità", "scaricate − rese"),
            Column(
                "packs", "Confezioni", ColumnType.DECIMAL, source="nette ÷ unità per confezione"
            ),
            Column(
                "value_eur",
                "Valore",
                ColumnType.MONEY,
                "€",
                "quantità × costo unitario del movimento",
            ),
        ),
        rows=tuple(
            (
                line.cost_center_code,
                line.cost_center_name,
                line.product_code,
                line.product_name,
                line.aic,
                line.unloaded,
                line.returned,
                line.units,
                line.packs,
                line.value_eur,
            )
            for line in lines
        ),
        notes=(
            f"Totale: {it(total)} €.",
            *(
                f"Totale {code} {name}: {it(cents(value))} €."
                for (code, name), value in centres.items()
            ),
            "Gli scarti eliminati non sono consumo. Il flusso per la contabilità (CSV con punto "
            "decimale, JSON) è nella pagina «Consumi per centro di costo» del magazzino.",
        ),
    )


register(
    ReportDefinition(
        code="pharmacy_stock_unloads",
        title="Flussi di scarico del magazzino",
        description=(
            "Per centro di costo e prodotto: unità scaricate, rese, nette, confezioni ed "
            "euro nel periodo, con il totale di ogni centro di costo."
        ),
        permission=PHARMACY,
        area=AREA,
        filters=frozenset({Filter.PERIOD, Filter.UNIT}),
        run=_run,
    )
)
