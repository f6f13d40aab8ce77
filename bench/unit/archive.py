"""The products of the archive the unit prepares from (Django, after ``django.setup()``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import psycopg

from bench.records import UnitItem
from bench.unit.constants import G
from corsia.compounding.domain.preparation import Preparation as Completion
from corsia.compounding.domain.preparation import complete_preparation
from corsia.compounding.domain.product import (
    ProductData,
    StorageTemperature,
    storage_temperature_from_text,
)
from corsia.compounding.domain.vials.inputs import VialSize
from corsia.core.domain.errors import CorsiaError

# Only pure domain code at module level: ``bench/__main__.py`` imports this module (through
# ``bench.generate``) before ``django.setup()``, so the ORM-backed modules (models, services,
# products) are imported inside the functions that run after it.
if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct


# ------------------------------------------------------------------ the archive (Django)


@dataclass(frozen=True)
class Product:
    id: int
    code: str
    data: ProductData
    pack_id: int | None
    barcode_kind: str  # "aic" | "gtin" | ""
    barcode_code: str
    unit_cost: Decimal
    units_per_pack: int
    supplier: str
    location_id: int
    family: tuple[VialSize, ...]


@dataclass
class Archive:
    """The compounding view of the drug archive: product choice and completion, cached."""

    products: dict[str, Product] = field(default_factory=dict)
    choice: dict[tuple[int, int], str | None] = field(default_factory=dict)
    strengths: dict[int, list[Decimal]] = field(default_factory=dict)
    completions: dict[tuple[str, Decimal, str], tuple[Completion | None, str]] = field(
        default_factory=dict
    )
    ingredients: dict[int, tuple[str, str]] = field(default_factory=dict)
    locations: dict[str, int] = field(default_factory=dict)

    def product_for(self, item: UnitItem) -> Product | None:
        """``choose_product`` of the line, asked once per ingredient and strength band."""
        strengths = self.strengths.get(item.ingredient_id, [])
        band = sum(1 for s in strengths if s <= item.final_dose)
        key = (item.ingredient_id, band)
        if key not in self.choice:
            from corsia.compounding.services import choose_product
            from corsia.prescribing.models import OrderItem

            chosen = choose_product(
                OrderItem(ingredient_id=item.ingredient_id, final_dose=item.final_dose)
            )
            self.choice[key] = chosen.code if chosen is not None else None
            if chosen is not None and chosen.code not in self.products:
                self._add(chosen)
        code = self.choice[key]
        return self.products[code] if code is not None else None

    def _add(self, chosen: MedicinalProduct) -> None:
        from corsia.compounding.products import NotCompoundable, family_products, product_data
        from corsia.drugs.models import Pack

        sizes: list[VialSize] = []
        members: list[tuple[MedicinalProduct, ProductData]] = []
        for member in family_products(chosen):
            try:
                members.append((member, product_data(member)))
            except NotCompoundable:
                continue
        for member, data in members:
            packs = [
                p
                for p in Pack.objects.filter(product=member).order_by("code")
                if p.units_per_pack and p.price_eur is not None
            ]
            unit = min(
                (Decimal(p.price_eur or 0) / p.units_per_pack for p in packs), default=Decimal(0)
            )
            sizes.append(VialSize(member.code, data.family, data.strength_mg, unit.quantize(G)))
        for member, data in members:
            pack = Pack.objects.filter(product=member).order_by("-price_eur", "code").first()
            kind, code = "", ""
            if pack is not None and pack.aic:
                kind, code = "aic", pack.aic
            elif pack is not None and pack.gtin:
                kind, code = "gtin", pack.gtin
            cold = storage_temperature_from_text(member.storage) is StorageTemperature.REFRIGERATED
            price = next(s.price_eur for s in sizes if s.product_code == member.code)
            self.products[member.code] = Product(
                id=member.pk,
                code=member.code,
                data=data,
                pack_id=pack.pk if pack is not None else None,
                barcode_kind=kind,
                barcode_code=code,
                unit_cost=price,
                units_per_pack=(pack.units_per_pack if pack is not None else 1) or 1,
                supplier=member.holder or "Distributore intermedio",
                location_id=self.locations["FRIGO-1A" if cold else "FARM-A1"],
                family=tuple(sizes),
            )

    def complete(
        self, product: Product, item: UnitItem, at: datetime, opened_at: datetime | None = None
    ) -> tuple[Completion | None, str]:
        """The worksheet of the line, as ``order_take_charge`` completes it."""
        key = (product.code, item.final_dose, item.preparation)
        if opened_at is None and key in self.completions:
            done, reason = self.completions[key]
            if done is None:
                return None, reason
            shift = at - done.prepared_at
            return _shifted(done, shift), ""
        from corsia.compounding.services import requested_bag  # the regimen's bag text

        diluent, volume = requested_bag(item.preparation)

        def attempt(
            diluent: str | None = None, bag_volume_ml: Decimal | None = None
        ) -> tuple[Completion | None, str]:
            try:
                done = complete_preparation(
                    dose_mg=item.final_dose,
                    product=product.data,
                    prepared_at=at,
                    opened_at=opened_at,
                    diluent=diluent,
                    bag_volume_ml=bag_volume_ml,
                )
            except CorsiaError as refused:
                return None, refused.message
            return done, ""

        result = attempt(diluent=diluent, bag_volume_ml=volume)
        if result[0] is None and diluent is not None:
            result = attempt()  # the regimen's bag does not fit: the archive chooses
        if opened_at is None:
            self.completions[key] = result
        return result


def _shifted(done: Completion, shift: timedelta) -> Completion:
    return replace(done, prepared_at=done.prepared_at + shift, expiry=done.expiry + shift)


def load_archive(cur: psycopg.Cursor[Any]) -> Archive:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CORSIA_DEMO", "1")
    import django

    django.setup()
    archive = Archive()
    for ingredient_id, strength in cur.execute(
        "SELECT ingredient_id, strength FROM drugs_medicinalproduct WHERE strength IS NOT NULL "
        "AND concentration IS NOT NULL AND biosimilar_of_id IS NULL "
        "AND physical_state NOT IN ('', 'solid_oral', 'other') ORDER BY strength"
    ):
        archive.strengths.setdefault(ingredient_id, []).append(strength)
    archive.ingredients = {
        r[0]: (r[1], r[2])
        for r in cur.execute(
            "SELECT id, code, coalesce(nullif(name_it, ''), name_en) FROM drugs_activeingredient"
        )
    }
    archive.locations = dict(
        cur.execute("SELECT code, id FROM inventory_storagelocation").fetchall()
    )
    return archive
