"""A clinical trial for ``make run``: the first demo patient (colon, FOLFOX-4) enrolled in a
fictitious adjuvant colorectal trial, and the demo monitor (``monitor``) assigned, so the
monitor sees that patient only, read-only. Idempotent: an existing trial is left alone."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from corsia.patients import selectors as patient_selectors
from corsia.regimens import selectors as regimen_selectors
from corsia.regimens import services as regimen_services

if TYPE_CHECKING:
    from corsia.core.actors import User

DEMO_TRIAL = "CORSIA-CRC-01"


def ensure_demo_trial(*, pharmacist: User, monitor: User) -> int:
    """1 when the trial was created now, 0 when it was there already (or no patient)."""
    if regimen_selectors.trials_visible_to(pharmacist).filter(code=DEMO_TRIAL).exists():
        return 0
    patients = list(patient_selectors.patients_born_before(year=2005)[:1])
    if not patients:
        return 0
    with transaction.atomic():
        trial = regimen_services.trial_create(
            actor=pharmacist,
            code=DEMO_TRIAL,
            title="Studio dimostrativo: FOLFOX-4 adiuvante nel carcinoma del colon (fittizio)",
            eudract_number="2021-000123-45",
            sponsor="Ospedale dimostrativo Corsia",
            regimen_codes=["FOLFOX-4"],
        )
        regimen_services.trial_enrol_patient(
            actor=pharmacist,
            trial_id=trial.pk,
            patient_id=patients[0].pk,
            subject_code="CRC-001",
            consent_date=timezone.localdate() - timedelta(days=30),
            arm_regimen_code="FOLFOX-4",
        )
        regimen_services.trial_monitor_assign(actor=pharmacist, trial_id=trial.pk, monitor=monitor)
    return 1
