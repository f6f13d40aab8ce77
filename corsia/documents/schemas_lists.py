"""The context schemas of the day's lists (issue 23 §22-23): the UFA's requirements and
pick list (compounding), the agenda's call-in list and the clinical diary of a stay printed
at discharge (records). Like the labels (``schemas_labels.py``) each has its own context
(``layout=False``) plus what the archive adds (hospital, patient, document), and declares
the fields every version must print (``required``): the patient's identifiers beside the
tray, the access or the diary entry they belong to, so an edit cannot drop them.
"""

from __future__ import annotations

from typing import Any

from corsia.documents.domain.fields import BOOLEAN, LIST, NUMBER, OBJECT, TEXT, TemplateField
from corsia.documents.domain.fields import TemplateField as F

PRINTED: tuple[TemplateField, ...] = (
    F("hospital_name", TEXT, "Nome dell'ospedale (impostazione CORSIA_HOSPITAL_NAME)"),
    F("document.kind", TEXT, "Tipo di documento (codice)"),
    F("document.version", NUMBER, "Versione del documento"),
    F("document.created_at", TEXT, "Data e ora della stampa (gg/mm/aaaa hh:mm)"),
)

REQUIREMENTS: tuple[TemplateField, ...] = (
    F("requirements", OBJECT, "Il fabbisogno della UFA per i giorni scelti"),
    F("requirements.first_day", TEXT, "Primo giorno del periodo (gg/mm/aaaa)"),
    F("requirements.last_day", TEXT, "Ultimo giorno del periodo (gg/mm/aaaa)"),
    F("requirements.location", TEXT, "Giacenza considerata (vuoto: tutta la farmacia)"),
    F("requirements.printed_by", TEXT, "Chi stampa"),
    F("requirements.days", LIST, "Le intestazioni dei giorni (es. «ven 05/12»)"),
    F("requirements.drawn_excluded", NUMBER, "Preparazioni escluse: flaconi già prelevati"),
    F("requirements.products", LIST, "Fabbisogno per medicinale (prescrizioni pianificate)"),
    F("requirements.products[].code", TEXT, "Codice del medicinale"),
    F("requirements.products[].name", TEXT, "Medicinale (nome, dosaggio, confezione)"),
    F("requirements.products[].per_day", LIST, "Flaconi per giorno (numeri, nell'ordine)"),
    F("requirements.products[].total", NUMBER, "Totale flaconi pianificati"),
    F("requirements.products[].in_stock", NUMBER, "Flaconi in giacenza utilizzabile"),
    F("requirements.products[].to_order", NUMBER, "Flaconi da ordinare"),
    F("requirements.products[].packs_to_order", NUMBER, "Confezioni da ordinare"),
    F("requirements.products[].short_from", TEXT, "Primo giorno scoperto (gg/mm, vuoto)"),
    F("requirements.products[].potential", NUMBER, "Flaconi delle bozze (carico potenziale)"),
    F("requirements.picks", LIST, "Lista di prelievo, in ordine di percorso"),
    F("requirements.picks[].location", TEXT, "Ubicazione (armadio, ripiano)"),
    F("requirements.picks[].product", TEXT, "Medicinale"),
    F("requirements.picks[].lot", TEXT, "Lotto"),
    F("requirements.picks[].expiry", TEXT, "Scadenza del lotto (gg/mm/aaaa)"),
    F("requirements.picks[].quantity", NUMBER, "Unità da prelevare"),
    F("requirements.picks[].trays", LIST, "I vassoi a cui va il lotto"),
    F("requirements.picks[].trays[].day", TEXT, "Giorno di somministrazione (gg/mm)"),
    F("requirements.picks[].trays[].patient", TEXT, "Paziente del vassoio: COGNOME Nome (MRN)"),
    F("requirements.picks[].trays[].order", TEXT, "Prescrizione (schema e ciclo)"),
    F("requirements.picks[].trays[].units", NUMBER, "Unità per il vassoio"),
    F("requirements.shortages", LIST, "Mancanti in giacenza, per vassoio"),
    F("requirements.shortages[].day", TEXT, "Giorno (gg/mm)"),
    F("requirements.shortages[].patient", TEXT, "Paziente: COGNOME Nome (MRN)"),
    F("requirements.shortages[].order", TEXT, "Prescrizione"),
    F("requirements.shortages[].product", TEXT, "Medicinale"),
    F("requirements.shortages[].units", NUMBER, "Unità mancanti"),
    F("requirements.unplanned", LIST, "Righe non calcolabili (da guardare)"),
    F("requirements.unplanned[].day", TEXT, "Giorno (gg/mm)"),
    F("requirements.unplanned[].patient", TEXT, "Paziente: COGNOME Nome (MRN)"),
    F("requirements.unplanned[].order", TEXT, "Prescrizione"),
    F("requirements.unplanned[].drug", TEXT, "Farmaco e dose"),
    F("requirements.unplanned[].reason", TEXT, "Perché non è calcolabile"),
    F("requirements.unplanned[].draft", BOOLEAN, "Da una bozza"),
    F("requirements.doses", LIST, "Flaconi per dose"),
    F("requirements.doses[].day", TEXT, "Giorno (gg/mm)"),
    F("requirements.doses[].patient", TEXT, "Paziente: COGNOME Nome (MRN)"),
    F("requirements.doses[].order", TEXT, "Prescrizione"),
    F("requirements.doses[].drug", TEXT, "Farmaco"),
    F("requirements.doses[].dose", TEXT, "Dose (es. 170 mg)"),
    F("requirements.doses[].vials", TEXT, "Flaconi (es. 1 × Oxaliplatino 200 mg)"),
)

CALL_IN: tuple[TemplateField, ...] = (
    F("call_in", OBJECT, "Le convocazioni del giorno di un'agenda"),
    F("call_in.agenda", TEXT, "Nome dell'agenda"),
    F("call_in.unit", TEXT, "Reparto o servizio dell'agenda"),
    F("call_in.day", TEXT, "Giorno (gg/mm/aaaa)"),
    F("call_in.weekday", TEXT, "Giorno della settimana"),
    F("call_in.count", NUMBER, "Numero di pazienti attesi"),
    F("call_in.rows", LIST, "I pazienti attesi, per ora di arrivo"),
    F("call_in.rows[].arrival", TEXT, "Ora di arrivo (hh:mm: il primo passaggio, es. il prelievo)"),
    F("call_in.rows[].patient", TEXT, "COGNOME Nome del paziente"),
    F("call_in.rows[].date_of_birth", TEXT, "Data di nascita (gg/mm/aaaa)"),
    F("call_in.rows[].mrn", TEXT, "Numero di cartella (MRN)"),
    F("call_in.rows[].phone", TEXT, "Telefono (se noto)"),
    F("call_in.rows[].booking_type", TEXT, "Tipo di accesso (terapia, visita, …)"),
    F("call_in.rows[].place", TEXT, "Posto (poltrona o letto; «da assegnare»)"),
    F("call_in.rows[].therapy_start", TEXT, "Inizio dell'occupazione del posto (hh:mm)"),
    F("call_in.rows[].blood_tests", TEXT, "Esami da fare prima dell'accesso"),
    F("call_in.rows[].state", TEXT, "Stato della prenotazione (prevista, confermata, arrivato)"),
    F("call_in.rows[].reminder", TEXT, "Promemoria (inviato, non riuscito, vuoto)"),
)

DIARY: tuple[TemplateField, ...] = (
    F("patient", OBJECT, "Il paziente"),
    F("patient.id", TEXT, "Identificativo interno del paziente"),
    F("patient.name", TEXT, "COGNOME Nome del paziente"),
    F("patient.mrn", TEXT, "Numero di cartella (MRN)"),
    F("patient.date_of_birth", TEXT, "Data di nascita (gg/mm/aaaa)"),
    F("stay", OBJECT, "Il ricovero"),
    F("stay.kind", TEXT, "Tipo (ricovero ordinario, day hospital, ambulatoriale)"),
    F("stay.ward", TEXT, "Reparto"),
    F("stay.admitted_at", TEXT, "Data e ora di ammissione"),
    F("stay.discharged_at", TEXT, "Data e ora di dimissione (vuoto se in corso)"),
    F("stay.state", TEXT, "Stato del ricovero"),
    F("stay.entries_count", NUMBER, "Numero di annotazioni stampate"),
    F("entries", LIST, "Le annotazioni del diario, dalla più vecchia"),
    F("entries[].written_at", TEXT, "Data e ora clinica dell'annotazione"),
    F("entries[].kind", TEXT, "Tipo (medica, infermieristica, …)"),
    F("entries[].author", TEXT, "Autore (chi ha firmato)"),
    F("entries[].signed_at", TEXT, "Data e ora della firma"),
    F("entries[].text", TEXT, "Testo dell'annotazione"),
    F("entries[].corrects", TEXT, "Annotazione corretta (data e ora; vuoto se originale)"),
    F("entries[].correction_reason", TEXT, "Motivo della correzione"),
)


def _printed(kind: str) -> dict[str, Any]:
    return {
        "hospital_name": "Ospedale di esempio",
        "patient": None,
        "document": {"kind": kind, "version": 1, "created_at": "05/12/2026 07:30"},
    }


def requirements_sample() -> dict[str, Any]:
    return {
        **_printed("requirements_sheet"),
        "requirements": {
            "first_day": "05/12/2026",
            "last_day": "07/12/2026",
            "location": "",
            "printed_by": "Farmacista Esempio",
            "days": ["ven 05/12", "sab 06/12", "dom 07/12"],
            "drawn_excluded": 1,
            "products": [
                {
                    "code": "oxaliplatin_200mg",
                    "name": "Oxaliplatino 5 mg/mL 200 mg/40 mL",
                    "per_day": [1, 0, 0],
                    "total": 1,
                    "in_stock": 0,
                    "to_order": 1,
                    "packs_to_order": 1,
                    "short_from": "05/12",
                    "potential": 0,
                }
            ],
            "picks": [
                {
                    "location": "Armadio A · A1",
                    "product": "Fluorouracile 50 mg/mL 1000 mg/20 mL",
                    "lot": "LOTTO-FU-777",
                    "expiry": "31/10/2027",
                    "quantity": 2,
                    "trays": [
                        {
                            "day": "05/12",
                            "patient": "ESEMPIO Paziente (MRN000042)",
                            "order": "FOLFOX-4 C3",
                            "units": 2,
                        }
                    ],
                }
            ],
            "shortages": [
                {
                    "day": "05/12",
                    "patient": "ESEMPIO Paziente (MRN000042)",
                    "order": "FOLFOX-4 C3",
                    "product": "Oxaliplatino 5 mg/mL 200 mg/40 mL",
                    "units": 1,
                }
            ],
            "unplanned": [],
            "doses": [
                {
                    "day": "05/12",
                    "patient": "ESEMPIO Paziente (MRN000042)",
                    "order": "FOLFOX-4 C3",
                    "drug": "oxaliplatino",
                    "dose": "170 mg",
                    "vials": "1 × Oxaliplatino 5 mg/mL 200 mg/40 mL",
                }
            ],
        },
    }


def call_in_sample() -> dict[str, Any]:
    return {
        **_printed("call_in_list"),
        "call_in": {
            "agenda": "Day hospital oncologico",
            "unit": "Oncologia DH",
            "day": "05/12/2026",
            "weekday": "venerdì",
            "count": 1,
            "rows": [
                {
                    "arrival": "07:45",
                    "patient": "ESEMPIO Paziente",
                    "date_of_birth": "14/03/1958",
                    "mrn": "MRN000042",
                    "phone": "333 0000000",
                    "booking_type": "Terapia",
                    "place": "P03",
                    "therapy_start": "08:30",
                    "blood_tests": "Emocromo, creatinina",
                    "state": "confermata",
                    "reminder": "inviato",
                }
            ],
        },
    }


def diary_sample() -> dict[str, Any]:
    return {
        **_printed("discharge_diary"),
        "patient": {
            "id": "0",
            "name": "ESEMPIO Paziente",
            "mrn": "MRN000042",
            "date_of_birth": "14/03/1958",
        },
        "stay": {
            "kind": "Ricovero ordinario",
            "ward": "Ematologia degenza",
            "admitted_at": "01/12/2026 10:00",
            "discharged_at": "05/12/2026 11:00",
            "state": "dimesso",
            "entries_count": 2,
        },
        "entries": [
            {
                "written_at": "01/12/2026 11:20",
                "kind": "infermieristica",
                "author": "Inf. Esempio",
                "signed_at": "01/12/2026 11:31",
                "text": "Accolta in reparto, parametri nella norma.",
                "corrects": "01/12/2026 11:00",
                "correction_reason": "Ora dell'annotazione errata",
            },
            {
                "written_at": "02/12/2026 08:05",
                "kind": "medica",
                "author": "Dott. Medico Esempio",
                "signed_at": "02/12/2026 08:06",
                "text": "Paziente vigile, apiretico. Inizia il ciclo 2.",
                "corrects": "",
                "correction_reason": "",
            },
        ],
    }


REQUIREMENTS_REQUIRED = (
    "requirements.first_day",
    "requirements.last_day",
    "requirements.products[].name",
    "requirements.picks[].lot",
    "requirements.picks[].product",
    "requirements.picks[].trays[].patient",
    "requirements.shortages[].patient",
    "requirements.shortages[].product",
)
CALL_IN_REQUIRED = (
    "call_in.day",
    "call_in.agenda",
    "call_in.rows[].arrival",
    "call_in.rows[].patient",
    "call_in.rows[].date_of_birth",
    "call_in.rows[].mrn",
)
DIARY_REQUIRED = (
    "patient.name",
    "patient.date_of_birth",
    "patient.mrn",
    "stay.admitted_at",
    "entries[].written_at",
    "entries[].author",
    "entries[].text",
    "entries[].correction_reason",
)
