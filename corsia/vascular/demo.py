"""Demo venous accesses: for the first inpatients of the oncology ward (ONC), a PICC put in
twelve days ago (dressings, flushes, its transparent dressing due), a peripheral cannula
of two days with today's VIP 2 (flagged: resite), and an earlier PICC removed for a
confirmed CRBSI, so the statistics have something to count. Through the services;
idempotent: a patient with devices is left alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from corsia.core.actors import User
from corsia.core.web import Acting
from corsia.patients.selectors import ward_inpatients
from corsia.vascular import services
from corsia.vascular.models import Device

WARD = "ONC"
PICC = services.InsertionInput(
    device_type="picc", indication="vesicant", lumens=1, size=Decimal(4), size_unit="Fr",
    length_cm=Decimal(38), brand="PowerPICC 4Fr", lot="PP-2026-11", vein="basilic",
    side="right", ultrasound_guided=True, tip_location="ecg", tip_confirmed=True,
    planned_dwell_days=120,
)  # fmt: skip
PIV = services.InsertionInput(
    device_type="piv", indication="short_term", lumens=1, size=Decimal(20), size_unit="G",
    brand="Cannula 20G", vein="forearm", side="left", tip_location="none",
)  # fmt: skip


def ensure_demo_vascular(*, nurse: User) -> int:
    """Devices created (0 when already there or no inpatient in the ward)."""
    now = timezone.now()
    patients = ward_inpatients(user=nurse, ward_code=WARD)[:2]
    created = 0
    for n, patient in enumerate(patients):
        if Device.objects.filter(patient_id=patient.pk).exists():
            continue
        act: Acting = {"actor": nurse, "workstation": "demo"}
        old = services.device_insert(
            **act, patient_id=patient.pk,
            data=replace(PICC, inserted_at=now - timedelta(days=60), brand="Groshong 5Fr",
                         size=Decimal(5)),
        )  # fmt: skip
        services.complication_record(
            **act, device_id=old.pk,
            data=services.ComplicationInput(kind="crbsi", occurred_at=now - timedelta(days=31)),
        )  # fmt: skip
        services.device_remove(
            **act, device_id=old.pk, expected_version=old.version,
            data=services.RemovalInput(reason="suspected_infection",
                                       removed_at=now - timedelta(days=30), tip_culture_sent=True),
        )  # fmt: skip
        picc = services.device_insert(
            **act, patient_id=patient.pk, data=replace(PICC, inserted_at=now - timedelta(days=12))
        )
        for days in (12 - 7, 12 - 11):
            services.care_record(
                **act, device_id=picc.pk,
                data=services.CareInput(kind="flush", solution="NaCl 0,9%", volume_ml=Decimal(10),
                                        occurred_at=now - timedelta(days=days)),
            )  # fmt: skip
        services.care_record(
            **act, device_id=picc.pk,
            data=services.CareInput(kind="dressing", dressing="transparent",
                                    occurred_at=now - timedelta(days=5 + n)),
        )  # fmt: skip
        piv = services.device_insert(
            **act, patient_id=patient.pk, data=replace(PIV, inserted_at=now - timedelta(days=2))
        )
        services.care_record(
            **act, device_id=piv.pk, data=services.CareInput(kind="assessment", vip=2 - n)
        )
        created += 3
    return created
