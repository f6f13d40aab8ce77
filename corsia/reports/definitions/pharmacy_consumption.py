"""Consumption of drugs by the compounding unit (capitolato §21): every mg drawn at the hood
(from new vials or leftovers) per product, and the euro it is worth; the same for the
high-cost drugs alone (``alto costo`` in the drug archive). Read through compounding's
``selectors_reports.draw_totals`` (per product, summed in SQL) and the archive's prices (see ``pharmacy.py``)."""

from __future__ import annotations

from corsia.drugs.selectors import ingredient_choices
from corsia.reports.definitions.pharmacy import AREA, cents, hundredths
from corsia.reports.definitions.pharmacy_draws import (
    EUR_COLUMN,
    MG_COLUMN,
    Tally,
    money_notes,
    totals_of,
)
from corsia.reports.domain.definition import (
    ChartSpec,
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


def _consumption(params: Params, *, high_cost_only: bool) -> ReportResult:
    totals, catalogue = totals_of(params, "product")
    ingredients = {i.pk: i for i in ingredient_choices()}
    lines: list[tuple[str, str, Tally]] = []
    for total in totals:  # one per product
        info = ingredients.get(catalogue.ingredient_id(total.product_id))
        if high_cost_only and (info is None or not info.high_cost):
            continue
        tally = Tally()
        tally.add(total)
        name = info.name_it if info else "?"
        lines.append((name, catalogue.name(total.product_id), tally.price(catalogue)))
    ordered = sorted(lines, key=lambda e: (-e[2].eur, e[0], e[1]))
    return ReportResult(
        columns=(
            Column("ingredient", "Principio attivo"),
            Column("product", "Prodotto", source="compounding.PreparationVial.product"),
            Column("draws", "Prelievi", ColumnType.INTEGER, source="flaconi e residui scansionati"),
            MG_COLUMN,
            EUR_COLUMN,
        ),
        rows=tuple(
            (ingredient, product, t.draws, hundredths(t.mg), cents(t.eur))
            for ingredient, product, t in ordered
        ),
        chart=ChartSpec("bar", "product", ("eur",), "Valore per prodotto"),
        notes=money_notes([t for _, _, t in ordered]),
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
