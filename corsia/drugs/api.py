"""JSON API of the drug archive: /api/v1/drugs/…"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from corsia.core.access import api_perm
from corsia.core.web import acting
from corsia.drugs import selectors, services_compounding
from corsia.drugs.models import ActiveIngredient, MedicinalProduct, Pack

router = Router(tags=["drugs"])
VIEW = "drugs.view_drug"


class IngredientOut(Schema):
    code: str
    name_en: str
    name_it: str
    atc_code: str
    other_atc_codes: list[str]
    therapeutic_class: str
    extravasation_class: str
    emetogenic_risk: str
    max_single_dose: Decimal | None
    max_single_dose_unit: str
    cumulative_limit: Decimal | None
    cumulative_limit_unit: str
    aifa_registry: bool
    law_648_uses: list[str]
    high_cost: bool
    innovative: bool
    to_verify: bool


class PgxOut(Schema):
    gene: str
    phenotype: str
    recommendation: str
    source: str


class IngredientDetailOut(IngredientOut):
    extravasation_management: str
    pgx: list[PgxOut]


class ProductOut(Schema):
    code: str
    ingredient: str
    name: str
    holder: str
    form: str
    strength: Decimal | None
    strength_unit: str
    physical_state: str
    nominal_volume_ml: Decimal | None
    concentration: Decimal | None
    concentration_unit: str
    reconstitution_diluent: str
    reconstitution_volume_ml: Decimal | None
    compatible_diluents: list[str]
    final_concentration_min: Decimal | None
    final_concentration_max: Decimal | None
    reconstituted_stability_hours: Decimal | None
    reconstituted_stability_temperature: str
    diluted_stability_hours: Decimal | None
    diluted_stability_temperature: str
    storage: str
    photosensitive: bool
    pvc_free_required: bool
    filter_required: str
    density_g_ml: Decimal | None
    density_source: str
    preparation_mode: str
    data_source: str
    to_verify: bool
    version: int
    diluted_stability_conditions: list[dict[str, Any]]
    compounding_sources: dict[str, str]
    compounding_not_applicable: dict[str, str]
    compounding_missing: list[str]
    compounding_verified_by: str | None
    compounding_verified_at: datetime | None


class PackOut(Schema):
    code: str
    aic: str
    gtin: str
    description: str
    units_per_pack: int
    price_eur: Decimal | None
    product: ProductOut
    ingredient: str


class ScanOut(Schema):
    pack: PackOut
    kind: str
    lot: str
    serial: str
    expiry: str | None


class SearchOut(Schema):
    ingredients: list[IngredientOut]
    products: list[ProductOut]
    packs: list[PackOut]


class InteractionOut(Schema):
    a: str
    b: str
    severity: str
    effect: str
    management: str
    source: str


def _ingredient(item: ActiveIngredient) -> IngredientOut:
    return IngredientOut.model_validate(item, from_attributes=True)


_PRODUCT_DERIVED = {"ingredient", "compounding_missing", "compounding_verified_by"}


def _product(item: MedicinalProduct) -> ProductOut:
    verifier = item.compounding_verified_by
    data = ProductOut.model_validate(
        {
            **{f: getattr(item, f) for f in ProductOut.model_fields if f not in _PRODUCT_DERIVED},
            "ingredient": item.ingredient.code,
            "compounding_missing": list(item.compounding_missing),
            "compounding_verified_by": verifier.username if verifier is not None else None,
        }
    )
    return data


def _pack(item: Pack) -> PackOut:
    return PackOut(
        code=item.code,
        aic=item.aic,
        gtin=item.gtin,
        description=item.description,
        units_per_pack=item.units_per_pack,
        price_eur=item.price_eur,
        product=_product(item.product),
        ingredient=item.product.ingredient.code,
    )


@router.get("/search", response=SearchOut)
@api_perm(VIEW)
def search(request: HttpRequest, q: str = "") -> SearchOut:
    found = selectors.drug_search(text=q)
    return SearchOut(
        ingredients=[_ingredient(i) for i in found.ingredients],
        products=[_product(p) for p in found.products],
        packs=[_pack(p) for p in found.packs],
    )


@router.get("/ingredients/{code}", response=IngredientDetailOut)
@api_perm(VIEW)
def ingredient(request: HttpRequest, code: str) -> IngredientDetailOut:
    item = selectors.ingredient_get(code=code)
    base = _ingredient(item).model_dump()
    return IngredientDetailOut(
        **base,
        extravasation_management=item.extravasation_management,
        pgx=[PgxOut.model_validate(m, from_attributes=True) for m in item.pgx_markers.all()],
    )


@router.get("/products/{code}", response=ProductOut)
@api_perm(VIEW)
def product(request: HttpRequest, code: str) -> ProductOut:
    return _product(selectors.product_get(code=code))


@router.get("/packs/scan", response=ScanOut)
@api_perm(VIEW)
def pack_scan(request: HttpRequest, barcode: str) -> ScanOut:
    """The pack named by an AIC (``A`` + 9 digits), a GTIN or a GS1 DataMatrix string."""
    pack, scan = selectors.pack_find_by_barcode(raw=barcode)
    return ScanOut(
        pack=_pack(pack),
        kind=str(scan["kind"]),
        lot=str(scan["lot"]),
        serial=str(scan["serial"]),
        expiry=str(scan["expiry"]) if scan["expiry"] else None,
    )


@router.get("/interactions", response=list[InteractionOut])
@api_perm(VIEW)
def interactions(
    request: HttpRequest,
    codes: str,
) -> list[InteractionOut]:
    """Interactions among the ingredients given as ``codes=a,b,c`` (comma separated)."""
    wanted = [code.strip() for code in codes.split(",") if code.strip()]
    return [
        InteractionOut(
            a=i.a,
            b=i.b,
            severity=i.severity.value,
            effect=i.effect,
            management=i.management,
            source=i.source,
        )
        for i in selectors.interactions_among(wanted)
    ]


class CompoundingOverviewOut(Schema):
    total: int
    incomplete: int
    missing_counts: dict[str, int]
    products: list[ProductOut]


@router.get("/compounding", response=CompoundingOverviewOut)
@api_perm(VIEW)
def compounding_overview(request: HttpRequest, incomplete: bool = False) -> CompoundingOverviewOut:
    """Products the pharmacy compounds, each with ``compounding_missing``; a count per field.

    ``incomplete=true``: only the products whose compounding data are incomplete.
    """
    overview = selectors.compounding_overview(incomplete_only=incomplete)
    return CompoundingOverviewOut(
        total=overview.total,
        incomplete=overview.incomplete,
        missing_counts=overview.counts,
        products=[_product(p) for p, _ in overview.rows],
    )


class VerifyIn(Schema):
    version: int = Field(ge=1, le=2_147_483_647)


@router.post("/products/{code}/compounding-verify", response=ProductOut)
@api_perm(services_compounding.VERIFY_PERMISSION)
def product_compounding_verify(request: HttpRequest, code: str, payload: VerifyIn) -> ProductOut:
    """A pharmacist confirms the product's compounding data (``to_verify`` off, who/when)."""
    services_compounding.product_compounding_verify(
        **acting(request),
        code=code,
        expected_version=payload.version,
    )
    return _product(selectors.product_get(code=code))
