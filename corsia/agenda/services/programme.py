"""The therapy programme of a treatment line: proposed on the agenda, confirmed by the
physician (the calendared orders created through prescribing's services, one booking per
treatment day), a cycle postponed with the rest after it.

The proposal is ``domain/programme.py``'s; here it meets the line (``corsia.records``), the
regimen version (``corsia.regimens``), the agenda's calendar and its booked days.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from corsia.agenda import audit_events as events
from corsia.agenda.domain.phases import DrugStep
from corsia.agenda.domain.programme import ProgrammeRequest, propose_programme
from corsia.agenda.domain.states import MOVABLE, OCCUPYING
from corsia.agenda.models import Programme, ProgrammeCycle, ProgrammeState
from corsia.agenda.permissions import PROGRAMME
from corsia.agenda.selectors import (
    agenda_calendar,
    agenda_for_update,
    day_counts,
    day_in_range,
)
from corsia.agenda.services.bookings import BookingInput, booking_create, booking_move
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.prescribing.services import order_create, order_day_move
from corsia.records.selectors_course import course_view
from corsia.regimens.domain.spec import InfusionType, RegimenSpec
from corsia.regimens.selectors import ensure_prescribable, version_get, version_spec

ONLY_PHYSICIANS = "Solo il medico propone e conferma il programma di terapia."
SHIFT_REASON = "Giorno spostato dall'agenda (chiusura o capienza)"


def _steps(spec: RegimenSpec, cycle: int, day: int) -> list[DrugStep]:
    return [
        DrugStep(
            label=c.ingredient,
            minutes=c.duration_minutes,
            after_minutes=c.interval_after_minutes,
            observation_minutes=c.observation_minutes,
            bolus=c.infusion_type in {InfusionType.BOLUS, InfusionType.PUSH},
            continuous=c.infusion_type == InfusionType.CONTINUOUS,
        )
        for c in spec.components_on(day)
        if c.cycle_from <= cycle and (c.cycle_to is None or cycle <= c.cycle_to)
    ]


def programme_propose(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    treatment_line_id: int,
    agenda_id: int,
    booking_type_id: int,
    first_day: date,
    cycles: int,
) -> Programme:
    """Propose every appointment of the line's next ``cycles`` cycles from ``first_day``
    (kept as a proposal: nothing is booked until the physician confirms)."""
    require_permission(actor, PROGRAMME, ONLY_PHYSICIANS)
    day_in_range(first_day, field="first_day")
    course = course_view(user=actor, patient_id=patient_id, workstation=workstation, channel="web")
    view = next((v for v in course.lines if v.line.pk == treatment_line_id), None)
    if view is None:
        raise NotFound("Linea di terapia inesistente per il paziente.", code="line_not_found")
    if view.line.closed:
        raise ConflictError("La linea di terapia è chiusa.", code="line_closed")
    if view.line.regimen_version_id is None:
        raise ValidationFailed(
            "La linea non ha uno schema della libreria: il programma non si calcola.",
            code="line_without_regimen",
        )
    version = version_get(version_id=view.line.regimen_version_id)
    ensure_prescribable(version)
    spec = version_spec(version)
    given = [c for c in view.cycles if not c.cancelled]
    first_cycle = max((c.number for c in given), default=0) + 1
    previous = max(given, key=lambda c: c.number).start if given else None
    request = ProgrammeRequest(
        first_day=first_day,
        cycles=cycles,
        cycle_length_days=spec.cycle_length_days,
        cycle_days=spec.cycle_days(),
        first_cycle=first_cycle,
        previous_day1=previous,
    )
    if spec.max_cycles is not None and first_cycle + cycles - 1 > spec.max_cycles:
        raise ValidationFailed(
            f"Lo schema prevede al massimo {spec.max_cycles} cicli.",
            code="cycle_beyond_max",
            field="cycles",
        )
    with transaction.atomic():
        agenda = agenda_for_update(agenda_id)
        booking_type = agenda.booking_types.filter(pk=booking_type_id, is_active=True).first()
        if booking_type is None:
            raise NotFound("Tipo di prenotazione inesistente.", code="booking_type_not_found")
        horizon = first_day + timedelta(days=spec.cycle_length_days * (cycles + 1) + 180)
        proposal = propose_programme(
            request,
            agenda_calendar(agenda, first_day, horizon),
            booked=day_counts(agenda, first_day, horizon),
            capacity=agenda.daily_capacity,
        )
        programme = Programme.objects.create(
            patient_id=patient_id,
            agenda=agenda,
            booking_type=booking_type,
            treatment_line_id=view.line.pk,
            line_number=view.line.number,
            regimen_version=version,
            cycle_length_days=spec.cycle_length_days,
            cycle_days=[list(cycle_days(c)) for c in proposal],
            state=ProgrammeState.PROPOSED,
            created_by=actor,
            updated_by=actor,
            workstation=workstation_label(workstation),
        )
        for cycle in proposal:
            ProgrammeCycle.objects.create(
                programme=programme,
                cycle_number=cycle.cycle_number,
                nominal_day1=cycle.nominal_day1,
                day1=cycle.day1,
            )
        audit_record(
            event=events.PROGRAMME_PROPOSED,
            actor=actor,
            workstation=workstation,
            target=programme,
            patient_id=patient_id,
            after={"cycles": programme.cycle_days, "regimen": spec.code},
        )
    return programme


def cycle_days(cycle: object) -> list[tuple[int, str]]:
    """``(day of cycle, ISO date)`` of a proposed cycle (stored on the programme)."""
    return [(d.day_of_cycle, d.day.isoformat()) for d in cycle.days]  # type: ignore[attr-defined]  # a ProposedCycle


def _planned(programme: Programme) -> dict[int, list[tuple[int, date]]]:
    """Cycle number → its (day of cycle, date) as stored."""
    found: dict[int, list[tuple[int, date]]] = {}
    for cycle, days in zip(
        programme.cycles.order_by("cycle_number"), programme.cycle_days, strict=True
    ):
        found[cycle.cycle_number] = [(int(d), date.fromisoformat(iso)) for d, iso in days]
    return found


def programme_confirm(
    *,
    actor: User,
    workstation: Workstation,
    programme_id: int,
    expected_version: int,
    start: time | None = None,
) -> Programme:
    """The physician confirms: one draft order per cycle (prescribing's ``order_create``,
    a day the agenda moved moved with ``order_day_move``) and one booking per treatment
    day, to be placed on the day's plan (no chair yet). All or nothing."""
    require_permission(actor, PROGRAMME, ONLY_PHYSICIANS)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().filter(pk=programme_id).first()
        if programme is None:
            raise NotFound("Programma inesistente.", code="programme_not_found")
        programme.check_version(expected_version)
        if programme.state != ProgrammeState.PROPOSED:
            raise ConflictError(
                "Il programma è già stato confermato.", code="programme_not_proposed"
            )
        spec = version_spec(version_get(version_id=programme.regimen_version_id))
        planned = _planned(programme)
        agenda = programme.agenda
        for cycle in programme.cycles.order_by("cycle_number"):
            days = planned[cycle.cycle_number]
            order = order_create(
                actor=actor,
                workstation=workstation,
                patient_id=programme.patient_id,
                regimen_version_id=programme.regimen_version_id,
                start_date=cycle.day1,
                cycle_number=cycle.cycle_number,
                line=programme.line_number,
            )
            for day_of_cycle, day in days:
                if day != cycle.day1 + timedelta(days=day_of_cycle - 1):
                    order_day_move(
                        actor=actor,
                        workstation=workstation,
                        order_id=order.pk,
                        day_of_cycle=day_of_cycle,
                        new_date=day,
                        reason=SHIFT_REASON,
                    )
            cycle.order_id = order.pk
            cycle.save(update_fields=["order_id", "updated_at"])
            for day_of_cycle, day in days:
                opening = agenda_calendar(agenda, day, day).opening(day)
                at = start or _after_lead(opening, programme.booking_type.blood_test_lead_minutes)
                booking_create(
                    actor=actor,
                    workstation=workstation,
                    data=BookingInput(
                        agenda_id=agenda.pk,
                        booking_type_id=programme.booking_type_id,
                        patient_id=programme.patient_id,
                        day=day,
                        start=at,
                        order_id=order.pk,
                        day_of_cycle=day_of_cycle,
                    ),
                    steps=_steps(spec, cycle.cycle_number, day_of_cycle),
                    programme_cycle_id=cycle.pk,
                )
        programme.state = ProgrammeState.CONFIRMED
        programme.confirmed_by = actor
        programme.confirmed_at = timezone.now()
        programme.save(
            update_fields=["state", "confirmed_by", "confirmed_at", *programme.bump(by=actor)]
        )
        audit_record(
            event=events.PROGRAMME_CONFIRMED,
            actor=actor,
            workstation=workstation,
            target=programme,
            patient_id=programme.patient_id,
            after={"orders": list(programme.cycles.values_list("order_id", flat=True))},
        )
    return programme


def _after_lead(opening: time | None, lead: int) -> time:
    if opening is None:
        raise ValidationFailed("L'agenda è chiusa quel giorno.", code="agenda_closed_day")
    minutes = opening.hour * 60 + opening.minute + lead
    return time(minutes // 60, minutes % 60)


def programme_postpone_cycle(
    *,
    actor: User,
    workstation: Workstation,
    programme_id: int,
    expected_version: int,
    cycle_number: int,
    new_day1: date,
    reason: str,
) -> Programme:
    """Postpone a confirmed programme's cycle to ``new_day1``: it and every later cycle are
    proposed again from there (intervals kept), their bookings and their orders' days
    moved. A reason; never before the interval from the cycle before."""
    require_permission(actor, PROGRAMME, ONLY_PHYSICIANS)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            "Indicare il motivo del rinvio.", code="reason_required", field="reason"
        )
    day_in_range(new_day1, field="new_day1")
    with transaction.atomic():
        programme = Programme.objects.select_for_update().filter(pk=programme_id).first()
        if programme is None:
            raise NotFound("Programma inesistente.", code="programme_not_found")
        programme.check_version(expected_version)
        if programme.state != ProgrammeState.CONFIRMED:
            raise ConflictError(
                "Si rinvia un ciclo di un programma confermato.", code="programme_not_confirmed"
            )
        cycles = list(programme.cycles.order_by("cycle_number"))
        index = next((i for i, c in enumerate(cycles) if c.cycle_number == cycle_number), None)
        if index is None:
            raise NotFound("Ciclo inesistente nel programma.", code="cycle_not_found")
        moved = cycles[index:]
        if new_day1 <= moved[0].day1:
            raise ValidationFailed(
                "Il rinvio deve portare il ciclo a una data successiva.",
                code="postpone_not_later",
                field="new_day1",
            )
        bookings = {
            c.pk: list(
                c.bookings.filter(state__in=sorted(s.value for s in OCCUPYING)).order_by("day")
            )
            for c in moved
        }
        if any(b.state not in MOVABLE or b.locked for rows in bookings.values() for b in rows):
            raise ConflictError(
                "Un accesso del ciclo è già iniziato o bloccato: non si rinvia.",
                code="booking_not_movable",
            )
        agenda = agenda_for_update(programme.agenda_id)
        horizon = new_day1 + timedelta(days=programme.cycle_length_days * (len(moved) + 1) + 180)
        counts = day_counts(agenda, new_day1, horizon)
        for rows in bookings.values():  # this programme's own days are free to take again
            for b in rows:
                if b.day in counts:
                    counts[b.day] -= 1
        spec_days = tuple(int(d) for d, _ in programme.cycle_days[index])
        proposal = propose_programme(
            ProgrammeRequest(
                first_day=new_day1,
                cycles=len(moved),
                cycle_length_days=programme.cycle_length_days,
                cycle_days=spec_days,
                first_cycle=cycle_number,
                previous_day1=cycles[index - 1].day1 if index else None,
            ),
            agenda_calendar(agenda, new_day1, horizon),
            booked=counts,
            capacity=agenda.daily_capacity,
        )
        before = {str(c.cycle_number): c.day1.isoformat() for c in moved}
        stored = list(programme.cycle_days)
        # latest first: a booking never lands on a day its own later cycle still holds
        for cycle, proposed in reversed(list(zip(moved, proposal, strict=True))):
            for booking, day in zip(bookings[cycle.pk], proposed.days, strict=False):
                booking_move(
                    actor=actor,
                    workstation=workstation,
                    booking_id=booking.pk,
                    expected_version=booking.version,
                    reason=reason,
                    day=day.day,
                )
            if cycle.order_id is not None:
                for day in reversed(proposed.days):
                    order_day_move(
                        actor=actor,
                        workstation=workstation,
                        order_id=cycle.order_id,
                        day_of_cycle=day.day_of_cycle,
                        new_date=day.day,
                        reason=reason,
                    )
            cycle.day1 = proposed.day1
            cycle.nominal_day1 = proposed.nominal_day1
            cycle.save(update_fields=["day1", "nominal_day1", "updated_at"])
            stored[index + moved.index(cycle)] = cycle_days(proposed)
        programme.cycle_days = stored
        programme.save(update_fields=["cycle_days", *programme.bump(by=actor)])
        audit_record(
            event=events.CYCLE_POSTPONED,
            actor=actor,
            workstation=workstation,
            target=programme,
            patient_id=programme.patient_id,
            before=before,
            after={str(c.cycle_number): c.day1.isoformat() for c in moved},
            reason=reason,
        )
    return programme
