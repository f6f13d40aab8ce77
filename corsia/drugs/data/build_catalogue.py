"""Build ``catalogue.jsonl``, the reference drug archive Corsia ships.

Run from the repository root: ``.venv/bin/python corsia/drugs/data/build_catalogue.py``.
Inputs: ``atc_it_L01-L04.csv`` (AIFA/WHOCC), ``pgx/cpic_recommendations_onco.csv``
(CPIC) and the curated tables in ``curated/*.yaml`` (SmPC data as known to the authors:
every clinical value is flagged ``to_verify`` for the hospital pharmacist), read with
``yaml.safe_load``. See SOURCES.md.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
TO_VERIFY = "da verificare dal farmacista ospedaliero"


def _curated(name: str) -> dict[str, Any]:
    """A curated table of ``curated/<name>.yaml`` (yaml.safe_load only)."""
    data = yaml.safe_load((HERE / "curated" / f"{name}.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise SystemExit(f"curated/{name}.yaml: expected a mapping of tables")
    return data


def _row(entry: dict[str, Any], names: tuple[str, ...]) -> tuple[Any, ...]:
    """A curated row written as a mapping -> the tuple of its fields, in order."""
    if set(entry) != set(names):
        raise SystemExit(f"curated row {entry}: expected the keys {', '.join(names)}")
    return tuple(entry[name] for name in names)


INGREDIENTS = _curated("ingredients")
CLINICAL = _curated("clinical")
PRODUCT_TABLES = _curated("products")
INTERACTION_TABLES = _curated("interactions")

# --- 1. every level-5 L01 code of the AIFA ATC list -> an ingredient ----------------

# Italian AIFA label -> English INN, where the rule "lower case" is not enough.
INN_EN: dict[str, str] = INGREDIENTS["inn_en"]
# Combination labels: ATC code -> (code, English, Italian, components).
COMBINATIONS: dict[str, tuple[str, str, str, list[str]]] = {
    atc: _row(entry, ("code", "name_en", "name_it", "components"))
    for atc, entry in INGREDIENTS["combinations"].items()
}
# Labels that name a group, not a substance: no ingredient (documented in SOURCES.md).
NOT_AN_INGREDIENT: dict[str, str] = INGREDIENTS["not_an_ingredient"]
# ATC groups superseded in the WHO 2022-2023 revisions: a code there is kept as an alias.
LEGACY_GROUPS = ("L01XC", "L01XE", "L01XY")


def code_of(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def italian_name(label: str) -> str:
    text = label.strip().lower()
    return text[:1].upper() + text[1:]


def l01_ingredients() -> dict[str, dict[str, Any]]:
    by_code: dict[str, dict[str, Any]] = {}
    atc_codes: dict[str, list[str]] = {}
    with (HERE / "atc_it_L01-L04.csv").open(encoding="utf-8") as handle:
        rows = [
            r for r in csv.DictReader(handle) if r["code"].startswith("L01") and r["level"] == "5"
        ]
    for row in rows:
        atc, label = row["code"], row["description_it"].strip()
        if atc in NOT_AN_INGREDIENT:
            continue
        if atc in COMBINATIONS:
            code, english, italian, components = COMBINATIONS[atc]
            by_code.setdefault(
                code,
                {
                    "code": code,
                    "name_en": english,
                    "name_it": italian,
                    "combination_of": components,
                },
            )
        else:
            english = INN_EN.get(label, label.lower())
            code = code_of(english)
            by_code.setdefault(
                code, {"code": code, "name_en": english, "name_it": italian_name(label)}
            )
        atc_codes.setdefault(code, []).append(atc)
    for code, codes in atc_codes.items():
        current = sorted(
            codes,
            key=lambda c: (c[:5] in LEGACY_GROUPS, c.startswith("L01XX") and len(codes) > 1, c),
        )
        by_code[code]["atc_code"] = current[0]
        by_code[code]["other_atc_codes"] = sorted(set(current[1:]))
        by_code[code]["is_antineoplastic"] = True
        by_code[code]["therapeutic_class"] = "antineoplastico (ATC L01)"
    return by_code


# --- 2. curated clinical attributes -----------------------------------------------

EXTRAVASATION = {
    name: _row(entry, ("class", "management")) for name, entry in CLINICAL["extravasation"].items()
}
EXTRA_CLASS: dict[str, str] = CLINICAL["extravasation_class"]
# MASCC/ESMO antiemetic guideline 2016 (update 2023), intravenous agents.
EMETOGENIC: dict[str, list[str]] = CLINICAL["emetogenic"]
EMETOGENIC_NOTE: dict[str, str] = CLINICAL["emetogenic_note"]
CUMULATIVE = {
    code: _row(entry, ("limit", "unit", "note")) for code, entry in CLINICAL["cumulative"].items()
}
MAX_SINGLE = {
    code: _row(entry, ("dose", "unit", "note")) for code, entry in CLINICAL["max_single"].items()
}
AIFA_REGISTRY: set[str] = set(CLINICAL["aifa_registry"])
HIGH_COST: set[str] = AIFA_REGISTRY | set(CLINICAL["high_cost"])
LAW_648: dict[str, list[str]] = CLINICAL["law_648"]
SYNONYMS: dict[str, list[str]] = INGREDIENTS["synonyms"]

# --- 3. supportive and interacting ingredients (ATC from the AIFA ATC list) ---------

SUPPORTIVE: list[tuple[Any, ...]] = [
    _row(entry, ("code", "name_en", "name_it", "atc", "class"))
    for entry in [*INGREDIENTS["supportive"], *INGREDIENTS.get("supportive_interactions", [])]
]

# --- 4. products (SmPC data as known; every row to be verified) ---------------------

P = dict[str, Any]


def product(  # noqa: PLR0917  # one row of the curated table, written positionally
    code: str, ingredient: str, name: str, strength: str, unit: str, state: str, **extra: Any
) -> P:
    record: P = {
        "type": "product",
        "code": code,
        "ingredient": ingredient,
        "name": name,
        "strength": strength,
        "strength_unit": unit,
        "physical_state": state,
        "route": extra.pop("route", "e.v."),
        "to_verify": True,
    }
    record.update(extra)
    record.setdefault("data_source", f"RCP {name}, sezioni 6.3/6.4/6.6 ({TO_VERIFY})")
    record.setdefault("preparation_mode", "manual")
    return record


def vials(
    ingredient: str, brand: str, holder: str, conc: str, sizes: list[tuple[str, str]], **common: Any
) -> list[P]:
    """Solution vials at one concentration: sizes are (strength mg, volume mL)."""
    records = []
    for strength, volume in sizes:
        unit_slug = code_of(common.get("strength_unit", "mg"))
        code = f"{ingredient}_{code_of(strength)}{unit_slug}_{code_of(volume)}ml_{code_of(brand.split(maxsplit=1)[0])}"
        extra = dict(common)
        unit = extra.pop("strength_unit", "mg")
        records.append(
            product(
                code,
                ingredient,
                f"{brand} {strength} {unit}/{volume} mL",
                strength,
                unit,
                extra.pop("physical_state", "concentrate"),
                holder=holder,
                concentration=conc,
                nominal_volume_ml=volume,
                data_source=f"RCP {brand}, sezioni 6.3/6.4/6.6 ({TO_VERIFY})",
                **extra,
            )
        )
    return records


def powders(
    ingredient: str, brand: str, holder: str, sizes: list[tuple[str, str, str, str]], **common: Any
) -> list[P]:
    """Powder vials: sizes are (strength, reconstitution volume mL, concentration, unit)."""
    records = []
    for strength, recon_volume, conc, unit in sizes:
        code = f"{ingredient}_{code_of(strength)}{code_of(unit)}_powder_{code_of(brand.split(maxsplit=1)[0])}"
        records.append(
            product(
                code,
                ingredient,
                f"{brand} {strength} {unit} polvere",
                strength,
                unit,
                "powder",
                holder=holder,
                reconstitution_volume_ml=recon_volume,
                concentration=conc,
                data_source=f"RCP {brand}, sezioni 6.3/6.4/6.6 ({TO_VERIFY})",
                **common,
            )
        )
    return records


# The catalogue fields a product row of curated/products.yaml may set (a misspelt one stops
# the build instead of reaching the catalogue).
PRODUCT_FIELDS = {
    "compatible_diluents",
    "compounding_not_applicable",
    "compounding_sources",
    "concentration",
    "concentration_unit",
    "data_source",
    "density_g_ml",
    "density_source",
    "diluted_protect_from_light",
    "diluted_stability_conditions",
    "diluted_stability_hours",
    "diluted_stability_temperature",
    "filter_required",
    "final_concentration_max",
    "final_concentration_min",
    "form",
    "formulation",
    "holder",
    "nominal_volume_ml",
    "photosensitive",
    "physical_state",
    "physical_state_note",
    "preparation_mode",
    "pvc_free_required",
    "reconstituted_protect_from_light",
    "reconstituted_stability_hours",
    "reconstituted_stability_temperature",
    "reconstitution_diluent",
    "reconstitution_volume_ml",
    "route",
    "stability_note",
    "storage",
    "strength_unit",
}
PRODUCT_ARGS = {
    "vials": ("ingredient", "brand", "holder", "concentration", "sizes"),
    "powders": ("ingredient", "brand", "holder", "sizes"),
    "product": ("code", "ingredient", "name", "strength", "unit", "state"),
}


def _products(entry: dict[str, Any]) -> list[P]:
    """One entry of curated/products.yaml: ``vials``, ``powders`` or one ``product``."""
    ((kind, fields),) = entry.items()
    if kind not in PRODUCT_ARGS:
        raise SystemExit(f"curated/products.yaml: unknown entry {kind!r}")
    args = dict(fields)
    missing = [name for name in PRODUCT_ARGS[kind] if name not in args]
    unknown = sorted(set(args) - PRODUCT_FIELDS - set(PRODUCT_ARGS[kind]))
    if missing or unknown:
        raise SystemExit(
            f"curated/products.yaml {kind} {fields}: missing {missing}, unknown {unknown}"
        )
    if kind in ("vials", "powders"):
        sizes = [tuple(size) for size in args.pop("sizes")]
        ingredient, brand, holder = args.pop("ingredient"), args.pop("brand"), args.pop("holder")
        if kind == "vials":
            return vials(ingredient, brand, holder, args.pop("concentration"), sizes, **args)
        return powders(ingredient, brand, holder, sizes, **args)
    if kind == "product":
        code, ingredient, name = args.pop("code"), args.pop("ingredient"), args.pop("name")
        strength, unit, state = args.pop("strength"), args.pop("unit"), args.pop("state")
        return [product(code, ingredient, name, strength, unit, state, **args)]
    raise SystemExit(f"curated/products.yaml: unknown entry {kind!r}")


NACL = "sodio cloruro 0,9%"
G5 = "glucosio 5%"
WFI = "acqua per preparazioni iniettabili"
R = "2-8 °C"
RT = "25 °C"

PRODUCTS: list[P] = [record for entry in PRODUCT_TABLES["products"] for record in _products(entry)]
BIOSIMILAR_OF: dict[str, str | None] = PRODUCT_TABLES["biosimilar_of"]

# Real AIC codes, from the AIFA "lista di trasparenza" (refdata aifa/farmaci_equivalenti_hl7it.csv).
# product code -> list of (AIC, units per pack, description)
AIC_PACKS: dict[str, list[tuple[Any, ...]]] = {
    code: [_row(pack, ("aic", "units", "description")) for pack in packs]
    for code, packs in PRODUCT_TABLES["aic_packs"].items()
}

# --- 5. interactions (curated, sourced; severity and management) ---------------------

INTERACTIONS: list[tuple[Any, ...]] = [
    _row(entry, ("a", "b", "severity", "effect", "management", "source"))
    for entry in [
        *INTERACTION_TABLES["interactions"],
        *INTERACTION_TABLES.get("interactions_oncology", []),
    ]
]

# --- 6. pharmacogenomics -----------------------------------------------------------

CPIC_DRUG_TO_CODE = {
    "capecitabine": "capecitabine",
    "fluorouracil": "fluorouracil",
    "mercaptopurine": "mercaptopurine",
    "thioguanine": "tioguanine",
    "azathioprine": "azathioprine",
    "tamoxifen": "tamoxifen",
    "ondansetron": "ondansetron",
}
CPIC_SOURCE = (
    "CPIC® guideline (cpicpgx.org, CC0), via pypgx 0.27.0 recommendation table; "
    "fluoropirimidine-DPYD PMID 29152729; tiopurine-TPMT/NUDT15 PMID 30447069"
)
UGT1A1_IRINOTECAN: list[tuple[Any, ...]] = [
    _row(entry, ("gene", "phenotype", "recommendation", "source"))
    for entry in INTERACTION_TABLES["ugt1a1_irinotecan"]
]


def pgx_records() -> list[P]:
    records: list[P] = []
    with (HERE / "pgx" / "cpic_recommendations_onco.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = CPIC_DRUG_TO_CODE.get(row["Drug"])
            if code is None or row["Recommendation"] in ("", "None"):
                continue
            genes = [row["Gene1"]] + ([row["Gene2"]] if row["Gene2"] not in ("", "None") else [])
            phenotype = f"{row['Gene1']}: {row['Phenotype1']}"
            if len(genes) == 2:
                phenotype += f"; {row['Gene2']}: {row['Phenotype2']}"
            records.append(
                {
                    "type": "pgx",
                    "ingredient": code,
                    "gene": "+".join(genes),
                    "phenotype": phenotype,
                    "recommendation": row["Recommendation"],
                    "source": CPIC_SOURCE,
                }
            )
    for gene, phenotype, text, source in UGT1A1_IRINOTECAN:
        records.append(
            {
                "type": "pgx",
                "ingredient": "irinotecan",
                "gene": gene,
                "phenotype": phenotype,
                "recommendation": text,
                "source": source,
            }
        )
    return records


def build() -> list[P]:
    ingredients = l01_ingredients()
    for code, english, italian, atc, klass in SUPPORTIVE:
        ingredients[code] = {
            "code": code,
            "name_en": english,
            "name_it": italian,
            "atc_code": atc,
            "therapeutic_class": klass,
            "is_antineoplastic": False,
        }
    for code, entry in ingredients.items():
        entry["type"] = "ingredient"
        entry["to_verify"] = True
        entry["data_source"] = (
            "ATC e denominazione: lista ATC AIFA (Fonte: AIFA; ATC © WHOCC); INN inglese: Corsia"
        )
        if code in EXTRA_CLASS:
            klass, text = EXTRAVASATION[EXTRA_CLASS[code]]
            entry["extravasation_class"], entry["extravasation_management"] = klass, text
        for risk, codes in EMETOGENIC.items():
            if code in codes:
                entry["emetogenic_risk"] = risk
        if code in EMETOGENIC_NOTE:
            entry["emetogenic_note"] = EMETOGENIC_NOTE[code]
        if code in CUMULATIVE:
            (
                entry["cumulative_limit"],
                entry["cumulative_limit_unit"],
                entry["cumulative_limit_note"],
            ) = CUMULATIVE[code]
        if code in MAX_SINGLE:
            (
                entry["max_single_dose"],
                entry["max_single_dose_unit"],
                entry["max_single_dose_note"],
            ) = MAX_SINGLE[code]
        entry["aifa_registry"] = code in AIFA_REGISTRY
        entry["high_cost"] = code in HIGH_COST
        if code in LAW_648:
            entry["law_648_uses"] = LAW_648[code]
        if code in SYNONYMS:
            entry["synonyms"] = SYNONYMS[code]
        if entry["aifa_registry"]:
            entry["notes"] = (
                "Registro AIFA per alcune indicazioni: verificare sul portale dei registri."
            )
    out: list[P] = [ingredients[code] for code in sorted(ingredients)]
    products = []
    for curated in PRODUCTS:
        record = dict(curated)
        record.pop("physical_state_note", None)
        products.append(record)
    for record in products:
        brand = record["name"].split(" ")[0]
        reference = BIOSIMILAR_OF.get(brand)
        if reference:
            same_strength = [
                p["code"]
                for p in products
                if p["name"].startswith(reference) and p["strength"] == record["strength"]
            ]
            if same_strength:
                record["biosimilar_of"] = same_strength[0]
    products.sort(key=lambda p: (p.get("biosimilar_of") is not None, p["code"]))
    out.extend(products)
    known = {p["code"] for p in products}
    for product_record in products:
        packs = AIC_PACKS.get(product_record["code"])
        if packs:
            for aic, units, description in packs:
                out.append(
                    {
                        "type": "pack",
                        "code": f"aic-{aic}",
                        "product": product_record["code"],
                        "aic": aic,
                        "units_per_pack": units,
                        "description": description,
                        "data_source": "AIFA lista di trasparenza via hl7-it/terminology (Fonte: AIFA, CC BY 4.0)",
                    }
                )
        else:
            out.append(
                {
                    "type": "pack",
                    "code": f"{product_record['code']}-1",
                    "product": product_record["code"],
                    "units_per_pack": 1,
                    "description": f"{product_record['name']}, 1 unità",
                    "data_source": "confezione da 1 unità: AIC da completare con la banca dati (non inventato)",
                }
            )
    missing = set(AIC_PACKS) - known
    if missing:
        raise SystemExit(f"AIC packs for unknown products: {sorted(missing)}")
    for a, b, severity, effect, management, source in INTERACTIONS:
        out.append(
            {
                "type": "interaction",
                "a": a,
                "b": b,
                "severity": severity,
                "effect": effect,
                "management": management,
                "source": source,
            }
        )
    out.extend(pgx_records())
    return out


def main() -> None:
    records = build()
    with (HERE / "catalogue.jsonl").open("w", encoding="utf-8") as handle:
        handle.write(
            "# Corsia drug archive reference data. Generated by build_catalogue.py; see SOURCES.md.\n"
        )
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    sys.stdout.write(f"{len(records)} records\n")


if __name__ == "__main__":
    main()
