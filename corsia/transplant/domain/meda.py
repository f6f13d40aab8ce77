"""The EBMT registry's Minimum Essential Data A (MED-A): one transplant's record for export.

Frozen dataclasses in (the transplant at day 0 and its follow-up reports), a documented,
ordered record out (:class:`MedARecord`: field name → value, CSV/JSON-ready strings).
The field names follow the sections of EBMT's MED-A forms (Day 0 / HSCT; Day 100 and
annual follow-up); their mapping to Corsia's data, and the code lists, are written in
``docs/transplant-meda.md``. EBMT's numeric codes for its registry (MACRO) are not
published as an open code list: the values here are Corsia's stable English codes, one
for each answer the public forms print, translated at the registry's import.

Consistency refused here (a clear Italian error, nothing exported): a follow-up dated
before day 0; a dead patient without the date or the main cause of death, or a cause
for a living one; a death before the follow-up's events; an aGVHD grade without its
onset date (and the reverse); a relapse, cGVHD or second transplant date outside day 0
… the follow-up date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from corsia.core.domain.errors import ValidationFailed


class HsctType(StrEnum):
    AUTOLOGOUS = "autologous"
    ALLOGENEIC = "allogeneic"


class StemCellSource(StrEnum):
    BONE_MARROW = "bone_marrow"
    PERIPHERAL_BLOOD = "peripheral_blood"
    CORD_BLOOD = "cord_blood"
    OTHER = "other"


class DonorType(StrEnum):
    NONE = "none"  # autologous
    HLA_IDENTICAL_SIBLING = "hla_identical_sibling"
    HAPLOIDENTICAL_RELATIVE = "haploidentical_relative"
    OTHER_RELATIVE = "other_relative"
    UNRELATED = "unrelated"
    UNKNOWN = "unknown"  # allogeneic, the donor not (yet) recorded


class TimePoint(StrEnum):
    DAY_100 = "day_100"
    ONE_YEAR = "one_year"
    ANNUAL = "annual"  # later yearly reports


class Survival(StrEnum):
    ALIVE = "alive"
    DEAD = "dead"
    LOST = "lost_to_follow_up"


class DeathCause(StrEnum):
    RELAPSE_OR_PROGRESSION = "relapse_or_progression"
    SECONDARY_MALIGNANCY = "secondary_malignancy"
    HSCT_RELATED = "hsct_related"  # with the contributing cause below
    CELL_THERAPY_RELATED = "cell_therapy_related"
    UNKNOWN = "unknown"
    OTHER = "other"


class HsctRelatedCause(StrEnum):
    GVHD = "gvhd"
    INFECTION = "infection"
    INTERSTITIAL_PNEUMONITIS = "interstitial_pneumonitis"
    TOXICITY = "toxicity"
    REJECTION_OR_GRAFT_FAILURE = "rejection_or_graft_failure"
    HAEMORRHAGE = "haemorrhage"
    VOD_SOS = "vod_sos"
    OTHER = "other"


class Recovery(StrEnum):
    """Neutrophil (≥ 0.5 × 10⁹/L) or platelet (≥ 20 × 10⁹/L) recovery."""

    YES = "yes"
    NO = "no"
    NEVER_BELOW = "never_below"
    UNKNOWN = "unknown"


class AgvhdGrade(StrEnum):
    NONE = "0"
    I = "I"  # noqa: E741 — the grade's published name
    II = "II"
    III = "III"
    IV = "IV"
    PRESENT_GRADE_UNKNOWN = "present_grade_unknown"
    UNKNOWN = "unknown"


class CgvhdSeverity(StrEnum):
    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    PRESENT_SEVERITY_UNKNOWN = "present_severity_unknown"
    UNKNOWN = "unknown"


class Response(StrEnum):
    """Best disease response after the transplant (the disease-specific detail — CR,
    VGPR, PR… — lives in the disease's own MED-A section)."""

    COMPLETE_REMISSION = "complete_remission"
    PARTIAL_RESPONSE = "partial_response"
    STABLE_DISEASE = "stable_disease"
    PROGRESSION = "progression"
    NOT_EVALUATED = "not_evaluated"
    UNKNOWN = "unknown"


class PerformanceScale(StrEnum):
    KARNOFSKY = "karnofsky"
    LANSKY = "lansky"


@dataclass(frozen=True)
class MedATransplant:
    """The Day 0 part: who, when, what kind of transplant."""

    centre_code: str  # the centre's EBMT CIC
    patient_upn: str  # the centre's unique patient number, never the name or fiscal code
    hsct_date: date
    hsct_type: HsctType
    source: StemCellSource
    donor: DonorType
    hsct_number: int = 1  # 1 for the first transplant of this patient

    def __post_init__(self) -> None:
        for field, value in (("centre_code", self.centre_code), ("patient_upn", self.patient_upn)):
            if not value or len(value) > 20 or not value.isprintable():
                raise ValidationFailed(
                    "Codice centro e UPN del paziente: testo stampabile, 1–20 caratteri.",
                    code=f"{field}_invalid",
                    field=field,
                )
        autologous = self.hsct_type is HsctType.AUTOLOGOUS
        if autologous != (self.donor is DonorType.NONE):
            raise ValidationFailed(
                "Il trapianto autologo non ha donatore; l'allogenico sì.",
                code="donor_inconsistent",
                field="donor",
            )
        if isinstance(self.hsct_number, bool) or not 1 <= self.hsct_number <= 20:
            raise ValidationFailed(
                "Numero del trapianto non valido.", code="hsct_number_invalid", field="hsct_number"
            )


@dataclass(frozen=True)
class MedAFollowUp:
    """One follow-up report (day +100, 1 year, later yearly)."""

    time_point: TimePoint
    assessed_on: date  # the date of the last contact
    survival: Survival
    neutrophil_recovery: Recovery = Recovery.UNKNOWN
    neutrophil_date: date | None = None
    platelet_recovery: Recovery = Recovery.UNKNOWN
    platelet_date: date | None = None
    agvhd_max_grade: AgvhdGrade = AgvhdGrade.UNKNOWN
    agvhd_onset: date | None = None
    cgvhd: CgvhdSeverity = CgvhdSeverity.UNKNOWN
    cgvhd_onset: date | None = None
    relapse_or_progression: bool | None = None
    relapse_date: date | None = None
    best_response: Response = Response.UNKNOWN
    performance_scale: PerformanceScale | None = None
    performance_score: int | None = None
    second_transplant: bool = False
    second_transplant_date: date | None = None
    death_date: date | None = None
    death_cause: DeathCause | None = None
    death_hsct_related_cause: HsctRelatedCause | None = None


def _fail(message: str, code: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, field=field)


def _check_follow_up(t: MedATransplant, f: MedAFollowUp) -> None:
    if f.assessed_on < t.hsct_date:
        raise _fail(
            "La data del follow-up precede il giorno 0.", "follow_up_before_day_zero", "assessed_on"
        )
    dated = (
        ("neutrophil_date", f.neutrophil_date, "Attecchimento neutrofili"),
        ("platelet_date", f.platelet_date, "Attecchimento piastrine"),
        ("agvhd_onset", f.agvhd_onset, "Esordio GVHD acuta"),
        ("cgvhd_onset", f.cgvhd_onset, "Esordio GVHD cronica"),
        ("relapse_date", f.relapse_date, "Recidiva/progressione"),
        ("second_transplant_date", f.second_transplant_date, "Secondo trapianto"),
        ("death_date", f.death_date, "Decesso"),
    )
    for field, when, label in dated:
        if when is not None and not t.hsct_date <= when <= f.assessed_on:
            raise _fail(
                f"{label}: la data deve cadere tra il giorno 0 e la data del follow-up.",
                f"{field}_out_of_period",
                field,
            )
    if f.survival is Survival.DEAD:
        if f.death_date is None or f.death_cause is None:
            raise _fail(
                "Per un paziente deceduto servono la data e la causa principale del decesso.",
                "death_details_missing",
                "death_cause",
            )
        later = [
            label for field, when, label in dated[:-1] if when is not None and when > f.death_date
        ]
        if later:
            raise _fail(
                f"Eventi datati dopo il decesso: {', '.join(later)}.",
                "event_after_death",
                "death_date",
            )
    elif f.death_date is not None or f.death_cause is not None:
        raise _fail(
            "Data o causa del decesso indicate per un paziente non deceduto.",
            "death_details_unexpected",
            "survival",
        )
    if (f.death_cause is DeathCause.HSCT_RELATED) != (f.death_hsct_related_cause is not None):
        raise _fail(
            "La causa legata al trapianto si indica se, e solo se, il decesso è legato al trapianto.",
            "hsct_related_cause_inconsistent",
            "death_hsct_related_cause",
        )
    for field, recovery, when in (
        ("neutrophil_date", f.neutrophil_recovery, f.neutrophil_date),
        ("platelet_date", f.platelet_recovery, f.platelet_date),
    ):
        if (recovery is Recovery.YES) != (when is not None):
            raise _fail(
                "La data di attecchimento si indica se, e solo se, l'attecchimento c'è stato.",
                "recovery_date_inconsistent",
                field,
            )
    graded = f.agvhd_max_grade not in (AgvhdGrade.NONE, AgvhdGrade.UNKNOWN)
    if f.agvhd_onset is not None and not graded:
        raise _fail(
            "Data di esordio della GVHD acuta senza GVHD acuta.",
            "agvhd_onset_unexpected",
            "agvhd_onset",
        )
    if graded and f.agvhd_onset is None:
        raise _fail(
            "Indica la data di esordio della GVHD acuta.", "agvhd_onset_missing", "agvhd_onset"
        )
    present = f.cgvhd not in (CgvhdSeverity.NONE, CgvhdSeverity.UNKNOWN)
    if present != (f.cgvhd_onset is not None):
        raise _fail(
            "La data di esordio della GVHD cronica si indica se, e solo se, è presente.",
            "cgvhd_onset_inconsistent",
            "cgvhd_onset",
        )
    if (f.relapse_or_progression is True) != (f.relapse_date is not None):
        raise _fail(
            "La data di recidiva/progressione si indica se, e solo se, c'è stata.",
            "relapse_date_inconsistent",
            "relapse_date",
        )
    if f.second_transplant != (f.second_transplant_date is not None):
        raise _fail(
            "La data del secondo trapianto si indica se, e solo se, c'è stato.",
            "second_transplant_date_inconsistent",
            "second_transplant_date",
        )
    if (f.performance_scale is None) != (f.performance_score is None):
        raise _fail(
            "Indica insieme la scala (Karnofsky o Lansky) e il punteggio.",
            "performance_inconsistent",
            "performance_score",
        )
    if f.performance_score is not None and (
        isinstance(f.performance_score, bool) or f.performance_score not in range(10, 101, 10)
    ):
        raise _fail(
            "Punteggio Karnofsky/Lansky: un multiplo di 10 tra 10 e 100.",
            "performance_score_invalid",
            "performance_score",
        )


# The record's columns, in order: (name, Italian label). The mapping is in the docs.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("centre_code", "Codice centro (CIC)"),
    ("patient_upn", "UPN paziente"),
    ("hsct_number", "Numero del trapianto"),
    ("hsct_date", "Data del trapianto (giorno 0)"),
    ("hsct_type", "Tipo di trapianto"),
    ("stem_cell_source", "Sorgente di cellule staminali"),
    ("donor_type", "Tipo di donatore"),
    ("time_point", "Follow-up"),
    ("last_contact_date", "Data dell'ultimo contatto"),
    ("days_since_hsct", "Giorni dal trapianto"),
    ("survival_status", "Stato in vita"),
    ("death_date", "Data del decesso"),
    ("main_cause_of_death", "Causa principale del decesso"),
    ("hsct_related_cause", "Causa legata al trapianto"),
    ("anc_recovery", "Recupero neutrofili ≥ 0,5 × 10⁹/L"),
    ("anc_recovery_date", "Data recupero neutrofili"),
    ("platelet_recovery", "Recupero piastrine ≥ 20 × 10⁹/L"),
    ("platelet_recovery_date", "Data recupero piastrine"),
    ("agvhd_max_grade", "GVHD acuta: grado massimo"),
    ("agvhd_onset_date", "GVHD acuta: data di esordio"),
    ("cgvhd", "GVHD cronica (NIH)"),
    ("cgvhd_onset_date", "GVHD cronica: data di esordio"),
    ("relapse_or_progression", "Recidiva o progressione"),
    ("relapse_date", "Data recidiva/progressione"),
    ("best_response", "Migliore risposta dopo il trapianto"),
    ("performance_scale", "Scala del performance status"),
    ("performance_score", "Performance status"),
    ("second_transplant", "Secondo trapianto"),
    ("second_transplant_date", "Data del secondo trapianto"),
)


@dataclass(frozen=True)
class MedARecord:
    """One exported row: every column of :data:`COLUMNS`, as strings ('' = not applicable)."""

    values: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, str]:
        return dict(self.values)


def _d(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def meda_record(transplant: MedATransplant, follow_up: MedAFollowUp) -> MedARecord:
    """The MED-A row of one follow-up report of one transplant (checked first)."""
    _check_follow_up(transplant, follow_up)
    t, f = transplant, follow_up
    values = {
        "centre_code": t.centre_code,
        "patient_upn": t.patient_upn,
        "hsct_number": str(t.hsct_number),
        "hsct_date": _d(t.hsct_date),
        "hsct_type": t.hsct_type.value,
        "stem_cell_source": t.source.value,
        "donor_type": t.donor.value,
        "time_point": f.time_point.value,
        "last_contact_date": _d(f.assessed_on),
        "days_since_hsct": str((f.assessed_on - t.hsct_date).days),
        "survival_status": f.survival.value,
        "death_date": _d(f.death_date),
        "main_cause_of_death": f.death_cause.value if f.death_cause else "",
        "hsct_related_cause": (
            f.death_hsct_related_cause.value if f.death_hsct_related_cause else ""
        ),
        "anc_recovery": f.neutrophil_recovery.value,
        "anc_recovery_date": _d(f.neutrophil_date),
        "platelet_recovery": f.platelet_recovery.value,
        "platelet_recovery_date": _d(f.platelet_date),
        "agvhd_max_grade": f.agvhd_max_grade.value,
        "agvhd_onset_date": _d(f.agvhd_onset),
        "cgvhd": f.cgvhd.value,
        "cgvhd_onset_date": _d(f.cgvhd_onset),
        "relapse_or_progression": _yes_no(f.relapse_or_progression),
        "relapse_date": _d(f.relapse_date),
        "best_response": f.best_response.value,
        "performance_scale": f.performance_scale.value if f.performance_scale else "",
        "performance_score": "" if f.performance_score is None else str(f.performance_score),
        "second_transplant": _yes_no(f.second_transplant),
        "second_transplant_date": _d(f.second_transplant_date),
    }
    return MedARecord(tuple((name, values[name]) for name, _ in COLUMNS))
