"""Request and answer bodies of the treatment-course API (corsia.records.api_course)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import IsoDate, IsoDatetime
from corsia.records import services
from corsia.records.models import (
    Appointment,
    HomeTherapy,
    ResponseEvaluation,
    TreatmentPlanItem,
)
from corsia.records.selectors_course import LineView

Note = Annotated[str, Field(max_length=4000)]
Short = Annotated[str, Field(max_length=200)]
# a diameter: the domain refuses < 0 and > 1000 mm, in Italian
Millimetres = Annotated[Decimal, Field(allow_inf_nan=False)]


def _by(user: object) -> str:
    return str(getattr(user, "username", ""))


class LineIn(Schema):
    number: int
    intent: Annotated[str, Field(max_length=24)]
    started_on: IsoDate
    regimen_version_id: int | None = None
    external_regimen: Short = ""
    planned_cycles: int | None = None
    notes: Note = ""

    def to_input(self) -> services.LineInput:
        return services.LineInput(**self.model_dump())


class LineCloseIn(Schema):
    ended_on: IsoDate
    reason: Annotated[str, Field(max_length=24)]
    note: Note = ""
    version: int


class LineOrdersIn(Schema):
    order_ids: Annotated[list[int], Field(max_length=200)]
    version: int


class OrderOut(Schema):
    id: int
    start_date: IsoDate
    state: str
    state_label: str


class CycleOut(Schema):
    number: int
    start: IsoDate
    orders: list[OrderOut]


class PlanItemIn(Schema):
    kind: Annotated[str, Field(max_length=16)]
    performed_on: IsoDate
    description: Note
    line_id: int | None = None

    def to_input(self) -> services.PlanItemInput:
        return services.PlanItemInput(**self.model_dump())


class PlanItemOut(Schema):
    id: int
    kind: str
    performed_on: IsoDate
    description: str
    line_id: int | None
    recorded_by: str
    recorded_at: IsoDatetime


def plan_item_out(item: TreatmentPlanItem) -> PlanItemOut:
    return PlanItemOut(
        id=item.pk,
        kind=item.kind,
        performed_on=item.performed_on,
        description=item.description,
        line_id=item.line_id,
        recorded_by=_by(item.recorded_by),
        recorded_at=item.recorded_at,
    )


class LineOut(Schema):
    id: int
    number: int
    intent: str
    regimen_version_id: int | None
    regimen_code: str
    regimen_name: str
    planned_cycles: int | None
    started_on: IsoDate
    ended_on: IsoDate | None
    end_reason: str
    end_note: str
    closed: bool
    current_cycle: int | None
    cycles: list[CycleOut] | None  # None: the reader may not see orders
    plan_items: list[PlanItemOut]
    version: int


def line_out(view: LineView, *, orders_hidden: bool) -> LineOut:
    line = view.line
    return LineOut(
        id=line.pk,
        number=line.number,
        intent=line.intent,
        regimen_version_id=line.regimen_version_id,
        regimen_code=line.regimen_code,
        regimen_name=line.regimen_name,
        planned_cycles=line.planned_cycles,
        started_on=line.started_on,
        ended_on=line.ended_on,
        end_reason=line.end_reason,
        end_note=line.end_note,
        closed=line.closed,
        current_cycle=view.current_cycle.number if view.current_cycle else None,
        cycles=None
        if orders_hidden
        else [
            CycleOut(
                number=c.number,
                start=c.start,
                orders=[
                    OrderOut(
                        id=o.order_id, start_date=o.start, state=o.state, state_label=o.state_label
                    )
                    for o in c.orders
                ],
            )
            for c in view.cycles
        ],
        plan_items=[plan_item_out(i) for i in view.plan_items],
        version=line.version,
    )


class LesionIn(Schema):
    lesion_id: Annotated[str, Field(max_length=12)]
    mm: Millimetres | None = None
    organ: Annotated[str, Field(max_length=80)] = ""
    lymph_node: bool = False


class EvaluationIn(Schema):
    line_id: int
    evaluated_on: IsoDate
    method: Annotated[str, Field(max_length=16)]
    criteria: Annotated[str, Field(max_length=16)]
    baseline: bool = False
    target_lesions: Annotated[list[LesionIn], Field(max_length=20)] = []
    non_target_sites: Annotated[list[Short], Field(max_length=40)] = []
    non_target_response: Annotated[str, Field(max_length=16)] = ""
    new_lesions: Annotated[list[Short], Field(max_length=40)] = []
    deauville: int | None = None
    marrow: Annotated[str, Field(max_length=32)] = ""
    uptake_vs_baseline: Annotated[str, Field(max_length=16)] = ""
    note: Note = ""

    def to_input(self) -> services.EvaluationInput:
        return services.EvaluationInput(
            line_id=self.line_id,
            evaluated_on=self.evaluated_on,
            method=self.method,
            criteria=self.criteria,
            baseline=self.baseline,
            target_lesions=tuple(
                services.LesionInput(
                    lesion_id=t.lesion_id, mm=t.mm, organ=t.organ, lymph_node=t.lymph_node
                )
                for t in self.target_lesions
            ),
            non_target_sites=tuple(self.non_target_sites),
            non_target_response=self.non_target_response,
            new_lesions=tuple(self.new_lesions),
            deauville=self.deauville,
            marrow=self.marrow,
            uptake_vs_baseline=self.uptake_vs_baseline,
            note=self.note,
        )


class EvaluationOut(Schema):
    id: int
    line_id: int
    evaluated_on: IsoDate
    method: str
    criteria: str
    baseline: bool
    target_lesions: list[dict[str, object]]
    non_target_sites: list[str]
    non_target_response: str
    new_lesions: list[str]
    deauville: int | None
    sum_mm: Decimal | None
    baseline_sum_mm: Decimal | None
    nadir_sum_mm: Decimal | None
    change_from_baseline_pct: Decimal | None
    change_from_nadir_pct: Decimal | None
    target_response: str
    response: str  # empty at baseline
    response_label: str
    reference: str
    recorded_by: str
    recorded_at: IsoDatetime


def evaluation_out(e: ResponseEvaluation) -> EvaluationOut:
    return EvaluationOut(
        id=e.pk,
        line_id=e.line_id,
        evaluated_on=e.evaluated_on,
        method=e.method,
        criteria=e.criteria,
        baseline=e.baseline,
        target_lesions=e.target_lesions,
        non_target_sites=e.non_target_sites,
        non_target_response=e.non_target_response,
        new_lesions=e.new_lesions,
        deauville=e.deauville,
        sum_mm=e.sum_mm,
        baseline_sum_mm=e.baseline_sum_mm,
        nadir_sum_mm=e.nadir_sum_mm,
        change_from_baseline_pct=e.change_from_baseline_pct,
        change_from_nadir_pct=e.change_from_nadir_pct,
        target_response=e.target_response,
        response=e.response,
        response_label=e.response_label,
        reference=e.reference,
        recorded_by=_by(e.recorded_by),
        recorded_at=e.recorded_at,
    )


class HomeTherapyIn(Schema):
    drug: Short
    dose: Annotated[str, Field(max_length=80)]
    frequency: Annotated[str, Field(max_length=80)]
    started_on: IsoDate
    stopped_on: IsoDate | None = None
    notes: Note = ""

    def to_input(self) -> services.HomeTherapyInput:
        return services.HomeTherapyInput(**self.model_dump())


class HomeTherapyStopIn(Schema):
    stopped_on: IsoDate | None = None
    version: int


class HomeTherapyOut(Schema):
    id: int
    drug: str
    dose: str
    frequency: str
    started_on: IsoDate
    stopped_on: IsoDate | None
    notes: str
    version: int


def home_therapy_out(t: HomeTherapy) -> HomeTherapyOut:
    return HomeTherapyOut(
        id=t.pk,
        drug=t.drug,
        dose=t.dose,
        frequency=t.frequency,
        started_on=t.started_on,
        stopped_on=t.stopped_on,
        notes=t.notes,
        version=t.version,
    )


class AppointmentIn(Schema):
    scheduled_on: IsoDate
    kind: Annotated[str, Field(max_length=16)]
    note: Note = ""


class AppointmentCancelIn(Schema):
    reason: Note
    version: int


class AppointmentOut(Schema):
    id: int
    scheduled_on: IsoDate
    kind: str
    note: str
    cancelled: bool
    cancel_reason: str
    version: int


def appointment_out(a: Appointment) -> AppointmentOut:
    return AppointmentOut(
        id=a.pk,
        scheduled_on=a.scheduled_on,
        kind=a.kind,
        note=a.note,
        cancelled=a.cancelled_at is not None,
        cancel_reason=a.cancel_reason,
        version=a.version,
    )
