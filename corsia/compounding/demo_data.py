"""Reference data the UFA needs in tests and in the demo: the archive's FOLFOX products
(loaded from the shipped catalogue) with packs carrying **fictitious** AIC codes.

The shipped archive has no AIC codes (they come from the hospital's drug database). The
demo packs get codes starting with ``9`` — no real AIC pack code starts with 9 — with a
valid check digit, so they scan like real packs and can never be mistaken for one.
"""

from __future__ import annotations

import json

from corsia.drugs.domain.aic import aic_check_digit
from corsia.drugs.selectors import packs_by_code, products_of_ingredients
from corsia.drugs.services import REFERENCE_CATALOGUE, catalogue_import

FOLFOX_INGREDIENTS = ("oxaliplatin", "calcium_folinate", "fluorouracil")
DEMO_PACK_SOURCE = "demo Corsia: AIC fittizio (inizia per 9)"


def demo_aic(number: int) -> str:
    """A fictitious, check-digit-valid AIC: ``9`` + 7 digits + check digit."""
    body = f"9{number:07d}"
    return f"{body}{aic_check_digit(body)}"


def load_products(ingredients: tuple[str, ...] = FOLFOX_INGREDIENTS) -> None:
    """Import only these ingredients, their products and one-unit packs from the archive."""
    lines = []
    for line in REFERENCE_CATALOGUE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        record = json.loads(line)
        kind = record.get("type")
        if (kind == "ingredient" and record["code"] in ingredients) or (
            kind == "product" and record["ingredient"] in ingredients
        ):
            lines.append(line)
    catalogue_import(
        content="\n".join(lines).encode("utf-8"),
        file_name="compounding-subset.jsonl",
        source="Corsia catalogue subset (compounding)",
    )


def ensure_demo_packs(ingredients: tuple[str, ...] = FOLFOX_INGREDIENTS) -> dict[str, str]:
    """One pack per product of these ingredients with a fictitious AIC; product code → AIC.

    The missing packs are added through the archive's import (its history and audit say
    where they came from); a pack already there keeps its AIC."""
    products = products_of_ingredients(codes=ingredients)
    wanted = {product.code: f"demo-{product.code}" for product in products}
    existing = packs_by_code(wanted.values())
    records = [
        {
            "type": "pack",
            "code": wanted[product.code],
            "product": product.code,
            "aic": demo_aic(number),
            "description": f"{product.name} (confezione dimostrativa, AIC fittizio)",
            "data_source": DEMO_PACK_SOURCE,
        }
        for number, product in enumerate(products, start=1)
        if wanted[product.code] not in existing
    ]
    if records:
        catalogue_import(
            content="\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode("utf-8"),
            file_name="compounding-demo-packs.jsonl",
            source=DEMO_PACK_SOURCE,
        )
    packs = packs_by_code(wanted.values())
    return {code: packs[pack_code].aic for code, pack_code in wanted.items()}
