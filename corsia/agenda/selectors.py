"""Reads of the agenda: agendas and their organisation, the day, the week, the call-in list.

Pages and API read through the permission-checked selectors at the top (a list of
patients writes one access-log row per patient shown, and hides masked stays from those
outside them); the last section holds the reads the services take inside their own
transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.selectors import users_in_role
from corsia.agenda.domain.calendar import Calendar, Window
from corsia.agenda.domain.phases import PHASE_LABELS_IT, PhaseKind
from corsia.agenda.domain.states import OCCUPYING, BookingState, allowed_events
from corsia.agenda.models import (
    Agenda,
    AgendaPlace,
    Booking,
    BookingType,
    ClosedDay,
    CupServiceMapping,
    NurseOnDuty,
    OpeningWindow,
    Programme,
    Reminder,
)
from corsia.agenda.permissions import MANAGE, VIEW
from corsia.audit.services import access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients.selectors import outside_hidden_stays

if TYPE_CHECKING:
    from corsia.patients.models import BedOrChair

# A page or an API call shows at most this many days at once (the week: 7).
MAX_DAYS = 31
# Bookings are made from a month back (a late recording) to two years ahead.
DAYS_BACK = 31
DAYS_AHEAD = 2 * 366


def occupying() -> list[str]:
    return sorted(s.value for s in OCCUPYING)


def day_in_range(day: date, *, today: date | None = None, field: str = "day") -> date:
    """``day`` if it is a plausible day for the agenda, else ``day_out_of_range``."""
    today = today or timezone.localdate()
    if not today - timedelta(days=DAYS_BACK) <= day <= today + timedelta(days=DAYS_AHEAD):
        raise ValidationFailed(
            f"Data fuori dall'intervallo dell'agenda (da {DAYS_BACK} giorni fa a due anni).",
            code="day_out_of_range",
            field=field,
        )
    return day


def local_dt(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


# --- pages and API (permission checked) -------------------------------------------------


def agendas_list(*, user: User, include_inactive: bool = False) -> list[Agenda]:
    require_permission(user, VIEW)
    rows = Agenda.objects.select_related("ward").order_by("name")
    return list(rows if include_inactive else rows.filter(is_active=True))


def agenda_get(*, user: User, agenda_id: int) -> Agenda:
    require_permission(user, VIEW)
    agenda = Agenda.objects.select_related("ward").filter(pk=agenda_id).first()
    if agenda is None:
        raise NotFound("Agenda inesistente.", code="agenda_not_found")
    return agenda


@dataclass(frozen=True)
class Organisation:
    agenda: Agenda
    places: list[AgendaPlace]
    booking_types: list[BookingType]
    windows: list[OpeningWindow]
    closed_days: list[ClosedDay]
    # the CUP's services landing here (active first; the inactive kept as history)
    cup_mappings: list[CupServiceMapping]


def agenda_organisation(*, user: User, agenda_id: int) -> Organisation:
    """The agenda's organisation: for those who read the agenda or organise it (no
    patient in it: an administrator organises without reading the day)."""
    require_permission(user, VIEW if user.has_perm(VIEW) else MANAGE)
    agenda = Agenda.objects.select_related("ward").filter(pk=agenda_id).first()
    if agenda is None:
        raise NotFound("Agenda inesistente.", code="agenda_not_found")
    return Organisation(
        agenda=agenda,
        places=list(
            agenda.places.filter(is_active=True)
            .select_related("place")
            .order_by("-place__kind", "place__code")
        ),
        booking_types=list(agenda.booking_types.order_by("name")),
        windows=list(agenda.windows.filter(is_active=True).order_by("weekday", "opens")),
        closed_days=list(
            agenda.closed_days.filter(is_active=True, day__gte=timezone.localdate()).order_by(
                "day"
            )[:60]
        ),
        cup_mappings=list(
            CupServiceMapping.objects.filter(booking_type__agenda=agenda)
            .select_related("booking_type")
            .order_by("-is_active", "service_code", "location_code", "system", "-pk")[:500]
        ),
    )


@dataclass(frozen=True)
class PlaceRow:
    place_id: int | None  # None: the bookings still to place
    label: str
    kind: str
    bookings: list[Booking] = field(default_factory=list)


@dataclass(frozen=True)
class DayView:
    agenda: Agenda
    day: date
    opens: time | None
    closes: time | None
    closed_reason: str
    rows: list[PlaceRow]
    nurses: list[NurseOnDuty]
    bookings: list[Booking]  # every visible booking of the day, cancelled ones too

    @property
    def active(self) -> list[Booking]:
        return [b for b in self.bookings if b.state in OCCUPYING]


def _visible(user: User, rows: QuerySet[Booking]) -> QuerySet[Booking]:
    return outside_hidden_stays(rows, user=user, field="start_at")


def _log(
    user: User, bookings: list[Booking], what: str, workstation: Workstation, channel: str
) -> None:
    access_log_record_many(
        user=user,
        patient_ids=sorted({b.patient_id for b in bookings}),
        what=what,
        workstation=workstation,
        channel=channel,
    )


def _bookings(user: User, agenda: Agenda, first: date, last: date) -> list[Booking]:
    rows = Booking.objects.filter(agenda=agenda, day__gte=first, day__lte=last).select_related(
        "patient", "place", "booking_type", "nurse"
    )
    return list(_visible(user, rows).order_by("day", "start_at", "pk"))


def day_view(
    *, user: User, agenda_id: int, day: date, workstation: Workstation, channel: str = "web"
) -> DayView:
    """The day of one agenda: a row per place (bookings by start), the bookings to place,
    the nurses on duty; logs the read of every patient shown."""
    agenda = agenda_get(user=user, agenda_id=agenda_id)
    calendar = agenda_calendar(agenda, day, day)
    windows = calendar.windows_on(day)
    closed = ClosedDay.objects.filter(agenda=agenda, day=day, is_active=True).first()
    bookings = _bookings(user, agenda, day, day)
    rows = [
        PlaceRow(place_id=p.place_id, label=p.place.code, kind=p.place.kind)
        for p in agenda.places.filter(is_active=True)
        .select_related("place")
        .order_by("-place__kind", "place__code")
    ]
    by_place = {r.place_id: r for r in rows}
    unplaced = PlaceRow(place_id=None, label="Da assegnare", kind="")
    for booking in bookings:
        if booking.state not in OCCUPYING:
            continue
        target = by_place.get(booking.place_id) if booking.place_id else unplaced
        if target is None:  # a place taken off the agenda since
            target = PlaceRow(place_id=booking.place_id, label=str(booking.place), kind="")
            by_place[booking.place_id] = target
            rows.append(target)
        target.bookings.append(booking)
    if unplaced.bookings:
        rows.append(unplaced)
    _log(user, bookings, "agenda del giorno", workstation, channel)
    return DayView(
        agenda=agenda,
        day=day,
        opens=windows[0].opens if windows else None,
        closes=max(w.closes for w in windows) if windows else None,
        closed_reason=closed.reason if closed else "",
        rows=rows,
        nurses=list(
            NurseOnDuty.objects.filter(agenda=agenda, day=day, is_active=True).select_related(
                "nurse"
            )
        ),
        bookings=bookings,
    )


@dataclass(frozen=True)
class WeekDay:
    day: date
    is_open: bool
    bookings: list[Booking]
    nurses: int
    capacity: int

    @property
    def active(self) -> list[Booking]:
        return [b for b in self.bookings if b.state in OCCUPYING]


def week_view(
    *, user: User, agenda_id: int, first: date, workstation: Workstation, channel: str = "web"
) -> list[WeekDay]:
    """Seven days from ``first``: each day's bookings, nurses on duty and capacity."""
    agenda = agenda_get(user=user, agenda_id=agenda_id)
    last = first + timedelta(days=6)
    calendar = agenda_calendar(agenda, first, last)
    bookings = _bookings(user, agenda, first, last)
    by_day: dict[date, list[Booking]] = defaultdict(list)
    for b in bookings:
        by_day[b.day].append(b)
    nurses: dict[date, int] = defaultdict(int)
    for row in NurseOnDuty.objects.filter(
        agenda=agenda, day__gte=first, day__lte=last, is_active=True
    ):
        nurses[row.day] += 1
    _log(user, bookings, "agenda della settimana", workstation, channel)
    return [
        WeekDay(
            day=first + timedelta(days=i),
            is_open=calendar.is_open(first + timedelta(days=i)),
            bookings=by_day[first + timedelta(days=i)],
            nurses=nurses[first + timedelta(days=i)],
            capacity=agenda.daily_capacity,
        )
        for i in range(7)
    ]


@dataclass(frozen=True)
class CallIn:
    booking: Booking
    arrival: datetime
    blood_tests: str
    reminder: str  # "sent", "failed" or ""


def call_in_list(
    *, user: User, agenda_id: int, day: date, workstation: Workstation, channel: str = "web"
) -> tuple[Agenda, list[CallIn]]:
    """The day's call-in list: every booking still expected, by arrival time."""
    agenda = agenda_get(user=user, agenda_id=agenda_id)
    bookings = [
        b
        for b in _bookings(user, agenda, day, day)
        if b.state in {BookingState.PLANNED, BookingState.CONFIRMED, BookingState.ARRIVED}
    ]
    reminders: dict[int, str] = {}
    for r in Reminder.objects.filter(booking__in=bookings).order_by("at"):
        if reminders.get(r.booking_id) != "sent":
            reminders[r.booking_id] = r.state
    _log(user, bookings, "convocazioni del giorno", workstation, channel)
    rows = [
        CallIn(
            booking=b,
            arrival=b.arrival_at,
            blood_tests=b.booking_type.blood_tests,
            reminder=reminders.get(b.pk, ""),
        )
        for b in bookings
    ]
    return agenda, sorted(rows, key=lambda r: (r.arrival, r.booking.patient.surname))


def booking_get(
    *, user: User, booking_id: int, workstation: Workstation, channel: str = "web"
) -> Booking:
    require_permission(user, VIEW)
    rows = Booking.objects.filter(pk=booking_id).select_related(
        "patient", "place", "booking_type", "agenda", "nurse"
    )
    booking = _visible(user, rows).first()
    if booking is None:
        raise NotFound("Prenotazione inesistente.", code="booking_not_found")
    _log(user, [booking], "prenotazione", workstation, channel)
    return booking


def booking_actions(booking: Booking) -> list[str]:
    return [e.value for e in allowed_events(booking.state)]


def phase_label(kind: str) -> str:
    return PHASE_LABELS_IT[PhaseKind(kind)]


def programme_get(*, user: User, programme_id: int) -> Programme:
    require_permission(user, VIEW)
    programme = (
        Programme.objects.filter(pk=programme_id)
        .select_related("patient", "agenda", "booking_type", "regimen_version")
        .first()
    )
    if programme is None:
        raise NotFound("Programma inesistente.", code="programme_not_found")
    return programme


# --- for this module's services (inside their transaction; no permission, no log) ------


def agenda_calendar(agenda: Agenda, first: date, last: date) -> Calendar:
    """The agenda's windows and its closed days between ``first`` and ``last``."""
    return Calendar(
        windows=tuple(
            Window(w.weekday, w.opens, w.closes, w.shift)
            for w in agenda.windows.filter(is_active=True)
        ),
        closed=frozenset(
            agenda.closed_days.filter(is_active=True, day__gte=first, day__lte=last).values_list(
                "day", flat=True
            )
        ),
    )


def agenda_for_update(agenda_id: int) -> Agenda:
    """The agenda row, locked: the bookings of one agenda are written one at a time, so
    the conflict and capacity checks read a settled day (the exclusion constraint stays
    the last word for any other writer)."""
    agenda = Agenda.objects.select_for_update(no_key=True).filter(pk=agenda_id).first()
    if agenda is None:
        raise NotFound("Agenda inesistente.", code="agenda_not_found")
    return agenda


def booking_for_update(booking_id: int) -> Booking:
    booking = Booking.objects.select_for_update(of=("self",)).filter(pk=booking_id).first()
    if booking is None:
        raise NotFound("Prenotazione inesistente.", code="booking_not_found")
    return booking


def agenda_place_ids(agenda: Agenda) -> set[int]:
    return set(agenda.places.filter(is_active=True).values_list("place_id", flat=True))


def day_counts(agenda: Agenda, first: date, last: date) -> dict[date, int]:
    counts: dict[date, int] = defaultdict(int)
    for day in Booking.objects.filter(
        agenda=agenda, day__gte=first, day__lte=last, state__in=occupying()
    ).values_list("day", flat=True):
        counts[day] += 1
    return dict(counts)


def overlapping(
    *,
    start: datetime,
    end: datetime,
    place_id: int | None = None,
    patient_id: int | None = None,
    exclude_id: int | None = None,
    exclude_ids: frozenset[int] = frozenset(),
) -> Booking | None:
    """An occupying booking of the place (or the patient) overlapping ``start``–``end``,
    other than ``exclude_id`` and ``exclude_ids`` (a day plan's moved bookings: their new
    times are the plan's check and the deferred constraint's)."""
    rows = Booking.objects.filter(state__in=occupying()).select_related("place", "patient")
    if place_id is not None:
        rows = rows.filter(place_id=place_id, start_at__lt=end, end_at__gt=start)
    else:
        rows = rows.filter(patient_id=patient_id or 0, arrival_at__lt=end, end_at__gt=start)
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    if exclude_ids:
        rows = rows.exclude(pk__in=exclude_ids)
    return rows.order_by("start_at").first()


def arrivals_in_slot(agenda: Agenda, at: datetime, *, exclude_id: int | None = None) -> int:
    local = timezone.localtime(at)
    minutes = local.hour * 60 + local.minute
    slot_start = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
        minutes=minutes - minutes % agenda.slot_minutes
    )
    rows = Booking.objects.filter(
        agenda=agenda,
        state__in=occupying(),
        place__isnull=False,
        arrival_at__gte=slot_start,
        arrival_at__lt=slot_start + timedelta(minutes=agenda.slot_minutes),
    )
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return rows.count()


def place_of(place_id: int) -> BedOrChair | None:
    from_agenda = AgendaPlace.objects.filter(place_id=place_id).select_related("place").first()
    return from_agenda.place if from_agenda else None


def nurse_on_duty(agenda: Agenda, day: date, nurse_id: int) -> bool:
    return NurseOnDuty.objects.filter(
        agenda=agenda, day=day, nurse_id=nurse_id, is_active=True
    ).exists()


def nurse_choices() -> list[User]:
    """The active nurses, for the nurses-on-duty form."""
    return users_in_role(role=Role.NURSE)


def day_bookings_for_plan(agenda: Agenda, day: date, *, lock: bool = False) -> list[Booking]:
    """Every occupying booking of the agenda's day, masked stays included (the day plan
    must see every place taken); ``lock``: FOR UPDATE, inside the plan's apply."""
    rows = Booking.objects.filter(agenda=agenda, day=day, state__in=occupying())
    if lock:
        rows = rows.select_for_update(of=("self",))
    return list(rows.select_related("patient", "place", "booking_type").order_by("start_at", "pk"))


def visible_booking_ids(user: User, bookings: list[Booking]) -> set[int]:
    """The bookings ``user`` may see by name (a masked stay's are hidden from outsiders)."""
    rows = Booking.objects.filter(pk__in=[b.pk for b in bookings])
    return set(_visible(user, rows).values_list("pk", flat=True))


def nurses_on_duty_between(agenda: Agenda, first: date, last: date) -> list[NurseOnDuty]:
    """The nurses on duty from ``first`` to ``last``, by day, with their shift and breaks."""
    return list(
        NurseOnDuty.objects.filter(agenda=agenda, day__range=(first, last), is_active=True)
        .select_related("nurse")
        .order_by("day", "starts_at", "nurse_id")
    )


def day_nurses(agenda: Agenda, day: date) -> list[NurseOnDuty]:
    return list(
        NurseOnDuty.objects.filter(agenda=agenda, day=day, is_active=True).order_by("nurse_id")
    )


def day_places(agenda: Agenda) -> list[AgendaPlace]:
    return list(
        agenda.places.filter(is_active=True)
        .select_related("place")
        .order_by("-place__kind", "place__code")
    )


def day_is_closed(agenda: Agenda, day: date) -> bool:
    return ClosedDay.objects.filter(agenda=agenda, day=day, is_active=True).exists()


def log_plan_read(
    user: User, bookings: list[Booking], workstation: Workstation, channel: str
) -> None:
    _log(user, bookings, "piano della giornata", workstation, channel)


# --- For other modules (telemedicine): one booking as a frozen fact ---------------------------


@dataclass(frozen=True)
class BookingBrief:
    """A booking as another module schedules on it (a televisit on its slot): no permission
    checked, no access logged — the caller's service does both."""

    booking_id: int
    agenda_id: int
    agenda_name: str
    patient_id: int
    booking_kind: str  # BookingKind: visit, follow_up, clinic, ...
    day: date
    start_at: datetime
    end_at: datetime
    state: str
    active: bool  # planned, confirmed, arrived or started (not done, cancelled, no-show)


def booking_brief(booking_id: int) -> BookingBrief | None:
    booking = Booking.objects.filter(pk=booking_id).select_related("agenda", "booking_type").first()
    if booking is None:
        return None
    active = {
        BookingState.PLANNED.value,
        BookingState.CONFIRMED.value,
        BookingState.ARRIVED.value,
        BookingState.STARTED.value,
    }
    return BookingBrief(
        booking_id=booking.pk,
        agenda_id=booking.agenda_id,
        agenda_name=booking.agenda.name,
        patient_id=booking.patient_id,
        booking_kind=booking.booking_type.kind,
        day=booking.day,
        start_at=booking.start_at,
        end_at=booking.end_at,
        state=booking.state,
        active=booking.state in active,
    )
