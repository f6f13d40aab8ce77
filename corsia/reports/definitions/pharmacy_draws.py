"""What the pharmacy's reports on the drawn drug share: the draws scanned at the hood in the
period added up in SQL (``compounding.selectors_reports.draw_totals``: per product, per
patient and product, per order and product), the products' names, ingredients and € per mg
(``pharmacy.Catalogue``), and a tally that adds totals up under a key (a product, a patient
and product, a diagnosis). The euro of a tally = its mg of each product × that product's
€ per mg (the mg summed exactly first)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from corsia.compounding.selectors_reports import DrawTotal, Grouping, draw_totals
from corsia.reports.definitions.pharmacy import Catalogue, cents, it, period
from corsia.reports.domain.definition import Column, ColumnType, Params


def totals_of(params: Params, per: Grouping) -> tuple[list[DrawTotal], Catalogue]:
    """The draws of the period, of the drug, unit (the order's ward) and regimen filtered,
    added up per product (and patient, or order); the catalogue of their products."""
    since, until = period(params)
    totals = draw_totals(
        since=since,
        until=until,
        per=per,
        ingredient_id=params.drug_id,
        ward_id=params.unit_id,
        regimen_id=params.regimen_id,
        preparations=per == "patient",
    )
    return totals, Catalogue({t.product_id for t in totals})


@dataclass
class Tally:
    """Draws added up: how many, new vials opened, preparations, mg per product; its euro
    and the products without a price once :meth:`price` has run."""

    draws: int = 0
    vials: int = 0
    preparations: int = 0
    mg_per_product: dict[int, Decimal] = field(default_factory=dict)
    eur: Decimal = Decimal(0)
    unpriced: set[str] = field(default_factory=set)

    @property
    def mg(self) -> Decimal:
        return sum(self.mg_per_product.values(), Decimal(0))

    def add(self, total: DrawTotal, *, count_preparations: bool = True) -> None:
        """Add a total; its preparations too unless the caller counts them otherwise (a
        preparation drawing two products is one)."""
        self.draws += total.draws
        self.vials += total.new_vials
        if count_preparations:
            self.preparations += total.preparations
        self.mg_per_product[total.product_id] = (
            self.mg_per_product.get(total.product_id, Decimal(0)) + total.mg
        )

    def price(self, catalogue: Catalogue) -> Tally:
        self.eur, self.unpriced = Decimal(0), set()
        for product_id, mg in self.mg_per_product.items():
            per_mg = catalogue.per_mg(product_id)
            if per_mg is None:
                self.unpriced.add(catalogue.name(product_id))
            else:
                self.eur += mg * per_mg
        return self


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
