"""The context schemas of the day's lists (issue 23 §22-23): the UFA's requirements and
pick list (compounding), the agenda's call-in list and the clinical diary of a stay printed
at discharge (records). Like the labels (``schemas_labels.py``) each has its own context
(``layout=False``) plus what the archive adds (hospital, patient, document), and declares
the fields every version must print (``required``): the patient's identifiers beside the
tray, the access or the diary entry they belong to, so an edit cannot drop them.
"""

from __future__ import annotations

from typing import Any

from corsia.documents.domain.fields import TemplateField, fields_table

PRINTED: tuple[TemplateField, ...] = fields_table("""
hospital_name       | testo  | Nome dell'ospedale (impostazione CORSIA_HOSPITAL_NAME)
document.kind       | testo  | Tipo di documento (codice)
document.version    | numero | Versione del documento
document.created_at | testo  | Data e ora della stampa (gg/mm/aaaa hh:mm)
""")

REQUIREMENTS: tuple[TemplateField, ...] = fields_table("""
requirements                           | oggetto | Il fabbisogno della UFA per i giorni scelti
requirements.first_day                 | testo   | Primo giorno del periodo (gg/mm/aaaa)
requirements.last_day                  | testo   | Ultimo giorno del periodo (gg/mm/aaaa)
requirements.location                  | testo   | Giacenza considerata (vuoto: tutta la farmacia)
requirements.printed_by                | testo   | Chi stampa
requirements.days                      | lista   | Le intestazioni dei giorni (es. «ven 05/12»)
requirements.drawn_excluded            | numero  | Preparazioni escluse: flaconi già prelevati
requirements.products                  | lista   | Fabbisogno per medicinale (prescrizioni pianificate)
requirements.products[].code           | testo   | Codice del medicinale
requirements.products[].name           | testo   | Medicinale (nome, dosaggio, confezione)
requirements.products[].per_day        | lista   | Flaconi per giorno (numeri, nell'ordine)
requirements.products[].total          | numero  | Totale flaconi pianificati
requirements.products[].in_stock       | numero  | Flaconi in giacenza utilizzabile
requirements.products[].to_order       | numero  | Flaconi da ordinare
requirements.products[].packs_to_order | numero  | Confezioni da ordinare
requirements.products[].short_from     | testo   | Primo giorno scoperto (gg/mm, vuoto)
requirements.products[].potential      | numero  | Flaconi delle bozze (carico potenziale)
requirements.picks                     | lista   | Lista di prelievo, in ordine di percorso
requirements.picks[].location          | testo   | Ubicazione (armadio, ripiano)
requirements.picks[].product           | testo   | Medicinale
requirements.picks[].lot               | testo   | Lotto
requirements.picks[].expiry            | testo   | Scadenza del lotto (gg/mm/aaaa)
requirements.picks[].quantity          | numero  | Unità da prelevare
requirements.picks[].trays             | lista   | I vassoi a cui va il lotto
requirements.picks[].trays[].day       | testo   | Giorno di somministrazione (gg/mm)
requirements.picks[].trays[].patient   | testo   | Paziente del vassoio: COGNOME Nome (MRN)
requirements.picks[].trays[].order     | testo   | Prescrizione (schema e ciclo)
requirements.picks[].trays[].units     | numero  | Unità per il vassoio
requirements.shortages                 | lista   | Mancanti in giacenza, per vassoio
requirements.shortages[].day           | testo   | Giorno (gg/mm)
requirements.shortages[].patient       | testo   | Paziente: COGNOME Nome (MRN)
requirements.shortages[].order         | testo   | Prescrizione
requirements.shortages[].product       | testo   | Medicinale
requirements.shortages[].units         | numero  | Unità mancanti
requirements.unplanned                 | lista   | Righe non calcolabili (da guardare)
requirements.unplanned[].day           | testo   | Giorno (gg/mm)
requirements.unplanned[].patient       | testo   | Paziente: COGNOME Nome (MRN)
requirements.unplanned[].order         | testo   | Prescrizione
requirements.unplanned[].drug          | testo   | Farmaco e dose
requirements.unplanned[].reason        | testo   | Perché non è calcolabile
requirements.unplanned[].draft         | sì/no   | Da una bozza
requirements.doses                     | lista   | Flaconi per dose
requirements.doses[].day               | testo   | Giorno (gg/mm)
requirements.doses[].patient           | testo   | Paziente: COGNOME Nome (MRN)
requirements.doses[].order             | testo   | Prescrizione
requirements.doses[].drug              | testo   | Farmaco
requirements.doses[].dose              | testo   | Dose (es. 170 mg)
requirements.doses[].vials             | testo   | Flaconi (es. 1 × Oxaliplatino 200 mg)
""")

CALL_IN: tuple[TemplateField, ...] = fields_table("""
call_in                      | oggetto | Le convocazioni del giorno di un'agenda
call_in.agenda               | testo   | Nome dell'agenda
call_in.unit                 | testo   | Reparto o servizio dell'agenda
call_in.day                  | testo   | Giorno (gg/mm/aaaa)
call_in.weekday              | testo   | Giorno della settimana
call_in.count                | numero  | Numero di pazienti attesi
call_in.rows                 | lista   | I pazienti attesi, per ora di arrivo
call_in.rows[].arrival       | testo   | Ora di arrivo (hh:mm: il primo passaggio, es. il prelievo)
call_in.rows[].patient       | testo   | COGNOME Nome del paziente
call_in.rows[].date_of_birth | testo   | Data di nascita (gg/mm/aaaa)
call_in.rows[].mrn           | testo   | Numero di cartella (MRN)
call_in.rows[].phone         | testo   | Telefono (se noto)
call_in.rows[].booking_type  | testo   | Tipo di accesso (terapia, visita, …)
call_in.rows[].place         | testo   | Posto (poltrona o letto; «da assegnare»)
call_in.rows[].therapy_start | testo   | Inizio dell'occupazione del posto (hh:mm)
call_in.rows[].blood_tests   | testo   | Esami da fare prima dell'accesso
call_in.rows[].state         | testo   | Stato della prenotazione (prevista, confermata, arrivato)
call_in.rows[].reminder      | testo   | Promemoria (inviato, non riuscito, vuoto)
""")

DIARY: tuple[TemplateField, ...] = fields_table("""
patient                     | oggetto | Il paziente
patient.id                  | testo   | Identificativo interno del paziente
patient.name                | testo   | COGNOME Nome del paziente
patient.mrn                 | testo   | Numero di cartella (MRN)
patient.date_of_birth       | testo   | Data di nascita (gg/mm/aaaa)
stay                        | oggetto | Il ricovero
stay.kind                   | testo   | Tipo (ricovero ordinario, day hospital, ambulatoriale)
stay.ward                   | testo   | Reparto
stay.admitted_at            | testo   | Data e ora di ammissione
stay.discharged_at          | testo   | Data e ora di dimissione (vuoto se in corso)
stay.state                  | testo   | Stato del ricovero
stay.entries_count          | numero  | Numero di annotazioni stampate
entries                     | lista   | Le annotazioni del diario, dalla più vecchia
entries[].written_at        | testo   | Data e ora clinica dell'annotazione
entries[].kind              | testo   | Tipo (medica, infermieristica, …)
entries[].author            | testo   | Autore (chi ha firmato)
entries[].signed_at         | testo   | Data e ora della firma
entries[].text              | testo   | Testo dell'annotazione
entries[].corrects          | testo   | Annotazione corretta (data e ora; vuoto se originale)
entries[].correction_reason | testo   | Motivo della correzione
""")


# The one example patient of the samples, as the lists print him: his identifiers in a
# row of the agenda or the diary's header, and the tray line of the UFA's lists.
_NAME, _MRN, _BIRTH = "ESEMPIO Paziente", "MRN000042", "14/03/1958"
_TRAY = {"day": "05/12", "patient": f"{_NAME} ({_MRN})", "order": "FOLFOX-4 C3"}
_OXALIPLATIN = "Oxaliplatino 5 mg/mL 200 mg/40 mL"


def _printed(kind: str, **context: Any) -> dict[str, Any]:
    """A sample: what the archive adds (hospital, no patient, the document) and ``context``."""
    return {
        "hospital_name": "Ospedale di esempio",
        "patient": None,
        "document": {"kind": kind, "version": 1, "created_at": "05/12/2026 07:30"},
        **context,
    }


def requirements_sample() -> dict[str, Any]:
    product = {
        "code": "oxaliplatin_200mg",
        "name": _OXALIPLATIN,
        "per_day": [1, 0, 0],
        "total": 1,
        "in_stock": 0,
        "to_order": 1,
        "packs_to_order": 1,
        "short_from": "05/12",
        "potential": 0,
    }
    pick = {
        "location": "Armadio A · A1",
        "product": "Fluorouracile 50 mg/mL 1000 mg/20 mL",
        "lot": "LOTTO-FU-777",
        "expiry": "31/10/2027",
        "quantity": 2,
        "trays": [{**_TRAY, "units": 2}],
    }
    dose = {**_TRAY, "drug": "oxaliplatino", "dose": "170 mg", "vials": f"1 × {_OXALIPLATIN}"}
    return _printed(
        "requirements_sheet",
        requirements={
            "first_day": "05/12/2026",
            "last_day": "07/12/2026",
            "location": "",
            "printed_by": "Farmacista Esempio",
            "days": ["ven 05/12", "sab 06/12", "dom 07/12"],
            "drawn_excluded": 1,
            "products": [product],
            "picks": [pick],
            "shortages": [{**_TRAY, "product": _OXALIPLATIN, "units": 1}],
            "unplanned": [],
            "doses": [dose],
        },
    )


def call_in_sample() -> dict[str, Any]:
    row = {
        "arrival": "07:45",
        "patient": _NAME,
        "date_of_birth": _BIRTH,
        "mrn": _MRN,
        "phone": "333 0000000",
        "booking_type": "Terapia",
        "place": "P03",
        "therapy_start": "08:30",
        "blood_tests": "Emocromo, creatinina",
        "state": "confermata",
        "reminder": "inviato",
    }
    return _printed(
        "call_in_list",
        call_in={
            "agenda": "Day hospital oncologico",
            "unit": "Oncologia DH",
            "day": "05/12/2026",
            "weekday": "venerdì",
            "count": 1,
            "rows": [row],
        },
    )


def diary_sample() -> dict[str, Any]:
    corrected = {
        "written_at": "01/12/2026 11:20",
        "kind": "infermieristica",
        "author": "Inf. Esempio",
        "signed_at": "01/12/2026 11:31",
        "text": "Accolta in reparto, parametri nella norma.",
        "corrects": "01/12/2026 11:00",
        "correction_reason": "Ora dell'annotazione errata",
    }
    original = {
        "written_at": "02/12/2026 08:05",
        "kind": "medica",
        "author": "Dott. Medico Esempio",
        "signed_at": "02/12/2026 08:06",
        "text": "Paziente vigile, apiretico. Inizia il ciclo 2.",
        "corrects": "",
        "correction_reason": "",
    }
    return _printed(
        "discharge_diary",
        patient={"id": "0", "name": _NAME, "mrn": _MRN, "date_of_birth": _BIRTH},
        stay={
            "kind": "Ricovero ordinario",
            "ward": "Ematologia degenza",
            "admitted_at": "01/12/2026 10:00",
            "discharged_at": "05/12/2026 11:00",
            "state": "dimesso",
            "entries_count": 2,
        },
        entries=[corrected, original],
    )


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
