"""Read queries of the drug archive (reference data: no patient data, no access log)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from corsia.core.domain.errors import NotFound
from corsia.drugs.domain import interactions as domain
from corsia.drugs.domain.aic import InvalidAic
from corsia.drugs.domain.barcodes import BarcodeUnreadable, parse_pack_barcode
from corsia.drugs.models import (
    ActiveIngredient,
    ExtravasationClass,
    Interaction,
    MedicinalProduct,
    Pack,
)

SEARCH_LIMIT = 50


def ingredient_get(*, code: str) -> ActiveIngredient:
    """The ingredient with this code (or one of its synonyms)."""
    found = ActiveIngredient.objects.filter(code=code).first()
    if found is None:
        found = ActiveIngredient.objects.filter(synonyms__contains=[code]).first()
    if found is None:
        raise NotFound(f"Principio attivo «{code}» non trovato.", details={"code": code})
    return found


def product_get(*, code: str) -> MedicinalProduct:
    found = (
        MedicinalProduct.objects.select_related("ingredient", "biosimilar_of")
        .filter(code=code)
        .first()
    )
    if found is None:
        raise NotFound(f"Medicinale «{code}» non trovato.", details={"code": code})
    return found


def pack_find_by_barcode(*, raw: str) -> tuple[Pack, dict[str, object]]:
    """The pack a scanned barcode (or typed AIC / GTIN) names, with the scan's lot and expiry."""
    scanned = parse_pack_barcode(raw)
    query = Pack.objects.select_related("product__ingredient")
    pack = None
    if scanned.aic:
        pack = query.filter(aic=scanned.aic).first()
    if pack is None and scanned.gtin:
        pack = query.filter(gtin=scanned.gtin).first()
    if pack is None:
        raise NotFound(
            "Nessuna confezione in archivio per il codice letto.",
            code="pack_not_found",
            details={"aic": scanned.aic, "gtin": scanned.gtin},
        )
    return pack, {
        "kind": scanned.kind.value,
        "lot": scanned.lot,
        "serial": scanned.serial,
        "expiry": scanned.expiry.isoformat() if scanned.expiry else None,
    }


@dataclass
class SearchResult:
    ingredients: list[ActiveIngredient] = field(default_factory=list)
    products: list[MedicinalProduct] = field(default_factory=list)
    packs: list[Pack] = field(default_factory=list)


def drug_search(*, text: str) -> SearchResult:
    """Ingredients, products and packs matching an INN, a commercial name, an AIC or an ATC code.

    A scanned pack barcode (or a typed AIC/GTIN) finds that pack alone.
    """
    query = text.strip()
    result = SearchResult()
    if not query:
        return result
    try:
        pack, _scan = pack_find_by_barcode(raw=query)
        return SearchResult(
            ingredients=[pack.product.ingredient], products=[pack.product], packs=[pack]
        )
    except (BarcodeUnreadable, InvalidAic, NotFound):
        pass
    if query.isdigit() and len(query) <= 9:
        result.packs = list(
            Pack.objects.select_related("product").filter(aic__contains=query)[:SEARCH_LIMIT]
        )
    upper = query.upper()
    ingredients: QuerySet[ActiveIngredient] = ActiveIngredient.objects.filter(
        Q(name_it__icontains=query)
        | Q(name_en__icontains=query)
        | Q(code__icontains=query.lower().replace(" ", "_"))
        | Q(atc_code__startswith=upper)
        | Q(synonyms__icontains=query.lower())
    )
    lower = query.lower()

    def rank(item: ActiveIngredient) -> tuple[int, str]:
        names = (item.code, item.name_it.lower(), item.name_en.lower())
        if lower in names or upper == item.atc_code:
            return (0, item.name_it)
        if any(name.startswith(lower) for name in names):
            return (1, item.name_it)
        return (2, item.name_it)

    result.ingredients = sorted(ingredients[: SEARCH_LIMIT * 4], key=rank)[:SEARCH_LIMIT]
    products = MedicinalProduct.objects.select_related("ingredient").filter(
        Q(name__icontains=query) | Q(holder__icontains=query) | Q(ingredient__in=ingredients)
    )
    result.products = list(products.order_by("name", "strength")[:SEARCH_LIMIT])
    return result


def interactions_among(codes: Iterable[str]) -> list[domain.Interaction]:
    """Known interactions among the given ingredient codes, most serious first."""
    wanted = sorted(set(codes))
    rows = Interaction.objects.select_related("ingredient_a", "ingredient_b").filter(
        ingredient_a__code__in=wanted, ingredient_b__code__in=wanted
    )
    known = [
        domain.Interaction(
            a=row.ingredient_a.code,
            b=row.ingredient_b.code,
            severity=domain.Severity(row.severity),
            effect=row.effect,
            management=row.management,
            source=row.source,
        )
        for row in rows
    ]
    return domain.interactions_among(wanted, known)


def ingredient_names(codes: Iterable[str]) -> dict[str, str]:
    """Italian INN of each ingredient code (one query); unknown codes are left out."""
    return dict(ActiveIngredient.objects.filter(code__in=set(codes)).values_list("code", "name_it"))


def ingredient_atc_codes(codes: Iterable[str]) -> dict[str, str]:
    """ATC code of each ingredient code (one query; empty when the archive has none);
    unknown codes are left out."""
    return dict(
        ActiveIngredient.objects.filter(code__in=set(codes)).values_list("code", "atc_code")
    )


def ingredient_ids(codes: Iterable[str]) -> dict[str, int]:
    """Database id of each ingredient code (one query), for another module's foreign keys;
    unknown codes are left out."""
    return dict(ActiveIngredient.objects.filter(code__in=set(codes)).values_list("code", "pk"))


@dataclass(frozen=True)
class IngredientInfo:
    """An active ingredient as other modules read it: what they show and decide on, not
    the archive's row."""

    pk: int
    code: str
    name_it: str
    name_en: str
    atc_code: str
    is_antineoplastic: bool
    extravasation_class: str  # an ExtravasationClass value, "" when not classified
    extravasation_class_label: str  # its Italian label ("vescicante", "non classificato")


_INFO_FIELDS = (
    "pk",
    "code",
    "name_it",
    "name_en",
    "atc_code",
    "is_antineoplastic",
    "extravasation_class",
)


def _info(row: dict[str, Any]) -> IngredientInfo:
    labels = dict(ExtravasationClass.choices)
    klass = row["extravasation_class"]
    return IngredientInfo(**row, extravasation_class_label=str(labels.get(klass, klass)))


def ingredients_by_id(ids: Iterable[int]) -> dict[int, IngredientInfo]:
    """The ingredients with these ids (one query); unknown ids are left out."""
    rows = ActiveIngredient.objects.filter(pk__in=set(ids)).values(*_INFO_FIELDS)
    return {row["pk"]: _info(row) for row in rows}


def antineoplastic_ingredients() -> list[IngredientInfo]:
    """Every antineoplastic ingredient of the archive, by Italian name (one query)."""
    rows = (
        ActiveIngredient.objects.filter(is_antineoplastic=True)
        .order_by("name_it")
        .values(*_INFO_FIELDS)
    )
    return [_info(row) for row in rows]
