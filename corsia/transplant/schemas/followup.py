"""The JSON shapes of the follow-up's API.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import Amount, AwareDatetime, BoundedInt, IsoDate, Reason
from corsia.transplant.models.followup import AgvhdAssessment, CgvhdAssessment, FollowUpVisit
from corsia.transplant.selectors.followup import ViralSeries

Code = str
LongText = str


class VisitIn(Schema):
    visit_on: IsoDate
    current_status: LongText = Field(default="", max_length=8000)
    examination: LongText = Field(default="", max_length=8000)
    instrumental_tests: LongText = Field(default="", max_length=8000)
    consultations: LongText = Field(default="", max_length=8000)
    conclusions: LongText = Field(default="", max_length=8000)
    immunosuppressant: Code = Field(default="none", max_length=20)
    immunosuppressant_dose: str = Field(default="", max_length=200)
    level_ng_ml: Amount | None = None
    level_sampled_at: AwareDatetime | None = None
    level_next_dose_at: AwareDatetime | None = None
    day_hospital_therapy: LongText = Field(default="", max_length=8000)
    home_therapy: LongText = Field(default="", max_length=8000)
    next_follow_up_on: IsoDate | None = None
    performance_scale: Code = Field(default="", max_length=10)
    performance_score: BoundedInt | None = None


class VisitUpdateIn(VisitIn):
    expected_version: BoundedInt


class VisitCorrectIn(VisitIn):
    reason: Reason


class SignIn(Schema):
    expected_version: BoundedInt


class VisitOut(Schema):
    id: int
    transplant_id: int
    state: str
    visit_on: date
    day: int | None
    conclusions: str
    immunosuppressant: str
    level_ng_ml: Decimal | None
    level_band: str
    next_follow_up_on: date | None
    signed_at: datetime | None
    supersedes_id: int | None
    version: int


def visit_out(v: FollowUpVisit) -> VisitOut:
    return VisitOut(
        id=v.pk, transplant_id=v.transplant_id, state=v.state, visit_on=v.visit_on, day=v.day,
        conclusions=v.conclusions, immunosuppressant=v.immunosuppressant,
        level_ng_ml=v.level_ng_ml, level_band=v.level_band,
        next_follow_up_on=v.next_follow_up_on, signed_at=v.signed_at,
        supersedes_id=v.supersedes_id, version=v.version,
    )  # fmt: skip


class AgvhdIn(Schema):
    assessed_on: IsoDate
    rash_bsa: Amount = Decimal(0)
    bullae: bool = False
    desquamation_bsa: Amount = Decimal(0)
    bilirubin: Amount
    bilirubin_unit: Code = Field(default="mg/dL", max_length=8)
    persistent_upper_gi: bool = False
    stool_ml_per_day: Amount | None = None
    stool_episodes: BoundedInt | None = None
    severe_pain_or_ileus: bool = False
    grossly_bloody_stool: bool = False
    paediatric: bool = False
    weight_kg: Amount | None = None
    note: Reason = ""


class AgvhdOut(Schema):
    id: int
    assessed_on: date
    day: int | None
    skin_stage: int
    liver_stage: int
    upper_gi_stage: int
    lower_gi_stage: int
    grade: str


def agvhd_out(a: AgvhdAssessment) -> AgvhdOut:
    return AgvhdOut(
        id=a.pk, assessed_on=a.assessed_on, day=a.day, skin_stage=a.skin_stage,
        liver_stage=a.liver_stage, upper_gi_stage=a.upper_gi_stage,
        lower_gi_stage=a.lower_gi_stage, grade=a.grade_roman,
    )  # fmt: skip


class CgvhdIn(Schema):
    assessed_on: IsoDate
    measures: dict[str, dict[str, Any]]
    explained_by_other_cause: list[Code] = Field(default=[], max_length=8)
    note: Reason = ""


class CgvhdOut(Schema):
    id: int
    assessed_on: date
    day: int | None
    scores: dict[str, int | None]
    severity: str


def cgvhd_out(c: CgvhdAssessment) -> CgvhdOut:
    return CgvhdOut(
        id=c.pk, assessed_on=c.assessed_on, day=c.day, scores=c.scores, severity=c.severity
    )


class ViralLoadIn(Schema):
    virus: Code = Field(max_length=4)
    sampled_on: IsoDate
    kind: Code = Field(max_length=14)
    unit: Code = Field(default="IU/mL", max_length=10)
    value: Amount | None = None
    lloq: Amount | None = None
    iu_per_copy: Amount | None = None
    note: Reason = ""


class TrendRowOut(Schema):
    id: int
    sampled_on: date
    day: int | None
    kind: str
    unit: str
    value: Decimal | None
    log10: Decimal | None
    delta_log10: Decimal | None
    change: str | None
    threshold_reached: bool | None
    crosses_threshold: bool


class ViralSeriesOut(Schema):
    virus: str
    threshold: Decimal | None
    threshold_unit: str | None
    rows: list[TrendRowOut]


def series_out(s: ViralSeries) -> ViralSeriesOut:
    return ViralSeriesOut(
        virus=s.virus.value,
        threshold=s.threshold.value if s.threshold else None,
        threshold_unit=s.threshold.unit.value if s.threshold else None,
        rows=[
            TrendRowOut(
                id=row.pk, sampled_on=row.sampled_on, day=row.day, kind=row.kind, unit=row.unit,
                value=row.value, log10=t.log10, delta_log10=t.delta_log10,
                change=t.change.value if t.change else None,
                threshold_reached=t.threshold_reached, crosses_threshold=t.crosses_threshold,
            )
            for row, t in s.rows
        ],
    )  # fmt: skip


class ResponseIn(Schema):
    assessed_on: IsoDate
    response: Code = Field(max_length=20)
    note: Reason = ""


class OutcomeIn(Schema):
    time_point: Code = Field(max_length=10)
    assessed_on: IsoDate
    survival: Code = Field(max_length=20)
    death_date: IsoDate | None = None
    death_cause: Code = Field(default="", max_length=30)
    hsct_related_cause: Code = Field(default="", max_length=30)
    performance_scale: Code = Field(default="", max_length=10)
    performance_score: BoundedInt | None = None
    note: Reason = ""


class ConsentIn(Schema):
    kind: Code = Field(max_length=10)
    given_on: IsoDate
    granted: bool = True
    document_version: str = Field(max_length=40)
    note: Reason = ""


class AdverseEventIn(Schema):
    occurred_on: IsoDate
    term: str = Field(max_length=200)
    ctcae_grade: BoundedInt
    severity: Code = Field(max_length=12)
    relation: Code = Field(max_length=10)
    reported_on: IsoDate | None = None
    note: Reason = ""


class RecordOut(Schema):
    id: int
    kind: str


class FollowUpOut(Schema):
    transplant_id: int
    day_zero: date | None
    visits: list[VisitOut]
    agvhd: list[AgvhdOut]
    cgvhd: list[CgvhdOut]
    viral: list[ViralSeriesOut]
