"""The archive's pharmacogenomic markers (CPIC DPYD and thiopurines, DPWG irinotecan) as
the drug catalogue loads them (corsia/drugs/data/catalogue.jsonl), for the pharmacogenomic
alert's and barrier's tests."""

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


# The thiopurine rows used by the tests, as shipped (NUDT15 phenotype; TPMT phenotype).
THIOPURINE_TEXTS = {
    "mercaptopurine TPMT IM": (
        "Start with reduced starting doses (30%-80% of normal dose) if normal starting "
        "dose is >= 75 mg/m2/day or >= 1.5 mg/kg/day (e.g. start at 22.5-60 mg/m2/day or "
        "0.45-1.2 mg/kg/day) and adjust doses of mercaptopurine based on degree of "
        "myelosuppression and disease-specific guidelines. Allow 2-4 weeks to reach "
        "steady-state after each dose adjustment. If myelosuppression occurs, and "
        "depending on other therapy, emphasis should be on reducing mercaptopurine over "
        "other agents (PMID 20354201,18685564, 8857546, 18987654, 20010622, 16401827, "
        "11302950, 16530532, 9634537). If normal starting dose is already < 75 mg/m2/day "
        "or < 1.5 mg/kg/day, dose reduction may not be recommended."
    ),
    "mercaptopurine TPMT PM": (
        "For malignancy, start with drastically reduced doses (reduce daily dose by "
        "10-fold and reduce frequency to thrice weekly instead of daily, e.g., 10 "
        "mg/m2/day given just 3 days/week) and adjust doses of mercaptopurine based on "
        "degree of myelosuppression and disease-specific guidelines. Allow 4-6 weeks to "
        "reach steady-state after each dose adjustment. If myelosuppression occurs, "
        "emphasis should be on reducing mercaptopurine over other agents. For "
        "non-malignant conditions, consider alternative non-thiopurine immunosuppressant "
        "therapy (PMID 20354201, 1960624, 11302950, 16530532)."
    ),
    "mercaptopurine NUDT15 PM": (
        "For malignancy, initiate dose at 10 mg/m2/day and adjust dose based on "
        "myelosuppression and disease-specific guidelines. Allow 4-6 weeks to reach "
        "steady state after each dose adjustment. If myelosuppression occurs, emphasis "
        "should be on reducing mercaptopurine over other agents. For non-malignant "
        "conditions, consider alternative non-thiopurine immunosuppressant therapy (PMID "
        "20354201, 1960624, 11302950, 16530532)."
    ),
    "thioguanine TPMT IM": (
        "Start with reduced doses (50% to 80% of normal dose) if normal starting dose is "
        ">= 40-60 mg/m2/day (e.g., 20-48 mg/m2/day) and adjust doses of thioguanine based "
        "on degree of myelosuppression and disease-specific guidelines. Allow 2-4 weeks "
        "to reach steady-state after each dose adjustment. If myelosuppression occurs, "
        "and depending on other therapy, emphasis should be on reducing thioguanine over "
        "other agents (PMID 20354201, 11037857)."
    ),
    "thioguanine NUDT15 PM": (
        "Reduce starting doses to 25% of normal dose and adjust doses of thioguanine "
        "based on degree of myelosuppression and disease-specific guidelines. Allow 4-6 "
        "weeks to reach steady-state after each dose adjustment. In setting of "
        "myelosuppression, emphasis should be on reducing thioguanine over other agents. "
        "For non-malignant conditions, consider alternative non-thiopurine "
        "immunosuppressant therapy (PMID 20354201)."
    ),
}

# The DPWG irinotecan–UGT1A1 rows of the catalogue (corsia/drugs/data/catalogue.jsonl).
UGT1A1_DPWG = {
    "Poor Metabolizer (*28/*28, *6/*6, *6/*28)": "DPWG: iniziare con il 70% della dose standard e aumentare secondo tolleranza (neutropenia). RCP Campto (sez. 4.2/4.4): nei metabolizzatori lenti considerare una dose iniziale ridotta.",
    "Intermediate Metabolizer (*1/*28, *1/*6)": "DPWG: nessuna modifica della dose iniziale; monitorare la tossicità.",
    "Normal Metabolizer": "Dose secondo RCP e schema.",
}
UGT1A1_SOURCES = {
    "Poor Metabolizer (*28/*28, *6/*6, *6/*28)": "DPWG guideline irinotecan-UGT1A1 (2022, Eur J Hum Genet 2023;31:982); RCP Campto sez. 4.2/4.4 - testo non CPIC",
    "Intermediate Metabolizer (*1/*28, *1/*6)": "DPWG guideline irinotecan-UGT1A1 (2022); testo non CPIC",
    "Normal Metabolizer": "DPWG guideline irinotecan-UGT1A1 (2022); testo non CPIC",
}


def pgx_marker(
    code: str, *, gene: str, phenotype: str, text: str, source: str = CPIC_SOURCE
) -> None:
    """One archive marker of the ingredient ``code`` (created if missing), as the catalogue
    loads it: a thiopurine row names both genes ("NUDT15: Normal Metabolizer; TPMT: Poor
    Metabolizer"), a DPWG irinotecan row the phenotype alone."""
    ingredient, _ = ActiveIngredient.objects.get_or_create(
        code=code, defaults={"name_en": code, "name_it": code}
    )
    PharmacogenomicMarker.objects.create(
        ingredient=ingredient, gene=gene, phenotype=phenotype, recommendation=text, source=source
    )
