"""The oncological diagnosis as the chart records it, and the performance status (pure).

The primary site is an ICD-9-CM diagnosis code (Italian version 2007, Ministero della
Salute); its presence in the catalogue is checked by the service, its shape here. The stage
is a plain field for now: the TNM / stage-group computation lives in ``staging.py`` and is
wired in later (``Diagnosis.stage``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed
from corsia.records.domain.moments import age_in_years, past_date
from corsia.records.domain.text import one_line

# 3 digits with up to 2 decimals (174.9), V codes (V10.3), E codes (E930.7)
_ICD9 = re.compile(r"(?:\d{3}(?:\.\d{1,2})?|V\d{2}(?:\.\d{1,2})?|E\d{3}(?:\.\d)?)")
# ICD-O-3 morphology: 4 digits, slash, behaviour code (0 benign ... 3 malignant, 6, 9)
_ICDO3 = re.compile(r"\d{4}/[0-369]")
MAX_BIOMARKERS = 30
MAX_METASTASES = 20


class Grade(LabelledCode):
    G1 = "G1", "G1 – ben differenziato"
    G2 = "G2", "G2 – moderatamente differenziato"
    G3 = "G3", "G3 – scarsamente differenziato"
    G4 = "G4", "G4 – indifferenziato"
    GX = "GX", "GX – non valutabile"


GRADE_LABELS_IT: dict[Grade, str] = Grade.labels_it()


def icd9_code(raw: str | None) -> str:
    """The code as the catalogue writes it (upper case, no blanks) or ``icd9_invalid``."""
    code = "".join((raw or "").split()).upper()
    if not code:
        raise ValidationFailed(
            "Indica il codice ICD-9-CM della sede.", code="required", field="primary_site_code"
        )
    if len(code) > 8 or not _ICD9.fullmatch(code):
        raise ValidationFailed(
            f"«{code[:12]}» non è un codice ICD-9-CM (es. 174.9, 162.3, V10.3).",
            code="icd9_invalid",
            field="primary_site_code",
        )
    return code


def icdo3_morphology(raw: str | None) -> str:
    code = "".join((raw or "").split())
    if code and not _ICDO3.fullmatch(code):
        raise ValidationFailed(
            f"«{code[:12]}» non è un codice morfologico ICD-O-3 (es. 8140/3).",
            code="icdo3_invalid",
            field="morphology_icdo3",
        )
    return code


def grade(raw: str | None) -> str:
    text = (raw or "").strip().upper()
    if not text:
        return ""
    try:
        return Grade(text).value
    except ValueError:
        raise ValidationFailed(
            "Grado istologico non valido (G1, G2, G3, G4 o GX).",
            code="grade_invalid",
            field="grade",
        ) from None


@dataclass(frozen=True)
class Biomarker:
    marker: str  # EGFR, ALK, KRAS, BRAF, HER2, MSI, PD-L1, BCR-ABL, FLT3, NPM1, ...
    result: str  # "mutato (esone 19)", "negativo", "TPS 60%"
    tested_on: date | None = None

    def as_dict(self) -> dict[str, str | None]:
        when = self.tested_on.isoformat() if self.tested_on else None
        return {"marker": self.marker, "result": self.result, "tested_on": when}


def biomarkers(items: list[Biomarker], *, today: date) -> list[Biomarker]:
    if len(items) > MAX_BIOMARKERS:
        raise ValidationFailed(
            f"Al massimo {MAX_BIOMARKERS} marcatori.", code="too_many", field="biomarkers"
        )
    clean = []
    for item in items:
        marker = one_line(item.marker, field="biomarkers", limit=40)
        result = one_line(item.result, field="biomarkers", limit=200)
        tested = past_date(item.tested_on, today=today, field="biomarkers", required=False)
        clean.append(Biomarker(marker=marker, result=result, tested_on=tested))
    return clean


def metastases(sites: list[str]) -> list[str]:
    clean = [one_line(s, field="metastases", limit=100) for s in sites if (s or "").strip()]
    if len(clean) > MAX_METASTASES:
        raise ValidationFailed(
            f"Al massimo {MAX_METASTASES} sedi.", code="too_many", field="metastases"
        )
    return clean


# --- performance status ---------------------------------------------------------------------------


class Scale(LabelledCode):
    ECOG = "ecog", "ECOG"
    KARNOFSKY = "karnofsky", "Karnofsky"
    LANSKY = "lansky", "Lansky (età < 16 anni)"


SCALE_LABELS_IT: dict[Scale, str] = Scale.labels_it()
LANSKY_MAX_AGE = 16  # Lansky play-performance scale: children and adolescents below 16


def performance_status(
    scale_raw: str | None, value: int | None, *, born: date, on: date
) -> tuple[Scale, int]:
    """ECOG 0–5; Karnofsky and Lansky 0–100 in steps of ten; Lansky only under 16 years
    (Lansky SB et al., Cancer 1987;60:1651); Karnofsky from 16 years."""
    try:
        scale = Scale((scale_raw or "").strip())
    except ValueError:
        raise ValidationFailed(
            "Scegli la scala (ECOG, Karnofsky o Lansky).", code="scale_invalid", field="scale"
        ) from None
    if value is None:
        raise ValidationFailed("Indica il valore.", code="required", field="value")
    if scale is Scale.ECOG:
        if not 0 <= value <= 5:
            raise ValidationFailed(
                "ECOG va da 0 a 5.", code="performance_status_invalid", field="value"
            )
        return scale, value
    if not 0 <= value <= 100 or value % 10:
        raise ValidationFailed(
            f"{SCALE_LABELS_IT[scale]}: da 0 a 100, a decine.",
            code="performance_status_invalid",
            field="value",
        )
    young = age_in_years(born, on) < LANSKY_MAX_AGE
    if scale is Scale.LANSKY and not young:
        raise ValidationFailed(
            "La scala di Lansky è per i pazienti sotto i 16 anni: usa Karnofsky.",
            code="lansky_adult",
            field="scale",
        )
    if scale is Scale.KARNOFSKY and young:
        raise ValidationFailed(
            "Sotto i 16 anni si usa la scala di Lansky.", code="karnofsky_child", field="scale"
        )
    return scale, value
