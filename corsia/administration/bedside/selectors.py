"""Reads for the bedside pages: the ward's day, one patient's day, one administration.

The worklist names patients (like the prescribing worklists it is not logged per row);
opening a patient's day or an administration record is a read of clinical data and is
written to the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils import timezone

from corsia.administration.bedside.items import (
    NOT_STARTED,
    ItemProgress,
    item_views,
    items_per_day,
    items_progress,
)
from corsia.administration.bedside.session import session_idle_minutes, session_is_stale
from corsia.administration.domain.bedside import ItemView, Progress, ward_label_payload
from corsia.administration.models import Administration, Appointment, BedsideSession
from corsia.administration.permissions import ADMINISTER, NURSE_ONLY, VIEW_WORKLIST
from corsia.administration.preparations import PreparationInfo, preparations_for_items
from corsia.administration.scheduling.selectors import appointments_for
from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients.domain.wristband import mrn_from_payload
from corsia.patients.selectors import (
    AllergySummary,
    allergy_summary,
    care_wards,
    current_places,
    patient_by_mrn,
    patient_record,
    places,
)
from corsia.prescribing.selectors import line_find, lines_of_day

if TYPE_CHECKING:
    from corsia.patients.models import BedOrChair, Patient, Ward
    from corsia.prescribing.models import OrderItem, TherapyOrder

# Orders the ward sees on its day: validated onwards, and those stopped on the day.
WORKLIST_ORDER_STATES = (
    "validated",
    "taken_in_charge",
    "in_preparation",
    "prepared",
    "delivered",
    "administered",
    "suspended",
)

PROGRESS_LABELS_IT: dict[Progress, str] = {
    Progress.NOT_STARTED: "da somministrare",
    Progress.RUNNING: "in corso",
    Progress.INTERRUPTED: "interrotta",
    Progress.DONE: "somministrata",
}


def _require(user: User) -> None:
    require_permission(user, VIEW_WORKLIST, message="Non hai accesso alle somministrazioni.")


@dataclass(frozen=True)
class DayItem:
    item: OrderItem
    view: ItemView
    progress: ItemProgress
    preparation: PreparationInfo | None
    now: datetime

    @property
    def progress_label(self) -> str:
        label = PROGRESS_LABELS_IT[self.progress.progress]
        times = self.item.administrations_per_day
        if times > 1 and self.progress.progress is not Progress.DONE:
            return f"{label} (date {self.progress.doses_done} di {times})"
        return label

    @property
    def ward_label(self) -> str:
        return ward_label_payload(self.item.pk) if self.item.competence == "ward" else ""

    @property
    def preparation_state(self) -> str:
        """``ward``, ``missing``, ``on_hold`` (a pharmacogenomic result after the
        validation, H65), ``delivered`` (in the patient bag), ``released``, ``expired`` or
        ``not_released``."""
        if self.item.competence == "ward":
            return "ward"
        if self.preparation is None:
            return "missing"
        if self.preparation.expiry <= self.now:
            return "expired"
        if self.preparation.on_hold:
            return "on_hold"
        if self.preparation.state == "checked_out":
            return "delivered"
        return "released" if self.preparation.released else "not_released"

    @property
    def preparation_label(self) -> str:
        labels = {
            "ward": "preparata in reparto",
            "missing": "non ancora allestita",
            "expired": "SCADUTA",
            "released": "rilasciata dalla farmacia",
            "delivered": "consegnata in reparto",
            "not_released": "non rilasciata",
        }
        if self.preparation_state == "on_hold" and self.preparation:
            return self.preparation.on_hold  # «SOSPESA: referto farmacogenomico …»
        text = labels[self.preparation_state]
        if self.preparation_state == "not_released" and self.preparation:
            text = f"{text} ({self.preparation.state_label or self.preparation.state})"
        return text


@dataclass(frozen=True)
class PatientDay:
    patient: Patient
    place: str
    items: list[DayItem]
    appointment: Appointment | None = None

    @property
    def planned_start(self) -> datetime | None:
        return self.appointment.planned_start if self.appointment else None

    @property
    def first_order(self) -> TherapyOrder | None:
        return self.items[0].item.order if self.items else None


def _place_label(place: BedOrChair) -> str:
    return f"{place.get_kind_display()} {place.code}"


def _places(patient_ids: set[int], user: User) -> dict[int, str]:
    """Where each patient is admitted (their active encounter's bed or chair; a masked stay
    hidden from ``user`` seats nobody)."""
    return {
        pid: _place_label(place) for pid, place in current_places(patient_ids, user=user).items()
    }


def _days(items: list[OrderItem], user: User) -> list[PatientDay]:
    now = timezone.now()
    preparations = preparations_for_items(i.pk for i in items if i.competence != "ward")
    by_order: dict[int, list[OrderItem]] = {}
    for item in items:
        by_order.setdefault(item.order_id, []).append(item)
    progress = items_progress((i.pk for i in items), items_per_day(items))
    appointments = appointments_for({(i.order_id, i.scheduled_date) for i in items})
    by_patient: dict[int, list[DayItem]] = {}
    patients: dict[int, Patient] = {}
    for order_items in by_order.values():
        order = order_items[0].order
        patients[order.patient_id] = order.patient
        for view, item in zip(
            item_views(order_items, order=order, appointments=appointments),
            sorted(order_items, key=lambda i: (i.day_of_cycle, i.sequence)),
            strict=True,
        ):
            by_patient.setdefault(order.patient_id, []).append(
                DayItem(
                    item=item,
                    view=view,
                    progress=progress.get(item.pk, NOT_STARTED),
                    preparation=preparations.get(item.pk),
                    now=now,
                )
            )
    places = _places(set(patients), user)
    days: list[PatientDay] = []
    for pid, rows in by_patient.items():
        appointment = next(
            (
                appointments[key]
                for key in ((r.item.order_id, r.item.scheduled_date) for r in rows)
                if key in appointments
            ),
            None,
        )
        place = places.get(pid, "")
        if appointment is not None and appointment.place is not None:
            place = _place_label(appointment.place)
        days.append(
            PatientDay(patient=patients[pid], place=place, items=rows, appointment=appointment)
        )
    # by planned start (unplanned last), then chair or bed, then name
    return sorted(
        days,
        key=lambda d: (
            d.planned_start is None,
            d.planned_start or now,
            d.place == "",
            d.place,
            d.patient.surname,
        ),
    )


def ward_worklist(*, user: User, day: date, ward_code: str = "") -> list[PatientDay]:
    """The day's drugs of every patient of the ward, by chair or bed."""
    _require(user)
    return _days(lines_of_day(day=day, states=WORKLIST_ORDER_STATES, ward_code=ward_code), user)


def patient_day(*, user: User, patient_id: int, day: date, workstation: Workstation) -> PatientDay:
    """One patient's drugs of the day in administration order (logged)."""
    _require(user)
    patient = patient_record(patient_id=patient_id)
    access_log_record(
        user=user,
        patient_id=patient.pk,
        what=f"somministrazioni del {day:%d/%m/%Y}",
        workstation=workstation,
    )
    days = _days(lines_of_day(day=day, states=WORKLIST_ORDER_STATES, patient_id=patient.pk), user)
    return days[0] if days else PatientDay(patient=patient, place="", items=[])


def administration_get(
    *, user: User, administration_id: int, workstation: Workstation, channel: str = "web"
) -> Administration:
    """One administration with its scans, pump programmes and alarms (logged)."""
    _require(user)
    admin = (
        Administration.objects.filter(pk=administration_id)
        .select_related("patient", "nurse", "ended_by", "pump", "order_item__ingredient")
        .prefetch_related(
            Prefetch("scans"),
            Prefetch("pump_programs"),
            Prefetch("alarms"),
        )
        .first()
    )
    if admin is None:
        raise NotFound("Somministrazione inesistente.", code="administration_not_found")
    access_log_record(
        user=user,
        patient_id=admin.patient_id,
        what=f"somministrazione {admin.pk}",
        workstation=workstation,
        channel=channel,
    )
    return admin


def place_choices() -> list[BedOrChair]:
    """Chairs and beds, for planning where a patient's day takes place."""
    return places()


def ward_choices() -> list[Ward]:
    return care_wards()


def patient_for_wristband(*, user: User, raw: str, workstation: Workstation) -> Patient | None:
    """The patient a scanned wristband names, to show who is being identified (logged)."""
    require_permission(user, ADMINISTER, message=NURSE_ONLY)
    mrn = mrn_from_payload(raw)
    patient = patient_by_mrn(mrn) if mrn else None
    if patient is not None:
        access_log_record(
            user=user, patient_id=patient.pk, what="braccialetto al letto", workstation=workstation
        )
    return patient


def ward_label_item(*, user: User, item_id: int, workstation: Workstation) -> OrderItem:
    """A ward-competence order item, for its label (logged)."""
    require_permission(
        user, ADMINISTER, message="Solo l'infermiere stampa le etichette di reparto."
    )
    item = line_find(item_id)
    if item is None:
        raise NotFound("Riga di prescrizione inesistente.", code="item_not_found")
    if item.competence != "ward":
        raise ValidationFailed(
            "Questo farmaco è allestito dalla farmacia: l'etichetta è quella della preparazione.",
            code="not_ward_competence",
        )
    access_log_record(
        user=user,
        patient_id=item.order.patient_id,
        what=f"etichetta di reparto {item.pk}",
        workstation=workstation,
    )
    return item


# --- the bedside session ------------------------------------------------------------------


@dataclass(frozen=True)
class SessionView:
    """What the bedside page shows: the nurse's open session at this workstation, the
    patient's day in administration order (what is done, running, due next), their
    allergies. ``stale``: a session idle too long, which the next scan ends."""

    session: BedsideSession | None
    day: PatientDay | None = None
    allergies: AllergySummary | None = None
    stale: BedsideSession | None = None
    idle_minutes: int = 30

    @property
    def next_item(self) -> DayItem | None:
        """The first active drug of the day, in sequence, not yet started or restarted."""
        if self.day is None:
            return None
        return next(
            (
                row
                for row in self.day.items
                if row.item.status == "active"
                and row.progress.progress in (Progress.NOT_STARTED, Progress.INTERRUPTED)
            ),
            None,
        )

    @property
    def done_count(self) -> int:
        return (
            sum(1 for r in self.day.items if r.progress.progress is Progress.DONE)
            if self.day
            else 0
        )


def bedside_session_view(*, user: User, workstation: Workstation) -> SessionView:
    """The nurse's session at this workstation with the patient's day (the day's read is
    logged by ``patient_day``)."""
    require_permission(user, ADMINISTER, message=NURSE_ONLY)
    session = (
        BedsideSession.objects.select_related("patient")
        .filter(nurse=user, workstation=workstation_label(workstation), ended_at__isnull=True)
        .first()
    )
    if session is None:
        return SessionView(session=None, idle_minutes=session_idle_minutes())
    if session_is_stale(session, timezone.now()):
        return SessionView(session=None, stale=session, idle_minutes=session_idle_minutes())
    day = patient_day(
        user=user, patient_id=session.patient_id, day=timezone.localdate(), workstation=workstation
    )
    return SessionView(
        session=session,
        day=day,
        allergies=allergy_summary(patient_id=session.patient_id),
        idle_minutes=session_idle_minutes(),
    )
