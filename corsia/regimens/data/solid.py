"""Adult solid tumours. Doses as published in the cited trial (see each bibliography)."""

from __future__ import annotations

from corsia.regimens.data.build import (
    Doc,
    antibody_premed,
    antiemetic,
    days,
    drug,
    gcsf,
    hydration,
    icd9,
    mesna,
    morph,
    ref,
    regimen,
    site,
    span,
    taxane_premed,
)

BREAST = [
    icd9("174.9", "Tumore maligno della mammella"),
    site("C50.9", "Mammella"),
    morph("8500/3", "Carcinoma duttale infiltrante"),
]
COLORECTAL = [
    icd9("153.9", "Tumore maligno del colon"),
    icd9("154.1", "Tumore maligno del retto"),
    site("C18.9", "Colon"),
    site("C20.9", "Retto"),
    morph("8140/3", "Adenocarcinoma"),
]
NSCLC = [
    icd9("162.9", "Tumore maligno del polmone"),
    site("C34.9", "Polmone"),
    morph("8046/3", "Carcinoma non a piccole cellule"),
]
SCLC = [
    icd9("162.9", "Tumore maligno del polmone"),
    site("C34.9", "Polmone"),
    morph("8041/3", "Carcinoma a piccole cellule"),
]
GASTRIC = [
    icd9("151.9", "Tumore maligno dello stomaco"),
    site("C16.9", "Stomaco"),
    site("C16.0", "Giunzione gastroesofagea"),
    morph("8140/3", "Adenocarcinoma"),
]
PANCREAS = [
    icd9("157.9", "Tumore maligno del pancreas"),
    site("C25.9", "Pancreas"),
    morph("8500/3", "Adenocarcinoma duttale"),
]
OVARY = [
    icd9("183.0", "Tumore maligno dell'ovaio"),
    site("C56.9", "Ovaio"),
    morph("8441/3", "Carcinoma sieroso"),
]
HEAD_NECK = [
    icd9("195.0", "Tumore maligno di testa, faccia e collo"),
    site("C76.0", "Testa, faccia e collo"),
    morph("8070/3", "Carcinoma squamocellulare"),
]
BLADDER = [
    icd9("188.9", "Tumore maligno della vescica"),
    site("C67.9", "Vescica"),
    morph("8120/3", "Carcinoma uroteliale"),
]
PROSTATE = [
    icd9("185", "Tumore maligno della prostata"),
    site("C61.9", "Prostata"),
    morph("8140/3", "Adenocarcinoma"),
]
SARCOMA = [
    icd9("171.9", "Tumore maligno dei tessuti molli"),
    site("C49.9", "Tessuti molli"),
    morph("8800/3", "Sarcoma"),
]
GERM_CELL = [
    icd9("186.9", "Tumore maligno del testicolo"),
    site("C62.9", "Testicolo"),
    morph("9065/3", "Tumore germinale non seminomatoso"),
    morph("9061/3", "Seminoma"),
]
SEMINOMA = [
    icd9("186.9", "Tumore maligno del testicolo"),
    site("C62.9", "Testicolo"),
    morph("9061/3", "Seminoma"),
]
CERVIX = [
    icd9("180.9", "Tumore maligno della cervice uterina"),
    site("C53.9", "Cervice uterina"),
    morph("8070/3", "Carcinoma squamocellulare"),
]
MELANOMA = [
    icd9("172.9", "Melanoma maligno della cute"),
    site("C44.9", "Cute"),
    morph("8720/3", "Melanoma"),
]
HCC = [
    icd9("155.0", "Tumore maligno primitivo del fegato"),
    site("C22.0", "Fegato"),
    morph("8170/3", "Carcinoma epatocellulare"),
]

G5 = "glucosio 5% 250 mL"
NS250 = "sodio cloruro 0,9% 250 mL"
NS500 = "sodio cloruro 0,9% 500 mL"
NS100 = "sodio cloruro 0,9% 100 mL"
OXALI = "Diluire solo in glucosio 5% (incompatibile con cloruri)."
CAPE_BID = "due volte al giorno (dose per somministrazione), entro 30 minuti dai pasti"


def _lv5fu2(day_list: list[int], *, start_seq_note: str = "") -> list[Doc]:
    """de Gramont LV5FU2 backbone: leucovorin 200 mg/m² 2 h, 5-FU 400 bolus + 600 22 h."""
    return [
        drug(
            "calcium_folinate",
            "200",
            "mg/m2",
            day_list,
            minutes=120,
            prep=G5,
            desc="acido folinico (racemo) in 2 ore",
        ),
        drug("fluorouracil", "400", "mg/m2", day_list, desc="bolo"),
        drug(
            "fluorouracil",
            "600",
            "mg/m2",
            day_list,
            minutes=1320,
            infusion="continuous",
            desc="infusione continua di 22 ore",
            prep="elastomero",
            notes=start_seq_note,
        ),
    ]


def _fu46(*, bolus: bool = True, leucovorin: bool = True) -> list[Doc]:
    """Simplified infusional 5-FU: leucovorin 400 mg/m², 5-FU 400 bolus + 2400 mg/m² in 46 h."""
    items = []
    if leucovorin:
        items.append(
            drug(
                "calcium_folinate",
                "400",
                "mg/m2",
                days(1),
                minutes=120,
                prep=G5,
                desc="acido folinico (racemo) in 2 ore",
            )
        )
    if bolus:
        items.append(drug("fluorouracil", "400", "mg/m2", days(1), desc="bolo"))
    items.append(
        drug(
            "fluorouracil",
            "2400",
            "mg/m2",
            days(1),
            minutes=2760,
            infusion="continuous",
            desc="infusione continua di 46 ore (giorni 1-3)",
            prep="elastomero",
        )
    )
    return items


REGIMENS = [
    # ------------------------------------------------------------------ breast
    regimen(
        "AC",
        "Doxorubicina-ciclofosfamide (AC)",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=21,
        max_cycles=4,
        diseases=BREAST,
        refs=[
            ref(
                "Fisher B, Brown AM, Dimitrov NV, et al.",
                "Two months of doxorubicin-cyclophosphamide with and without interval reinduction "
                "therapy compared with 6 months of cyclophosphamide, methotrexate, and fluorouracil "
                "in positive-node breast cancer patients with tamoxifen-nonresponsive tumors: "
                "results from the NSABP B-15",
                "J Clin Oncol",
                1990,
                "8(9):1483-96",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            drug("doxorubicin", "60", "mg/m2", days(1), minutes=15, prep=NS100),
            drug("cyclophosphamide", "600", "mg/m2", days(1), minutes=30, prep=NS250),
        ],
    ),
    regimen(
        "AC-DD",
        "AC dose-dense (ogni 14 giorni)",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=14,
        max_cycles=4,
        diseases=BREAST,
        description="Seguito da paclitaxel dose-dense (PACLI-DD).",
        refs=[
            ref(
                "Citron ML, Berry DA, Cirrincione C, et al.",
                "Randomized trial of dose-dense versus conventionally scheduled and sequential "
                "versus concurrent combination chemotherapy as postoperative adjuvant treatment of "
                "node-positive primary breast cancer: first report of Intergroup Trial C9741/CALGB 9741",
                "J Clin Oncol",
                2003,
                "21(8):1431-9",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            drug("doxorubicin", "60", "mg/m2", days(1), minutes=15, prep=NS100),
            drug("cyclophosphamide", "600", "mg/m2", days(1), minutes=30, prep=NS250),
            gcsf(span(3, 10), note="Filgrastim 5 mcg/kg giorni 3-10 come nello studio."),
        ],
    ),
    regimen(
        "PACLI-DD",
        "Paclitaxel dose-dense (ogni 14 giorni)",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=14,
        max_cycles=4,
        diseases=BREAST,
        refs=[
            ref(
                "Citron ML, Berry DA, Cirrincione C, et al.",
                "Randomized trial of dose-dense versus conventionally scheduled and sequential "
                "versus concurrent combination chemotherapy as postoperative adjuvant treatment of "
                "node-positive primary breast cancer: first report of Intergroup Trial C9741/CALGB 9741",
                "J Clin Oncol",
                2003,
                "21(8):1431-9",
            )
        ],
        components=[
            taxane_premed(days(1)),
            drug(
                "paclitaxel",
                "175",
                "mg/m2",
                days(1),
                minutes=180,
                prep=NS500,
                conditions="set con filtro in linea 0,22 micron, privo di PVC",
            ),
            gcsf(span(3, 10), note="Filgrastim 5 mcg/kg giorni 3-10 come nello studio."),
        ],
    ),
    regimen(
        "PACLI-W",
        "Paclitaxel settimanale",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=7,
        max_cycles=12,
        diseases=BREAST,
        refs=[
            ref(
                "Sparano JA, Wang M, Martino S, et al.",
                "Weekly paclitaxel in the adjuvant treatment of breast cancer",
                "N Engl J Med",
                2008,
                "358(16):1663-71",
            )
        ],
        components=[
            taxane_premed(days(1), dex="8"),
            drug(
                "paclitaxel",
                "80",
                "mg/m2",
                days(1),
                minutes=60,
                prep=NS250,
                conditions="set con filtro in linea 0,22 micron, privo di PVC",
            ),
        ],
    ),
    regimen(
        "TC",
        "Docetaxel-ciclofosfamide (TC)",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=21,
        max_cycles=4,
        diseases=BREAST,
        refs=[
            ref(
                "Jones SE, Savin MA, Holmes FA, et al.",
                "Phase III trial comparing doxorubicin plus cyclophosphamide with docetaxel plus "
                "cyclophosphamide as adjuvant therapy for operable breast cancer",
                "J Clin Oncol",
                2006,
                "24(34):5381-7",
            )
        ],
        components=[
            antiemetic(days(1)),
            drug(
                "docetaxel",
                "75",
                "mg/m2",
                days(1),
                minutes=60,
                prep=NS250,
                notes="Desametasone 8 mg per os due volte al giorno per 3 giorni dal giorno prima.",
            ),
            drug("cyclophosphamide", "600", "mg/m2", days(1), minutes=30, prep=NS250),
        ],
    ),
    regimen(
        "CMF",
        "CMF classico (ciclofosfamide orale)",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=28,
        max_cycles=12,
        diseases=BREAST,
        notes="Lo studio originale prevedeva 12 cicli; la pratica successiva ne usa 6.",
        refs=[
            ref(
                "Bonadonna G, Brusamolino E, Valagussa P, et al.",
                "Combination chemotherapy as an adjuvant treatment in operable breast cancer",
                "N Engl J Med",
                1976,
                "294(8):405-10",
            )
        ],
        components=[
            antiemetic(days(1, 8)),
            drug(
                "cyclophosphamide",
                "100",
                "mg/m2",
                span(1, 14),
                route="po",
                desc="per os ogni giorno, giorni 1-14",
            ),
            drug("methotrexate", "40", "mg/m2", days(1, 8)),
            drug("fluorouracil", "600", "mg/m2", days(1, 8)),
        ],
    ),
    regimen(
        "DOCE-100",
        "Docetaxel 100 mg/m² ogni 21 giorni",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        diseases=BREAST,
        refs=[
            ref(
                "Chan S, Friedrichs K, Noel D, et al.",
                "Prospective randomized trial of docetaxel versus doxorubicin in patients with "
                "metastatic breast cancer",
                "J Clin Oncol",
                1999,
                "17(8):2341-54",
            )
        ],
        components=[
            drug(
                "dexamethasone",
                "8",
                "mg",
                days(1),
                route="po",
                role="premedication",
                desc="8 mg due volte al giorno per 3 giorni a partire dal giorno prima",
            ),
            drug("docetaxel", "100", "mg/m2", days(1), minutes=60, prep=NS250),
        ],
    ),
    regimen(
        "CAPE-MBC",
        "Capecitabina (carcinoma mammario metastatico)",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        diseases=BREAST,
        refs=[
            ref(
                "Blum JL, Jones SE, Buzdar AU, et al.",
                "Multicenter phase II study of capecitabine in paclitaxel-refractory metastatic "
                "breast cancer",
                "J Clin Oncol",
                1999,
                "17(2):485-93",
            )
        ],
        components=[
            drug(
                "capecitabine",
                "1255",
                "mg/m2",
                span(1, 14),
                route="po",
                desc=f"{CAPE_BID}; 2510 mg/m²/die nello studio",
            ),
        ],
    ),
    regimen(
        "TRASTU-Q3W",
        "Trastuzumab ogni 21 giorni",
        therapy="targeted",
        intent="adjuvant",
        cycle=21,
        max_cycles=18,
        diseases=BREAST,
        description="Un anno di trastuzumab dopo la chemioterapia adiuvante.",
        refs=[
            ref(
                "Piccart-Gebhart MJ, Procter M, Leyland-Jones B, et al.",
                "Trastuzumab after adjuvant chemotherapy in HER2-positive breast cancer",
                "N Engl J Med",
                2005,
                "353(16):1659-72",
            )
        ],
        components=[
            drug(
                "trastuzumab",
                "8",
                "mg/kg",
                days(1),
                minutes=90,
                prep=NS250,
                cycles=(1, 1),
                desc="dose di carico al ciclo 1",
                observe=360,
                notes="Osservazione 6 ore dopo la prima infusione.",
            ),
            drug(
                "trastuzumab",
                "6",
                "mg/kg",
                days(1),
                minutes=30,
                prep=NS250,
                cycles=(2, None),
                desc="mantenimento dal ciclo 2",
            ),
        ],
    ),
    regimen(
        "PHESGO-DOCE",
        "Pertuzumab-trastuzumab-docetaxel",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=21,
        diseases=BREAST,
        refs=[
            ref(
                "Baselga J, Cortés J, Kim SB, et al.",
                "Pertuzumab plus trastuzumab plus docetaxel for metastatic breast cancer",
                "N Engl J Med",
                2012,
                "366(2):109-19",
            )
        ],
        components=[
            drug(
                "pertuzumab",
                "840",
                "mg",
                days(1),
                minutes=60,
                prep=NS250,
                cycles=(1, 1),
                desc="dose di carico",
                observe=60,
            ),
            drug(
                "pertuzumab",
                "420",
                "mg",
                days(1),
                minutes=30,
                prep=NS250,
                cycles=(2, None),
                observe=30,
            ),
            drug(
                "trastuzumab",
                "8",
                "mg/kg",
                days(1),
                minutes=90,
                prep=NS250,
                cycles=(1, 1),
                desc="dose di carico",
            ),
            drug("trastuzumab", "6", "mg/kg", days(1), minutes=30, prep=NS250, cycles=(2, None)),
            taxane_premed(days(1), dex="8"),
            drug(
                "docetaxel",
                "75",
                "mg/m2",
                days(1),
                minutes=60,
                prep=NS250,
                desc="75 mg/m²; nello studio aumentabile a 100 mg/m² se ben tollerato",
                cycles=(1, 6),
                notes="Almeno 6 cicli di docetaxel raccomandati nello studio.",
            ),
        ],
    ),
    regimen(
        "ERIBULIN",
        "Eribulina",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        diseases=BREAST,
        refs=[
            ref(
                "Cortes J, O'Shaughnessy J, Loesch D, et al.",
                "Eribulin monotherapy versus treatment of physician's choice in patients with "
                "metastatic breast cancer (EMBRACE): a phase 3 open-label randomised study",
                "Lancet",
                2011,
                "377(9769):914-23",
            )
        ],
        components=[
            drug(
                "eribulin",
                "1.23",
                "mg/m2",
                days(1, 8),
                minutes=5,
                desc="1,23 mg/m² di eribulina = 1,4 mg/m² di eribulina mesilato (dose dello studio)",
            ),
        ],
    ),
    # ------------------------------------------------------------------ colorectal
    regimen(
        "FOLFOX-4",
        "FOLFOX-4",
        therapy="chemotherapy",
        intent="palliative",
        cycle=14,
        diseases=COLORECTAL,
        notes="In adiuvante (studio MOSAIC) 12 cicli.",
        refs=[
            ref(
                "de Gramont A, Figer A, Seymour M, et al.",
                "Leucovorin and fluorouracil with or without oxaliplatin as first-line treatment "
                "in advanced colorectal cancer",
                "J Clin Oncol",
                2000,
                "18(16):2938-47",
            )
        ],
        components=[
            antiemetic(days(1)),
            drug(
                "oxaliplatin",
                "85",
                "mg/m2",
                days(1),
                minutes=120,
                prep=G5,
                notes=OXALI,
                conditions="in Y con l'acido folinico",
            ),
            *_lv5fu2(days(1, 2)),
        ],
    ),
    regimen(
        "mFOLFOX6",
        "FOLFOX-6 modificato (mFOLFOX6)",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=14,
        max_cycles=12,
        diseases=COLORECTAL,
        refs=[
            ref(
                "Allegra CJ, Yothers G, O'Connell MJ, et al.",
                "Phase III trial assessing bevacizumab in stages II and III carcinoma of the colon: "
                "results of NSABP protocol C-08",
                "J Clin Oncol",
                2011,
                "29(1):11-6",
            )
        ],
        components=[
            antiemetic(days(1)),
            drug(
                "oxaliplatin",
                "85",
                "mg/m2",
                days(1),
                minutes=120,
                prep=G5,
                notes=OXALI,
                conditions="in Y con l'acido folinico",
            ),
            *_fu46(),
        ],
    ),
    regimen(
        "FOLFIRI",
        "FOLFIRI",
        therapy="chemotherapy",
        intent="palliative",
        cycle=14,
        diseases=COLORECTAL,
        notes="Nello studio il 5-FU in 46 ore passava a 3000 mg/m² dal ciclo 3 in assenza di "
        "tossicità > grado 1.",
        refs=[
            ref(
                "Tournigand C, André T, Achille E, et al.",
                "FOLFIRI followed by FOLFOX6 or the reverse sequence in advanced colorectal "
                "cancer: a randomized GERCOR study",
                "J Clin Oncol",
                2004,
                "22(2):229-37",
            )
        ],
        components=[
            antiemetic(days(1)),
            drug(
                "irinotecan",
                "180",
                "mg/m2",
                days(1),
                minutes=90,
                prep=NS250,
                conditions="in Y con l'acido folinico",
                notes="Atropina 0,25 mg s.c. al bisogno per sindrome colinergica.",
            ),
            *_fu46(),
        ],
    ),
    regimen(
        "CAPOX",
        "CAPOX (XELOX)",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        diseases=COLORECTAL,
        notes="In adiuvante 8 cicli (24 settimane).",
        refs=[
            ref(
                "Cassidy J, Clarke S, Díaz-Rubio E, et al.",
                "Randomized phase III study of capecitabine plus oxaliplatin compared with "
                "fluorouracil/folinic acid plus oxaliplatin as first-line therapy for metastatic "
                "colorectal cancer",
                "J Clin Oncol",
                2008,
                "26(12):2006-12",
            )
        ],
        components=[
            antiemetic(days(1)),
            drug("oxaliplatin", "130", "mg/m2", days(1), minutes=120, prep=G5, notes=OXALI),
            drug(
                "capecitabine",
                "1000",
                "mg/m2",
                span(1, 14),
                route="po",
                desc=f"{CAPE_BID}; dalla sera del giorno 1 al mattino del giorno 15",
            ),
        ],
    ),
    regimen(
        "FOLFOXIRI",
        "FOLFOXIRI",
        therapy="chemotherapy",
        intent="palliative",
        cycle=14,
        max_cycles=12,
        diseases=COLORECTAL,
        refs=[
            ref(
                "Falcone A, Ricci S, Brunetti I, et al.",
                "Phase III trial of infusional fluorouracil, leucovorin, oxaliplatin, and "
                "irinotecan (FOLFOXIRI) compared with infusional fluorouracil, leucovorin, and "
                "irinotecan (FOLFIRI) as first-line treatment for metastatic colorectal cancer: "
                "the Gruppo Oncologico Nord Ovest",
                "J Clin Oncol",
                2007,
                "25(13):1670-6",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            drug("irinotecan", "165", "mg/m2", days(1), minutes=60, prep=NS250),
            drug(
                "oxaliplatin",
                "85",
                "mg/m2",
                days(1),
                minutes=120,
                prep=G5,
                notes=OXALI,
                conditions="in Y con l'acido folinico",
            ),
            drug("calcium_folinate", "200", "mg/m2", days(1), minutes=120, prep=G5),
            drug(
                "fluorouracil",
                "3200",
                "mg/m2",
                days(1),
                minutes=2880,
                infusion="continuous",
                desc="infusione continua di 48 ore",
                prep="elastomero",
            ),
        ],
    ),
    regimen(
        "LV5FU2",
        "LV5FU2 (de Gramont)",
        therapy="chemotherapy",
        intent="palliative",
        cycle=14,
        diseases=COLORECTAL,
        refs=[
            ref(
                "de Gramont A, Bosset JF, Milan C, et al.",
                "Randomized trial comparing monthly low-dose leucovorin and fluorouracil bolus "
                "with bimonthly high-dose leucovorin and fluorouracil bolus plus continuous "
                "infusion for advanced colorectal cancer: a French intergroup study",
                "J Clin Oncol",
                1997,
                "15(2):808-15",
            )
        ],
        components=[antiemetic(days(1)), *_lv5fu2(days(1, 2))],
    ),
    regimen(
        "CAPE-ADJ",
        "Capecitabina adiuvante (colon)",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=21,
        max_cycles=8,
        diseases=COLORECTAL,
        refs=[
            ref(
                "Twelves C, Wong A, Nowacki MP, et al.",
                "Capecitabine as adjuvant treatment for stage III colon cancer",
                "N Engl J Med",
                2005,
                "352(26):2696-704",
            )
        ],
        components=[
            drug("capecitabine", "1250", "mg/m2", span(1, 14), route="po", desc=CAPE_BID),
        ],
    ),
    regimen(
        "FOLFOX-4-BEV",
        "FOLFOX-4 + bevacizumab 10 mg/kg",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=14,
        diseases=COLORECTAL,
        refs=[
            ref(
                "Giantonio BJ, Catalano PJ, Meropol NJ, et al.",
                "Bevacizumab in combination with oxaliplatin, fluorouracil, and leucovorin "
                "(FOLFOX4) for previously treated metastatic colorectal cancer: results from the "
                "Eastern Cooperative Oncology Group Study E3200",
                "J Clin Oncol",
                2007,
                "25(12):1539-44",
            )
        ],
        components=[
            antiemetic(days(1)),
            drug(
                "bevacizumab",
                "10",
                "mg/kg",
                days(1),
                minutes=90,
                prep=NS100,
                desc="90 minuti la prima volta, poi 60 e 30 se ben tollerato",
            ),
            drug(
                "oxaliplatin",
                "85",
                "mg/m2",
                days(1),
                minutes=120,
                prep=G5,
                notes=OXALI,
                conditions="in Y con l'acido folinico",
            ),
            *_lv5fu2(days(1, 2)),
        ],
    ),
    regimen(
        "FOLFIRI-CETUX",
        "FOLFIRI + cetuximab settimanale",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=14,
        diseases=COLORECTAL,
        description="Solo per tumori RAS wild-type.",
        refs=[
            ref(
                "Van Cutsem E, Köhne CH, Hitre E, et al.",
                "Cetuximab and chemotherapy as initial treatment for metastatic colorectal cancer",
                "N Engl J Med",
                2009,
                "360(14):1408-17",
            )
        ],
        components=[
            antibody_premed(days(1), cycles=(1, 1)),
            drug(
                "cetuximab",
                "400",
                "mg/m2",
                days(1),
                minutes=120,
                cycles=(1, 1),
                desc="dose iniziale",
                observe=60,
                after=60,
                notes="Osservazione di 1 ora dopo la fine dell'infusione.",
            ),
            drug("cetuximab", "250", "mg/m2", days(8), minutes=60, cycles=(1, 1), observe=60),
            drug(
                "cetuximab",
                "250",
                "mg/m2",
                days(1, 8),
                minutes=60,
                cycles=(2, None),
                observe=60,
                after=60,
            ),
            antiemetic(days(1)),
            drug(
                "irinotecan",
                "180",
                "mg/m2",
                days(1),
                minutes=90,
                prep=NS250,
                conditions="in Y con l'acido folinico",
            ),
            *_fu46(),
        ],
    ),
    regimen(
        "IRINOTECAN-350",
        "Irinotecan 350 mg/m² ogni 21 giorni",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        diseases=COLORECTAL,
        notes="300 mg/m² nei pazienti di 70-75 anni o con performance status 2 (come nello studio).",
        refs=[
            ref(
                "Cunningham D, Pyrhönen S, James RD, et al.",
                "Randomised trial of irinotecan plus supportive care versus supportive care alone "
                "after fluorouracil failure for patients with metastatic colorectal cancer",
                "Lancet",
                1998,
                "352(9138):1413-8",
            )
        ],
        components=[
            antiemetic(days(1)),
            drug("irinotecan", "350", "mg/m2", days(1), minutes=90, prep=NS250),
        ],
    ),
    # ------------------------------------------------------------------ lung
    regimen(
        "CIS-PEM",
        "Cisplatino-pemetrexed",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        max_cycles=6,
        diseases=NSCLC,
        description="Carcinoma polmonare non squamoso.",
        notes="Acido folico 350-1000 mcg/die per os dalla settimana prima e vitamina B12 1000 mcg "
        "i.m. ogni 9 settimane; desametasone 4 mg due volte al giorno il giorno prima, il "
        "giorno stesso e il giorno dopo.",
        refs=[
            ref(
                "Scagliotti GV, Parikh P, von Pawel J, et al.",
                "Phase III study comparing cisplatin plus gemcitabine with cisplatin plus "
                "pemetrexed in chemotherapy-naive patients with advanced-stage non-small-cell "
                "lung cancer",
                "J Clin Oncol",
                2008,
                "26(21):3543-51",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            drug("pemetrexed", "500", "mg/m2", days(1), minutes=10, prep=NS100, after=30),
            hydration(days(1)),
            drug("cisplatin", "75", "mg/m2", days(1), minutes=120, prep=NS500),
            hydration(days(1), when="dopo"),
        ],
    ),
    regimen(
        "CARBO-PACLI",
        "Carboplatino-paclitaxel (polmone)",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        max_cycles=6,
        diseases=NSCLC,
        refs=[
            ref(
                "Schiller JH, Harrington D, Belani CP, et al.",
                "Comparison of four chemotherapy regimens for advanced non-small-cell lung cancer",
                "N Engl J Med",
                2002,
                "346(2):92-8",
            )
        ],
        components=[
            taxane_premed(days(1)),
            antiemetic(days(1)),
            drug(
                "paclitaxel",
                "225",
                "mg/m2",
                days(1),
                minutes=180,
                prep=NS500,
                conditions="set con filtro in linea 0,22 micron, privo di PVC",
            ),
            drug(
                "carboplatin",
                "6",
                "AUC",
                days(1),
                minutes=30,
                prep=G5,
                desc="AUC 6 (formula di Calvert)",
            ),
        ],
    ),
    regimen(
        "CIS-GEM-28",
        "Cisplatino-gemcitabina (ogni 28 giorni)",
        therapy="chemotherapy",
        intent="palliative",
        cycle=28,
        max_cycles=6,
        diseases=NSCLC,
        refs=[
            ref(
                "Schiller JH, Harrington D, Belani CP, et al.",
                "Comparison of four chemotherapy regimens for advanced non-small-cell lung cancer",
                "N Engl J Med",
                2002,
                "346(2):92-8",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            drug("gemcitabine", "1000", "mg/m2", days(1, 8, 15), minutes=30, prep=NS250),
            hydration(days(1)),
            drug("cisplatin", "100", "mg/m2", days(1), minutes=120, prep=NS500),
            hydration(days(1), when="dopo"),
        ],
    ),
    regimen(
        "CIS-ETO-RT",
        "Cisplatino-etoposide con radioterapia (microcitoma)",
        therapy="chemotherapy",
        intent="chemoradiation",
        cycle=21,
        max_cycles=4,
        diseases=SCLC,
        refs=[
            ref(
                "Turrisi AT 3rd, Kim K, Blum R, et al.",
                "Twice-daily compared with once-daily thoracic radiotherapy in limited small-cell "
                "lung cancer treated concurrently with cisplatin and etoposide",
                "N Engl J Med",
                1999,
                "340(4):265-71",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            hydration(days(1)),
            drug("cisplatin", "60", "mg/m2", days(1), minutes=60, prep=NS500),
            hydration(days(1), when="dopo"),
            drug(
                "etoposide",
                "120",
                "mg/m2",
                span(1, 3),
                minutes=60,
                prep=NS500,
                conditions="concentrazione ≤ 0,4 mg/mL",
            ),
        ],
    ),
    regimen(
        "ATEZO-CARBO-ETO",
        "Atezolizumab-carboplatino-etoposide",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=21,
        max_cycles=4,
        diseases=SCLC,
        description="Induzione di 4 cicli, poi atezolizumab di mantenimento.",
        refs=[
            ref(
                "Horn L, Mansfield AS, Szczęsna A, et al.",
                "First-line atezolizumab plus chemotherapy in extensive-stage small-cell lung cancer",
                "N Engl J Med",
                2018,
                "379(23):2220-9",
            )
        ],
        components=[
            drug(
                "atezolizumab",
                "1200",
                "mg",
                days(1),
                minutes=60,
                prep=NS250,
                desc="60 minuti la prima volta, poi 30 se ben tollerato",
            ),
            antiemetic(days(1)),
            drug("carboplatin", "5", "AUC", days(1), minutes=30, prep=G5),
            drug("etoposide", "100", "mg/m2", span(1, 3), minutes=60, prep=NS500),
        ],
    ),
    regimen(
        "PEMBRO-CARBO-PEM",
        "Pembrolizumab-carboplatino-pemetrexed",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=21,
        diseases=NSCLC,
        description="4 cicli con platino, poi pembrolizumab + pemetrexed di mantenimento.",
        notes="Nello studio il platino era cisplatino 75 mg/m² o carboplatino AUC 5; "
        "supplementazione di acido folico e vitamina B12 come per il pemetrexed.",
        refs=[
            ref(
                "Gandhi L, Rodríguez-Abreu D, Gadgeel S, et al.",
                "Pembrolizumab plus chemotherapy in metastatic non-small-cell lung cancer",
                "N Engl J Med",
                2018,
                "378(22):2078-92",
            )
        ],
        components=[
            drug("pembrolizumab", "200", "mg", days(1), minutes=30, prep=NS100, cycles=(1, 35)),
            antiemetic(days(1)),
            drug("pemetrexed", "500", "mg/m2", days(1), minutes=10, prep=NS100),
            drug("carboplatin", "5", "AUC", days(1), minutes=30, prep=G5, cycles=(1, 4)),
        ],
    ),
    regimen(
        "PEMBRO-200",
        "Pembrolizumab 200 mg ogni 21 giorni",
        therapy="immunotherapy",
        intent="palliative",
        cycle=21,
        max_cycles=35,
        diseases=NSCLC + MELANOMA,
        refs=[
            ref(
                "Reck M, Rodríguez-Abreu D, Robinson AG, et al.",
                "Pembrolizumab versus chemotherapy for PD-L1-positive non-small-cell lung cancer",
                "N Engl J Med",
                2016,
                "375(19):1823-33",
            )
        ],
        components=[drug("pembrolizumab", "200", "mg", days(1), minutes=30, prep=NS100)],
    ),
    regimen(
        "DOCE-75",
        "Docetaxel 75 mg/m² ogni 21 giorni",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        diseases=NSCLC,
        refs=[
            ref(
                "Shepherd FA, Dancey J, Ramlau R, et al.",
                "Prospective randomized trial of docetaxel versus best supportive care in patients "
                "with non-small-cell lung cancer previously treated with platinum-based "
                "chemotherapy",
                "J Clin Oncol",
                2000,
                "18(10):2095-103",
            )
        ],
        components=[
            drug(
                "dexamethasone",
                "8",
                "mg",
                days(1),
                route="po",
                role="premedication",
                desc="8 mg due volte al giorno per 3 giorni a partire dal giorno prima",
            ),
            drug("docetaxel", "75", "mg/m2", days(1), minutes=60, prep=NS250),
        ],
    ),
    regimen(
        "CIS-VINO-ADJ",
        "Cisplatino-vinorelbina adiuvante",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=28,
        max_cycles=4,
        diseases=NSCLC,
        refs=[
            ref(
                "Winton T, Livingston R, Johnson D, et al.",
                "Vinorelbine plus cisplatin vs. observation in resected non-small-cell lung cancer",
                "N Engl J Med",
                2005,
                "352(25):2589-97",
            )
        ],
        components=[
            antiemetic(days(1, 8), high=True),
            drug(
                "vinorelbine",
                "25",
                "mg/m2",
                days(1, 8, 15, 22),
                minutes=10,
                prep="sodio cloruro 0,9% 50 mL",
                notes="Vescicante: infusione breve e lavaggio della vena.",
            ),
            hydration(days(1, 8)),
            drug("cisplatin", "50", "mg/m2", days(1, 8), minutes=60, prep=NS500),
            hydration(days(1, 8), when="dopo"),
        ],
    ),
    regimen(
        "NIVO-3",
        "Nivolumab 3 mg/kg ogni 14 giorni",
        therapy="immunotherapy",
        intent="palliative",
        cycle=14,
        diseases=NSCLC,
        refs=[
            ref(
                "Borghaei H, Paz-Ares L, Horn L, et al.",
                "Nivolumab versus docetaxel in advanced nonsquamous non-small-cell lung cancer",
                "N Engl J Med",
                2015,
                "373(17):1627-39",
            )
        ],
        components=[
            drug(
                "nivolumab",
                "3",
                "mg/kg",
                days(1),
                minutes=60,
                prep=NS100,
                conditions="filtro in linea 0,2-1,2 micron",
            )
        ],
    ),
    regimen(
        "DURVA-PACIFIC",
        "Durvalumab di consolidamento dopo chemioradioterapia",
        therapy="immunotherapy",
        intent="consolidation",
        cycle=14,
        max_cycles=26,
        diseases=NSCLC,
        refs=[
            ref(
                "Antonia SJ, Villegas A, Daniel D, et al.",
                "Durvalumab after chemoradiotherapy in stage III non-small-cell lung cancer",
                "N Engl J Med",
                2017,
                "377(20):1919-29",
            )
        ],
        components=[
            drug(
                "durvalumab",
                "10",
                "mg/kg",
                days(1),
                minutes=60,
                prep=NS100,
                conditions="filtro in linea 0,2-0,22 micron",
            )
        ],
    ),
    # ------------------------------------------------------------------ gastric / oesophagus
    regimen(
        "FLOT",
        "FLOT",
        therapy="chemotherapy",
        intent="neoadjuvant",
        cycle=14,
        max_cycles=8,
        diseases=GASTRIC,
        description="4 cicli prima e 4 dopo la chirurgia.",
        refs=[
            ref(
                "Al-Batran SE, Homann N, Pauligk C, et al.",
                "Perioperative chemotherapy with fluorouracil plus leucovorin, oxaliplatin, and "
                "docetaxel versus fluorouracil or capecitabine plus cisplatin and epirubicin for "
                "locally advanced, resectable gastric or gastro-oesophageal junction "
                "adenocarcinoma (FLOT4): a randomised, phase 2/3 trial",
                "Lancet",
                2019,
                "393(10184):1948-57",
            )
        ],
        components=[
            antiemetic(days(1)),
            drug("docetaxel", "50", "mg/m2", days(1), minutes=60, prep=NS250),
            drug("oxaliplatin", "85", "mg/m2", days(1), minutes=120, prep=G5, notes=OXALI),
            drug("calcium_folinate", "200", "mg/m2", days(1), minutes=60, prep=G5),
            drug(
                "fluorouracil",
                "2600",
                "mg/m2",
                days(1),
                minutes=1440,
                infusion="continuous",
                desc="infusione continua di 24 ore",
                prep="elastomero",
            ),
        ],
    ),
    regimen(
        "ECF",
        "ECF perioperatorio",
        therapy="chemotherapy",
        intent="neoadjuvant",
        cycle=21,
        max_cycles=6,
        diseases=GASTRIC,
        description="3 cicli prima e 3 dopo la chirurgia.",
        refs=[
            ref(
                "Cunningham D, Allum WH, Stenning SP, et al.",
                "Perioperative chemotherapy versus surgery alone for resectable gastroesophageal "
                "cancer",
                "N Engl J Med",
                2006,
                "355(1):11-20",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            drug("epirubicin", "50", "mg/m2", days(1), desc="bolo"),
            hydration(days(1)),
            drug("cisplatin", "60", "mg/m2", days(1), minutes=240, prep=NS500),
            hydration(days(1), when="dopo"),
            drug(
                "fluorouracil",
                "200",
                "mg/m2",
                span(1, 21),
                minutes=1440,
                infusion="continuous",
                desc="200 mg/m²/die in infusione continua per 21 giorni (pompa portatile)",
            ),
        ],
    ),
    regimen(
        "XP-TRASTU",
        "Cisplatino-capecitabina-trastuzumab (gastrico HER2+)",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=21,
        diseases=GASTRIC,
        description="Chemioterapia per 6 cicli; trastuzumab fino a progressione.",
        refs=[
            ref(
                "Bang YJ, Van Cutsem E, Feyereislova A, et al.",
                "Trastuzumab in combination with chemotherapy versus chemotherapy alone for "
                "treatment of HER2-positive advanced gastric or gastro-oesophageal junction "
                "cancer (ToGA): a phase 3, open-label, randomised controlled trial",
                "Lancet",
                2010,
                "376(9742):687-97",
            )
        ],
        components=[
            drug(
                "trastuzumab",
                "8",
                "mg/kg",
                days(1),
                minutes=90,
                prep=NS250,
                cycles=(1, 1),
                desc="dose di carico",
            ),
            drug("trastuzumab", "6", "mg/kg", days(1), minutes=30, prep=NS250, cycles=(2, None)),
            antiemetic(days(1), high=True),
            hydration(days(1), when="prima"),
            drug("cisplatin", "80", "mg/m2", days(1), minutes=120, prep=NS500, cycles=(1, 6)),
            hydration(days(1), when="dopo"),
            drug(
                "capecitabine",
                "1000",
                "mg/m2",
                span(1, 14),
                route="po",
                desc=CAPE_BID,
                cycles=(1, 6),
            ),
        ],
    ),
    regimen(
        "RAM-PACLI",
        "Ramucirumab-paclitaxel",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=28,
        diseases=GASTRIC,
        refs=[
            ref(
                "Wilke H, Muro K, Van Cutsem E, et al.",
                "Ramucirumab plus paclitaxel versus placebo plus paclitaxel in patients with "
                "previously treated advanced gastric or gastro-oesophageal junction "
                "adenocarcinoma (RAINBOW): a double-blind, randomised phase 3 trial",
                "Lancet Oncol",
                2014,
                "15(11):1224-35",
            )
        ],
        components=[
            drug(
                "chlorphenamine",
                "10",
                "mg",
                days(1, 15),
                role="premedication",
                desc="prima del ramucirumab",
            ),
            drug("ramucirumab", "8", "mg/kg", days(1, 15), minutes=60, prep=NS250),
            taxane_premed(days(1, 8, 15), dex="8"),
            drug(
                "paclitaxel",
                "80",
                "mg/m2",
                days(1, 8, 15),
                minutes=60,
                prep=NS250,
                conditions="set con filtro in linea 0,22 micron, privo di PVC",
            ),
        ],
    ),
    regimen(
        "EOX",
        "EOX (epirubicina-oxaliplatino-capecitabina)",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        max_cycles=8,
        diseases=GASTRIC,
        refs=[
            ref(
                "Cunningham D, Starling N, Rao S, et al.",
                "Capecitabine and oxaliplatin for advanced esophagogastric cancer",
                "N Engl J Med",
                2008,
                "358(1):36-46",
            )
        ],
        components=[
            antiemetic(days(1)),
            drug("epirubicin", "50", "mg/m2", days(1), desc="bolo"),
            drug("oxaliplatin", "130", "mg/m2", days(1), minutes=120, prep=G5, notes=OXALI),
            drug(
                "capecitabine",
                "625",
                "mg/m2",
                span(1, 21),
                route="po",
                desc="due volte al giorno, continuativamente",
            ),
        ],
    ),
    regimen(
        "NIVO-mFOLFOX6",
        "Nivolumab + mFOLFOX6",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=14,
        diseases=GASTRIC,
        refs=[
            ref(
                "Janjigian YY, Shitara K, Moehler M, et al.",
                "First-line nivolumab plus chemotherapy versus chemotherapy alone for advanced "
                "gastric, gastro-oesophageal junction, and oesophageal adenocarcinoma "
                "(CheckMate 649): a randomised, open-label, phase 3 trial",
                "Lancet",
                2021,
                "398(10294):27-40",
            )
        ],
        components=[
            drug("nivolumab", "240", "mg", days(1), minutes=30, prep=NS100),
            antiemetic(days(1)),
            drug("oxaliplatin", "85", "mg/m2", days(1), minutes=120, prep=G5, notes=OXALI),
            *_fu46(),
        ],
    ),
    # ------------------------------------------------------------------ pancreas
    regimen(
        "FOLFIRINOX",
        "FOLFIRINOX",
        therapy="chemotherapy",
        intent="palliative",
        cycle=14,
        diseases=PANCREAS,
        refs=[
            ref(
                "Conroy T, Desseigne F, Ychou M, et al.",
                "FOLFIRINOX versus gemcitabine for metastatic pancreatic cancer",
                "N Engl J Med",
                2011,
                "364(19):1817-25",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            drug("oxaliplatin", "85", "mg/m2", days(1), minutes=120, prep=G5, notes=OXALI),
            drug("calcium_folinate", "400", "mg/m2", days(1), minutes=120, prep=G5),
            drug(
                "irinotecan",
                "180",
                "mg/m2",
                days(1),
                minutes=90,
                prep=NS250,
                conditions="iniziare 30 minuti dopo l'avvio dell'acido folinico, in Y",
            ),
            drug("fluorouracil", "400", "mg/m2", days(1), desc="bolo"),
            drug(
                "fluorouracil",
                "2400",
                "mg/m2",
                days(1),
                minutes=2760,
                infusion="continuous",
                desc="infusione continua di 46 ore",
                prep="elastomero",
            ),
        ],
    ),
    regimen(
        "mFOLFIRINOX",
        "FOLFIRINOX modificato adiuvante",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=14,
        max_cycles=12,
        diseases=PANCREAS,
        refs=[
            ref(
                "Conroy T, Hammel P, Hebbar M, et al.",
                "FOLFIRINOX or gemcitabine as adjuvant therapy for pancreatic cancer",
                "N Engl J Med",
                2018,
                "379(25):2395-406",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            drug("oxaliplatin", "85", "mg/m2", days(1), minutes=120, prep=G5, notes=OXALI),
            drug("calcium_folinate", "400", "mg/m2", days(1), minutes=120, prep=G5),
            drug("irinotecan", "150", "mg/m2", days(1), minutes=90, prep=NS250),
            drug(
                "fluorouracil",
                "2400",
                "mg/m2",
                days(1),
                minutes=2760,
                infusion="continuous",
                desc="infusione continua di 46 ore (senza bolo)",
                prep="elastomero",
            ),
        ],
    ),
    regimen(
        "GEM-NABPACLI",
        "Gemcitabina + nab-paclitaxel",
        therapy="chemotherapy",
        intent="palliative",
        cycle=28,
        diseases=PANCREAS,
        refs=[
            ref(
                "Von Hoff DD, Ervin T, Arena FP, et al.",
                "Increased survival in pancreatic cancer with nab-paclitaxel plus gemcitabine",
                "N Engl J Med",
                2013,
                "369(18):1691-703",
            )
        ],
        components=[
            antiemetic(days(1, 8, 15)),
            drug(
                "paclitaxel",
                "125",
                "mg/m2",
                days(1, 8, 15),
                minutes=30,
                form="nab-paclitaxel (nanoparticelle legate all'albumina)",
                formulation="albumin_bound",
                notes="NON sostituibile con paclitaxel convenzionale; senza filtro in linea.",
                prep="sospensione ricostituita 5 mg/mL in sacca vuota",
            ),
            drug("gemcitabine", "1000", "mg/m2", days(1, 8, 15), minutes=30, prep=NS250),
        ],
    ),
    regimen(
        "GEM-ADJ",
        "Gemcitabina adiuvante",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=28,
        max_cycles=6,
        diseases=PANCREAS,
        refs=[
            ref(
                "Oettle H, Post S, Neuhaus P, et al.",
                "Adjuvant chemotherapy with gemcitabine vs observation in patients undergoing "
                "curative-intent resection of pancreatic cancer: a randomized controlled trial",
                "JAMA",
                2007,
                "297(3):267-77",
            )
        ],
        components=[drug("gemcitabine", "1000", "mg/m2", days(1, 8, 15), minutes=30, prep=NS250)],
    ),
    regimen(
        "GEM-CAPE",
        "Gemcitabina-capecitabina adiuvante",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=28,
        max_cycles=6,
        diseases=PANCREAS,
        refs=[
            ref(
                "Neoptolemos JP, Palmer DH, Ghaneh P, et al.",
                "Comparison of adjuvant gemcitabine and capecitabine with gemcitabine "
                "monotherapy in patients with resected pancreatic cancer (ESPAC-4): a "
                "multicentre, open-label, randomised, phase 3 trial",
                "Lancet",
                2017,
                "389(10073):1011-24",
            )
        ],
        components=[
            drug("gemcitabine", "1000", "mg/m2", days(1, 8, 15), minutes=30, prep=NS250),
            drug("capecitabine", "830", "mg/m2", span(1, 21), route="po", desc=CAPE_BID),
        ],
    ),
    # ------------------------------------------------------------------ ovary
    regimen(
        "CARBO-PACLI-OV",
        "Carboplatino-paclitaxel (ovaio)",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=21,
        max_cycles=6,
        diseases=OVARY,
        notes="Dose di carboplatino dello studio (AUC 7,5); nella pratica si usa spesso AUC 5-6.",
        refs=[
            ref(
                "Ozols RF, Bundy BN, Greer BE, et al.",
                "Phase III trial of carboplatin and paclitaxel compared with cisplatin and "
                "paclitaxel in patients with optimally resected stage III ovarian cancer: a "
                "Gynecologic Oncology Group study",
                "J Clin Oncol",
                2003,
                "21(17):3194-200",
            )
        ],
        components=[
            taxane_premed(days(1)),
            antiemetic(days(1)),
            drug(
                "paclitaxel",
                "175",
                "mg/m2",
                days(1),
                minutes=180,
                prep=NS500,
                conditions="set con filtro in linea 0,22 micron, privo di PVC",
            ),
            drug("carboplatin", "7.5", "AUC", days(1), minutes=30, prep=G5),
        ],
    ),
    regimen(
        "CARBO-PACLI-DD",
        "Carboplatino + paclitaxel settimanale dose-dense",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=21,
        max_cycles=6,
        diseases=OVARY,
        refs=[
            ref(
                "Katsumata N, Yasuda M, Takahashi F, et al.",
                "Dose-dense paclitaxel once a week in combination with carboplatin every 3 weeks "
                "for advanced ovarian cancer: a phase 3, open-label, randomised controlled trial",
                "Lancet",
                2009,
                "374(9698):1331-8",
            )
        ],
        components=[
            taxane_premed(days(1, 8, 15), dex="8"),
            drug(
                "paclitaxel",
                "80",
                "mg/m2",
                days(1, 8, 15),
                minutes=60,
                prep=NS250,
                conditions="set con filtro in linea 0,22 micron, privo di PVC",
            ),
            antiemetic(days(1)),
            drug("carboplatin", "6", "AUC", days(1), minutes=60, prep=G5),
        ],
    ),
    regimen(
        "CARBO-PLD",
        "Carboplatino-doxorubicina liposomiale pegilata",
        therapy="chemotherapy",
        intent="palliative",
        cycle=28,
        max_cycles=6,
        diseases=OVARY,
        refs=[
            ref(
                "Pujade-Lauraine E, Wagner U, Aavall-Lundqvist E, et al.",
                "Pegylated liposomal doxorubicin and carboplatin compared with paclitaxel and "
                "carboplatin for patients with platinum-sensitive ovarian cancer in late relapse",
                "J Clin Oncol",
                2010,
                "28(20):3323-9",
            )
        ],
        components=[
            antiemetic(days(1)),
            drug(
                "doxorubicin",
                "30",
                "mg/m2",
                days(1),
                minutes=60,
                prep="glucosio 5% 250 mL",
                form="doxorubicina liposomiale pegilata",
                formulation="pegylated_liposomal",
                notes="NON sostituibile con doxorubicina convenzionale; solo glucosio 5%.",
            ),
            drug("carboplatin", "5", "AUC", days(1), minutes=60, prep=G5),
        ],
    ),
    regimen(
        "CARBO-PACLI-BEV",
        "Carboplatino-paclitaxel-bevacizumab (ICON7)",
        therapy="chemoimmunotherapy",
        intent="adjuvant",
        cycle=21,
        max_cycles=18,
        diseases=OVARY,
        notes="Nello studio carboplatino AUC 5 o 6; bevacizumab per 18 cicli complessivi.",
        refs=[
            ref(
                "Perren TJ, Swart AM, Pfisterer J, et al.",
                "A phase 3 trial of bevacizumab in ovarian cancer",
                "N Engl J Med",
                2011,
                "365(26):2484-96",
            )
        ],
        components=[
            taxane_premed(days(1), dex="20"),
            antiemetic(days(1)),
            drug(
                "paclitaxel",
                "175",
                "mg/m2",
                days(1),
                minutes=180,
                prep=NS500,
                cycles=(1, 6),
                conditions="set con filtro in linea 0,22 micron, privo di PVC",
            ),
            drug("carboplatin", "5", "AUC", days(1), minutes=60, prep=G5, cycles=(1, 6)),
            drug("bevacizumab", "7.5", "mg/kg", days(1), minutes=90, prep=NS100),
        ],
    ),
    # ------------------------------------------------------------------ head and neck
    regimen(
        "CIS-100-RT",
        "Cisplatino 100 mg/m² con radioterapia",
        therapy="chemotherapy",
        intent="chemoradiation",
        cycle=21,
        max_cycles=3,
        diseases=HEAD_NECK,
        description="Giorni 1, 22 e 43 della radioterapia.",
        refs=[
            ref(
                "Cooper JS, Pajak TF, Forastiere AA, et al.",
                "Postoperative concurrent radiotherapy and chemotherapy for high-risk "
                "squamous-cell carcinoma of the head and neck",
                "N Engl J Med",
                2004,
                "350(19):1937-44",
            ),
            ref(
                "Bernier J, Domenge C, Ozsahin M, et al.",
                "Postoperative irradiation with or without concomitant chemotherapy for locally "
                "advanced head and neck cancer",
                "N Engl J Med",
                2004,
                "350(19):1945-52",
            ),
        ],
        components=[
            antiemetic(days(1), high=True),
            hydration(days(1)),
            drug("cisplatin", "100", "mg/m2", days(1), minutes=120, prep=NS500),
            hydration(days(1), when="dopo"),
        ],
    ),
    regimen(
        "CETUX-RT",
        "Cetuximab settimanale con radioterapia",
        therapy="targeted",
        intent="chemoradiation",
        cycle=7,
        max_cycles=8,
        diseases=HEAD_NECK,
        description="Dose di carico una settimana prima della radioterapia, poi settimanale.",
        refs=[
            ref(
                "Bonner JA, Harari PM, Giralt J, et al.",
                "Radiotherapy plus cetuximab for squamous-cell carcinoma of the head and neck",
                "N Engl J Med",
                2006,
                "354(6):567-78",
            )
        ],
        components=[
            antibody_premed(days(1)),
            drug(
                "cetuximab",
                "400",
                "mg/m2",
                days(1),
                minutes=120,
                cycles=(1, 1),
                desc="dose di carico",
                observe=60,
            ),
            drug("cetuximab", "250", "mg/m2", days(1), minutes=60, cycles=(2, None), observe=60),
        ],
    ),
    regimen(
        "TPF",
        "TPF di induzione",
        therapy="chemotherapy",
        intent="induction",
        cycle=21,
        max_cycles=4,
        diseases=HEAD_NECK,
        refs=[
            ref(
                "Vermorken JB, Remenar E, van Herpen C, et al.",
                "Cisplatin, fluorouracil, and docetaxel in unresectable head and neck cancer",
                "N Engl J Med",
                2007,
                "357(17):1695-704",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            drug("docetaxel", "75", "mg/m2", days(1), minutes=60, prep=NS250),
            hydration(days(1)),
            drug("cisplatin", "75", "mg/m2", days(1), minutes=120, prep=NS500),
            hydration(days(1), when="dopo"),
            drug(
                "fluorouracil",
                "750",
                "mg/m2",
                span(1, 5),
                minutes=1440,
                infusion="continuous",
                desc="750 mg/m²/die in infusione continua, giorni 1-5",
            ),
        ],
    ),
    regimen(
        "EXTREME",
        "Cisplatino-5-FU-cetuximab (EXTREME)",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=21,
        diseases=HEAD_NECK,
        description="6 cicli di chemioterapia, poi cetuximab settimanale di mantenimento.",
        notes="Nello studio il cisplatino poteva essere sostituito da carboplatino AUC 5.",
        refs=[
            ref(
                "Vermorken JB, Mesia R, Rivera F, et al.",
                "Platinum-based chemotherapy plus cetuximab in head and neck cancer",
                "N Engl J Med",
                2008,
                "359(11):1116-27",
            )
        ],
        components=[
            antibody_premed(days(1)),
            drug(
                "cetuximab",
                "400",
                "mg/m2",
                days(1),
                minutes=120,
                cycles=(1, 1),
                desc="dose iniziale",
                observe=60,
            ),
            drug("cetuximab", "250", "mg/m2", days(8, 15), minutes=60, cycles=(1, 1)),
            drug("cetuximab", "250", "mg/m2", days(1, 8, 15), minutes=60, cycles=(2, None)),
            antiemetic(days(1), high=True),
            hydration(days(1)),
            drug("cisplatin", "100", "mg/m2", days(1), minutes=60, prep=NS500, cycles=(1, 6)),
            hydration(days(1), when="dopo"),
            drug(
                "fluorouracil",
                "1000",
                "mg/m2",
                span(1, 4),
                minutes=1440,
                infusion="continuous",
                desc="1000 mg/m²/die in infusione continua, giorni 1-4",
                cycles=(1, 6),
            ),
        ],
    ),
    # ------------------------------------------------------------------ bladder
    regimen(
        "GC-BLADDER",
        "Gemcitabina-cisplatino (vescica)",
        therapy="chemotherapy",
        intent="palliative",
        cycle=28,
        max_cycles=6,
        diseases=BLADDER,
        refs=[
            ref(
                "von der Maase H, Hansen SW, Roberts JT, et al.",
                "Gemcitabine and cisplatin versus methotrexate, vinblastine, doxorubicin, and "
                "cisplatin in advanced or metastatic bladder cancer: results of a large, "
                "randomized, multinational, multicenter, phase III study",
                "J Clin Oncol",
                2000,
                "18(17):3068-77",
            )
        ],
        components=[
            drug("gemcitabine", "1000", "mg/m2", days(1, 8, 15), minutes=30, prep=NS250),
            antiemetic(days(2), high=True),
            hydration(days(2)),
            drug("cisplatin", "70", "mg/m2", days(2), minutes=120, prep=NS500),
            hydration(days(2), when="dopo"),
        ],
    ),
    regimen(
        "DD-MVAC",
        "MVAC dose-dense con G-CSF",
        therapy="chemotherapy",
        intent="palliative",
        cycle=14,
        max_cycles=6,
        diseases=BLADDER,
        refs=[
            ref(
                "Sternberg CN, de Mulder PH, Schornagel JH, et al.",
                "Randomized phase III trial of high-dose-intensity methotrexate, vinblastine, "
                "doxorubicin, and cisplatin (MVAC) chemotherapy and recombinant human granulocyte "
                "colony-stimulating factor versus classic MVAC in advanced urothelial tract "
                "tumors: EORTC protocol no. 30924",
                "J Clin Oncol",
                2001,
                "19(10):2638-46",
            )
        ],
        components=[
            drug("methotrexate", "30", "mg/m2", days(1)),
            antiemetic(days(2), high=True),
            drug(
                "vinblastine",
                "3",
                "mg/m2",
                days(2),
                desc="bolo in via in infusione",
                notes="Solo endovenosa: fatale per via intratecale.",
            ),
            drug("doxorubicin", "30", "mg/m2", days(2), minutes=15, prep=NS100),
            hydration(days(2)),
            drug("cisplatin", "70", "mg/m2", days(2), minutes=120, prep=NS500),
            hydration(days(2), when="dopo"),
            gcsf(
                span(4, 10),
                note="G-CSF per 7 giorni dal giorno 4 (nello studio G-CSF giorni 3-7); "
                "adattare al protocollo locale.",
            ),
        ],
    ),
    regimen(
        "MVAC",
        "MVAC classico",
        therapy="chemotherapy",
        intent="palliative",
        cycle=28,
        max_cycles=6,
        diseases=BLADDER,
        refs=[
            ref(
                "Loehrer PJ Sr, Einhorn LH, Elson PJ, et al.",
                "A randomized comparison of cisplatin alone or in combination with methotrexate, "
                "vinblastine, and doxorubicin in patients with metastatic urothelial carcinoma: "
                "a cooperative group study",
                "J Clin Oncol",
                1992,
                "10(7):1066-73",
            )
        ],
        components=[
            drug("methotrexate", "30", "mg/m2", days(1, 15, 22)),
            antiemetic(days(2), high=True),
            drug(
                "vinblastine",
                "3",
                "mg/m2",
                days(2, 15, 22),
                notes="Solo endovenosa: fatale per via intratecale.",
            ),
            drug("doxorubicin", "30", "mg/m2", days(2), minutes=15, prep=NS100),
            hydration(days(2)),
            drug("cisplatin", "70", "mg/m2", days(2), minutes=120, prep=NS500),
            hydration(days(2), when="dopo"),
        ],
    ),
    regimen(
        "AVELUMAB-MAINT",
        "Avelumab di mantenimento",
        therapy="immunotherapy",
        intent="maintenance",
        cycle=14,
        diseases=BLADDER,
        refs=[
            ref(
                "Powles T, Park SH, Voog E, et al.",
                "Avelumab maintenance therapy for advanced or metastatic urothelial carcinoma",
                "N Engl J Med",
                2020,
                "383(13):1218-30",
            )
        ],
        components=[
            antibody_premed(days(1), cycles=(1, 4)),
            drug(
                "avelumab",
                "10",
                "mg/kg",
                days(1),
                minutes=60,
                prep=NS250,
                conditions="filtro in linea 0,2 micron",
            ),
        ],
    ),
    # ------------------------------------------------------------------ prostate
    regimen(
        "DOCE-PRED",
        "Docetaxel-prednisone",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        max_cycles=10,
        diseases=PROSTATE,
        refs=[
            ref(
                "Tannock IF, de Wit R, Berry WR, et al.",
                "Docetaxel plus prednisone or mitoxantrone plus prednisone for advanced prostate "
                "cancer",
                "N Engl J Med",
                2004,
                "351(15):1502-12",
            )
        ],
        components=[
            drug(
                "dexamethasone",
                "8",
                "mg",
                days(1),
                route="po",
                role="premedication",
                desc="8 mg 12, 3 e 1 ora prima del docetaxel",
            ),
            drug("docetaxel", "75", "mg/m2", days(1), minutes=60, prep=NS250),
            drug(
                "prednisone",
                "5",
                "mg",
                span(1, 21),
                route="po",
                desc="5 mg due volte al giorno, continuativamente",
            ),
        ],
    ),
    regimen(
        "CABAZI",
        "Cabazitaxel-prednisone",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        max_cycles=10,
        diseases=PROSTATE,
        refs=[
            ref(
                "de Bono JS, Oudard S, Ozguroglu M, et al.",
                "Prednisone plus cabazitaxel or mitoxantrone for metastatic castration-resistant "
                "prostate cancer progressing after docetaxel treatment: a randomised open-label "
                "trial",
                "Lancet",
                2010,
                "376(9747):1147-54",
            )
        ],
        components=[
            drug(
                "chlorphenamine", "10", "mg", days(1), role="premedication", desc="30 minuti prima"
            ),
            drug(
                "dexamethasone",
                "8",
                "mg",
                days(1),
                role="premedication",
                minutes=15,
                prep=NS100,
                desc="30 minuti prima",
            ),
            drug(
                "cabazitaxel",
                "25",
                "mg/m2",
                days(1),
                minutes=60,
                prep=NS250,
                conditions="filtro in linea 0,22 micron, set privo di PVC",
            ),
            drug(
                "prednisone", "10", "mg", span(1, 21), route="po", desc="10 mg una volta al giorno"
            ),
        ],
    ),
    regimen(
        "DOCE-ADT",
        "Docetaxel con deprivazione androgenica (malattia ormonosensibile)",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        max_cycles=6,
        diseases=PROSTATE,
        notes="Senza prednisone continuativo, come nello studio.",
        refs=[
            ref(
                "Sweeney CJ, Chen YH, Carducci M, et al.",
                "Chemohormonal therapy in metastatic hormone-sensitive prostate cancer",
                "N Engl J Med",
                2015,
                "373(8):737-46",
            )
        ],
        components=[
            drug(
                "dexamethasone",
                "8",
                "mg",
                days(1),
                route="po",
                role="premedication",
                desc="8 mg 12, 3 e 1 ora prima del docetaxel",
            ),
            drug("docetaxel", "75", "mg/m2", days(1), minutes=60, prep=NS250),
        ],
    ),
    # ------------------------------------------------------------------ sarcoma
    regimen(
        "DOXO-75",
        "Doxorubicina 75 mg/m²",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        max_cycles=6,
        diseases=SARCOMA,
        refs=[
            ref(
                "Judson I, Verweij J, Gelderblom H, et al.",
                "Doxorubicin alone versus intensified doxorubicin plus ifosfamide for first-line "
                "treatment of advanced or metastatic soft-tissue sarcoma: a randomised controlled "
                "phase 3 trial",
                "Lancet Oncol",
                2014,
                "15(4):415-23",
            )
        ],
        components=[
            antiemetic(days(1)),
            drug(
                "doxorubicin",
                "75",
                "mg/m2",
                days(1),
                minutes=15,
                prep=NS100,
                notes="Dose cumulativa massima di antracicline da verificare.",
            ),
        ],
    ),
    regimen(
        "DOXO-IFO",
        "Doxorubicina-ifosfamide",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        max_cycles=6,
        diseases=SARCOMA,
        refs=[
            ref(
                "Judson I, Verweij J, Gelderblom H, et al.",
                "Doxorubicin alone versus intensified doxorubicin plus ifosfamide for first-line "
                "treatment of advanced or metastatic soft-tissue sarcoma: a randomised controlled "
                "phase 3 trial",
                "Lancet Oncol",
                2014,
                "15(4):415-23",
            )
        ],
        components=[
            antiemetic(span(1, 4), high=True),
            drug(
                "doxorubicin",
                "25",
                "mg/m2",
                span(1, 3),
                minutes=15,
                prep=NS100,
                desc="25 mg/m²/die, giorni 1-3 (75 mg/m² per ciclo)",
            ),
            mesna(
                "2.5",
                "g/m2",
                span(1, 4),
                minutes=1440,
                desc="pari alla dose di ifosfamide, in infusione continua; protocollo locale",
            ),
            drug(
                "ifosfamide",
                "2.5",
                "g/m2",
                span(1, 4),
                minutes=1440,
                infusion="continuous",
                desc="2,5 g/m²/die in infusione continua, giorni 1-4 (10 g/m² per ciclo)",
            ),
            gcsf(span(5, 14)),
        ],
    ),
    regimen(
        "GEM-DOCE",
        "Gemcitabina-docetaxel (sarcoma)",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        diseases=SARCOMA,
        refs=[
            ref(
                "Maki RG, Wathen JK, Patel SR, et al.",
                "Randomized phase II study of gemcitabine and docetaxel compared with gemcitabine "
                "alone in patients with metastatic soft tissue sarcomas: results of sarcoma "
                "alliance for research through collaboration study 002",
                "J Clin Oncol",
                2007,
                "25(19):2755-63",
            )
        ],
        components=[
            drug(
                "gemcitabine",
                "900",
                "mg/m2",
                days(1, 8),
                minutes=90,
                prep=NS250,
                desc="in 90 minuti (velocità a dose fissa)",
            ),
            drug(
                "dexamethasone",
                "8",
                "mg",
                days(8),
                route="po",
                role="premedication",
                desc="8 mg due volte al giorno per 3 giorni dal giorno prima del docetaxel",
            ),
            drug("docetaxel", "100", "mg/m2", days(8), minutes=60, prep=NS250),
            gcsf(span(9, 15)),
        ],
    ),
    regimen(
        "TRABECTEDIN",
        "Trabectedina",
        therapy="chemotherapy",
        intent="palliative",
        cycle=21,
        diseases=SARCOMA,
        refs=[
            ref(
                "Demetri GD, von Mehren M, Jones RL, et al.",
                "Efficacy and safety of trabectedin or dacarbazine for metastatic liposarcoma or "
                "leiomyosarcoma after failure of conventional chemotherapy: results of a phase III "
                "randomized multicenter clinical trial",
                "J Clin Oncol",
                2016,
                "34(8):786-93",
            )
        ],
        components=[
            drug(
                "dexamethasone",
                "20",
                "mg",
                days(1),
                role="premedication",
                minutes=30,
                prep=NS100,
                desc="30 minuti prima",
            ),
            drug(
                "trabectedin",
                "1.5",
                "mg/m2",
                days(1),
                minutes=1440,
                infusion="continuous",
                prep="sodio cloruro 0,9% ≥ 500 mL",
                conditions="solo catetere venoso centrale",
            ),
        ],
    ),
    # ------------------------------------------------------------------ germ cell
    regimen(
        "BEP",
        "BEP",
        therapy="chemotherapy",
        intent="curative",
        cycle=21,
        max_cycles=4,
        diseases=GERM_CELL,
        refs=[
            ref(
                "Williams SD, Birch R, Einhorn LH, et al.",
                "Treatment of disseminated germ-cell tumors with cisplatin, bleomycin, and either "
                "vinblastine or etoposide",
                "N Engl J Med",
                1987,
                "316(23):1435-40",
            )
        ],
        components=[
            antiemetic(span(1, 5), high=True),
            drug("etoposide", "100", "mg/m2", span(1, 5), minutes=60, prep=NS500),
            hydration(span(1, 5)),
            drug("cisplatin", "20", "mg/m2", span(1, 5), minutes=60, prep=NS500),
            hydration(span(1, 5), when="dopo"),
            drug(
                "bleomycin",
                "30",
                "U",
                days(2, 9, 16),
                minutes=15,
                prep=NS100,
                desc="30 unità USP (30.000 UI) giorni 2, 9, 16",
                notes="Dose cumulativa e funzionalità respiratoria da monitorare.",
            ),
        ],
    ),
    regimen(
        "EP",
        "Etoposide-cisplatino (EP)",
        therapy="chemotherapy",
        intent="curative",
        cycle=21,
        max_cycles=4,
        diseases=GERM_CELL,
        refs=[
            ref(
                "Xiao H, Mazumdar M, Bajorin DF, et al.",
                "Long-term follow-up of patients with good-risk germ cell tumors treated with "
                "etoposide and cisplatin",
                "J Clin Oncol",
                1997,
                "15(7):2553-8",
            )
        ],
        components=[
            antiemetic(span(1, 5), high=True),
            drug("etoposide", "100", "mg/m2", span(1, 5), minutes=60, prep=NS500),
            hydration(span(1, 5)),
            drug("cisplatin", "20", "mg/m2", span(1, 5), minutes=60, prep=NS500),
            hydration(span(1, 5), when="dopo"),
        ],
    ),
    regimen(
        "TIP",
        "TIP (paclitaxel-ifosfamide-cisplatino)",
        therapy="chemotherapy",
        intent="salvage",
        cycle=21,
        max_cycles=4,
        diseases=GERM_CELL,
        refs=[
            ref(
                "Kondagunta GV, Bacik J, Donadio A, et al.",
                "Combination of paclitaxel, ifosfamide, and cisplatin is an effective second-line "
                "therapy for patients with relapsed testicular germ cell tumors",
                "J Clin Oncol",
                2005,
                "23(27):6549-55",
            )
        ],
        components=[
            taxane_premed(days(1)),
            drug(
                "paclitaxel",
                "250",
                "mg/m2",
                days(1),
                minutes=1440,
                infusion="continuous",
                prep=NS500,
                desc="in 24 ore",
                conditions="set con filtro in linea 0,22 micron, privo di PVC",
            ),
            antiemetic(span(2, 5), high=True),
            mesna("500", "mg/m2", span(2, 5), desc="prima dell'ifosfamide e a 4 e 8 ore"),
            drug("ifosfamide", "1500", "mg/m2", span(2, 5), minutes=60, prep=NS500),
            hydration(span(2, 5)),
            drug("cisplatin", "25", "mg/m2", span(2, 5), minutes=30, prep=NS250),
            gcsf(span(7, 18)),
        ],
    ),
    regimen(
        "CARBO-AUC7",
        "Carboplatino AUC 7 dose singola (seminoma stadio I)",
        therapy="chemotherapy",
        intent="adjuvant",
        cycle=1,
        max_cycles=1,
        diseases=SEMINOMA,
        refs=[
            ref(
                "Oliver RT, Mason MD, Mead GM, et al.",
                "Radiotherapy versus single-dose carboplatin in adjuvant treatment of stage I "
                "seminoma: a randomised trial",
                "Lancet",
                2005,
                "366(9482):293-300",
            )
        ],
        components=[
            antiemetic(days(1)),
            drug(
                "carboplatin",
                "7",
                "AUC",
                days(1),
                minutes=60,
                prep=G5,
                desc="AUC 7 (7 x [GFR + 25] mg)",
            ),
        ],
    ),
    # ------------------------------------------------------------------ other
    regimen(
        "CIS-40-RT",
        "Cisplatino settimanale 40 mg/m² con radioterapia",
        therapy="chemotherapy",
        intent="chemoradiation",
        cycle=7,
        max_cycles=6,
        diseases=CERVIX + HEAD_NECK,
        refs=[
            ref(
                "Rose PG, Bundy BN, Watkins EB, et al.",
                "Concurrent cisplatin-based radiotherapy and chemotherapy for locally advanced "
                "cervical cancer",
                "N Engl J Med",
                1999,
                "340(15):1144-53",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            hydration(days(1)),
            drug("cisplatin", "40", "mg/m2", days(1), minutes=60, prep=NS250),
            hydration(days(1), when="dopo"),
        ],
    ),
    regimen(
        "NIVO-IPI",
        "Nivolumab-ipilimumab (induzione)",
        therapy="immunotherapy",
        intent="palliative",
        cycle=21,
        max_cycles=4,
        diseases=MELANOMA,
        description="4 dosi, poi nivolumab in monoterapia.",
        refs=[
            ref(
                "Larkin J, Chiarion-Sileni V, Gonzalez R, et al.",
                "Combined nivolumab and ipilimumab or monotherapy in untreated melanoma",
                "N Engl J Med",
                2015,
                "373(1):23-34",
            )
        ],
        components=[
            drug("nivolumab", "1", "mg/kg", days(1), minutes=60, prep=NS100, after=30),
            drug(
                "ipilimumab",
                "3",
                "mg/kg",
                days(1),
                minutes=90,
                prep=NS100,
                conditions="filtro in linea a basso legame proteico",
            ),
        ],
    ),
    regimen(
        "ATEZO-BEV",
        "Atezolizumab-bevacizumab (epatocarcinoma)",
        therapy="immunotherapy",
        intent="palliative",
        cycle=21,
        diseases=HCC,
        refs=[
            ref(
                "Finn RS, Qin S, Ikeda M, et al.",
                "Atezolizumab plus bevacizumab in unresectable hepatocellular carcinoma",
                "N Engl J Med",
                2020,
                "382(20):1894-905",
            )
        ],
        components=[
            drug("atezolizumab", "1200", "mg", days(1), minutes=60, prep=NS250),
            drug("bevacizumab", "15", "mg/kg", days(1), minutes=90, prep=NS100),
        ],
    ),
]
