"""Clinical reports kept in the chart (pure): pathology (anatomia patologica: istologia,
citologia), imaging (diagnostica per immagini) and specialist consultations (consulenza
specialistica), entered by hand or received from the lab system (a later HL7 ORU interface
delivers into the same model).

A report is recorded and signed at once and never changed: a correction is a new report
that supersedes it, with its reason. What the shape of each field must be, and which
fields belong to which kind, is decided here; the service adds the patient's birth date,
today's date and the database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.records.domain import diagnosis
from corsia.records.domain.moments import past_date
from corsia.records.domain.text import clinical_text, one_line

FINDINGS_MAX = 20_000  # the description of a CT or a histology: long, not a file dump
CONCLUSION_MAX = 8_000
ISSUER_MAX = 200
CLINICIAN_MAX = 200
EXAMINATION_MAX = 300
ACCESSION_MAX = 40
HISTOTYPE_MAX = 200
MESSAGE_ID_MAX = 100
# ICD-O-3 morphology: 4 ASCII digits, slash, behaviour (0 benign, 1 uncertain, 2 in situ,
# 3 malignant primary, 6 malignant metastatic, 9 malignant, primary or metastatic uncertain)
_ICDO3 = re.compile(r"[0-9]{4}/[012369]", re.ASCII)
ICDO3_SQL = r"^[0-9]{4}/[012369]$"  # the same shape, for the database's check constraint


class ReportKind(LabelledCode):
    PATHOLOGY = "pathology", "Anatomia patologica (istologia, citologia)"
    IMAGING = "imaging", "Diagnostica per immagini"
    CONSULTATION = "consultation", "Consulenza specialistica"
    OTHER = "other", "Altro referto"


KIND_LABELS_IT: dict[ReportKind, str] = ReportKind.labels_it()
# LOINC document type of each kind, kept with the row (the FSE and HL7 ORU mappings read it).
KIND_LOINC: dict[ReportKind, str] = {
    ReportKind.PATHOLOGY: "11526-1",  # Pathology study
    ReportKind.IMAGING: "18748-4",  # Diagnostic imaging study
    ReportKind.CONSULTATION: "11488-4",  # Consult note
    ReportKind.OTHER: "47045-0",  # Study report
}


class Modality(LabelledCode):
    CT = "ct", "TC"
    MR = "mr", "RM"
    PET_CT = "pet_ct", "PET-TC"
    ULTRASOUND = "us", "Ecografia"
    XRAY = "xr", "RX"
    SCINTIGRAPHY = "nm", "Scintigrafia"
    OTHER = "other", "Altra metodica"


MODALITY_LABELS_IT: dict[Modality, str] = Modality.labels_it()


class ReportSource(LabelledCode):
    MANUAL = "manual", "Inserito a mano"  # typed into Corsia by the recording physician
    INTERFACE = (
        "interface",
        "Ricevuto dal sistema di laboratorio",
    )  # received from the lab system (HL7 ORU), with its message id


SOURCE_LABELS_IT: dict[ReportSource, str] = ReportSource.labels_it()


def report_kind(raw: str | None) -> ReportKind:
    try:
        return ReportKind((raw or "").strip())
    except ValueError:
        raise ValidationFailed(
            "Scegli il tipo di referto: anatomia patologica, diagnostica per immagini, "
            "consulenza specialistica o altro.",
            code="report_kind_invalid",
            field="kind",
        ) from None


def modality(raw: str | None, *, kind: ReportKind) -> str:
    """The imaging modality: required for an imaging report, refused for the others."""
    text = (raw or "").strip()
    if kind is not ReportKind.IMAGING:
        if text:
            raise ValidationFailed(
                "La metodica si indica solo per i referti di diagnostica per immagini.",
                code="field_not_applicable",
                field="modality",
            )
        return ""
    if not text:
        raise ValidationFailed(
            "Indica la metodica (TC, RM, PET-TC, ecografia, RX, scintigrafia, altro).",
            code="required",
            field="modality",
        )
    try:
        return Modality(text).value
    except ValueError:
        raise ValidationFailed(
            "Metodica non valida: TC, RM, PET-TC, ecografia, RX, scintigrafia o altro.",
            code="modality_invalid",
            field="modality",
        ) from None


def icdo3_morphology(raw: str | None) -> str:
    """An ICD-O-3 morphology code (8140/3) or empty; anything else ``icdo3_invalid``."""
    text = (raw or "").strip()
    if not text:
        return ""
    if len(text) > 6 or not _ICDO3.fullmatch(text):
        shown = one_line(text[:12], field="morphology_icdo3", required=False)
        raise ValidationFailed(
            f"«{shown}» non è un codice morfologico ICD-O-3: quattro cifre, barra e codice "
            "di comportamento 0, 1, 2, 3, 6 o 9 (es. 8140/3).",
            code="icdo3_invalid",
            field="morphology_icdo3",
        )
    return text


def performed_on(day: date | None, *, today: date, born: date) -> date:
    """The day the examination was performed: not in the future, not before the patient
    was born."""
    found = past_date(day, today=today, field="performed_on")
    assert found is not None  # required above
    if found < born:
        raise ValidationFailed(
            "La data dell'esame non può precedere la nascita del paziente.",
            code="before_birth",
            field="performed_on",
        )
    return found


@dataclass(frozen=True)
class ReportText:
    """What a person (or the lab system) wrote, as typed."""

    kind: str
    performed_on: date | None
    issuer: str
    conclusion: str
    findings: str = ""
    reporting_clinician: str = ""
    accession: str = ""
    examination: str = ""
    histotype: str = ""
    morphology_icdo3: str = ""
    grade: str = ""
    modality: str = ""


@dataclass(frozen=True)
class CleanReport:
    kind: ReportKind
    loinc: str
    performed_on: date
    issuer: str
    conclusion: str
    findings: str
    reporting_clinician: str
    accession: str
    examination: str
    histotype: str
    morphology_icdo3: str
    grade: str
    modality: str


def checked(data: ReportText, *, today: date, born: date) -> CleanReport:
    """The report cleaned, or the first refusal (Italian message, stable code, field)."""
    kind = report_kind(data.kind)
    histotype = one_line(data.histotype, field="histotype", limit=HISTOTYPE_MAX, required=False)
    morphology = icdo3_morphology(data.morphology_icdo3)
    grade = diagnosis.grade(data.grade)
    if kind is not ReportKind.PATHOLOGY:
        extra = next(
            (
                name
                for name, value in (
                    ("histotype", histotype),
                    ("morphology_icdo3", morphology),
                    ("grade", grade),
                )
                if value
            ),
            None,
        )
        if extra is not None:
            raise ValidationFailed(
                "Istotipo, morfologia ICD-O-3 e grado si indicano solo per i referti di "
                "anatomia patologica.",
                code="field_not_applicable",
                field=extra,
            )
    return CleanReport(
        kind=kind,
        loinc=KIND_LOINC[kind],
        performed_on=performed_on(data.performed_on, today=today, born=born),
        issuer=one_line(data.issuer, field="issuer", limit=ISSUER_MAX),
        conclusion=clinical_text(data.conclusion, field="conclusion", limit=CONCLUSION_MAX),
        findings=clinical_text(data.findings, field="findings", required=False, limit=FINDINGS_MAX),
        reporting_clinician=one_line(
            data.reporting_clinician,
            field="reporting_clinician",
            limit=CLINICIAN_MAX,
            required=False,
        ),
        accession=one_line(data.accession, field="accession", limit=ACCESSION_MAX, required=False),
        examination=one_line(
            data.examination, field="examination", limit=EXAMINATION_MAX, required=False
        ),
        histotype=histotype,
        morphology_icdo3=morphology,
        grade=grade,
        modality=modality(data.modality, kind=kind),
    )


def message_id(raw: str | None, *, source: ReportSource) -> str:
    """The sender's message id: required for a report received from the interface, absent
    for one typed by hand."""
    text = one_line(raw, field="message_id", limit=MESSAGE_ID_MAX, required=False)
    if source is ReportSource.INTERFACE and not text:
        raise ValidationFailed(
            "Un referto ricevuto dall'interfaccia porta l'identificativo del messaggio.",
            code="required",
            field="message_id",
        )
    if source is ReportSource.MANUAL and text:
        raise ValidationFailed(
            "Un referto inserito a mano non ha identificativo di messaggio.",
            code="field_not_applicable",
            field="message_id",
        )
    return text


def ensure_correctable(*, superseded: bool) -> None:
    """Only the newest version of a report may be corrected (a chain, never a fork)."""
    if superseded:
        raise ConflictError(
            "Il referto è già stato corretto: correggi la versione più recente.",
            code="report_superseded",
        )


def accession_taken(accession: str) -> ValidationFailed:
    return ValidationFailed(
        f"Il numero di accettazione «{accession}» è già registrato per un altro referto "
        "dello stesso tipo di questo paziente.",
        code="accession_duplicate",
        field="accession",
    )


def summary(kind: ReportKind, *, modality_code: str, examination: str) -> str:
    """One line naming the report: "Diagnostica per immagini · TC · TC torace-addome"."""
    parts = [KIND_LABELS_IT[kind]]
    if modality_code:
        parts.append(MODALITY_LABELS_IT[Modality(modality_code)])
    if examination:
        parts.append(examination)
    return " · ".join(parts)
