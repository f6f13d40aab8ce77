"""Build ``catalogue.jsonl``, the reference drug archive Corsia ships.

Run from the repository root: ``.venv/bin/python corsia/drugs/data/build_catalogue.py``.
Inputs: ``atc_it_L01-L04.csv`` (AIFA/WHOCC), ``pgx/cpic_recommendations_onco.csv``
(CPIC) and the curated tables below (SmPC data as known to the authors: every
clinical value is flagged ``to_verify`` for the hospital pharmacist). See SOURCES.md.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TO_VERIFY = "da verificare dal farmacista ospedaliero"

# --- 1. every level-5 L01 code of the AIFA ATC list -> an ingredient ----------------

# Italian AIFA label -> English INN, where the rule "lower case" is not enough.
INN_EN: dict[str, str] = {
    "CICLOFOSFAMIDE": "cyclophosphamide",
    "CLORAMBUCILE": "chlorambucil",
    "MELFALAN": "melphalan",
    "CLORMETINA": "chlormethine",
    "TROFOSFAMIDE": "trofosfamide",
    "PREDNIMUSTINA": "prednimustine",
    "BENDAMUSTINA": "bendamustine",
    "BUSULFANO": "busulfan",
    "TIOTEPA": "thiotepa",
    "CARMUSTINA": "carmustine",
    "LOMUSTINA": "lomustine",
    "SEMUSTINA": "semustine",
    "STREPTOZOCINA": "streptozocin",
    "FOTEMUSTINA": "fotemustine",
    "NIMUSTINA": "nimustine",
    "RANIMUSTINA": "ranimustine",
    "MITOBRONITOLO": "mitobronitol",
    "PIPOBROMANO": "pipobroman",
    "DACARBAZINA": "dacarbazine",
    "METOTREXATO": "methotrexate",
    "MERCAPTOPURINA": "mercaptopurine",
    "TIOGUANINA": "tioguanine",
    "CLADRIBINA": "cladribine",
    "FLUDARABINA": "fludarabine",
    "CLOFARABINA": "clofarabine",
    "NELARABINA": "nelarabine",
    "CITARABINA": "cytarabine",
    "FLUOROURACILE": "fluorouracil",
    "GEMCITABINA": "gemcitabine",
    "CAPECITABINA": "capecitabine",
    "AZACITIDINA": "azacitidine",
    "DECITABINA": "decitabine",
    "VINBLASTINA": "vinblastine",
    "VINCRISTINA": "vincristine",
    "VINDESINA": "vindesine",
    "VINORELBINA": "vinorelbine",
    "VINFLUNINA DITARTRATO": "vinflunine",
    "DEMECOLCINA": "demecolcine",
    "DACTINOMICINA": "dactinomycin",
    "DOXORUBICINA": "doxorubicin",
    "DAUNORUBICINA": "daunorubicin",
    "EPIRUBICINA": "epirubicin",
    "ACLARUBICINA": "aclarubicin",
    "ZORUBICINA": "zorubicin",
    "IDARUBICINA": "idarubicin",
    "PIRARUBICINA": "pirarubicin",
    "VALRUBICINA": "valrubicin",
    "AMRUBICINA": "amrubicin",
    "BLEOMICINA": "bleomycin",
    "PLICAMICINA": "plicamycin",
    "MITOMICINA": "mitomycin",
    "CISPLATINO": "cisplatin",
    "CARBOPLATINO": "carboplatin",
    "OXALIPLATINO": "oxaliplatin",
    "PROCARBAZINA": "procarbazine",
    "GEMTUZUMAB": "gemtuzumab ozogamicin",
    "SODIO PORFIMER": "porfimer sodium",
    "VERTEPORFINA": "verteporfin",
    "METIL AMINOLEVULINATO": "methyl aminolevulinate",
    "ACIDO AMINOLEVULENICO": "aminolevulinic acid",
    "TEMOPORFINA": "temoporfin",
    "TRETINOINA": "tretinoin",
    "ALITRETINOINA": "alitretinoin",
    "AMSACRINA": "amsacrine",
    "ASPARAGINASI": "asparaginase",
    "ALTRETAMINA": "altretamine",
    "IDROSSICARBAMIDE": "hydroxycarbamide",
    "LONIDAMINA": "lonidamine",
    "PENTOSTATINA": "pentostatin",
    "MILTEFOSINA": "miltefosine",
    "ESTRAMUSTINA": "estramustine",
    "TIAZOFURINA": "tiazofurine",
    "ARSENICO TRIOSSIDO": "arsenic trioxide",
    "ERIBULINA": "eribulin",
    "EFLORNITINA": "eflornithine",
    "ACIDO IDROSSIOLEICO": "idroxioleic acid",
    "CALASPARGASI PEGOL": "calaspargase pegol",
}
# Combination labels: ATC code -> (code, English, Italian, components).
COMBINATIONS: dict[str, tuple[str, str, str, list[str]]] = {
    "L01BC58": (
        "decitabine_cedazuridine",
        "decitabine and cedazuridine",
        "Decitabina e cedazuridina",
        ["decitabine", "cedazuridine"],
    ),
    "L01BC59": (
        "trifluridine_tipiracil",
        "trifluridine and tipiracil",
        "Trifluridina e tipiracil",
        ["trifluridine", "tipiracil"],
    ),
    "L01CD51": (
        "paclitaxel_encequidar",
        "paclitaxel and encequidar",
        "Paclitaxel e encequidar",
        ["paclitaxel", "encequidar"],
    ),
    "L01XK52": (
        "niraparib_abiraterone",
        "niraparib and abiraterone",
        "Niraparib e abiraterone",
        ["niraparib", "abiraterone"],
    ),
    "L01XY01": (
        "daunorubicin_cytarabine_liposomal",
        "daunorubicin and cytarabine (liposomal)",
        "Daunorubicina e citarabina (liposomiale)",
        ["daunorubicin", "cytarabine"],
    ),
    "L01FY01": (
        "pertuzumab_trastuzumab",
        "pertuzumab and trastuzumab",
        "Pertuzumab e trastuzumab",
        ["pertuzumab", "trastuzumab"],
    ),
    "L01XY02": (
        "pertuzumab_trastuzumab",
        "pertuzumab and trastuzumab",
        "Pertuzumab e trastuzumab",
        ["pertuzumab", "trastuzumab"],
    ),
    "L01FY02": (
        "nivolumab_relatlimab",
        "nivolumab and relatlimab",
        "Nivolumab e relatlimab",
        ["nivolumab", "relatlimab"],
    ),
    "L01XY03": (
        "nivolumab_relatlimab",
        "nivolumab and relatlimab",
        "Nivolumab e relatlimab",
        ["nivolumab", "relatlimab"],
    ),
    "L01FY03": (
        "prolgolimab_nurulimab",
        "prolgolimab and nurulimab",
        "Prolgolimab e nurulimab",
        ["prolgolimab", "nurulimab"],
    ),
    "L01XY04": (
        "bifikafusp_alfa_onfekafusp_alfa",
        "bifikafusp alfa and onfekafusp alfa",
        "Bifikafusp alfa e onfekafusp alfa",
        ["bifikafusp_alfa", "onfekafusp_alfa"],
    ),
}
# Labels that name a group, not a substance: no ingredient (documented in SOURCES.md).
NOT_AN_INGREDIENT = {
    "L01BC52": "fluorouracile, associazioni: etichetta di gruppo",
    "L01BC53": "tegafur, associazioni: etichetta di gruppo (es. tegafur/gimeracil/oteracil)",
    "L01XC25": "anticorpi monoclonali (codice storico di raggruppamento)",
    "L01XE43": "inibitori delle protein-chinasi (codice storico di raggruppamento)",
}
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
    "anthracycline": (
        "vesicant",
        "Sospendere l'infusione, lasciare l'ago cannula e aspirare il farmaco residuo, poi "
        "rimuoverla; sollevare l'arto; impacchi freddi (da sospendere 15 minuti prima del "
        "dexrazoxano). Antidoto: dexrazoxano e.v. entro 6 ore (1000 mg/m2 giorni 1-2, "
        "500 mg/m2 giorno 3), non associare DMSO. Documentare e avvisare il medico. "
        "Fonte: ESMO-EONS Clinical Practice Guidelines, Ann Oncol 2012;23(suppl 7):vii167.",
    ),
    "vinca": (
        "vesicant",
        "Sospendere l'infusione, aspirare, rimuovere l'ago cannula; impacchi caldi (non freddi); "
        "ialuronidasi 150-1500 UI s.c. attorno all'area. Documentare e avvisare il medico. "
        "Fonte: ESMO-EONS 2012.",
    ),
    "dna_binding_other": (
        "vesicant",
        "Sospendere l'infusione, aspirare, rimuovere l'ago cannula; impacchi freddi; DMSO 99% "
        "topico ogni 8 ore per 7-14 giorni. Documentare e avvisare il medico. Fonte: ESMO-EONS 2012.",
    ),
    "taxane": (
        "vesicant",
        "Sospendere l'infusione, aspirare, rimuovere l'ago cannula; impacchi freddi; valutare "
        "ialuronidasi s.c. Documentare e avvisare il medico. Fonte: ESMO-EONS 2012.",
    ),
    "chlormethine": (
        "vesicant",
        "Sospendere l'infusione, aspirare; sodio tiosolfato 1/6 M s.c. attorno all'area; impacchi "
        "freddi. Fonte: ESMO-EONS 2012.",
    ),
    "oxaliplatin": (
        "irritant",
        "Sospendere l'infusione, aspirare, rimuovere l'ago cannula; impacchi caldi (il freddo può "
        "scatenare neurotossicità acuta); sollevare l'arto. Ad alte concentrazioni può comportarsi "
        "da vescicante. Fonte: ESMO-EONS 2012.",
    ),
    "irritant": (
        "irritant",
        "Sospendere l'infusione, aspirare, rimuovere l'ago cannula; sollevare l'arto; impacchi "
        "freddi (caldi per alcaloidi e oxaliplatino); osservare l'area. Fonte: ESMO-EONS 2012.",
    ),
    "non_vesicant": (
        "non_vesicant",
        "Sospendere l'infusione, rimuovere l'ago cannula, sollevare l'arto, osservare l'area; "
        "trattamento sintomatico. Fonte: ESMO-EONS 2012.",
    ),
}
EXTRA_CLASS = {
    "doxorubicin": "anthracycline",
    "daunorubicin": "anthracycline",
    "epirubicin": "anthracycline",
    "idarubicin": "anthracycline",
    "vincristine": "vinca",
    "vinblastine": "vinca",
    "vinorelbine": "vinca",
    "vindesine": "vinca",
    "vinflunine": "vinca",
    "mitomycin": "dna_binding_other",
    "dactinomycin": "dna_binding_other",
    "amsacrine": "dna_binding_other",
    "trabectedin": "dna_binding_other",
    "paclitaxel": "taxane",
    "chlormethine": "chlormethine",
    "oxaliplatin": "oxaliplatin",
    "docetaxel": "irritant",
    "cabazitaxel": "irritant",
    "cisplatin": "irritant",
    "carboplatin": "irritant",
    "etoposide": "irritant",
    "dacarbazine": "irritant",
    "bendamustine": "irritant",
    "carmustine": "irritant",
    "irinotecan": "irritant",
    "topotecan": "irritant",
    "mitoxantrone": "irritant",
    "busulfan": "irritant",
    "melphalan": "irritant",
    "fluorouracil": "irritant",
    "ifosfamide": "non_vesicant",
    "eribulin": "non_vesicant",
    "gemcitabine": "non_vesicant",
    "cyclophosphamide": "non_vesicant",
    "methotrexate": "non_vesicant",
    "cytarabine": "non_vesicant",
    "fludarabine": "non_vesicant",
    "pemetrexed": "non_vesicant",
    "bleomycin": "non_vesicant",
    "bortezomib": "non_vesicant",
    "carfilzomib": "non_vesicant",
    "azacitidine": "non_vesicant",
    "asparaginase": "non_vesicant",
    "pegaspargase": "non_vesicant",
    "rituximab": "non_vesicant",
    "trastuzumab": "non_vesicant",
    "bevacizumab": "non_vesicant",
    "cetuximab": "non_vesicant",
    "panitumumab": "non_vesicant",
    "pembrolizumab": "non_vesicant",
    "nivolumab": "non_vesicant",
    "daratumumab": "non_vesicant",
    "decitabine": "non_vesicant",
    "cladribine": "non_vesicant",
    "arsenic_trioxide": "non_vesicant",
}
# MASCC/ESMO antiemetic guideline 2016 (update 2023), intravenous agents.
EMETOGENIC = {
    "high": ["cisplatin", "carmustine", "dacarbazine", "chlormethine", "streptozocin"],
    "moderate": [
        "carboplatin",
        "oxaliplatin",
        "irinotecan",
        "doxorubicin",
        "epirubicin",
        "idarubicin",
        "daunorubicin",
        "cyclophosphamide",
        "ifosfamide",
        "bendamustine",
        "azacitidine",
        "clofarabine",
        "busulfan",
        "melphalan",
        "trabectedin",
        "temozolomide",
        "cytarabine",
    ],
    "low": [
        "paclitaxel",
        "docetaxel",
        "cabazitaxel",
        "etoposide",
        "fluorouracil",
        "gemcitabine",
        "pemetrexed",
        "methotrexate",
        "mitomycin",
        "mitoxantrone",
        "topotecan",
        "eribulin",
        "carfilzomib",
        "cetuximab",
        "panitumumab",
        "capecitabine",
        "decitabine",
    ],
    "minimal": [
        "vincristine",
        "vinblastine",
        "vinorelbine",
        "bleomycin",
        "fludarabine",
        "cladribine",
        "bortezomib",
        "rituximab",
        "bevacizumab",
        "trastuzumab",
        "pembrolizumab",
        "nivolumab",
        "daratumumab",
        "asparaginase",
        "pegaspargase",
    ],
}
EMETOGENIC_NOTE = {
    "cyclophosphamide": "alto se >= 1500 mg/m2; associazione antraciclina + ciclofosfamide (AC/EC): alto",
    "doxorubicin": "in associazione con ciclofosfamide (AC): alto",
    "epirubicin": "in associazione con ciclofosfamide (EC): alto",
    "cytarabine": "moderato se > 1000 mg/m2, basso se <= 1000 mg/m2",
    "carboplatin": "AUC >= 4: trattare come alto (MASCC/ESMO 2016, NCCN)",
}
CUMULATIVE = {
    "doxorubicin": (
        "550",
        "mg/m2",
        "450 mg/m2 se radioterapia mediastinica o altri cardiotossici (RCP Adriblastina, sez. 4.2/4.4)",
    ),
    "epirubicin": (
        "900",
        "mg/m2",
        "ridurre in presenza di fattori di rischio cardiaco (RCP Farmorubicina, sez. 4.4)",
    ),
    "daunorubicin": (
        "550",
        "mg/m2",
        "400 mg/m2 se pregressa radioterapia mediastinica (RCP Daunoblastina)",
    ),
    "idarubicin": (
        "150",
        "mg/m2",
        "via e.v.; considerare le antracicline precedenti (RCP Zavedos)",
    ),
    "mitoxantrone": (
        "160",
        "mg/m2",
        "140 mg/m2 se pregresse antracicline o radioterapia mediastinica (RCP)",
    ),
    "bleomycin": (
        "400000",
        "IU",
        "400.000 UI = 400 unità USP; oltre aumenta il rischio di fibrosi polmonare (RCP)",
    ),
}
MAX_SINGLE = {
    "vincristine": ("2", "mg", "dose singola massima abituale 2 mg (RCP); mai per via intratecale"),
}
AIFA_REGISTRY = {
    "pembrolizumab",
    "nivolumab",
    "daratumumab",
    "trabectedin",
    "carfilzomib",
    "cabazitaxel",
    "eribulin",
}
HIGH_COST = AIFA_REGISTRY | {
    "rituximab",
    "trastuzumab",
    "bevacizumab",
    "cetuximab",
    "panitumumab",
    "pemetrexed",
    "bortezomib",
    "azacitidine",
}
LAW_648 = {
    "bevacizumab": [
        "Uso intravitreale nella degenerazione maculare correlata all'età e in altre "
        "maculopatie (elenco Legge 648/96, determina AIFA; verificare la versione vigente)"
    ],
}
SYNONYMS = {
    "calcium_folinate": ["leucovorin", "folinic_acid", "acido folinico"],
    "calcium_levofolinate": ["levoleucovorin", "levofolinate", "acido levofolinico"],
    "fluorouracil": ["5-fu", "5-fluorouracile"],
    "cytarabine": ["ara-c", "cytosine arabinoside"],
    "mercaptopurine": ["6-mercaptopurine", "6-mp"],
    "tioguanine": ["thioguanine", "6-thioguanine"],
    "hydroxycarbamide": ["hydroxyurea", "idrossiurea"],
    "chlormethine": ["mechlorethamine", "mustine"],
    "paracetamol": ["acetaminophen"],
    "chlorphenamine": ["chlorpheniramine", "clorfeniramina"],
    "glucose": ["dextrose", "glucose_5", "destrosio"],
    "sodium_chloride": ["normal saline", "nacl 0.9%", "fisiologica"],
    "mesna": ["mesna"],
    "filgrastim": ["g-csf"],
    "paclitaxel": ["nab-paclitaxel", "paclitaxel albumin"],
}

# --- 3. supportive and interacting ingredients (ATC from the AIFA ATC list) ---------

SUPPORTIVE: list[tuple[str, str, str, str, str]] = [
    ("ondansetron", "ondansetron", "Ondansetron", "A04AA01", "antiemetico, antagonista 5-HT3"),
    ("granisetron", "granisetron", "Granisetron", "A04AA02", "antiemetico, antagonista 5-HT3"),
    ("palonosetron", "palonosetron", "Palonosetron", "A04AA05", "antiemetico, antagonista 5-HT3"),
    ("aprepitant", "aprepitant", "Aprepitant", "A04AD12", "antiemetico, antagonista NK1"),
    (
        "fosaprepitant",
        "fosaprepitant",
        "Fosaprepitant",
        "A04AD12",
        "antiemetico, antagonista NK1 (profarmaco dell'aprepitant, classificato in A04AD12)",
    ),
    ("metoclopramide", "metoclopramide", "Metoclopramide", "A03FA01", "procinetico, antiemetico"),
    ("dexamethasone", "dexamethasone", "Desametasone", "H02AB02", "corticosteroide"),
    ("methylprednisolone", "methylprednisolone", "Metilprednisolone", "H02AB04", "corticosteroide"),
    ("prednisone", "prednisone", "Prednisone", "H02AB07", "corticosteroide"),
    (
        "filgrastim",
        "filgrastim",
        "Filgrastim",
        "L03AA02",
        "fattore di crescita granulocitario (G-CSF)",
    ),
    (
        "pegfilgrastim",
        "pegfilgrastim",
        "Pegfilgrastim",
        "L03AA13",
        "fattore di crescita granulocitario (G-CSF)",
    ),
    (
        "lipegfilgrastim",
        "lipegfilgrastim",
        "Lipegfilgrastim",
        "L03AA14",
        "fattore di crescita granulocitario (G-CSF)",
    ),
    (
        "sodium_chloride",
        "sodium chloride",
        "Sodio cloruro",
        "B05BB01",
        "soluzione elettrolitica (0,9% per infusione; ATC come nella lista AIFA)",
    ),
    (
        "glucose",
        "glucose",
        "Glucosio",
        "B05BA03",
        "soluzione glucosata (ATC come nella lista AIFA)",
    ),
    ("mesna", "mesna", "Mesna", "V03AF01", "uroprotettore"),
    (
        "calcium_folinate",
        "calcium folinate",
        "Calcio folinato",
        "V03AF03",
        "antidoto, modulatore delle fluoropirimidine",
    ),
    (
        "calcium_levofolinate",
        "calcium levofolinate",
        "Calcio levofolinato",
        "V03AF04",
        "antidoto, modulatore delle fluoropirimidine",
    ),
    (
        "disodium_levofolinate",
        "disodium levofolinate",
        "Sodio levofolinato",
        "V03AF10",
        "antidoto, modulatore delle fluoropirimidine",
    ),
    ("chlorphenamine", "chlorphenamine", "Clorfenamina", "R06AB04", "antistaminico H1"),
    (
        "ranitidine",
        "ranitidine",
        "Ranitidina",
        "A02BA02",
        "antistaminico H2 (sospeso in UE dal 2020, impurezza NDMA)",
    ),
    ("famotidine", "famotidine", "Famotidina", "A02BA03", "antistaminico H2"),
    ("paracetamol", "paracetamol", "Paracetamolo", "N02BE01", "analgesico, antipiretico"),
    ("allopurinol", "allopurinol", "Allopurinolo", "M04AA01", "ipouricemizzante"),
    ("lenalidomide", "lenalidomide", "Lenalidomide", "L04AX04", "immunomodulatore (mieloma)"),
    ("thalidomide", "thalidomide", "Talidomide", "L04AX02", "immunomodulatore (mieloma)"),
    ("pomalidomide", "pomalidomide", "Pomalidomide", "L04AX06", "immunomodulatore (mieloma)"),
    ("rasburicase", "rasburicase", "Rasburicase", "V03AF07", "ipouricemizzante (urato ossidasi)"),
    ("magnesium_sulfate", "magnesium sulfate", "Magnesio solfato", "B05XA05", "elettrolita"),
    (
        "potassium_chloride",
        "potassium chloride",
        "Potassio cloruro",
        "B05XA01",
        "elettrolita (soluzione concentrata: Raccomandazione Ministeriale n. 1)",
    ),
    ("mannitol", "mannitol", "Mannitolo", "B05BC01", "diuretico osmotico"),
    ("tamoxifen", "tamoxifen", "Tamoxifene", "L02BA01", "antiestrogeno (terapia endocrina)"),
    ("azathioprine", "azathioprine", "Azatioprina", "L04AX01", "immunosoppressore (tiopurina)"),
    ("warfarin", "warfarin", "Warfarin", "B01AA03", "anticoagulante antivitamina K"),
    (
        "ketoconazole",
        "ketoconazole",
        "Ketoconazolo",
        "J02AB02",
        "antimicotico azolico (inibitore forte CYP3A4)",
    ),
    (
        "itraconazole",
        "itraconazole",
        "Itraconazolo",
        "J02AC02",
        "antimicotico azolico (inibitore forte CYP3A4)",
    ),
    (
        "voriconazole",
        "voriconazole",
        "Voriconazolo",
        "J02AC03",
        "antimicotico azolico (inibitore forte CYP3A4)",
    ),
    (
        "posaconazole",
        "posaconazole",
        "Posaconazolo",
        "J02AC04",
        "antimicotico azolico (inibitore forte CYP3A4)",
    ),
    (
        "fluconazole",
        "fluconazole",
        "Fluconazolo",
        "J02AC01",
        "antimicotico azolico (inibitore moderato CYP3A4)",
    ),
    (
        "rifampicin",
        "rifampicin",
        "Rifampicina",
        "J04AB02",
        "antitubercolare (induttore forte CYP3A4)",
    ),
    (
        "carbamazepine",
        "carbamazepine",
        "Carbamazepina",
        "N03AF01",
        "antiepilettico (induttore forte CYP3A4)",
    ),
    ("phenytoin", "phenytoin", "Fenitoina", "N03AB02", "antiepilettico (induttore forte CYP3A4)"),
    ("gentamicin", "gentamicin", "Gentamicina", "J01GB03", "aminoglicoside"),
    ("amikacin", "amikacin", "Amikacina", "J01GB06", "aminoglicoside"),
    ("omeprazole", "omeprazole", "Omeprazolo", "A02BC01", "inibitore di pompa protonica"),
    ("pantoprazole", "pantoprazole", "Pantoprazolo", "A02BC02", "inibitore di pompa protonica"),
    ("ibuprofen", "ibuprofen", "Ibuprofene", "M01AE01", "FANS"),
    ("ketorolac", "ketorolac", "Ketorolac", "M01AB15", "FANS"),
    (
        "brivudine",
        "brivudine",
        "Brivudina",
        "J05AB15",
        "antivirale (inibitore irreversibile della DPD)",
    ),
    (
        "sulfamethoxazole_trimethoprim",
        "sulfamethoxazole and trimethoprim",
        "Sulfametoxazolo e trimetoprim",
        "J01EE01",
        "antibatterico",
    ),
    (
        "clarithromycin",
        "clarithromycin",
        "Claritromicina",
        "J01FA09",
        "macrolide (inibitore forte CYP3A4)",
    ),
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


NACL = "sodio cloruro 0,9%"
G5 = "glucosio 5%"
WFI = "acqua per preparazioni iniettabili"
R = "2-8 °C"
RT = "25 °C"

PRODUCTS: list[P] = [
    *vials(
        "oxaliplatin",
        "Oxaliplatino generico 5 mg/mL",
        "",
        "5",
        [("50", "10"), ("100", "20"), ("200", "40")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[G5],
        final_concentration_min="0.2",
        final_concentration_max="0.7",
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="non congelare; nella confezione originale",
        stability_note="Incompatibile con soluzioni contenenti cloruri (NaCl) e con soluzioni alcaline (fluorouracile): lavare la linea con glucosio 5%.",
        density_g_ml="1.000",
        density_source="soluzione acquosa 5 mg/mL: circa 1,00 g/mL (stima, verificare con pesata)",
        preparation_mode="both",
    ),
    *vials(
        "fluorouracil",
        "Fluorouracile generico 50 mg/mL",
        "",
        "50",
        [("500", "10"), ("1000", "20"), ("5000", "100")],
        form="soluzione iniettabile o per infusione",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        diluted_stability_hours="24",
        diluted_stability_temperature=RT,
        storage="15-25 °C, non refrigerare (precipitazione), al riparo dalla luce",
        photosensitive=True,
        stability_note="Può essere somministrato non diluito in pompa elastomerica. Non miscelare con calcio folinato nella stessa sacca.",
        density_g_ml="1.03",
        density_source="soluzione acquosa alcalina 50 mg/mL: circa 1,02-1,04 g/mL (stima, verificare con pesata)",
        preparation_mode="both",
    ),
    *vials(
        "calcium_folinate",
        "Lederfolin (calcio folinato) 10 mg/mL",
        "",
        "10",
        [("50", "5"), ("100", "10"), ("350", "35")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C, al riparo dalla luce",
        photosensitive=True,
        stability_note="Non miscelare con fluorouracile nella stessa infusione (precipitato).",
        density_g_ml="1.00",
        density_source="soluzione acquosa: circa 1,00 g/mL (stima)",
    ),
    *vials(
        "calcium_levofolinate",
        "Calcio levofolinato generico 10 mg/mL",
        "",
        "10",
        [("50", "5"), ("175", "17.5")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C, al riparo dalla luce",
        photosensitive=True,
    ),
    *vials(
        "cisplatin",
        "Cisplatino generico 1 mg/mL",
        "",
        "1",
        [("10", "10"), ("50", "50"), ("100", "100")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, "sodio cloruro 0,45% / glucosio 2,5%"],
        diluted_stability_hours="24",
        diluted_stability_temperature=RT,
        diluted_protect_from_light=True,
        storage="15-25 °C, non refrigerare (precipitazione), al riparo dalla luce",
        photosensitive=True,
        stability_note="Solo diluenti con cloruri; evitare aghi e set contenenti alluminio.",
        density_g_ml="1.005",
        density_source="soluzione 1 mg/mL in NaCl 0,9%: circa 1,005 g/mL (stima)",
        preparation_mode="both",
    ),
    *vials(
        "carboplatin",
        "Carboplatino generico 10 mg/mL",
        "",
        "10",
        [("50", "5"), ("150", "15"), ("450", "45"), ("600", "60")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[G5, NACL],
        final_concentration_min="0.5",
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="sotto 25 °C, al riparo dalla luce",
        stability_note="Evitare aghi e set contenenti alluminio.",
        density_g_ml="1.00",
        density_source="soluzione acquosa 10 mg/mL: circa 1,00 g/mL (stima)",
        preparation_mode="both",
    ),
    *vials(
        "paclitaxel",
        "Paclitaxel generico 6 mg/mL",
        "",
        "6",
        [("30", "5"), ("100", "16.7"), ("300", "50")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, G5],
        final_concentration_min="0.3",
        final_concentration_max="1.2",
        diluted_stability_hours="27",
        diluted_stability_temperature=RT,
        storage="sotto 25 °C, al riparo dalla luce",
        pvc_free_required=True,
        filter_required="filtro in linea <= 0,22 µm",
        stability_note="Veicolo: olio di ricino poliossietilenato ed etanolo; usare contenitori e set senza PVC/DEHP. Premedicazione obbligatoria.",
        density_g_ml="0.925",
        density_source="calcolata dalla composizione per mL (527 mg olio di ricino poliossietilenato + etanolo 49,7% v/v ≈ 0,39 g + 6 mg): circa 0,92-0,93 g/mL; verificare con pesata",
    ),
    *vials(
        "docetaxel",
        "Docetaxel generico 20 mg/mL",
        "",
        "20",
        [("20", "1"), ("80", "4"), ("160", "8")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, G5],
        final_concentration_min="0.3",
        final_concentration_max="0.74",
        diluted_stability_hours="6",
        diluted_stability_temperature=RT,
        storage="sotto 25 °C, al riparo dalla luce",
        pvc_free_required=True,
        stability_note="Stabilità della diluizione: 6 ore a 25 °C (inclusa l'infusione) o 48 ore a 2-8 °C secondo l'RCP del prodotto.",
        density_g_ml="0.96",
        density_source="polisorbato 80 + etanolo: circa 0,95-0,98 g/mL secondo il produttore (stima, verificare con pesata)",
    ),
    *vials(
        "doxorubicin",
        "Adriblastina 2 mg/mL",
        "",
        "2",
        [("10", "5"), ("50", "25"), ("200", "100")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        diluted_protect_from_light=True,
        storage="2-8 °C, al riparo dalla luce",
        photosensitive=True,
        density_g_ml="1.00",
        density_source="soluzione acquosa: circa 1,00 g/mL (stima)",
        preparation_mode="both",
    ),
    *vials(
        "doxorubicin",
        "Caelyx (doxorubicina liposomiale pegilata) 2 mg/mL",
        "Baxter Holding B.V.",
        "2",
        [("20", "10"), ("50", "25")],
        form="concentrato per dispersione per infusione",
        physical_state="suspension",
        formulation="pegylated_liposomal",
        compatible_diluents=[G5],
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C",
        stability_note="NON sostituibile con doxorubicina convenzionale né con Myocet. Dosi fino a 90 mg in 250 mL di glucosio 5%, oltre in 500 mL; non usare NaCl né filtri in linea.",
    ),
    product(
        "doxorubicin_50mg_powder_myocet",
        "doxorubicin",
        "Myocet (doxorubicina liposomiale non pegilata) 50 mg",
        "50",
        "mg",
        "powder",
        holder="Teva B.V.",
        formulation="liposomal",
        form="polvere, dispersione e solvente per concentrato per dispersione per infusione",
        reconstitution_diluent=NACL,
        reconstitution_volume_ml="25",
        concentration="2",
        compatible_diluents=[NACL, G5],
        final_concentration_min="0.4",
        final_concentration_max="1.2",
        reconstituted_stability_hours="8",
        reconstituted_stability_temperature=RT,
        diluted_stability_hours="8",
        diluted_stability_temperature=RT,
        storage="2-8 °C",
        stability_note="Kit a tre componenti (liposomi, doxorubicina, tampone): NON sostituibile con doxorubicina convenzionale né con Caelyx.",
    ),
    *vials(
        "epirubicin",
        "Farmorubicina 2 mg/mL",
        "",
        "2",
        [("10", "5"), ("50", "25"), ("200", "100")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C, al riparo dalla luce",
        photosensitive=True,
        density_g_ml="1.00",
        density_source="soluzione acquosa: circa 1,00 g/mL (stima)",
    ),
    *powders(
        "cyclophosphamide",
        "Endoxan",
        "",
        [("500", "25", "20", "mg"), ("1000", "50", "20", "mg")],
        form="polvere per soluzione iniettabile",
        reconstitution_diluent=NACL,
        compatible_diluents=[NACL, G5],
        reconstituted_stability_hours="24",
        reconstituted_stability_temperature=R,
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="sotto 25 °C",
        density_g_ml="1.01",
        density_source="soluzione ricostituita 20 mg/mL in NaCl 0,9%: circa 1,01 g/mL (stima)",
    ),
    *vials(
        "vincristine",
        "Vincristina generico 1 mg/mL",
        "",
        "1",
        [("1", "1"), ("2", "2")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL],
        density_g_ml="1.00",
        density_source="soluzione acquosa con mannitolo: circa 1,00 g/mL (stima, verificare con pesata)",
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C, al riparo dalla luce",
        photosensitive=True,
        stability_note="FATALE PER VIA INTRATECALE: preparare in minisacca da 50 mL (non in siringa), etichetta 'solo per uso endovenoso'.",
    ),
    *vials(
        "etoposide",
        "Etoposide generico 20 mg/mL",
        "",
        "20",
        [("100", "5"), ("200", "10"), ("500", "25"), ("1000", "50")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, G5],
        final_concentration_min="0.2",
        final_concentration_max="0.4",
        diluted_stability_hours="24",
        diluted_stability_temperature=RT,
        storage="sotto 25 °C",
        stability_note="Sopra 0,4 mg/mL rischio di precipitazione. Il concentrato può danneggiare materiali in ABS/acrilico.",
    ),
    *powders(
        "gemcitabine",
        "Gemzar",
        "",
        [("200", "5", "38", "mg"), ("1000", "25", "38", "mg")],
        form="polvere per soluzione per infusione",
        reconstitution_diluent=NACL,
        compatible_diluents=[NACL],
        reconstituted_stability_hours="24",
        reconstituted_stability_temperature=RT,
        diluted_stability_hours="24",
        diluted_stability_temperature=RT,
        storage="sotto 30 °C",
        stability_note="Non refrigerare la soluzione ricostituita (cristallizzazione). 38 mg/mL tiene conto del volume di spostamento.",
        preparation_mode="both",
    ),
    *vials(
        "gemcitabine",
        "Gemcitabina generico 38 mg/mL",
        "",
        "38",
        [("200", "5.26"), ("1000", "26.3"), ("2000", "52.6")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL],
        diluted_stability_hours="24",
        diluted_stability_temperature=RT,
        storage="2-8 °C o secondo RCP del produttore",
        preparation_mode="both",
    ),
    *vials(
        "irinotecan",
        "Campto 20 mg/mL",
        "",
        "20",
        [("40", "2"), ("100", "5"), ("300", "15"), ("500", "25")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, G5],
        final_concentration_min="0.12",
        final_concentration_max="2.8",
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="sotto 25 °C, al riparo dalla luce",
        photosensitive=True,
        density_g_ml="1.00",
        density_source="soluzione acquosa con sorbitolo: circa 1,00-1,02 g/mL (stima)",
        preparation_mode="both",
    ),
    *vials(
        "rituximab",
        "MabThera 10 mg/mL",
        "Roche Registration GmbH",
        "10",
        [("100", "10"), ("500", "50")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, G5],
        final_concentration_min="1",
        final_concentration_max="4",
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C, al riparo dalla luce",
        stability_note="Stabilità chimico-fisica della diluizione più lunga (vedi RCP); microbiologicamente 24 h a 2-8 °C. Non agitare.",
    ),
    *vials(
        "rituximab",
        "Truxima 10 mg/mL",
        "Celltrion Healthcare Hungary Kft.",
        "10",
        [("100", "10"), ("500", "50")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, G5],
        final_concentration_min="1",
        final_concentration_max="4",
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C, al riparo dalla luce",
    ),
    *powders(
        "trastuzumab",
        "Herceptin",
        "Roche Registration GmbH",
        [("150", "7.2", "21", "mg")],
        form="polvere per concentrato per soluzione per infusione",
        reconstitution_diluent=WFI,
        compatible_diluents=[NACL],
        reconstituted_stability_hours="48",
        reconstituted_stability_temperature=R,
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C",
        stability_note="Diluire in 250 mL di NaCl 0,9%; non usare glucosio. Non agitare.",
    ),
    *vials(
        "trastuzumab",
        "Herceptin s.c. 120 mg/mL",
        "Roche Registration GmbH",
        "120",
        [("600", "5")],
        form="soluzione iniettabile (con ialuronidasi)",
        physical_state="solution",
        formulation="subcutaneous",
        route="s.c.",
        storage="2-8 °C",
        stability_note="Solo sottocutaneo, dose fissa 600 mg in 2-5 minuti: NON sostituibile con la formulazione e.v. (e viceversa).",
    ),
    *vials(
        "rituximab",
        "MabThera s.c. 120 mg/mL",
        "Roche Registration GmbH",
        "120",
        [("1400", "11.7")],
        form="soluzione iniettabile (con ialuronidasi)",
        physical_state="solution",
        formulation="subcutaneous",
        route="s.c.",
        storage="2-8 °C",
        stability_note="Solo sottocutaneo, dose fissa 1400 mg dal secondo ciclo: NON sostituibile con la formulazione e.v. (e viceversa).",
    ),
    *powders(
        "trastuzumab",
        "Ontruzant",
        "Samsung Bioepis NL B.V.",
        [("150", "7.2", "21", "mg")],
        form="polvere per concentrato per soluzione per infusione",
        reconstitution_diluent=WFI,
        compatible_diluents=[NACL],
        reconstituted_stability_hours="48",
        reconstituted_stability_temperature=R,
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C",
    ),
    *vials(
        "bevacizumab",
        "Avastin 25 mg/mL",
        "Roche Registration GmbH",
        "25",
        [("100", "4"), ("400", "16")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL],
        final_concentration_min="1.4",
        final_concentration_max="16.5",
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C, al riparo dalla luce",
        stability_note="Non diluire con glucosio.",
    ),
    *powders(
        "pemetrexed",
        "Alimta",
        "Eli Lilly Nederland B.V.",
        [("100", "4.2", "25", "mg"), ("500", "20", "25", "mg")],
        form="polvere per concentrato per soluzione per infusione",
        reconstitution_diluent=NACL,
        compatible_diluents=[NACL],
        reconstituted_stability_hours="24",
        reconstituted_stability_temperature=R,
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="nessuna condizione particolare",
        stability_note="Diluire a 100 mL con NaCl 0,9%.",
        preparation_mode="both",
    ),
    *powders(
        "bleomycin",
        "Bleomicina generico",
        "",
        [("15000", "5", "3000", "IU")],
        form="polvere per soluzione iniettabile",
        reconstitution_diluent=NACL,
        compatible_diluents=[NACL],
        reconstituted_stability_hours="24",
        reconstituted_stability_temperature=R,
        diluted_stability_hours="24",
        diluted_stability_temperature=RT,
        storage="2-8 °C",
        stability_note="15.000 UI corrispondono a circa 15 mg (15 unità USP). Dose in UI, mai in mg.",
    ),
    *powders(
        "dacarbazine",
        "Dacarbazina generico",
        "",
        [("200", "20", "10", "mg"), ("500", "50", "10", "mg"), ("1000", "100", "10", "mg")],
        form="polvere per soluzione iniettabile o per infusione",
        reconstitution_diluent=WFI,
        compatible_diluents=[NACL, G5],
        reconstituted_stability_hours="24",
        reconstituted_stability_temperature=R,
        reconstituted_protect_from_light=True,
        diluted_stability_hours="8",
        diluted_stability_temperature=RT,
        diluted_protect_from_light=True,
        storage="sotto 25 °C, al riparo dalla luce",
        photosensitive=True,
        stability_note="Somministrare con set fotoprotetto.",
    ),
    *vials(
        "vinblastine",
        "Vinblastina generico 1 mg/mL",
        "",
        "1",
        [("10", "10")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL],
        storage="2-8 °C, al riparo dalla luce",
        photosensitive=True,
        stability_note="FATALE PER VIA INTRATECALE: solo per uso endovenoso.",
    ),
    *vials(
        "cytarabine",
        "Citarabina generico 20 mg/mL",
        "",
        "20",
        [("100", "5"), ("500", "25")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        storage="sotto 25 °C",
    ),
    *vials(
        "cytarabine",
        "Citarabina generico 100 mg/mL",
        "",
        "100",
        [("1000", "10"), ("2000", "20")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        storage="sotto 25 °C",
        stability_note="La concentrazione 100 mg/mL non è per uso intratecale.",
    ),
    *vials(
        "methotrexate",
        "Metotrexato generico 25 mg/mL",
        "",
        "25",
        [("50", "2"), ("500", "20"), ("1000", "40")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        storage="sotto 25 °C, al riparo dalla luce",
        photosensitive=True,
    ),
    *vials(
        "methotrexate",
        "Metotrexato generico 100 mg/mL",
        "",
        "100",
        [("1000", "10"), ("5000", "50")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, G5],
        storage="sotto 25 °C, al riparo dalla luce",
        photosensitive=True,
        stability_note="Alte dosi: richiede calcio folinato di salvataggio e monitoraggio dei livelli sierici.",
    ),
    *powders(
        "ifosfamide",
        "Holoxan",
        "",
        [("1000", "25", "40", "mg"), ("2000", "50", "40", "mg")],
        form="polvere per soluzione per infusione",
        reconstitution_diluent=WFI,
        compatible_diluents=[NACL, G5],
        reconstituted_stability_hours="24",
        reconstituted_stability_temperature=R,
        storage="sotto 25 °C",
        stability_note="Associare mesna (uroprotezione).",
    ),
    *powders(
        "bendamustine",
        "Levact",
        "",
        [("25", "10", "2.5", "mg"), ("100", "40", "2.5", "mg")],
        form="polvere per concentrato per soluzione per infusione",
        reconstitution_diluent=WFI,
        compatible_diluents=[NACL],
        final_concentration_min="0.2",
        final_concentration_max="0.6",
        diluted_stability_hours="3.5",
        diluted_stability_temperature=RT,
        storage="nella confezione originale, al riparo dalla luce",
        photosensitive=True,
        stability_note="Diluita: 3,5 ore a 25 °C oppure 2 giorni a 2-8 °C.",
    ),
    *powders(
        "bortezomib",
        "Velcade",
        "Janssen-Cilag International NV",
        [("3.5", "3.5", "1", "mg")],
        form="polvere per soluzione iniettabile",
        reconstitution_diluent=NACL,
        reconstituted_stability_hours="8",
        reconstituted_stability_temperature=RT,
        storage="sotto 25 °C, nella confezione originale",
        stability_note="E.v.: 3,5 mL di NaCl 0,9% (1 mg/mL); s.c.: 1,4 mL (2,5 mg/mL). Verificare la via prima della ricostituzione.",
        route="e.v. / s.c.",
    ),
    *powders(
        "azacitidine",
        "Vidaza",
        "Bristol-Myers Squibb Pharma EEIG",
        [("100", "4", "25", "mg")],
        form="polvere per sospensione iniettabile",
        reconstitution_diluent=WFI,
        reconstituted_stability_hours="0.75",
        reconstituted_stability_temperature=RT,
        storage="nessuna condizione particolare",
        route="s.c.",
        stability_note="Sospensione: 45 minuti a 25 °C; 8 ore a 2-8 °C se ricostituita con acqua a temperatura ambiente, 22 ore se con acqua refrigerata.",
        preparation_mode="manual",
    ),
    *powders(
        "daunorubicin",
        "Daunoblastina",
        "",
        [("20", "10", "2", "mg")],
        form="polvere per soluzione iniettabile",
        reconstitution_diluent=NACL,
        reconstituted_stability_hours="24",
        reconstituted_stability_temperature=R,
        storage="sotto 25 °C, al riparo dalla luce",
        photosensitive=True,
    ),
    *vials(
        "idarubicin",
        "Zavedos 1 mg/mL",
        "",
        "1",
        [("5", "5"), ("10", "10")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        storage="2-8 °C, al riparo dalla luce",
        photosensitive=True,
    ),
    *vials(
        "mitoxantrone",
        "Mitoxantrone generico 2 mg/mL",
        "",
        "2",
        [("20", "10")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, G5],
        storage="sotto 25 °C, non refrigerare, non congelare",
    ),
    product(
        "asparaginase_10000iu_powder_spectrila",
        "asparaginase",
        "Spectrila 10.000 U polvere",
        "10000",
        "IU",
        "powder",
        holder="medac GmbH",
        form="polvere per concentrato per soluzione per infusione",
        reconstitution_diluent=WFI,
        reconstitution_volume_ml="3.7",
        concentration="2500",
        compatible_diluents=[NACL],
        reconstituted_stability_hours="24",
        reconstituted_stability_temperature=R,
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C",
        stability_note="Asparaginasi ricombinante da E. coli: non intercambiabile con pegaspargase o crisantaspasi. Ricostituire con 3,7 mL di acqua p.p.i. (2.500 U/mL), diluire in NaCl 0,9%. Dose in UI, mai in mg.",
    ),
    *vials(
        "vinorelbine",
        "Navelbine 10 mg/mL",
        "Pierre Fabre",
        "10",
        [("10", "1"), ("50", "5")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, G5],
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C, al riparo dalla luce",
        photosensitive=True,
        stability_note="FATALE PER VIA INTRATECALE: solo per uso endovenoso; lavare la vena dopo l'infusione.",
    ),
    *vials(
        "pembrolizumab",
        "Keytruda 25 mg/mL",
        "Merck Sharp & Dohme B.V.",
        "25",
        [("100", "4")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, G5],
        final_concentration_min="1",
        final_concentration_max="10",
        diluted_stability_hours="96",
        diluted_stability_temperature=R,
        storage="2-8 °C, al riparo dalla luce",
        filter_required="filtro in linea 0,2-5 µm a basso legame proteico",
        stability_note="96 ore a 2-8 °C comprese al massimo 6 ore a temperatura ambiente. Non agitare.",
    ),
    *vials(
        "nivolumab",
        "Opdivo 10 mg/mL",
        "Bristol-Myers Squibb Pharma EEIG",
        "10",
        [("40", "4"), ("100", "10"), ("240", "24")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, G5],
        final_concentration_min="1",
        final_concentration_max="10",
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C, al riparo dalla luce",
        filter_required="filtro in linea 0,2-1,2 µm",
        stability_note="Può essere infuso non diluito. Non agitare.",
    ),
    *vials(
        "cetuximab",
        "Erbitux 5 mg/mL",
        "Merck Europe B.V.",
        "5",
        [("100", "20"), ("500", "100")],
        form="soluzione per infusione",
        physical_state="solution",
        compatible_diluents=[NACL],
        diluted_stability_hours="48",
        diluted_stability_temperature=RT,
        storage="2-8 °C",
        filter_required="filtro in linea 0,2 µm",
        stability_note="Somministrare non diluito (pompa) o diluito in NaCl 0,9%.",
    ),
    *vials(
        "panitumumab",
        "Vectibix 20 mg/mL",
        "Amgen Europe B.V.",
        "20",
        [("100", "5"), ("400", "20")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL],
        final_concentration_max="10",
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C, al riparo dalla luce",
        filter_required="filtro in linea 0,2 o 0,22 µm a basso legame proteico",
    ),
    *vials(
        "fludarabine",
        "Fludarabina generico 25 mg/mL",
        "",
        "25",
        [("50", "2")],
        form="concentrato per soluzione iniettabile o per infusione",
        compatible_diluents=[NACL],
        storage="2-8 °C",
    ),
    *powders(
        "topotecan",
        "Hycamtin",
        "",
        [("4", "4", "1", "mg")],
        form="polvere per concentrato per soluzione per infusione",
        reconstitution_diluent=WFI,
        compatible_diluents=[NACL, G5],
        final_concentration_min="0.025",
        final_concentration_max="0.05",
        storage="nella confezione originale, al riparo dalla luce",
        photosensitive=True,
    ),
    *powders(
        "mitomycin",
        "Mitomicina generico",
        "",
        [("10", "10", "1", "mg"), ("40", "40", "1", "mg")],
        form="polvere per soluzione iniettabile",
        reconstitution_diluent=WFI,
        storage="sotto 25 °C, al riparo dalla luce",
        photosensitive=True,
    ),
    *vials(
        "eribulin",
        "Halaven 0,44 mg/mL",
        "Eisai GmbH",
        "0.44",
        [("0.88", "2")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL],
        storage="nessuna condizione particolare",
        stability_note="Non diluire con glucosio 5%. Somministrabile non diluito.",
    ),
    *vials(
        "cabazitaxel",
        "Jevtana 20 mg/mL",
        "Sanofi Winthrop Industrie",
        "20",
        [("60", "3")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL, G5],
        final_concentration_min="0.10",
        final_concentration_max="0.26",
        diluted_stability_hours="8",
        diluted_stability_temperature=RT,
        pvc_free_required=True,
        filter_required="filtro in linea 0,22 µm",
        storage="sotto 30 °C",
        stability_note="Diluizione: 8 ore a temperatura ambiente (inclusa l'infusione) o 48 ore a 2-8 °C.",
    ),
    *powders(
        "paclitaxel",
        "Abraxane (nab-paclitaxel)",
        "Bristol-Myers Squibb Pharma EEIG",
        [("100", "20", "5", "mg")],
        form="polvere per dispersione per infusione",
        reconstitution_diluent=NACL,
        reconstituted_stability_hours="24",
        reconstituted_stability_temperature=R,
        reconstituted_protect_from_light=True,
        storage="nella confezione originale, al riparo dalla luce",
        photosensitive=True,
        stability_note="Non sostituibile con paclitaxel in solvente. Infondere la dispersione non diluita in sacca vuota; non usare filtri in linea.",
        formulation="albumin_bound",
        physical_state_note="dispersione",
    ),
    *powders(
        "trabectedin",
        "Yondelis",
        "Pharma Mar S.A.",
        [("0.25", "5", "0.05", "mg"), ("1", "20", "0.05", "mg")],
        form="polvere per concentrato per soluzione per infusione",
        reconstitution_diluent=WFI,
        compatible_diluents=[NACL, G5],
        filter_required="filtro in linea 0,2 µm",
        storage="2-8 °C",
        stability_note="Somministrare in vena centrale.",
    ),
    *powders(
        "carfilzomib",
        "Kyprolis",
        "Amgen Europe B.V.",
        [("10", "5", "2", "mg"), ("30", "15", "2", "mg"), ("60", "29", "2", "mg")],
        form="polvere per soluzione per infusione",
        reconstitution_diluent=WFI,
        compatible_diluents=[G5],
        reconstituted_stability_hours="24",
        reconstituted_stability_temperature=R,
        storage="2-8 °C, nella confezione originale",
    ),
    *vials(
        "daratumumab",
        "Darzalex 20 mg/mL",
        "Janssen-Cilag International NV",
        "20",
        [("100", "5"), ("400", "20")],
        form="concentrato per soluzione per infusione",
        compatible_diluents=[NACL],
        diluted_stability_hours="24",
        diluted_stability_temperature=R,
        storage="2-8 °C, al riparo dalla luce",
        filter_required="filtro in linea 0,2 µm a basso legame proteico",
        stability_note="Diluire in 500 o 1000 mL di NaCl 0,9%. Non agitare.",
    ),
    # supportive
    *vials(
        "ondansetron",
        "Ondansetron generico 2 mg/mL",
        "",
        "2",
        [("4", "2"), ("8", "4")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        storage="sotto 30 °C, al riparo dalla luce",
        preparation_mode="none",
    ),
    *vials(
        "granisetron",
        "Granisetron generico 1 mg/mL",
        "",
        "1",
        [("3", "3")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        storage="sotto 25 °C",
        preparation_mode="none",
    ),
    *vials(
        "palonosetron",
        "Aloxi 50 µg/mL",
        "Helsinn Birex Pharmaceuticals",
        "50",
        [("250", "5")],
        strength_unit="mcg",
        form="soluzione iniettabile",
        physical_state="solution",
        storage="nessuna condizione particolare",
        preparation_mode="none",
        concentration_unit="mcg/mL",
    ),
    *powders(
        "fosaprepitant",
        "Ivemend",
        "Merck Sharp & Dohme B.V.",
        [("150", "5", "30", "mg")],
        form="polvere per soluzione per infusione",
        reconstitution_diluent=NACL,
        compatible_diluents=[NACL],
        diluted_stability_hours="24",
        diluted_stability_temperature=RT,
        storage="2-8 °C",
        stability_note="Diluire a 150 mL (1 mg/mL) in NaCl 0,9%.",
    ),
    *vials(
        "dexamethasone",
        "Desametasone sodio fosfato generico 4 mg/mL",
        "",
        "4",
        [("4", "1"), ("8", "2")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        storage="sotto 25 °C, al riparo dalla luce",
        preparation_mode="none",
    ),
    *vials(
        "metoclopramide",
        "Plasil 5 mg/mL",
        "",
        "5",
        [("10", "2")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        storage="al riparo dalla luce",
        preparation_mode="none",
    ),
    *vials(
        "mesna",
        "Uromitexan 100 mg/mL",
        "",
        "100",
        [("400", "4"), ("1000", "10")],
        form="soluzione iniettabile",
        physical_state="solution",
        compatible_diluents=[NACL, G5],
        storage="sotto 25 °C",
    ),
    *vials(
        "sodium_chloride",
        "Sodio cloruro Fresenius Kabi Italia 0,9%",
        "Fresenius Kabi Italia",
        "9",
        [("2250", "250"), ("4500", "500")],
        form="soluzione per infusione",
        physical_state="solution",
        storage="sotto 25 °C",
        preparation_mode="none",
        density_g_ml="1.005",
        density_source="NaCl 0,9%: 1,0046 g/mL a 20 °C (CRC Handbook)",
    ),
    *vials(
        "glucose",
        "Glucosio Fresenius Kabi Italia 5%",
        "Fresenius Kabi Italia",
        "50",
        [("12500", "250"), ("25000", "500")],
        form="soluzione per infusione",
        physical_state="solution",
        storage="sotto 25 °C",
        preparation_mode="none",
        density_g_ml="1.017",
        density_source="glucosio 5% p/v: circa 1,017 g/mL a 20 °C (CRC Handbook)",
    ),
    *vials(
        "paracetamol",
        "Paracetamolo generico 10 mg/mL",
        "",
        "10",
        [("1000", "100")],
        form="soluzione per infusione",
        physical_state="solution",
        storage="sotto 25 °C, non refrigerare",
        preparation_mode="none",
    ),
    *vials(
        "chlorphenamine",
        "Clorfenamina generico 10 mg/mL",
        "",
        "10",
        [("10", "1")],
        form="soluzione iniettabile",
        physical_state="solution",
        storage="al riparo dalla luce",
        preparation_mode="none",
    ),
    *powders(
        "rasburicase",
        "Fasturtec",
        "Sanofi Winthrop Industrie",
        [("1.5", "1", "1.5", "mg"), ("7.5", "5", "1.5", "mg")],
        form="polvere e solvente per concentrato per soluzione per infusione",
        reconstitution_diluent="solvente in confezione",
        compatible_diluents=[NACL],
        reconstituted_stability_hours="24",
        reconstituted_stability_temperature=R,
        storage="2-8 °C",
        stability_note="Diluire in 50 mL di NaCl 0,9%; non agitare; nessun filtro; linea dedicata.",
    ),
    product(
        "filgrastim_30mu_zarzio",
        "filgrastim",
        "Zarzio 30 MU/0,5 mL siringa preriempita",
        "300",
        "mcg",
        "solution",
        holder="Sandoz GmbH",
        form="soluzione iniettabile in siringa preriempita",
        route="s.c. / e.v.",
        nominal_volume_ml="0.5",
        concentration="600",
        concentration_unit="mcg/mL",
        storage="2-8 °C",
        preparation_mode="none",
    ),
    product(
        "pegfilgrastim_6mg_neulasta",
        "pegfilgrastim",
        "Neulasta 6 mg siringa preriempita",
        "6",
        "mg",
        "solution",
        holder="Amgen Europe B.V.",
        form="soluzione iniettabile in siringa preriempita",
        route="s.c.",
        nominal_volume_ml="0.6",
        concentration="10",
        storage="2-8 °C",
        preparation_mode="none",
    ),
    product(
        "lipegfilgrastim_6mg_lonquex",
        "lipegfilgrastim",
        "Lonquex 6 mg siringa preriempita",
        "6",
        "mg",
        "solution",
        holder="Teva B.V.",
        form="soluzione iniettabile in siringa preriempita",
        route="s.c.",
        nominal_volume_ml="0.6",
        concentration="10",
        storage="2-8 °C",
        preparation_mode="none",
    ),
    product(
        "aprepitant_125_80mg_emend",
        "aprepitant",
        "Emend 125 mg + 80 mg capsule rigide",
        "125",
        "mg",
        "solid_oral",
        holder="Merck Sharp & Dohme B.V.",
        form="capsule rigide",
        route="orale",
        preparation_mode="none",
    ),
    product(
        "capecitabine_500mg_xeloda",
        "capecitabine",
        "Xeloda 500 mg compresse rivestite",
        "500",
        "mg",
        "solid_oral",
        form="compresse rivestite con film",
        route="orale",
        preparation_mode="none",
        data_source="Lista di trasparenza AIFA (AIC); RCP Xeloda",
    ),
    product(
        "capecitabine_150mg_xeloda",
        "capecitabine",
        "Xeloda 150 mg compresse rivestite",
        "150",
        "mg",
        "solid_oral",
        form="compresse rivestite con film",
        route="orale",
        preparation_mode="none",
        data_source="Lista di trasparenza AIFA (AIC); RCP Xeloda",
    ),
    product(
        "allopurinol_300mg_zyloric",
        "allopurinol",
        "Zyloric 300 mg compresse",
        "300",
        "mg",
        "solid_oral",
        form="compresse",
        route="orale",
        preparation_mode="none",
        data_source="Lista di trasparenza AIFA (AIC)",
    ),
    product(
        "allopurinol_100mg_zyloric",
        "allopurinol",
        "Zyloric 100 mg compresse",
        "100",
        "mg",
        "solid_oral",
        form="compresse",
        route="orale",
        preparation_mode="none",
        data_source="Lista di trasparenza AIFA (AIC)",
    ),
    product(
        "prednisone_25mg_deltacortene",
        "prednisone",
        "Deltacortene 25 mg compresse",
        "25",
        "mg",
        "solid_oral",
        form="compresse",
        route="orale",
        preparation_mode="none",
        data_source="Lista di trasparenza AIFA (AIC)",
    ),
    product(
        "methylprednisolone_16mg_medrol",
        "methylprednisolone",
        "Medrol 16 mg compresse",
        "16",
        "mg",
        "solid_oral",
        form="compresse",
        route="orale",
        preparation_mode="none",
        data_source="Lista di trasparenza AIFA (AIC)",
    ),
    product(
        "ondansetron_8mg_zofran",
        "ondansetron",
        "Zofran 8 mg compresse",
        "8",
        "mg",
        "solid_oral",
        form="compresse rivestite con film",
        route="orale",
        preparation_mode="none",
        data_source="Lista di trasparenza AIFA (AIC)",
    ),
    product(
        "temozolomide_100mg_temodal",
        "temozolomide",
        "Temodal 100 mg capsule rigide",
        "100",
        "mg",
        "solid_oral",
        form="capsule rigide",
        route="orale",
        preparation_mode="none",
        data_source="Lista di trasparenza AIFA (AIC)",
    ),
]
BIOSIMILAR_OF = {
    "Truxima": "MabThera",
    "Ontruzant": "Herceptin",
    "Zarzio": None,
}

# Real AIC codes, from the AIFA "lista di trasparenza" (refdata aifa/farmaci_equivalenti_hl7it.csv).
# product code -> list of (AIC, units per pack, description)
AIC_PACKS: dict[str, list[tuple[str, int, str]]] = {
    "sodium_chloride_2250mg_250ml_sodio": [
        ("030775035", 1, "SODIO CLORURO 0,9% 250ML USO PARENTERALE")
    ],
    "sodium_chloride_4500mg_500ml_sodio": [
        ("030775047", 1, "SODIO CLORURO 0,9% 500ML USO PARENTERALE")
    ],
    "glucose_12500mg_250ml_glucosio": [("030769032", 1, "GLUCOSIO 5% 250ML USO PARENTERALE")],
    "glucose_25000mg_500ml_glucosio": [("030769044", 1, "GLUCOSIO 5% 500ML USO PARENTERALE")],
    "metoclopramide_10mg_2ml_plasil": [
        ("020766010", 5, "METOCLOPRAMIDE 10MG 5 UNITA' USO PARENTERALE")
    ],
    "capecitabine_500mg_xeloda": [("035219029", 120, "CAPECITABINA 500MG 120 UNITA' USO ORALE")],
    "capecitabine_150mg_xeloda": [("035219017", 60, "CAPECITABINA 150MG 60 UNITA' USO ORALE")],
    "allopurinol_300mg_zyloric": [("021259027", 30, "ALLOPURINOLO 300MG 30 UNITA' USO ORALE")],
    "allopurinol_100mg_zyloric": [("021259015", 50, "ALLOPURINOLO 100MG 50 UNITA' USO ORALE")],
    "prednisone_25mg_deltacortene": [("010089035", 10, "PREDNISONE 25MG 10 UNITA' USO ORALE")],
    "methylprednisolone_16mg_medrol": [
        ("014159040", 20, "METILPREDNISOLONE 16MG 20 UNITA' USO ORALE")
    ],
    "ondansetron_8mg_zofran": [("027612023", 6, "ONDANSETRONE 8MG 6 UNITA' USO ORALE")],
    "temozolomide_100mg_temodal": [("034527150", 5, "TEMOZOLOMIDE 100MG 5 UNITA' USO ORALE")],
}

# --- 5. interactions (curated, sourced; severity and management) ---------------------

INTERACTIONS: list[tuple[str, str, str, str, str, str]] = [
    (
        "brivudine",
        "fluorouracil",
        "contraindicated",
        "La brivudina inibisce in modo irreversibile la diidropirimidina deidrogenasi: tossicità da fluoropirimidine potenzialmente fatale.",
        "Associazione controindicata: intervallo di almeno 4 settimane tra l'ultima dose di brivudina e l'inizio della fluoropirimidina.",
        "RCP fluorouracile e RCP Zostex/Brivudina, sez. 4.3/4.5",
    ),
    (
        "brivudine",
        "capecitabine",
        "contraindicated",
        "La brivudina inibisce in modo irreversibile la DPD: tossicità da capecitabina potenzialmente fatale.",
        "Associazione controindicata: attendere almeno 4 settimane dopo l'ultima dose di brivudina.",
        "RCP Xeloda, sez. 4.3/4.5",
    ),
    (
        "capecitabine",
        "warfarin",
        "major",
        "Aumento dell'INR e sanguinamenti, anche fatali, durante e fino a un mese dopo la capecitabina.",
        "Monitorare INR frequentemente e adeguare la dose dell'anticoagulante.",
        "RCP Xeloda, sez. 4.4/4.5",
    ),
    (
        "fluorouracil",
        "warfarin",
        "major",
        "Potenziamento dell'effetto anticoagulante (aumento dell'INR).",
        "Monitorare INR frequentemente e adeguare la dose del warfarin.",
        "RCP fluorouracile, sez. 4.5",
    ),
    (
        "methotrexate",
        "ibuprofen",
        "major",
        "I FANS riducono l'eliminazione renale del metotrexato: tossicità ematologica e gastrointestinale.",
        "Evitare con metotrexato ad alte dosi; a basse dosi monitorare emocromo e funzione renale.",
        "RCP metotrexato, sez. 4.5",
    ),
    (
        "methotrexate",
        "ketorolac",
        "contraindicated",
        "Il ketorolac riduce la clearance del metotrexato: tossicità grave.",
        "Associazione controindicata.",
        "RCP ketorolac, sez. 4.3",
    ),
    (
        "methotrexate",
        "omeprazole",
        "moderate",
        "Gli inibitori di pompa protonica ritardano l'eliminazione del metotrexato ad alte dosi.",
        "Sospendere l'IPP prima del metotrexato ad alte dosi o monitorare i livelli sierici.",
        "RCP metotrexato, sez. 4.5",
    ),
    (
        "methotrexate",
        "pantoprazole",
        "moderate",
        "Gli inibitori di pompa protonica ritardano l'eliminazione del metotrexato ad alte dosi.",
        "Sospendere l'IPP prima del metotrexato ad alte dosi o monitorare i livelli sierici.",
        "RCP metotrexato, sez. 4.5",
    ),
    (
        "methotrexate",
        "sulfamethoxazole_trimethoprim",
        "major",
        "Effetto antifolato additivo e ridotta escrezione renale: mielosoppressione grave.",
        "Evitare l'associazione; se indispensabile monitorare emocromo.",
        "RCP metotrexato, sez. 4.5",
    ),
    (
        "irinotecan",
        "ketoconazole",
        "contraindicated",
        "Il ketoconazolo riduce la formazione di SN-38G e aumenta l'esposizione a SN-38: tossicità grave.",
        "Sospendere il ketoconazolo almeno 1 settimana prima dell'irinotecan; associazione controindicata.",
        "RCP Campto, sez. 4.3/4.5",
    ),
    (
        "irinotecan",
        "rifampicin",
        "major",
        "Gli induttori forti del CYP3A4 riducono l'esposizione a irinotecan e SN-38 (ridotta efficacia).",
        "Evitare; sostituire l'induttore almeno 2 settimane prima.",
        "RCP Campto, sez. 4.5",
    ),
    (
        "irinotecan",
        "carbamazepine",
        "major",
        "Gli induttori forti del CYP3A4 riducono l'esposizione a irinotecan e SN-38.",
        "Evitare; preferire antiepilettici non induttori.",
        "RCP Campto, sez. 4.5",
    ),
    (
        "irinotecan",
        "phenytoin",
        "major",
        "Gli induttori forti del CYP3A4 riducono l'esposizione a irinotecan e SN-38.",
        "Evitare; preferire antiepilettici non induttori.",
        "RCP Campto, sez. 4.5",
    ),
    (
        "cisplatin",
        "gentamicin",
        "major",
        "Nefrotossicità e ototossicità additive.",
        "Evitare; se indispensabile monitorare funzione renale, elettroliti e udito.",
        "RCP cisplatino, sez. 4.5",
    ),
    (
        "cisplatin",
        "amikacin",
        "major",
        "Nefrotossicità e ototossicità additive.",
        "Evitare; se indispensabile monitorare funzione renale, elettroliti e udito.",
        "RCP cisplatino, sez. 4.5",
    ),
    (
        "vincristine",
        "itraconazole",
        "major",
        "Inibizione del CYP3A4: aumento della neurotossicità della vincristina (neuropatia, ileo paralitico).",
        "Evitare gli azoli forti; preferire echinocandine o amfotericina.",
        "RCP vincristina, sez. 4.5",
    ),
    (
        "vincristine",
        "posaconazole",
        "major",
        "Inibizione del CYP3A4: aumento della neurotossicità della vincristina.",
        "Evitare; se indispensabile ridurre la dose e monitorare la neurotossicità.",
        "RCP Noxafil, sez. 4.5",
    ),
    (
        "vincristine",
        "voriconazole",
        "major",
        "Inibizione del CYP3A4: aumento della neurotossicità della vincristina.",
        "Evitare; se indispensabile monitorare la neurotossicità.",
        "RCP Vfend, sez. 4.5",
    ),
    (
        "vincristine",
        "ketoconazole",
        "major",
        "Inibizione del CYP3A4: aumento della neurotossicità della vincristina.",
        "Evitare l'associazione.",
        "RCP vincristina, sez. 4.5",
    ),
    (
        "mercaptopurine",
        "allopurinol",
        "major",
        "L'allopurinolo inibisce la xantina ossidasi: accumulo di mercaptopurina e mielotossicità grave.",
        "Ridurre la dose di mercaptopurina a un quarto della dose abituale.",
        "RCP mercaptopurina, sez. 4.5",
    ),
    (
        "azathioprine",
        "allopurinol",
        "major",
        "L'allopurinolo inibisce la xantina ossidasi: accumulo di azatioprina e mielotossicità grave.",
        "Ridurre la dose di azatioprina a un quarto della dose abituale.",
        "RCP azatioprina, sez. 4.5",
    ),
    (
        "docetaxel",
        "ketoconazole",
        "major",
        "Inibizione del CYP3A4: aumento dell'esposizione al docetaxel e della tossicità.",
        "Evitare gli inibitori forti del CYP3A4; se indispensabile ridurre la dose del 50% e monitorare.",
        "RCP Taxotere, sez. 4.5",
    ),
    (
        "docetaxel",
        "clarithromycin",
        "major",
        "Inibizione del CYP3A4: aumento dell'esposizione al docetaxel.",
        "Evitare; preferire un antibiotico alternativo.",
        "RCP Taxotere, sez. 4.5",
    ),
    (
        "paclitaxel",
        "carboplatin",
        "minor",
        "Sequenza: il paclitaxel va somministrato prima del carboplatino (minore mielotossicità).",
        "Rispettare la sequenza paclitaxel poi carboplatino.",
        "RCP paclitaxel, sez. 4.2",
    ),
    (
        "paclitaxel",
        "cisplatin",
        "moderate",
        "Se il cisplatino precede il paclitaxel la clearance del paclitaxel si riduce (maggiore mielotossicità).",
        "Somministrare il paclitaxel prima del cisplatino.",
        "RCP paclitaxel, sez. 4.5",
    ),
    (
        "oxaliplatin",
        "fluorouracil",
        "minor",
        "Incompatibilità fisico-chimica in soluzione (degradazione dell'oxaliplatino in ambiente alcalino).",
        "Non miscelare né somministrare nella stessa linea senza lavaggio con glucosio 5%.",
        "RCP oxaliplatino, sez. 6.2",
    ),
    (
        "calcium_folinate",
        "fluorouracil",
        "moderate",
        "Il calcio folinato potenzia l'effetto e la tossicità del fluorouracile (effetto ricercato nei regimi).",
        "Dose di fluorouracile secondo schema; non miscelare nella stessa sacca (precipitato).",
        "RCP calcio folinato, sez. 4.5/6.2",
    ),
    (
        "methotrexate",
        "calcium_folinate",
        "moderate",
        "Il calcio folinato neutralizza l'effetto del metotrexato (salvataggio); somministrato contemporaneamente ne riduce l'efficacia.",
        "Usare solo secondo lo schema di salvataggio; non per via intratecale.",
        "RCP calcio folinato, sez. 4.4/4.5",
    ),
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
UGT1A1_IRINOTECAN = [
    (
        "UGT1A1",
        "Poor Metabolizer (*28/*28, *6/*6, *6/*28)",
        "DPWG: iniziare con il 70% della dose standard e aumentare secondo tolleranza (neutropenia). "
        "RCP Campto (sez. 4.2/4.4): nei metabolizzatori lenti considerare una dose iniziale ridotta.",
        "DPWG guideline irinotecan-UGT1A1 (2022, Eur J Hum Genet 2023;31:982); RCP Campto sez. 4.2/4.4 - testo non CPIC",
    ),
    (
        "UGT1A1",
        "Intermediate Metabolizer (*1/*28, *1/*6)",
        "DPWG: nessuna modifica della dose iniziale; monitorare la tossicità.",
        "DPWG guideline irinotecan-UGT1A1 (2022); testo non CPIC",
    ),
    (
        "UGT1A1",
        "Normal Metabolizer",
        "Dose secondo RCP e schema.",
        "DPWG guideline irinotecan-UGT1A1 (2022); testo non CPIC",
    ),
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
