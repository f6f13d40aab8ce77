"""The demo day hospital's agenda (``corsia.demo``'s setup): DHONC with chairs P01–P15 and
beds L01–L02, open Monday to Friday 07:30–19:00, four nurses on duty, the Italian holidays
of the next two months closed, and a week of bookings for the demo patients — each made
through ``services.booking_create``, every check included. Idempotent: an agenda already
there is left as it is."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from corsia.agenda import services
from corsia.agenda.models import Agenda, BookingType
from corsia.agenda.selectors import agenda_calendar
from corsia.core.actors import User
from corsia.patients.selectors import care_wards, places

WORKSTATION = "DH-ACCETTAZIONE"
# Italian national holidays (month, day) — Easter Monday is not among them: it moves.
HOLIDAYS = {
    (1, 1): "Capodanno",
    (1, 6): "Epifania",
    (4, 25): "Festa della Liberazione",
    (5, 1): "Festa del lavoro",
    (6, 2): "Festa della Repubblica",
    (8, 15): "Ferragosto",
    (11, 1): "Ognissanti",
    (12, 8): "Immacolata Concezione",
    (12, 25): "Natale",
    (12, 26): "Santo Stefano",
}
TYPES = (
    services.BookingTypeInput(
        code="TER",
        name="Terapia",
        kind="therapy",
        default_minutes=150,
        blood_tests="Emocromo con formula, creatinina, bilirubina, transaminasi",
        blood_test_lead_minutes=60,
        observation_minutes=30,
    ),
    services.BookingTypeInput(
        code="PROS", name="Prosecuzione", kind="continuation", default_minutes=90
    ),
    services.BookingTypeInput(code="VIS", name="Visita", kind="visit", default_minutes=30),
    services.BookingTypeInput(
        code="FU", name="Controllo (follow-up)", kind="follow_up", default_minutes=20
    ),
    services.BookingTypeInput(
        code="STACCO",
        name="Stacco pompa",
        kind="pump_detachment",
        default_minutes=15,
        pump_detachment_minutes=15,
    ),
)
# each day's pattern: (place code, start, booking type code)
DAY_PATTERN = (
    ("P01", time(8, 30), "TER"), ("P01", time(11, 30), "PROS"), ("P01", time(14, 0), "TER"),
    ("P02", time(8, 45), "TER"), ("P02", time(12, 0), "TER"),
    ("P03", time(8, 45), "PROS"), ("P03", time(10, 30), "TER"),
    ("P04", time(9, 0), "TER"), ("P04", time(13, 30), "PROS"),
    ("P05", time(9, 15), "TER"), ("P06", time(9, 30), "STACCO"), ("P06", time(10, 0), "TER"),
    ("P07", time(9, 45), "TER"), ("P08", time(10, 15), "VIS"), ("P09", time(11, 0), "TER"),
    ("P10", time(11, 15), "FU"), ("L01", time(8, 30), "TER"), ("L02", time(10, 0), "TER"),
)  # fmt: skip


def weekday_agenda(
    *,
    actor: User,
    data: services.AgendaInput,
    place_codes: set[str],
    types: tuple[services.BookingTypeInput, ...],
) -> tuple[Agenda, dict[str, BookingType], dict[str, int]]:
    """An agenda with these places of its ward, open Monday to Friday 07:30–19:00 (one
    shift), and these booking types: the agenda, its types by code, its place ids by code
    (the demo's and the tests')."""
    agenda = services.agenda_create(actor=actor, workstation=WORKSTATION, data=data)
    place_ids = {
        p.code: p.pk for p in places() if p.ward_id == data.ward_id and p.code in place_codes
    }
    for place_id in sorted(place_ids.values()):
        services.agenda_place_set(
            actor=actor,
            workstation=WORKSTATION,
            agenda_id=agenda.pk,
            place_id=place_id,
            active=True,
        )
    for weekday in range(5):
        services.hours_set(
            actor=actor,
            workstation=WORKSTATION,
            agenda_id=agenda.pk,
            weekday=weekday,
            shifts=[(time(7, 30), time(19, 0), "giornata")],
        )
    by_code = {
        t.code: services.booking_type_set(
            actor=actor, workstation=WORKSTATION, agenda_id=agenda.pk, data=t
        )
        for t in types
    }
    return agenda, by_code, place_ids


@transaction.atomic
def ensure_demo_agenda(*, coordinator: User, nurses: list[User], patient_ids: list[int]) -> int:
    """The demo agenda and its week; how many bookings were created (0: already there)."""
    if Agenda.objects.filter(code="DHONC").exists():
        return 0
    ward = next(w for w in care_wards() if w.code == "DHONC")
    agenda, types, place_ids = weekday_agenda(
        actor=coordinator,
        data=services.AgendaInput(
            code="DHONC",
            name="Day hospital oncologico",
            kind="day_hospital",
            ward_id=ward.pk,
            slot_minutes=15,
            slot_capacity=3,
            daily_capacity=40,
        ),
        place_codes={f"P{n:02d}" for n in range(1, 16)} | {"L01", "L02"},
        types=TYPES,
    )
    today = timezone.localdate()
    for offset in range(60):
        day = today + timedelta(days=offset)
        if (day.month, day.day) in HOLIDAYS and day.weekday() < 5:
            services.closed_day_set(
                actor=coordinator,
                workstation=WORKSTATION,
                agenda_id=agenda.pk,
                day=day,
                reason=HOLIDAYS[(day.month, day.day)],
            )
    calendar = agenda_calendar(agenda, today, today + timedelta(days=60))
    created = 0
    days = [today + timedelta(days=i) for i in range(7)]
    for day_index, day in enumerate(d for d in days if calendar.is_open(d)):
        for nurse in nurses:
            services.nurse_on_duty_set(
                actor=coordinator,
                workstation=WORKSTATION,
                agenda_id=agenda.pk,
                day=day,
                nurse_id=nurse.pk,
                shift="giornata",
            )
        created += _book_day(
            agenda,
            day=day,
            day_index=day_index,
            types=types,
            place_ids=place_ids,
            nurses=nurses,
            patient_ids=patient_ids,
        )
    return created


def _book_day(
    agenda: Agenda,
    *,
    day: date,
    day_index: int,
    types: dict[str, BookingType],
    place_ids: dict[str, int],
    nurses: list[User],
    patient_ids: list[int],
) -> int:
    if not patient_ids:
        return 0
    created = 0
    for i, (place, start, type_code) in enumerate(DAY_PATTERN):
        if i >= len(patient_ids):
            break
        patient_id = patient_ids[(i + day_index * 7) % len(patient_ids)]
        services.booking_create(
            actor=nurses[i % len(nurses)],
            workstation=WORKSTATION,
            data=services.BookingInput(
                agenda_id=agenda.pk,
                booking_type_id=types[type_code].pk,
                patient_id=patient_id,
                day=day,
                start=start,
                place_id=place_ids[place],
                nurse_id=nurses[i % len(nurses)].pk,
            ),
        )
        created += 1
    return created
