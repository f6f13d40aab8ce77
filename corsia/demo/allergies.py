"""A few allergies for the demo patients (fictitious), so the check at prescription shows
in ``make run``. Idempotent: a patient whose allergies were already asked is left alone.

The patients are those of ``corsia.prescribing.demo`` (born before 2005, by MRN):

- the first (colon, FOLFOX-4): asked, no known allergies;
- the fifth (rectum, an mFOLFOX6 order sent to the pharmacy): a suspected mild rash with
  oxaliplatin, recorded after the order — the order's page and the pharmacist's
  validation show it, and signing asks the physician to acknowledge it;
- the sixth (ovary, no order yet): a confirmed anaphylaxis to carboplatin and a
  suspected reaction to Cremophor EL — prescribing CARBO-PACLI-OV is refused
  (``allergy_contraindicated``) unless the physician types the override's reason.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from corsia.drugs import selectors as drug_selectors
from corsia.patients import selectors as patient_selectors
from corsia.patients import services as patient_services

if TYPE_CHECKING:
    from corsia.core.actors import User

NO_KNOWN_ALLERGIES = 0
# (patient index, ingredient code or "" for free text, free text, reaction, severity,
#  certainty, onset days ago, source)
DEMO_ALLERGIES: tuple[tuple[int, str, str, str, str, str, int, str], ...] = (
    (4, "oxaliplatin", "", "rash", "mild", "suspected", 3, "osservata in day hospital"),
    (
        5,
        "carboplatin",
        "",
        "anaphylaxis",
        "life_threatening",
        "confirmed",
        400,
        "lettera di dimissione",
    ),
    (
        5,
        "",
        "Cremophor EL (olio di ricino poliossietilenato)",
        "urticaria",
        "moderate",
        "suspected",
        900,
        "riferita dalla paziente",
    ),
)


@transaction.atomic
def ensure_demo_allergies(*, actor: User) -> int:
    patients = list(patient_selectors.patients_born_before(year=2005))
    asked = {
        p.pk
        for p in patients
        if patient_selectors.allergy_summary(patient_id=p.pk).state
        is not patient_selectors.AllergyState.NOT_ASKED
    }
    today = timezone.localdate()
    created = 0
    if len(patients) > NO_KNOWN_ALLERGIES and patients[NO_KNOWN_ALLERGIES].pk not in asked:
        patient_services.no_known_allergies_state(
            actor=actor, workstation=None, patient_id=patients[NO_KNOWN_ALLERGIES].pk
        )
        created += 1
    ids = drug_selectors.ingredient_ids(code for _, code, *_ in DEMO_ALLERGIES if code)
    for index, code, text, reaction, severity, certainty, ago, source in DEMO_ALLERGIES:
        if index >= len(patients) or patients[index].pk in asked or (code and code not in ids):
            continue
        patient_services.allergy_record(
            actor=actor,
            workstation=None,
            patient_id=patients[index].pk,
            data=patient_services.AllergyInput(
                substance_kind="ingredient" if code else "other",
                ingredient_id=ids.get(code) if code else None,
                substance_text=text,
                reaction=reaction,
                severity=severity,
                certainty=certainty,
                onset_date=today - timedelta(days=ago),
                source=source,
            ),
        )
        created += 1
    return created
