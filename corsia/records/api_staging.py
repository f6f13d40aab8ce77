"""JSON API of the structured staging and the prognostic scores:
``/api/v1/patients/{id}/stagings``, ``/api/v1/patients/{id}/prognostic-scores`` and the
catalogues ``/api/v1/records/staging-systems``, ``/api/v1/records/prognostic-scores``.
Same permissions as the pages (records.view_chart to read, records.write_diary to write)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from corsia.core.access import api_perm
from corsia.core.web import acting, reading
from corsia.records import selectors_staging, services
from corsia.records.domain.prognosis.catalogue import SCORES
from corsia.records.domain.staging.catalogue import SYSTEMS
from corsia.records.schemas_staging import (
    CalculationOut,
    ScoreIn,
    ScoreOut,
    StagingIn,
    StagingOut,
    inputs_out,
    score_out,
    staging_out,
)

router = Router(tags=["records"])  # under /api/v1/patients
catalogue_router = Router(tags=["records"])  # /api/v1/records: no patient data
VIEW = "records.view_chart"
WRITE = "records.write_diary"


@router.get("/{patient_id}/stagings", response=list[StagingOut])
@api_perm(VIEW)
def stagings(request: HttpRequest, patient_id: int) -> list[StagingOut]:
    """Every staging of the patient's diagnoses, newest version first. Access-logged."""
    view = selectors_staging.staging_view(**reading(request), patient_id=patient_id)
    found = [s for d in view.diagnoses for s in d.stagings]
    return [staging_out(s) for s in sorted(found, key=lambda s: s.signed_at, reverse=True)]


@router.post("/{patient_id}/stagings", response={201: StagingOut})
@api_perm(WRITE)
def staging_sign(request: HttpRequest, patient_id: int, payload: StagingIn) -> Status[StagingOut]:
    """Compute the stage from the inputs and sign it as the diagnosis's next staging.
    A combination the table does not hold: 422 ``tnm_combination_undefined``; a missing
    input: 422 ``clinical_input_missing``; a form built from an older staging: 409
    ``stale_version``. Nothing saved on any refusal."""
    signed = services.staging_sign(
        **acting(request),
        patient_id=patient_id,
        diagnosis_id=payload.diagnosis_id,
        data=services.StagingInput(
            system=payload.system,
            criterion=payload.criterion,
            inputs=payload.inputs,
            staged_on=payload.staged_on,
        ),
        expected_version=payload.version,
    )
    return Status(201, staging_out(signed))


@router.get("/{patient_id}/prognostic-scores", response=list[ScoreOut])
@api_perm(VIEW)
def prognostic_scores(request: HttpRequest, patient_id: int) -> list[ScoreOut]:
    """The patient's prognostic assessments, newest first. Access-logged."""
    view = selectors_staging.scores_view(**reading(request), patient_id=patient_id)
    return [score_out(a) for a in view.assessments]


@router.post("/{patient_id}/prognostic-scores", response={201: ScoreOut})
@api_perm(WRITE)
def prognostic_score_record(
    request: HttpRequest, patient_id: int, payload: ScoreIn
) -> Status[ScoreOut]:
    """Compute a score from its inputs with the published formula and store it."""
    row = services.prognostic_score_record(
        **acting(request),
        patient_id=patient_id,
        data=services.ScoreInput(
            score=payload.score,
            inputs=payload.inputs,
            assessed_on=payload.assessed_on,
            diagnosis_id=payload.diagnosis_id,
        ),
    )
    return Status(201, score_out(row))


@catalogue_router.get("/staging-systems", response=list[CalculationOut])
@api_perm(VIEW)
def staging_systems(request: HttpRequest) -> list[CalculationOut]:
    """The staging systems and the inputs each asks for."""
    return [
        CalculationOut(
            code=s.code,
            label=s.label,
            group="",
            reference=s.reference.short,
            citation=s.reference.citation,
            inputs=inputs_out(s.inputs),
        )
        for s in SYSTEMS.values()
    ]


@catalogue_router.get("/prognostic-scores", response=list[CalculationOut])
@api_perm(VIEW)
def score_types(request: HttpRequest) -> list[CalculationOut]:
    """The prognostic scores and the inputs each asks for."""
    return [
        CalculationOut(
            code=s.code,
            label=s.label,
            group=s.disease,
            reference=s.reference.short,
            citation=s.reference.citation,
            inputs=inputs_out(s.inputs),
        )
        for s in SCORES.values()
    ]
