"""The context schemas of the UFA's prints (compounding): preparation label, patient-bag
label and worksheet. Their context is the print's own data (``layout=False``), not the
default layout's sections, plus what the archive adds (hospital, patient, document).

Each declares the fields a version **must** print (``required``): a label without the
patient's identifiers, the drug, dose, route warning, expiry or barcode can kill, so an
edit that drops one is refused (``fields.refuse_missing_required``). The samples give
every required field a distinctive text so that its absence from the preview is seen.
"""

from __future__ import annotations

from typing import Any

from corsia.documents.barcodes import barcode_field
from corsia.documents.domain.fields import BOOLEAN, LIST, OBJECT, TEXT, TemplateField
from corsia.documents.domain.fields import TemplateField as F

PATIENT: tuple[TemplateField, ...] = (
    F("hospital_name", TEXT, "Nome dell'ospedale (impostazione CORSIA_HOSPITAL_NAME)"),
    F("patient", OBJECT, "Il paziente"),
    F("patient.id", TEXT, "Identificativo interno del paziente"),
    F("patient.name", TEXT, "COGNOME Nome del paziente"),
    F("patient.mrn", TEXT, "Numero di cartella (MRN)"),
    F("patient.date_of_birth", TEXT, "Data di nascita (gg/mm/aaaa)"),
    F("document.kind", TEXT, "Tipo di documento (codice)"),
    F("document.version", TEXT, "Versione del documento"),
    F("document.created_at", TEXT, "Data e ora della stampa (gg/mm/aaaa hh:mm)"),
)
BARCODE: tuple[TemplateField, ...] = (
    F("barcode", OBJECT, "Il codice a barre (Code 128)"),
    F("barcode.value", TEXT, "Il valore codificato (es. PRP000000042)"),
    F("barcode.image", TEXT, 'L\'immagine del codice a barre: <img src="{{ barcode.image }}">'),
)
LABEL: tuple[TemplateField, ...] = (
    F("label", OBJECT, "I dati dell'etichetta della preparazione"),
    F("label.code", TEXT, "Codice della preparazione (PRP + 9 cifre)"),
    F("label.ward", TEXT, "Reparto di destinazione"),
    F("label.drug", TEXT, "Principio attivo (e formulazione se non convenzionale)"),
    F("label.dose", TEXT, "Dose con la sua unità (es. 156,4 mg)"),
    F("label.final_volume", TEXT, "Volume finale (es. 281,2 mL)"),
    F("label.diluent", TEXT, "Diluente e volume della sacca"),
    F("label.route", TEXT, "Via di somministrazione"),
    F("label.prepared_at", TEXT, "Data e ora di fine allestimento (vuoto se non finita)"),
    F("label.expiry", TEXT, "Scadenza (gg/mm/aaaa hh:mm, vuoto se non calcolata)"),
    F("label.storage", TEXT, "Conservazione"),
    F("label.protect_from_light", BOOLEAN, "Proteggere dalla luce"),
    F("label.style", TEXT, "Stile: standard, intrathecal (giallo), vinca (rosso)"),
    F("label.warning", TEXT, "Avvertenza di via (intratecale, alcaloidi della vinca)"),
    F("label.band_colour", TEXT, "Colore di fondo della banda di avvertenza"),
    F("label.band_text_colour", TEXT, "Colore del testo della banda di avvertenza"),
)
WORKSHEET: tuple[TemplateField, ...] = (
    F("worksheet", OBJECT, "I dati di lavorazione della preparazione"),
    F("worksheet.regimen", TEXT, "Codice dello schema"),
    F("worksheet.cycle", TEXT, "Numero del ciclo"),
    F("worksheet.day", TEXT, "Giorno del ciclo"),
    F("worksheet.scheduled_date", TEXT, "Data prevista (gg/mm/aaaa)"),
    F("worksheet.product", TEXT, "Medicinale scelto"),
    F("worksheet.formulation", TEXT, "Formulazione"),
    F("worksheet.volume_to_draw", TEXT, "Volume da prelevare (mL)"),
    F("worksheet.final_concentration", TEXT, "Concentrazione finale (unità/mL)"),
    F("worksheet.dose_unit", TEXT, "Unità della dose (mg, UI, …)"),
    F("worksheet.warnings", LIST, "Avvertenze di allestimento (testo)"),
    F("worksheet.planned_vials", LIST, "Flaconi previsti"),
    F("worksheet.planned_vials[].product", TEXT, "Medicinale del flacone previsto"),
    F("worksheet.planned_vials[].amount", TEXT, "Quantità prevista dal flacone"),
    F("worksheet.planned_vials[].leftover", BOOLEAN, "Da un residuo (altrimenti flacone nuovo)"),
    F("worksheet.vials", LIST, "Flaconi usati"),
    F("worksheet.vials[].product", TEXT, "Medicinale"),
    F("worksheet.vials[].lot", TEXT, "Lotto"),
    F("worksheet.vials[].lot_expiry", TEXT, "Scadenza del lotto"),
    F("worksheet.vials[].amount", TEXT, "Quantità prelevata"),
    F("worksheet.vials[].ml", TEXT, "mL prelevati"),
    F("worksheet.weighings", LIST, "Controlli gravimetrici"),
    F("worksheet.weighings[].recorded_at", TEXT, "Data e ora della pesata"),
    F("worksheet.weighings[].message", TEXT, "Esito del controllo"),
    F("worksheet.weighings[].source", TEXT, "Origine del peso (bilancia o digitato)"),
    F("worksheet.weighings[].typed", BOOLEAN, "Peso digitato a mano (evidenziato)"),
)
BAG: tuple[TemplateField, ...] = (
    F("checkout", OBJECT, "Il check-out del sacchetto"),
    F("checkout.delivery_document", TEXT, "Documento di consegna"),
    F("checkout.checked_out_at", TEXT, "Data e ora del check-out"),
    F("checkout.day", TEXT, "Giorno di somministrazione (gg/mm/aaaa)"),
    F("checkout.ward", TEXT, "Reparto"),
    F("preparations", LIST, "Le preparazioni nel sacchetto"),
    F("preparations[].code", TEXT, "Codice della preparazione (PRP…)"),
    F("preparations[].drug", TEXT, "Principio attivo"),
    F("preparations[].dose", TEXT, "Dose con la sua unità"),
)

PATIENT_REQUIRED = ("patient.name", "patient.date_of_birth", "patient.mrn", "barcode.image")


def _patient_sample(kind: str) -> dict[str, Any]:
    return {
        "hospital_name": "Ospedale di esempio",
        "patient": {
            "id": "0",
            "name": "ESEMPIO Paziente",
            "mrn": "MRN000042",
            "date_of_birth": "14/03/1958",
        },
        "document": {"kind": kind, "version": "1", "created_at": "05/12/2026 10:30"},
    }


def label_sample() -> dict[str, Any]:
    return {
        **_patient_sample("preparation_label"),
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
        **_patient_sample("patient_bag_label"),
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


GALENIC: tuple[TemplateField, ...] = (
    F("galenic", OBJECT, "L'etichetta del lotto galenico (Norme di Buona Preparazione)"),
    F("galenic.pharmacy", TEXT, "Farmacia che ha preparato il lotto"),
    F("galenic.title", TEXT, "Nome e forma farmaceutica"),
    F("galenic.kind_text", TEXT, "Preparazione magistrale od officinale"),
    F("galenic.patient", TEXT, "Paziente (preparazione magistrale; vuoto se officinale)"),
    F("galenic.composition", LIST, "Principi attivi per unità (testo)"),
    F("galenic.excipients", LIST, "Eccipienti (testo)"),
    F("galenic.quantity_text", TEXT, "Quantità del lotto"),
    F("galenic.batch_line", TEXT, "Numero di lotto (es. Lotto G2026-0042)"),
    F("galenic.dates_line", TEXT, "Data di preparazione e data limite di utilizzo"),
    F("galenic.storage", TEXT, "Conservazione"),
    F("galenic.lines", LIST, "Tutte le righe dell'etichetta, nell'ordine (testo)"),
)


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
        "document": {"kind": "galenic_label", "version": "1", "created_at": "05/12/2026 10:30"},
        "galenic": galenic,
        "barcode": barcode_field("G2026-0042"),
    }
