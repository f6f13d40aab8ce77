"""The agenda's tables: agendas and their organisation, bookings, programmes, reminders.

Places (beds, chairs) and wards are ``corsia.patients``'; orders are ``corsia.prescribing``'s
(kept here by id). Nothing is deleted: a booking is cancelled, a day reopened by a new row.
"""

from __future__ import annotations

from datetime import datetime

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Deferrable, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corsia.agenda.domain.phases import PHASE_LABELS_IT, PhaseKind
from corsia.agenda.domain.states import (
    EVENT_LABELS_IT,
    OCCUPYING,
    STATE_LABELS_IT,
    BookingState,
    allowed_events,
)
from corsia.core.models import TimeStampedModel, VersionedModel


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class AgendaKind(models.TextChoices):
    DAY_HOSPITAL = "day_hospital", _("Day hospital")
    OUTPATIENT = "outpatient", _("Ambulatorio")
    WARD = "ward", _("Reparto")


class BookingKind(models.TextChoices):
    THERAPY = "therapy", _("Terapia")
    VISIT = "visit", _("Visita")
    FOLLOW_UP = "follow_up", _("Controllo (follow-up)")
    CONTINUATION = "continuation", _("Prosecuzione")
    CLINIC = "clinic", _("Ambulatorio")
    PUMP_DETACHMENT = "pump_detachment", _("Stacco pompa")


@pghistory.track()
class Agenda(VersionedModel):
    code = models.CharField(_("codice"), max_length=20, unique=True)
    name = models.CharField(_("nome"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=20, choices=AgendaKind.choices)
    ward = models.ForeignKey("patients.Ward", on_delete=models.PROTECT, related_name="+")
    slot_minutes = models.PositiveSmallIntegerField(_("durata dello slot (minuti)"), default=15)
    slot_capacity = models.PositiveSmallIntegerField(_("arrivi per slot"), default=2)
    daily_capacity = models.PositiveSmallIntegerField(_("accessi al giorno"), default=40)
    is_active = models.BooleanField(_("attiva"), default=True)

    class Meta:
        default_permissions = ()
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240), name="agenda_slot_range"
            ),
            models.CheckConstraint(condition=Q(slot_capacity__gte=1), name="agenda_slot_cap"),
            models.CheckConstraint(condition=Q(daily_capacity__gte=1), name="agenda_daily_cap"),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class AgendaPlace(TimeStampedModel):
    """A bed or chair of ``corsia.patients`` the agenda books."""

    agenda = models.ForeignKey(Agenda, on_delete=models.PROTECT, related_name="places")
    place = models.ForeignKey("patients.BedOrChair", on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["agenda", "place"], name="agenda_place_once")
        ]


@pghistory.track()
class BookingType(VersionedModel):
    agenda = models.ForeignKey(Agenda, on_delete=models.PROTECT, related_name="booking_types")
    code = models.CharField(_("codice"), max_length=20)
    name = models.CharField(_("nome"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=20, choices=BookingKind.choices)
    default_minutes = models.PositiveSmallIntegerField(_("durata (minuti)"), default=30)
    # the blood tests to do before each access, and how long before the place
    blood_tests = models.CharField(
        _("esami ematici prima dell'accesso"), max_length=200, blank=True
    )
    blood_test_lead_minutes = models.PositiveSmallIntegerField(
        _("anticipo del prelievo (minuti)"), default=0
    )
    observation_minutes = models.PositiveSmallIntegerField(_("osservazione (minuti)"), default=0)
    pump_detachment_minutes = models.PositiveSmallIntegerField(
        _("stacco pompa (minuti)"), default=0
    )
    needs_place = models.BooleanField(_("occupa un posto"), default=True)
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        default_permissions = ()
        ordering = ["agenda", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agenda", "code"], name="booking_type_code_once"),
            models.CheckConstraint(
                condition=Q(default_minutes__gte=1, default_minutes__lte=1440),
                name="booking_type_minutes",
            ),
            models.CheckConstraint(
                condition=Q(blood_test_lead_minutes__lte=600), name="booking_type_lead"
            ),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class OpeningWindow(TimeStampedModel):
    """One shift of one weekday (0 = Monday)."""

    agenda = models.ForeignKey(Agenda, on_delete=models.PROTECT, related_name="windows")
    weekday = models.PositiveSmallIntegerField(_("giorno della settimana"))
    opens = models.TimeField(_("apertura"))
    closes = models.TimeField(_("chiusura"))
    shift = models.CharField(_("turno"), max_length=40, blank=True)
    is_active = models.BooleanField(default=True)  # replaced: False (the row stays)

    class Meta:
        default_permissions = ()
        ordering = ["agenda", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="window_weekday"),
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="window_order"),
        ]


@pghistory.track()
class ClosedDay(TimeStampedModel):
    agenda = models.ForeignKey(Agenda, on_delete=models.PROTECT, related_name="closed_days")
    day = models.DateField(_("giorno"))
    reason = models.CharField(_("motivo"), max_length=200)
    is_active = models.BooleanField(default=True)  # reopened: False (the row stays)

    class Meta:
        default_permissions = ()
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda", "day"], condition=Q(is_active=True), name="closed_day_once"
            )
        ]


@pghistory.track()
class NurseOnDuty(TimeStampedModel):
    agenda = models.ForeignKey(Agenda, on_delete=models.PROTECT, related_name="nurses")
    day = models.DateField(_("giorno"))
    nurse = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shift = models.CharField(_("turno"), max_length=40, blank=True)
    # The real shift (None: the whole opening) and its breaks inside it, [["HH:MM", "HH:MM"]]
    # sorted, never overlapping (``domain/shifts.py`` checks them).
    starts_at = models.TimeField(_("inizio turno"), null=True, blank=True)
    ends_at = models.TimeField(_("fine turno"), null=True, blank=True)
    breaks = models.JSONField(_("pause"), default=list, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["agenda", "day", "nurse"],
                condition=Q(is_active=True),
                name="nurse_on_duty_once",
            ),
            models.CheckConstraint(
                condition=(Q(starts_at__isnull=True) & Q(ends_at__isnull=True))
                | Q(starts_at__lt=models.F("ends_at")),
                name="nurse_shift_ordered",
            ),
            models.CheckConstraint(
                condition=Q(breaks=[]) | Q(starts_at__isnull=False),
                name="nurse_breaks_need_shift",
            ),
        ]


class ProgrammeState(models.TextChoices):
    PROPOSED = "proposed", _("Proposto")
    CONFIRMED = "confirmed", _("Confermato")
    WITHDRAWN = "withdrawn", _("Ritirato")


@pghistory.track()
class Programme(VersionedModel):
    """A line's cycles as proposed on the agenda, then confirmed by the physician."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    agenda = models.ForeignKey(Agenda, on_delete=models.PROTECT, related_name="programmes")
    booking_type = models.ForeignKey(BookingType, on_delete=models.PROTECT, related_name="+")
    treatment_line_id = models.BigIntegerField()  # records' TreatmentLine
    line_number = models.PositiveSmallIntegerField()
    regimen_version = models.ForeignKey(
        "regimens.RegimenVersion", on_delete=models.PROTECT, related_name="+"
    )
    cycle_length_days = models.PositiveSmallIntegerField()
    cycle_days = models.JSONField()  # the regimen's treatment days, as proposed
    state = models.CharField(max_length=12, choices=ProgrammeState.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(max_length=120, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True)

    class Meta:
        default_permissions = ()
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]


@pghistory.track()
class ProgrammeCycle(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cycles")
    cycle_number = models.PositiveSmallIntegerField()
    nominal_day1 = models.DateField()
    day1 = models.DateField()
    order_id = models.BigIntegerField(null=True)  # prescribing's order, once confirmed

    class Meta:
        default_permissions = ()
        ordering = ["programme", "cycle_number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "cycle_number"], name="cycle_once")
        ]
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]


@pghistory.track()
class Booking(VersionedModel):
    """One access of one patient: its phases, and the place and time it holds.

    ``start_at``–``end_at`` is the place's occupation (first on-place phase to the end of
    the last); ``arrival_at`` the time the patient is called in. Two occupying bookings
    never hold one place, nor one patient, at the same minute: PostgreSQL refuses it
    (btree_gist exclusion constraints), whatever wrote the rows."""

    agenda = models.ForeignKey(Agenda, on_delete=models.PROTECT, related_name="bookings")
    booking_type = models.ForeignKey(BookingType, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(
        "patients.BedOrChair", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("giorno"))
    arrival_at = models.DateTimeField(_("convocazione"))
    start_at = models.DateTimeField(_("inizio"))
    end_at = models.DateTimeField(_("fine"))
    phases = models.JSONField(default=list)  # [{kind, start, end, label}], domain/phases.py
    state = models.CharField(
        _("stato"),
        max_length=12,
        choices=[(s.value, label) for s, label in STATE_LABELS_IT.items()],
        default=BookingState.PLANNED.value,
    )
    state_reason = models.TextField(_("motivo"), blank=True)
    nurse = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    locked = models.BooleanField(_("bloccata"), default=False)  # a re-plan never moves it
    order_id = models.BigIntegerField(null=True, blank=True)  # prescribing's order
    programme_cycle = models.ForeignKey(
        ProgrammeCycle, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    day_of_cycle = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    workstation = models.CharField(max_length=120, blank=True)
    # A booking made by another system (the CUP, SIU^S12): the sender (MSH-4:MSH-3), its
    # appointment id (SCH-2, the filler's) and what it said (for an identical repeat).
    external_system = models.CharField(max_length=80, blank=True)
    external_id = models.CharField(max_length=80, blank=True)
    external_content = models.CharField(max_length=300, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["day", "start_at", "pk"]
        indexes = [models.Index(fields=["agenda", "day"], name="booking_agenda_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["external_system", "external_id"],
                condition=~Q(external_id="") & ~Q(state=BookingState.CANCELLED.value),
                name="booking_external_ref_unique",
            ),
            models.CheckConstraint(
                condition=Q(end_at__gt=models.F("start_at")), name="booking_order"
            ),
            models.CheckConstraint(
                condition=Q(arrival_at__lte=models.F("start_at")), name="booking_arrival"
            ),
            ExclusionConstraint(
                name="booking_place_no_overlap",
                # checked at each statement, but the day plan's apply defers it to
                # the end of its transaction (a swap of two patients): services/optimise.py
                deferrable=Deferrable.IMMEDIATE,
                expressions=[
                    (TsTzRange("start_at", "end_at", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("place", RangeOperators.EQUAL),
                ],
                condition=Q(state__in=sorted(s.value for s in OCCUPYING), place__isnull=False),
            ),
            ExclusionConstraint(
                name="booking_patient_no_overlap",
                # checked at each statement, but the day plan's apply defers it to
                # the end of its transaction (a swap of two patients): services/optimise.py
                deferrable=Deferrable.IMMEDIATE,
                expressions=[
                    (TsTzRange("arrival_at", "end_at", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("patient", RangeOperators.EQUAL),
                ],
                condition=Q(state__in=sorted(s.value for s in OCCUPYING)),
            ),
        ]
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]

    @property
    def state_label(self) -> str:
        return STATE_LABELS_IT[BookingState(self.state)]

    def actions(self) -> list[tuple[str, str]]:
        """The state changes possible now, with their Italian labels."""
        return [(e.value, EVENT_LABELS_IT[e]) for e in allowed_events(self.state)]

    def phase_times(self) -> list[tuple[str, str, str]]:
        """Each phase as (label, local start HH:MM, local end HH:MM), for the pages."""
        return [
            (
                p["label"],
                f"{timezone.localtime(datetime.fromisoformat(p['start'])):%H:%M}",
                f"{timezone.localtime(datetime.fromisoformat(p['end'])):%H:%M}",
            )
            for p in self.phase_rows()
        ]

    def phase_rows(self) -> list[dict[str, str]]:
        return [
            {**p, "label": p.get("label") or PHASE_LABELS_IT[PhaseKind(p["kind"])]}
            for p in self.phases
        ]


@pghistory.track()
class CupServiceMapping(TimeStampedModel):
    """The CUP's service code (SIU AIS-3), and optionally its location (AIL-3), → the
    booking type (and so the agenda) its bookings land in. ``system`` empty: any sender;
    ``location_code`` empty: any location. Rows added by IT staff (shell, migration)."""

    system = models.CharField(max_length=80, blank=True)
    service_code = models.CharField(max_length=40)
    location_code = models.CharField(max_length=40, blank=True)
    booking_type = models.ForeignKey(BookingType, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["system", "service_code", "location_code"],
                condition=Q(is_active=True),
                name="cup_mapping_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_code}@{self.location_code or '*'} → {self.booking_type_id}"


class ReminderState(models.TextChoices):
    SENT = "sent", _("Inviato")
    FAILED = "failed", _("Non riuscito")


class Reminder(models.Model):
    """One reminder attempt for a booking: at most one is ever sent (unique index)."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="reminders")
    channel = models.CharField(max_length=20)
    state = models.CharField(max_length=10, choices=ReminderState.choices)
    at = models.DateTimeField()
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["booking"], condition=Q(state="sent"), name="reminder_sent_once"
            )
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.channel} {self.state}"


class PlanRequestState(models.TextChoices):
    QUEUED = "queued", _("In coda")
    RUNNING = "running", _("In calcolo")
    READY = "ready", _("Pronto")
    FAILED = "failed", _("Non riuscito")
    APPLIED = "applied", _("Applicato")


class PlanRequest(models.Model):
    """One «Ottimizza la giornata»: who asked, when, from where, for which agenda and day,
    the movable bookings' versions read then; the job's plan (``plan``: the planner's
    assignments, figures and who was left out, JSON) and the versions it was computed on
    (``versions``: what the apply expects). Rows are never deleted."""

    agenda = models.ForeignKey(Agenda, on_delete=models.PROTECT, related_name="plan_requests")
    day = models.DateField(_("giorno"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("richiesto il"))
    workstation = models.CharField(max_length=120, blank=True)
    channel = models.CharField(max_length=10, default="web")
    read_versions = models.JSONField(default=dict)  # {booking id: version} at the request
    versions = models.JSONField(default=dict)  # {booking id: version} the plan was computed on
    state = models.CharField(
        max_length=10, choices=PlanRequestState.choices, default=PlanRequestState.QUEUED
    )
    plan = models.JSONField(null=True, blank=True)
    warnings = models.JSONField(default=list)
    error_code = models.CharField(max_length=60, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["agenda", "day", "-requested_at"], name="plan_req_day")]
        triggers = [pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"plan {self.agenda_id} {self.day} {self.state}"
