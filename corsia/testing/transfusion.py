"""Test helpers of the transfusion module: a bag's four ISBT 128 barcodes, a patient with a
confirmed group, a request with its bag issued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients.models import Patient
from corsia.records.services import VitalsInput
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered
from corsia.transfusion import services
from corsia.transfusion.models import (
    IssuedBag,
    Transfusion,
    TransfusionReaction,
    TransfusionRequest,
)

GROUP_CODES = {"O-": "95", "O+": "51", "A-": "06", "A+": "62", "B-": "17", "B+": "73"}


def bag_barcodes(
    din: str, *, product: str = "E9002V00", group: str = "A+", expires: datetime | None = None
) -> list[str]:
    """DIN (flags 00), product, ABO/RhD and expiry date-and-time barcodes of one bag."""
    when = timezone.localtime(expires or timezone.now() + timedelta(days=5))
    julian = when.timetuple().tm_yday
    return [
        f"={din}00",
        f"=<{product}",
        f"=%{GROUP_CODES[group]}00",
        f"&>0{when:%y}{julian:03d}{when:%H%M}",
    ]


@dataclass(frozen=True)
class Scenario:
    physician: User
    nurse: User
    second_nurse: User
    patient: Patient
    request: TransfusionRequest
    bag: IssuedBag
    codes: list[str]


def group_confirmed(physician: User, patient: Patient, group: str = "A+") -> None:
    now = timezone.now()
    for sample, hours in (("P-001", 30), ("P-002", 2)):
        services.blood_group_record(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            abo=group[:-1],
            rhd="pos" if group.endswith("+") else "neg",
            sample=sample,
            collected_at=now - timedelta(hours=hours),
        )


def red_cells_requested(physician: User, patient: Patient, *, units: int = 2) -> TransfusionRequest:
    return services.transfusion_request_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.RequestInput(
            component="red_cells",
            units=units,
            indication="Anemia sintomatica, Hb 6,8 g/dL in aplasia post-chemioterapia",
            planned_at=timezone.now() + timedelta(hours=1),
            treatments=("irradiated", "leukodepleted"),
            premedication="Paracetamolo 1 g ev",
        ),
    )


def crossmatched(physician: User, bag: IssuedBag, *, result: str = "compatible") -> None:
    """The SIMT's crossmatch of ``bag`` on a sample taken two hours ago (valid 70 h more)."""
    services.crossmatch_record(
        actor=physician,
        workstation=None,
        bag_id=bag.pk,
        result=result,
        method="iat",
        sample="XM-001",
        sample_collected_at=timezone.now() - timedelta(hours=2),
    )


def transfusion_ready(make_user: MakeUser, *, din: str = "A999926000017") -> Scenario:
    """A patient of group A+ (confirmed), two irradiated red cell units requested, one
    A+ irradiated bag issued (its barcodes in ``codes``) with a compatible crossmatch."""
    physician = make_user(Role.PHYSICIAN)
    patient = patient_registered(physician)
    group_confirmed(physician, patient)
    request = red_cells_requested(physician, patient)
    codes = bag_barcodes(din)
    bag = services.bag_issue(actor=physician, workstation=None, request_id=request.pk, scans=codes)
    crossmatched(physician, bag)
    return Scenario(
        physician=physician,
        nurse=make_user(Role.NURSE),
        second_nurse=make_user(Role.NURSE),
        patient=patient,
        request=request,
        bag=bag,
        codes=codes,
    )


def transfusion_started(s: Scenario) -> Transfusion:
    """The scenario's bag checked at the bedside by its two nurses, the vital signs before
    recorded, the transfusion started."""
    row = services.transfusion_check(
        actor=s.nurse,
        workstation="letto-4",
        request_id=s.request.pk,
        second_operator=s.second_nurse,
        wristband=f"PZ{s.patient.mrn}",
        scans=s.codes,
    )
    before = VitalsInput(systolic_bp="125", diastolic_bp="75", heart_rate="80")
    services.transfusion_vitals_record(
        actor=s.nurse, workstation=None, transfusion_id=row.pk, phase="before", data=before
    )
    return services.transfusion_start(
        actor=s.nurse, workstation=None, transfusion_id=row.pk, expected_version=row.version
    )


def fnhtr_recorded(nurse: User, transfusion_id: int, description: str) -> TransfusionReaction:
    """A febrile non-haemolytic reaction (grade 1, probable) recorded now."""
    reaction = services.ReactionInput(
        category="fnhtr",
        severity="1",
        imputability="probable",
        onset_at=timezone.now(),
        description=description,
    )
    return services.transfusion_reaction_record(
        actor=nurse, workstation=None, transfusion_id=transfusion_id, data=reaction
    )
