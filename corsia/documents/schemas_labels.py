"""The context schemas of the prints with their own data (``layout=False``): the UFA's
preparation label, patient-bag label and worksheet, the galenic batch label; the ward's
prints (wristband, parenteral-nutrition bag, ward label) are in ``schemas_wards.py``.

Fields are declared as tables (``path | type | description``, ``fields.fields_table``),
the form the template editor shows. Each schema declares the fields a version **must**
print (``required``): a label without the patient's identifiers, the drug, dose, route
warning, expiry or barcode can kill, so an edit that drops one is refused
(``fields.refuse_missing_required``). The samples give every required field a
distinctive text so that its absence from the preview is seen.
"""

from __future__ import annotations

from typing import Any

from corsia.documents.barcodes import barcode_field
from corsia.documents.domain.fields import TemplateField, fields_table

# What the archive adds to every print (documents.services._build).
PATIENT: tuple[TemplateField, ...] = fields_table("""
hospital_name         | testo   | Nome dell'ospedale (impostazione CORSIA_HOSPITAL_NAME)
patient               | oggetto | Il paziente (vuoto per un documento senza paziente)
patient.id            | testo   | Identificativo interno del paziente
patient.name          | testo   | COGNOME Nome del paziente
patient.mrn           | testo   | Numero di cartella (MRN)
patient.date_of_birth | testo   | Data di nascita (gg/mm/aaaa)
document.kind         | testo   | Tipo di documento (codice, es. therapy_sheet, preparation_label)
document.version      | numero  | Versione del documento (1, poi 2 per una correzione, …)
document.created_at   | testo   | Data e ora di creazione o di stampa (gg/mm/aaaa hh:mm)
""")
BARCODE: tuple[TemplateField, ...] = fields_table("""
barcode       | oggetto | Il codice a barre (Code 128)
barcode.value | testo   | Il valore codificato (es. PRP000000042)
barcode.image | testo   | L'immagine del codice a barre: <img src="{{ barcode.image }}">
""")
LABEL: tuple[TemplateField, ...] = fields_table("""
label                    | oggetto | I dati dell'etichetta della preparazione
label.code               | testo   | Codice della preparazione (PRP + 9 cifre)
label.ward               | testo   | Reparto di destinazione
label.drug               | testo   | Principio attivo (e formulazione se non convenzionale)
label.dose               | testo   | Dose con la sua unità (es. 156,4 mg)
label.final_volume       | testo   | Volume finale (es. 281,2 mL)
label.diluent            | testo   | Diluente e volume della sacca
label.route              | testo   | Via di somministrazione
label.prepared_at        | testo   | Data e ora di fine allestimento (vuoto se non finita)
label.expiry             | testo   | Scadenza (gg/mm/aaaa hh:mm, vuoto se non calcolata)
label.storage            | testo   | Conservazione
label.protect_from_light | sì/no   | Proteggere dalla luce
label.style              | testo   | Stile: standard, intrathecal (giallo), vinca (rosso)
label.warning            | testo   | Avvertenza di via (intratecale, alcaloidi della vinca)
label.band_colour        | testo   | Colore di fondo della banda di avvertenza
label.band_text_colour   | testo   | Colore del testo della banda di avvertenza
""")
WORKSHEET: tuple[TemplateField, ...] = fields_table("""
worksheet                          | oggetto | I dati di lavorazione della preparazione
worksheet.regimen                  | testo   | Codice dello schema
worksheet.cycle                    | testo   | Numero del ciclo
worksheet.day                      | testo   | Giorno del ciclo
worksheet.scheduled_date           | testo   | Data prevista (gg/mm/aaaa)
worksheet.product                  | testo   | Medicinale scelto
worksheet.formulation              | testo   | Formulazione
worksheet.volume_to_draw           | testo   | Volume da prelevare (mL)
worksheet.final_concentration      | testo   | Concentrazione finale (unità/mL)
worksheet.dose_unit                | testo   | Unità della dose (mg, UI, …)
worksheet.warnings                 | lista   | Avvertenze di allestimento (testo)
worksheet.planned_vials            | lista   | Flaconi previsti
worksheet.planned_vials[].product  | testo   | Medicinale del flacone previsto
worksheet.planned_vials[].amount   | testo   | Quantità prevista dal flacone
worksheet.planned_vials[].leftover | sì/no   | Da un residuo (altrimenti flacone nuovo)
worksheet.vials                    | lista   | Flaconi usati
worksheet.vials[].product          | testo   | Medicinale
worksheet.vials[].lot              | testo   | Lotto
worksheet.vials[].lot_expiry       | testo   | Scadenza del lotto
worksheet.vials[].amount           | testo   | Quantità prelevata
worksheet.vials[].ml               | testo   | mL prelevati
worksheet.weighings                | lista   | Controlli gravimetrici
worksheet.weighings[].recorded_at  | testo   | Data e ora della pesata
worksheet.weighings[].message      | testo   | Esito del controllo
worksheet.weighings[].source       | testo   | Origine del peso (bilancia o digitato)
worksheet.weighings[].typed        | sì/no   | Peso digitato a mano (evidenziato)
""")
BAG: tuple[TemplateField, ...] = fields_table("""
checkout                   | oggetto | Il check-out del sacchetto
checkout.delivery_document | testo   | Documento di consegna
checkout.checked_out_at    | testo   | Data e ora del check-out
checkout.day               | testo   | Giorno di somministrazione (gg/mm/aaaa)
checkout.ward              | testo   | Reparto
preparations               | lista   | Le preparazioni nel sacchetto
preparations[].code        | testo   | Codice della preparazione (PRP…)
preparations[].drug        | testo   | Principio attivo
preparations[].dose        | testo   | Dose con la sua unità
""")

PATIENT_REQUIRED = ("patient.name", "patient.date_of_birth", "patient.mrn", "barcode.image")


def patient_sample(kind: str) -> dict[str, Any]:
    return {
        "hospital_name": "Ospedale di esempio",
        "patient": {
            "id": "0",
            "name": "ESEMPIO Paziente",
            "mrn": "10000042",
            "date_of_birth": "14/03/1958",
        },
        "document": {"kind": kind, "version": 1, "created_at": "05/12/2026 10:30"},
    }


def label_sample() -> dict[str, Any]:
    return {
        **patient_sample("preparation_label"),
        "label": {
            "code": "PRP000000042",
            "ward": "Oncologia DH",
            "drug": "vincristina",
            "dose": "1,4 mg",
            "final_volume": "51,4 mL",
            "diluent": "sodio cloruro 0,9% 50 mL",
            "route": "endovenosa",
            "prepared_at": "05/12/2026 09:15",
            "expiry": "06/12/2026 09:15",
            "storage": "Conservare in frigorifero (2-8 °C)",
            "protect_from_light": True,
            "style": "vinca",
            "warning": "PER USO ENDOVENOSO - FATALE SE SOMMINISTRATO PER ALTRE VIE",
            "band_colour": "#c00000",
            "band_text_colour": "#ffffff",
        },
        "barcode": barcode_field("PRP000000042"),
    }


def worksheet_sample() -> dict[str, Any]:
    sample = label_sample()
    sample["document"]["kind"] = "preparation_worksheet"
    sample["worksheet"] = {
        "regimen": "R-CHOP-21",
        "cycle": "2",
        "day": "1",
        "scheduled_date": "05/12/2026",
        "product": "Vincristina 1 mg/mL",
        "formulation": "convenzionale",
        "volume_to_draw": "1,40",
        "final_concentration": "0,0272",
        "dose_unit": "mg",
        "warnings": ["Solo per uso endovenoso"],
        "planned_vials": [{"product": "Vincristina 1 mg/mL", "amount": "1,4", "leftover": False}],
        "vials": [
            {
                "product": "Vincristina 1 mg/mL",
                "lot": "L2345",
                "lot_expiry": "31/10/2027",
                "amount": "1,4000",
                "ml": "1,40",
            }
        ],
        "weighings": [
            {
                "recorded_at": "05/12/2026 09:10",
                "message": "Peso conforme (scarto 0,4%)",
                "source": "bilancia BIL-1",
                "typed": False,
            }
        ],
    }
    return sample


def bag_sample() -> dict[str, Any]:
    return {
        **patient_sample("patient_bag_label"),
        "checkout": {
            "delivery_document": "DDT-2026-0042",
            "checked_out_at": "05/12/2026 10:05",
            "day": "05/12/2026",
            "ward": "Oncologia DH",
        },
        "preparations": [
            {"code": "PRP000000042", "drug": "vincristina", "dose": "1,4 mg"},
            {"code": "PRP000000043", "drug": "ciclofosfamide", "dose": "1.120 mg"},
        ],
        "barcode": barcode_field("BAG000000007"),
    }


GALENIC: tuple[TemplateField, ...] = fields_table("""
galenic               | oggetto | L'etichetta del lotto galenico (Norme di Buona Preparazione)
galenic.pharmacy      | testo   | Farmacia che ha preparato il lotto
galenic.title         | testo   | Nome e forma farmaceutica
galenic.kind_text     | testo   | Preparazione magistrale od officinale
galenic.patient       | testo   | Paziente (preparazione magistrale; vuoto se officinale)
galenic.composition   | lista   | Principi attivi per unità (testo)
galenic.excipients    | lista   | Eccipienti (testo)
galenic.quantity_text | testo   | Quantità del lotto
galenic.batch_line    | testo   | Numero di lotto (es. Lotto G2026-0042)
galenic.dates_line    | testo   | Data di preparazione e data limite di utilizzo
galenic.storage       | testo   | Conservazione
galenic.lines         | lista   | Tutte le righe dell'etichetta, nell'ordine (testo)
""")


def galenic_sample() -> dict[str, Any]:
    composition = ["Zinco ossido 0,25 g per g"]
    excipients = ["Vaselina bianca q.b. a 100 g"]
    texts = {
        "pharmacy": "Farmacia ospedaliera — Ospedale di esempio",
        "title": "Pasta all'ossido di zinco — pasta",
        "kind_text": "Preparazione officinale",
        "quantity_text": "Quantità: 100 g",
        "batch_line": "Lotto G2026-0042",
        "dates_line": "Preparato il 05/12/2026 · Da usare entro il 05/06/2027",
        "storage": "Conservazione: a temperatura ambiente",
    }
    lines = [
        texts["pharmacy"],
        texts["title"],
        texts["kind_text"],
        *composition,
        "Eccipienti: " + ", ".join(excipients),
        texts["quantity_text"],
        texts["batch_line"],
        texts["dates_line"],
        texts["storage"],
    ]
    galenic: dict[str, Any] = {
        **texts,
        "patient": "",
        "composition": composition,
        "excipients": excipients,
        "lines": lines,
    }
    return {
        "hospital_name": "Ospedale di esempio",
        "patient": None,
        "document": {"kind": "galenic_label", "version": 1, "created_at": "05/12/2026 10:30"},
        "galenic": galenic,
        "barcode": barcode_field("G2026-0042"),
    }
