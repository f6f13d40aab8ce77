"""What the pharmacy's reports on the drawn drug share: every draw scanned at the hood in the
period (``compounding.selectors_reports.drawn``) with its active ingredient and its euro
(mg × € per mg of the cheapest priced pack, ``pharmacy.Prices``), and a tally that adds
draws up under a key (a product, a patient and product, a diagnosis)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from corsia.compounding.selectors_reports import SharedDraw, drawn
from corsia.drugs.selectors import IngredientInfo, ingredient_choices
from corsia.reports.definitions.pharmacy import Prices, cents, it, period
from corsia.reports.domain.definition import Column, ColumnType, Params


@dataclass(frozen=True)
class PricedDraw:
    draw: SharedDraw
    ingredient: IngredientInfo | None
    eur: Decimal | None  # None: the product has no price


def priced_draws(params: Params) -> Iterator[PricedDraw]:
    """The draws of the period, of the drug, unit (the order's ward) and regimen filtered."""
    since, until = period(params)
    ingredients = {i.pk: i for i in ingredient_choices()}
    prices = Prices()
    found = drawn(
        since=since,
        until=until,
        ingredient_id=params.drug_id,
        ward_id=params.unit_id,
        regimen_id=params.regimen_id,
    )
    for draw in found:
        price = prices.per_mg(draw.product_id, draw.strength_mg)
        yield PricedDraw(
            draw, ingredients.get(draw.ingredient_id), None if price is None else draw.mg * price
        )


@dataclass
class Tally:
    """Draws added up: how many, new vials opened, mg, euro; the products without a price."""

    draws: int = 0
    vials: int = 0
    mg: Decimal = Decimal(0)
    eur: Decimal = Decimal(0)
    preparations: set[int] = field(default_factory=set)
    unpriced: set[str] = field(default_factory=set)

    def add(self, priced: PricedDraw) -> None:
        self.draws += 1
        self.vials += 1 if priced.draw.new_vial else 0
        self.mg += priced.draw.mg
        self.preparations.add(priced.draw.preparation_id)
        if priced.eur is None:
            self.unpriced.add(priced.draw.product_name)
        else:
            self.eur += priced.eur


def money_notes(tallies: list[Tally]) -> tuple[str, ...]:
    """The total and the products counted without euro."""
    total = cents(sum((t.eur for t in tallies), Decimal(0)))
    notes = [f"Valore complessivo: {it(total)} €."]
    unpriced = sorted(set().union(*(t.unpriced for t in tallies))) if tallies else []
    if unpriced:
        notes.append("Senza prezzo (mg contati, euro no): " + ", ".join(unpriced) + ".")
    return tuple(notes)


MG_COLUMN = Column("mg", "Quantità", ColumnType.DECIMAL, "mg", "PreparationVial.mg_drawn")
EUR_COLUMN = Column(
    "eur", "Valore", ColumnType.MONEY, "€", "mg × €/mg della confezione più economica"
)
