"""The treatment course: lines of therapy (started, orders linked, closed), surgery and
radiotherapy in the plan, home therapy and the next appointments. A closed line is
read-only (a database trigger too); plan items are written once; home therapies are
stopped and appointments cancelled, never deleted. Each write checks
``records.write_diary`` and records its audit event in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.selectors import patient_get
from corsia.prescribing.domain.states import OrderState
from corsia.prescribing.selectors import patient_orders
from corsia.records import audit_events as events
from corsia.records.domain import course as rules
from corsia.records.domain.text import clinical_text, one_line
from corsia.records.models import (
    Appointment,
    HomeTherapy,
    TreatmentLine,
    TreatmentLineOrder,
    TreatmentPlanItem,
)
from corsia.records.services._common import row_for_update, row_record
from corsia.records.services.diary import WRITE
from corsia.regimens.selectors import ensure_prescribable, version_get

# A line or a home therapy may be written down when decided, before it starts.
PLANNED_AHEAD = timedelta(days=90)
# How far ahead an appointment may be booked.
BOOKED_AHEAD = timedelta(days=730)


def _day(
    value: date | None, *, field: str, today: date, ahead: timedelta, required: bool = True
) -> date | None:
    if value is None:
        if required:
            raise ValidationFailed("Indica la data.", code="required", field=field)
        return None
    if value.year < 1900:
        raise ValidationFailed("Data non valida.", code="date_invalid", field=field)
    if value > today + ahead:
        raise ValidationFailed(
            f"La data è troppo lontana nel futuro (al massimo {ahead.days} giorni).",
            code="too_far_ahead",
            field=field,
        )
    return value


# --- lines of therapy ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    number: int | None
    intent: str
    started_on: date | None
    regimen_version_id: int | None = None
    external_regimen: str = ""  # a regimen given elsewhere, not in the library
    planned_cycles: int | None = None
    notes: str = ""


def _line_snapshot(line: TreatmentLine) -> dict[str, Any]:
    return {
        "number": line.number,
        "intent": line.intent,
        "regimen_version": line.regimen_version_id,
        "regimen_code": line.regimen_code,
        "regimen_name": line.regimen_name,
        "planned_cycles": line.planned_cycles,
        "started_on": line.started_on.isoformat(),
        "ended_on": line.ended_on.isoformat() if line.ended_on else None,
        "end_reason": line.end_reason,
        "version": line.version,
    }


def _regimen(data: LineInput) -> tuple[int | None, str, str]:
    """(version id, code, name) of the line's regimen: one of the library's validated
    versions, or the description of a regimen given elsewhere (exactly one of the two)."""
    external = one_line(data.external_regimen, field="external_regimen", limit=200, required=False)
    if data.regimen_version_id is None:
        if not external:
            raise ValidationFailed(
                "Scegli lo schema dal prontuario o descrivi quello somministrato altrove.",
                code="required",
                field="regimen_version_id",
            )
        return None, "", external
    if external:
        raise ValidationFailed(
            "Indica lo schema del prontuario oppure uno somministrato altrove, non entrambi.",
            code="regimen_ambiguous",
            field="external_regimen",
        )
    try:
        version = version_get(version_id=data.regimen_version_id)
    except NotFound:
        raise ValidationFailed(
            "Schema di terapia inesistente.", code="regimen_not_found", field="regimen_version_id"
        ) from None
    ensure_prescribable(version)
    return version.pk, version.regimen.code, version.name


def treatment_line_start(
    *, actor: User, workstation: Workstation, patient_id: int, data: LineInput
) -> TreatmentLine:
    """Record a line of therapy (open until it is closed)."""
    require_permission(actor, WRITE)
    patient = patient_get(user=actor, patient_id=patient_id)
    today = timezone.localdate()
    number = rules.whole(data.number, field="number", label="il numero della linea", low=1, high=20)
    intent = rules.code_of(data.intent, rules.LineIntent, field="intent", label="la finalità")
    planned = None
    if data.planned_cycles is not None:
        planned = rules.whole(
            data.planned_cycles,
            field="planned_cycles",
            label="i cicli pianificati",
            low=1,
            high=rules.MAX_PLANNED_CYCLES,
        )
    started = _day(data.started_on, field="started_on", today=today, ahead=PLANNED_AHEAD)
    assert started is not None
    notes = clinical_text(data.notes, field="notes", required=False, limit=4000)
    version_id, code, name = _regimen(data)
    with transaction.atomic():
        line = row_record(
            TreatmentLine,
            event=events.TREATMENT_LINE_STARTED,
            actor=actor,
            workstation=workstation,
            after=_line_snapshot,
            patient_id=patient.pk,
            number=number,
            intent=intent,
            regimen_version_id=version_id,
            regimen_code=code,
            regimen_name=name,
            planned_cycles=planned,
            started_on=started,
            notes=notes,
            updated_by=actor,
        )
    return line


def line_for_update(line_id: int, expected_version: int | None) -> TreatmentLine:
    line = row_for_update(
        TreatmentLine,
        line_id,
        missing="Linea di terapia non trovata.",
        code="treatment_line_not_found",
    )
    if line.closed:
        raise ConflictError(
            f"La linea {line.number} è chiusa dal {line.ended_on:%d/%m/%Y}: non si modifica più.",
            code="treatment_line_closed",
        )
    if expected_version is not None:
        line.check_version(expected_version)
    return line


def treatment_line_close(
    *,
    actor: User,
    workstation: Workstation,
    line_id: int,
    ended_on: date | None,
    reason: str,
    note: str = "",
    expected_version: int,
) -> TreatmentLine:
    """End a line (completed, progression, toxicity, patient's choice, death …); from then
    on it is read-only. "Other" needs a note."""
    require_permission(actor, WRITE)
    code = rules.code_of(reason, rules.EndReason, field="reason", label="il motivo della fine")
    text = clinical_text(note, field="note", required=code == rules.EndReason.OTHER, limit=4000)
    today = timezone.localdate()
    with transaction.atomic():
        line = line_for_update(line_id, expected_version)
        ended = _day(ended_on, field="ended_on", today=today, ahead=timedelta(0))
        assert ended is not None
        rules.ensure_not_before(
            ended,
            line.started_on,
            field="ended_on",
            message=f"La fine non può precedere l'inizio della linea ({line.started_on:%d/%m/%Y}).",
        )
        before = _line_snapshot(line)
        line.ended_on, line.end_reason, line.end_note = ended, code, text
        line.closed_by, line.closed_at = actor, timezone.now()
        line.save(
            update_fields=[
                "ended_on",
                "end_reason",
                "end_note",
                "closed_by",
                "closed_at",
                *line.bump(by=actor),
            ]
        )
        label = rules.END_REASON_LABELS_IT[rules.EndReason(code)]
        audit_record(
            event=events.TREATMENT_LINE_CLOSED,
            actor=actor,
            workstation=workstation,
            target=line,
            patient_id=line.patient_id,
            before=before,
            after=_line_snapshot(line),
            reason=f"{label}: {text}" if text else label,
        )
    return line


def treatment_line_orders_link(
    *,
    actor: User,
    workstation: Workstation,
    line_id: int,
    order_ids: list[int],
    expected_version: int,
) -> TreatmentLine:
    """Link orders of the patient (prescribing's selector) to an open line: the same
    regimen of the library, not cancelled, not before the line started, not already in a
    line. One refused: none linked."""
    require_permission(actor, WRITE)
    wanted = sorted(set(order_ids))
    if not wanted:
        raise ValidationFailed(
            "Scegli almeno una prescrizione da collegare.", code="required", field="order_ids"
        )
    with transaction.atomic():
        line = line_for_update(line_id, expected_version)
        if line.regimen_version_id is None:
            raise ValidationFailed(
                "La linea è uno schema somministrato altrove: non ha prescrizioni in Corsia.",
                code="line_without_regimen",
                field="order_ids",
            )
        regimen = version_get(version_id=line.regimen_version_id).regimen_id
        orders = {
            o.pk: o
            for o in patient_orders(user=actor, patient_id=line.patient_id).filter(pk__in=wanted)
        }
        taken = set(
            TreatmentLineOrder.objects.filter(order_id__in=wanted).values_list(
                "order_id", flat=True
            )
        )
        for order_id in wanted:
            order = orders.get(order_id)
            if order is None:
                raise ValidationFailed(
                    f"La prescrizione {order_id} non è di questo paziente.",
                    code="order_not_found",
                    field="order_ids",
                )
            if order_id in taken:
                raise ConflictError(
                    f"La prescrizione {order_id} è già collegata a una linea.",
                    code="order_already_linked",
                )
            if order.state == OrderState.CANCELLED.value:
                raise ValidationFailed(
                    f"La prescrizione {order_id} è annullata.",
                    code="order_cancelled",
                    field="order_ids",
                )
            if order.regimen_version.regimen_id != regimen:
                raise ValidationFailed(
                    f"La prescrizione {order_id} ({order.regimen_version.name}) non è dello "
                    f"schema della linea ({line.regimen_name}).",
                    code="order_regimen_mismatch",
                    field="order_ids",
                )
            if order.start_date < line.started_on:
                raise ValidationFailed(
                    f"La prescrizione {order_id} inizia il {order.start_date:%d/%m/%Y}, prima "
                    f"della linea ({line.started_on:%d/%m/%Y}).",
                    code="order_before_line",
                    field="order_ids",
                )
        TreatmentLineOrder.objects.bulk_create(
            [TreatmentLineOrder(line=line, order_id=i, linked_by=actor) for i in wanted]
        )
        line.save(update_fields=line.bump(by=actor))
        audit_record(
            event=events.TREATMENT_LINE_ORDER_LINKED,
            actor=actor,
            workstation=workstation,
            target=line,
            patient_id=line.patient_id,
            after={"orders": wanted, "version": line.version},
        )
    return line


# --- surgery and radiotherapy -------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItemInput:
    kind: str
    performed_on: date | None
    description: str
    line_id: int | None = None


def treatment_plan_item_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: PlanItemInput
) -> TreatmentPlanItem:
    """Surgery or radiotherapy in the plan (done or planned), optionally within a line."""
    require_permission(actor, WRITE)
    patient = patient_get(user=actor, patient_id=patient_id)
    kind = rules.code_of(data.kind, rules.PlanItemKind, field="kind", label="il tipo")
    day = _day(
        data.performed_on, field="performed_on", today=timezone.localdate(), ahead=BOOKED_AHEAD
    )
    assert day is not None
    description = clinical_text(data.description, field="description", limit=4000)
    with transaction.atomic():
        if data.line_id is not None:
            line = line_for_update(data.line_id, None)
            if line.patient_id != patient.pk:
                raise ValidationFailed(
                    "La linea non è di questo paziente.", code="line_mismatch", field="line_id"
                )
        item = row_record(
            TreatmentPlanItem,
            event=events.TREATMENT_PLAN_ITEM_RECORDED,
            actor=actor,
            workstation=workstation,
            after={"kind": kind, "performed_on": str(day), "line": data.line_id},
            patient_id=patient.pk,
            line_id=data.line_id,
            kind=kind,
            performed_on=day,
            description=description,
        )
    return item


# --- home therapy ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeTherapyInput:
    drug: str
    dose: str
    frequency: str
    started_on: date | None
    stopped_on: date | None = None
    notes: str = ""


def _home_snapshot(row: HomeTherapy) -> dict[str, Any]:
    return {
        "drug": row.drug,
        "dose": row.dose,
        "frequency": row.frequency,
        "started_on": row.started_on.isoformat(),
        "stopped_on": row.stopped_on.isoformat() if row.stopped_on else None,
        "version": row.version,
    }


def home_therapy_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: HomeTherapyInput
) -> HomeTherapy:
    require_permission(actor, WRITE)
    patient = patient_get(user=actor, patient_id=patient_id)
    today = timezone.localdate()
    started = _day(data.started_on, field="started_on", today=today, ahead=PLANNED_AHEAD)
    stopped = _day(
        data.stopped_on, field="stopped_on", today=today, ahead=BOOKED_AHEAD, required=False
    )
    assert started is not None
    if stopped is not None:
        rules.ensure_not_before(
            stopped, started, field="stopped_on", message="La fine non può precedere l'inizio."
        )
    values: dict[str, Any] = {
        "drug": one_line(data.drug, field="drug", limit=200),
        "dose": one_line(data.dose, field="dose", limit=80),
        "frequency": one_line(data.frequency, field="frequency", limit=80),
        "notes": clinical_text(data.notes, field="notes", required=False, limit=4000),
    }
    with transaction.atomic():
        return row_record(
            HomeTherapy,
            event=events.HOME_THERAPY_RECORDED,
            actor=actor,
            workstation=workstation,
            after=_home_snapshot,
            patient_id=patient.pk,
            started_on=started,
            stopped_on=stopped,
            updated_by=actor,
            **values,
        )


def home_therapy_stop(
    *,
    actor: User,
    workstation: Workstation,
    therapy_id: int,
    stopped_on: date | None,
    expected_version: int,
) -> HomeTherapy:
    """Stop a home therapy (the date it ends: today if not given)."""
    require_permission(actor, WRITE)
    today = timezone.localdate()
    day = _day(stopped_on or today, field="stopped_on", today=today, ahead=BOOKED_AHEAD)
    assert day is not None
    with transaction.atomic():
        row = row_for_update(
            HomeTherapy,
            therapy_id,
            missing="Terapia domiciliare non trovata.",
            code="home_therapy_not_found",
        )
        row.check_version(expected_version)
        if row.stopped_on is not None and row.stopped_on <= today:
            raise ConflictError(
                f"La terapia è già sospesa dal {row.stopped_on:%d/%m/%Y}.",
                code="home_therapy_stopped",
            )
        rules.ensure_not_before(
            day, row.started_on, field="stopped_on", message="La fine non può precedere l'inizio."
        )
        before = _home_snapshot(row)
        row.stopped_on = day
        row.save(update_fields=["stopped_on", *row.bump(by=actor)])
        audit_record(
            event=events.HOME_THERAPY_STOPPED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=row.patient_id,
            before=before,
            after=_home_snapshot(row),
        )
    return row


# --- appointments -------------------------------------------------------------------------------


def appointment_record(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    scheduled_on: date | None,
    kind: str,
    note: str = "",
) -> Appointment:
    """The next appointment: today or later (not more than two years ahead)."""
    require_permission(actor, WRITE)
    patient = patient_get(user=actor, patient_id=patient_id)
    today = timezone.localdate()
    code = rules.code_of(kind, rules.AppointmentKind, field="kind", label="il tipo")
    day = _day(scheduled_on, field="scheduled_on", today=today, ahead=BOOKED_AHEAD)
    assert day is not None
    if day < today:
        raise ValidationFailed(
            "Un appuntamento si fissa da oggi in avanti.", code="in_past", field="scheduled_on"
        )
    text = clinical_text(note, field="note", required=False, limit=2000)
    with transaction.atomic():
        row = row_record(
            Appointment,
            event=events.APPOINTMENT_RECORDED,
            actor=actor,
            workstation=workstation,
            after={"scheduled_on": day.isoformat(), "kind": code, "note": text},
            patient_id=patient.pk,
            scheduled_on=day,
            kind=code,
            note=text,
            updated_by=actor,
        )
    return row


def appointment_cancel(
    *,
    actor: User,
    workstation: Workstation,
    appointment_id: int,
    reason: str,
    expected_version: int,
) -> Appointment:
    require_permission(actor, WRITE)
    text = one_line(reason, field="reason", limit=2000)
    with transaction.atomic():
        row = row_for_update(
            Appointment,
            appointment_id,
            missing="Appuntamento non trovato.",
            code="appointment_not_found",
        )
        if row.cancelled_at is not None:
            raise ConflictError("L'appuntamento è già annullato.", code="appointment_cancelled")
        row.check_version(expected_version)
        row.cancelled_at, row.cancel_reason = timezone.now(), text
        row.save(update_fields=["cancelled_at", "cancel_reason", *row.bump(by=actor)])
        audit_record(
            event=events.APPOINTMENT_CANCELLED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=row.patient_id,
            before={"scheduled_on": row.scheduled_on.isoformat(), "kind": row.kind},
            after={"cancelled": True},
            reason=text,
        )
    return row
