"""A FOLFOX-4 line's programme on the day hospital: proposed around a closed day,
confirmed (three draft orders through prescribing, six bookings to place), a cycle
postponed with the rest after it — dates written out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.agenda import services
from corsia.agenda.models import Booking, Programme, ProgrammeCycle
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import CorsiaError, PermissionRefused
from corsia.prescribing.selectors import order_day_lines, order_find
from corsia.records.services import LineInput, treatment_line_start
from corsia.testing.accounts import MakeUser, api_client, post_json
from corsia.testing.agenda import WORKSTATION, DayHospital, day_hospital, next_weekday
from corsia.testing.prescribing import library_version, measured_patient

pytestmark = pytest.mark.django_db


def _dates(programme_id: int) -> list[list[date]]:
    found: dict[int, list[date]] = {}
    for b in Booking.objects.filter(programme_cycle__programme_id=programme_id).order_by("day"):
        found.setdefault(b.programme_cycle.cycle_number, []).append(b.day)  # type: ignore[union-attr]  # a programme's booking
    return [found[k] for k in sorted(found)]


@dataclass(frozen=True)
class Folfox:
    physician: User
    dh: DayHospital
    patient_id: int
    line_id: int
    monday: date


@pytest.fixture
def folfox(make_user: MakeUser) -> Folfox:
    """FOLFOX-4 (14 days, days 1–2), a measured patient on its first line, the day hospital."""
    physician = make_user(Role.PHYSICIAN)
    version = library_version("FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), physician))
    dh = day_hospital(make_user)
    patient = measured_patient(registrar=dh.coordinator, physician=physician)
    line = treatment_line_start(
        actor=physician,
        workstation=WORKSTATION,
        patient_id=patient.pk,
        data=LineInput(
            number=1,
            intent="palliative",
            started_on=timezone.localdate(),
            regimen_version_id=version.pk,
        ),
    )
    return Folfox(physician, dh, patient.pk, line.pk, next_weekday(timezone.localdate()))


def _propose(f: Folfox, cycles: int, **fields: Any) -> Programme:
    return services.programme_propose(
        actor=f.physician,
        workstation=WORKSTATION,
        patient_id=f.patient_id,
        treatment_line_id=fields.pop("treatment_line_id", f.line_id),
        agenda_id=f.dh.agenda.pk,
        booking_type_id=f.dh.therapy.pk,
        first_day=f.monday,
        cycles=cycles,
    )


def test_folfox4_programme_proposed_confirmed_and_postponed(folfox: Folfox) -> None:
    # given FOLFOX-4 (14 days, days 1–2), a measured patient on its first line, and the
    # day hospital open Monday to Friday, closed on the Monday two weeks after the start
    physician, dh, m = folfox.physician, folfox.dh, folfox.monday  # m: a Monday
    services.closed_day_set(
        actor=dh.coordinator,
        workstation=WORKSTATION,
        agenda_id=dh.agenda.pk,
        day=m + timedelta(days=14),
        reason="Inventario",
    )
    # when proposed for three cycles from Monday m
    programme = _propose(folfox, 3)
    # then (by hand): C1 m, m+1; C2 nominal m+14 closed → m+15, m+16; C3 m+15+14 = m+29, m+30

    def d(n: int) -> date:  # the dates read as in the comments
        return m + timedelta(days=n)

    assert [[date.fromisoformat(iso) for _, iso in c] for c in programme.cycle_days] == [
        [d(0), d(1)],
        [d(15), d(16)],
        [d(29), d(30)],
    ]
    assert Booking.objects.count() == 0  # a proposal books nothing
    # when a nurse tries to confirm it: refused, nothing written
    with pytest.raises(PermissionRefused):
        services.programme_confirm(
            actor=dh.nurse, workstation=WORKSTATION, programme_id=programme.pk, expected_version=1
        )
    # when the physician confirms
    programme = services.programme_confirm(
        actor=physician, workstation=WORKSTATION, programme_id=programme.pk, expected_version=1
    )
    cycles = list(ProgrammeCycle.objects.filter(programme=programme).order_by("cycle_number"))
    orders = [order_find(c.order_id) for c in cycles]  # type: ignore[arg-type]  # confirmed
    assert [(o.cycle_number, o.start_date) for o in orders if o] == [
        (1, d(0)),
        (2, d(15)),
        (3, d(29)),
    ]
    assert _dates(programme.pk) == [[d(0), d(1)], [d(15), d(16)], [d(29), d(30)]]
    day1 = Booking.objects.get(programme_cycle=cycles[0], day_of_cycle=1)
    assert day1.place_id is None and day1.order_id == cycles[0].order_id
    # FOLFOX day 1: blood test 60' before, the drugs, the pump connected, 30' observation
    assert [p["kind"] for p in day1.phases][-3:] == ["therapy", "pump_connection", "observation"]
    # when cycle 2 is postponed a week (to m+22), with a reason
    with pytest.raises(CorsiaError) as no_reason:
        services.programme_postpone_cycle(
            actor=physician, workstation=WORKSTATION, programme_id=programme.pk,
            expected_version=programme.version, cycle_number=2, new_day1=d(22), reason="",
        )  # fmt: skip
    assert no_reason.value.code == "reason_required"
    services.programme_postpone_cycle(
        actor=physician,
        workstation=WORKSTATION,
        programme_id=programme.pk,
        expected_version=programme.version,
        cycle_number=2,
        new_day1=d(22),
        reason="Neutropenia G2",
    )
    # then cycle 2 is m+22, m+23 and cycle 3 keeps its interval: m+36, m+37
    assert _dates(programme.pk) == [[d(0), d(1)], [d(22), d(23)], [d(36), d(37)]]
    moved_order = cycles[2].order_id
    assert moved_order is not None
    days_2 = [i.scheduled_date for i in order_day_lines(order_id=moved_order, day_of_cycle=2)]
    assert set(days_2) == {d(37)}
    event = AuditEvent.objects.filter(event_type="agenda.cycle_postponed").get()
    assert event.reason == "Neutropenia G2"


def test_a_postponement_earlier_is_refused(folfox: Folfox) -> None:
    physician, m = folfox.physician, folfox.monday
    programme = _propose(folfox, 2)
    programme = services.programme_confirm(
        actor=physician, workstation=WORKSTATION, programme_id=programme.pk, expected_version=1
    )
    with pytest.raises(CorsiaError) as refused:
        services.programme_postpone_cycle(
            actor=physician, workstation=WORKSTATION, programme_id=programme.pk,
            expected_version=programme.version, cycle_number=2, new_day1=m + timedelta(days=10),
            reason="Prova",
        )  # fmt: skip
    assert refused.value.code == "postpone_not_later"
    with pytest.raises(CorsiaError) as unknown:
        _propose(folfox, 2, treatment_line_id=2**40)
    assert unknown.value.code == "line_not_found"


def test_the_programme_through_the_api(folfox: Folfox) -> None:
    client = api_client(folfox.physician)
    url = f"/api/v1/agenda/agendas/{folfox.dh.agenda.pk}/programmes"
    body = {
        "patient_id": folfox.patient_id,
        "treatment_line_id": folfox.line_id,
        "booking_type_id": folfox.dh.therapy.pk,
        "first_day": folfox.monday.isoformat(),
        "cycles": 2,
    }
    for bad, code in (({"cycles": 0}, None), ({"first_day": "1900-01-01"}, "day_out_of_range")):
        status, answer = post_json(client, url, {**body, **bad})
        assert 400 <= status < 500 and (code is None or answer["code"] == code)
    status, proposed = post_json(client, url, body)
    assert status == 201 and [c["cycle_number"] for c in proposed["cycles"]] == [1, 2]
    assert proposed["cycles"][1]["days"][0] == [1, (folfox.monday + timedelta(days=14)).isoformat()]
    status, confirmed = post_json(
        client, f"/api/v1/agenda/programmes/{proposed['id']}/confirm", {"expected_version": 1}
    )
    assert status == 200 and confirmed["state"] == "confirmed"
    assert all(c["order_id"] for c in confirmed["cycles"])
    status, again = post_json(
        client, f"/api/v1/agenda/programmes/{proposed['id']}/confirm", {"expected_version": 1}
    )
    assert (status, again["code"]) == (409, "stale_version")
