"""Paediatric regimens, with their mg/kg switch thresholds.

The thresholds are those in use in the cooperative-group protocols (SIOP: < 12 kg; COG:
BSA < 0.6 m²; AIEOP-BFM and UK/European protocols: < 10 kg, unless stated). Below the
threshold a mg/m² dose becomes mg/kg by dividing it by 30. They must be checked against
the protocol document in force when the hospital validates the regimen.
"""

from __future__ import annotations

from corsia.regimens.data.build import (
    age_band,
    antiemetic,
    days,
    drug,
    gcsf,
    hydration,
    icd9,
    mesna,
    morph,
    paediatric,
    ref,
    regimen,
    site,
    span,
    weekly,
)

ALL_CHILD = [
    icd9("204.00", "Leucemia linfoblastica acuta"),
    site("C42.1", "Midollo osseo"),
    morph("9811/3", "Leucemia linfoblastica B"),
]
WILMS = [
    icd9("189.0", "Tumore maligno del rene"),
    site("C64.9", "Rene"),
    morph("8960/3", "Nefroblastoma (tumore di Wilms)"),
]
EWING = [
    icd9("170.9", "Tumore maligno delle ossa"),
    site("C41.9", "Osso"),
    morph("9260/3", "Sarcoma di Ewing"),
]
RHABDO = [
    icd9("171.9", "Tumore maligno dei tessuti molli"),
    site("C49.9", "Tessuti molli"),
    morph("8900/3", "Rabdomiosarcoma"),
]
OSTEO = [
    icd9("170.9", "Tumore maligno delle ossa"),
    site("C41.9", "Osso"),
    morph("9180/3", "Osteosarcoma"),
]
LGG = [
    icd9("191.9", "Tumore maligno dell'encefalo"),
    site("C71.9", "Encefalo"),
    morph("9421/1", "Astrocitoma pilocitico"),
]
HODGKIN_CHILD = [
    icd9("201.90", "Linfoma di Hodgkin"),
    site("C77.9", "Linfonodi"),
    morph("9650/3", "Linfoma di Hodgkin classico"),
]
GCT_CHILD = [
    icd9("186.9", "Tumore maligno del testicolo"),
    icd9("183.0", "Tumore maligno dell'ovaio"),
    site("C62.9", "Testicolo"),
    site("C56.9", "Ovaio"),
    morph("9071/3", "Tumore del sacco vitellino"),
]
HEPATOBLASTOMA = [
    icd9("155.0", "Tumore maligno primitivo del fegato"),
    site("C22.0", "Fegato"),
    morph("8970/3", "Epatoblastoma"),
]

NS100 = "sodio cloruro 0,9% 100 mL (volume adattato al peso)"
NS_VOL = "sodio cloruro 0,9% (volume adattato al peso)"
VINCA = "Solo endovenosa: fatale per via intratecale. Mini-sacca."
IT_MTX = "Dose per fascia di età (anni compiuti). Preparazione senza conservanti."
# Intrathecal methotrexate by age (AIEOP-BFM ALL 2000 / 2009): < 1 year 6 mg, 1 to < 2
# years 8 mg, 2 to < 3 years 10 mg, >= 3 years 12 mg (CSF volume grows with age, not BSA).
IT_MTX_BANDS = [
    age_band(0, 1, "6"),
    age_band(1, 2, "8"),
    age_band(2, 3, "10"),
    age_band(3, None, "12"),
]
BFM = paediatric(below_kg="10", decimals=2, min_kg="3")
SIOP = paediatric(below_kg="12", decimals=2, min_kg="3")
COG = paediatric(below_bsa="0.6", decimals=2, min_kg="3")

ALL2000 = [
    ref(
        "Conter V, Bartram CR, Valsecchi MG, et al.",
        "Molecular response to treatment redefines all prognostic factors in children and "
        "adolescents with B-cell precursor acute lymphoblastic leukemia: results in 3184 "
        "patients of the AIEOP-BFM ALL 2000 study",
        "Blood",
        2010,
        "115(16):3206-14",
    )
]
EWING_REFS = [
    ref(
        "Grier HE, Krailo MD, Tarbell NJ, et al.",
        "Addition of ifosfamide and etoposide to standard chemotherapy for Ewing's "
        "sarcoma and primitive neuroectodermal tumor of bone",
        "N Engl J Med",
        2003,
        "348(8):694-701",
    )
]
EURONET = [
    ref(
        "Mauz-Körholz C, Landman-Parker J, Balwierz W, et al.",
        "Response-adapted omission of radiotherapy and comparison of consolidation "
        "chemotherapy in children and adolescents with intermediate-stage and advanced-"
        "stage classical Hodgkin lymphoma (EuroNet-PHL-C1): a titration study with an "
        "open-label, embedded, multinational, non-inferiority, randomised controlled trial",
        "Lancet Oncol",
        2022,
        "23(1):125-37",
    )
]

REGIMENS = [
    regimen(
        "AIEOP-BFM-IA",
        "AIEOP-BFM ALL: induzione protocollo IA",
        therapy="chemotherapy",
        intent="induction",
        cycle=33,
        max_cycles=1,
        diseases=ALL_CHILD,
        paediatric=BFM,
        description="Induzione (giorni 1-33) del protocollo AIEOP-BFM ALL 2000.",
        notes="Prednisone in 3 dosi al giorno dopo la pre-fase, poi scalare in 9 giorni. "
        "Nel protocollo ALL 2000 asparaginasi nativa da E. coli; nei protocolli successivi "
        "PEG-asparaginasi (verificare il protocollo in vigore).",
        refs=ALL2000,
        components=[
            drug(
                "methotrexate",
                "12",
                "mg",
                days(1, 12, 33),
                route="it",
                desc="intratecale, dose per età",
                notes=IT_MTX,
                competence="pharmacy",
                age_bands=IT_MTX_BANDS,
            ),
            drug(
                "prednisone", "60", "mg/m2", span(1, 28), route="po", desc="60 mg/m²/die in 3 dosi"
            ),
            antiemetic(days(8, 15, 22, 29)),
            drug(
                "vincristine",
                "1.5",
                "mg/m2",
                days(8, 15, 22, 29),
                minutes=10,
                max_dose="2",
                prep=NS_VOL,
                notes=VINCA,
            ),
            drug("daunorubicin", "30", "mg/m2", days(8, 15, 22, 29), minutes=60, prep=NS100),
            drug(
                "asparaginase",
                "5000",
                "UI/m2",
                days(12, 15, 18, 21, 24, 27, 30, 33),
                minutes=60,
                prep=NS100,
                observe=60,
                desc="L-asparaginasi nativa da E. coli",
                notes="Osservazione per reazioni di ipersensibilità.",
            ),
        ],
    ),
    regimen(
        "AIEOP-BFM-IB",
        "AIEOP-BFM ALL: induzione protocollo IB",
        therapy="chemotherapy",
        intent="induction",
        cycle=29,
        max_cycles=1,
        diseases=ALL_CHILD,
        paediatric=BFM,
        description="Giorni 36-64 del protocollo I; giorno 1 dello schema = giorno 36.",
        refs=ALL2000,
        components=[
            antiemetic(days(1, 29)),
            mesna("400", "mg/m2", days(1, 29), desc="a 0, 4 e 8 ore dalla ciclofosfamide"),
            hydration(days(1, 29), volume="3000", when="con la ciclofosfamide (3 L/m²/24 h)"),
            drug("cyclophosphamide", "1000", "mg/m2", days(1, 29), minutes=60, prep=NS100),
            drug(
                "mercaptopurine",
                "60",
                "mg/m2",
                span(1, 28),
                route="po",
                desc="la sera, lontano dai pasti e dal latte",
            ),
            drug(
                "cytarabine",
                "75",
                "mg/m2",
                [*span(3, 6), *span(10, 13), *span(17, 20), *span(24, 27)],
                desc="4 blocchi di 4 giorni",
            ),
            drug(
                "methotrexate",
                "12",
                "mg",
                days(10, 24),
                route="it",
                desc="intratecale, dose per età",
                notes=IT_MTX,
                competence="pharmacy",
                age_bands=IT_MTX_BANDS,
            ),
        ],
    ),
    regimen(
        "AIEOP-BFM-M",
        "AIEOP-BFM ALL: protocollo M (metotrexato 5 g/m²)",
        therapy="chemotherapy",
        intent="consolidation",
        cycle=56,
        max_cycles=1,
        diseases=ALL_CHILD,
        paediatric=BFM,
        refs=ALL2000,
        components=[
            drug("mercaptopurine", "25", "mg/m2", span(1, 56), route="po"),
            hydration(
                days(8, 22, 36, 50),
                volume="3000",
                when="e alcalinizzazione durante il metotrexato (3 L/m²/24 h)",
            ),
            drug(
                "methotrexate",
                "5",
                "g/m2",
                days(8, 22, 36, 50),
                minutes=1440,
                infusion="continuous",
                prep="glucosio 5% / sodio cloruro 0,9%",
                desc="10% in 30 minuti, 90% in 23,5 ore",
                notes="Metotrexatemia a 24, 42 e 48 ore; pH urinario ≥ 7.",
            ),
            drug(
                "methotrexate",
                "12",
                "mg",
                days(8, 22, 36, 50),
                route="it",
                desc="intratecale, dose per età",
                notes=IT_MTX,
                competence="pharmacy",
                age_bands=IT_MTX_BANDS,
            ),
            drug(
                "calcium_folinate",
                "15",
                "mg/m2",
                days(10, 24, 38, 52),
                role="supportive",
                desc="a 42, 48 e 54 ore dall'inizio del metotrexato; adeguare ai livelli",
                competence="ward",
            ),
        ],
    ),
    regimen(
        "VA-WILMS",
        "Vincristina-actinomicina D preoperatoria (tumore di Wilms)",
        therapy="chemotherapy",
        intent="neoadjuvant",
        cycle=28,
        max_cycles=1,
        diseases=WILMS,
        paediatric=SIOP,
        refs=[
            ref(
                "Pritchard-Jones K, Bergeron C, de Camargo B, et al.",
                "Omission of doxorubicin from the treatment of stage II-III, intermediate-risk "
                "Wilms' tumour (SIOP WT 2001): an open-label, non-inferiority, randomised "
                "controlled trial",
                "Lancet",
                2015,
                "386(9999):1156-64",
            )
        ],
        components=[
            drug(
                "vincristine",
                "1.5",
                "mg/m2",
                weekly(1, 4),
                max_dose="2",
                notes=VINCA,
                minutes=10,
                prep=NS_VOL,
            ),
            drug(
                "dactinomycin",
                "45",
                "mcg/kg",
                days(1, 15),
                max_dose="2000",
                desc="45 mcg/kg, massimo 2000 mcg",
                notes="Vescicante.",
            ),
        ],
    ),
    regimen(
        "VDC-EWING",
        "VDC (sarcoma di Ewing), alternato con IE",
        therapy="chemotherapy",
        intent="curative",
        cycle=21,
        max_cycles=9,
        diseases=EWING,
        paediatric=COG,
        description="Cicli alternati VDC / IE ogni 21 giorni, 17 cicli totali.",
        notes="Dopo 375 mg/m² cumulativi di doxorubicina, sostituita da actinomicina D.",
        refs=EWING_REFS,
        components=[
            antiemetic(days(1), high=True),
            drug(
                "vincristine",
                "2",
                "mg/m2",
                days(1),
                max_dose="2",
                minutes=10,
                prep=NS_VOL,
                notes=VINCA,
            ),
            drug("doxorubicin", "75", "mg/m2", days(1), minutes=15, prep=NS100),
            mesna("360", "mg/m2", days(1), desc="prima e a 3, 6, 9 ore dalla ciclofosfamide"),
            drug("cyclophosphamide", "1200", "mg/m2", days(1), minutes=60, prep=NS100),
            gcsf(span(2, 11)),
        ],
    ),
    regimen(
        "IE-EWING",
        "IE (ifosfamide-etoposide), alternato con VDC",
        therapy="chemotherapy",
        intent="curative",
        cycle=21,
        max_cycles=8,
        diseases=EWING + RHABDO,
        paediatric=COG,
        refs=EWING_REFS,
        components=[
            antiemetic(span(1, 5), high=True),
            mesna("360", "mg/m2", span(1, 5), desc="prima e a 3, 6 ore dall'ifosfamide"),
            drug("ifosfamide", "1800", "mg/m2", span(1, 5), minutes=60, prep=NS100),
            drug(
                "etoposide",
                "100",
                "mg/m2",
                span(1, 5),
                minutes=60,
                prep=NS100,
                conditions="concentrazione ≤ 0,4 mg/mL",
            ),
            gcsf(span(6, 15)),
        ],
    ),
    regimen(
        "VAC-RMS",
        "VAC (rabdomiosarcoma)",
        therapy="chemotherapy",
        intent="curative",
        cycle=21,
        diseases=RHABDO,
        paediatric=COG,
        refs=[
            ref(
                "Arndt CA, Stoner JA, Hawkins DS, et al.",
                "Vincristine, actinomycin, and cyclophosphamide compared with vincristine, "
                "actinomycin, and cyclophosphamide alternating with vincristine, topotecan, and "
                "cyclophosphamide for intermediate-risk rhabdomyosarcoma: children's oncology "
                "group study D9803",
                "J Clin Oncol",
                2009,
                "27(31):5182-8",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            drug(
                "vincristine",
                "1.5",
                "mg/m2",
                days(1, 8, 15),
                max_dose="2",
                minutes=10,
                prep=NS_VOL,
                notes=VINCA,
            ),
            drug(
                "dactinomycin",
                "45",
                "mcg/kg",
                days(1),
                max_dose="2500",
                desc="0,045 mg/kg, massimo 2,5 mg",
                notes="Vescicante.",
            ),
            mesna("2.2", "g/m2", days(1), desc="dose totale pari alla ciclofosfamide, frazionata"),
            drug("cyclophosphamide", "2.2", "g/m2", days(1), minutes=60, prep=NS100),
            gcsf(span(2, 11)),
        ],
    ),
    regimen(
        "MAP-OSTEO",
        "MAP (cisplatino-doxorubicina-metotrexato ad alte dosi)",
        therapy="chemotherapy",
        intent="neoadjuvant",
        cycle=35,
        max_cycles=6,
        diseases=OSTEO,
        paediatric=paediatric(below_kg="10", decimals=2, min_kg="3"),
        description="Ciclo di 5 settimane: cisplatino + doxorubicina settimana 1, metotrexato "
        "settimane 4 e 5. 2 cicli prima e 4 dopo la chirurgia.",
        notes="Nello studio la doxorubicina poteva essere data in 4 ore o in 48 ore.",
        refs=[
            ref(
                "Marina NM, Smeland S, Bielack SS, et al.",
                "Comparison of MAPIE versus MAP in patients with a poor response to preoperative "
                "chemotherapy for newly diagnosed high-grade osteosarcoma (EURAMOS-1): an "
                "open-label, international, randomised controlled trial",
                "Lancet Oncol",
                2016,
                "17(12):1396-408",
            )
        ],
        components=[
            antiemetic(days(1, 2), high=True),
            hydration(days(1, 2), volume="3000", when="con il cisplatino (3 L/m²/24 h)"),
            drug(
                "cisplatin",
                "60",
                "mg/m2",
                days(1, 2),
                minutes=240,
                prep="sodio cloruro 0,9%",
                desc="60 mg/m²/die, giorni 1-2 (120 mg/m² per ciclo)",
            ),
            drug(
                "doxorubicin",
                "37.5",
                "mg/m2",
                days(1, 2),
                minutes=1440,
                infusion="continuous",
                prep="sodio cloruro 0,9%",
                desc="37,5 mg/m²/die, giorni 1-2 (75 mg/m² per ciclo)",
            ),
            hydration(
                days(22, 29), volume="3000", when="e alcalinizzazione durante il metotrexato"
            ),
            drug(
                "methotrexate",
                "12",
                "g/m2",
                days(22, 29),
                minutes=240,
                max_dose="20",
                prep="glucosio 5%",
                desc="12 g/m² in 4 ore, massimo 20 g",
                notes="Metotrexatemia e pH urinario; rescue con acido folinico da 24 ore.",
            ),
            drug(
                "calcium_folinate",
                "15",
                "mg",
                days(23, 30),
                role="supportive",
                desc="15 mg ogni 6 ore da 24 ore dopo l'inizio del MTX, fino a MTX < 0,1 µmol/L",
                competence="ward",
            ),
        ],
    ),
    regimen(
        "CARBO-VCR-LGG",
        "Carboplatino-vincristina (glioma a basso grado), induzione",
        therapy="chemotherapy",
        intent="induction",
        cycle=84,
        max_cycles=1,
        diseases=LGG,
        paediatric=COG,
        description="Induzione di 10 settimane (+ 2 di pausa); poi cicli di mantenimento.",
        refs=[
            ref(
                "Packer RJ, Ater J, Allen J, et al.",
                "Carboplatin and vincristine chemotherapy for children with newly diagnosed "
                "progressive low-grade gliomas",
                "J Neurosurg",
                1997,
                "86(5):747-54",
            )
        ],
        components=[
            drug(
                "vincristine",
                "1.5",
                "mg/m2",
                weekly(1, 10),
                max_dose="2",
                minutes=10,
                prep=NS_VOL,
                notes=VINCA,
            ),
            antiemetic([*weekly(1, 4), *weekly(43, 4)]),
            drug(
                "carboplatin",
                "175",
                "mg/m2",
                [*weekly(1, 4), *weekly(43, 4)],
                minutes=60,
                prep="glucosio 5%",
                desc="settimanale, settimane 1-4 e 7-10",
            ),
        ],
    ),
    regimen(
        "OEPA",
        "OEPA (linfoma di Hodgkin pediatrico)",
        therapy="chemotherapy",
        intent="induction",
        cycle=28,
        max_cycles=2,
        diseases=HODGKIN_CHILD,
        paediatric=paediatric(below_kg="10", decimals=2, min_kg="3"),
        refs=EURONET,
        components=[
            antiemetic(span(1, 5), high=True),
            drug(
                "vincristine",
                "1.5",
                "mg/m2",
                days(1, 8, 15),
                max_dose="2",
                minutes=10,
                prep=NS_VOL,
                notes=VINCA,
            ),
            drug("etoposide", "125", "mg/m2", span(1, 5), minutes=60, prep=NS100),
            drug("prednisone", "60", "mg/m2", span(1, 15), route="po", desc="in 3 dosi"),
            drug("doxorubicin", "40", "mg/m2", days(1, 15), minutes=60, prep=NS100),
        ],
    ),
    regimen(
        "COPDAC-28",
        "COPDAC-28 (linfoma di Hodgkin pediatrico)",
        therapy="chemotherapy",
        intent="consolidation",
        cycle=28,
        max_cycles=4,
        diseases=HODGKIN_CHILD,
        paediatric=paediatric(below_kg="10", decimals=2, min_kg="3"),
        refs=EURONET,
        components=[
            antiemetic(span(1, 3), high=True),
            drug("cyclophosphamide", "500", "mg/m2", days(1, 8), minutes=60, prep=NS100),
            drug(
                "vincristine",
                "1.5",
                "mg/m2",
                days(1, 8),
                max_dose="2",
                minutes=10,
                prep=NS_VOL,
                notes=VINCA,
            ),
            drug("prednisone", "40", "mg/m2", span(1, 15), route="po", desc="in 3 dosi"),
            drug(
                "dacarbazine",
                "250",
                "mg/m2",
                span(1, 3),
                minutes=60,
                prep=NS100,
                conditions="proteggere dalla luce",
            ),
        ],
    ),
    regimen(
        "JEB",
        "JEB (carboplatino-etoposide-bleomicina), tumori germinali pediatrici",
        therapy="chemotherapy",
        intent="curative",
        cycle=21,
        max_cycles=6,
        diseases=GCT_CHILD,
        paediatric=paediatric(below_kg="10", decimals=2, min_kg="3"),
        notes="Nello studio il carboplatino era 600 mg/m² o calcolato sul GFR; intervallo "
        "21-28 giorni secondo il recupero ematologico.",
        refs=[
            ref(
                "Mann JR, Raafat F, Robinson K, et al.",
                "The United Kingdom Children's Cancer Study Group's second germ cell tumor study: "
                "carboplatin, etoposide, and bleomycin are effective treatment for children with "
                "malignant extracranial germ cell tumors, with acceptable toxicity",
                "J Clin Oncol",
                2000,
                "18(22):3809-18",
            )
        ],
        components=[
            antiemetic(span(1, 3), high=True),
            drug("etoposide", "120", "mg/m2", span(1, 3), minutes=60, prep=NS100),
            drug("carboplatin", "600", "mg/m2", days(2), minutes=60, prep="glucosio 5%"),
            drug(
                "bleomycin",
                "15",
                "U/m2",
                days(3),
                minutes=15,
                prep=NS100,
                desc="15 unità USP/m² (15.000 UI/m²)",
            ),
        ],
    ),
    regimen(
        "CIS-SIOPEL",
        "Cisplatino in monoterapia (epatoblastoma rischio standard)",
        therapy="chemotherapy",
        intent="neoadjuvant",
        cycle=14,
        max_cycles=6,
        diseases=HEPATOBLASTOMA,
        paediatric=paediatric(below_kg="10", decimals=2, min_kg="3"),
        description="4 cicli prima e 2 dopo la chirurgia.",
        notes="Sotto 10 kg 2,7 mg/kg (80 mg/m² ÷ 30).",
        refs=[
            ref(
                "Perilongo G, Maibach R, Shafford E, et al.",
                "Cisplatin versus cisplatin plus doxorubicin for standard-risk hepatoblastoma",
                "N Engl J Med",
                2009,
                "361(17):1662-70",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            hydration(days(1), volume="3000", when="con il cisplatino (3 L/m²/24 h)"),
            drug(
                "cisplatin",
                "80",
                "mg/m2",
                days(1),
                minutes=1440,
                infusion="continuous",
                prep="sodio cloruro 0,9%",
                desc="in infusione continua di 24 ore",
            ),
        ],
    ),
]
