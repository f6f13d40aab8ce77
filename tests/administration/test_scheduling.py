"""The appointment of a patient's day: planning, re-planning with a reason, the planned
time of each drug, and the bedside's time check against it (FOLFOX-4 day 1, conftest)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.administration.bedside.selectors import ward_worklist
from corsia.administration.models import Administration, Appointment
from corsia.administration.scheduling.services import appointment_set
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.patients.models import BedOrChair, Ward
from corsia.prescribing import services as prescribing
from corsia.testing.accounts import MakeUser
from corsia.testing.administration import Folfox, MakeFolfox, give, verify

pytestmark = pytest.mark.django_db


def plan(f: Folfox, start: time, **kw: object) -> Appointment:
    values: dict[str, object] = {
        "actor": f.nurse,
        "workstation": "tablet-DH-3",
        "order_id": f.order.pk,
        "day": timezone.localdate(),
        "start": start,
    }
    values.update(kw)
    return appointment_set(**values)  # type: ignore[arg-type]  # keyword values of a test


def test_planned_times_follow_the_appointment_and_the_regimen(folfox: Folfox) -> None:
    chair = BedOrChair.objects.create(
        ward=Ward.objects.create(code="DH-T", name="DH test", kind="day_hospital"),
        code="P07",
        kind="chair",
    )
    plan(folfox, time(8, 30), place_id=chair.pk)
    day = ward_worklist(user=folfox.nurse, day=timezone.localdate())[0]
    times = {row.item.pk: row.view.planned_start for row in day.items}
    at = timezone.make_aware(datetime.combine(timezone.localdate(), time(8, 30)))

    def after(minutes: int) -> datetime:
        return at + timedelta(minutes=minutes)

    # hand timetable from the library's durations (see test_bedside_services for doses):
    # ondansetron 15 min and dexamethasone 15 min from the ward, then oxaliplatin 120 min
    # with folinic acid in Y, the bolus (untimed: 15 min), then the 22-hour infusion
    durations = {code: item.duration_minutes for code, item in folfox.items.items()} | {
        "infusion": folfox.fu_infusion.duration_minutes
    }
    first, second = durations["ondansetron"] or 15, durations["dexamethasone"] or 15
    oxali = durations["oxaliplatin"]
    assert oxali == 120
    assert times[folfox.items["ondansetron"].pk] == at
    assert times[folfox.items["dexamethasone"].pk] == after(first)
    assert times[folfox.items["oxaliplatin"].pk] == after(first + second)
    assert times[folfox.items["calcium_folinate"].pk] == after(first + second)
    assert times[folfox.items["fluorouracil"].pk] == after(first + second + 120)
    assert times[folfox.fu_infusion.pk] == after(first + second + 120 + 15)
    assert (day.planned_start, day.place) == (at, "Poltrona P07")


def test_replanning_needs_a_reason_and_keeps_the_history(folfox: Folfox) -> None:
    plan(folfox, time(8, 30))
    with pytest.raises(ValidationFailed) as missing:
        plan(folfox, time(10, 0))
    assert missing.value.code == "reason_required"
    assert Appointment.objects.count() == 1
    plan(folfox, time(10, 0), reason="Paziente in ritardo per esami ematici")
    assert Appointment.objects.count() == 2
    day = ward_worklist(user=folfox.nurse, day=timezone.localdate())[0]
    assert day.planned_start is not None
    assert timezone.localtime(day.planned_start).time() == time(10, 0)
    event = AuditEvent.objects.filter(event_type="administration.appointment_set").latest("id")
    assert event.reason == "Paziente in ritardo per esami ematici"
    assert event.before is not None
    assert datetime.fromisoformat(event.before["planned_start"]) == timezone.make_aware(
        datetime.combine(timezone.localdate(), time(8, 30))
    )


def test_bad_plans_are_refused_and_change_nothing(folfox: Folfox, make_user: MakeUser) -> None:
    with pytest.raises(PermissionRefused):
        plan(folfox, time(8, 30), actor=make_user(Role.PHARMACIST))
    with pytest.raises(ValidationFailed) as no_drugs:
        plan(folfox, time(8, 30), day=timezone.localdate() + timedelta(days=5))
    assert no_drugs.value.code == "day_not_in_order"
    with pytest.raises(ValidationFailed) as no_place:
        plan(folfox, time(8, 30), place_id=999_999)
    assert no_place.value.code == "place_not_found"
    prescribing.order_transition(
        actor=folfox.physician,
        workstation=None,
        order_id=folfox.order.pk,
        event="suspend",
        reason="Neutropenia febbrile",
    )
    with pytest.raises(ConflictError) as suspended:
        plan(folfox, time(8, 30))
    assert suspended.value.code == "order_not_plannable"
    assert not Appointment.objects.exists()


def test_a_drug_far_from_its_planned_time_needs_a_reason(make_folfox: MakeFolfox) -> None:
    # a fixed local noon (the clock ticks from there), so three hours before is always today;
    # the order, its preparations and the bedside all live on that day
    noon = timezone.make_aware(datetime.combine(date(2026, 3, 11), time(12, 0)))
    with time_machine.travel(noon, tick=True):
        folfox = make_folfox()
        # given the day planned at 09:00: ondansetron was due then (window ±60 min)
        plan(folfox, time(9, 0))
        result = verify(folfox, "ondansetron")
        assert [r.code for r in result.refusals] == ["outside_time_window"]
        assert not Administration.objects.exists()
        # re-planned to noon, it goes without an override
        plan(folfox, time(12, 0), reason="Paziente arrivato ora")
        give(folfox, folfox.items["ondansetron"])
        assert Administration.objects.get().overridden_checks == []


def test_the_worklist_form_plans_the_day(folfox: Folfox, client_for) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    client = client_for(Role.NURSE)
    page = client.get("/administration/").content.decode()
    assert 'data-testid="appointment-form"' in page
    day = f"{timezone.localdate():%Y-%m-%d}"
    answer = client.post(
        "/administration/appointment/",
        {"order": folfox.order.pk, "day": day, "start": "25:70"},
    )
    assert answer.status_code == 302
    assert not Appointment.objects.exists()
    client.post(
        "/administration/appointment/", {"order": folfox.order.pk, "day": day, "start": "09:15"}
    )
    page = client.get(answer["Location"]).content.decode()
    assert 'data-testid="planned-start">09:15<' in page
    assert Appointment.objects.get().created_by.has_perm("administration.administer")
