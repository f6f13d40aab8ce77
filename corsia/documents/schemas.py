"""The context schema of every print template code (``domain/fields.py``).

Every code with a default file under ``templates/documents/defaults/`` has a schema
here (a test holds it). The therapy sheet, the clinical letters (discharge letter,
outpatient report, tumour board minutes: one ``clinical_letter`` template, the kind in
``document.kind``) share the default layout's context (``domain/context.py``) plus what
the service adds (hospital, patient, document, signature).
"""

from __future__ import annotations

from typing import Any

from corsia.documents.domain.context import sample_sheet_context
from corsia.documents.domain.fields import TemplateField, TemplateSchema, fields_table
from corsia.documents.schemas_labels import (
    BAG,
    BARCODE,
    GALENIC,
    LABEL,
    PATIENT,
    PATIENT_REQUIRED,
    WORKSHEET,
    bag_sample,
    galenic_sample,
    label_sample,
    patient_sample,
    worksheet_sample,
)
from corsia.documents.schemas_pharmacy import PHARMACY_SCHEMAS
from corsia.documents.schemas_reports import REPORT_SCHEMAS
from corsia.documents.schemas_wards import WARD_SCHEMAS

# What the archive adds (the patient and document of every print) and, for the signed
# documents of the default layout, the correction and the signature.
_ADDED: tuple[TemplateField, ...] = PATIENT + fields_table("""
document.supersedes_version | numero | Versione sostituita da questa correzione
document.correction_reason  | testo  | Motivo della correzione
signature.signed            | sì/no  | Il documento è firmato digitalmente (PAdES)
signature.signer            | testo  | Nome di chi firma
signature.signed_at         | testo  | Data e ora della firma
signature.reason            | testo  | Motivo della firma
""")

_LAYOUT: tuple[TemplateField, ...] = fields_table("""
title                    | testo   | Titolo del documento
subtitle                 | testo   | Sottotitolo (es. schema, linea, ciclo e giorno)
sections                 | lista   | Le sezioni del documento, nell'ordine
sections[].heading       | testo   | Titolo della sezione
sections[].rows          | lista   | Righe etichetta/valore della sezione
sections[].rows[].label  | testo   | Etichetta della riga
sections[].rows[].value  | testo   | Valore della riga, già formattato
sections[].table         | oggetto | Tabella della sezione (facoltativa)
sections[].table.columns | lista   | Intestazioni delle colonne (testo)
sections[].table.rows    | lista   | Righe della tabella: ognuna una lista di celle (testo)
notes                    | testo   | Note libere in fondo al documento
""")


def _sample(kind: str, title: str) -> dict[str, Any]:
    header = patient_sample(kind)
    return {
        **header,
        **sample_sheet_context(),
        "title": title,
        "document": {**header["document"], "supersedes_version": None, "correction_reason": ""},
        "signature": {"signed": False, "signer": "", "signed_at": "", "reason": ""},
    }


SCHEMAS: dict[str, TemplateSchema] = {
    "therapy_sheet": TemplateSchema(
        code="therapy_sheet",
        title="Foglio di terapia",
        description="Stampato e firmato alla conferma della prescrizione (prescribing).",
        fields=_LAYOUT + _ADDED,
        sample=_sample("therapy_sheet", "Foglio di terapia — ANTEPRIMA"),
    ),
    "clinical_letter": TemplateSchema(
        code="clinical_letter",
        title="Lettere cliniche (dimissione, referto ambulatoriale, verbale GOM)",
        description=(
            "Un solo modello per lettera di dimissione, referto ambulatoriale e verbale "
            "del gruppo oncologico multidisciplinare: il tipo è in document.kind "
            "(discharge_letter, outpatient_report, tumour_board)."
        ),
        fields=_LAYOUT + _ADDED,
        sample=_sample("discharge_letter", "Lettera di dimissione — ANTEPRIMA"),
    ),
}


def schema_for(code: str) -> TemplateSchema | None:
    return SCHEMAS.get(code)


# --- the prints with their own context and required safety fields (schemas_labels.py) -------

# What the archive adds to every context (services._build): not the caller's keys.
ADDED_KEYS = frozenset({"hospital_name", "patient", "document", "signature"})

SCHEMAS["preparation_label"] = TemplateSchema(
    code="preparation_label",
    title="Etichetta della preparazione (UFA)",
    description=(
        "Stampata dalla UFA per ogni preparazione antiblastica (PDF 100×75 mm). Deve "
        "riportare paziente (due identificativi), farmaco, dose, volume, via con la sua "
        "avvertenza, scadenza e codice a barre."
    ),
    fields=PATIENT + LABEL + BARCODE,
    sample=label_sample(),
    layout=False,
    required=(
        *PATIENT_REQUIRED,
        "label.drug",
        "label.dose",
        "label.final_volume",
        "label.route",
        "label.expiry",
        "label.warning",
    ),
)
SCHEMAS["patient_bag_label"] = TemplateSchema(
    code="patient_bag_label",
    title="Etichetta del sacchetto paziente (check-out UFA)",
    description="Stampata al check-out: il paziente, le preparazioni del sacchetto e il codice BAG.",
    fields=PATIENT + BAG + BARCODE,
    sample=bag_sample(),
    layout=False,
    required=(*PATIENT_REQUIRED, "preparations[].code", "preparations[].drug"),
)
SCHEMAS["preparation_worksheet"] = TemplateSchema(
    code="preparation_worksheet",
    title="Foglio di lavorazione (UFA)",
    description="Il foglio A4 che accompagna l'allestimento: dati, flaconi, pesate, firme.",
    fields=PATIENT + LABEL + WORKSHEET + BARCODE,
    sample=worksheet_sample(),
    layout=False,
    required=(
        *PATIENT_REQUIRED,
        "label.drug",
        "label.dose",
        "label.final_volume",
        "label.route",
        "label.expiry",
    ),
)

SCHEMAS["galenic_label"] = TemplateSchema(
    code="galenic_label",
    title="Etichetta del lotto galenico",
    description=(
        "Stampata al rilascio del lotto (PDF 100×75 mm): composizione, lotto, date, "
        "conservazione e il numero di lotto in Code 128."
    ),
    fields=PATIENT + GALENIC + BARCODE,
    sample=galenic_sample(),
    layout=False,
    # the label's lines hold name and form, composition, batch, dates and storage, in
    # order (galenics/domain/label.py): every line must be printed
    required=("galenic.lines", "barcode.image"),
)
SCHEMAS.update(WARD_SCHEMAS)
SCHEMAS.update(PHARMACY_SCHEMAS)  # the receipt and the ward's delivery document (dispensing)

SCHEMAS.update(REPORT_SCHEMAS)  # the reports' PDF export (schemas_reports.py)


# --- the day's lists and the stay's diary (schemas_lists.py) ------------------------------------

from corsia.documents.schemas_lists import (  # noqa: E402
    CALL_IN,
    CALL_IN_REQUIRED,
    DIARY,
    DIARY_REQUIRED,
    PRINTED,
    REQUIREMENTS,
    REQUIREMENTS_REQUIRED,
    call_in_sample,
    diary_sample,
    requirements_sample,
)

SCHEMAS["requirements_sheet"] = TemplateSchema(
    code="requirements_sheet",
    title="Fabbisogno e lista di prelievo (UFA)",
    description=(
        "Stampato dalla UFA (A4 orizzontale): flaconi per medicinale e giorno delle "
        "prescrizioni pianificate, giacenza, cosa ordinare, lista di prelievo con i vassoi "
        "dei pazienti, mancanti e flaconi per dose."
    ),
    fields=PRINTED + REQUIREMENTS,
    sample=requirements_sample(),
    layout=False,
    required=REQUIREMENTS_REQUIRED,
)
SCHEMAS["call_in_list"] = TemplateSchema(
    code="call_in_list",
    title="Lista delle convocazioni del giorno (agenda)",
    description=(
        "Stampata dall'agenda per l'accettazione o il CUP: i pazienti attesi per ora di "
        "arrivo, con due identificativi, il posto e gli esami da fare prima."
    ),
    fields=PRINTED + CALL_IN,
    sample=call_in_sample(),
    layout=False,
    required=CALL_IN_REQUIRED,
)
SCHEMAS["discharge_diary"] = TemplateSchema(
    code="discharge_diary",
    title="Diario clinico del ricovero (alla dimissione)",
    description=(
        "Il diario clinico di un ricovero, dalla prima annotazione, stampato per la "
        "cartella alla dimissione: ogni annotazione con autore, ora e correzioni."
    ),
    fields=PRINTED + DIARY,
    sample=diary_sample(),
    layout=False,
    required=DIARY_REQUIRED,
)

# --- the ward therapy's and the transfusion's prints (schemas_therapy.py, schemas_transfusion.py)

from corsia.documents.schemas_therapy import THERAPY_SCHEMAS  # noqa: E402
from corsia.documents.schemas_transfusion import TRANSFUSION_SCHEMAS  # noqa: E402

SCHEMAS.update(THERAPY_SCHEMAS)
SCHEMAS.update(TRANSFUSION_SCHEMAS)
