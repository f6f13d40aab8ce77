"""Request and answer bodies of the staging and prognostic-score API, and their
conversions (corsia.records.api_staging keeps the endpoints)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field, StrictBool

from corsia.core.schemas import IsoDate, IsoDatetime, RecordId
from corsia.records.domain.input_forms import InputSpec
from corsia.records.models import DiagnosisStaging, PrognosticAssessment
from corsia.records.selectors_staging import score_label, system_label

InputName = Annotated[str, Field(max_length=60)]
# a yes/no, a whole number, a decimal (finite; the formula checks its range) or a code
InputValue = (
    StrictBool
    | Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
    | Annotated[Decimal, Field(allow_inf_nan=False)]
    | Annotated[str, Field(max_length=40)]
)
Inputs = Annotated[dict[InputName, InputValue | None], Field(max_length=30)]
Code = Annotated[str, Field(max_length=40)]


class StagingIn(Schema):
    diagnosis_id: RecordId
    system: Code
    criterion: Annotated[str, Field(max_length=20)]
    inputs: Inputs
    staged_on: IsoDate | None = None
    # the staging number the request was built from (0: the diagnosis had none)
    version: Annotated[int, Field(ge=0, le=2**31 - 1)]


class StagingOut(Schema):
    id: int
    diagnosis_id: int
    version: int
    system: str
    system_label: str
    criterion: str
    stage: str
    stage_label: str
    categories: str
    inputs: dict[str, bool | int | str]
    reference: str
    staged_on: IsoDate
    signed_by: str
    signed_at: IsoDatetime


class ScoreIn(Schema):
    score: Code
    inputs: Inputs
    assessed_on: IsoDate | None = None
    diagnosis_id: RecordId | None = None


class PointsOut(Schema):
    factor: str
    label: str
    points: Decimal


class ScoreOut(Schema):
    id: int
    score: str
    score_label: str
    value: Decimal
    risk_group: str
    risk_group_label: str
    points: list[PointsOut]
    inputs: dict[str, bool | int | str]
    reference: str
    citation: str
    assessed_on: IsoDate
    diagnosis_id: int | None
    recorded_by: str
    recorded_at: IsoDatetime


class ChoiceOut(Schema):
    code: str
    label: str


class InputOut(Schema):
    name: str
    label: str
    kind: str
    unit: str
    hint: str
    choices: list[ChoiceOut]


class CalculationOut(Schema):
    """A staging system or a prognostic score the chart computes, and what it asks for."""

    code: str
    label: str
    group: str  # the disease group of a score; empty for a staging system
    reference: str
    citation: str
    inputs: list[InputOut]


def inputs_out(specs: tuple[InputSpec, ...]) -> list[InputOut]:
    return [
        InputOut(
            name=s.name,
            label=s.label,
            kind=s.kind.value,
            unit=s.unit,
            hint=s.hint,
            choices=[ChoiceOut(code=c, label=t) for c, t in s.choices],
        )
        for s in specs
    ]


def staging_out(s: DiagnosisStaging) -> StagingOut:
    return StagingOut(
        id=s.pk,
        diagnosis_id=s.diagnosis_id,
        version=s.number,
        system=s.system,
        system_label=system_label(s.system),
        criterion=s.criterion,
        stage=s.stage,
        stage_label=s.stage_label,
        categories=s.categories,
        inputs=s.inputs,
        reference=s.reference,
        staged_on=s.staged_on,
        signed_by=s.author.username,
        signed_at=s.signed_at,
    )


def score_out(a: PrognosticAssessment) -> ScoreOut:
    return ScoreOut(
        id=a.pk,
        score=a.score,
        score_label=score_label(a.score),
        value=a.value.normalize(),
        risk_group=a.risk_group,
        risk_group_label=a.risk_group_label,
        points=[PointsOut(**p) for p in a.points],
        inputs=a.inputs,
        reference=a.reference,
        citation=a.citation,
        assessed_on=a.assessed_on,
        diagnosis_id=a.diagnosis_id,
        recorded_by=a.recorded_by.username,
        recorded_at=a.recorded_at,
    )
