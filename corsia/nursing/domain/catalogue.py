"""The scales Corsia ships, as data (the same shape a hospital writes for its own scales:
``scales.definition_from_dict``), each with its published scoring rules and source.

The item wording is Corsia's own Italian paraphrase of these public-domain scales (no
NANDA-I, NIC or NOC text). Where the original publication gives no score bands, the bands
chosen are said in ``source`` (the README's table lists them); a hospital that uses other
cut-offs defines its own version of the scale.
"""

from __future__ import annotations

from typing import Any

from corsia.nursing.domain.scales import ScaleDefinition, definition_from_dict


def _choice(
    code: str, label: str, *options: tuple[str, str, int], help: str = ""
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": code,
        "label": label,
        "options": [{"code": c, "label": text, "points": p} for c, text, p in options],
    }
    if help:
        item["help"] = help
    return item


def _yes_no(
    code: str, label: str, yes_points: int, *, yes: str = "Sì", no: str = "No"
) -> dict[str, Any]:
    return _choice(code, label, ("no", no, 0), ("yes", yes, yes_points))


def _band(low: int, high: int, label: str, level: int) -> dict[str, Any]:
    return {"min": low, "max": high, "label": label, "level": level}


BRADEN: dict[str, Any] = {
    "code": "braden",
    "name": "Scala di Braden",
    "version": "1",
    "purpose": "Rischio di lesioni da pressione",
    "population": "Adulti",
    "source": (
        "Bergstrom N, Braden BJ, Laguzza A, Holman V. The Braden Scale for predicting "
        "pressure sore risk. Nurs Res 1987;36(4):205-10. Fasce: Bergstrom N et al., "
        "Nurs Res 1998;47(5):261-9 (≤9 rischio molto alto, 10-12 alto, 13-14 moderato, "
        "15-18 lieve)."
    ),
    "higher_is_worse": False,
    "items": [
        _choice(
            "sensory",
            "Percezione sensoriale",
            ("1", "Del tutto assente: non reagisce a stimoli dolorosi", 1),
            ("2", "Molto ridotta: reagisce solo a stimoli dolorosi", 2),
            ("3", "Poco ridotta: comunica un disagio solo in parte", 3),
            ("4", "Conservata: avverte e comunica il disagio", 4),
        ),
        _choice(
            "moisture",
            "Umidità della cute",
            ("1", "Sempre bagnata", 1),
            ("2", "Spesso bagnata", 2),
            ("3", "Talvolta bagnata", 3),
            ("4", "Di rado bagnata", 4),
        ),
        _choice(
            "activity",
            "Attività",
            ("1", "Sempre a letto", 1),
            ("2", "Seduto, non cammina o quasi", 2),
            ("3", "Cammina ogni tanto, per brevi tratti", 3),
            ("4", "Cammina spesso", 4),
        ),
        _choice(
            "mobility",
            "Mobilità",
            ("1", "Immobile: nessun cambio di posizione da solo", 1),
            ("2", "Molto limitata: cambi rari e minimi", 2),
            ("3", "Poco limitata: cambi frequenti ma piccoli", 3),
            ("4", "Nessun limite", 4),
        ),
        _choice(
            "nutrition",
            "Alimentazione",
            ("1", "Molto scarsa", 1),
            ("2", "Probabilmente insufficiente", 2),
            ("3", "Sufficiente", 3),
            ("4", "Ottima", 4),
        ),
        _choice(
            "friction",
            "Frizione e scivolamento",
            ("1", "Problema presente", 1),
            ("2", "Problema possibile", 2),
            ("3", "Nessun problema evidente", 3),
        ),
    ],
    "bands": [
        _band(6, 9, "Rischio molto alto", 4),
        _band(10, 12, "Rischio alto", 3),
        _band(13, 14, "Rischio moderato", 2),
        _band(15, 18, "Rischio lieve", 1),
        _band(19, 23, "Nessun rischio rilevante", 0),
    ],
}

NORTON: dict[str, Any] = {
    "code": "norton",
    "name": "Scala di Norton",
    "version": "1",
    "purpose": "Rischio di lesioni da pressione",
    "population": "Adulti e anziani",
    "source": (
        "Norton D, McLaren R, Exton-Smith AN. An investigation of geriatric nursing "
        "problems in hospital. London: National Corporation for the Care of Old People, 1962 "
        "(≤14 a rischio, <12 rischio alto)."
    ),
    "higher_is_worse": False,
    "items": [
        _choice(
            "physical",
            "Condizioni fisiche generali",
            ("4", "Buone", 4),
            ("3", "Discrete", 3),
            ("2", "Scadenti", 2),
            ("1", "Pessime", 1),
        ),
        _choice(
            "mental",
            "Stato mentale",
            ("4", "Vigile", 4),
            ("3", "Apatico", 3),
            ("2", "Confuso", 2),
            ("1", "Stuporoso", 1),
        ),
        _choice(
            "activity",
            "Attività",
            ("4", "Cammina da solo", 4),
            ("3", "Cammina se aiutato", 3),
            ("2", "Costretto in sedia", 2),
            ("1", "Costretto a letto", 1),
        ),
        _choice(
            "mobility",
            "Mobilità",
            ("4", "Piena", 4),
            ("3", "Poco limitata", 3),
            ("2", "Molto limitata", 2),
            ("1", "Immobile", 1),
        ),
        _choice(
            "incontinence",
            "Incontinenza",
            ("4", "Assente", 4),
            ("3", "Occasionale", 3),
            ("2", "Abituale (urine)", 2),
            ("1", "Doppia (urine e feci)", 1),
        ),
    ],
    "bands": [
        _band(5, 11, "Rischio alto", 2),
        _band(12, 14, "A rischio", 1),
        _band(15, 20, "Rischio basso", 0),
    ],
}

CONLEY: dict[str, Any] = {
    "code": "conley",
    "name": "Scala di Conley",
    "version": "1",
    "purpose": "Rischio di caduta",
    "population": "Adulti ricoverati",
    "source": (
        "Conley D, Schultz AA, Selvin R. The challenge of predicting patients at risk for "
        "falling: development of the Conley Scale. Medsurg Nurs 1999;8(6):348-54 "
        "(≥2 a rischio)."
    ),
    "higher_is_worse": True,
    "items": [
        _yes_no("previous_falls", "Cadute negli ultimi tre mesi (chiedere al paziente)", 2),
        _yes_no("dizziness", "Vertigini o capogiri (chiedere al paziente)", 1),
        _yes_no(
            "incontinence", "Perdita di urine o feci andando in bagno (chiedere al paziente)", 1
        ),
        _yes_no("impaired_gait", "Marcia compromessa: strisciante, base larga, instabile", 1),
        _yes_no("agitation", "Agitazione: attività motoria eccessiva, non collaborante", 2),
        _yes_no("impaired_judgement", "Giudizio compromesso: non percepisce il pericolo", 3),
    ],
    "bands": [_band(0, 1, "Nessun rischio rilevato", 0), _band(2, 10, "A rischio di caduta", 1)],
}

MORSE: dict[str, Any] = {
    "code": "morse",
    "name": "Morse Fall Scale",
    "version": "1",
    "purpose": "Rischio di caduta",
    "population": "Adulti ricoverati",
    "source": (
        "Morse JM, Morse RM, Tylko SJ. Development of a scale to identify the fall-prone "
        "patient. Can J Aging 1989;8:366-77. Fasce: Morse JM, Preventing patient falls, "
        "2ª ed., Springer 2009 (0-24 nessun rischio, 25-44 basso, ≥45 alto)."
    ),
    "higher_is_worse": True,
    "items": [
        _choice(
            "history",
            "Cadute recenti (nel ricovero o nei tre mesi precedenti)",
            ("no", "No", 0),
            ("yes", "Sì", 25),
        ),
        _choice(
            "secondary_diagnosis",
            "Più di una diagnosi attiva",
            ("no", "No", 0),
            ("yes", "Sì", 15),
        ),
        _choice(
            "ambulatory_aid",
            "Ausili per camminare",
            ("none", "Nessuno, a letto, o accompagnato dall'infermiere", 0),
            ("aid", "Stampelle, bastone o deambulatore", 15),
            ("furniture", "Si appoggia ai mobili", 30),
        ),
        _choice(
            "iv",
            "Infusione endovenosa o accesso venoso in sede",
            ("no", "No", 0),
            ("yes", "Sì", 20),
        ),
        _choice(
            "gait",
            "Andatura",
            ("normal", "Normale, a letto o in carrozzina", 0),
            ("weak", "Debole", 10),
            ("impaired", "Compromessa", 20),
        ),
        _choice(
            "mental_status",
            "Stato mentale",
            ("aware", "Consapevole dei propri limiti", 0),
            ("forgets", "Sopravvaluta le proprie capacità o dimentica i limiti", 15),
        ),
    ],
    "bands": [
        _band(0, 24, "Nessun rischio", 0),
        _band(25, 44, "Rischio basso", 1),
        _band(45, 125, "Rischio alto", 2),
    ],
}

NRS: dict[str, Any] = {
    "code": "nrs",
    "name": "NRS – scala numerica del dolore",
    "version": "1",
    "purpose": "Intensità del dolore",
    "population": "Adulti e bambini dagli 8 anni",
    "source": (
        "Scala numerica 0-10 (Downie WW et al. Ann Rheum Dis 1978;37:378-81). Fasce della "
        "pratica clinica: 1-3 lieve, 4-6 moderato, 7-10 grave."
    ),
    "higher_is_worse": True,
    "items": [
        {
            "code": "intensity",
            "label": "Intensità del dolore (0 nessun dolore, 10 il peggiore immaginabile)",
            "min": 0,
            "max": 10,
        }
    ],
    "bands": [
        _band(0, 0, "Nessun dolore", 0),
        _band(1, 3, "Dolore lieve", 1),
        _band(4, 6, "Dolore moderato", 2),
        _band(7, 10, "Dolore grave", 3),
    ],
}

VAS: dict[str, Any] = {
    "code": "vas",
    "name": "VAS – scala visuo-analogica del dolore",
    "version": "1",
    "purpose": "Intensità del dolore",
    "population": "Adulti",
    "source": (
        "Linea di 100 mm. Fasce: Jensen MP, Chen C, Brugger AM. J Pain 2003;4(7):407-14 "
        "(0-4 nessun dolore, 5-44 lieve, 45-74 moderato, 75-100 grave)."
    ),
    "higher_is_worse": True,
    "items": [
        {
            "code": "mm",
            "label": "Distanza dall'estremo «nessun dolore» (mm, 0-100)",
            "min": 0,
            "max": 100,
        }
    ],
    "bands": [
        _band(0, 4, "Nessun dolore", 0),
        _band(5, 44, "Dolore lieve", 1),
        _band(45, 74, "Dolore moderato", 2),
        _band(75, 100, "Dolore grave", 3),
    ],
}

FLACC: dict[str, Any] = {
    "code": "flacc",
    "name": "FLACC – dolore nel bambino",
    "version": "1",
    "purpose": "Intensità del dolore (osservazione del comportamento)",
    "population": "Bambini da 2 mesi a 7 anni, o che non possono riferire il dolore",
    "source": (
        "Merkel SI, Voepel-Lewis T, Shayevitz JR, Malviya S. The FLACC: a behavioral scale "
        "for scoring postoperative pain in young children. Pediatr Nurs 1997;23(3):293-7 "
        "(0 rilassato, 1-3 lieve disagio, 4-6 dolore moderato, 7-10 dolore grave)."
    ),
    "higher_is_worse": True,
    "items": [
        _choice(
            "face",
            "Volto",
            ("0", "Espressione neutra o sorriso", 0),
            ("1", "Smorfie o fronte aggrottata a tratti, chiuso, disinteressato", 1),
            ("2", "Mento tremante o mascelle serrate, spesso o sempre", 2),
        ),
        _choice(
            "legs",
            "Gambe",
            ("0", "Posizione normale o rilassate", 0),
            ("1", "Inquiete, agitate, tese", 1),
            ("2", "Scalcia o tiene le gambe rigide", 2),
        ),
        _choice(
            "activity",
            "Attività",
            ("0", "Sdraiato tranquillo, si muove con facilità", 0),
            ("1", "Si contorce, si dondola, è teso", 1),
            ("2", "Inarcato, rigido o a scatti", 2),
        ),
        _choice(
            "cry",
            "Pianto",
            ("0", "Non piange", 0),
            ("1", "Geme o piagnucola, qualche lamento", 1),
            ("2", "Piange in modo continuo, urla o singhiozza, lamenti frequenti", 2),
        ),
        _choice(
            "consolability",
            "Consolabilità",
            ("0", "Tranquillo, rilassato", 0),
            ("1", "Si calma se toccato, abbracciato o distratto", 1),
            ("2", "Difficile da consolare o da confortare", 2),
        ),
    ],
    "bands": [
        _band(0, 0, "Rilassato, a suo agio", 0),
        _band(1, 3, "Lieve disagio", 1),
        _band(4, 6, "Dolore moderato", 2),
        _band(7, 10, "Dolore grave", 3),
    ],
}

BARTHEL: dict[str, Any] = {
    "code": "barthel",
    "name": "Indice di Barthel",
    "version": "1",
    "purpose": "Autonomia nelle attività della vita quotidiana",
    "population": "Adulti",
    "source": (
        "Mahoney FI, Barthel DW. Functional evaluation: the Barthel Index. Md State Med J "
        "1965;14:61-5. Fasce: Shah S, Vanclay F, Cooper B. J Clin Epidemiol "
        "1989;42(8):703-9 (0-20 totale, 21-60 grave, 61-90 moderata, 91-99 lieve)."
    ),
    "higher_is_worse": False,
    "items": [
        _choice(
            "feeding",
            "Alimentazione",
            ("0", "Non in grado", 0),
            ("5", "Ha bisogno di aiuto (tagliare, spalmare)", 5),
            ("10", "Autonomo", 10),
        ),
        _choice("bathing", "Bagno o doccia", ("0", "Dipendente", 0), ("5", "Autonomo", 5)),
        _choice(
            "grooming",
            "Igiene personale (viso, capelli, denti, rasatura)",
            ("0", "Ha bisogno di aiuto", 0),
            ("5", "Autonomo", 5),
        ),
        _choice(
            "dressing",
            "Vestirsi",
            ("0", "Dipendente", 0),
            ("5", "Ha bisogno di aiuto, fa circa metà da solo", 5),
            ("10", "Autonomo (bottoni, cerniere, lacci)", 10),
        ),
        _choice(
            "bowels",
            "Controllo dell'alvo",
            ("0", "Incontinente (o richiede clisteri)", 0),
            ("5", "Incidenti occasionali", 5),
            ("10", "Continente", 10),
        ),
        _choice(
            "bladder",
            "Controllo della vescica",
            ("0", "Incontinente, o catetere che non gestisce da solo", 0),
            ("5", "Incidenti occasionali", 5),
            ("10", "Continente", 10),
        ),
        _choice(
            "toilet",
            "Uso del gabinetto",
            ("0", "Dipendente", 0),
            ("5", "Ha bisogno di un po' di aiuto", 5),
            ("10", "Autonomo", 10),
        ),
        _choice(
            "transfers",
            "Spostamento letto-sedia",
            ("0", "Non in grado, non sta seduto", 0),
            ("5", "Grande aiuto (una o due persone), sta seduto", 5),
            ("10", "Piccolo aiuto (verbale o fisico)", 10),
            ("15", "Autonomo", 15),
        ),
        _choice(
            "mobility",
            "Deambulazione in piano",
            ("0", "Immobile, o meno di 50 metri", 0),
            ("5", "Autonomo in carrozzina per oltre 50 metri", 5),
            ("10", "Cammina con l'aiuto di una persona per oltre 50 metri", 10),
            ("15", "Autonomo (anche con ausili) per oltre 50 metri", 15),
        ),
        _choice(
            "stairs",
            "Scale",
            ("0", "Non in grado", 0),
            ("5", "Ha bisogno di aiuto", 5),
            ("10", "Autonomo", 10),
        ),
    ],
    "bands": [
        _band(0, 20, "Dipendenza totale", 4),
        _band(21, 60, "Dipendenza grave", 3),
        _band(61, 90, "Dipendenza moderata", 2),
        _band(91, 99, "Dipendenza lieve", 1),
        _band(100, 100, "Autonomo", 0),
    ],
}

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
        _choice(
            "burden",
            "Sintomi della neutropenia febbrile (carico di malattia)",
            ("none_mild", "Assenti o lievi", 5),
            ("moderate", "Moderati", 3),
            ("severe", "Gravi", 0),
        ),
        _yes_no("no_hypotension", "Nessuna ipotensione (pressione sistolica > 90 mmHg)", 5),
        _yes_no("no_copd", "Nessuna broncopneumopatia cronica ostruttiva (BPCO)", 4),
        _yes_no(
            "solid_or_no_fungal",
            "Tumore solido, o tumore ematologico senza precedente infezione fungina",
            4,
        ),
        _yes_no("no_dehydration", "Nessuna disidratazione che richieda liquidi endovena", 3),
        _yes_no("outpatient", "Non ricoverato all'inizio della febbre", 3),
        _yes_no("under_60", "Età inferiore a 60 anni", 2),
    ],
    "bands": [
        _band(0, 20, "Rischio alto di complicanze", 1),
        _band(21, 26, "Rischio basso di complicanze", 0),
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
        _choice(
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
        _band(0, 0, "Nessuna mucosite", 0),
        _band(1, 1, "Mucosite di grado 1", 1),
        _band(2, 2, "Mucosite di grado 2", 2),
        _band(3, 3, "Mucosite di grado 3", 3),
        _band(4, 4, "Mucosite di grado 4", 4),
    ],
}


def _tens(code: str, label: str, texts: list[str]) -> dict[str, Any]:
    """A performance scale: 100, 90, ... 0, each with its description."""
    return _choice(
        code,
        label,
        *[(str(100 - 10 * n), f"{100 - 10 * n} – {t}", 100 - 10 * n) for n, t in enumerate(texts)],
    )


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
        _tens(
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
        _band(0, 40, "Non provvede a sé: servono cure continuative", 2),
        _band(50, 70, "Non lavora; a casa con aiuto variabile", 1),
        _band(80, 100, "Attività normale", 0),
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
        _tens(
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
        _band(0, 40, "Limitazione grave", 2),
        _band(50, 70, "Limitazione moderata", 1),
        _band(80, 100, "Attività normale o limiti lievi", 0),
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
        _choice(
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
        _band(0, 0, "Nessun segno di flebite: osservare", 0),
        _band(1, 1, "Possibili primi segni: osservare", 1),
        _band(2, 2, "Flebite iniziale: rimuovere e riposizionare", 2),
        _band(3, 3, "Flebite di stadio medio: riposizionare, valutare un trattamento", 3),
        _band(4, 4, "Flebite avanzata o iniziale tromboflebite: riposizionare, trattare", 4),
        _band(5, 5, "Tromboflebite avanzata: iniziare il trattamento, riposizionare", 5),
    ],
}

SHIPPED: tuple[dict[str, Any], ...] = (
    BRADEN,
    NORTON,
    CONLEY,
    MORSE,
    NRS,
    VAS,
    FLACC,
    BARTHEL,
    MASCC,
    WHO_MUCOSITIS,
    KARNOFSKY,
    LANSKY,
    VIP,
)


def shipped() -> tuple[ScaleDefinition, ...]:
    """The shipped scales, read through the same parser as a hospital's own."""
    return tuple(definition_from_dict(raw) for raw in SHIPPED)


def shipped_definition(code: str) -> ScaleDefinition:
    for raw in SHIPPED:
        if raw["code"] == code:
            return definition_from_dict(raw)
    raise KeyError(code)
