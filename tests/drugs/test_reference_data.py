"""The shipped reference archive agrees with the published reference tables."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

from corsia.drugs.models import ActiveIngredient, Interaction, MedicinalProduct, Pack

DATA = Path(__file__).resolve().parents[2] / "corsia" / "drugs" / "data"
# The upstream reference data sit beside the repository in the development
# checkout and in CI (../shared/refdata); a user's clone has only what we ship.
SHARED_REFDATA = Path(__file__).resolve().parents[2].parent / "shared" / "refdata"
REFDATA_ATC = SHARED_REFDATA / "atc/atc_it_aifa.csv"


def _atc_labels(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["code"]: row["description_it"] for row in csv.DictReader(handle)}


def _catalogue(kind: str) -> list[dict[str, object]]:
    lines = (DATA / "catalogue.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line and not line.startswith("#")]
    return [r for r in records if r["type"] == kind]


SAMPLE = {
    # code: (ATC, AIFA Italian label)  - written from the AIFA ATC list
    "cyclophosphamide": ("L01AA01", "CICLOFOSFAMIDE"),
    "methotrexate": ("L01BA01", "METOTREXATO"),
    "fluorouracil": ("L01BC02", "FLUOROURACILE"),
    "capecitabine": ("L01BC06", "CAPECITABINA"),
    "vincristine": ("L01CA02", "VINCRISTINA"),
    "paclitaxel": ("L01CD01", "PACLITAXEL"),
    "irinotecan": ("L01CE02", "IRINOTECAN"),
    "doxorubicin": ("L01DB01", "DOXORUBICINA"),
    "bleomycin": ("L01DC01", "BLEOMICINA"),
    "rituximab": ("L01FA01", "RITUXIMAB"),
    "pembrolizumab": ("L01FF02", "PEMBROLIZUMAB"),
    "bevacizumab": ("L01FG01", "BEVACIZUMAB"),
    "cisplatin": ("L01XA01", "CISPLATINO"),
    "oxaliplatin": ("L01XA03", "OXALIPLATINO"),
    "bortezomib": ("L01XG01", "BORTEZOMIB"),
    "calcium_folinate": ("V03AF03", "CALCIO FOLINATO"),
    "ondansetron": ("A04AA01", "ONDANSETRON"),
    "dexamethasone": ("H02AB02", "DESAMETASONE"),
}


def test_sample_atc_codes_equal_the_aifa_list(reference: None) -> None:
    # The full AIFA list sits beside the checkout in development and CI; a user's clone has
    # only the shipped L01-L04 subset, against which the supportive drugs' labels can't be read.
    full = REFDATA_ATC.exists()
    labels = _atc_labels(REFDATA_ATC if full else DATA / "atc_it_L01-L04.csv")
    for code, (atc, label) in SAMPLE.items():
        ingredient = ActiveIngredient.objects.get(code=code)
        assert ingredient.atc_code == atc, code
        if full or atc.startswith("L0"):
            assert labels[atc] == label, code
    # a legacy code is kept as an alias: rituximab was L01XC02 before the WHO 2022 revision
    rituximab = ActiveIngredient.objects.get(code="rituximab")
    assert (rituximab.atc_code, rituximab.other_atc_codes) == ("L01FA01", ["L01XC02"])


def test_every_l01_level5_code_is_an_ingredient_or_a_declared_group_label(reference: None) -> None:
    with (DATA / "atc_it_L01-L04.csv").open(encoding="utf-8") as handle:
        l01 = {
            r["code"]
            for r in csv.DictReader(handle)
            if r["code"].startswith("L01") and r["level"] == "5"
        }
    assert len(l01) == 470
    covered = set()
    for ingredient in ActiveIngredient.objects.filter(is_antineoplastic=True):
        covered.add(ingredient.atc_code)
        covered.update(ingredient.other_atc_codes)
    group_labels = {"L01BC52", "L01BC53", "L01XC25", "L01XE43"}
    assert l01 - covered == group_labels


REGIMEN_DRUGS = [
    "fluorouracil",
    "calcium_folinate",
    "calcium_levofolinate",
    "oxaliplatin",
    "irinotecan",
    "cisplatin",
    "carboplatin",
    "paclitaxel",
    "docetaxel",
    "doxorubicin",
    "epirubicin",
    "cyclophosphamide",
    "vincristine",
    "etoposide",
    "gemcitabine",
    "rituximab",
    "trastuzumab",
    "bevacizumab",
    "pemetrexed",
    "bleomycin",
    "vinblastine",
    "dacarbazine",
    "prednisone",
    "mesna",
    "ifosfamide",
    "cytarabine",
    "methotrexate",
    "sodium_chloride",
    "glucose",
    "ondansetron",
    "dexamethasone",
    "filgrastim",
    "pegfilgrastim",
    "aprepitant",
    "fosaprepitant",
]


def test_regimen_drugs_products_and_limits(reference: None) -> None:
    # every drug of the common regimens has at least one product
    missing = [
        c for c in REGIMEN_DRUGS if not MedicinalProduct.objects.filter(ingredient__code=c).exists()
    ]
    assert missing == []
    # oxaliplatin 5 mg/mL: 50 mg/10 mL, 100 mg/20 mL, 200 mg/40 mL (SmPC presentations)
    vials = MedicinalProduct.objects.filter(ingredient__code="oxaliplatin").order_by("strength")
    assert [(p.strength, p.nominal_volume_ml, p.concentration) for p in vials] == [
        (Decimal(50), Decimal(10), Decimal(5)),
        (Decimal(100), Decimal(20), Decimal(5)),
        (Decimal(200), Decimal(40), Decimal(5)),
    ]
    # cumulative lifetime limits (SmPC): doxorubicin 550 mg/m2, epirubicin 900 mg/m2, bleomycin 400,000 IU
    limits = {
        i.code: (i.cumulative_limit, i.cumulative_limit_unit)
        for i in ActiveIngredient.objects.filter(
            code__in=["doxorubicin", "epirubicin", "bleomycin"]
        )
    }
    assert limits == {
        "doxorubicin": (Decimal(550), "mg/m2"),
        "epirubicin": (Decimal(900), "mg/m2"),
        "bleomycin": (Decimal(400000), "IU"),
    }
    vincristine = ActiveIngredient.objects.get(code="vincristine")
    assert (vincristine.max_single_dose, vincristine.max_single_dose_unit) == (Decimal(2), "mg")
    assert vincristine.extravasation_class == "vesicant"


def test_shipped_aics_are_real_codes_of_the_aifa_list(reference: None) -> None:
    with (DATA / "aic_sample_aifa.csv").open(encoding="utf-8") as handle:
        sample = {r["aic"] for r in csv.DictReader(handle)}
    path = SHARED_REFDATA / "aifa/farmaci_equivalenti_hl7it.csv"
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            sample |= {r["aic"] for r in csv.DictReader(handle)}
    shipped = set(Pack.objects.exclude(aic="").values_list("aic", flat=True))
    assert len(shipped) == 13
    if path.exists():
        assert shipped <= sample


def test_every_product_is_flagged_for_pharmacist_verification() -> None:
    products = _catalogue("product")
    assert products
    assert all(p["to_verify"] is True and p["data_source"] for p in products)


def test_interactions_are_sourced(reference: None) -> None:
    assert Interaction.objects.count() == len(_catalogue("interaction"))
    assert not Interaction.objects.filter(source="").exists()
