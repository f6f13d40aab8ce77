"""A patient merge moves the duplicate's bookings (and programmes) to the survivor; where the
two registrations were booked at overlapping times, the booking the patient went further
with stands and the other is cancelled with the merge as its reason — reported on the
page, in the merge and in the audit — and brought back by the undoing when still free."""

from __future__ import annotations

from datetime import time

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.agenda.models import Booking
from corsia.audit.models import AuditEvent
from corsia.patients import services as patients
from corsia.patients.models import Patient, PatientMerge, PatientMergeMove
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.agenda import DayHospital, book, booking_through, day_hospital, next_weekday
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db

MONDAY = next_weekday(timezone.localdate())
TUESDAY = next_weekday(MONDAY, 1)
REASON = "Stessa persona registrata due volte"


@pytest.fixture
def dh(make_user: MakeUser) -> DayHospital:
    return day_hospital(make_user)


def _pair(dh: DayHospital) -> tuple[Patient, Patient]:
    survivor, duplicate = (
        patient_registered(
            dh.coordinator, codice_fiscale="", stp_eni_code=f"STP1300000000{i:03d}", surname=name
        )
        for i, name in enumerate(("Esposito", "Esposito"))
    )
    return survivor, duplicate


def _merge(dh: DayHospital, survivor: Patient, duplicate: Patient) -> PatientMerge:
    patients.patient_merge(
        actor=dh.coordinator,
        workstation="ANAG-PC02",
        survivor_id=survivor.pk,
        duplicate_id=duplicate.pk,
        reason=REASON,
    )
    return PatientMerge.objects.get(duplicate=duplicate, state="merged")


def _unmerge(dh: DayHospital, merge: PatientMerge) -> None:
    patients.patient_unmerge(
        actor=dh.coordinator, workstation=None, merge_id=merge.pk, reason="Persone diverse"
    )


def _moves(merge: PatientMerge) -> dict[str, tuple[list[int], list[int]]]:
    return {
        m.model: (m.row_ids, m.left_ids)
        for m in PatientMergeMove.objects.filter(merge=merge, module="agenda")
    }


def _state(booking: Booking) -> tuple[int, str]:
    booking.refresh_from_db()
    return booking.patient_id, booking.state


def test_the_duplicates_overlapping_booking_is_cancelled_reported_and_restored_on_undo(
    dh: DayHospital, make_user: MakeUser
) -> None:
    # given the survivor on P01 at 9:00 (call-in 8:00, chair to 11:00) and the duplicate —
    # the same woman — on P02 at 9:30 the same Monday (call-in 8:30), and on Tuesday
    survivor, duplicate = _pair(dh)
    kept = book(dh, survivor.pk, day=MONDAY, start=time(9, 0), place="P01")
    overlapping = book(dh, duplicate.pk, day=MONDAY, start=time(9, 30), place="P02")
    tuesday = book(dh, duplicate.pk, day=TUESDAY, start=time(9, 0), place="P01")

    # when the coordinator merges them on the page
    page = logged_in(dh.coordinator).post(
        f"/patients/{survivor.pk}/merge/",
        {"duplicate": duplicate.mrn, "reason": REASON},
        follow=True,
    )
    merge = PatientMerge.objects.get(duplicate=duplicate, state="merged")

    # then the duplicate's overlapping booking is cancelled (not deleted) with the merge as
    # its reason and moved to the survivor; the survivor's stands; Tuesday's moves as it is
    assert _state(kept) == (survivor.pk, "planned")
    assert _state(overlapping) == (survivor.pk, "cancelled")
    assert overlapping.state_reason.startswith(f"Unione n. {merge.pk}: {REASON} — ")
    assert f"sovrapposta alla prenotazione n. {kept.pk}" in overlapping.state_reason
    assert _state(tuesday) == (survivor.pk, "planned")
    # and the merge records it: both moved, one cancelled from «planned»
    assert _moves(merge) == {
        "agenda.Booking": (sorted([overlapping.pk, tuesday.pk]), []),
        "agenda.Booking.cancelled_planned": ([overlapping.pk], []),
        "agenda.Programme": ([], []),
    }
    # and the page said so at once
    html = page.content.decode()
    assert "Pazienti uniti." in html
    assert "agenda.Booking.cancelled_planned: 1 annullate dall&#x27;unione" in html
    # and the cancellation is audited on the booking, naming the merge and the workstation
    cancelled = AuditEvent.objects.get(
        event_type="agenda.booking_cancelled", target_id=str(overlapping.pk)
    )
    assert cancelled.after is not None
    assert (cancelled.after["merge_id"], cancelled.after["overlaps"], cancelled.patient_id) == (
        merge.pk,
        kept.pk,
        duplicate.pk,
    )
    # the merge's own audit counts the two bookings moved (the cancelled one once)
    merged = AuditEvent.objects.get(event_type="patients.patient_merged")
    assert merged.after is not None and merged.after["modules"]["agenda"] == 2
    moved = AuditEvent.objects.get(event_type="patients.merge_rows_moved", after__module="agenda")
    assert moved.after is not None
    assert moved.after["moved"]["agenda.Booking.cancelled_planned"] == [overlapping.pk]
    # and the merges page shows it
    listed = logged_in(make_user(Role.IT_STAFF)).get("/patients/merges/").content.decode()
    assert (
        "agenda.Booking.cancelled_planned: <strong>1 annullata dall'unione (sovrapposta)" in listed
    )

    # when the merge is undone
    _unmerge(dh, merge)

    # then both bookings are the duplicate's again, the cancelled one planned as it was
    assert _state(overlapping) == (duplicate.pk, "planned")
    assert overlapping.state_reason == ""
    assert _state(tuesday) == (duplicate.pk, "planned")
    assert _state(kept) == (survivor.pk, "planned")
    restored = AuditEvent.objects.get(event_type="agenda.booking_merge_restored")
    assert (restored.target_id, restored.patient_id) == (str(overlapping.pk), duplicate.pk)


def test_the_booking_the_patient_arrived_for_stands_and_the_survivors_gives_way(
    dh: DayHospital,
) -> None:
    # given the patient checked in under the duplicate's booking, the survivor's planned
    survivor, duplicate = _pair(dh)
    phantom = book(dh, survivor.pk, day=MONDAY, start=time(9, 0), place="P01")
    real = book(dh, duplicate.pk, day=MONDAY, start=time(9, 0), place="P02")
    booking_through(dh, real, "arrive")

    merge = _merge(dh, survivor, duplicate)

    # then the arrived one moves and stands; the survivor's planned one is cancelled
    assert _state(real) == (survivor.pk, "arrived")
    assert _state(phantom) == (survivor.pk, "cancelled")
    assert _moves(merge)["agenda.Booking.cancelled_planned"] == ([phantom.pk], [])
    assert _moves(merge)["agenda.Booking"] == ([real.pk], [])

    # undone: the arrived one back to the duplicate, the survivor's planned again
    _unmerge(dh, merge)
    assert _state(real) == (duplicate.pk, "arrived")
    assert _state(phantom) == (survivor.pk, "planned")


def test_two_started_accesses_cannot_be_merged_away_the_duplicates_stays_reported(
    dh: DayHospital,
) -> None:
    # given both registrations started at overlapping times (nothing can be cancelled)
    survivor, duplicate = _pair(dh)
    first = book(dh, survivor.pk, day=MONDAY, start=time(9, 0), place="P01")
    second = book(dh, duplicate.pk, day=MONDAY, start=time(10, 0), place="P02")
    booking_through(dh, first, "arrive", "start")
    booking_through(dh, second, "arrive", "start")

    merge = _merge(dh, survivor, duplicate)

    # then the merge goes through, the duplicate's stays on it, reported with why
    assert _state(first) == (survivor.pk, "started")
    assert _state(second) == (duplicate.pk, "started")
    move = PatientMergeMove.objects.get(merge=merge, model="agenda.Booking")
    assert (move.row_ids, move.left_ids) == ([], [second.pk])
    assert "sovrapposta" in move.left_reason

    _unmerge(dh, merge)
    assert _state(second) == (duplicate.pk, "started")


def test_a_cancelled_booking_whose_place_was_taken_since_stays_cancelled_on_undo(
    dh: DayHospital,
) -> None:
    # given the duplicate's overlapping booking cancelled by the merge
    survivor, duplicate = _pair(dh)
    book(dh, survivor.pk, day=MONDAY, start=time(9, 0), place="P01")
    overlapping = book(dh, duplicate.pk, day=MONDAY, start=time(9, 30), place="P02")
    merge = _merge(dh, survivor, duplicate)
    # and its chair given to another patient at that time
    other = patient_registered(
        dh.coordinator, codice_fiscale="", stp_eni_code="STP1300000000999", surname="Russo"
    )
    book(dh, other.pk, day=MONDAY, start=time(9, 30), place="P02")

    # when the merge is undone
    _unmerge(dh, merge)

    # then the booking is the duplicate's again but stays cancelled, and the audit says why
    assert _state(overlapping) == (duplicate.pk, "cancelled")
    refused = AuditEvent.objects.get(event_type="agenda.booking_merge_not_restored")
    assert refused.after is not None
    assert refused.after["why"] == "il posto o il paziente sono ormai impegnati in quell'orario"
    assert refused.patient_id == duplicate.pk
    assert not AuditEvent.objects.filter(event_type="agenda.booking_merge_restored").exists()
