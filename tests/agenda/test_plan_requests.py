"""«Ottimizza la giornata» as a job: the request recorded, the job (run here synchronously)
computing and storing the plan, the apply checking the versions; nurses' shifts and breaks,
the lunch closure, the re-plan of a changed day.

Every day is the test day hospital (07:30–19:00 unless a test sets the hours; the therapy
type: blood test 60' before the place, 30' observation after the drugs), with the chairs a
test keeps. The expected times are worked out by hand in each test.
"""

from __future__ import annotations

from datetime import time

import pytest
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from corsia.accounts.domain.roles import Role
from corsia.agenda import services
from corsia.agenda.domain.phases import DrugStep
from corsia.agenda.domain.shifts import NurseShift
from corsia.agenda.models import Booking, PlanRequest
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
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
    dh: DayHospital,
    surname: str,
    start: time,
    minutes: int | None = None,
    *,
    place: str | None = "P01",
    steps: list[DrugStep] | None = None,
) -> Booking:
    return book_new_patient(
        dh, surname, day=MONDAY, start=start, minutes=minutes, place=place, steps=steps
    )


def _computed(dh: DayHospital) -> services.PlanRequestView:
    """Request the plan, run its job (synchronously, as the worker would), read it."""
    return plan_computed(dh, MONDAY)


def _on_duty(
    dh: DayHospital,
    starts_at: time | None,
    ends_at: time | None,
    break_start: time | None = None,
    break_end: time | None = None,
) -> None:
    """The agenda's nurse on duty on MONDAY (set by the coordinator), with a break or not."""
    services.nurse_on_duty_set(
        actor=dh.coordinator,
        workstation=WORKSTATION,
        agenda_id=dh.agenda.pk,
        day=MONDAY,
        nurse_id=dh.nurse.pk,
        starts_at=starts_at,
        ends_at=ends_at,
        break_start=break_start,
        break_end=break_end,
    )


def _row(view: services.PlanRequestView, booking: Booking) -> services.optimise.PlanRow:
    assert view.preview is not None
    return next(r for r in view.preview.rows if r.booking_id == booking.pk)


def _apply(dh: DayHospital, view: services.PlanRequestView) -> PlanRequest:
    return services.day_plan_request_apply(
        actor=dh.nurse, workstation=WORKSTATION, request_id=view.request_id, reason=REASON
    )


def test_the_request_is_recorded_the_job_computes_and_the_apply_moves(  # type: ignore[no-untyped-def]  # pytest-django fixture
    make_user: MakeUser, django_capture_on_commit_callbacks
) -> None:
    """One chair. As booked: A 09:00–11:00 (called 08:00), B 11:30–13:30 (called 10:30).
    A's window: slot 08:00 ± 60' → from the 07:30 opening: called 07:30, the chair
    08:30–10:30; B's: 09:30–11:44, called 09:30, the chair 10:30–12:30 (the gap closed)."""
    dh = day_hospital_with(make_user, {"P01"})
    a = _book(dh, "Ardito", time(9), 120)
    b = _book(dh, "Bassi", time(11, 30), 120)
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.day_plan_request(
            actor=dh.nurse, agenda_id=dh.agenda.pk, day=MONDAY, workstation=WORKSTATION
        )
    asked.refresh_from_db()
    assert asked.state == "queued" and asked.requested_by == dh.nurse
    assert asked.read_versions == {str(a.pk): a.version, str(b.pk): b.version}
    assert asked.workstation == WORKSTATION and asked.day == MONDAY
    job = ProcrastinateJob.objects.get(queueing_lock=f"agenda_plan_{asked.pk}")
    assert (job.task_name, job.queue_name, job.args) == (
        "corsia.agenda.day_plan_compute",
        "agenda",
        {"request_id": asked.pk},
    )
    waiting = services.plan_request_view(
        actor=dh.nurse, request_id=asked.pk, workstation=WORKSTATION
    )
    assert waiting.pending and waiting.preview is None
    services.day_plan_compute(request_id=asked.pk)
    assert services.day_plan_compute(request_id=asked.pk) is None  # done once only
    view = services.plan_request_view(actor=dh.nurse, request_id=asked.pk, workstation=WORKSTATION)
    assert view.state == "ready" and not view.stale
    ra, rb = _row(view, a), _row(view, b)
    assert (ra.proposed_arrival, ra.proposed_start) == ("07:30", "08:30")
    assert (rb.proposed_arrival, rb.proposed_start) == ("09:30", "10:30")
    assert booking_times(a)[2] == time(9)  # nothing written by the job
    done = _apply(dh, view)
    assert done.state == "applied" and done.applied_by == dh.nurse
    assert booking_times(a) == ("P01", time(7, 30), time(8, 30), time(10, 30))
    assert booking_times(b) == ("P01", time(9, 30), time(10, 30), time(12, 30))
    assert AuditEvent.objects.filter(event_type="agenda.day_plan_requested").count() == 1
    assert AuditEvent.objects.filter(event_type="agenda.day_plan_applied").count() == 1
    with pytest.raises(ConflictError) as again:
        _apply(dh, view)
    assert again.value.code == "plan_applied"


def test_a_booking_changed_after_the_computation_refuses_the_apply(make_user: MakeUser) -> None:
    dh = day_hospital_with(make_user, {"P01", "P02"})
    a = _book(dh, "Ardito", time(9), 120)
    b = _book(dh, "Bassi", time(11, 30), 120)
    view = _computed(dh)
    services.booking_move(
        actor=dh.nurse,
        workstation=WORKSTATION,
        booking_id=b.pk,
        expected_version=b.version,
        reason="Il paziente chiede un altro posto",
        place_id=dh.place_ids["P02"],
    )
    before = (booking_times(a), booking_times(b))
    stale = services.plan_request_view(
        actor=dh.nurse, request_id=view.request_id, workstation=WORKSTATION
    )
    assert stale.stale
    with pytest.raises(ConflictError) as refused:
        _apply(dh, view)
    assert refused.value.code == "plan_stale"
    assert "ricalcolare il piano" in refused.value.message
    assert refused.value.details == {"changed": [b.pk]}
    assert (booking_times(a), booking_times(b)) == before
    assert PlanRequest.objects.get(pk=view.request_id).state == "ready"
    assert not AuditEvent.objects.filter(event_type="agenda.day_plan_applied").exists()


def test_a_day_without_places_computes_nothing_to_apply(make_user: MakeUser) -> None:
    dh = day_hospital_with(make_user, {"P01"})
    booked = _book(dh, "Ardito", time(9), 120)
    asked = services.day_plan_request(
        actor=dh.nurse, agenda_id=dh.agenda.pk, day=MONDAY, workstation=WORKSTATION
    )
    # after the request the booking is cancelled and every place taken off (a place with
    # bookings to come is never taken off): the problem has no place
    services.booking_transition(
        actor=dh.nurse,
        workstation=WORKSTATION,
        booking_id=booked.pk,
        expected_version=booked.version,
        event="cancel",
        reason="Neutropenia",
    )
    services.agenda_place_set(
        actor=dh.coordinator,
        workstation=WORKSTATION,
        agenda_id=dh.agenda.pk,
        place_id=dh.place_ids["P01"],
        active=False,
    )
    done = services.day_plan_compute(request_id=asked.pk)
    assert done is not None and done.state == "ready" and done.plan is None
    with pytest.raises(ConflictError) as refused:
        services.day_plan_request_apply(
            actor=dh.nurse, workstation=WORKSTATION, request_id=asked.pk, reason=REASON
        )
    assert refused.value.code == "plan_empty"


def test_a_nurse_starts_no_therapy_in_her_break(make_user: MakeUser) -> None:
    """One chair, one nurse 07:30–19:00 with a break 08:00–10:00. A (a 60' drug, then 30'
    observation) booked at 09:00 (called 08:00): window 07:30–09:14. Without the break:
    called 07:30, the drug at 08:30. With it the nurse can start it at 07:30–07:59 (before
    the results) or from 10:00: called 09:00, the drug at 10:00, no wait."""
    dh = day_hospital_with(make_user, {"P01"})
    a = _book(dh, "Ardito", time(9), steps=[DrugStep("Paclitaxel", 60)])
    _on_duty(dh, time(7, 30), time(19))
    row = _row(_computed(dh), a)
    assert (row.proposed_arrival, row.proposed_start) == ("07:30", "08:30")
    _on_duty(dh, time(7, 30), time(19), time(8), time(10))
    row = _row(_computed(dh), a)
    assert (row.proposed_arrival, row.proposed_start) == ("09:00", "10:00")


@pytest.mark.parametrize(
    ("times", "code", "text"),
    [
        ((time(14), time(8), None, None), "shift_end_before_start", "deve seguire l'inizio"),
        ((time(8), time(14), time(13), time(15)), "break_outside_shift", "dentro il turno"),
        ((time(8), time(14), time(7), time(9)), "break_outside_shift", "dentro il turno"),
        ((time(8), time(14), time(12), time(11)), "break_end_before_start", "della pausa"),
        ((None, None, time(12), time(13)), "break_without_shift", "richiede l'orario"),
        ((time(8), None, None, None), "shift_incomplete", "sia la fine"),
    ],
)
def test_a_bad_shift_is_refused_in_italian_and_nothing_written(
    make_user: MakeUser, times: tuple[time | None, ...], code: str, text: str
) -> None:
    dh = day_hospital_with(make_user, {"P01"})
    start, end, pause, resume = times
    with pytest.raises(ValidationFailed) as refused:
        _on_duty(dh, start, end, pause, resume)
    assert refused.value.code == code and text in refused.value.message
    assert not dh.agenda.nurses.exists()


def test_the_nurses_api_takes_a_shift_and_refuses_a_break_outside_it(make_user: MakeUser) -> None:
    dh = day_hospital_with(make_user, {"P01"})
    client = api_client(dh.coordinator)
    url = f"/api/v1/agenda/agendas/{dh.agenda.pk}/nurses"
    shift = {"day": MONDAY.isoformat(), "nurse_id": dh.nurse.pk, "starts_at": "08:00"}
    status, refused = post_json(
        client, url, {**shift, "ends_at": "14:00", "break_start": "13:30", "break_end": "14:30"}
    )
    assert status == 422 and refused["code"] == "break_outside_shift"
    assert not dh.agenda.nurses.exists()
    status, _body = post_json(
        client, url, {**shift, "ends_at": "14:00", "break_start": "11:00", "break_end": "11:30"}
    )
    row = dh.agenda.nurses.get()
    assert status == 200 and (row.starts_at, row.breaks) == (time(8), [["11:00", "11:30"]])
    # several breaks (``breaks``): kept sorted; overlapping ones refused, nothing changed
    more = {**shift, "ends_at": "14:00", "break_start": "11:00", "break_end": "11:30"}
    late = [{"start": "12:00", "end": "12:30"}, {"start": "09:00", "end": "09:15"}]
    assert post_json(client, url, {**more, "breaks": late})[0] == 200
    row.refresh_from_db()
    assert row.breaks == [["09:00", "09:15"], ["11:00", "11:30"], ["12:00", "12:30"]]
    status, refused = post_json(
        client, url, {**more, "breaks": [{"start": "11:15", "end": "12:00"}]}
    )
    assert status == 422 and refused["code"] == "breaks_overlap"
    assert post_json(client, url, {**more, "breaks": [{}]})[0] == 422
    row.refresh_from_db()
    assert len(row.breaks) == 3


def test_working_spans_are_the_shift_less_its_break_inside_the_opening() -> None:
    """Opening 07:30 (450)–19:00 (1140). No shift: the whole opening; 07:00–13:00 with a
    break 10:00–10:30: 450–600 and 630–780; a shift wholly outside the opening: nothing."""
    assert NurseShift().working_spans(450, 1140) == ((450, 1140),)
    shift = NurseShift(time(7), time(13), ((time(10), time(10, 30)),))
    assert shift.working_spans(450, 1140) == ((450, 600), (630, 780))
    assert NurseShift(time(19, 30), time(23)).working_spans(450, 1140) == ()


def _lunch(dh: DayHospital) -> None:
    services.hours_set(
        actor=dh.coordinator,
        workstation=WORKSTATION,
        agenda_id=dh.agenda.pk,
        weekday=MONDAY.weekday(),
        shifts=[(time(7, 30), time(13), "mattina"), (time(14), time(19), "pomeriggio")],
    )


def test_no_place_is_booked_across_the_lunch_closure(make_user: MakeUser) -> None:
    """Open 07:30–13:00 and 14:00–19:00; one chair. P 08:30–11:30 locked there; M (240',
    called in the morning, to be placed): the chair is free from 11:30, but 11:30 + 240'
    = 15:30 crosses the closure, and the afternoon is not M's shift: M is left out (the
    plan is not applied) rather than left on the chair over lunch. The same day with a
    second chair: M called 07:30, on P02 08:30–12:30, inside the morning."""
    dh = day_hospital_with(make_user, {"P01"})
    _lunch(dh)
    p = _book(dh, "Presti", time(8, 30), 180)
    booking_locked(dh, p)
    m = _book(dh, "Marini", time(8, 30), 240, place=None)
    view = _computed(dh)
    assert view.preview is not None
    assert [o.booking_id for o in view.preview.left_out] == [m.pk]
    with pytest.raises(ConflictError) as refused:
        _apply(dh, view)
    assert refused.value.code == "plan_leaves_out" and "MARINI" in refused.value.message
    services.agenda_place_set(
        actor=dh.coordinator,
        workstation=WORKSTATION,
        agenda_id=dh.agenda.pk,
        place_id=dh.place_ids["P02"],
        active=True,
    )
    view = _computed(dh)
    row = _row(view, m)
    assert (row.proposed_place, row.proposed_arrival, row.proposed_start) == (
        "P02",
        "07:30",
        "08:30",
    )
    _apply(dh, view)
    assert booking_times(m) == ("P02", time(7, 30), time(8, 30), time(12, 30))


def test_a_replan_of_a_changed_day_never_moves_what_has_started(make_user: MakeUser) -> None:
    """Two chairs. A 09:00–11:00 on P01, started; B 11:30–13:30 on P01, then cancelled; U
    an urgent addition (60', to be placed, whole opening). The re-plan: A stays 09:00 on
    P01 (fixed), B is gone, U called 07:30 on the free P02 at 08:30–09:30."""
    dh = day_hospital_with(make_user, {"P01", "P02"})
    a = _book(dh, "Ardito", time(9), 120)
    b = _book(dh, "Bassi", time(11, 30), 120)
    booking_through(dh, a, "arrive", "start")
    booking_through(dh, b, "cancel", reason="Terapia sospesa dal medico")
    u = _book(dh, "Urgenti", time(10), 60, place=None)
    before = booking_times(a)
    view = _computed(dh)
    assert view.preview is not None
    assert {r.booking_id for r in view.preview.rows} == {a.pk, u.pk}
    ra, ru = _row(view, a), _row(view, u)
    assert ra.fixed and not ra.moves and (ra.proposed_place, ra.proposed_start) == ("P01", "09:00")
    assert (ru.proposed_arrival, ru.proposed_start) == ("07:30", "08:30")
    _apply(dh, view)
    assert booking_times(a) == before
    assert booking_times(u)[2:] == (time(8, 30), time(9, 30))


def test_the_api_requests_polls_and_applies_with_problem_codes(make_user: MakeUser) -> None:
    dh = day_hospital_with(make_user, {"P01"})
    a = _book(dh, "Ardito", time(9), 120)
    _book(dh, "Bassi", time(11, 30), 120)
    client = api_client(dh.nurse)
    base = f"/api/v1/agenda/agendas/{dh.agenda.pk}/plan-requests"
    status, body = post_json(client, f"{base}?day={MONDAY.isoformat()}")
    assert status == 202 and body["state"] == "queued" and body["plan"] is None
    url = f"/api/v1/agenda/plan-requests/{body['id']}"
    services.day_plan_compute(request_id=body["id"])
    polled = client.get(url).json()
    assert polled["state"] == "ready" and polled["stale"] is False
    assert {r["booking_id"]: r["proposed_start"] for r in polled["plan"]["rows"]}[a.pk] == "08:30"
    status, refused = post_json(client, f"{url}/apply", {"reason": ""})
    assert status == 422 and refused["code"] == "reason_required"
    status, refused = post_json(client, f"{base}?day=1999-01-01")
    assert status == 422 and refused["code"] == "day_out_of_range"
    missing = client.get("/api/v1/agenda/plan-requests/987654")
    assert missing.status_code == 404 and missing.json()["code"] == "plan_request_not_found"
    outsider = api_client(make_user(Role.PHARMACIST))
    assert outsider.get(url).status_code == 403
    assert post_json(outsider, f"{url}/apply", {"reason": REASON})[0] == 403
    assert booking_times(a)[2] == time(9)
    status, body = post_json(client, f"{url}/apply", {"reason": REASON})
    assert status == 200 and body["state"] == "applied"
    assert booking_times(a)[2] == time(8, 30)
    status, refused = post_json(client, f"{url}/apply", {"reason": REASON})
    assert status == 409 and refused["code"] == "plan_applied"


def test_the_page_shows_in_calcolo_then_the_plan_and_applies_it(make_user: MakeUser) -> None:
    dh = day_hospital_with(make_user, {"P01"})
    a = _book(dh, "Ardito", time(9), 120)
    b = _book(dh, "Bassi", time(11, 30), 120)
    client = logged_in(dh.nurse)
    day_page = client.get(f"/agenda/{dh.agenda.pk}/?day={MONDAY.isoformat()}").content.decode()
    assert "Ottimizza la giornata" in day_page
    page = client.get(f"/agenda/{dh.agenda.pk}/plan/?day={MONDAY.isoformat()}")
    assert page.status_code == 200 and "Calcola il piano" in page.content.decode()
    asked = client.post(f"/agenda/{dh.agenda.pk}/plan/request/", {"day": MONDAY.isoformat()})
    request = PlanRequest.objects.get()
    assert asked.status_code == 302 and asked["Location"] == f"/agenda/plan/{request.pk}/"
    waiting = client.get(asked["Location"]).content.decode()
    assert "Piano in calcolo" in waiting and 'aria-live="polite"' in waiting
    assert f'data-plan-status="/api/v1/agenda/plan-requests/{request.pk}"' in waiting
    services.day_plan_compute(request_id=request.pk)
    html = client.get(asked["Location"]).content.decode()
    assert "ARDITO" in html and "09:00 → 08:30" in html and "Piano in calcolo" not in html
    url = f"/agenda/plan/{request.pk}/apply/"
    refused = client.post(url, {"reason": ""}, follow=True)
    assert "Indicare il motivo" in refused.content.decode()
    assert booking_times(a)[2] == time(9)
    done = client.post(url, {"reason": REASON}, follow=True)
    assert "Piano della giornata applicato" in done.content.decode()
    assert booking_times(b) == ("P01", time(9, 30), time(10, 30), time(12, 30))
    with pytest.raises(NotFound):
        services.plan_request_view(actor=dh.nurse, request_id=987654, workstation=WORKSTATION)
