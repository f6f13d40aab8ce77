"""A few CTCAE-graded toxicities for the demo patients (fictitious). Idempotent: a patient
who already has a toxicity gets none added."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from corsia.drugs import selectors as drug_selectors
from corsia.patients import selectors as patient_selectors
from corsia.toxicity import selectors, services

if TYPE_CHECKING:
    from corsia.core.actors import User

# (patient index among those with a codice fiscale, MedDRA code, grade, attribution,
#  days ago of onset, days until resolution or None, cycle, suspected ingredient codes)
# Not the first and the fourth patients: their complete charts (stays.py) start their first
# cycle today and tomorrow, so no toxicity of theirs can have been recorded yet.
DEMO_TOXICITIES: tuple[tuple[int, str, int, str, int, int | None, int, tuple[str, ...]], ...] = (
    (10, "10028813", 2, "probable", 12, 4, 2, ("oxaliplatin",)),  # Nausea
    (10, "10034620", 1, "probable", 5, None, 3, ("oxaliplatin",)),  # Peripheral sensory neuropathy
    (1, "10029366", 3, "definite", 9, 6, 1, ("docetaxel",)),  # Neutrophil count decreased
    (2, "10012727", 2, "possible", 20, 5, 4, ("irinotecan",)),  # Diarrhea
    (7, "10016288", 3, "definite", 4, None, 2, ("doxorubicin", "cyclophosphamide")),  # FN
    (4, "10028130", 1, "possible", 15, 7, 1, ("fluorouracil",)),  # Mucositis oral
)


@transaction.atomic
def ensure_demo_toxicities(*, actor: User) -> int:
    patient_ids = patient_selectors.patient_ids_with_codice_fiscale(limit=11)
    today = timezone.localdate()
    created = 0
    done: set[int] = set()
    for index, code, grade, attribution, ago, lasted, cycle, drugs in DEMO_TOXICITIES:
        if index >= len(patient_ids):
            continue
        patient_id = patient_ids[index]
        if patient_id not in done and selectors.patient_has_toxicity(patient_id=patient_id):
            continue
        done.add(patient_id)
        onset = today - timedelta(days=ago)
        found = drug_selectors.ingredient_ids(drugs)
        ids = tuple(found[drug] for drug in drugs if drug in found)
        services.toxicity_record(
            actor=actor,
            workstation=None,
            patient_id=patient_id,
            data=services.ToxicityInput(
                term_id=selectors.ctcae_term_id(meddra_code=code),
                grade=grade,
                attribution=attribution,
                onset_date=onset,
                resolution_date=onset + timedelta(days=lasted) if lasted is not None else None,
                serious=grade >= 3,
                suspected_ingredient_ids=ids,
                cycle_number=cycle,
            ),
        )
        created += 1
    return created
