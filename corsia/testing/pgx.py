"""The archive's CPIC DPYD markers of the fluoropyrimidines, as the drug catalogue loads
them (corsia/drugs/data/catalogue.jsonl), for the pharmacogenomic alert's tests."""

from __future__ import annotations

from corsia.drugs.models import ActiveIngredient, PharmacogenomicMarker

CPIC_SOURCE = (
    "CPIC® guideline (cpicpgx.org, CC0), via pypgx 0.27.0 recommendation table; "
    "fluoropirimidine-DPYD PMID 29152729; tiopurine-TPMT/NUDT15 PMID 30447069"
)
DPYD_RECOMMENDATIONS = {
    "DPYD: Normal Metabolizer": (
        "Based on genotype, there is no indication to change dose or therapy. Use "
        "label-recommended dosage and administration."
    ),
    "DPYD: Intermediate Metabolizer": (
        "Reduce starting dose by 50% followed by titration of dose based on toxicity or "
        "therapeutic drug monitoring (if available)."
    ),
    "DPYD: Poor Metabolizer": (
        "Avoid use of 5-fluorouracil or 5-fluorouracil prodrug-based regimens."
    ),
}


def dpyd_markers(*codes: str) -> None:
    """The three CPIC DPYD markers of each ingredient (by code: fluorouracil, capecitabine)."""
    for code in codes:
        ingredient, _ = ActiveIngredient.objects.get_or_create(
            code=code, defaults={"name_en": code, "name_it": code}
        )
        for phenotype, text in DPYD_RECOMMENDATIONS.items():
            PharmacogenomicMarker.objects.create(
                ingredient=ingredient,
                gene="DPYD",
                phenotype=phenotype,
                recommendation=text,
                source=CPIC_SOURCE,
            )
