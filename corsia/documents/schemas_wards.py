"""The context schemas of the ward's prints (issue 23 §22-23): the patient's wristband
(printed by ``records``), the parenteral-nutrition bag label (``nutrition``) and the label
of a drug prepared on the ward (``administration``). Same form as ``schemas_labels.py``:
own context (``layout=False``), fields as tables, the fields every version must print.
"""

from __future__ import annotations

from typing import Any

from corsia.documents.barcodes import barcode_field
from corsia.documents.domain.fields import TemplateField, TemplateSchema, fields_table
from corsia.documents.schemas_labels import BARCODE, PATIENT, PATIENT_REQUIRED, patient_sample

WRISTBAND: tuple[TemplateField, ...] = fields_table("""
wristband               | oggetto | Il braccialetto identificativo del paziente
wristband.surname       | testo   | Cognome, in maiuscolo
wristband.given_names   | testo   | Nome o nomi
wristband.sex           | testo   | Sesso: M o F
wristband.date_of_birth | testo   | Data di nascita (gg/mm/aaaa)
wristband.mrn           | testo   | Numero di cartella (MRN); il codice a barre è PZ + MRN
wristband.allergy_alert | sì/no   | Allergie attive registrate al momento della stampa
wristband.allergies     | testo   | Allergie attive, o «Nessuna allergia nota (dichiarato il …)», o «Allergie non rilevate»
""")

NUTRITION: tuple[TemplateField, ...] = fields_table("""
bag                       | oggetto | La sacca di nutrizione parenterale
bag.id                    | testo   | Codice della sacca (NPT-<numero>), anche nel codice a barre
bag.route                 | testo   | Via di somministrazione: Centrale o Periferica
bag.peripheral            | sì/no   | Via periferica (l'osmolarità ha un limite)
bag.volume                | testo   | Volume totale (es. 1250,0 mL)
bag.infusion_hours        | testo   | Durata dell'infusione (es. 24 h)
bag.rate                  | testo   | Velocità di infusione (es. 52,1 mL/h)
bag.osmolarity            | testo   | Osmolarità calcolata alla firma (es. 812 mOsm/L)
bag.osmolarity_limit      | testo   | Limite di osmolarità della via periferica (es. 900 mOsm/L)
bag.lines                 | lista   | I componenti, in ordine di allestimento
bag.lines[].name          | testo   | Componente
bag.lines[].prescribed    | testo   | Quantità prescritta con l'unità (es. 15 mmol)
bag.lines[].volume        | testo   | Volume del componente (mL)
bag.prepared_at           | testo   | Data e ora dell'allestimento (gg/mm/aaaa hh:mm)
bag.expiry                | testo   | Scadenza (allestimento + stabilità dichiarata dalla farmacia)
bag.storage               | testo   | Conservazione (temperatura, luce)
""")

WARD_LABEL: tuple[TemplateField, ...] = fields_table("""
item             | oggetto | Il farmaco preparato in reparto (competenza di reparto)
item.drug        | testo   | Principio attivo
item.dose        | testo   | Dose con la sua unità (es. 8 mg)
item.route       | testo   | Via di somministrazione
item.preparation | testo   | Diluizione o preparazione (es. sodio cloruro 0,9% 100 mL)
item.duration    | testo   | Durata dell'infusione (es. 15 min; vuoto se non prevista)
item.cycle_day   | testo   | Giorno del ciclo
""")


def wristband_sample() -> dict[str, Any]:
    return {
        **patient_sample("wristband"),
        "wristband": {
            "surname": "ESEMPIO",
            "given_names": "Paziente",
            "sex": "F",
            "date_of_birth": "14/03/1958",
            "mrn": "10000042",
            "allergy_alert": True,
            "allergies": "Carboplatino (anafilassi, grave, confermata)",
        },
        "barcode": barcode_field("PZ10000042"),
    }


def nutrition_sample() -> dict[str, Any]:
    return {
        **patient_sample("nutrition_label"),
        "bag": {
            "id": "NPT-42",
            "route": "Periferica",
            "peripheral": True,
            "volume": "1250,0 mL",
            "infusion_hours": "24 h",
            "rate": "52,1 mL/h",
            "osmolarity": "812 mOsm/L",
            "osmolarity_limit": "900 mOsm/L",
            "lines": [
                {"name": "Glucosio 20%", "prescribed": "150 g", "volume": "750,0"},
                {"name": "Aminoacidi 10%", "prescribed": "40 g", "volume": "400,0"},
                {"name": "Potassio fosfato", "prescribed": "15 mmol", "volume": "15,0"},
            ],
            "prepared_at": "05/12/2026 09:15",
            "expiry": "07/12/2026 09:15",
            "storage": "Conservare in frigorifero (2-8 °C), al riparo dalla luce",
        },
        "barcode": barcode_field("NPT-42"),
    }


def ward_label_sample() -> dict[str, Any]:
    return {
        **patient_sample("ward_label"),
        "item": {
            "drug": "Ondansetron",
            "dose": "8 mg",
            "route": "Endovenosa",
            "preparation": "sodio cloruro 0,9% 100 mL",
            "duration": "15 min",
            "cycle_day": "1",
        },
        "barcode": barcode_field("WRD4242"),
    }


WARD_SCHEMAS: dict[str, TemplateSchema] = {
    "wristband": TemplateSchema(
        code="wristband",
        title="Braccialetto identificativo del paziente",
        description=(
            "Stampato all'accettazione o in reparto (PDF 254×25 mm). Deve riportare "
            "cognome, nome, sesso, data di nascita, MRN e il codice a barre PZ + MRN "
            "(Code 128) che si legge al letto."
        ),
        fields=PATIENT + WRISTBAND + BARCODE,
        sample=wristband_sample(),
        layout=False,
        required=(
            "wristband.surname",
            "wristband.given_names",
            "wristband.sex",
            "wristband.date_of_birth",
            "wristband.mrn",
            "barcode.image",
        ),
    ),
    "nutrition_label": TemplateSchema(
        code="nutrition_label",
        title="Etichetta della sacca di nutrizione parenterale",
        description=(
            "Stampata in farmacia dopo l'allestimento (PDF 100×150 mm): paziente, via, "
            "volume, durata e velocità, osmolarità, composizione, scadenza, conservazione "
            "e il codice NPT in Code 128."
        ),
        fields=PATIENT + NUTRITION + BARCODE,
        sample=nutrition_sample(),
        layout=False,
        required=(
            *PATIENT_REQUIRED,
            "bag.route",
            "bag.volume",
            "bag.infusion_hours",
            "bag.rate",
            "bag.osmolarity",
            "bag.lines[].name",
            "bag.expiry",
            "bag.storage",
        ),
    ),
    "ward_label": TemplateSchema(
        code="ward_label",
        title="Etichetta di reparto (farmaco preparato in reparto)",
        description=(
            "Stampata dall'infermiere per un farmaco di competenza del reparto (PDF "
            "100×60 mm): paziente, farmaco, dose, via e il codice WRD letto al letto."
        ),
        fields=PATIENT + WARD_LABEL + BARCODE,
        sample=ward_label_sample(),
        layout=False,
        required=(*PATIENT_REQUIRED, "item.drug", "item.dose", "item.route"),
    ),
}
