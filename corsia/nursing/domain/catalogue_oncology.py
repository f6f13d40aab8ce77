"""The shipped oncology scales: MASCC (febrile neutropenia), WHO oral mucositis,
Karnofsky, Lansky, and the VIP score of a peripheral venous access. Wording and sources
as in ``catalogue``."""

from __future__ import annotations

from typing import Any

from corsia.nursing.domain.scale_items import band, choice, tens, yes_no

MASCC: dict[str, Any] = {
    "code": "mascc",
    "name": "MASCC – neutropenia febbrile",
    "version": "1",
    "purpose": "Rischio di complicanze nella neutropenia febbrile",
    "population": "Adulti con neutropenia febbrile",
    "source": (
        "Klastersky J, Paesmans M, Rubenstein EB, et al. The Multinational Association for "
        "Supportive Care in Cancer risk index. J Clin Oncol 2000;18(16):3038-51 "
        "(≥21 basso rischio)."
    ),
    "higher_is_worse": False,
    "items": [
        choice(
            "burden",
            "Sintomi della neutropenia febbrile (carico di malattia)",
            ("none_mild", "Assenti o lievi", 5),
            ("moderate", "Moderati", 3),
            ("severe", "Gravi", 0),
        ),
        yes_no("no_hypotension", "Nessuna ipotensione (pressione sistolica > 90 mmHg)", 5),
        yes_no("no_copd", "Nessuna broncopneumopatia cronica ostruttiva (BPCO)", 4),
        yes_no(
            "solid_or_no_fungal",
            "Tumore solido, o tumore ematologico senza precedente infezione fungina",
            4,
        ),
        yes_no("no_dehydration", "Nessuna disidratazione che richieda liquidi endovena", 3),
        yes_no("outpatient", "Non ricoverato all'inizio della febbre", 3),
        yes_no("under_60", "Età inferiore a 60 anni", 2),
    ],
    "bands": [
        band(0, 20, "Rischio alto di complicanze", 1),
        band(21, 26, "Rischio basso di complicanze", 0),
    ],
}

WHO_MUCOSITIS: dict[str, Any] = {
    "code": "who_mucositis",
    "name": "Mucosite orale – grado OMS",
    "version": "1",
    "purpose": "Gravità della mucosite orale",
    "population": "Adulti e bambini",
    "source": (
        "World Health Organization. WHO handbook for reporting results of cancer treatment. "
        "Geneva: WHO offset publication no. 48, 1979 (grado 0-4)."
    ),
    "higher_is_worse": True,
    "items": [
        choice(
            "grade",
            "Grado della mucosite orale",
            ("0", "Grado 0 – nessuna alterazione", 0),
            ("1", "Grado 1 – bruciore o dolore, con o senza arrossamento", 1),
            ("2", "Grado 2 – arrossamento e ulcere, mangia cibi solidi", 2),
            ("3", "Grado 3 – ulcere, solo dieta liquida", 3),
            ("4", "Grado 4 – alimentazione per bocca impossibile", 4),
        )
    ],
    "bands": [
        band(0, 0, "Nessuna mucosite", 0),
        band(1, 1, "Mucosite di grado 1", 1),
        band(2, 2, "Mucosite di grado 2", 2),
        band(3, 3, "Mucosite di grado 3", 3),
        band(4, 4, "Mucosite di grado 4", 4),
    ],
}


KARNOFSKY: dict[str, Any] = {
    "code": "karnofsky",
    "name": "Indice di Karnofsky",
    "version": "1",
    "purpose": "Stato di validità (performance status)",
    "population": "Adulti e ragazzi dai 16 anni",
    "source": (
        "Karnofsky DA, Burchenal JH. The clinical evaluation of chemotherapeutic agents in "
        "cancer. In: MacLeod CM (ed.), Evaluation of chemotherapeutic agents. Columbia "
        "University Press, 1949:191-205 (categorie 80-100, 50-70, 0-40)."
    ),
    "higher_is_worse": False,
    "items": [
        tens(
            "kps",
            "Indice di Karnofsky",
            [
                "Normale, nessun disturbo né segno di malattia",
                "Svolge le attività normali, segni o sintomi minori",
                "Attività normale con fatica, qualche segno o sintomo",
                "Provvede a sé, non svolge le attività normali né lavora",
                "Provvede a quasi tutti i propri bisogni, aiuto occasionale",
                "Aiuto considerevole e cure mediche frequenti",
                "Disabile, servono cure e assistenza particolari",
                "Gravemente disabile, indicato il ricovero, morte non imminente",
                "Molto grave, ricovero necessario, terapia di supporto attiva",
                "Moribondo",
                "Deceduto",
            ],
        )
    ],
    "bands": [
        band(0, 40, "Non provvede a sé: servono cure continuative", 2),
        band(50, 70, "Non lavora; a casa con aiuto variabile", 1),
        band(80, 100, "Attività normale", 0),
    ],
}

LANSKY: dict[str, Any] = {
    "code": "lansky",
    "name": "Indice di Lansky (gioco e attività)",
    "version": "1",
    "purpose": "Stato di validità del bambino (performance status)",
    "population": "Bambini da 1 a 16 anni",
    "source": (
        "Lansky SB, List MA, Lansky LL, Ritter-Sterr C, Miller DR. The measurement of "
        "performance in childhood cancer patients. Cancer 1987;60(7):1651-6. Le tre fasce "
        "sono di Corsia, sul modello delle categorie di Karnofsky."
    ),
    "higher_is_worse": False,
    "items": [
        tens(
            "lps",
            "Indice di Lansky",
            [
                "Pienamente attivo, normale",
                "Lievi limiti nelle attività fisiche faticose",
                "Attivo, ma si stanca prima",
                "Gioca meno e con più limiti",
                "In piedi e in movimento, ma gioco attivo minimo; giochi tranquilli",
                "Vestito, ma sdraiato buona parte del giorno; solo giochi tranquilli",
                "Quasi sempre a letto; partecipa ad attività tranquille",
                "A letto; aiuto anche per i giochi tranquilli",
                "Dorme spesso; gioco limitato ad attività molto passive",
                "Non gioca, non si alza dal letto",
                "Non risponde",
            ],
        )
    ],
    "bands": [
        band(0, 40, "Limitazione grave", 2),
        band(50, 70, "Limitazione moderata", 1),
        band(80, 100, "Attività normale o limiti lievi", 0),
    ],
}

VIP: dict[str, Any] = {
    "code": "vip",
    "name": "VIP – flebite da accesso venoso periferico",
    "version": "1",
    "purpose": "Valutazione quotidiana della sede dell'accesso venoso periferico",
    "population": "Adulti e bambini con catetere venoso periferico",
    "source": (
        "Jackson A. Infection control: a battle in vein – infusion phlebitis. Nursing Times "
        "1998;94(4):68-71 (Visual Infusion Phlebitis score, 0-5, con l'azione per ogni stadio)."
    ),
    "higher_is_worse": True,
    "items": [
        choice(
            "site",
            "Aspetto della sede del catetere",
            ("0", "0 – sede in ordine, nessun segno", 0),
            ("1", "1 – uno tra: lieve dolore o lieve arrossamento vicino alla sede", 1),
            ("2", "2 – due tra: dolore, arrossamento, gonfiore alla sede", 2),
            ("3", "3 – tutti: dolore lungo il decorso, arrossamento, indurimento", 3),
            (
                "4",
                "4 – tutti: dolore lungo il decorso, arrossamento, indurimento, cordone venoso "
                "palpabile",
                4,
            ),
            (
                "5",
                "5 – tutti: dolore lungo il decorso, arrossamento, indurimento, cordone venoso "
                "palpabile, febbre",
                5,
            ),
        )
    ],
    "bands": [
        band(0, 0, "Nessun segno di flebite: osservare", 0),
        band(1, 1, "Possibili primi segni: osservare", 1),
        band(2, 2, "Flebite iniziale: rimuovere e riposizionare", 2),
        band(3, 3, "Flebite di stadio medio: riposizionare, valutare un trattamento", 3),
        band(4, 4, "Flebite avanzata o iniziale tromboflebite: riposizionare, trattare", 4),
        band(5, 5, "Tromboflebite avanzata: iniziare il trattamento, riposizionare", 5),
    ],
}
