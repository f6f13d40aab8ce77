"""The agenda's merge hook (``corsia.patients.merging``).

A merge moves the duplicate's therapy programmes (their cycles name the programme) and its
bookings to the survivor. One person cannot be in two accesses at once
(``booking_patient_no_overlap``): where the duplicate and the survivor were both booked at
overlapping times — the same person registered twice, booked twice — the overlap is settled
before anything moves, by ``domain/merge.py``'s rule:

- the booking the patient went further with stands; the other (a tie: the duplicate's) is
  **cancelled** with the merge as its reason (``agenda.booking_cancelled``, the merge id in
  the audit row), never deleted, and recorded in the merge under
  ``agenda.Booking.cancelled_<the state it had>`` — the merge's outcome, the merges page and
  the per-module audit row show it;
- both started or done: nothing is cancelled; the duplicate's booking stays on the
  duplicate, reported as left behind.

The undoing moves exactly the moved rows back, then brings each booking this merge
cancelled back to the state it had (``agenda.booking_merge_restored``) if it is still
cancelled by this merge, not over yet, its day and call-in slot not full, and its place and patient still
free at that time; otherwise it stays cancelled, with why (``agenda.booking_merge_not_restored``),
for the coordinator to book again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.agenda import audit_events as events
from corsia.agenda.domain.merge import CANCELLABLE, Settle, settle_overlap
from corsia.agenda.domain.states import OCCUPYING, BookingEvent, BookingState, next_state
from corsia.agenda.models import Booking, Programme
from corsia.agenda.selectors import arrivals_in_slot, day_counts
from corsia.audit.services import audit_record
from corsia.core.domain.errors import ConflictError
from corsia.patients.merging import (
    MergeInfo,
    Moved,
    cancelled_label,
    label,
    rows_move,
    rows_move_back,
)

BOOKINGS = label(Booking)
LEFT = "prenotazione in corso o conclusa del duplicato sovrapposta a una del paziente principale"
_OCCUPYING = sorted(s.value for s in OCCUPYING)


def _when(booking: Booking) -> str:
    start = timezone.localtime(booking.arrival_at)
    return f"{start:%d/%m/%Y} dalle {start:%H:%M} alle {timezone.localtime(booking.end_at):%H:%M}"


def _snapshot(booking: Booking) -> dict[str, object]:
    return {
        "day": booking.day.isoformat(),
        "arrival": booking.arrival_at.isoformat(),
        "end": booking.end_at.isoformat(),
        "place": booking.place_id,
        "state": booking.state,
    }


def _overlapping(booking: Booking, patient_id: int) -> list[Booking]:
    """The patient's occupying bookings overlapping ``booking`` (call-in to end: the
    constraint's range), locked."""
    return list(
        Booking.objects.select_for_update(of=("self",))
        .filter(
            patient_id=patient_id,
            state__in=_OCCUPYING,
            arrival_at__lt=booking.end_at,
            end_at__gt=booking.arrival_at,
        )
        .order_by("arrival_at", "pk")
    )


def _cancel(booking: Booking, merge: MergeInfo, *, standing: Booking) -> str:
    """Cancel ``booking`` (it gives way to ``standing``); the state it had."""
    before = booking.state
    snapshot = _snapshot(booking)
    booking.state = next_state(before, BookingEvent.CANCEL).value
    booking.state_reason = (
        f"{merge.reason} — sovrapposta alla prenotazione n. {standing.pk} ({_when(standing)})"
    )
    booking.save(update_fields=["state", "state_reason", *booking.bump(by=merge.actor)])
    audit_record(
        event=events.BOOKING_CANCELLED,
        actor=merge.actor,
        workstation=merge.workstation,
        target=booking,
        patient_id=booking.patient_id,
        before=snapshot,
        after={
            **_snapshot(booking),
            "event": BookingEvent.CANCEL.value,
            "merge_id": merge.merge_id,
            "overlaps": standing.pk,
        },
        reason=booking.state_reason,
    )
    return before


def move(merge: MergeInfo) -> Moved:
    # Both patients' occupying bookings locked, the duplicate's first (id order inside).
    duplicates = list(
        Booking.objects.select_for_update(of=("self",))
        .filter(patient_id=merge.duplicate_id, state__in=_OCCUPYING)
        .order_by("arrival_at", "pk")
    )
    list(
        Booking.objects.select_for_update(of=("self",))
        .filter(patient_id=merge.survivor_id, state__in=_OCCUPYING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    cancelled: dict[str, list[int]] = {}
    left: list[int] = []
    for booking in duplicates:
        theirs = _overlapping(booking, merge.survivor_id)  # after the cancellations so far
        if not theirs:
            continue
        settle = settle_overlap(booking.state, [b.state for b in theirs])
        if settle is Settle.CANCEL_DUPLICATE:
            cancelled.setdefault(_cancel(booking, merge, standing=theirs[0]), []).append(booking.pk)
        elif settle is Settle.CANCEL_SURVIVORS:
            for other in theirs:
                cancelled.setdefault(_cancel(other, merge, standing=booking), []).append(other.pk)
        else:
            left.append(booking.pk)
    try:
        with transaction.atomic():
            moved = rows_move(Booking, merge, exclude=left)
    except IntegrityError as error:  # a booking written meanwhile for one of the two
        raise ConflictError(
            "Una prenotazione di uno dei due pazienti è stata registrata durante l'unione: "
            "riprovare.",
            code="merge_bookings_changed",
        ) from error
    rows = {
        label(Programme): rows_move(Programme, merge),
        BOOKINGS: moved,
        **{
            cancelled_label(Booking, state): tuple(sorted(ids))
            for state, ids in sorted(cancelled.items())
        },
    }
    return Moved(
        rows=rows, left={BOOKINGS: tuple(left)} if left else {}, left_reason=LEFT if left else ""
    )


def _not_restorable(booking: Booking, merge: MergeInfo, now: datetime) -> str:
    """Why ``booking`` cannot be brought back (empty: it can be tried)."""
    if booking.state != BookingState.CANCELLED or not booking.state_reason.startswith(
        f"Unione n. {merge.merge_id}:"
    ):
        return "non è più quella annullata dall'unione"
    if booking.end_at <= now:
        return "l'accesso è ormai passato"
    if day_counts(booking.agenda, booking.day, booking.day).get(booking.day, 0) >= (
        booking.agenda.daily_capacity
    ):
        return "la giornata è ormai al completo"
    if booking.place_id is not None and (
        arrivals_in_slot(booking.agenda, booking.arrival_at) >= booking.agenda.slot_capacity
    ):
        return "la fascia di convocazione è ormai al completo"
    return ""


def _restore(booking: Booking, previous: str, merge: MergeInfo, now: datetime) -> None:
    why = _not_restorable(booking, merge, now)
    snapshot = _snapshot(booking)
    if not why:
        booking.state = previous
        booking.state_reason = ""
        try:
            with transaction.atomic():
                booking.save(update_fields=["state", "state_reason", *booking.bump(by=merge.actor)])
        except IntegrityError:
            booking.refresh_from_db()
            why = "il posto o il paziente sono ormai impegnati in quell'orario"
    audit_record(
        event=events.BOOKING_MERGE_NOT_RESTORED if why else events.BOOKING_MERGE_RESTORED,
        actor=merge.actor,
        workstation=merge.workstation,
        target=booking,
        patient_id=booking.patient_id,
        before=snapshot,
        after={**_snapshot(booking), "merge_id": merge.merge_id, **({"why": why} if why else {})},
        reason=f"Annullamento dell'unione n. {merge.merge_id}"
        + (f": prenotazione non ripristinata, {why}" if why else ""),
    )


def move_back(merge: MergeInfo, rows: Mapping[str, tuple[int, ...]]) -> None:
    try:
        with transaction.atomic():
            rows_move_back(Booking, merge, rows.get(BOOKINGS, ()))
    except IntegrityError as error:  # the duplicate booked meanwhile at an overlapping time
        raise ConflictError(
            "Una prenotazione da riportare al duplicato si sovrappone a un'altra sua: "
            "l'unione non si può annullare automaticamente.",
            code="unmerge_rows_changed",
        ) from error
    rows_move_back(Programme, merge, rows.get(label(Programme), ()))
    now = timezone.now()
    previous = {
        pk: state.value
        for state in sorted(CANCELLABLE)
        for pk in rows.get(cancelled_label(Booking, state.value), ())
    }
    for booking in (
        Booking.objects.select_for_update(of=("self",))
        .select_related("agenda")
        .filter(pk__in=previous)
        .order_by("arrival_at", "pk")
    ):
        _restore(booking, previous[booking.pk], merge, now)
