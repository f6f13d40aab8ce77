"""The nursing record of one demo patient (fictitious): the woman with febrile neutropenia
of the toxicity demo, assessed over three days — MASCC at the fever's onset, Braden,
NRS pain and WHO oral mucositis — so that the trend shows on her nursing page.
Idempotent: a patient who already has an assessment gets none added."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from corsia.nursing import selectors, services
from corsia.patients import selectors as patient_selectors

if TYPE_CHECKING:
    from corsia.core.actors import User

PATIENT_INDEX = 7  # among the patients with a codice fiscale (demo/toxicities.py: the FN)

# (hours ago, scale, answers)
DEMO_ASSESSMENTS: tuple[tuple[int, str, dict[str, str]], ...] = (
    # inpatient at the fever's onset, moderate symptoms, age ≥ 60: 3+5+4+4+3+0+0 = 19, high
    (
        70,
        "mascc",
        {
            "burden": "moderate",
            "no_hypotension": "yes",
            "no_copd": "yes",
            "solid_or_no_fungal": "yes",
            "no_dehydration": "yes",
            "outpatient": "no",
            "under_60": "no",
        },
    ),
    # 3+3+2+3+2+2 = 15, then 3+3+3+3+3+3 = 18 as she recovers
    (
        69,
        "braden",
        {
            "sensory": "3",
            "moisture": "3",
            "activity": "2",
            "mobility": "3",
            "nutrition": "2",
            "friction": "2",
        },
    ),
    (
        21,
        "braden",
        {
            "sensory": "3",
            "moisture": "3",
            "activity": "3",
            "mobility": "3",
            "nutrition": "3",
            "friction": "3",
        },
    ),
    (68, "nrs", {"intensity": "7"}),
    (46, "nrs", {"intensity": "5"}),
    (22, "nrs", {"intensity": "3"}),
    (2, "nrs", {"intensity": "2"}),
    (68, "who_mucositis", {"grade": "2"}),
    (22, "who_mucositis", {"grade": "1"}),
)


@transaction.atomic
def ensure_demo_nursing(*, nurse: User) -> int:
    services.scales_reference_load()
    patient_ids = patient_selectors.patient_ids_with_codice_fiscale(limit=PATIENT_INDEX + 1)
    if len(patient_ids) <= PATIENT_INDEX:
        return 0
    patient_id = patient_ids[PATIENT_INDEX]
    if selectors.patient_has_assessments(patient_id=patient_id):
        return 0
    now = timezone.now()
    for hours, scale, answers in DEMO_ASSESSMENTS:
        services.assessment_record(
            actor=nurse,
            workstation="demo",
            patient_id=patient_id,
            data=services.AssessmentInput(
                scale_code=scale, answers=answers, assessed_at=now - timedelta(hours=hours)
            ),
        )
    return len(DEMO_ASSESSMENTS)
