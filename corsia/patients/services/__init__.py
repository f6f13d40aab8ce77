"""Use cases of the patient registry: each one checks the permission, validates everything
before writing, locks, writes, and records its audit event in the same transaction. One
file per act:

- ``registry`` — a patient registered, corrected;
- ``merge`` — two records of one person merged (every module's rows, through the hooks
  of ``corsia.patients.merging``), and the merge undone;
- ``encounters`` — admission, discharge, transfer, cancellation (ADT);
- ``consents`` — consents recorded and revoked;
- ``masking`` — documents masked (oscuramento) and unmasked;
- ``allergies`` — allergies recorded, refuted or inactivated; "no known allergies" stated;
- ``pgx`` — pharmacogenomic results recorded (a newer one supersedes) or entered in error;
- ``wards`` — the wards and their places (reference data);
- ``ward_staff`` — users assigned to a ward and the assignment ended (the care scope);
- ``break_glass`` — emergency access outside one's care, and its review;
- ``patient`` — what they share: permissions, the row lock, the merged check.

Callers import this package (``from corsia.patients import services``): the names below
are its public surface.
"""

from corsia.patients.services.allergies import (
    RECORD_ALLERGY,
    AllergyInput,
    allergy_close,
    allergy_record,
    no_known_allergies_state,
)
from corsia.patients.services.break_glass import break_glass_request, break_glass_review
from corsia.patients.services.consents import consent_record, consent_revoke
from corsia.patients.services.encounters import (
    encounter_admit,
    encounter_cancel,
    encounter_discharge,
    encounter_discharge_cancel,
    encounter_transfer,
)
from corsia.patients.services.masking import document_mask, document_unmask
from corsia.patients.services.merge import patient_merge, patient_unmerge
from corsia.patients.services.patient import (
    CHANGE,
    CONSENT,
    ENCOUNTER,
    MASK,
    MERGE,
    UNMERGE,
    VIEW,
)
from corsia.patients.services.pgx import (
    RECORD_PGX,
    PgxInput,
    pgx_result_enter_in_error,
    pgx_result_record,
)
from corsia.patients.services.registry import (
    PatientInput,
    patient_clean,
    patient_create,
    patient_update,
)
from corsia.patients.services.ward_staff import ward_staff_assign, ward_staff_end
from corsia.patients.services.wards import ward_ensure

__all__ = [
    "CHANGE",
    "CONSENT",
    "ENCOUNTER",
    "MASK",
    "MERGE",
    "RECORD_ALLERGY",
    "RECORD_PGX",
    "UNMERGE",
    "VIEW",
    "AllergyInput",
    "PatientInput",
    "PgxInput",
    "allergy_close",
    "allergy_record",
    "break_glass_request",
    "break_glass_review",
    "consent_record",
    "consent_revoke",
    "document_mask",
    "document_unmask",
    "encounter_admit",
    "encounter_cancel",
    "encounter_discharge",
    "encounter_discharge_cancel",
    "encounter_transfer",
    "no_known_allergies_state",
    "patient_clean",
    "patient_create",
    "patient_merge",
    "patient_unmerge",
    "patient_update",
    "pgx_result_enter_in_error",
    "pgx_result_record",
    "ward_ensure",
    "ward_staff_assign",
    "ward_staff_end",
]
