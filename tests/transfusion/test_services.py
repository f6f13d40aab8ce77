"""The transfusion services: the bedside refusals change nothing; the right bag goes
through two operators, vital signs, start and end; everything audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, CorsiaError, ValidationFailed
from corsia.records.services import VitalsInput
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.testing.transfusion import (
    Scenario,
    bag_barcodes,
    fnhtr_recorded,
    group_confirmed,
    red_cells_requested,
    transfusion_ready,
)
from corsia.transfusion import services
from corsia.transfusion.models import Transfusion, TransfusionVitals

pytestmark = pytest.mark.django_db


def _check(
    s: Scenario,
    codes: list[str],
    *,
    wristband: str | None = None,
    second: User | None = None,
    actor: User | None = None,
) -> Transfusion:
    return services.transfusion_check(
        actor=actor or s.nurse,
        workstation=None,
        request_id=s.request.pk,
        second_operator=second if second is not None else s.second_nurse,
        wristband=wristband or f"PZ{s.patient.mrn}",
        scans=codes,
    )


def _refused(s: Scenario, codes: list[str], **kw: Any) -> str:
    transfusions = Transfusion.objects.count()
    with pytest.raises(CorsiaError) as refusal:
        _check(s, codes, **kw)
    assert Transfusion.objects.count() == transfusions
    return refusal.value.code


def test_wrong_bags_refused_nothing_written_refusal_audited(make_user: MakeUser) -> None:
    s = transfusion_ready(make_user)
    # another request's bag (a second patient of the same group)
    other_patient = patient_registered(s.physician, **ANNA_BIANCHI)
    group_confirmed(s.physician, other_patient)
    other_request = red_cells_requested(s.physician, other_patient)
    other_codes = bag_barcodes("A999926000025")
    services.bag_issue(
        actor=s.physician, workstation=None, request_id=other_request.pk, scans=other_codes
    )
    assert _refused(s, other_codes) == "bag_other_request"
    # a bag nobody issued
    assert _refused(s, bag_barcodes("A999926000033")) == "bag_not_issued"
    # the wrong wristband
    assert _refused(s, s.codes, wristband=f"PZ{other_patient.mrn}") == "wrong_patient"
    # a label that does not say what was issued (group B on the same DIN)
    forged = bag_barcodes("A999926000017", group="B+")
    assert _refused(s, forged) == "label_mismatch"
    refused = AuditEvent.objects.filter(event_type="transfusion.bag_refused")
    assert refused.count() == 4


def test_same_person_as_second_operator_refused(make_user: MakeUser) -> None:
    s = transfusion_ready(make_user)
    assert _refused(s, s.codes, second=s.nurse) == "same_operator"
    clerk = make_user(Role.COORDINATOR)
    assert _refused(s, s.codes, second=clerk) == "second_operator_not_allowed"


@pytest.mark.parametrize(
    ("scanned", "code"),
    [
        ({"group": "B+"}, "group_incompatible"),  # the request is for an A+ patient
        ({"expires": timedelta(hours=-1)}, "bag_expired"),  # an hour ago
        ({"product": "E9001V00"}, "treatment_missing"),  # not irradiated
    ],
)
def test_a_wrong_bag_is_refused_at_issue(
    make_user: MakeUser, scanned: dict[str, Any], code: str
) -> None:
    s = transfusion_ready(make_user)
    if "expires" in scanned:
        scanned = {"expires": timezone.now() + scanned["expires"]}
    with pytest.raises(ValidationFailed) as refusal:
        services.bag_issue(
            actor=s.physician,
            workstation=None,
            request_id=s.request.pk,
            scans=bag_barcodes("A999926000041", **scanned),
        )
    assert refusal.value.code == code


def test_the_right_bag_transfused_then_never_again(make_user: MakeUser) -> None:
    s = transfusion_ready(make_user)
    row = _check(s, s.codes)
    assert (row.first_operator, row.second_operator, row.state) == (
        s.nurse,
        s.second_nurse,
        "checked",
    )
    with pytest.raises(ConflictError) as no_vitals:
        services.transfusion_start(
            actor=s.nurse, workstation=None, transfusion_id=row.pk, expected_version=row.version
        )
    assert no_vitals.value.code == "vitals_before_missing"
    services.transfusion_vitals_record(
        actor=s.nurse,
        workstation=None,
        transfusion_id=row.pk,
        phase="before",
        data=VitalsInput(
            systolic_bp="125", diastolic_bp="75", heart_rate="80", temperature_c="36,6"
        ),
    )
    row = services.transfusion_start(
        actor=s.nurse, workstation=None, transfusion_id=row.pk, expected_version=row.version
    )
    with pytest.raises(ConflictError) as early:
        services.transfusion_end(
            actor=s.nurse,
            workstation=None,
            transfusion_id=row.pk,
            expected_version=row.version,
            volume_ml=280,
        )
    assert early.value.code == "vitals_during_missing"
    services.transfusion_vitals_record(
        actor=s.nurse,
        workstation=None,
        transfusion_id=row.pk,
        phase="during",
        data=VitalsInput(temperature_c="37.9", heart_rate="96"),
    )
    reaction = fnhtr_recorded(s.nurse, row.pk, "Brivido e febbre 37,9 °C a 20 minuti")
    assert reaction.get_category_display() == "Reazione febbrile non emolitica (FNHTR)"
    row = services.transfusion_end(
        actor=s.nurse,
        workstation=None,
        transfusion_id=row.pk,
        expected_version=row.version,
        volume_ml=280,
    )
    assert row.state == "completed" and row.volume_ml == 280
    assert TransfusionVitals.objects.filter(transfusion=row).count() == 2
    # the same bag again: already transfused
    assert _refused(s, s.codes) == "bag_already_transfused"
    events = set(
        AuditEvent.objects.filter(event_type__startswith="transfusion.").values_list(
            "event_type", flat=True
        )
    )
    assert {
        "transfusion.bag_checked",
        "transfusion.started",
        "transfusion.ended",
        "transfusion.vitals_recorded",
        "transfusion.reaction_recorded",
    } <= events


def test_group_needs_two_samples(make_user: MakeUser) -> None:
    physician = make_user(Role.PHYSICIAN)
    patient = patient_registered(physician)
    now = timezone.now()

    def typed(sample: str, hours_ago: int) -> object:
        return services.blood_group_record(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            abo="O",
            rhd="neg",
            sample=sample,
            collected_at=now - timedelta(hours=hours_ago),
        )

    typed("T1", 3)
    with pytest.raises(ValidationFailed) as same:
        typed("T1", 1)  # the same sample again: no second determination
    assert same.value.code == "same_sample"
    request = red_cells_requested(physician, patient)
    with pytest.raises(ConflictError) as unconfirmed:
        services.bag_issue(
            actor=physician,
            workstation=None,
            request_id=request.pk,
            scans=bag_barcodes("A999926000058", group="O-"),
        )
    assert unconfirmed.value.code == "group_not_confirmed"


def test_a_nurse_cannot_request(make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE)
    patient = patient_registered(make_user(Role.PHYSICIAN))
    with pytest.raises(CorsiaError) as refused:
        red_cells_requested(nurse, patient)
    assert refused.value.code == "permission_denied"
