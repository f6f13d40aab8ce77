"""Diagnoses, treatment lines and responses for the clinical statistics (capitolato §21), as
frozen rows. The report that reads them checks its permission and writes the access log for
its run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from corsia.records.domain.course import EndReason
from corsia.records.models import Diagnosis, DiagnosisStaging, ResponseEvaluation, TreatmentLine

# a response that is progression: RECIST / Lugano CT "pd", Lugano PET "pmd"
PROGRESSION_RESPONSES = frozenset({"pd", "pmd"})


@dataclass(frozen=True, slots=True)
class DiagnosisStat:
    diagnosis_id: int
    patient_id: int
    diagnosed_on: date
    site_code: str  # ICD-9-CM primary site
    site_label: str
    histotype: str
    morphology_icdo3: str
    stage: str  # the signed computed staging's stage, else the stage written by hand
    staging_system: str


@dataclass(frozen=True, slots=True)
class LineStat:
    line_id: int
    patient_id: int
    number: int
    regimen_code: str
    regimen_name: str
    started_on: date
    ended_on: date | None
    end_reason: str  # EndReason value, "" while open
    died: bool  # the line ended with the patient's death
    progressed_on: date | None  # first progression recorded on this line (response or end)
    best_response: str  # cr > pr > sd / non_cr_non_pd > pd, "" when none evaluated
    last_evaluated_on: date | None


_RESPONSE_RANK = {"cr": 0, "cmr": 0, "pr": 1, "pmr": 1, "sd": 2, "nmr": 2, "non_cr_non_pd": 2}


def diagnoses_for_statistics(*, until: date) -> list[DiagnosisStat]:
    """Every oncological diagnosis made on or before ``until`` (the caller keeps each
    patient's first), by date."""
    stagings: dict[int, tuple[str, str]] = {}
    for s in DiagnosisStaging.objects.filter(staged_on__lte=until).order_by("number", "pk"):
        stagings[s.diagnosis_id] = (s.stage, s.system)  # the newest version wins
    rows = (
        Diagnosis.objects.filter(diagnosed_on__lte=until)
        .select_related("primary_site")
        .order_by("diagnosed_on", "pk")
    )
    out = []
    for d in rows:
        stage, system = stagings.get(d.pk, (d.stage, d.staging_system))
        out.append(
            DiagnosisStat(
                diagnosis_id=d.pk,
                patient_id=d.patient_id,
                diagnosed_on=d.diagnosed_on,
                site_code=d.primary_site.code,
                site_label=d.primary_site.description_it,
                histotype=d.histotype,
                morphology_icdo3=d.morphology_icdo3,
                stage=stage,
                staging_system=system,
            )
        )
    return out


def lines_for_statistics(*, started_until: date) -> list[LineStat]:
    """Every treatment line started on or before ``started_until``, with its outcome: death,
    first progression, best response. By patient and line."""
    evaluations: dict[int, list[ResponseEvaluation]] = {}
    for e in ResponseEvaluation.objects.filter(baseline=False).order_by("evaluated_on", "pk"):
        evaluations.setdefault(e.line_id, []).append(e)
    out = []
    for line in TreatmentLine.objects.filter(started_on__lte=started_until).order_by(
        "patient_id", "number", "pk"
    ):
        evals = evaluations.get(line.pk, [])
        progressed = next(
            (e.evaluated_on for e in evals if e.response in PROGRESSION_RESPONSES), None
        )
        if progressed is None and line.end_reason == EndReason.PROGRESSION.value:
            progressed = line.ended_on
        ranked = [e.response for e in evals if e.response in _RESPONSE_RANK]
        best = min(ranked, key=_RESPONSE_RANK.__getitem__) if ranked else ""
        if not best and any(e.response in PROGRESSION_RESPONSES for e in evals):
            best = "pd"
        out.append(
            LineStat(
                line_id=line.pk,
                patient_id=line.patient_id,
                number=line.number,
                regimen_code=line.regimen_code,
                regimen_name=line.regimen_name,
                started_on=line.started_on,
                ended_on=line.ended_on,
                end_reason=line.end_reason,
                died=line.end_reason == EndReason.DEATH.value,
                progressed_on=progressed,
                best_response=best,
                last_evaluated_on=evals[-1].evaluated_on if evals else None,
            )
        )
    return out
