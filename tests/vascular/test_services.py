"""The register's acts against the database: insertion from a request, care with the VIP
scored by nursing, complications, removal; every refusal leaves nothing written; the
history is read-only; the statistics of real rows against a hand count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.concurrency import StaleVersion
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.nursing.models import Assessment
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.therapy import inpatient_in_bed
from corsia.testing.vascular import PICC, PIV, inserted
from corsia.vascular import selectors, services
from corsia.vascular.demo import ensure_demo_vascular
from corsia.vascular.models import AccessEvent, Device

pytestmark = pytest.mark.django_db


def _ago(**delta: float) -> datetime:
    return timezone.now() - timedelta(**delta)


def test_a_requested_picc_is_inserted_with_its_version(nurse: User, patient: Patient) -> None:
    planned = services.device_request(
        actor=nurse, workstation=None, patient_id=patient.pk,
        data=services.RequestInput(device_type="picc", indication="pn", planned_dwell_days=60),
    )  # fmt: skip
    with pytest.raises(StaleVersion):
        services.device_insert(
            actor=nurse, workstation=None, device_id=planned.pk, expected_version=0, data=PICC
        )
    device = services.device_insert(
        actor=nurse, workstation=None, device_id=planned.pk, expected_version=1, data=PICC
    )
    assert (device.state, device.version, device.operator_id, device.size) == (
        "in_place", 2, nurse.pk, Decimal(5),
    )  # fmt: skip
    kinds = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"vascular.device_requested", "vascular.device_inserted"} <= kinds


def test_a_peripheral_assessment_is_scored_by_nursing_and_flags_from_two(
    scales: None, nurse: User, patient: Patient
) -> None:
    device = inserted(nurse, patient.pk, PIV, at=_ago(days=2))
    event = services.care_record(
        actor=nurse, workstation=None, device_id=device.pk,
        data=services.CareInput(kind="assessment", vip=2),
    )  # fmt: skip
    # VIP 2: "Flebite iniziale" (Jackson 1998), recorded as nursing's assessment too
    assessment = Assessment.objects.get()
    assert (event.details["vip"], assessment.total, assessment.scale.code) == (2, 2, "vip")
    assert event.details["nursing_assessment_id"] == assessment.pk
    [row] = selectors.ward_devices(user=nurse)
    assert row.status is not None and row.status.vip_flagged


def test_a_dressing_sets_when_it_is_due(nurse: User, patient: Patient) -> None:
    device = inserted(nurse, patient.pk, at=_ago(days=10))
    when = _ago(days=3)
    services.care_record(
        actor=nurse, workstation=None, device_id=device.pk,
        data=services.CareInput(kind="dressing", dressing="gauze", occurred_at=when),
    )  # fmt: skip
    view = selectors.device_get(user=nurse, device_id=device.pk)
    assert view.status is not None
    # gauze: due 2 days after its change, so one day overdue today
    assert view.status.dressing_due_on == timezone.localdate(when) + timedelta(days=2)
    assert view.status.dressing_overdue


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (services.CareInput(kind="flush", solution="NaCl\x00"), "invalid_characters"),
        (services.CareInput(kind="flush", solution="NaCl 0,9%", volume_ml=Decimal("1e308")),
         "volume_out_of_range"),
        (services.CareInput(kind="dressing", dressing="tape"), "dressing_unknown"),
        (services.CareInput(kind="connector", occurred_at=timezone.now() + timedelta(days=1)),
         "date_in_future"),
        (services.CareInput(kind="assessment", vip=3), "vip_not_peripheral"),
    ],
)  # fmt: skip
def test_bad_care_is_refused_and_nothing_written(
    nurse: User, patient: Patient, data: services.CareInput, code: str
) -> None:
    device = inserted(nurse, patient.pk, at=_ago(days=1))
    with pytest.raises(ValidationFailed) as refused:
        services.care_record(actor=nurse, workstation=None, device_id=device.pk, data=data)
    assert refused.value.code == code
    assert not AccessEvent.objects.exists()


def test_complication_before_insertion_and_events_on_a_removed_device_are_refused(
    nurse: User, patient: Patient
) -> None:
    device = inserted(nurse, patient.pk, at=_ago(days=5))
    with pytest.raises(ValidationFailed) as early:
        services.complication_record(
            actor=nurse, workstation=None, device_id=device.pk,
            data=services.ComplicationInput(kind="occlusion", occurred_at=_ago(days=6)),
        )  # fmt: skip
    assert early.value.code == "before_insertion"
    with pytest.raises(ValidationFailed) as before:
        services.device_remove(
            actor=nurse, workstation=None, device_id=device.pk, expected_version=1,
            data=services.RemovalInput(reason="end_of_therapy", removed_at=_ago(days=6)),
        )  # fmt: skip
    assert before.value.code == "removal_before_insertion"
    services.device_remove(
        actor=nurse, workstation=None, device_id=device.pk, expected_version=1,
        data=services.RemovalInput(reason="end_of_therapy", tip_culture_sent=True),
    )  # fmt: skip
    acts: list[Callable[[], object]] = [
        lambda: services.complication_record(
            actor=nurse, workstation=None, device_id=device.pk,
            data=services.ComplicationInput(kind="occlusion"),
        ),
        lambda: services.care_record(
            actor=nurse, workstation=None, device_id=device.pk,
            data=services.CareInput(kind="connector"),
        ),
    ]  # fmt: skip
    for act in acts:
        with pytest.raises(ConflictError) as removed:
            act()
        assert removed.value.code == "device_not_in_place"
    assert not AccessEvent.objects.exists()


def test_the_history_is_read_only_and_a_correction_is_a_new_row(
    nurse: User, patient: Patient
) -> None:
    device = inserted(nurse, patient.pk, at=_ago(days=5))
    suspected = services.complication_record(
        actor=nurse, workstation=None, device_id=device.pk,
        data=services.ComplicationInput(kind="crbsi", certainty="suspected", occurred_at=_ago(days=1)),
    )  # fmt: skip
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=suspected.pk).update(note="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        Device.objects.filter(pk=device.pk).update(brand="altro")  # insertion frozen
    with pytest.raises(ValidationFailed):
        services.event_correct(actor=nurse, workstation=None, event_id=suspected.pk, reason=" ")
    confirmed = services.event_correct(
        actor=nurse, workstation=None, event_id=suspected.pk, reason="emocoltura positiva",
        certainty="confirmed",
    )  # fmt: skip
    with pytest.raises(ConflictError):
        services.event_correct(
            actor=nurse, workstation=None, event_id=suspected.pk, reason="di nuovo"
        )
    view = selectors.device_get(user=nurse, device_id=device.pk)
    assert [e.pk for e in view.events] == [confirmed.pk]
    assert confirmed.details["certainty"] == "confirmed"
    assert len(selectors.device_history(device=device)) == 2


def test_statistics_of_real_rows(nurse: User, patient: Patient) -> None:
    # two PICCs inserted 10 and 4 days ago, the first removed 2 days ago (8 catheter-days,
    # dwell 8), the second in place (4 days up to yesterday + today = 5 days in a period
    # ending today: days 4, 3, 2, 1 ago and today); one CRBSI confirmed on the second.
    today = timezone.localdate()
    first = inserted(nurse, patient.pk, at=_ago(days=10))
    second = inserted(nurse, patient.pk, at=_ago(days=4), brand="Altro 4Fr", size=Decimal(4))
    services.device_remove(
        actor=nurse, workstation=None, device_id=first.pk, expected_version=1,
        data=services.RemovalInput(reason="end_of_therapy", removed_at=_ago(days=2)),
    )  # fmt: skip
    services.complication_record(
        actor=nurse, workstation=None, device_id=second.pk,
        data=services.ComplicationInput(kind="crbsi", occurred_at=_ago(days=1)),
    )  # fmt: skip
    figures = selectors.register_statistics(user=nurse, start=today - timedelta(days=30), end=today)
    # 8 + 5 = 13 days; 1 CRBSI: 1000 / 13 = 76.923… → 76.92
    total = figures.total
    assert (total.devices, total.catheter_days, total.crbsi_confirmed) == (2, 13, 1)
    assert (total.crbsi_rate, total.median_dwell_days) == (Decimal("76.92"), Decimal(8))
    assert [f.key for f in figures.by_brand] == ["Altro 4Fr", "Groshong 5Fr"]
    with pytest.raises(ValidationFailed):
        selectors.register_statistics(user=nurse, start=today, end=date(2000, 1, 1))


def test_the_demo_fills_the_ward_once(scales: None, make_user: MakeUser, nurse: User) -> None:
    ward = inpatient_in_bed(make_user, ward_code="ONC")
    assert ensure_demo_vascular(nurse=nurse) == 3
    assert ensure_demo_vascular(nurse=nurse) == 0  # idempotent
    in_place = selectors.ward_devices(user=nurse, ward_code="ONC")
    # the cannula with VIP 2 first (resite), then the PICC; the old PICC removed
    assert [v.device.device_type for v in in_place] == ["piv", "picc"]
    assert in_place[0].status is not None and in_place[0].status.vip_flagged
    assert selectors.ward_devices(user=nurse, ward_code="XX") == []
    assert Device.objects.filter(patient=ward.patient, state="removed").count() == 1
