"""Demo transfusion: the first inpatient of the oncology ward (ONC) gets a confirmed group
(two determinations on two samples), a request of two irradiated leukodepleted red-cell
units planned in two hours, both bags issued by the transfusion service with a compatible
crossmatch — ready for the bedside check on ``/transfusion/``. Idempotent: a patient with
a request is left alone. The bags' barcodes (to type or scan at the check) are returned."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from corsia.core.actors import User
from corsia.patients.selectors import ward_inpatients
from corsia.transfusion import services
from corsia.transfusion.domain.isbt128 import din_check_character, mod37_2_value
from corsia.transfusion.models import TransfusionRequest

WARD = "ONC"
FACILITY = "A9999"  # not a real collection facility


def demo_barcodes(din: str, group_code: str) -> list[str]:
    """DIN with its MOD 37-2 flags, product E9002 (irradiated, leukodepleted), group,
    expiry date and time ten days ahead."""
    when = timezone.localtime(timezone.now() + timedelta(days=10))
    return [
        f"={din}{60 + mod37_2_value(din)}",
        "=<E9002V00",
        f"=%{group_code}00",
        f"&>0{when:%y}{when.timetuple().tm_yday:03d}{when:%H%M}",
    ]


def ensure_demo_transfusion(*, physician: User) -> str:
    patients = ward_inpatients(user=physician, ward_code=WARD)[:1]
    if not patients:
        return "no inpatient in the ward"
    patient = patients[0]
    if TransfusionRequest.objects.filter(patient_id=patient.pk).exists():
        return "already there"
    now = timezone.now()
    who: dict[str, Any] = {"actor": physician, "workstation": "demo"}
    for sample, days in ((f"DEMO-GS-{patient.pk}-1", 3), (f"DEMO-GS-{patient.pk}-2", 1)):
        services.blood_group_record(
            **who, patient_id=patient.pk, abo="A", rhd="pos", sample=sample,
            collected_at=now - timedelta(days=days),
        )  # fmt: skip
    request = services.transfusion_request_create(
        **who,
        patient_id=patient.pk,
        data=services.RequestInput(
            component="red_cells",
            units=2,
            indication="Anemia sintomatica (Hb 7,1 g/dL) in aplasia post-chemioterapia",
            planned_at=now + timedelta(hours=2),
            treatments=("irradiated", "leukodepleted"),
            premedication="Paracetamolo 1 g ev 30 minuti prima",
        ),
    )
    shown = []
    for unit, group_code in ((1, "62"), (2, "95")):  # A RhD+, O RhD−
        din = f"{FACILITY}{now:%y}{patient.pk % 10000:04d}{unit:02d}"
        codes = demo_barcodes(din, group_code)
        bag = services.bag_issue(**who, request_id=request.pk, scans=codes)
        services.crossmatch_record(
            **who, bag_id=bag.pk, result="compatible", method="iat",
            sample=f"DEMO-XM-{patient.pk}", sample_collected_at=now - timedelta(hours=1),
        )  # fmt: skip
        shown.append(f"{din}{din_check_character(din)}: {' '.join(codes)}")
    return f"request {request.pk} for {patient.mrn}, bags " + "; ".join(shown)
