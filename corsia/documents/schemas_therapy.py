"""The context schemas of the ward therapy's prints (issue 23 §22-23): one ward
prescription with its administrations (``ward_prescription``, printed by
``therapy/prints.py``) and the ward's therapy of a day, the drug round on paper
(``ward_round``). Same form as ``schemas_wards.py``: own context (``layout=False``), fields
as tables, and the fields every version must print (``required``, DOC-08): the patient's
identifiers, the drug, dose and unit, route, when, and who prescribed, so an edit cannot
drop them.
"""

from __future__ import annotations

from typing import Any

from corsia.documents.domain.fields import TemplateField, TemplateSchema, fields_table
from corsia.documents.schemas_labels import PATIENT, patient_sample
from corsia.documents.schemas_lists import PRINTED

PRESCRIPTION: tuple[TemplateField, ...] = fields_table("""
prescription               | oggetto | La prescrizione di reparto (non antiblastica), firmata dal medico
prescription.number        | testo   | Numero della prescrizione
prescription.ward          | testo   | Reparto in cui è stata prescritta (vuoto se non indicato)
prescription.drug          | testo   | Principio attivo
prescription.product       | testo   | Medicinale scelto (nome commerciale; vuoto se non indicato)
prescription.dose          | testo   | Dose prescritta (es. 1 o 0,5)
prescription.dose_unit     | testo   | Unità della dose (mg, g, mcg, UI, mL)
prescription.route         | testo   | Via di somministrazione
prescription.frequency     | testo   | Frequenza: a orari fissi, dose singola, al bisogno
prescription.schedule      | testo   | Quando: orari, dal giorno e per quanti giorni; l'ora della dose singola; o l'indicazione al bisogno con intervallo minimo e massimo in 24 ore
prescription.times         | testo   | Orari (es. 08:00, 20:00; vuoto se non a orari fissi)
prescription.as_needed     | sì/no   | Terapia al bisogno (il modello di serie stampa righe vuote per le dosi)
prescription.notes         | testo   | Note del medico
prescription.allergies     | testo   | Allergie del paziente registrate al momento della stampa
prescription.status        | testo   | Stato: attiva, sospesa, sostituita
prescription.status_detail | testo   | Motivo, chi e quando della sospensione o sostituzione (vuoto se attiva)
prescription.replaces      | testo   | Numero della prescrizione che questa sostituisce (vuoto)
prescription.warnings      | lista   | Avvisi mostrati al medico alla firma (testo)
prescription.overrides     | lista   | Controlli superati dal medico, ciascuno con il motivo (testo)
prescription.prescriber    | testo   | Medico che ha prescritto e firmato
prescription.signed_at     | testo   | Data e ora della firma (gg/mm/aaaa hh:mm)
prescription.printed_by    | testo   | Chi stampa
doses                      | lista   | Le somministrazioni registrate, nell'ordine di registrazione (anche quelle corrette)
doses[].due                | testo   | Dose prevista (gg/mm hh:mm; «al bisogno»)
doses[].at                 | testo   | Data e ora in cui è stata data (o non data)
doses[].outcome            | testo   | Esito: somministrata, non somministrata con il motivo, registrata per errore
doses[].amount             | testo   | Quantità data se diversa dalla prescritta, con l'unità (vuoto)
doses[].note               | testo   | Nota dell'infermiere
doses[].lot                | testo   | Lotto della confezione letta
doses[].nurse              | testo   | Infermiere che ha registrato (o corretto)
doses[].correction_reason  | testo   | Motivo della correzione (vuoto se è la registrazione originale)
doses[].superseded         | sì/no   | Sostituita da una correzione (il modello di serie la stampa barrata)
""")

ROUND: tuple[TemplateField, ...] = fields_table("""
round                    | oggetto | La terapia del reparto in un giorno (il giro della terapia)
round.ward               | testo   | Reparto
round.ward_code          | testo   | Codice del reparto
round.day                | testo   | Giorno (gg/mm/aaaa)
round.weekday            | testo   | Giorno della settimana
round.printed_by         | testo   | Chi stampa
round.chemo_shown        | sì/no   | Comprende la chemioterapia del giorno (chi stampa legge le somministrazioni)
round.patients_count     | numero  | Pazienti del reparto nella stampa
round.rows               | lista   | Le dosi del giorno per ora, letto e cognome
round.rows[].at          | testo   | Ora prevista (hh:mm; «in giornata» per la chemioterapia non ancora in orario)
round.rows[].place       | testo   | Letto o poltrona
round.rows[].patient     | testo   | COGNOME Nome del paziente
round.rows[].date_of_birth | testo | Data di nascita (gg/mm/aaaa)
round.rows[].mrn         | testo   | Numero di cartella (MRN)
round.rows[].allergies   | testo   | Allergie del paziente
round.rows[].drug        | testo   | Principio attivo
round.rows[].dose        | testo   | Dose (es. 1 o 156,4)
round.rows[].dose_unit   | testo   | Unità della dose
round.rows[].route       | testo   | Via di somministrazione
round.rows[].chemo       | sì/no   | Chemioterapia (data al letto con il suo controllo)
round.rows[].prescriber  | testo   | Medico che ha prescritto (vuoto per la chemioterapia: è nella sua prescrizione)
round.rows[].outcome     | testo   | Esito registrato (somministrata hh:mm, non somministrata: motivo; corretta); per la chemioterapia il suo stato
round.rows[].nurse       | testo   | Infermiere che ha registrato l'esito
round.prn                | lista   | La terapia al bisogno attiva
round.prn[].place        | testo   | Letto o poltrona
round.prn[].patient      | testo   | COGNOME Nome del paziente
round.prn[].date_of_birth | testo  | Data di nascita (gg/mm/aaaa)
round.prn[].mrn          | testo   | Numero di cartella (MRN)
round.prn[].allergies    | testo   | Allergie del paziente
round.prn[].drug         | testo   | Principio attivo
round.prn[].dose         | testo   | Dose
round.prn[].dose_unit    | testo   | Unità della dose
round.prn[].route        | testo   | Via di somministrazione
round.prn[].indication   | testo   | Indicazione (es. dolore, febbre)
round.prn[].min_interval | testo   | Intervallo minimo tra due dosi (es. 6 h)
round.prn[].max_per_day  | testo   | Dosi al massimo in 24 ore
round.prn[].given_24h    | testo   | Ore delle dosi date nelle ultime 24 ore (vuoto: nessuna)
round.prn[].prescriber   | testo   | Medico che ha prescritto
""")

PRESCRIPTION_REQUIRED = (
    "patient.name",
    "patient.date_of_birth",
    "patient.mrn",
    "prescription.drug",
    "prescription.dose",
    "prescription.dose_unit",
    "prescription.route",
    "prescription.schedule",
    "prescription.prescriber",
    "prescription.signed_at",
    "doses[].at",
    "doses[].outcome",
    "doses[].nurse",
    "doses[].correction_reason",
)
ROUND_REQUIRED = (
    "round.ward",
    "round.day",
    "round.rows[].at",
    "round.rows[].patient",
    "round.rows[].date_of_birth",
    "round.rows[].mrn",
    "round.rows[].drug",
    "round.rows[].dose",
    "round.rows[].dose_unit",
    "round.rows[].route",
    "round.rows[].prescriber",
    "round.prn[].patient",
    "round.prn[].date_of_birth",
    "round.prn[].mrn",
    "round.prn[].drug",
    "round.prn[].dose",
    "round.prn[].dose_unit",
    "round.prn[].route",
    "round.prn[].indication",
    "round.prn[].prescriber",
)


def prescription_sample() -> dict[str, Any]:
    return {
        **patient_sample("ward_prescription"),
        "prescription": {
            "number": "4242",
            "ward": "Medicina 2",
            "drug": "Paracetamolo",
            "product": "Paracetamolo generico 500 mg compresse",
            "dose": "1",
            "dose_unit": "g",
            "route": "per os",
            "frequency": "A orari fissi",
            "schedule": "alle 08:00, 14:00, 20:00, dal 05/12/2026 per 5 giorni",
            "times": "08:00, 14:00, 20:00",
            "as_needed": False,
            "notes": "Se febbre oltre 38,5 °C avvisare il medico.",
            "allergies": "Carboplatino (anafilassi, grave, confermata)",
            "status": "Attiva",
            "status_detail": "",
            "replaces": "",
            "warnings": ["Dose giornaliera vicina al massimo (3 g di 4 g)."],
            "overrides": [],
            "prescriber": "Dott. Medico Esempio",
            "signed_at": "05/12/2026 07:40",
            "printed_by": "Inf. Esempio",
        },
        "doses": [
            {
                "due": "04/12 20:00",
                "at": "04/12/2026 20:40",
                "outcome": "Somministrata",
                "amount": "0,5 g",
                "note": "",
                "lot": "L2026-117",
                "nurse": "Inf. Esempio",
                "correction_reason": "Data mezza dose: la seconda compressa rifiutata",
                "superseded": False,
            },
            {
                "due": "05/12 08:00",
                "at": "05/12/2026 08:05",
                "outcome": "Somministrata",
                "amount": "",
                "note": "",
                "lot": "L2026-117",
                "nurse": "Inf. Esempio",
                "correction_reason": "",
                "superseded": False,
            },
        ],
    }


def round_sample() -> dict[str, Any]:
    return {
        "hospital_name": "Ospedale di esempio",
        "patient": None,
        "document": {"kind": "ward_round", "version": 1, "created_at": "05/12/2026 07:30"},
        "round": {
            "ward": "Medicina 2",
            "ward_code": "MED2",
            "day": "05/12/2026",
            "weekday": "venerdì",
            "printed_by": "Inf. Esempio",
            "chemo_shown": True,
            "patients_count": 1,
            "rows": [
                {
                    "at": "08:00",
                    "place": "12",
                    "patient": "ESEMPIO Paziente",
                    "date_of_birth": "14/03/1958",
                    "mrn": "10000042",
                    "allergies": "Carboplatino (anafilassi, grave, confermata)",
                    "drug": "Paracetamolo",
                    "dose": "1",
                    "dose_unit": "g",
                    "route": "per os",
                    "chemo": False,
                    "prescriber": "Dott. Medico Esempio",
                    "outcome": "somministrata 08:05",
                    "nurse": "Inf. Esempio",
                },
                {
                    "at": "09:30",
                    "place": "12",
                    "patient": "ESEMPIO Paziente",
                    "date_of_birth": "14/03/1958",
                    "mrn": "10000042",
                    "allergies": "Carboplatino (anafilassi, grave, confermata)",
                    "drug": "oxaliplatino",
                    "dose": "156,4",
                    "dose_unit": "mg",
                    "route": "EV",
                    "chemo": True,
                    "prescriber": "",
                    "outcome": "da somministrare",
                    "nurse": "",
                },
            ],
            "prn": [
                {
                    "place": "12",
                    "patient": "ESEMPIO Paziente",
                    "date_of_birth": "14/03/1958",
                    "mrn": "10000042",
                    "allergies": "Carboplatino (anafilassi, grave, confermata)",
                    "drug": "Ondansetron",
                    "dose": "8",
                    "dose_unit": "mg",
                    "route": "endovenosa",
                    "indication": "nausea",
                    "min_interval": "8 h",
                    "max_per_day": "2",
                    "given_24h": "06:10",
                    "prescriber": "Dott. Medico Esempio",
                }
            ],
        },
    }


THERAPY_SCHEMAS: dict[str, TemplateSchema] = {
    "ward_prescription": TemplateSchema(
        code="ward_prescription",
        title="Prescrizione di reparto",
        description=(
            "Stampata dalla pagina della prescrizione (terapia di reparto, A4): il paziente, "
            "farmaco, dose e unità, via, orari, il medico che l'ha firmata e ogni "
            "somministrazione registrata con le correzioni."
        ),
        fields=PATIENT + PRESCRIPTION,
        sample=prescription_sample(),
        layout=False,
        required=PRESCRIPTION_REQUIRED,
    ),
    "ward_round": TemplateSchema(
        code="ward_round",
        title="Terapia del giorno del reparto (giro della terapia)",
        description=(
            "Stampata dal giro della terapia (A4 orizzontale): ogni dose del giorno per ora e "
            "letto, con i due identificativi del paziente, le allergie, farmaco, dose, via, "
            "prescrittore, esito e firma; la terapia al bisogno a parte."
        ),
        fields=PRINTED + ROUND,
        sample=round_sample(),
        layout=False,
        required=ROUND_REQUIRED,
    ),
}
