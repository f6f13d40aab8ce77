"""The context schemas of the pharmacy's distribution prints (issue 23 §22-23): the receipt
of a dispensing at the direct distribution desk and the delivery document of a ward's
request (both printed by ``dispensing``, the first module above the archive and the
stock). Same form as ``schemas_labels.py`` / ``schemas_lists.py``: own context
(``layout=False``), fields as tables, the fields every version must print (``required``):
who the drug is for, which drug, pack, lot and expiry, how much, and who handed it over,
so an edit cannot drop them.
"""

from __future__ import annotations

from typing import Any

from corsia.documents.domain.fields import TemplateField, TemplateSchema, fields_table
from corsia.documents.schemas_labels import PATIENT, patient_sample
from corsia.documents.schemas_lists import PRINTED

RECEIPT: tuple[TemplateField, ...] = fields_table("""
receipt                      | oggetto | La dispensazione al banco della distribuzione diretta
receipt.number               | testo   | Numero della dispensazione (anche il riferimento DD-<numero> dei movimenti)
receipt.dispensed_at         | testo   | Data e ora della dispensazione (gg/mm/aaaa hh:mm)
receipt.patient_code         | testo   | Codice fiscale del paziente (o codice STP/ENI)
receipt.kind                 | testo   | Tipo: primo ciclo alla dimissione, piano terapeutico, prescrizione
receipt.plan                 | testo   | Numero del piano terapeutico (vuoto se non è un piano)
receipt.registry_record      | testo   | Scheda di dispensazione del registro AIFA (vuoto se non prevista)
receipt.prescriber           | testo   | Medico prescrittore
receipt.product              | testo   | Medicinale (nome, dosaggio)
receipt.daily_units          | testo   | Posologia: unità al giorno (es. 6 o 1,5)
receipt.units                | numero  | Unità consegnate in tutto
receipt.days_covered         | numero  | Giorni di terapia coperti
receipt.next_due_date        | testo   | Prossima dispensazione dal (gg/mm/aaaa)
receipt.collector            | testo   | Chi ritira: «Il paziente» o «Delegato: nome e cognome»
receipt.delegated            | sì/no   | Ritira un delegato
receipt.delegate_fiscal_code | testo   | Codice fiscale del delegato (vuoto se ritira il paziente)
receipt.delegate_document    | testo   | Documento d'identità del delegato
receipt.delegation_valid     | testo   | Validità della delega (es. dal 01/12/2026 al 30/11/2027)
receipt.dispensed_by         | testo   | Farmacista o tecnico che ha dispensato
receipt.workstation          | testo   | Postazione del banco
receipt.lines                | lista   | Le confezioni consegnate, per confezione e lotto
receipt.lines[].aic          | testo   | Codice AIC della confezione
receipt.lines[].pack_units   | numero  | Unità per confezione
receipt.lines[].packs        | testo   | Numero di confezioni («—» se non intere)
receipt.lines[].lot          | testo   | Lotto
receipt.lines[].expiry       | testo   | Scadenza del lotto (gg/mm/aaaa)
receipt.lines[].units        | numero  | Unità del lotto consegnate
""")

DELIVERY: tuple[TemplateField, ...] = fields_table("""
delivery                     | oggetto | La consegna della farmacia all'armadio di un reparto
delivery.number              | testo   | Numero del documento di consegna (CR-aaaa-nnnnnn)
delivery.request             | testo   | Numero della richiesta (RR-aaaa-nnnnnn)
delivery.kind                | testo   | Tipo di richiesta (nominale o scorta di reparto)
delivery.urgency             | testo   | Urgenza (urgente, ordinaria)
delivery.ward                | testo   | Reparto destinatario (nome e codice)
delivery.cabinet             | testo   | Armadio di reparto (codice e nome)
delivery.requested_by        | testo   | Chi ha fatto la richiesta
delivery.requested_at        | testo   | Data e ora della richiesta (gg/mm/aaaa hh:mm)
delivery.picked_by           | testo   | Chi ha prelevato in farmacia
delivery.delivered_by        | testo   | Chi ha consegnato
delivery.delivered_at        | testo   | Data e ora della consegna (gg/mm/aaaa hh:mm)
delivery.short_reason        | testo   | Motivo del prelievo incompleto (vuoto se completo)
delivery.printed_by          | testo   | Chi stampa
delivery.lines               | lista   | Le righe della richiesta, nell'ordine
delivery.lines[].position    | numero  | Numero della riga
delivery.lines[].product     | testo   | Medicinale consegnato (il sostituto, se sostituito)
delivery.lines[].requested_product | testo  | Medicinale richiesto, se sostituito (vuoto altrimenti)
delivery.lines[].patient     | testo   | Paziente della riga nominale: COGNOME Nome (vuoto per la scorta)
delivery.lines[].mrn         | testo   | Numero di cartella (MRN) del paziente della riga
delivery.lines[].date_of_birth | testo | Data di nascita del paziente della riga (gg/mm/aaaa)
delivery.lines[].requested   | numero  | Unità richieste
delivery.lines[].approved    | numero  | Unità approvate dalla farmacia
delivery.lines[].delivered   | numero  | Unità consegnate
delivery.lines[].note        | testo   | Decisione della farmacia e suo motivo (vuoto se approvata)
delivery.packs               | lista   | Le confezioni consegnate, per riga, confezione e lotto
delivery.packs[].position    | numero  | Riga della richiesta
delivery.packs[].product     | testo   | Medicinale
delivery.packs[].aic         | testo   | Codice AIC della confezione (vuoto se non noto)
delivery.packs[].lot         | testo   | Lotto
delivery.packs[].expiry      | testo   | Scadenza del lotto (gg/mm/aaaa)
delivery.packs[].units       | numero  | Unità consegnate del lotto
delivery.total_units         | numero  | Unità consegnate in tutto
""")


def receipt_sample() -> dict[str, Any]:
    return {
        **patient_sample("dispensing_receipt"),
        "receipt": {
            "number": "42",
            "dispensed_at": "05/12/2026 10:30",
            "patient_code": "SMPPZN58C54H501X",
            "kind": "Piano terapeutico",
            "plan": "PT-2026-0042",
            "registry_record": "",
            "prescriber": "Dott. Medico Esempio",
            "product": "Capecitabina 500 mg compresse",
            "daily_units": "6",
            "units": 240,
            "days_covered": 40,
            "next_due_date": "14/01/2027",
            "collector": "Delegato: Lucia Esempio",
            "delegated": True,
            "delegate_fiscal_code": "SMPLCU60A41H501Y",
            "delegate_document": "Carta d'identità CA00000AA",
            "delegation_valid": "dal 01/12/2026 al 30/11/2027",
            "dispensed_by": "Farmacista Esempio",
            "workstation": "Banco DD 1",
            "lines": [
                {
                    "aic": "035219029",
                    "pack_units": 120,
                    "packs": "2",
                    "lot": "CAP500-L1",
                    "expiry": "31/10/2027",
                    "units": 240,
                }
            ],
        },
    }


def delivery_sample() -> dict[str, Any]:
    return {
        "hospital_name": "Ospedale di esempio",
        "patient": None,  # a ward's document: the patients are those of its named lines
        "document": {
            "kind": "ward_delivery_document",
            "version": 1,
            "created_at": "05/12/2026 10:06",
        },
        "delivery": {
            "number": "CR-2026-000042",
            "request": "RR-2026-000042",
            "kind": "Nominale (per paziente)",
            "urgency": "Urgente",
            "ward": "Ematologia degenza (EMA)",
            "cabinet": "ARM-EMA · Armadio di Ematologia",
            "requested_by": "Inf. Esempio",
            "requested_at": "05/12/2026 08:10",
            "picked_by": "Tecnico Esempio",
            "delivered_by": "Tecnico Esempio",
            "delivered_at": "05/12/2026 10:05",
            "short_reason": "",
            "printed_by": "Tecnico Esempio",
            "lines": [
                {
                    "position": 1,
                    "product": "Ondansetron 8 mg compresse",
                    "requested_product": "",
                    "patient": "ESEMPIO Paziente",
                    "mrn": "10000042",
                    "date_of_birth": "14/03/1958",
                    "requested": 10,
                    "approved": 10,
                    "delivered": 10,
                    "note": "",
                }
            ],
            "packs": [
                {
                    "position": 1,
                    "product": "Ondansetron 8 mg compresse",
                    "aic": "027000013",
                    "lot": "OND-L7",
                    "expiry": "30/06/2027",
                    "units": 10,
                }
            ],
            "total_units": 10,
        },
    }


RECEIPT_REQUIRED = (
    "patient.name",
    "patient.date_of_birth",
    "patient.mrn",
    "receipt.number",
    "receipt.product",
    "receipt.daily_units",
    "receipt.units",
    "receipt.next_due_date",
    "receipt.collector",
    "receipt.dispensed_by",
    "receipt.lines[].aic",
    "receipt.lines[].lot",
    "receipt.lines[].expiry",
    "receipt.lines[].units",
)
DELIVERY_REQUIRED = (
    "delivery.number",
    "delivery.ward",
    "delivery.cabinet",
    "delivery.delivered_by",
    "delivery.delivered_at",
    "delivery.lines[].product",
    "delivery.lines[].patient",
    "delivery.lines[].mrn",
    "delivery.lines[].delivered",
    "delivery.packs[].product",
    "delivery.packs[].aic",
    "delivery.packs[].lot",
    "delivery.packs[].expiry",
    "delivery.packs[].units",
)

PHARMACY_SCHEMAS: dict[str, TemplateSchema] = {
    "dispensing_receipt": TemplateSchema(
        code="dispensing_receipt",
        title="Ricevuta di dispensazione (distribuzione diretta)",
        description=(
            "Stampata al banco della distribuzione diretta a ogni dispensazione (A4 "
            "verticale) e firmata da chi ritira e dal farmacista: paziente, farmaco, "
            "posologia, confezioni con AIC, lotto e scadenza, giorni coperti, prossima "
            "dispensazione, chi ritira e con quale delega."
        ),
        fields=PATIENT + RECEIPT,
        sample=receipt_sample(),
        layout=False,
        required=RECEIPT_REQUIRED,
    ),
    "ward_delivery_document": TemplateSchema(
        code="ward_delivery_document",
        title="Documento di consegna al reparto (richieste alla farmacia)",
        description=(
            "Stampato dalla farmacia dopo la consegna di una richiesta di reparto (A4 "
            "verticale): numero CR, reparto e armadio, per riga il medicinale, il paziente "
            "delle righe nominali e le unità, ogni lotto con AIC e scadenza, chi ha "
            "consegnato; le firme di chi consegna e di chi riceve."
        ),
        fields=PRINTED + DELIVERY,
        sample=delivery_sample(),
        layout=False,
        required=DELIVERY_REQUIRED,
    ),
}
