"""The context schemas of the transfusion prints (issue 23 §22-23): the request of blood
components with its units, crossmatches, bedside checks and reactions
(``transfusion_request``, printed by ``transfusion/prints.py``) and the haemovigilance
notification of a reaction for the SIMT to enter in SISTRA (``haemovigilance_notification``).
Same form as ``schemas_wards.py``: own context (``layout=False``), fields as tables, and
the fields every version must print (``required``, DOC-08): the patient's identifiers
and blood group, the component and its treatments, each unit's ISBT 128 codes (DIN,
product code), group and expiry, the two operators of each bedside check.
"""

from __future__ import annotations

from typing import Any

from corsia.documents.domain.fields import TemplateField, TemplateSchema, fields_table
from corsia.documents.schemas_labels import PATIENT, patient_sample

REQUEST: tuple[TemplateField, ...] = fields_table("""
request                  | oggetto | La richiesta di emocomponenti
request.number           | testo   | Numero della richiesta
request.component        | testo   | Emocomponente richiesto (emazie, piastrine, plasma)
request.units            | testo   | Unità richieste
request.treatments       | testo   | Trattamenti richiesti (irradiato, lavato, leucodepleto, CMV negativo; «nessuno»)
request.indication       | testo   | Indicazione clinica
request.premedication    | testo   | Premedicazione
request.planned_at       | testo   | Programmata per (gg/mm/aaaa hh:mm)
request.state            | testo   | Stato della richiesta
request.cancel_reason    | testo   | Motivo dell'annullamento (vuoto)
request.requested_by     | testo   | Medico richiedente
request.requested_at     | testo   | Data e ora della richiesta
request.emergency        | sì/no   | Urgenza dichiarata: rilascio in emergenza
request.emergency_detail | testo   | Dell'urgenza: politica RhD, motivo, chi e quando (vuoto)
request.printed_by       | testo   | Chi stampa
group                    | oggetto | Il gruppo sanguigno del paziente in registro
group.text               | testo   | Gruppo ABO/RhD (es. A RhD positivo), o «non determinato»
group.status             | testo   | confermato (due determinazioni concordi su due prelievi), provvisorio, discordante, non determinato
group.confirmed          | sì/no   | Gruppo confermato
bags                     | lista   | Le unità assegnate dal servizio trasfusionale
bags[].din               | testo   | DIN: numero di identificazione della donazione (ISBT 128)
bags[].product_code      | testo   | Codice prodotto ISBT 128
bags[].group             | testo   | Gruppo ABO/RhD dell'unità (es. A+)
bags[].expires_at        | testo   | Scadenza dell'unità (gg/mm/aaaa hh:mm)
bags[].treatments        | testo   | Trattamenti attestati dall'etichetta («digitato» se scritto dal SIMT)
bags[].emergency         | sì/no   | Rilasciata in emergenza
bags[].pending           | sì/no   | Regolarizzazione pendente (in emergenza, nessuna prova compatibile)
bags[].issued_by         | testo   | Chi ha assegnato l'unità
bags[].issued_at         | testo   | Data e ora dell'assegnazione
bags[].crossmatches      | lista   | Le prove di compatibilità dell'unità, dalla prima
bags[].crossmatches[].result      | testo | Esito (compatibile, incompatibile)
bags[].crossmatches[].method      | testo | Metodo
bags[].crossmatches[].sample      | testo | Provetta del campione
bags[].crossmatches[].sample_collected_at | testo | Prelievo del campione (gg/mm/aaaa hh:mm)
bags[].crossmatches[].valid_until | testo | Valida fino a (72 ore dal prelievo)
bags[].crossmatches[].recorded_by | testo | Chi l'ha registrata
transfusions             | lista   | I controlli al letto e le trasfusioni
transfusions[].din       | testo   | DIN dell'unità controllata
transfusions[].product_code | testo | Codice prodotto dell'unità
transfusions[].checked_at | testo  | Data e ora del controllo al letto
transfusions[].first_operator | testo | Primo operatore del controllo
transfusions[].second_operator | testo | Secondo operatore (persona diversa, riautenticata)
transfusions[].warnings  | lista   | Avvertenze del controllo (testo)
transfusions[].state     | testo   | Stato della trasfusione
transfusions[].stop_reason | testo | Motivo dell'interruzione (vuoto)
transfusions[].started_at | testo  | Inizio (vuoto)
transfusions[].ended_at  | testo   | Fine (vuoto)
transfusions[].volume_ml | testo   | Volume trasfuso in mL (vuoto)
reactions                | lista   | Le reazioni trasfusionali registrate
reactions[].din          | testo   | DIN dell'unità con cui è insorta
reactions[].onset_at     | testo   | Insorgenza (gg/mm/aaaa hh:mm)
reactions[].category     | testo   | Categoria (ISBT/SISTRA)
reactions[].severity     | testo   | Gravità (1-4)
reactions[].imputability | testo   | Imputabilità
reactions[].description  | testo   | Descrizione
reactions[].recorded_by  | testo   | Chi l'ha registrata, con data e ora
""")

NOTIFICATION: tuple[TemplateField, ...] = fields_table("""
notification                    | oggetto | La notifica di reazione indesiderata nel ricevente (dati per SISTRA)
notification.form               | testo   | Nome della scheda nazionale
notification.reaction_id        | testo   | Numero della reazione in Corsia
notification.report_at_once     | sì/no   | Reazione da notificare subito al servizio trasfusionale
notification.patient_initials   | testo   | Iniziali del ricevente (nome, cognome)
notification.patient_sex        | testo   | Sesso del ricevente
notification.patient_birth_date | testo   | Data di nascita del ricevente (gg/mm/aaaa)
notification.patient_mrn        | testo   | Nosologico: solo per il servizio trasfusionale, da non inserire in SISTRA
notification.indication         | testo   | Indicazione alla trasfusione
notification.category           | testo   | Codice della categoria di reazione
notification.category_label     | testo   | Categoria di reazione (ISBT/SISTRA)
notification.severity_label     | testo   | Gravità (1-4)
notification.imputability_label | testo   | Imputabilità
notification.onset_at           | testo   | Insorgenza (gg/mm/aaaa hh:mm)
notification.description        | testo   | Descrizione della reazione
notification.recorded_by        | testo   | Chi ha registrato la reazione
notification.recorded_at        | testo   | Data e ora della registrazione
notification.units              | lista   | Le unità coinvolte: quella con cui è insorta, poi le altre della richiesta iniziate prima
notification.units[].din        | testo   | DIN dell'unità (ISBT 128)
notification.units[].product_code | testo | Codice prodotto ISBT 128
notification.units[].component  | testo   | Emocomponente
notification.units[].group      | testo   | Gruppo ABO/RhD dell'unità
notification.units[].emergency  | sì/no   | Rilasciata in emergenza
notification.units[].started_at | testo   | Inizio della trasfusione (vuoto)
notification.units[].ended_at   | testo   | Fine della trasfusione (vuoto)
notification.units[].volume_ml  | testo   | Volume trasfuso in mL (vuoto)
""")

REQUEST_REQUIRED = (
    "patient.name",
    "patient.date_of_birth",
    "patient.mrn",
    "group.text",
    "request.component",
    "request.units",
    "request.treatments",
    "request.indication",
    "request.requested_by",
    "bags[].din",
    "bags[].product_code",
    "bags[].group",
    "bags[].expires_at",
    "transfusions[].din",
    "transfusions[].checked_at",
    "transfusions[].first_operator",
    "transfusions[].second_operator",
    "reactions[].din",
    "reactions[].category",
    "reactions[].severity",
)
NOTIFICATION_REQUIRED = (
    "patient.name",
    "notification.patient_initials",
    "notification.patient_sex",
    "notification.patient_birth_date",
    "notification.patient_mrn",
    "notification.category_label",
    "notification.severity_label",
    "notification.imputability_label",
    "notification.onset_at",
    "notification.description",
    "notification.units[].din",
    "notification.units[].product_code",
    "notification.units[].group",
)


def request_sample() -> dict[str, Any]:
    return {
        **patient_sample("transfusion_request"),
        "request": {
            "number": "42",
            "component": "Emazie concentrate",
            "units": "2",
            "treatments": "Irradiato, Leucodepleto",
            "indication": "Anemia sintomatica, Hb 6,8 g/dL in aplasia post-chemioterapia",
            "premedication": "Paracetamolo 1 g ev",
            "planned_at": "05/12/2026 11:00",
            "state": "Aperta",
            "cancel_reason": "",
            "requested_by": "Dott. Medico Esempio",
            "requested_at": "05/12/2026 08:15",
            "emergency": False,
            "emergency_detail": "",
            "printed_by": "Inf. Esempio",
        },
        "group": {"text": "A RhD positivo", "status": "confermato", "confirmed": True},
        "bags": [
            {
                "din": "A999926000017",
                "product_code": "E9002V00",
                "group": "A+",
                "expires_at": "10/12/2026 23:59",
                "treatments": "Irradiato, Leucodepleto",
                "emergency": False,
                "pending": False,
                "issued_by": "Dott. SIMT Esempio",
                "issued_at": "05/12/2026 09:40",
                "crossmatches": [
                    {
                        "result": "Compatibile",
                        "method": "Test indiretto all'antiglobulina (IAT) in gel/colonna",
                        "sample": "XM-001",
                        "sample_collected_at": "05/12/2026 08:20",
                        "valid_until": "08/12/2026 08:20",
                        "recorded_by": "Dott. SIMT Esempio",
                    }
                ],
            }
        ],
        "transfusions": [
            {
                "din": "A999926000017",
                "product_code": "E9002V00",
                "checked_at": "05/12/2026 11:02",
                "first_operator": "Inf. Primo Esempio",
                "second_operator": "Inf. Secondo Esempio",
                "warnings": [],
                "state": "In corso",
                "stop_reason": "",
                "started_at": "05/12/2026 11:05",
                "ended_at": "",
                "volume_ml": "",
            }
        ],
        "reactions": [
            {
                "din": "A999926000017",
                "onset_at": "05/12/2026 11:25",
                "category": "Reazione febbrile non emolitica (FNHTR)",
                "severity": "1 — non grave",
                "imputability": "Probabile",
                "description": "Brivido e febbre 38,4 °C a 20 minuti dall'inizio",
                "recorded_by": "Inf. Primo Esempio, 05/12/2026 11:30",
            }
        ],
    }


def notification_sample() -> dict[str, Any]:
    return {
        **patient_sample("haemovigilance_notification"),
        "notification": {
            "form": "Scheda di notifica di reazione indesiderata nel ricevente (SISTRA)",
            "reaction_id": "7",
            "report_at_once": False,
            "patient_initials": "PE",
            "patient_sex": "F",
            "patient_birth_date": "14/03/1958",
            "patient_mrn": "10000042",
            "indication": "Anemia sintomatica, Hb 6,8 g/dL in aplasia post-chemioterapia",
            "category": "fnhtr",
            "category_label": "Reazione febbrile non emolitica (FNHTR)",
            "severity_label": "1 — non grave",
            "imputability_label": "Probabile",
            "onset_at": "05/12/2026 11:25",
            "description": "Brivido e febbre 38,4 °C a 20 minuti dall'inizio",
            "recorded_by": "Inf. Primo Esempio",
            "recorded_at": "05/12/2026 11:30",
            "units": [
                {
                    "din": "A999926000017",
                    "product_code": "E9002V00",
                    "component": "Emazie concentrate",
                    "group": "A+",
                    "emergency": False,
                    "started_at": "05/12/2026 11:05",
                    "ended_at": "",
                    "volume_ml": "",
                }
            ],
        },
    }


TRANSFUSION_SCHEMAS: dict[str, TemplateSchema] = {
    "transfusion_request": TemplateSchema(
        code="transfusion_request",
        title="Richiesta di emocomponenti",
        description=(
            "Stampata dalla pagina della richiesta (A4): paziente e gruppo, emocomponente e "
            "trattamenti, indicazione, le unità con i codici ISBT 128 e le prove di "
            "compatibilità, i controlli al letto con i due operatori, le reazioni."
        ),
        fields=PATIENT + REQUEST,
        sample=request_sample(),
        layout=False,
        required=REQUEST_REQUIRED,
    ),
    "haemovigilance_notification": TemplateSchema(
        code="haemovigilance_notification",
        title="Notifica di emovigilanza (reazione nel ricevente, SISTRA)",
        description=(
            "Stampata dalla pagina della reazione per il servizio trasfusionale, che la "
            "inserisce in SISTRA: i dati minimi del ricevente, la reazione e le unità "
            "coinvolte con i codici ISBT 128."
        ),
        fields=PATIENT + NOTIFICATION,
        sample=notification_sample(),
        layout=False,
        required=NOTIFICATION_REQUIRED,
    ),
}
