"""Consumption of drugs by the compounding unit (capitolato §21): every mg drawn at the hood
(from new vials or leftovers) per product, and the euro it is worth; the same for the
high-cost drugs alone (``alto costo`` in the drug archive). Read through compounding's
``selectors_reports.drawn`` and the archive's prices (see ``pharmacy.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from corsia.compounding.selectors_reports import drawn
from corsia.drugs.selectors import ingredient_choices
from corsia.reports.definitions.pharmacy import AREA, Prices, cents, hundredths, it, period
from corsia.reports.domain.definition import (
    ChartSpec,
    Column,
    ColumnType,
    Filter,
    Params,
    Progress,
    ReportDefinition,
    ReportResult,
    Value,
)
from corsia.reports.domain.registry import register
from corsia.reports.permissions import PHARMACY


@dataclass
class _Line:
    ingredient: str
    product: str
    draws: int = 0
    mg: Decimal = Decimal(0)
    eur: Decimal = Decimal(0)
    unpriced: bool = False


def _consumption(params: Params, *, high_cost_only: bool) -> ReportResult:
    since, until = period(params)
    ingredients = {i.pk: i for i in ingredient_choices()}
    prices = Prices()
    lines: dict[int, _Line] = {}
    for draw in drawn(since=since, until=until, ingredient_id=params.drug_id):
        info = ingredients.get(draw.ingredient_id)
        if high_cost_only and (info is None or not info.high_cost):
            continue
        entry = lines.setdefault(
            draw.product_id, _Line(info.name_it if info else "?", draw.product_name)
        )
        entry.draws += 1
        entry.mg += draw.mg
        price = prices.per_mg(draw.product_id, draw.strength_mg)
        if price is None:
            entry.unpriced = True
        else:
            entry.eur += draw.mg * price
    ordered = sorted(lines.values(), key=lambda e: (-e.eur, e.ingredient, e.product))
    rows: tuple[tuple[Value, ...], ...] = tuple(
        (e.ingredient, e.product, e.draws, hundredths(e.mg), cents(e.eur)) for e in ordered
    )
    total = cents(sum((e.eur for e in ordered), Decimal(0)))
    notes = [f"Valore complessivo: {it(total)} €."]
    unpriced = sorted(e.product for e in ordered if e.unpriced)
    if unpriced:
        notes.append("Senza prezzo (mg contati, euro no): " + ", ".join(unpriced) + ".")
    return ReportResult(
        columns=(
            Column("ingredient", "Principio attivo"),
            Column("product", "Prodotto", source="compounding.PreparationVial.product"),
            Column("draws", "Prelievi", ColumnType.INTEGER, source="flaconi e residui scansionati"),
            Column("mg", "Quantità", ColumnType.DECIMAL, "mg", "PreparationVial.mg_drawn"),
            Column(
                "eur", "Valore", ColumnType.MONEY, "€", "mg × €/mg della confezione più economica"
            ),
        ),
        rows=rows,
        chart=ChartSpec("bar", "product", ("eur",), "Valore per prodotto"),
        notes=tuple(notes),
    )


def _all(params: Params, progress: Progress) -> ReportResult:
    return _consumption(params, high_cost_only=False)


def _high_cost(params: Params, progress: Progress) -> ReportResult:
    return _consumption(params, high_cost_only=True)


CONSUMPTION = register(
    ReportDefinition(
        code="pharmacy_consumption",
        title="Consumo di farmaci nelle preparazioni",
        description=(
            "Per prodotto: quanti prelievi, quanti mg e quanti euro sono andati nelle "
            "preparazioni della UFA (flaconi nuovi e residui)."
        ),
        permission=PHARMACY,
        area=AREA,
        filters=frozenset({Filter.PERIOD, Filter.DRUG}),
        run=_all,
    )
)
HIGH_COST = register(
    ReportDefinition(
        code="pharmacy_high_cost",
        title="Consumo di farmaci ad alto costo",
        description=(
            "Il consumo nelle preparazioni dei soli principi attivi segnati «alto costo» "
            "nell'archivio farmaci: mg ed euro per prodotto."
        ),
        permission=PHARMACY,
        area=AREA,
        filters=frozenset({Filter.PERIOD, Filter.DRUG}),
        run=_high_cost,
    )
)
