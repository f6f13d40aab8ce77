"""Adult haematology: lymphomas, myeloma, leukaemias. Doses as in the cited trial."""

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
)

HODGKIN = [
    icd9("201.90", "Linfoma di Hodgkin"),
    site("C77.9", "Linfonodi"),
    morph("9650/3", "Linfoma di Hodgkin classico"),
]
DLBCL = [
    icd9("200.70", "Linfoma a grandi cellule"),
    site("C77.9", "Linfonodi"),
    morph("9680/3", "Linfoma diffuso a grandi cellule B"),
]
FOLLICULAR = [
    icd9("202.00", "Linfoma follicolare"),
    site("C77.9", "Linfonodi"),
    morph("9690/3", "Linfoma follicolare"),
]
INDOLENT = [
    *FOLLICULAR,
    icd9("200.40", "Linfoma mantellare"),
    morph("9673/3", "Linfoma mantellare"),
]
MYELOMA = [
    icd9("203.00", "Mieloma multiplo"),
    site("C42.1", "Midollo osseo"),
    morph("9732/3", "Mieloma multiplo"),
]
AML = [
    icd9("205.00", "Leucemia mieloide acuta"),
    site("C42.1", "Midollo osseo"),
    morph("9861/3", "Leucemia mieloide acuta"),
]
MDS = [
    icd9("238.73", "Sindrome mielodisplastica ad alto rischio"),
    site("C42.1", "Midollo osseo"),
    morph("9983/3", "Anemia refrattaria con eccesso di blasti"),
]
CML = [
    icd9("205.10", "Leucemia mieloide cronica"),
    site("C42.1", "Midollo osseo"),
    morph("9875/3", "Leucemia mieloide cronica BCR-ABL1 positiva"),
]
CLL = [
    icd9("204.10", "Leucemia linfatica cronica"),
    site("C42.1", "Midollo osseo"),
    morph("9823/3", "Leucemia linfatica cronica"),
]
ALL = [
    icd9("204.00", "Leucemia linfoblastica acuta"),
    site("C42.1", "Midollo osseo"),
    morph("9811/3", "Leucemia linfoblastica B"),
]

NS100 = "sodio cloruro 0,9% 100 mL"
NS250 = "sodio cloruro 0,9% 250 mL"
NS500 = "sodio cloruro 0,9% 500 mL"
VINCA = "Solo endovenosa: fatale per via intratecale. Mini-sacca."
RITUX = (
    "Prima infusione a 50 mg/h, poi aumenti di 50 mg/h ogni 30 minuti fino a 400 mg/h; "
    "successive da 100 mg/h."
)

CHOP_REFS = [
    ref(
        "Coiffier B, Lepage E, Briere J, et al.",
        "CHOP chemotherapy plus rituximab compared with CHOP alone in elderly patients "
        "with diffuse large-B-cell lymphoma",
        "N Engl J Med",
        2002,
        "346(4):235-42",
    )
]


def _rituximab(
    on: list[int] | None = None, *, dose: str = "375", cycles: tuple[int, int | None] = (1, None)
) -> list[Doc]:
    return [
        *antibody_premed(on or days(1), cycles=cycles),
        drug(
            "rituximab",
            dose,
            "mg/m2",
            on or days(1),
            minutes=240,
            prep="sodio cloruro 0,9% (1-4 mg/mL)",
            desc="velocità crescente",
            conditions=RITUX,
            cycles=cycles,
        ),
    ]


def _abvd_like(first: list[Doc]) -> list[Doc | list[Doc]]:
    return [
        *first,
        antiemetic(days(1, 15), high=True),
        drug("doxorubicin", "25", "mg/m2", days(1, 15), minutes=15, prep=NS100),
        drug(
            "vinblastine",
            "6",
            "mg/m2",
            days(1, 15),
            minutes=10,
            prep="sodio cloruro 0,9% 50 mL",
            notes=VINCA,
        ),
        drug(
            "dacarbazine",
            "375",
            "mg/m2",
            days(1, 15),
            minutes=60,
            prep=NS500,
            conditions="proteggere dalla luce",
        ),
    ]


REGIMENS = [
    # ------------------------------------------------------------------ Hodgkin
    regimen(
        "ABVD",
        "ABVD",
        therapy="chemotherapy",
        intent="curative",
        cycle=28,
        max_cycles=6,
        diseases=HODGKIN,
        refs=[
            ref(
                "Bonadonna G, Zucali R, Monfardini S, De Lena M, Uslenghi C.",
                "Combination chemotherapy of Hodgkin's disease with adriamycin, bleomycin, "
                "vinblastine, and imidazole carboxamide versus MOPP",
                "Cancer",
                1975,
                "36(1):252-9",
            )
        ],
        components=_abvd_like(
            [
                drug(
                    "bleomycin",
                    "10",
                    "U/m2",
                    days(1, 15),
                    minutes=15,
                    prep=NS100,
                    desc="10 unità USP/m² (10.000 UI/m²)",
                    notes="Dose cumulativa e funzionalità respiratoria da monitorare.",
                ),
            ]
        ),
    ),
    regimen(
        "BEACOPP-ESC",
        "BEACOPP intensificato",
        therapy="chemotherapy",
        intent="curative",
        cycle=21,
        max_cycles=8,
        diseases=HODGKIN,
        refs=[
            ref(
                "Diehl V, Franklin J, Pfreundschuh M, et al.",
                "Standard and increased-dose BEACOPP chemotherapy compared with COPP-ABVD for "
                "advanced Hodgkin's disease",
                "N Engl J Med",
                2003,
                "348(24):2386-95",
            )
        ],
        components=[
            antiemetic(span(1, 3), high=True),
            drug("cyclophosphamide", "1250", "mg/m2", days(1), minutes=60, prep=NS500),
            drug("doxorubicin", "35", "mg/m2", days(1), minutes=15, prep=NS100),
            drug("etoposide", "200", "mg/m2", span(1, 3), minutes=120, prep=NS500),
            drug("procarbazine", "100", "mg/m2", span(1, 7), route="po"),
            drug("prednisone", "40", "mg/m2", span(1, 14), route="po"),
            drug(
                "vincristine",
                "1.4",
                "mg/m2",
                days(8),
                minutes=10,
                max_dose="2",
                prep="sodio cloruro 0,9% 50 mL",
                notes=VINCA,
            ),
            drug(
                "bleomycin",
                "10",
                "U/m2",
                days(8),
                minutes=15,
                prep=NS100,
                desc="10 mg/m² nello studio (≈ 10 unità USP/m²)",
            ),
            gcsf(span(8, 14), note="G-CSF dal giorno 8 fino alla ripresa dei neutrofili."),
        ],
    ),
    regimen(
        "A-AVD",
        "Brentuximab vedotin + AVD",
        therapy="chemoimmunotherapy",
        intent="curative",
        cycle=28,
        max_cycles=6,
        diseases=HODGKIN,
        notes="Profilassi primaria con G-CSF raccomandata dallo studio.",
        refs=[
            ref(
                "Connors JM, Jurczak W, Straus DJ, et al.",
                "Brentuximab vedotin with chemotherapy for stage III or IV Hodgkin's lymphoma",
                "N Engl J Med",
                2018,
                "378(4):331-44",
            )
        ],
        components=_abvd_like(
            [
                drug(
                    "brentuximab_vedotin",
                    "1.2",
                    "mg/kg",
                    days(1, 15),
                    minutes=30,
                    max_dose="120",
                    prep=NS250,
                    desc="1,2 mg/kg (peso massimo 100 kg)",
                ),
            ]
        ),
    ),
    # ------------------------------------------------------------------ B-cell lymphoma
    regimen(
        "R-CHOP-21",
        "R-CHOP-21",
        therapy="chemoimmunotherapy",
        intent="curative",
        cycle=21,
        max_cycles=8,
        diseases=DLBCL + FOLLICULAR,
        refs=CHOP_REFS,
        components=[
            *_rituximab(),
            antiemetic(days(1)),
            drug("cyclophosphamide", "750", "mg/m2", days(1), minutes=60, prep=NS500),
            drug("doxorubicin", "50", "mg/m2", days(1), minutes=15, prep=NS100),
            drug(
                "vincristine",
                "1.4",
                "mg/m2",
                days(1),
                minutes=10,
                max_dose="2",
                prep="sodio cloruro 0,9% 50 mL",
                notes=VINCA,
            ),
            drug("prednisone", "40", "mg/m2", span(1, 5), route="po"),
        ],
    ),
    regimen(
        "R-CHOP-14",
        "R-CHOP-14",
        therapy="chemoimmunotherapy",
        intent="curative",
        cycle=14,
        max_cycles=6,
        diseases=DLBCL,
        notes="Nello studio 6 cicli di CHOP-14 con 8 dosi di rituximab (2 dosi aggiuntive dopo il "
        "sesto ciclo).",
        refs=[
            ref(
                "Pfreundschuh M, Schubert J, Ziepert M, et al.",
                "Six versus eight cycles of bi-weekly CHOP-14 with or without rituximab in elderly "
                "patients with aggressive CD20+ B-cell lymphomas: a randomised controlled trial "
                "(RICOVER-60)",
                "Lancet Oncol",
                2008,
                "9(2):105-16",
            )
        ],
        components=[
            *_rituximab(),
            antiemetic(days(1)),
            drug("cyclophosphamide", "750", "mg/m2", days(1), minutes=60, prep=NS500),
            drug("doxorubicin", "50", "mg/m2", days(1), minutes=15, prep=NS100),
            drug(
                "vincristine",
                "1.4",
                "mg/m2",
                days(1),
                minutes=10,
                max_dose="2",
                prep="sodio cloruro 0,9% 50 mL",
                notes=VINCA,
            ),
            drug("prednisone", "100", "mg", span(1, 5), route="po"),
            gcsf(span(4, 13)),
        ],
    ),
    regimen(
        "R-CVP",
        "R-CVP",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=21,
        max_cycles=8,
        diseases=FOLLICULAR,
        refs=[
            ref(
                "Marcus R, Imrie K, Belch A, et al.",
                "CVP chemotherapy plus rituximab compared with CVP as first-line treatment for "
                "advanced follicular lymphoma",
                "Blood",
                2005,
                "105(4):1417-23",
            )
        ],
        components=[
            *_rituximab(),
            antiemetic(days(1)),
            drug("cyclophosphamide", "750", "mg/m2", days(1), minutes=60, prep=NS500),
            drug(
                "vincristine",
                "1.4",
                "mg/m2",
                days(1),
                minutes=10,
                max_dose="2",
                prep="sodio cloruro 0,9% 50 mL",
                notes=VINCA,
            ),
            drug("prednisone", "40", "mg/m2", span(1, 5), route="po"),
        ],
    ),
    regimen(
        "BR",
        "Bendamustina-rituximab",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=28,
        max_cycles=6,
        diseases=INDOLENT,
        refs=[
            ref(
                "Rummel MJ, Niederle N, Maschmeyer G, et al.",
                "Bendamustine plus rituximab versus CHOP plus rituximab as first-line treatment "
                "for patients with indolent and mantle-cell lymphomas: an open-label, "
                "multicentre, randomised, phase 3 non-inferiority trial",
                "Lancet",
                2013,
                "381(9873):1203-10",
            )
        ],
        components=[
            *_rituximab(),
            antiemetic(days(1, 2)),
            drug("bendamustine", "90", "mg/m2", days(1, 2), minutes=30, prep=NS500),
        ],
    ),
    regimen(
        "R-DHAP",
        "R-DHAP",
        therapy="chemoimmunotherapy",
        intent="salvage",
        cycle=21,
        max_cycles=3,
        diseases=DLBCL,
        refs=[
            ref(
                "Gisselbrecht C, Glass B, Mounier N, et al.",
                "Salvage regimens with autologous transplantation for relapsed large B-cell "
                "lymphoma in the rituximab era",
                "J Clin Oncol",
                2010,
                "28(27):4184-90",
            )
        ],
        components=[
            *_rituximab(),
            drug(
                "dexamethasone",
                "40",
                "mg",
                span(1, 4),
                minutes=15,
                prep=NS100,
                desc="40 mg/die, giorni 1-4",
            ),
            antiemetic(span(1, 2), high=True),
            hydration(days(1)),
            drug(
                "cisplatin",
                "100",
                "mg/m2",
                days(1),
                minutes=1440,
                infusion="continuous",
                prep="sodio cloruro 0,9% 1000 mL",
                desc="in infusione continua di 24 ore",
            ),
            drug(
                "cytarabine",
                "2000",
                "mg/m2",
                days(2),
                minutes=180,
                prep=NS500,
                desc="prima dose (ogni 12 ore x 2)",
                after=540,
                notes="Collirio corticosteroideo fino a 48 ore dopo l'ultima dose.",
            ),
            drug(
                "cytarabine",
                "2000",
                "mg/m2",
                days(2),
                minutes=180,
                prep=NS500,
                desc="seconda dose, 12 ore dopo l'inizio della prima",
            ),
        ],
    ),
    regimen(
        "R-ICE",
        "R-ICE",
        therapy="chemoimmunotherapy",
        intent="salvage",
        cycle=21,
        max_cycles=3,
        diseases=DLBCL,
        refs=[
            ref(
                "Gisselbrecht C, Glass B, Mounier N, et al.",
                "Salvage regimens with autologous transplantation for relapsed large B-cell "
                "lymphoma in the rituximab era",
                "J Clin Oncol",
                2010,
                "28(27):4184-90",
            )
        ],
        components=[
            *_rituximab(),
            antiemetic(span(1, 3), high=True),
            drug("etoposide", "100", "mg/m2", span(1, 3), minutes=60, prep=NS500),
            drug(
                "carboplatin",
                "5",
                "AUC",
                days(2),
                minutes=60,
                max_dose="800",
                prep="glucosio 5% 250 mL",
                desc="AUC 5, massimo 800 mg",
            ),
            mesna(
                "5", "g/m2", days(2), minutes=1440, desc="pari alla dose di ifosfamide, con essa"
            ),
            drug(
                "ifosfamide",
                "5",
                "g/m2",
                days(2),
                minutes=1440,
                infusion="continuous",
                prep="sodio cloruro 0,9% 1000 mL",
                desc="5 g/m² in infusione continua di 24 ore",
            ),
        ],
    ),
    regimen(
        "POLA-R-CHP",
        "Polatuzumab vedotin + R-CHP",
        therapy="chemoimmunotherapy",
        intent="curative",
        cycle=21,
        max_cycles=6,
        diseases=DLBCL,
        notes="Nello studio 6 cicli seguiti da 2 dosi di rituximab in monoterapia.",
        refs=[
            ref(
                "Tilly H, Morschhauser F, Sehn LH, et al.",
                "Polatuzumab vedotin in previously untreated diffuse large B-cell lymphoma",
                "N Engl J Med",
                2022,
                "386(4):351-63",
            )
        ],
        components=[
            *_rituximab(),
            drug(
                "polatuzumab_vedotin",
                "1.8",
                "mg/kg",
                days(1),
                minutes=90,
                prep=NS100,
                desc="90 minuti la prima volta, poi 30",
                observe=90,
            ),
            antiemetic(days(1)),
            drug("cyclophosphamide", "750", "mg/m2", days(1), minutes=60, prep=NS500),
            drug("doxorubicin", "50", "mg/m2", days(1), minutes=15, prep=NS100),
            drug("prednisone", "100", "mg", span(1, 5), route="po"),
        ],
    ),
    regimen(
        "R-MINICHOP",
        "R-mini-CHOP (oltre 80 anni)",
        therapy="chemoimmunotherapy",
        intent="curative",
        cycle=21,
        max_cycles=6,
        diseases=DLBCL,
        refs=[
            ref(
                "Peyrade F, Jardin F, Thieblemont C, et al.",
                "Attenuated immunochemotherapy regimen (R-miniCHOP) in elderly patients older "
                "than 80 years with diffuse large B-cell lymphoma: a multicentre, single-arm, "
                "phase 2 trial",
                "Lancet Oncol",
                2011,
                "12(5):460-8",
            )
        ],
        components=[
            *_rituximab(),
            antiemetic(days(1)),
            drug("cyclophosphamide", "400", "mg/m2", days(1), minutes=30, prep=NS250),
            drug("doxorubicin", "25", "mg/m2", days(1), minutes=15, prep=NS100),
            drug(
                "vincristine",
                "1",
                "mg",
                days(1),
                minutes=10,
                prep="sodio cloruro 0,9% 50 mL",
                notes=VINCA,
            ),
            drug("prednisone", "40", "mg/m2", span(1, 5), route="po"),
        ],
    ),
    regimen(
        "R-MAINT",
        "Rituximab di mantenimento ogni 8 settimane",
        therapy="immunotherapy",
        intent="maintenance",
        cycle=56,
        max_cycles=12,
        diseases=FOLLICULAR,
        refs=[
            ref(
                "Salles G, Seymour JF, Offner F, et al.",
                "Rituximab maintenance for 2 years in patients with high tumour burden "
                "follicular lymphoma responding to rituximab plus chemotherapy (PRIMA): a "
                "phase 3, randomised controlled trial",
                "Lancet",
                2011,
                "377(9759):42-51",
            )
        ],
        components=_rituximab(),
    ),
    # ------------------------------------------------------------------ myeloma
    regimen(
        "VRD",
        "Bortezomib-lenalidomide-desametasone (VRd)",
        therapy="chemotherapy",
        intent="induction",
        cycle=21,
        max_cycles=8,
        diseases=MYELOMA,
        notes="Nello studio bortezomib e.v.; la via sottocutanea è oggi la più usata.",
        refs=[
            ref(
                "Durie BGM, Hoering A, Abidi MH, et al.",
                "Bortezomib with lenalidomide and dexamethasone versus lenalidomide and "
                "dexamethasone alone in patients with newly diagnosed myeloma without intent for "
                "immediate autologous stem-cell transplant (SWOG S0777): a randomised, "
                "open-label, phase 3 trial",
                "Lancet",
                2017,
                "389(10068):519-27",
            )
        ],
        components=[
            drug("bortezomib", "1.3", "mg/m2", days(1, 4, 8, 11), desc="bolo e.v. (3-5 secondi)"),
            drug("lenalidomide", "25", "mg", span(1, 14), route="po"),
            drug("dexamethasone", "20", "mg", days(1, 2, 4, 5, 8, 9, 11, 12), route="po"),
        ],
    ),
    regimen(
        "VMP",
        "Bortezomib-melfalan-prednisone (VMP)",
        therapy="chemotherapy",
        intent="palliative",
        cycle=42,
        max_cycles=9,
        diseases=MYELOMA,
        refs=[
            ref(
                "San Miguel JF, Schlag R, Khuageva NK, et al.",
                "Bortezomib plus melphalan and prednisone for initial treatment of multiple "
                "myeloma",
                "N Engl J Med",
                2008,
                "359(9):906-17",
            )
        ],
        components=[
            drug(
                "bortezomib",
                "1.3",
                "mg/m2",
                days(1, 4, 8, 11, 22, 25, 29, 32),
                cycles=(1, 4),
                desc="cicli 1-4: due volte a settimana",
            ),
            drug(
                "bortezomib",
                "1.3",
                "mg/m2",
                days(1, 8, 22, 29),
                cycles=(5, 9),
                desc="cicli 5-9: settimanale",
            ),
            drug("melphalan", "9", "mg/m2", span(1, 4), route="po"),
            drug("prednisone", "60", "mg/m2", span(1, 4), route="po"),
        ],
    ),
    regimen(
        "VCD",
        "Ciclofosfamide-bortezomib-desametasone (VCD/CyBorD)",
        therapy="chemotherapy",
        intent="induction",
        cycle=28,
        max_cycles=4,
        diseases=MYELOMA,
        refs=[
            ref(
                "Reeder CB, Reece DE, Kukreti V, et al.",
                "Cyclophosphamide, bortezomib and dexamethasone induction for newly diagnosed "
                "multiple myeloma: high response rates in a phase II clinical trial",
                "Leukemia",
                2009,
                "23(7):1337-41",
            )
        ],
        components=[
            drug("cyclophosphamide", "300", "mg/m2", days(1, 8, 15, 22), route="po"),
            drug("bortezomib", "1.3", "mg/m2", days(1, 4, 8, 11)),
            drug(
                "dexamethasone", "40", "mg", [*span(1, 4), *span(9, 12), *span(17, 20)], route="po"
            ),
        ],
    ),
    regimen(
        "DARA-RD",
        "Daratumumab-lenalidomide-desametasone",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=28,
        diseases=MYELOMA,
        refs=[
            ref(
                "Facon T, Kumar S, Plesner T, et al.",
                "Daratumumab plus lenalidomide and dexamethasone for untreated myeloma",
                "N Engl J Med",
                2019,
                "380(22):2104-15",
            )
        ],
        components=[
            *antibody_premed(days(1, 8, 15, 22)),
            drug(
                "dexamethasone",
                "40",
                "mg",
                days(1, 8, 15, 22),
                route="po",
                desc="settimanale (20 mg oltre i 75 anni); prima del daratumumab",
            ),
            drug(
                "daratumumab",
                "16",
                "mg/kg",
                days(1, 8, 15, 22),
                minutes=420,
                prep=NS500,
                cycles=(1, 2),
                desc="settimanale nei cicli 1-2; prima infusione circa 7 ore",
                observe=120,
            ),
            drug(
                "daratumumab",
                "16",
                "mg/kg",
                days(1, 15),
                minutes=210,
                prep=NS500,
                cycles=(3, 6),
                desc="ogni 2 settimane nei cicli 3-6",
            ),
            drug(
                "daratumumab",
                "16",
                "mg/kg",
                days(1),
                minutes=210,
                prep=NS500,
                cycles=(7, None),
                desc="ogni 4 settimane dal ciclo 7",
            ),
            drug("lenalidomide", "25", "mg", span(1, 21), route="po"),
        ],
    ),
    regimen(
        "MEL200",
        "Melfalan 200 mg/m² (condizionamento per autotrapianto)",
        therapy="conditioning",
        intent="consolidation",
        cycle=1,
        max_cycles=1,
        diseases=MYELOMA,
        description="Giorno 1 dello schema = giorno -2 rispetto alla reinfusione.",
        refs=[
            ref(
                "Moreau P, Facon T, Attal M, et al.",
                "Comparison of 200 mg/m(2) melphalan and 8 Gy total body irradiation plus 140 "
                "mg/m(2) melphalan as conditioning regimens for peripheral blood stem cell "
                "transplantation in patients with newly diagnosed multiple myeloma: final "
                "analysis of the Intergroupe Francophone du Myélome 9502 randomized trial",
                "Blood",
                2002,
                "99(3):731-5",
            )
        ],
        components=[
            antiemetic(days(1), high=True),
            drug(
                "melphalan",
                "200",
                "mg/m2",
                days(1),
                minutes=30,
                prep=NS500,
                conditions="somministrare entro 1 ora dalla ricostituzione",
            ),
        ],
    ),
    # ------------------------------------------------------------------ leukaemias
    regimen(
        "7+3-DNR90",
        "Citarabina 7 giorni + daunorubicina 90 mg/m² (3+7)",
        therapy="chemotherapy",
        intent="induction",
        cycle=28,
        max_cycles=2,
        diseases=AML,
        refs=[
            ref(
                "Fernandez HF, Sun Z, Yao X, et al.",
                "Anthracycline dose intensification in acute myeloid leukemia",
                "N Engl J Med",
                2009,
                "361(13):1249-59",
            )
        ],
        components=[
            antiemetic(span(1, 7)),
            drug("daunorubicin", "90", "mg/m2", span(1, 3), minutes=15, prep=NS100),
            drug(
                "cytarabine",
                "100",
                "mg/m2",
                span(1, 7),
                minutes=1440,
                infusion="continuous",
                prep=NS500,
                desc="100 mg/m²/die in infusione continua, giorni 1-7",
            ),
        ],
    ),
    regimen(
        "7+3-MIDO",
        "3+7 con midostaurina (LAM FLT3+)",
        therapy="chemotherapy",
        intent="induction",
        cycle=28,
        max_cycles=2,
        diseases=AML,
        refs=[
            ref(
                "Stone RM, Mandrekar SJ, Sanford BL, et al.",
                "Midostaurin plus chemotherapy for acute myeloid leukemia with a FLT3 mutation",
                "N Engl J Med",
                2017,
                "377(5):454-64",
            )
        ],
        components=[
            antiemetic(span(1, 7)),
            drug("daunorubicin", "60", "mg/m2", span(1, 3), minutes=15, prep=NS100),
            drug(
                "cytarabine",
                "200",
                "mg/m2",
                span(1, 7),
                minutes=1440,
                infusion="continuous",
                prep=NS500,
                desc="200 mg/m²/die in infusione continua, giorni 1-7",
            ),
            drug(
                "midostaurin",
                "50",
                "mg",
                span(8, 21),
                route="po",
                desc="50 mg due volte al giorno con il cibo",
            ),
        ],
    ),
    regimen(
        "HIDAC",
        "Citarabina ad alte dosi (consolidamento)",
        therapy="chemotherapy",
        intent="consolidation",
        cycle=28,
        max_cycles=4,
        diseases=AML,
        refs=[
            ref(
                "Mayer RJ, Davis RB, Schiffer CA, et al.",
                "Intensive postremission chemotherapy in adults with acute myeloid leukemia",
                "N Engl J Med",
                1994,
                "331(14):896-903",
            )
        ],
        components=[
            antiemetic(days(1, 3, 5)),
            drug(
                "cytarabine",
                "3000",
                "mg/m2",
                days(1, 3, 5),
                minutes=180,
                prep=NS500,
                desc="prima dose del giorno (ogni 12 ore)",
                after=540,
                notes="Collirio corticosteroideo; sorveglianza neurologica (cerebellare).",
            ),
            drug(
                "cytarabine",
                "3000",
                "mg/m2",
                days(1, 3, 5),
                minutes=180,
                prep=NS500,
                desc="seconda dose del giorno, 12 ore dopo la prima",
            ),
        ],
    ),
    regimen(
        "AZA",
        "Azacitidina",
        therapy="chemotherapy",
        intent="palliative",
        cycle=28,
        diseases=MDS + AML,
        refs=[
            ref(
                "Fenaux P, Mufti GJ, Hellstrom-Lindberg E, et al.",
                "Efficacy of azacitidine compared with that of conventional care regimens in the "
                "treatment of higher-risk myelodysplastic syndromes: a randomised, open-label, "
                "phase III study",
                "Lancet Oncol",
                2009,
                "10(3):223-32",
            )
        ],
        components=[
            drug("ondansetron", "8", "mg", span(1, 7), route="po", role="premedication"),
            drug(
                "azacitidine",
                "75",
                "mg/m2",
                span(1, 7),
                route="sc",
                desc="dosi > 4 mL divise in due siti di iniezione",
                concentration="25",
            ),
        ],
    ),
    regimen(
        "VEN-AZA",
        "Venetoclax-azacitidina",
        therapy="targeted",
        intent="palliative",
        cycle=28,
        diseases=AML,
        notes="Profilassi della sindrome da lisi tumorale durante la titolazione; ridurre il "
        "venetoclax con inibitori del CYP3A.",
        refs=[
            ref(
                "DiNardo CD, Jonas BA, Pullarkat V, et al.",
                "Azacitidine and venetoclax in previously untreated acute myeloid leukemia",
                "N Engl J Med",
                2020,
                "383(7):617-29",
            )
        ],
        components=[
            drug("azacitidine", "75", "mg/m2", span(1, 7), route="sc"),
            drug(
                "venetoclax",
                "100",
                "mg",
                days(1),
                route="po",
                cycles=(1, 1),
                desc="titolazione: giorno 1",
            ),
            drug(
                "venetoclax",
                "200",
                "mg",
                days(2),
                route="po",
                cycles=(1, 1),
                desc="titolazione: giorno 2",
            ),
            drug("venetoclax", "400", "mg", span(3, 28), route="po", cycles=(1, 1)),
            drug("venetoclax", "400", "mg", span(1, 28), route="po", cycles=(2, None)),
        ],
    ),
    regimen(
        "IMATINIB-400",
        "Imatinib 400 mg",
        therapy="targeted",
        intent="palliative",
        cycle=28,
        diseases=CML,
        refs=[
            ref(
                "O'Brien SG, Guilhot F, Larson RA, et al.",
                "Imatinib compared with interferon and low-dose cytarabine for newly diagnosed "
                "chronic-phase chronic myeloid leukemia",
                "N Engl J Med",
                2003,
                "348(11):994-1004",
            )
        ],
        components=[
            drug(
                "imatinib",
                "400",
                "mg",
                span(1, 28),
                route="po",
                desc="una volta al giorno con il pasto",
            )
        ],
    ),
    regimen(
        "FCR",
        "Fludarabina-ciclofosfamide-rituximab",
        therapy="chemoimmunotherapy",
        intent="palliative",
        cycle=28,
        max_cycles=6,
        diseases=CLL,
        notes="Nello studio il rituximab del ciclo 1 era al giorno 0 (giorno prima della FC).",
        refs=[
            ref(
                "Hallek M, Fischer K, Fingerle-Rowson G, et al.",
                "Addition of rituximab to fludarabine and cyclophosphamide in patients with "
                "chronic lymphocytic leukaemia: a randomised, open-label, phase 3 trial",
                "Lancet",
                2010,
                "376(9747):1164-74",
            )
        ],
        components=[
            *_rituximab(cycles=(1, 1)),
            *_rituximab(dose="500", cycles=(2, None)),
            antiemetic(span(1, 3)),
            drug("fludarabine", "25", "mg/m2", span(1, 3), minutes=30, prep=NS100),
            drug("cyclophosphamide", "250", "mg/m2", span(1, 3), minutes=30, prep=NS250),
        ],
    ),
    regimen(
        "HYPER-CVAD-A",
        "Hyper-CVAD ciclo A",
        therapy="chemotherapy",
        intent="induction",
        cycle=21,
        max_cycles=4,
        diseases=ALL,
        description="Alternato con il ciclo B (HYPER-CVAD-B), 4 cicli ciascuno.",
        refs=[
            ref(
                "Kantarjian HM, O'Brien S, Smith TL, et al.",
                "Results of treatment with hyper-CVAD, a dose-intensive regimen, in adult acute "
                "lymphocytic leukemia",
                "J Clin Oncol",
                2000,
                "18(2):547-61",
            )
        ],
        components=[
            antiemetic(span(1, 3)),
            mesna(
                "600", "mg/m2", span(1, 3), minutes=1440, desc="600 mg/m²/die in infusione continua"
            ),
            drug(
                "cyclophosphamide",
                "300",
                "mg/m2",
                span(1, 3),
                minutes=180,
                prep=NS500,
                desc="ogni 12 ore: prima dose del giorno",
                after=540,
            ),
            drug(
                "cyclophosphamide",
                "300",
                "mg/m2",
                span(1, 3),
                minutes=180,
                prep=NS500,
                desc="ogni 12 ore: seconda dose del giorno",
            ),
            drug("dexamethasone", "40", "mg", [*span(1, 4), *span(11, 14)], route="po"),
            drug(
                "vincristine",
                "2",
                "mg",
                days(4, 11),
                minutes=10,
                prep="sodio cloruro 0,9% 50 mL",
                notes=VINCA,
            ),
            drug(
                "doxorubicin",
                "50",
                "mg/m2",
                days(4),
                minutes=1440,
                infusion="continuous",
                prep=NS500,
                desc="in 24 ore",
            ),
            gcsf(span(5, 14)),
        ],
    ),
    regimen(
        "HYPER-CVAD-B",
        "Hyper-CVAD ciclo B (metotrexato-citarabina ad alte dosi)",
        therapy="chemotherapy",
        intent="induction",
        cycle=21,
        max_cycles=4,
        diseases=ALL,
        refs=[
            ref(
                "Kantarjian HM, O'Brien S, Smith TL, et al.",
                "Results of treatment with hyper-CVAD, a dose-intensive regimen, in adult acute "
                "lymphocytic leukemia",
                "J Clin Oncol",
                2000,
                "18(2):547-61",
            )
        ],
        components=[
            antiemetic(span(1, 3)),
            drug(
                "methotrexate",
                "200",
                "mg/m2",
                days(1),
                minutes=120,
                prep=NS250,
                desc="quota di carico in 2 ore",
            ),
            drug(
                "methotrexate",
                "800",
                "mg/m2",
                days(1),
                minutes=1320,
                infusion="continuous",
                prep=NS500,
                desc="in 22 ore (1 g/m² totale)",
                notes="Alcalinizzazione urinaria e dosaggio della metotrexatemia.",
            ),
            drug(
                "calcium_folinate",
                "15",
                "mg",
                span(3, 4),
                role="supportive",
                desc="15 mg ogni 6 ore x 8 dosi da 12 ore dopo la fine del MTX; "
                "adeguare ai livelli di metotrexato",
                competence="ward",
            ),
            drug(
                "cytarabine",
                "3000",
                "mg/m2",
                span(2, 3),
                minutes=120,
                prep=NS500,
                desc="ogni 12 ore: prima dose del giorno",
                after=600,
                notes="3 g/m² (1 g/m² oltre i 60 anni); collirio corticosteroideo.",
            ),
            drug(
                "cytarabine",
                "3000",
                "mg/m2",
                span(2, 3),
                minutes=120,
                prep=NS500,
                desc="ogni 12 ore: seconda dose del giorno",
            ),
            drug(
                "methylprednisolone",
                "50",
                "mg",
                span(1, 3),
                role="supportive",
                desc="50 mg due volte al giorno",
            ),
            gcsf(span(5, 14)),
        ],
    ),
]
