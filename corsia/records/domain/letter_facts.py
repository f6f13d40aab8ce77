"""The facts a clinical letter is built from, as the selectors read them from the chart
(pure, frozen; times already in local time)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from corsia.records.domain.vitals import Vital


@dataclass(frozen=True)
class PatientFacts:
    id: int
    surname: str
    given_names: str
    sex: str
    date_of_birth: date
    mrn: str
    codice_fiscale: str


@dataclass(frozen=True)
class EncounterFacts:
    id: int
    kind: str
    kind_label: str
    ward: str
    admitted_at: datetime  # local time
    discharged_at: datetime | None


@dataclass(frozen=True)
class DiagnosisFacts:
    id: int
    icd9: str
    label: str
    histotype: str
    morphology_icdo3: str
    grade: str
    stage: str
    staging_system: str
    biomarkers: str  # "EGFR: mutato; ALK: negativo"
    metastases: str
    diagnosed_on: date


@dataclass(frozen=True)
class TextFacts:
    """A signed text of the chart: an anamnesis section, a raccordo, a diary entry."""

    source: str
    label: str
    text: str
    at: datetime | None = None
    author: str = ""


@dataclass(frozen=True)
class AllergyFacts:
    state: str  # listed, none_known, not_asked
    text: str
    items: tuple[tuple[int, str, str, str], ...] = ()  # (id, substance, reaction, severity)


@dataclass(frozen=True)
class VitalsFacts:
    id: int
    at: datetime
    values: Mapping[Vital, Decimal | None]


@dataclass(frozen=True)
class LabFacts:
    id: int
    at: datetime
    analyte: str
    value: Decimal
    unit: str
    reference_low: Decimal | None
    reference_high: Decimal | None
    flag: str


@dataclass(frozen=True)
class ReportFacts:
    """A pathology, imaging or consultation report of the period (current version)."""

    id: int
    kind: str
    kind_label: str
    loinc: str
    performed_on: date
    title: str  # "Diagnostica per immagini · TC · TC torace-addome con mdc"
    issuer: str
    reporting_clinician: str
    accession: str
    conclusion: str
    morphology_icdo3: str = ""
    corrected: bool = False


@dataclass(frozen=True)
class PerformanceFacts:
    id: int
    scale: str
    value: int
    assessed_on: date


@dataclass(frozen=True)
class TherapyLine:
    item_id: int
    ingredient: str
    ingredient_code: str
    dose: Decimal
    unit: str
    route: str
    scheduled_on: date
    given: Decimal | None  # amount recorded as given at the bedside (None: not given)
    given_finished: bool


@dataclass(frozen=True)
class TherapyFacts:
    order_id: int
    regimen: str
    cycle: int
    start_date: date
    state_label: str
    lines: tuple[TherapyLine, ...]


@dataclass(frozen=True)
class ToxicityFacts:
    id: int
    term: str
    meddra_code: str
    grade: int
    onset: date
    resolution: date | None
    attribution: str
    serious: bool


@dataclass(frozen=True)
class ChartFacts:
    patient: PatientFacts
    encounter: EncounterFacts | None
    period_start: datetime  # local
    period_end: datetime  # local
    diagnoses: tuple[DiagnosisFacts, ...] = ()
    anamnesis: tuple[TextFacts, ...] = ()
    allergies: AllergyFacts | None = None
    diary: tuple[TextFacts, ...] = ()
    vitals: tuple[VitalsFacts, ...] = ()
    labs: tuple[LabFacts, ...] = ()
    reports: tuple[ReportFacts, ...] = ()
    performance: tuple[PerformanceFacts, ...] = ()
    therapies: tuple[TherapyFacts, ...] | None = None  # None: the reader may not see orders
    toxicities: tuple[ToxicityFacts, ...] | None = None  # None: the reader may not see them
    hidden: tuple[str, ...] = field(default_factory=tuple)
