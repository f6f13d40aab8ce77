"""The pharmacy's extractions (capitolato §21): leftovers, waste and the euro saved by vial
sharing; the operators exposed to hazardous drugs and for how long; the year's summary a
pharmacy director asks for. Read through compounding's ``selectors_reports`` and the drug
archive's public selectors.

Prices: the cheapest priced pack of the product, per unit (``drugs.selectors.
product_unit_prices``, one query per run), divided by the product's strength in mg (one unit = one vial): the
euro per mg. A product without a priced pack counts its mg and no euro (named in the notes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from corsia.compounding.selectors_reports import draw_totals, exposure_totals, leftovers_wasted
from corsia.drugs.selectors import ingredient_choices, product_unit_prices, products_by_id
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

AREA = "Farmacia"
CENT = Decimal("0.01")
MG = Decimal("0.01")


def it(value: Decimal) -> str:
    """A figure as an Italian reader writes it (decimal comma)."""
    return format(value, "f").replace(".", ",")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def hundredths(value: Decimal) -> Decimal:
    return value.quantize(MG, rounding=ROUND_HALF_UP)


class Catalogue:
    """The products a run counts: name, ingredient, € per mg (two queries per run)."""

    def __init__(self, product_ids: Iterable[int]) -> None:
        ids = set(product_ids)
        products = products_by_id(ids)
        units = product_unit_prices(product_ids=ids) if ids else {}
        self._names = {pk: str(p) for pk, p in products.items()}
        self._ingredients = {pk: p.ingredient_id for pk, p in products.items()}
        self._per_mg: dict[int, Decimal | None] = {}
        for pk, product in products.items():
            strength = product.strength if product.strength_unit == "mg" else None
            unit = units.get(pk)
            self._per_mg[pk] = unit / strength if unit and strength else None

    def name(self, product_id: int) -> str:
        return self._names[product_id]

    def ingredient_id(self, product_id: int) -> int:
        return self._ingredients[product_id]

    def per_mg(self, product_id: int) -> Decimal | None:
        return self._per_mg[product_id]


def period(params: Params) -> tuple[date, date]:
    assert params.period_from is not None and params.period_to is not None  # PERIOD taken
    return params.period_from, params.period_to


@dataclass
class _WasteLine:
    ingredient: str
    product: str
    reused_mg: Decimal = Decimal(0)
    wasted_mg: Decimal = Decimal(0)
    wasted_eur: Decimal = Decimal(0)
    saved_eur: Decimal = Decimal(0)
    unpriced: bool = False


def waste_lines(params: Params) -> list[_WasteLine]:
    """Per product: leftover mg opened, reused (vial sharing), wasted; € wasted and saved."""
    since, until = period(params)
    wasted = leftovers_wasted(since=since, until=until, ingredient_id=params.drug_id)
    reused = draw_totals(
        since=since, until=until, ingredient_id=params.drug_id, leftovers_only=True
    )
    catalogue = Catalogue({w.product_id for w in wasted} | {r.product_id for r in reused})
    names = {i.pk: i.name_it for i in ingredient_choices()}
    lines: dict[int, _WasteLine] = {}

    def line(product_id: int) -> _WasteLine:
        if product_id not in lines:
            ingredient = names.get(catalogue.ingredient_id(product_id), "?")
            lines[product_id] = _WasteLine(ingredient, catalogue.name(product_id))
        return lines[product_id]

    for product in wasted:
        line(product.product_id).wasted_mg += product.mg
    for draw in reused:
        line(draw.product_id).reused_mg += draw.mg
    for product_id, entry in lines.items():
        price = catalogue.per_mg(product_id)
        if price is None:
            entry.unpriced = True
        else:
            entry.wasted_eur = entry.wasted_mg * price
            entry.saved_eur = entry.reused_mg * price
    return sorted(lines.values(), key=lambda w: (-w.wasted_eur, w.ingredient, w.product))


def _waste_run(params: Params, progress: Progress) -> ReportResult:
    lines = waste_lines(params)
    progress(80)
    rows: list[tuple[Value, ...]] = [
        (
            w.ingredient,
            w.product,
            hundredths(w.reused_mg + w.wasted_mg),
            hundredths(w.reused_mg),
            hundredths(w.wasted_mg),
            cents(w.wasted_eur),
            cents(w.saved_eur),
        )
        for w in lines
    ]
    wasted = cents(sum((w.wasted_eur for w in lines), Decimal(0)))
    saved = cents(sum((w.saved_eur for w in lines), Decimal(0)))
    notes = [
        f"Totale spreco: {it(wasted)} €; totale risparmio da condivisione dei flaconi: {it(saved)} €.",
        "Risparmio: mg prelevati da residui × prezzo al mg (il flacone nuovo non aperto).",
        "Spreco: residui scaduti o eliminati nel periodo × prezzo al mg.",
    ]
    unpriced = sorted({w.product for w in lines if w.unpriced})
    if unpriced:
        notes.append("Senza prezzo (mg contati, euro no): " + ", ".join(unpriced) + ".")
    return ReportResult(
        columns=(
            Column("ingredient", "Principio attivo", source="drugs: principio attivo del prodotto"),
            Column(
                "product", "Prodotto", source="compounding.Leftover / PreparationVial: prodotto"
            ),
            Column(
                "residual_mg",
                "Residui generati",
                ColumnType.DECIMAL,
                "mg",
                "riutilizzati + eliminati nel periodo",
            ),
            Column(
                "reused_mg",
                "Riutilizzati (condivisione)",
                ColumnType.DECIMAL,
                "mg",
                "compounding.PreparationVial da residuo: mg prelevati",
            ),
            Column(
                "wasted_mg",
                "Eliminati",
                ColumnType.DECIMAL,
                "mg",
                "compounding.Leftover scaduti o eliminati: volume × concentrazione",
            ),
            Column("wasted_eur", "Spreco", ColumnType.MONEY, "€", "mg eliminati × €/mg"),
            Column("saved_eur", "Risparmio", ColumnType.MONEY, "€", "mg riutilizzati × €/mg"),
        ),
        rows=tuple(rows),
        chart=ChartSpec(
            "bar", "product", ("wasted_eur", "saved_eur"), "Spreco e risparmio per prodotto"
        ),
        notes=tuple(notes),
    )


WASTE = register(
    ReportDefinition(
        code="pharmacy_waste",
        title="Residui, sprechi e risparmi",
        description=(
            "Per prodotto: i mg rimasti nei flaconi aperti, quanti riutilizzati in altre "
            "preparazioni (condivisione dei flaconi) e quanti eliminati; lo spreco e il "
            "risparmio in euro."
        ),
        permission=PHARMACY,
        area=AREA,
        filters=frozenset({Filter.PERIOD, Filter.DRUG}),
        run=_waste_run,
    )
)


@dataclass(frozen=True)
class _ExposureLine:
    operator: str
    ingredient: str
    preparations: int
    minutes: Decimal


def exposure_lines(params: Params) -> list[_ExposureLine]:
    """Per operator and hazardous (antineoplastic) ingredient: preparations and minutes."""
    since, until = period(params)
    hazardous = {i.pk: i.name_it for i in ingredient_choices() if i.is_antineoplastic}
    lines = [
        _ExposureLine(t.operator_name, hazardous[t.ingredient_id], t.preparations, t.minutes)
        for t in exposure_totals(
            since=since, until=until, operator_id=params.operator_id, ingredient_id=params.drug_id
        )
        if t.ingredient_id in hazardous
    ]
    return sorted(lines, key=lambda e: (e.operator, e.ingredient))


def _exposure_run(params: Params, progress: Progress) -> ReportResult:
    lines = exposure_lines(params)
    per_operator: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        per_operator[line.operator] += line.minutes
    rows = tuple(
        (
            e.operator,
            e.ingredient,
            e.preparations,
            hundredths(e.minutes),
            hundredths(per_operator[e.operator]),
        )
        for e in lines
    )
    total = hundredths(sum(per_operator.values(), Decimal(0)))
    return ReportResult(
        columns=(
            Column("operator", "Operatore", source="compounding.ExposureRecord.operator"),
            Column(
                "ingredient", "Farmaco pericoloso", source="antineoplastici dell'archivio farmaci"
            ),
            Column("preparations", "Preparazioni", ColumnType.INTEGER),
            Column(
                "minutes",
                "Esposizione",
                ColumnType.DECIMAL,
                "min",
                "fine − inizio della manipolazione",
            ),
            Column("operator_minutes", "Totale operatore", ColumnType.DECIMAL, "min"),
        ),
        rows=rows,
        chart=ChartSpec(
            "bar", "operator", ("minutes",), "Minuti di esposizione per operatore e farmaco"
        ),
        notes=(
            f"Operatori esposti: {len(per_operator)}; esposizione complessiva: {it(total)} min.",
            "Registro di esposizione della UFA (D.Lgs. 81/2008, titolo IX): dall'inizio "
            "dell'allestimento alla pesata finale, per i soli farmaci antineoplastici.",
        ),
    )


EXPOSURE = register(
    ReportDefinition(
        code="pharmacy_exposure",
        title="Operatori esposti e tempi di esposizione",
        description=(
            "Chi ha manipolato farmaci antineoplastici alla cappa, quali, in quante "
            "preparazioni e per quanti minuti (registro di esposizione)."
        ),
        permission=PHARMACY,
        area=AREA,
        filters=frozenset({Filter.PERIOD, Filter.OPERATOR, Filter.DRUG}),
        run=_exposure_run,
    )
)


def _summary_run(params: Params, progress: Progress) -> ReportResult:
    waste = waste_lines(params)
    progress(50)
    exposure = exposure_lines(params)
    wasted_mg = hundredths(sum((w.wasted_mg for w in waste), Decimal(0)))
    reused_mg = hundredths(sum((w.reused_mg for w in waste), Decimal(0)))
    wasted = cents(sum((w.wasted_eur for w in waste), Decimal(0)))
    saved = cents(sum((w.saved_eur for w in waste), Decimal(0)))
    minutes = hundredths(sum((e.minutes for e in exposure), Decimal(0)))
    operators = len({e.operator for e in exposure})
    rows: tuple[tuple[Value, ...], ...] = (
        ("Spreco di farmaco (residui scaduti o eliminati)", wasted, "€"),
        ("Risparmio da condivisione dei flaconi", saved, "€"),
        ("Farmaco eliminato", wasted_mg, "mg"),
        ("Farmaco riutilizzato da residui", reused_mg, "mg"),
        ("Esposizione degli operatori ai farmaci antineoplastici", minutes, "min"),
        ("Operatori esposti", Decimal(operators), "persone"),
    )
    return ReportResult(
        columns=(
            Column("indicator", "Indicatore"),
            Column("value", "Valore", ColumnType.DECIMAL),
            Column("unit", "Unità"),
        ),
        rows=rows,
        notes=(
            "Dettaglio: «Residui, sprechi e risparmi» e «Operatori esposti e tempi di esposizione».",
        ),
    )


SUMMARY = register(
    ReportDefinition(
        code="pharmacy_summary",
        title="Sintesi della farmacia: spreco, risparmio, esposizione",
        description=(
            "Le cifre dell'anno (o del periodo scelto) per la direzione: euro sprecati, "
            "euro risparmiati con la condivisione dei flaconi, minuti di esposizione degli "
            "operatori."
        ),
        permission=PHARMACY,
        area=AREA,
        filters=frozenset({Filter.PERIOD}),
        run=_summary_run,
    )
)
