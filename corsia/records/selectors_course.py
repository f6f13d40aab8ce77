"""Reads of the treatment course: lines → cycles → orders (the orders through
prescribing's selector, never its tables), the re-evaluations with their response, surgery
and radiotherapy, home therapy and the next appointments. ``course_view`` writes the access
log; ``chart_course`` is the chart page's section, covered by the chart's own log row;
``course_events`` feeds the chart's timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.read_together import ReadPart, read_parts
from corsia.patients.selectors import patient_get
from corsia.prescribing.domain.states import STATE_LABELS_IT, OrderState
from corsia.prescribing.selectors import patient_orders
from corsia.records.domain import course as rules
from corsia.records.domain.timeline import EventKind, TimelineEvent
from corsia.records.models import (
    Appointment,
    HomeTherapy,
    ResponseEvaluation,
    TreatmentLine,
    TreatmentLineOrder,
    TreatmentPlanItem,
)
from corsia.records.timeline_sources import author_name

if TYPE_CHECKING:
    from corsia.patients.models import Patient

VIEW = "records.view_chart"
VIEW_ORDERS = "prescribing.view_order"
ORDERS_LIMIT = 500


@dataclass(frozen=True)
class LinkableOrder:
    order_id: int
    label: str


@dataclass(frozen=True)
class LineView:
    line: TreatmentLine
    cycles: list[rules.Cycle]
    current_cycle: rules.Cycle | None
    evaluations: list[ResponseEvaluation]  # oldest first (baseline, then re-evaluations)
    plan_items: list[TreatmentPlanItem]
    linkable: list[LinkableOrder] = field(default_factory=list)

    @property
    def intent_label(self) -> str:
        return rules.INTENT_LABELS_IT[rules.LineIntent(self.line.intent)]

    @property
    def end_reason_label(self) -> str:
        reason = self.line.end_reason
        return rules.END_REASON_LABELS_IT[rules.EndReason(reason)] if reason else ""

    @property
    def recist_baseline(self) -> ResponseEvaluation | None:
        return next(
            (e for e in self.evaluations if e.baseline and e.criteria == rules.Criteria.RECIST),
            None,
        )

    @property
    def has_baseline(self) -> dict[str, bool]:
        return {
            c.value: any(e.baseline and e.criteria == c.value for e in self.evaluations)
            for c in rules.Criteria
        }


@dataclass(frozen=True)
class CourseView:
    patient: Patient
    lines: list[LineView]  # newest first
    current: LineView | None
    plan_items: list[TreatmentPlanItem]  # not within a line
    evaluations: list[ResponseEvaluation]  # newest first: the response history
    home_active: list[HomeTherapy]
    home_past: list[HomeTherapy]
    upcoming: list[Appointment]
    past_appointments: list[Appointment]
    orders_hidden: bool


def _order_label(order: Any) -> str:
    return f"n. {order.pk} · ciclo {order.cycle_number} · {order.start_date:%d/%m/%Y}"


def _order_ref(order: Any) -> rules.OrderRef:
    state = OrderState(order.state)
    return rules.OrderRef(
        order_id=order.pk,
        cycle=order.cycle_number,
        start=order.start_date,
        state=state.value,
        state_label=STATE_LABELS_IT[state],
        cancelled=state is OrderState.CANCELLED,
    )


def _current(lines: list[LineView], today: date) -> LineView | None:
    """The open line started most recently (one planned to start later if none has)."""
    open_lines = [v for v in lines if not v.line.closed]
    started = [v for v in open_lines if v.line.started_on <= today]
    pool = started or open_lines
    return max(pool, key=lambda v: (v.line.started_on, v.line.pk)) if pool else None


@dataclass(frozen=True)
class CourseRows:
    """What the course is made of, read once: for the course's own pages and, with the
    chart's other reads in one statement, for the chart's section and its timeline."""

    lines: list[TreatmentLine]  # newest first
    evaluations: list[ResponseEvaluation]  # oldest first
    items: list[TreatmentPlanItem]  # newest first
    links: dict[int, int]  # order id → line id
    therapies: list[HomeTherapy]  # newest first
    appointments: list[Appointment]  # soonest first


def course_read(patient_id: int) -> ReadPart[CourseRows]:
    """This module's course tables for one patient (``corsia.core.read_together``)."""
    querysets = (
        TreatmentLine.objects.filter(patient_id=patient_id)
        .select_related("recorded_by", "closed_by")
        .order_by("-started_on", "-pk")[:100],
        ResponseEvaluation.objects.filter(patient_id=patient_id)
        .select_related("recorded_by", "line")
        .order_by("evaluated_on", "pk")[:1000],
        TreatmentPlanItem.objects.filter(patient_id=patient_id)
        .select_related("recorded_by")
        .order_by("-performed_on", "-pk")[:200],
        TreatmentLineOrder.objects.filter(line__patient_id=patient_id).values_list(
            "order_id", "line_id"
        ),
        HomeTherapy.objects.filter(patient_id=patient_id)
        .select_related("recorded_by")
        .order_by("-started_on", "-pk")[:300],
        Appointment.objects.filter(patient_id=patient_id)
        .select_related("recorded_by")
        .order_by("scheduled_on", "pk")[:300],
    )

    def decode(results: list[list[Any]]) -> CourseRows:
        lines, evaluations, items, links, therapies, appointments = results
        return CourseRows(
            lines=lines,
            evaluations=evaluations,
            items=items,
            links=dict(links),
            therapies=therapies,
            appointments=appointments,
        )

    return ReadPart(querysets=querysets, decode=decode)


def course_orders(user: User, patient_id: int) -> QuerySet[Any] | None:
    """The patient's orders the course links to its lines (``None``: the user's role may
    not see orders)."""
    if not user.has_perm(VIEW_ORDERS):
        return None
    return patient_orders(user=user, patient_id=patient_id)[:ORDERS_LIMIT]


def _build(user: User, patient: Patient) -> CourseView:
    """The course alone: its tables and the orders in one statement."""
    orders = course_orders(user, patient.pk)
    parts: list[ReadPart[Any]] = [course_read(patient.pk)]
    if orders is not None:
        parts.append(ReadPart(querysets=(orders,), decode=lambda results: results[0]))
    answers = read_parts(parts)
    return course_assemble(patient, answers[0], orders=answers[1] if orders is not None else None)


def course_assemble(patient: Patient, rows: CourseRows, *, orders: list[Any] | None) -> CourseView:
    """The course from its rows and the patient's orders (``None``: not for the role)."""
    today = timezone.localdate()
    lines, evaluations, items, links = rows.lines, rows.evaluations, rows.items, rows.links
    orders_hidden = orders is None
    orders = orders or []
    views: list[LineView] = []
    for line in lines:
        mine = [_order_ref(o) for o in orders if links.get(o.pk) == line.pk]
        found = rules.cycles(mine)
        linkable: list[LinkableOrder] = []
        if not line.closed and line.regimen_version_id is not None:
            linkable = [
                LinkableOrder(o.pk, _order_label(o))
                for o in orders
                if o.pk not in links
                and o.state != OrderState.CANCELLED.value
                and o.regimen_version.regimen.code == line.regimen_code
                and o.start_date >= line.started_on
            ]
        views.append(
            LineView(
                line=line,
                cycles=found,
                current_cycle=rules.current_cycle(found),
                evaluations=[e for e in evaluations if e.line_id == line.pk],
                plan_items=[i for i in items if i.line_id == line.pk],
                linkable=sorted(linkable, key=lambda o: o.order_id),
            )
        )
    therapies, appointments = rows.therapies, rows.appointments
    return CourseView(
        patient=patient,
        lines=views,
        current=_current(views, today),
        plan_items=[i for i in items if i.line_id is None],
        evaluations=[e for e in reversed(evaluations)],
        home_active=[t for t in therapies if t.stopped_on is None or t.stopped_on >= today],
        home_past=[t for t in therapies if t.stopped_on is not None and t.stopped_on < today],
        upcoming=[a for a in appointments if a.cancelled_at is None and a.scheduled_on >= today],
        past_appointments=[
            a
            for a in reversed(appointments)
            if a.cancelled_at is not None or a.scheduled_on < today
        ],
        orders_hidden=orders_hidden,
    )


def course_view(
    *, user: User, patient_id: int, workstation: Workstation = None, channel: str = "web"
) -> CourseView:
    """The patient's treatment course. Access-logged (``percorso di cura``)."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    view = _build(user, patient)
    access_log_record(
        user=user,
        patient_id=patient.pk,
        what="percorso di cura",
        workstation=workstation,
        channel=channel,
    )
    return view


def chart_course(*, user: User, patient_id: int) -> CourseView:
    """The same, for the chart page's section: the chart's own access-log row (written by
    ``selectors.chart_view`` for the same request) covers it."""
    require_permission(user, VIEW)
    return _build(user, patient_get(user=user, patient_id=patient_id))


def course_events(patient_id: int, rows: CourseRows) -> list[TimelineEvent]:
    """Lines started and closed, surgery and radiotherapy, re-evaluations with their
    response, home therapies and appointments, as events of the chart's timeline (from
    the rows the chart's section is made of: read once)."""
    url = reverse("records:course", args=[patient_id])
    found: list[TimelineEvent] = []
    for line in rows.lines:
        intent = rules.INTENT_LABELS_IT[rules.LineIntent(line.intent)]
        found.append(
            TimelineEvent(
                at=line.created_at,
                kind=EventKind.TREATMENT,
                title=f"Linea {line.number} · {line.regimen_name}",
                detail=f"{intent} · inizio {line.started_on:%d/%m/%Y}",
                author=author_name(line.recorded_by),
                url=url,
            )
        )
        if line.closed_at is not None and line.ended_on is not None:
            reason = rules.END_REASON_LABELS_IT[rules.EndReason(line.end_reason)]
            found.append(
                TimelineEvent(
                    at=line.closed_at,
                    kind=EventKind.TREATMENT,
                    title=f"Fine della linea {line.number} · {line.regimen_name}",
                    detail=f"{line.ended_on:%d/%m/%Y} · {reason}"
                    + (f" · {line.end_note}" if line.end_note else ""),
                    author=author_name(line.closed_by),
                    url=url,
                    sequence=1,
                )
            )
    for item in rows.items:
        found.append(
            TimelineEvent(
                at=item.recorded_at,
                kind=EventKind.TREATMENT,
                title=f"{item.get_kind_display()} del {item.performed_on:%d/%m/%Y}",
                detail=item.description,
                author=author_name(item.recorded_by),
                url=url,
            )
        )
    for ev in rows.evaluations:
        what = "Valutazione basale" if ev.baseline else ev.response_label
        found.append(
            TimelineEvent(
                at=ev.recorded_at,
                kind=EventKind.RESPONSE,
                title=f"{what} · {ev.get_method_display()} del {ev.evaluated_on:%d/%m/%Y}",
                detail=f"linea {ev.line.number} · {ev.line.regimen_name}"
                + (f" · somma {ev.sum_mm} mm" if ev.sum_mm is not None else ""),
                author=author_name(ev.recorded_by),
                url=url,
                sequence=ev.pk,
            )
        )
    for therapy in rows.therapies:
        found.append(
            TimelineEvent(
                at=therapy.created_at,
                kind=EventKind.TREATMENT,
                title=f"Terapia domiciliare: {therapy.drug} {therapy.dose}, {therapy.frequency}",
                detail=f"dal {therapy.started_on:%d/%m/%Y}"
                + (f" al {therapy.stopped_on:%d/%m/%Y}" if therapy.stopped_on else ""),
                author=author_name(therapy.recorded_by),
                url=url,
            )
        )
    for appt in rows.appointments:
        state = " (annullato)" if appt.cancelled_at is not None else ""
        found.append(
            TimelineEvent(
                at=appt.created_at,
                kind=EventKind.APPOINTMENT,
                title=f"{appt.get_kind_display()} il {appt.scheduled_on:%d/%m/%Y}{state}",
                detail=appt.note,
                author=author_name(appt.recorded_by),
                url=url,
            )
        )
    return found
