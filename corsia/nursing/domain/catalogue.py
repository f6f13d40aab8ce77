"""The scales Corsia ships, as data (the same shape a hospital writes for its own scales:
``scales.definition_from_dict``), each with its published scoring rules and source.

The item wording is Corsia's own Italian paraphrase of these public-domain scales (no
NANDA-I, NIC or NOC text). Where the original publication gives no score bands, the bands
chosen are said in ``source`` (the README's table lists them); a hospital that uses other
cut-offs defines its own version of the scale.
"""

from __future__ import annotations

from typing import Any

from corsia.nursing.domain.catalogue_oncology import KARNOFSKY, LANSKY, MASCC, VIP, WHO_MUCOSITIS
from corsia.nursing.domain.catalogue_pain import FLACC, NRS, VAS
from corsia.nursing.domain.scale_items import band, choice, yes_no
from corsia.nursing.domain.scales import ScaleDefinition, definition_from_dict

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
        choice(
            "sensory",
            "Percezione sensoriale",
            ("1", "Del tutto assente: non reagisce a stimoli dolorosi", 1),
            ("2", "Molto ridotta: reagisce solo a stimoli dolorosi", 2),
            ("3", "Poco ridotta: comunica un disagio solo in parte", 3),
            ("4", "Conservata: avverte e comunica il disagio", 4),
        ),
        choice(
            "moisture",
            "Umidità della cute",
            ("1", "Sempre bagnata", 1),
            ("2", "Spesso bagnata", 2),
            ("3", "Talvolta bagnata", 3),
            ("4", "Di rado bagnata", 4),
        ),
        choice(
            "activity",
            "Attività",
            ("1", "Sempre a letto", 1),
            ("2", "Seduto, non cammina o quasi", 2),
            ("3", "Cammina ogni tanto, per brevi tratti", 3),
            ("4", "Cammina spesso", 4),
        ),
        choice(
            "mobility",
            "Mobilità",
            ("1", "Immobile: nessun cambio di posizione da solo", 1),
            ("2", "Molto limitata: cambi rari e minimi", 2),
            ("3", "Poco limitata: cambi frequenti ma piccoli", 3),
            ("4", "Nessun limite", 4),
        ),
        choice(
            "nutrition",
            "Alimentazione",
            ("1", "Molto scarsa", 1),
            ("2", "Probabilmente insufficiente", 2),
            ("3", "Sufficiente", 3),
            ("4", "Ottima", 4),
        ),
        choice(
            "friction",
            "Frizione e scivolamento",
            ("1", "Problema presente", 1),
            ("2", "Problema possibile", 2),
            ("3", "Nessun problema evidente", 3),
        ),
    ],
    "bands": [
        band(6, 9, "Rischio molto alto", 4),
        band(10, 12, "Rischio alto", 3),
        band(13, 14, "Rischio moderato", 2),
        band(15, 18, "Rischio lieve", 1),
        band(19, 23, "Nessun rischio rilevante", 0),
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
        choice(
            "physical",
            "Condizioni fisiche generali",
            ("4", "Buone", 4),
            ("3", "Discrete", 3),
            ("2", "Scadenti", 2),
            ("1", "Pessime", 1),
        ),
        choice(
            "mental",
            "Stato mentale",
            ("4", "Vigile", 4),
            ("3", "Apatico", 3),
            ("2", "Confuso", 2),
            ("1", "Stuporoso", 1),
        ),
        choice(
            "activity",
            "Attività",
            ("4", "Cammina da solo", 4),
            ("3", "Cammina se aiutato", 3),
            ("2", "Costretto in sedia", 2),
            ("1", "Costretto a letto", 1),
        ),
        choice(
            "mobility",
            "Mobilità",
            ("4", "Piena", 4),
            ("3", "Poco limitata", 3),
            ("2", "Molto limitata", 2),
            ("1", "Immobile", 1),
        ),
        choice(
            "incontinence",
            "Incontinenza",
            ("4", "Assente", 4),
            ("3", "Occasionale", 3),
            ("2", "Abituale (urine)", 2),
            ("1", "Doppia (urine e feci)", 1),
        ),
    ],
    "bands": [
        band(5, 11, "Rischio alto", 2),
        band(12, 14, "A rischio", 1),
        band(15, 20, "Rischio basso", 0),
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
        yes_no("previous_falls", "Cadute negli ultimi tre mesi (chiedere al paziente)", 2),
        yes_no("dizziness", "Vertigini o capogiri (chiedere al paziente)", 1),
        yes_no(
            "incontinence", "Perdita di urine o feci andando in bagno (chiedere al paziente)", 1
        ),
        yes_no("impaired_gait", "Marcia compromessa: strisciante, base larga, instabile", 1),
        yes_no("agitation", "Agitazione: attività motoria eccessiva, non collaborante", 2),
        yes_no("impaired_judgement", "Giudizio compromesso: non percepisce il pericolo", 3),
    ],
    "bands": [band(0, 1, "Nessun rischio rilevato", 0), band(2, 10, "A rischio di caduta", 1)],
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
        choice(
            "history",
            "Cadute recenti (nel ricovero o nei tre mesi precedenti)",
            ("no", "No", 0),
            ("yes", "Sì", 25),
        ),
        choice(
            "secondary_diagnosis",
            "Più di una diagnosi attiva",
            ("no", "No", 0),
            ("yes", "Sì", 15),
        ),
        choice(
            "ambulatory_aid",
            "Ausili per camminare",
            ("none", "Nessuno, a letto, o accompagnato dall'infermiere", 0),
            ("aid", "Stampelle, bastone o deambulatore", 15),
            ("furniture", "Si appoggia ai mobili", 30),
        ),
        choice(
            "iv",
            "Infusione endovenosa o accesso venoso in sede",
            ("no", "No", 0),
            ("yes", "Sì", 20),
        ),
        choice(
            "gait",
            "Andatura",
            ("normal", "Normale, a letto o in carrozzina", 0),
            ("weak", "Debole", 10),
            ("impaired", "Compromessa", 20),
        ),
        choice(
            "mental_status",
            "Stato mentale",
            ("aware", "Consapevole dei propri limiti", 0),
            ("forgets", "Sopravvaluta le proprie capacità o dimentica i limiti", 15),
        ),
    ],
    "bands": [
        band(0, 24, "Nessun rischio", 0),
        band(25, 44, "Rischio basso", 1),
        band(45, 125, "Rischio alto", 2),
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
        choice(
            "feeding",
            "Alimentazione",
            ("0", "Non in grado", 0),
            ("5", "Ha bisogno di aiuto (tagliare, spalmare)", 5),
            ("10", "Autonomo", 10),
        ),
        choice("bathing", "Bagno o doccia", ("0", "Dipendente", 0), ("5", "Autonomo", 5)),
        choice(
            "grooming",
            "Igiene personale (viso, capelli, denti, rasatura)",
            ("0", "Ha bisogno di aiuto", 0),
            ("5", "Autonomo", 5),
        ),
        choice(
            "dressing",
            "Vestirsi",
            ("0", "Dipendente", 0),
            ("5", "Ha bisogno di aiuto, fa circa metà da solo", 5),
            ("10", "Autonomo (bottoni, cerniere, lacci)", 10),
        ),
        choice(
            "bowels",
            "Controllo dell'alvo",
            ("0", "Incontinente (o richiede clisteri)", 0),
            ("5", "Incidenti occasionali", 5),
            ("10", "Continente", 10),
        ),
        choice(
            "bladder",
            "Controllo della vescica",
            ("0", "Incontinente, o catetere che non gestisce da solo", 0),
            ("5", "Incidenti occasionali", 5),
            ("10", "Continente", 10),
        ),
        choice(
            "toilet",
            "Uso del gabinetto",
            ("0", "Dipendente", 0),
            ("5", "Ha bisogno di un po' di aiuto", 5),
            ("10", "Autonomo", 10),
        ),
        choice(
            "transfers",
            "Spostamento letto-sedia",
            ("0", "Non in grado, non sta seduto", 0),
            ("5", "Grande aiuto (una o due persone), sta seduto", 5),
            ("10", "Piccolo aiuto (verbale o fisico)", 10),
            ("15", "Autonomo", 15),
        ),
        choice(
            "mobility",
            "Deambulazione in piano",
            ("0", "Immobile, o meno di 50 metri", 0),
            ("5", "Autonomo in carrozzina per oltre 50 metri", 5),
            ("10", "Cammina con l'aiuto di una persona per oltre 50 metri", 10),
            ("15", "Autonomo (anche con ausili) per oltre 50 metri", 15),
        ),
        choice(
            "stairs",
            "Scale",
            ("0", "Non in grado", 0),
            ("5", "Ha bisogno di aiuto", 5),
            ("10", "Autonomo", 10),
        ),
    ],
    "bands": [
        band(0, 20, "Dipendenza totale", 4),
        band(21, 60, "Dipendenza grave", 3),
        band(61, 90, "Dipendenza moderata", 2),
        band(91, 99, "Dipendenza lieve", 1),
        band(100, 100, "Autonomo", 0),
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
