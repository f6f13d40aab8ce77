"""The ward therapy's services against PostgreSQL: prescribing with the dose checks (hard
stops need a reason, nothing written while refused), suspension and replacement, the
signed content frozen by the database, the nurse's dose records (scan, wrong drug,
as-needed limits, the same dose twice) and the ward's round."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError, transaction

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.drugs.models import Interaction
from corsia.patients.services import allergy_record
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import allergy_input
from corsia.testing.therapy import Ward12, ondansetron, paracetamol, prescribed
from corsia.therapy import selectors, services
from corsia.therapy.models import DoseRecord, WardPrescription

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
MORNING = datetime(2026, 3, 10, 7, 0, tzinfo=ROME)


def rome(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=ROME)


def given(ward: Ward12, p: WardPrescription, *, due: datetime | None, scan: str = "") -> DoseRecord:
    return services.dose_record(
        actor=ward.nurse,
        workstation=None,
        prescription_id=p.pk,
        data=services.DoseInput(outcome="given", due_at=due, barcode=scan),
    )


# --- prescribing and its checks ------------------------------------------------------------------


@time_machine.travel(MORNING, tick=False)
def test_a_scheduled_prescription_is_signed_and_audited(ward: Ward12) -> None:
    drug = paracetamol()
    p = prescribed(ward.physician, ward.patient, drug)
    assert (p.status, p.prescriber, p.signed_at) == ("active", ward.physician, MORNING)
    assert p.times == ["08:00", "14:00", "20:00"]
    assert p.ward == ward.ward
    event = AuditEvent.objects.get(event_type="therapy.prescription_signed")
    assert event.after is not None
    assert (event.after["dose"], event.after["dose_unit"]) == ("1", "g")
    assert event.after["ingredient"] == "paracetamol"


@time_machine.travel(MORNING, tick=False)
def test_as_needed_paracetamol_over_4_g_a_day_is_refused_until_the_physician_says_why(
    ward: Ward12,
) -> None:
    drug = paracetamol()
    prescribed(ward.physician, ward.patient, drug)  # 1 g × 3 = 3 g
    prn = {
        "frequency": "prn",
        "times": (),
        "prn_indication": "dolore NRS > 3",
        "prn_min_interval_hours": Decimal(4),
        "prn_max_per_day": 2,
    }
    # 3 g + 1 g × 2 = 5 g > 4 g
    with pytest.raises(ValidationFailed) as refused:
        prescribed(ward.physician, ward.patient, drug, **prn)
    assert refused.value.code == "daily_max_exceeded"
    assert "fino a 5 g al giorno" in refused.value.message
    assert WardPrescription.objects.count() == 1
    # with one as-needed dose a day: 3 g + 1 g = 4 g, allowed without a reason
    prescribed(ward.physician, ward.patient, drug, **{**prn, "prn_max_per_day": 1})
    # a third, with a reason: signed, the override kept and audited
    third = prescribed(
        ward.physician, ward.patient, drug, **prn, override_reason="dolore osseo, epatica ok"
    )
    assert [o["check"] for o in third.overrides] == ["daily_max_exceeded"]
    assert third.overrides[0]["reason"] == "dolore osseo, epatica ok"
    assert AuditEvent.objects.filter(event_type="therapy.limit_overridden").count() == 1


@time_machine.travel(MORNING, tick=False)
def test_the_archive_maximum_single_dose_blocks(ward: Ward12) -> None:
    drug = ondansetron()
    drug.ingredient.max_single_dose = Decimal(16)
    drug.ingredient.max_single_dose_unit = "mg"
    drug.ingredient.save()
    with pytest.raises(ValidationFailed) as refused:
        prescribed(ward.physician, ward.patient, drug, dose=Decimal(24), dose_unit="mg", route="ev")
    assert refused.value.code == "max_dose_exceeded"
    assert not WardPrescription.objects.exists()


@time_machine.travel(MORNING, tick=False)
def test_a_severe_allergy_needs_a_reason_and_is_kept(ward: Ward12, make_user: MakeUser) -> None:
    drug = ondansetron()
    allergy_record(
        actor=ward.physician,
        workstation=None,
        patient_id=ward.patient.pk,
        data=allergy_input(ingredient_id=drug.ingredient.pk),
    )
    args = {"dose": Decimal(8), "dose_unit": "mg", "route": "ev"}
    with pytest.raises(ValidationFailed) as refused:
        prescribed(ward.physician, ward.patient, drug, **args)
    assert refused.value.code == "allergy_contraindicated"
    assert not WardPrescription.objects.exists()
    p = prescribed(ward.physician, ward.patient, drug, **args, override_reason="desensibilizzato")
    assert p.overrides[0]["check"] == "allergy_contraindicated"
    assert AuditEvent.objects.filter(event_type="therapy.allergy_overridden").count() == 1


@time_machine.travel(MORNING, tick=False)
def test_interactions_with_the_active_therapy_block_or_warn_by_severity(ward: Ward12) -> None:
    first = paracetamol()
    second = ondansetron()
    Interaction.objects.create(
        ingredient_a=second.ingredient, ingredient_b=first.ingredient, severity="moderate",
        effect="Effetto ridotto.", management="Valutare.", source="test",
    )  # fmt: skip
    prescribed(ward.physician, ward.patient, first)
    p = prescribed(ward.physician, ward.patient, second, dose=Decimal(8), dose_unit="mg")
    assert [w["code"] for w in p.warnings] == ["interaction_moderate"]
    assert "Paracetamolo" in p.warnings[0]["message"]
    Interaction.objects.update(severity="contraindicated")
    with pytest.raises(ValidationFailed) as refused:
        prescribed(ward.physician, ward.patient, second, dose=Decimal(1), dose_unit="mg")
    assert refused.value.code == "interaction_contraindicated"


@time_machine.travel(MORNING, tick=False)
def test_an_antiblastic_is_not_prescribed_here(ward: Ward12) -> None:
    drug = paracetamol()
    drug.ingredient.is_antineoplastic = True
    drug.ingredient.save()
    with pytest.raises(ValidationFailed) as refused:
        prescribed(ward.physician, ward.patient, drug)
    assert refused.value.code == "antineoplastic_not_allowed"


@time_machine.travel(MORNING, tick=False)
def test_a_nurse_does_not_prescribe(ward: Ward12) -> None:
    with pytest.raises(PermissionRefused):
        prescribed(ward.nurse, ward.patient, paracetamol())
    assert not WardPrescription.objects.exists()


# --- suspension, replacement, the frozen record ------------------------------------------------


@time_machine.travel(MORNING, tick=False)
def test_suspend_needs_the_current_version_and_a_reason(ward: Ward12) -> None:
    p = prescribed(ward.physician, ward.patient, paracetamol())
    with pytest.raises(ValidationFailed):
        services.prescription_suspend(
            actor=ward.physician, workstation=None, prescription_id=p.pk,
            expected_version=p.version, reason="  ",
        )  # fmt: skip
    with pytest.raises(ConflictError) as stale:
        services.prescription_suspend(
            actor=ward.physician, workstation=None, prescription_id=p.pk,
            expected_version=p.version + 1, reason="febbre risolta",
        )  # fmt: skip
    assert stale.value.code == "stale_version"
    done = services.prescription_suspend(
        actor=ward.physician, workstation=None, prescription_id=p.pk,
        expected_version=p.version, reason="febbre risolta",
    )  # fmt: skip
    assert (done.status, done.status_reason, done.version) == ("suspended", "febbre risolta", 2)
    with pytest.raises(ConflictError) as inactive:
        given(ward, done, due=rome(8))
    assert inactive.value.code == "prescription_not_active"


@time_machine.travel(MORNING, tick=False)
def test_a_replacement_links_the_old_one(ward: Ward12) -> None:
    drug = paracetamol()
    old = prescribed(ward.physician, ward.patient, drug)
    new = services.prescription_replace(
        actor=ward.physician, workstation=None, prescription_id=old.pk,
        expected_version=old.version, reason="dose ridotta per epatopatia",
        data=services.PrescriptionInput(
            ingredient_id=drug.ingredient.pk, dose=Decimal(500), dose_unit="mg", route="os",
            frequency="scheduled", times=("08:00", "20:00"),
        ),
    )  # fmt: skip
    old.refresh_from_db()
    assert (old.status, new.replaces) == ("replaced", old)
    assert old.replaced_by == new
    assert AuditEvent.objects.filter(event_type="therapy.prescription_replaced").count() == 1


@time_machine.travel(MORNING, tick=False)
def test_the_database_refuses_a_change_of_the_signed_dose_and_any_delete(ward: Ward12) -> None:
    p = prescribed(ward.physician, ward.patient, paracetamol())
    with pytest.raises(DatabaseError), transaction.atomic():
        WardPrescription.objects.filter(pk=p.pk).update(dose=Decimal(2))
    with pytest.raises(DatabaseError), transaction.atomic():
        WardPrescription.objects.filter(pk=p.pk).delete()


# --- the nurse's records -------------------------------------------------------------------------


def test_a_dose_given_with_the_right_pack_then_the_same_dose_again_is_a_clear_conflict(
    ward: Ward12, make_user: MakeUser
) -> None:
    drug = paracetamol()
    with time_machine.travel(MORNING, tick=False):
        p = prescribed(ward.physician, ward.patient, drug)
    with time_machine.travel(rome(8, 5), tick=False):
        record = given(ward, p, due=rome(8), scan=drug.scan)
        assert (record.outcome, record.pack_aic, record.nurse) == (
            "given",
            drug.pack.aic,
            ward.nurse,
        )
        other = make_user(Role.NURSE)
        with pytest.raises(ConflictError) as twice:
            services.dose_record(
                actor=other, workstation=None, prescription_id=p.pk,
                data=services.DoseInput(outcome="not_given", due_at=rome(8), reason="refused"),
            )  # fmt: skip
    assert twice.value.code == "dose_already_recorded"
    assert "Dose delle 08:00 già registrata da" in twice.value.message
    assert "(somministrata)" in twice.value.message
    assert DoseRecord.objects.count() == 1


def test_the_wrong_drug_scanned_is_refused_and_nothing_recorded(ward: Ward12) -> None:
    drug = paracetamol()
    other = ondansetron()
    with time_machine.travel(MORNING, tick=False):
        p = prescribed(ward.physician, ward.patient, drug)
    with time_machine.travel(rome(8, 5), tick=False), pytest.raises(ValidationFailed) as refused:
        given(ward, p, due=rome(8), scan=other.scan)
    assert refused.value.code == "wrong_drug"
    assert "Farmaco errato" in refused.value.message
    assert "Ondansetron" in refused.value.message
    assert not DoseRecord.objects.exists()


@pytest.mark.parametrize(
    ("due", "now", "code"),
    [
        (rome(9), rome(8, 5), "dose_not_due"),  # no dose at 09:00
        (rome(20), rome(8, 5), "dose_not_yet_due"),  # 20:00 is more than 2 hours away
        (rome(8, day=9), rome(8, 5), "dose_not_due"),  # before the start
        (None, rome(8, 5), "due_at_required"),
    ],
)
def test_only_a_due_dose_is_recorded(
    ward: Ward12, due: datetime | None, now: datetime, code: str
) -> None:
    with time_machine.travel(MORNING, tick=False):
        p = prescribed(ward.physician, ward.patient, paracetamol())
    with time_machine.travel(now, tick=False), pytest.raises(ValidationFailed) as refused:
        given(ward, p, due=due)
    assert refused.value.code == code


def test_not_given_needs_its_reason(ward: Ward12) -> None:
    with time_machine.travel(MORNING, tick=False):
        p = prescribed(ward.physician, ward.patient, paracetamol())
    with time_machine.travel(rome(8, 5), tick=False):
        with pytest.raises(ValidationFailed) as refused:
            services.dose_record(
                actor=ward.nurse, workstation=None, prescription_id=p.pk,
                data=services.DoseInput(outcome="not_given", due_at=rome(8)),
            )  # fmt: skip
        assert refused.value.code == "not_given_reason_required"
        record = services.dose_record(
            actor=ward.nurse, workstation=None, prescription_id=p.pk,
            data=services.DoseInput(outcome="not_given", due_at=rome(8), reason="fasting"),
        )  # fmt: skip
    assert record.reason == "fasting"
    event = AuditEvent.objects.get(event_type="therapy.dose_not_given")
    assert event.reason == "Paziente a digiuno"


def test_as_needed_doses_keep_their_interval_and_maximum(ward: Ward12) -> None:
    drug = paracetamol()
    with time_machine.travel(MORNING, tick=False):
        p = prescribed(
            ward.physician, ward.patient, drug, frequency="prn", times=(),
            prn_indication="febbre > 38 °C", prn_min_interval_hours=Decimal(6), prn_max_per_day=2,
        )  # fmt: skip
    with time_machine.travel(rome(8), tick=False):
        given(ward, p, due=None, scan=drug.scan)
    with time_machine.travel(rome(13, 30), tick=False), pytest.raises(ConflictError) as early:
        given(ward, p, due=None)
    assert early.value.code == "prn_interval_not_elapsed"
    assert "14:00" in early.value.message
    with time_machine.travel(rome(14), tick=False):
        given(ward, p, due=None)
    with time_machine.travel(rome(20, 30), tick=False), pytest.raises(ConflictError) as most:
        given(ward, p, due=None)
    assert most.value.code == "prn_daily_max_reached"
    assert "08:00 del 11/03" in most.value.message
    assert DoseRecord.objects.count() == 2


def test_a_physician_does_not_record_a_dose(ward: Ward12) -> None:
    with time_machine.travel(MORNING, tick=False):
        p = prescribed(ward.physician, ward.patient, paracetamol())
    with time_machine.travel(rome(8, 5), tick=False), pytest.raises(PermissionRefused):
        services.dose_record(
            actor=ward.physician, workstation=None, prescription_id=p.pk,
            data=services.DoseInput(outcome="given", due_at=rome(8)),
        )  # fmt: skip


# --- the round -----------------------------------------------------------------------------------


def test_the_round_lists_the_day_by_time_and_bed_and_logs_each_patient(
    ward: Ward12, make_user: MakeUser
) -> None:
    drug = paracetamol()
    anti = ondansetron()
    with time_machine.travel(MORNING, tick=False):
        prescribed(ward.physician, ward.patient, drug)
        prescribed(
            ward.physician, ward.patient, anti, dose=Decimal(8), dose_unit="mg", route="ev",
            times=("07:30", "20:00"),
        )  # fmt: skip
        prescribed(
            ward.physician, ward.patient, anti, dose=Decimal(4), dose_unit="mg", route="ev",
            frequency="prn", times=(), prn_indication="nausea", prn_min_interval_hours=Decimal(8),
            prn_max_per_day=1,
        )  # fmt: skip
        # signed at 07:00: the 07:30 dose is due, none before signing
        result = selectors.ward_round(
            user=ward.nurse, ward_code="MED2", day=MORNING.date(), workstation=None
        )
    assert [(r.at.astimezone(ROME).strftime("%H:%M"), r.drug) for r in result.rows if r.at] == [
        ("07:30", "Ondansetron"),
        ("08:00", "Paracetamolo"),
        ("14:00", "Paracetamolo"),
        ("20:00", "Ondansetron"),
        ("20:00", "Paracetamolo"),
    ]
    assert {r.place for r in result.rows} == {"12"}
    assert [row.prescription.prn_indication for row in result.prn] == ["nausea"]
    assert AccessLogEntry.objects.filter(
        user=ward.nurse, patient_id=ward.patient.pk, what__startswith="terapia del reparto"
    ).exists()


def test_the_round_starts_from_the_signing_and_stops_at_the_suspension(ward: Ward12) -> None:
    with time_machine.travel(rome(10), tick=False):
        p = prescribed(ward.physician, ward.patient, paracetamol())
    with time_machine.travel(rome(15), tick=False):
        services.prescription_suspend(
            actor=ward.physician, workstation=None, prescription_id=p.pk,
            expected_version=p.version, reason="stop",
        )  # fmt: skip
        result = selectors.ward_round(
            user=ward.nurse, ward_code="MED2", day=MORNING.date(), workstation=None
        )
    # signed at 10:00, suspended at 15:00: only the 14:00 dose was due
    assert [r.at.astimezone(ROME).strftime("%H:%M") for r in result.rows if r.at] == ["14:00"]
