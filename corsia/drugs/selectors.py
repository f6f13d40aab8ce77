"""Read queries of the drug archive (reference data: no patient data, no access log)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from corsia.core.access_cache import per_request, per_request_known
from corsia.core.domain.errors import NotFound
from corsia.core.read_together import ReadPart
from corsia.drugs.domain import interactions as domain
from corsia.drugs.domain.aic import InvalidAic
from corsia.drugs.domain.barcodes import BarcodeUnreadable, parse_pack_barcode
from corsia.drugs.domain.compounding_data import COMPOUNDED_STATES, missing_counts
from corsia.drugs.models import (
    ActiveIngredient,
    ExtravasationClass,
    Interaction,
    MedicinalProduct,
    Pack,
    PharmacogenomicMarker,
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
    return interactions_from(interactions_among_query(wanted), wanted)


def interactions_among_query(codes: Iterable[str]) -> QuerySet[Interaction]:
    """The query of :func:`interactions_among` (``corsia.core.read_together``, with
    another module's reads): ``interactions_from`` makes the interactions of its rows."""
    wanted = sorted(set(codes))
    return Interaction.objects.select_related("ingredient_a", "ingredient_b").filter(
        ingredient_a__code__in=wanted, ingredient_b__code__in=wanted
    )


def interactions_touching_query(ingredient_ids: Iterable[int]) -> QuerySet[Interaction]:
    """The batched variant (``corsia.core.read_together``, with another module's reads):
    every known interaction of one of these ingredients, whatever the other; a superset
    of those among any drugs that include one of them. ``interactions_from`` keeps those
    among the drugs."""
    ids = sorted(set(ingredient_ids))
    return Interaction.objects.select_related("ingredient_a", "ingredient_b").filter(
        Q(ingredient_a_id__in=ids) | Q(ingredient_b_id__in=ids)
    )


def interactions_from(
    rows: Iterable[Interaction], codes: Iterable[str]
) -> list[domain.Interaction]:
    """The known interactions among ``codes`` in ``rows`` (interaction rows read with both
    ingredients), most serious first."""
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
    return domain.interactions_among(codes, known)


def ingredient_names(codes: Iterable[str]) -> dict[str, str]:
    """Italian INN of each ingredient code (one query); unknown codes are left out."""
    return dict(ActiveIngredient.objects.filter(code__in=set(codes)).values_list("code", "name_it"))


# --- lookups for the modules that stock and compound the archive's products -------------
# (inventory, compounding): they read products and packs here, never the tables.


def product_find(*, product_id: int) -> MedicinalProduct | None:
    """The product with its ingredient and originator (``None`` when unknown)."""
    return (
        MedicinalProduct.objects.select_related("ingredient", "biosimilar_of")
        .filter(pk=product_id)
        .first()
    )


def products_by_id(product_ids: Iterable[int]) -> dict[int, MedicinalProduct]:
    return MedicinalProduct.objects.in_bulk(set(product_ids))


def products_by_code(codes: Iterable[str]) -> dict[str, MedicinalProduct]:
    """Product code -> product, for the codes the archive knows."""
    return MedicinalProduct.objects.in_bulk(set(codes), field_name="code")


def product_choices() -> QuerySet[MedicinalProduct]:
    """Every product, by name and strength (a form's choice list)."""
    return MedicinalProduct.objects.order_by("name", "strength")


def ingredient_products(*, ingredient_id: int) -> list[MedicinalProduct]:
    """Every product of the ingredient, with its ingredient and originator, by strength."""
    return list(
        MedicinalProduct.objects.filter(ingredient_id=ingredient_id)
        .select_related("ingredient", "biosimilar_of")
        .order_by("strength")
    )


def products_of_ingredients(*, codes: Iterable[str]) -> list[MedicinalProduct]:
    """Every product of these ingredient codes, by product code."""
    return list(MedicinalProduct.objects.filter(ingredient__code__in=set(codes)).order_by("code"))


def products_with_strength(
    *,
    ingredient_id: int,
    strength_units: Iterable[str],
    formulations: Iterable[str],
    physical_states_excluded: Iterable[str] = (),
) -> list[MedicinalProduct]:
    """The originator products (not biosimilars) of the ingredient whose strength and
    concentration the archive records, in one of ``strength_units`` and ``formulations``
    and of a physical state not excluded; by strength, then code."""
    return list(
        MedicinalProduct.objects.filter(
            ingredient_id=ingredient_id,
            strength__isnull=False,
            concentration__isnull=False,
            biosimilar_of__isnull=True,
            strength_unit__in=list(strength_units),
        )
        .filter(formulation__in=list(formulations))
        .exclude(physical_state__in=list(physical_states_excluded))
        .select_related("ingredient", "biosimilar_of")
        .order_by("strength", "code")
    )


def product_unit_price(*, product_id: int) -> Decimal:
    """The cheapest price of one unit among the product's priced packs, to the cent
    (0 when no pack has a price)."""
    prices = [
        Decimal(p.price_eur) / p.units_per_pack
        for p in Pack.objects.filter(product_id=product_id, price_eur__isnull=False)
        if p.units_per_pack and p.price_eur is not None
    ]
    return min(prices).quantize(Decimal("0.01")) if prices else Decimal(0)


def product_unit_prices(*, product_ids: Iterable[int]) -> dict[int, Decimal]:
    """:func:`product_unit_price` of several products from one query (0 for a product no
    pack of which has a price)."""
    ids = set(product_ids)
    prices: dict[int, list[Decimal]] = {pk: [] for pk in ids}
    for pack in Pack.objects.filter(product_id__in=ids, price_eur__isnull=False).only(
        "product_id", "price_eur", "units_per_pack"
    ):
        if pack.units_per_pack and pack.price_eur is not None:
            prices[pack.product_id].append(Decimal(pack.price_eur) / pack.units_per_pack)
    return {
        pk: min(values).quantize(Decimal("0.01")) if values else Decimal(0)
        for pk, values in prices.items()
    }


def packs_by_aic_or_gtin(codes: Iterable[str | None]) -> list[Pack]:
    """The packs whose AIC is one of ``codes``, then those whose GTIN is, with product and
    ingredient (empty codes are ignored)."""
    keys = {code for code in codes if code}
    if not keys:
        return []
    found = list(
        Pack.objects.select_related("product__ingredient").filter(
            Q(aic__in=keys) | Q(gtin__in=keys)
        )
    )  # one query, split as before: the AIC matches first
    return [p for p in found if p.aic in keys] + [p for p in found if p.gtin in keys]


def packs_by_aic(aics: Iterable[str]) -> dict[str, Pack]:
    """AIC -> pack (with its product), for the AIC codes the archive knows."""
    return {p.aic: p for p in Pack.objects.select_related("product").filter(aic__in=set(aics))}


def packs_by_code(codes: Iterable[str]) -> dict[str, Pack]:
    return Pack.objects.in_bulk(set(codes), field_name="code")


def packs_withdrawn(*, today: date) -> list[Pack]:
    """The packs withdrawn from the market (``withdrawn_on``) on or before ``today``, with
    their product: what inventory lists among its stock (H66)."""
    return list(
        Pack.objects.select_related("product")
        .filter(withdrawn_on__lte=today)
        .order_by("withdrawn_on", "pk")
    )


def product_codes_and_atc(product_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Product id -> (product code, its ingredient's ATC code); one query, two columns."""
    rows = MedicinalProduct.objects.filter(pk__in=set(product_ids)).values_list(
        "pk", "code", "ingredient__atc_code"
    )
    return {pk: (code, atc or "") for pk, code, atc in rows}


def pack_aics(
    *, product_ids: Iterable[int] = (), pack_ids: Iterable[int] = ()
) -> list[tuple[int, int, str]]:
    """(pack id, product id, AIC) of the packs of these products and of these packs; one
    query, three columns (the File F's AIC: the pack's, else the product's only one)."""
    products, packs = set(product_ids), set(pack_ids)
    if not products and not packs:
        return []
    rows = Pack.objects.filter(Q(product_id__in=products) | Q(pk__in=packs))
    return list(rows.order_by("pk").values_list("pk", "product_id", "aic"))


def packs_of_products(product_ids: Iterable[int]) -> list[Pack]:
    """The packs of these products, smallest (fewest units per pack) first."""
    return list(
        Pack.objects.filter(product_id__in=set(product_ids)).order_by("units_per_pack", "pk")
    )


# --- for other modules (prescribing reads the archive through these) ---------------------------


def ingredient_get_by_id(*, ingredient_id: int) -> ActiveIngredient:
    found = ActiveIngredient.objects.filter(pk=ingredient_id).first()
    if found is None:
        raise NotFound("Principio attivo inesistente.", code="ingredient_not_found")
    return found


def ingredients_by_code(codes: Iterable[str]) -> dict[str, ActiveIngredient]:
    """The ingredients with these codes (one query); unknown codes are left out."""
    return {i.code: i for i in ingredients_by_code_query(codes)}


def ingredients_by_code_query(codes: Iterable[str]) -> QuerySet[ActiveIngredient]:
    """The query of :func:`ingredients_by_code` (``corsia.core.read_together``)."""
    return ActiveIngredient.objects.filter(code__in=set(codes))


def solid_oral_strengths_mg(*, ingredient_id: int) -> list[Decimal | None]:
    """The strengths in mg of the ingredient's tablets and capsules in the archive (``None``
    for a product whose strength the archive does not state)."""
    return list(
        MedicinalProduct.objects.filter(
            ingredient_id=ingredient_id, physical_state="solid_oral", strength_unit="mg"
        ).values_list("strength", flat=True)
    )


def biosimilar_choices(ingredient_ids: Iterable[int]) -> dict[int, list[MedicinalProduct]]:
    """For each of these ingredients that has a biosimilar in the archive, its products
    (originators and biosimilars) by name: what the prescriber chooses between."""
    return biosimilar_choices_from(biosimilar_choices_query(ingredient_ids))


def biosimilar_choices_query(ingredient_ids: Iterable[int]) -> QuerySet[MedicinalProduct]:
    """The batched variant's query (``corsia.core.read_together``): the ingredients'
    products; ``biosimilar_choices_from`` makes the choices of them."""
    return MedicinalProduct.objects.filter(ingredient_id__in=set(ingredient_ids)).order_by("name")


def biosimilar_choices_from(
    rows: Iterable[MedicinalProduct],
) -> dict[int, list[MedicinalProduct]]:
    products: dict[int, list[MedicinalProduct]] = {}
    for product in rows:
        products.setdefault(product.ingredient_id, []).append(product)
    return {k: v for k, v in products.items() if any(p.biosimilar_of_id for p in v)}


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


def ingredient_ids_by_word(words: Iterable[str]) -> dict[str, int]:
    """Database id of each ingredient a clinician typed, by its Italian name or its code,
    in any case (one query): the word in lower case -> id; unknown words are left out."""
    wanted = {w.strip().lower() for w in words if w.strip()}
    rows = (
        ActiveIngredient.objects.annotate(name_lower=Lower("name_it"))
        .filter(Q(code__in=wanted) | Q(name_lower__in=wanted))
        .values_list("code", "name_lower", "pk")
    )
    found: dict[str, int] = {}
    for code, name, pk in rows:
        for word in (code, name):
            if word in wanted:
                found[word] = pk
    return found


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
    high_cost: bool = False  # "alto costo" in the archive (the pharmacy's high-cost reports)


_INFO_FIELDS = (
    "pk",
    "code",
    "name_it",
    "name_en",
    "atc_code",
    "is_antineoplastic",
    "extravasation_class",
    "high_cost",
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


def ingredient_choices() -> list[IngredientInfo]:
    """Every ingredient of the archive, by Italian name (one query): a list to pick from."""
    rows = ActiveIngredient.objects.order_by("name_it").values(*_INFO_FIELDS)
    return [_info(row) for row in rows]


@dataclass(frozen=True)
class PgxMarkerInfo:
    """A genotype-guided recommendation of the archive for an ingredient (CPIC, DPWG)."""

    ingredient_id: int
    ingredient_name: str  # Italian name
    gene: str  # "DPYD"; a combined marker names its genes in ``phenotype``
    phenotype: str  # as the source writes it: "DPYD: Intermediate Metabolizer"
    recommendation: str
    source: str


def pgx_markers_for(ingredient_ids: Iterable[int]) -> list[PgxMarkerInfo]:
    """The pharmacogenomic markers of these ingredients (one query, none when a batched
    read of the request kept them: :func:`pgx_markers_read`), by ingredient and
    phenotype."""
    wanted = sorted(set(ingredient_ids))
    kept = per_request_known(("pgx_markers", i) for i in wanted)
    if kept is not None:
        return [m for i in wanted for m in kept[("pgx_markers", i)]]
    return list(pgx_markers_read(wanted).evaluate())


def _keep(key: tuple[str, int], value: tuple[PgxMarkerInfo, ...]) -> None:
    per_request(key, lambda: value)


def pgx_markers_read(ingredient_ids: Iterable[int]) -> ReadPart[tuple[PgxMarkerInfo, ...]]:
    """The batched variant (``corsia.core.read_together``): the markers of each of these
    ingredients are kept for the rest of the read-only request, where
    :func:`pgx_markers_for` answers them for any of these ingredients."""
    wanted = set(ingredient_ids)
    rows = (
        PharmacogenomicMarker.objects.filter(ingredient_id__in=wanted)
        .select_related("ingredient")
        .order_by("ingredient_id", "gene", "phenotype")
    )

    def decode(results: list[list[Any]]) -> tuple[PgxMarkerInfo, ...]:
        markers = tuple(
            PgxMarkerInfo(
                ingredient_id=m.ingredient_id,
                ingredient_name=m.ingredient.name_it or m.ingredient.name_en,
                gene=m.gene,
                phenotype=m.phenotype,
                recommendation=m.recommendation,
                source=m.source,
            )
            for m in results[0]
        )
        for ingredient_id in wanted:
            _keep(
                ("pgx_markers", ingredient_id),
                tuple(m for m in markers if m.ingredient_id == ingredient_id),
            )
        return markers

    return ReadPart(querysets=(rows,), decode=decode)


@dataclass(frozen=True)
class CompoundingOverview:
    """The compounded products with the compounding fields each lacks, and a count per field."""

    rows: list[tuple[MedicinalProduct, tuple[str, ...]]]
    counts: dict[str, int]
    total: int
    incomplete: int


def compounding_overview(*, incomplete_only: bool = False) -> CompoundingOverview:
    """Every product the pharmacy compounds, with what compounding data it lacks."""
    products = (
        MedicinalProduct.objects.select_related("ingredient", "compounding_verified_by")
        .filter(physical_state__in=COMPOUNDED_STATES)
        .exclude(preparation_mode="none")
        .order_by("name", "strength")
    )
    rows = [(p, p.compounding_missing) for p in products]
    counts = missing_counts(missing for _, missing in rows)
    incomplete = sum(1 for _, missing in rows if missing)
    shown = [row for row in rows if row[1]] if incomplete_only else rows
    return CompoundingOverview(rows=shown, counts=counts, total=len(rows), incomplete=incomplete)
