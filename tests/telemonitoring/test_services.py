"""Telemonitoring's acts against the database: a blood pressure decoded from recorded GATT
bytes, implausible values confirmed (never silently kept or dropped), thresholds, the
symptom diary raising the team's alert, the CTCAE grade confirmed into toxicity, and each
patient only ever reaching their own rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import NotFound, PermissionRefused, ValidationFailed
from corsia.patients.models import Patient
from corsia.portal.models import PortalAccount, PortalActivity
from corsia.telemonitoring import selectors, services
from corsia.telemonitoring.models import Alert, Reading, ReadingState
from corsia.testing.telemonitoring import (
    BP_120_80_PULSE_72,
    actor_of,
    b64,
    bp_now,
    diary_for_today,
)
from corsia.toxicity.models import ToxicityRecord

pytestmark = pytest.mark.django_db
Pair = tuple[Patient, PortalAccount]
CALM = {"mouth": "0", "nausea": "0", "pain": "1", "fatigue": "0"}


def _values(readings: Any) -> dict[str, Decimal]:
    return {r.parameter: r.value for r in readings}


def test_a_blood_pressure_decoded_from_recorded_gatt_bytes(mario: Pair) -> None:
    patient, account = mario
    outcome = services.reading_record_device(
        patient=actor_of(account), characteristic=0x2A35, payload=b64(BP_120_80_PULSE_72)
    )
    assert _values(Reading.objects.filter(patient=patient)) == {
        "systolic": Decimal(120),
        "diastolic": Decimal(80),
        "mean_arterial": Decimal(93),
        "heart_rate": Decimal(72),
    }
    assert outcome.doubts == () and outcome.alerts == ()
    row = Reading.objects.get(parameter="systolic")
    assert (row.source, row.state, row.characteristic, row.payload, row.unit_sent) == (
        "device", "accepted", 0x2A35, b64(BP_120_80_PULSE_72), "mmHg",
    )  # fmt: skip
    event = AuditEvent.objects.get(event_type="telemonitoring.reading_recorded")
    assert event.patient_id == patient.pk and event.actor_id is None
    assert (
        PortalActivity.objects.filter(
            account=account, action="telemonitoring.reading_recorded"
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b64(BP_120_80_PULSE_72[:-1]), "gatt_truncated"),
        (b64(bytes.fromhex("00 FF07 5000 5D00")), "gatt_special_value"),
        ("***", "gatt_payload"),
        ("", "gatt_payload"),
    ],
)
def test_malformed_device_bytes_are_refused_and_nothing_written(
    mario: Pair, payload: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.reading_record_device(
            patient=actor_of(mario[1]), characteristic=0x2A35, payload=payload
        )
    assert exc.value.code == code
    assert Reading.objects.count() == 0


def test_an_implausible_heart_rate_waits_for_the_patient_then_alerts(mario: Pair) -> None:
    _, account = mario
    me = actor_of(account)
    # when the patient types a heart rate of 400
    outcome = services.reading_record_manual(patient=me, values={"heart_rate": "400"})
    # then it is kept, to confirm, and raises nothing yet
    assert [d.code for d in outcome.doubts] == ["out_of_range"]
    row = Reading.objects.get()
    assert (row.state, row.value) == (ReadingState.TO_CONFIRM, Decimal(400))
    assert Alert.objects.count() == 0
    home = selectors.own_home(patient=me)
    assert [m for m, _ in home.to_confirm] == [row.measurement]
    # when the patient confirms it, it counts: above the default 120 → an alert
    confirmed = services.reading_decide(patient=me, measurement=row.measurement, confirm=True)
    row.refresh_from_db()
    assert row.state == ReadingState.CONFIRMED
    assert [a.rule for a in confirmed.alerts] == ["threshold_heart_rate"]
    # and cannot be decided twice
    with pytest.raises(ValidationFailed):
        services.reading_decide(patient=me, measurement=row.measurement, confirm=False)


def test_a_rejected_value_is_kept_and_never_counts(mario: Pair) -> None:
    me = actor_of(mario[1])
    outcome = services.reading_record_manual(patient=me, values={"spo2": "101"})
    services.reading_decide(patient=me, measurement=outcome.measurement, confirm=False)
    row = Reading.objects.get()
    assert row.state == ReadingState.REJECTED
    assert Alert.objects.count() == 0
    assert AuditEvent.objects.filter(event_type="telemonitoring.reading_rejected").count() == 1


def test_a_weight_change_over_ten_percent_in_a_day_is_to_confirm(mario: Pair) -> None:
    me = actor_of(mario[1])
    services.reading_record_manual(patient=me, values={"weight": "70"})
    second = services.reading_record_manual(patient=me, values={"weight": "62,5"})
    assert [d.code for d in second.doubts] == ["weight_change"]
    assert second.readings[0].state == ReadingState.TO_CONFIRM


def test_manual_values_are_checked(mario: Pair) -> None:
    me = actor_of(mario[1])
    for values, code in (
        ({}, "reading_empty"),
        ({"systolic": "120"}, "reading_pressure_incomplete"),
        ({"temperature": "abc"}, "reading_invalid"),
        ({"temperature": "-3"}, "reading_invalid"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            services.reading_record_manual(patient=me, values=values)
        assert exc.value.code == code
    assert Reading.objects.count() == 0


def test_the_team_sets_the_patients_own_threshold(mario: Pair, physician: User) -> None:
    patient, account = mario
    services.threshold_set(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        parameter="systolic",
        low=Decimal(100),
        high=Decimal(150),
        reason="iperteso noto",
    )
    # 155/90 is within the default (≤ 180) but above this patient's 150
    outcome = services.reading_record_device(
        patient=actor_of(account), characteristic=0x2A35, payload=b64(bp_now(155, 90, 70))
    )
    assert [a.message for a in outcome.alerts] == [
        "Pressione sistolica 155 mmHg: sopra la soglia (150 mmHg)"
    ]
    with pytest.raises(ValidationFailed) as exc:
        services.threshold_set(
            actor=physician, workstation=None, patient_id=patient.pk,
            parameter="systolic", low=Decimal(150), high=Decimal(100),
        )  # fmt: skip
    assert exc.value.code == "threshold_invalid"


def test_fever_in_the_diary_after_chemotherapy_reaches_the_team(
    mario: Pair, make_user: Any, nurse: User
) -> None:
    patient, account = mario
    diary_for_today(make_user, patient.pk, regimen="FOLFOX", cycle_number=2)
    # when the patient writes 38.5 °C in today's diary
    outcome = services.diary_submit(
        patient=actor_of(account), answers={**CALM, "temperature": "38,5", "stools": "2"}
    )
    # then an urgent alert, with the instruction to call, reaches the team's open alerts
    (alert,) = outcome.alerts
    assert (alert.rule, alert.urgent, alert.meddra_code, alert.suggested_grade) == (
        "fever_after_chemotherapy", True, "10016558", 1,
    )  # fmt: skip
    assert alert.instruction.startswith("Chiama subito il reparto al numero")
    assert outcome.instructions == (alert.instruction,)
    assert selectors.open_alerts(user=nurse, workstation=None) == [alert]
    assert AccessLogEntry.objects.filter(user=nurse, patient_id=patient.pk).count() == 1
    # and the response is the FHIR QuestionnaireResponse, the act in the portal's log
    response = outcome.response
    assert response.resource["resourceType"] == "QuestionnaireResponse"
    assert response.resource["subject"] == {"reference": f"Patient/{patient.pk}"}
    assert PortalActivity.objects.filter(action="telemonitoring.diary_submitted").count() == 1


def test_diarrhoea_over_the_patients_baseline(mario: Pair, make_user: Any) -> None:
    patient, account = mario
    diary_for_today(make_user, patient.pk, baseline_stools=2)
    calm = services.diary_submit(patient=actor_of(account), answers={**CALM, "stools": "5"})
    assert calm.alerts == ()  # 3 over a baseline of 2
    loose = services.diary_submit(patient=actor_of(account), answers={**CALM, "stools": "6"})
    assert [(a.rule, a.suggested_grade) for a in loose.alerts] == [("diarrhoea", 2)]


def test_the_clinician_confirms_the_grade_into_the_toxicity_record(
    mario: Pair, make_user: Any, physician: User, ctcae_reference: None
) -> None:
    patient, account = mario
    diary_for_today(make_user, patient.pk)
    (alert,) = services.diary_submit(
        patient=actor_of(account), answers={**CALM, "mouth": "3"}
    ).alerts
    assert alert.rule == "mucositis_unable_to_eat"
    closed = services.alert_close(
        actor=physician, workstation=None, alert_id=alert.pk, note="Chiamato", ctcae_grade=3
    )
    assert closed.toxicity_record_id is not None
    record = ToxicityRecord.objects.get(pk=closed.toxicity_record_id)
    assert (record.patient_id, record.grade, record.term.meddra_code) == (
        patient.pk, 3, "10028130",
    )  # fmt: skip
    assert closed.state == "closed"
    with pytest.raises(ValidationFailed) as exc:
        services.alert_close(actor=physician, workstation=None, alert_id=alert.pk)
    assert exc.value.code == "alert_closed"


def test_a_patient_reaches_only_their_own_rows(mario: Pair, anna: Pair) -> None:
    _, mario_account = mario
    anna_patient, anna_account = anna
    mine = services.reading_record_manual(patient=actor_of(mario_account), values={"spo2": "101"})
    services.reading_record_manual(patient=actor_of(anna_account), values={"weight": "60"})
    # Anna sees only her weight, never Mario's pending value
    home = selectors.own_home(patient=actor_of(anna_account))
    assert [(r.parameter, r.patient_id) for r in home.readings] == [("weight", anna_patient.pk)]
    assert home.to_confirm == []
    assert (
        selectors.own_measurement(patient=actor_of(anna_account), measurement=mine.measurement)
        == []
    )
    # nor can she decide Mario's measurement
    with pytest.raises(NotFound):
        services.reading_decide(
            patient=actor_of(anna_account), measurement=mine.measurement, confirm=True
        )
    assert Reading.objects.get(measurement=mine.measurement).state == ReadingState.TO_CONFIRM


def test_the_team_needs_the_permission(mario: Pair, make_user: Any) -> None:
    from corsia.accounts.domain.roles import Role

    pharmacist = make_user(Role.PHARMACIST)
    with pytest.raises(PermissionRefused):
        selectors.open_alerts(user=pharmacist, workstation=None)
    with pytest.raises(PermissionRefused):
        selectors.patient_monitoring(user=pharmacist, workstation=None, patient_id=mario[0].pk)
