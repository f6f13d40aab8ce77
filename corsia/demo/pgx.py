"""A pharmacogenomic result for a demo patient (fictitious), so the alert at prescription
shows in ``make run``: the first patient of ``corsia.prescribing.demo`` (colon cancer,
FOLFOX-4) is a DPYD intermediate metaboliser, activity score 1.5 (c.1236G>A / HapB3
heterozygous). Recorded before the demo orders: the FOLFOX-4 order of this patient, and
any fluorouracil or capecitabine regimen prescribed for them (FOLFOX, CAPOX), carries the
CPIC warning with each fluoropyrimidine line's starting dose halved. Idempotent: a patient
with a result is left alone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from corsia.patients import selectors as patient_selectors
from corsia.patients import services as patient_services
from corsia.patients.selectors_pgx import pgx_current

if TYPE_CHECKING:
    from corsia.core.actors import User

DPYD_INTERMEDIATE = 0  # the index of the patient, as in corsia.prescribing.demo


@transaction.atomic
def ensure_demo_pgx(*, actor: User) -> int:
    patients = list(patient_selectors.patients_born_before(year=2005))
    if len(patients) <= DPYD_INTERMEDIATE:
        return 0
    patient = patients[DPYD_INTERMEDIATE]
    if pgx_current(patient_id=patient.pk):
        return 0
    patient_services.pgx_result_record(
        actor=actor,
        workstation=None,
        patient_id=patient.pk,
        data=patient_services.PgxInput(
            gene="DPYD",
            phenotype="intermediate_metabolizer",
            activity_score=Decimal("1.5"),
            diplotype="c.1236G>A (HapB3) / wild type",
            report_date=timezone.localdate() - timedelta(days=20),
            laboratory="Laboratorio di farmacogenetica (demo)",
        ),
    )
    return 1
