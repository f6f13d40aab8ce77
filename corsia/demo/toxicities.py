"""A few CTCAE-graded toxicities for the demo patients (fictitious). Idempotent: a patient
who already has a toxicity gets none added."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from corsia.accounts.models import User
from corsia.drugs.models import ActiveIngredient
from corsia.patients.models import Patient
from corsia.toxicity import services
from corsia.toxicity.models import CtcaeTerm, ToxicityRecord

# (patient index among those with a codice fiscale, MedDRA code, grade, attribution,
#  days ago of onset, days until resolution or None, cycle, suspected ingredient codes)
DEMO_TOXICITIES: tuple[tuple[int, str, int, str, int, int | None, int, tuple[str, ...]], ...] = (
    (0, "10028813", 2, "probable", 12, 4, 2, ("oxaliplatin",)),  # Nausea
    (0, "10034620", 1, "probable", 5, None, 3, ("oxaliplatin",)),  # Peripheral sensory neuropathy
    (1, "10029366", 3, "definite", 9, 6, 1, ("docetaxel",)),  # Neutrophil count decreased
    (2, "10012727", 2, "possible", 20, 5, 4, ("irinotecan",)),  # Diarrhea
    (3, "10016288", 3, "definite", 4, None, 2, ("doxorubicin", "cyclophosphamide")),  # FN
    (4, "10028130", 1, "possible", 15, 7, 1, ("fluorouracil",)),  # Mucositis oral
)


@transaction.atomic
def ensure_demo_toxicities(*, actor: User) -> int:
    patients = list(Patient.objects.exclude(codice_fiscale="").order_by("pk")[:5])
    today = timezone.localdate()
    created = 0
    done: set[int] = set()
    for index, code, grade, attribution, ago, lasted, cycle, drugs in DEMO_TOXICITIES:
        if index >= len(patients):
            continue
        patient = patients[index]
        if patient.pk not in done and ToxicityRecord.objects.filter(patient=patient).exists():
            continue
        done.add(patient.pk)
        term = CtcaeTerm.objects.get(meddra_code=code)
        onset = today - timedelta(days=ago)
        ids = tuple(ActiveIngredient.objects.filter(code__in=drugs).values_list("pk", flat=True))
        services.toxicity_record(
            actor=actor,
            workstation=None,
            patient_id=patient.pk,
            data=services.ToxicityInput(
                term_id=term.pk,
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
