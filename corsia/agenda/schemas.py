"""The API's shapes for the agenda (django-ninja)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time
from typing import Annotated, Any, get_type_hints

from ninja import Schema
from pydantic import Field, create_model

from corsia.agenda.models import Booking, CupServiceMapping
from corsia.agenda.services.optimise import PlanRow
from corsia.core.schemas import BoundedInt, IsoDate, IsoDatetime, Reason, RecordId

Minutes = Annotated[int, Field(ge=0, le=1440)]
ShortText = Annotated[str, Field(max_length=200)]


class AgendaIn(Schema):
    code: Annotated[str, Field(max_length=20)]
    name: Annotated[str, Field(max_length=120)]
    kind: Annotated[str, Field(max_length=20)]
    ward_id: RecordId
    slot_minutes: BoundedInt = 15
    slot_capacity: BoundedInt = 2
    daily_capacity: BoundedInt = 40


class AgendaUpdateIn(AgendaIn):
    expected_version: BoundedInt


class AgendaOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    ward_id: int
    slot_minutes: int
    slot_capacity: int
    daily_capacity: int
    is_active: bool
    version: int


class PlaceIn(Schema):
    place_id: RecordId
    active: bool = True


class BookingTypeIn(Schema):
    code: Annotated[str, Field(max_length=20)]
    name: Annotated[str, Field(max_length=120)]
    kind: Annotated[str, Field(max_length=20)]
    default_minutes: BoundedInt = 30
    blood_tests: ShortText = ""
    blood_test_lead_minutes: BoundedInt = 0
    observation_minutes: BoundedInt = 0
    pump_detachment_minutes: BoundedInt = 0
    needs_place: bool = True
    is_active: bool = True
    expected_version: BoundedInt | None = None


class BookingTypeOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    default_minutes: int
    blood_tests: str
    blood_test_lead_minutes: int
    observation_minutes: int
    pump_detachment_minutes: int
    needs_place: bool
    is_active: bool
    version: int


class ShiftIn(Schema):
    opens: time
    closes: time
    shift: Annotated[str, Field(max_length=40)] = ""


class HoursIn(Schema):
    weekday: Annotated[int, Field(ge=0, le=6)]
    shifts: Annotated[list[ShiftIn], Field(max_length=6)]


class WindowOut(Schema):
    id: int
    weekday: int
    opens: time
    closes: time
    shift: str


class ClosedDayIn(Schema):
    day: IsoDate
    reason: Annotated[str, Field(max_length=200)]
    closed: bool = True


class BreakIn(Schema):
    start: time
    end: time


class NurseIn(Schema):
    day: IsoDate
    nurse_id: RecordId
    shift: Annotated[str, Field(max_length=40)] = ""
    on_duty: bool = True
    starts_at: time | None = None  # the real shift (none: the whole opening)
    ends_at: time | None = None
    break_start: time | None = None  # the (first) break, inside the shift
    break_end: time | None = None
    breaks: Annotated[list[BreakIn], Field(max_length=4)] = []  # the other breaks


class CupMappingIn(Schema):
    service_code: Annotated[str, Field(max_length=40)]
    booking_type_id: RecordId
    system: Annotated[str, Field(max_length=80)] = ""
    location_code: Annotated[str, Field(max_length=40)] = ""
    replaces_id: RecordId | None = None


class CupMappingOut(Schema):
    id: int
    service_code: str
    location_code: str
    system: str
    booking_type_id: int
    is_active: bool


def cup_mapping_out(m: CupServiceMapping) -> CupMappingOut:
    return CupMappingOut.model_validate(m, from_attributes=True)


class OrganisationOut(Schema):
    agenda: AgendaOut
    place_ids: list[int]
    booking_types: list[BookingTypeOut]
    windows: list[WindowOut]
    closed_days: list[IsoDate]
    cup_mappings: list[CupMappingOut]


class BookingIn(Schema):
    booking_type_id: RecordId
    patient_id: RecordId
    day: IsoDate
    start: time
    place_id: RecordId | None = None
    minutes: Minutes | None = None
    order_id: RecordId | None = None
    day_of_cycle: Annotated[int, Field(ge=1, le=365)] | None = None
    nurse_id: RecordId | None = None
    notes: Annotated[str, Field(max_length=500)] = ""


class MoveIn(Schema):
    expected_version: BoundedInt
    reason: Reason
    day: IsoDate | None = None
    start: time | None = None
    place_id: RecordId | None = None
    unplace: bool = False


class TransitionIn(Schema):
    expected_version: BoundedInt
    event: Annotated[str, Field(max_length=20)]
    reason: Reason = ""


class LockIn(Schema):
    expected_version: BoundedInt
    locked: bool


class PhaseOut(Schema):
    kind: str
    start: IsoDatetime
    end: IsoDatetime
    label: str


class BookingOut(Schema):
    id: int
    agenda_id: int
    booking_type_id: int
    booking_type: str
    patient_id: int
    patient: str
    place_id: int | None
    place: str | None
    day: IsoDate
    arrival_at: IsoDatetime
    start_at: IsoDatetime
    end_at: IsoDatetime
    phases: list[PhaseOut]
    state: str
    state_reason: str
    nurse_id: int | None
    locked: bool
    order_id: int | None
    programme_cycle_id: int | None
    day_of_cycle: int | None
    notes: str
    # a booking the CUP made (SIU): its sender and appointment id; empty otherwise
    external_system: str
    external_id: str
    version: int


def booking_out(b: Booking) -> BookingOut:
    return BookingOut(
        id=b.pk,
        agenda_id=b.agenda_id,
        booking_type_id=b.booking_type_id,
        booking_type=b.booking_type.name,
        patient_id=b.patient_id,
        patient=f"{b.patient.surname} {b.patient.given_names}",
        place_id=b.place_id,
        place=b.place.code if b.place else None,
        day=b.day,
        arrival_at=b.arrival_at,
        start_at=b.start_at,
        end_at=b.end_at,
        phases=[
            PhaseOut(kind=p["kind"], start=p["start"], end=p["end"], label=p["label"])  # type: ignore[arg-type]  # ISO text, parsed by the schema
            for p in b.phase_rows()
        ],
        state=b.state,
        state_reason=b.state_reason,
        nurse_id=b.nurse_id,
        locked=b.locked,
        order_id=b.order_id,
        programme_cycle_id=b.programme_cycle_id,
        day_of_cycle=b.day_of_cycle,
        notes=b.notes,
        external_system=b.external_system,
        external_id=b.external_id,
        version=b.version,
    )


class DayOut(Schema):
    agenda_id: int
    day: IsoDate
    opens: time | None
    closes: time | None
    closed_reason: str
    nurse_ids: list[int]
    bookings: list[BookingOut]


class CallInOut(Schema):
    booking_id: int
    patient_id: int
    patient: str
    arrival_at: IsoDatetime
    start_at: IsoDatetime
    place: str | None
    booking_type: str
    blood_tests: str
    reminder: str


class ProgrammeIn(Schema):
    patient_id: RecordId
    treatment_line_id: RecordId
    booking_type_id: RecordId
    first_day: IsoDate
    cycles: Annotated[int, Field(ge=1, le=60)]


class ConfirmIn(Schema):
    expected_version: BoundedInt
    start: time | None = None


class PostponeIn(Schema):
    expected_version: BoundedInt
    cycle_number: Annotated[int, Field(ge=1, le=1000)]
    new_day1: IsoDate
    reason: Reason


class CycleOut(Schema):
    cycle_number: int
    nominal_day1: IsoDate
    day1: IsoDate
    order_id: int | None
    days: list[tuple[int, IsoDate]]


class ProgrammeOut(Schema):
    id: int
    patient_id: int
    agenda_id: int
    treatment_line_id: int
    regimen_version_id: int
    state: str
    cycle_length_days: int
    cycles: list[CycleOut]
    version: int


def _schema_of(row: type, name: str, **extra: Any) -> type[Schema]:
    """A schema with a frozen dataclass's fields (and ``extra`` ones: its properties), so
    the API's shape is the service's and never drifts from it."""
    hints = get_type_hints(row)
    fields: dict[str, Any] = {f.name: (hints[f.name], ...) for f in dataclasses.fields(row)}
    return create_model(name, __base__=Schema, **fields, **extra)


PlanRowOut = _schema_of(PlanRow, "PlanRowOut", moves=(bool, ...))


def plan_row_out(row: PlanRow) -> Schema:
    return PlanRowOut.model_validate({**dataclasses.asdict(row), "moves": row.moves})


class LeftOutOut(Schema):
    booking_id: int
    patient: str
    code: str
    message: str


class DayPlanOut(Schema):
    agenda_id: int
    day: IsoDate
    status: str
    rows: list[PlanRowOut]  # type: ignore[valid-type]  # built from PlanRow above
    left_out: list[LeftOutOut]
    makespan_before: int
    makespan_after: int
    wait_before: int
    wait_after: int
    warnings: list[str]
    versions: dict[int, int]
    plan_token: str


# --- «Ottimizza la giornata» as a job (plan requests) -----------------------------------


class PlanRequestApplyIn(Schema):
    reason: Reason


class PlanRequestOut(Schema):
    id: int
    agenda_id: int
    day: IsoDate
    state: str  # queued | running | ready | failed | applied
    requested_by: str
    requested_at: datetime
    finished_at: datetime | None
    error_code: str
    error_message: str
    stale: bool  # a booking changed since the plan was computed: the apply would refuse
    plan: DayPlanOut | None  # once computed
