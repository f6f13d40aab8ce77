"""«Ottimizza la giornata»: the plan computed by the job, its preview, the apply all-or-nothing.

Every day here is the test day hospital (07:30–19:00, therapy type: blood test 60' before
the place), with only the chairs a test keeps; a booking without drugs holds its place for
its ``minutes``. The expected times are worked out by hand in each test.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.agenda import services
from corsia.agenda.models import Booking
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.testing.accounts import MakeUser, api_client, post_json
from corsia.testing.agenda import (
    WORKSTATION,
    DayHospital,
    book_new_patient,
    booking_locked,
    booking_through,
    booking_times,
    day_hospital_with,
    next_weekday,
    plan_computed,
)

pytestmark = pytest.mark.django_db
MONDAY = next_weekday(timezone.localdate())
REASON = "Giornata ottimizzata dal coordinatore"


def _book(
    dh: DayHospital, surname: str, start: time, minutes: int, place: str | None = "P01"
) -> Booking:
    return book_new_patient(dh, surname, day=MONDAY, start=start, minutes=minutes, place=place)


def _preview(dh: DayHospital, day: date = MONDAY) -> services.PlanRequestView:
    """The plan as the job computes it (run here synchronously, as the worker would)."""
    return plan_computed(dh, day)


def _shown(view: services.PlanRequestView) -> services.DayPlanPreview:
    assert view.preview is not None, view.error_message
    return view.preview


def _apply(dh: DayHospital, view: services.PlanRequestView, reason: str = REASON) -> object:
    return services.day_plan_request_apply(
        actor=dh.nurse, workstation=WORKSTATION, request_id=view.request_id, reason=reason
    )


def test_the_gap_left_on_one_chair_is_closed(make_user: MakeUser) -> None:
    """One chair. As booked: A 09:00–11:00 (called 08:00), B 11:30–13:30 (called 10:30): the
    chair idle 11:00–11:30, the day ends at 13:30 (360' from the 07:30 opening).
    A's call-in window: its slot 08:00 ± 60' → 07:30 (the opening) to 09:14; the earliest
    call-in 07:30, the blood test's 60' → the chair at 08:30–10:30. B's window: slot 10:30
    ± 60' → 09:30–11:44; called 09:30, the chair at 10:30 (free from 10:30) → 12:30. The day
    ends at 12:30: 300'. Nobody waits (called exactly 60' before the chair)."""
    dh = day_hospital_with(make_user, {"P01"})
    a = _book(dh, "Ardito", time(9), 120)
    b = _book(dh, "Bassi", time(11, 30), 120)
    view = _preview(dh)
    preview = _shown(view)
    assert (preview.makespan_before, preview.makespan_after) == (360, 300)
    assert (preview.wait_before, preview.wait_after) == (0, 0)
    assert not preview.left_out
    rows = {r.booking_id: r for r in preview.rows}
    assert (rows[a.pk].current_start, rows[a.pk].proposed_start) == ("09:00", "08:30")
    assert (rows[a.pk].proposed_arrival, rows[b.pk].proposed_arrival) == ("07:30", "09:30")
    assert (rows[b.pk].current_start, rows[b.pk].proposed_start) == ("11:30", "10:30")
    assert rows[a.pk].patient.startswith("ARDITO")
    assert preview.warnings  # no nurse on duty recorded: said
    _apply(dh, view)
    assert booking_times(a) == ("P01", time(7, 30), time(8, 30), time(10, 30))
    assert booking_times(b) == ("P01", time(9, 30), time(10, 30), time(12, 30))
    moved = AuditEvent.objects.filter(event_type="agenda.booking_moved", reason=REASON)
    assert sorted(p or 0 for p in moved.values_list("patient_id", flat=True)) == sorted(
        [a.patient_id, b.patient_id]
    )
    assert (
        AuditEvent.objects.filter(event_type="agenda.day_plan_applied", reason=REASON).count() == 1
    )


def test_a_swap_of_two_patients_is_applied_without_a_transient_conflict(
    make_user: MakeUser,
) -> None:
    """Chairs P01 and P02. L is locked on P01 08:30–09:00. As booked: B (150') on P01
    09:00–11:30, A (120') on P02 09:00–11:00; the day ends at 11:30. Both may be called from
    07:30 (their slot 08:00 − 60'), so on the chair from 08:30; only P02 is free at 08:30.
    B there 08:30–11:00 and A on P01 09:00–11:00 end the day at 11:00; the other way round
    (A 08:30–10:30 on P02, B 09:00–11:30) at 11:30. So B goes to P02, A to P01: each into the
    other's old place at overlapping times — one at a time through the ordinary move, the
    first would hit the second's old booking."""
    dh = day_hospital_with(make_user, {"P01", "P02"})
    locked = _book(dh, "Lenti", time(8, 30), 30)
    booking_locked(dh, locked)
    b = _book(dh, "Bruni", time(9), 150, "P01")
    a = _book(dh, "Alberti", time(9), 120, "P02")
    view = _preview(dh)
    assert _shown(view).makespan_after == 11 * 60 - (7 * 60 + 30)
    _apply(dh, view)
    assert booking_times(b) == ("P02", time(7, 30), time(8, 30), time(11))
    assert booking_times(a) == ("P01", time(8), time(9), time(11))
    assert booking_times(locked) == ("P01", time(7, 30), time(8, 30), time(9))


def test_a_move_between_preview_and_apply_refuses_the_plan(make_user: MakeUser) -> None:
    dh = day_hospital_with(make_user, {"P01"})
    a = _book(dh, "Ardito", time(9), 120)
    b = _book(dh, "Bassi", time(11, 30), 120)
    view = _preview(dh)
    services.booking_move(
        actor=dh.nurse,
        workstation=WORKSTATION,
        booking_id=b.pk,
        expected_version=b.version,
        reason="Il paziente chiede più tardi",
        start=time(12),
    )
    before = (booking_times(a), booking_times(b))
    with pytest.raises(ConflictError) as refused:
        _apply(dh, view)
    assert refused.value.code == "plan_stale" and refused.value.details["changed"] == [b.pk]
    assert (booking_times(a), booking_times(b)) == before
    assert not AuditEvent.objects.filter(event_type="agenda.day_plan_applied").exists()
    again_view = _preview(dh)
    added = _book(dh, "Cirillo", time(15), 60)
    with pytest.raises(ConflictError) as again:
        _apply(dh, again_view)
    assert again.value.code == "plan_stale"
    assert added.pk not in _shown(again_view).versions
    assert (booking_times(a), booking_times(b)) == before


def test_a_started_booking_never_moves(make_user: MakeUser) -> None:
    """A started 09:00–11:00 on the only chair stays; B (slot 10:30, window 09:30–11:44)
    follows it at 11:00, called at 10:00."""
    dh = day_hospital_with(make_user, {"P01"})
    a = _book(dh, "Ardito", time(9), 120)
    b = _book(dh, "Bassi", time(11, 30), 120)
    booking_through(dh, a, "arrive", "start")
    view = _preview(dh)
    assert set(_shown(view).versions) == {b.pk}
    assert next(r for r in _shown(view).rows if r.booking_id == a.pk).fixed
    _apply(dh, view)
    assert booking_times(a) == ("P01", time(8), time(9), time(11))
    assert booking_times(b) == ("P01", time(10), time(11), time(13))


def test_a_plan_leaving_someone_out_is_refused_with_the_name(make_user: MakeUser) -> None:
    """One chair, A locked 09:00–11:00. Rossi, to be placed, holds a place for 600': from
    08:30 (the earliest, after the blood test) it would run into A; from 11:00 it would end
    at 21:00, after the 19:00 closing. Left out."""
    dh = day_hospital_with(make_user, {"P01"})
    a = _book(dh, "Ardito", time(9), 120)
    booking_locked(dh, a)
    rossi = _book(dh, "Rossi", time(8, 30), 600, place=None)
    view = _preview(dh)
    assert [o.booking_id for o in _shown(view).left_out] == [rossi.pk]
    assert _shown(view).left_out[0].patient.startswith("ROSSI")
    with pytest.raises(ConflictError) as refused:
        _apply(dh, view)
    assert refused.value.code == "plan_leaves_out" and "ROSSI" in refused.value.message
    assert booking_times(rossi)[0] == ""


def test_bad_input_is_refused_and_nothing_changes(make_user: MakeUser) -> None:
    dh = day_hospital_with(make_user, {"P01"})
    a = _book(dh, "Ardito", time(9), 120)
    with pytest.raises(ValidationFailed) as far:
        _preview(dh, MONDAY + timedelta(days=3 * 366))
    assert far.value.code == "day_out_of_range"
    with pytest.raises(NotFound) as unknown:
        services.day_plan_request(
            actor=dh.nurse, agenda_id=987654, day=MONDAY, workstation=WORKSTATION
        )
    assert unknown.value.code == "agenda_not_found"
    view = _preview(dh)
    with pytest.raises(ValidationFailed) as no_reason:
        _apply(dh, view, reason="   ")
    assert no_reason.value.code == "reason_required"
    assert booking_times(a) == ("P01", time(8), time(9), time(11))


def test_the_old_in_request_endpoints_are_gone_and_the_job_api_refuses_bad_input(
    make_user: MakeUser,
) -> None:
    """The plan is the job's only (``/plan-requests``); malformed days, an unknown agenda,
    a NUL byte in the reason, an outsider: refused with problem+json, nothing changed."""
    dh = day_hospital_with(make_user, {"P01"})
    a = _book(dh, "Ardito", time(9), 120)
    client = api_client(dh.nurse)
    old = f"/api/v1/agenda/agendas/{dh.agenda.pk}/plan"
    assert post_json(client, f"{old}?day={MONDAY.isoformat()}")[0] in {404, 405}
    assert post_json(client, f"{old}/apply", {"day": MONDAY.isoformat()})[0] in {404, 405}
    base = f"/api/v1/agenda/agendas/{dh.agenda.pk}/plan-requests"
    for query in ("day=2026-02-30", "day=abc", "day=0001-01-01"):
        status, refused = post_json(client, f"{base}?{query}")
        assert 400 <= status < 500 and refused["code"], refused
    status, refused = post_json(client, f"/api/v1/agenda/agendas/987654/plan-requests?day={MONDAY}")
    assert (status, refused["code"]) == (404, "agenda_not_found")
    status, body = post_json(client, f"{base}?day={MONDAY.isoformat()}")
    assert status == 202, body
    services.day_plan_compute(request_id=body["id"])
    status, refused = post_json(
        client, f"/api/v1/agenda/plan-requests/{body['id']}/apply", {"reason": "a\x00b"}
    )
    assert 400 <= status < 500, refused
    assert booking_times(a) == ("P01", time(8), time(9), time(11))
    outsider = api_client(make_user(Role.PHARMACIST))
    assert post_json(outsider, f"{base}?day={MONDAY.isoformat()}")[0] == 403
