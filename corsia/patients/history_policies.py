"""What the change-history page (``corsia.audit.history``) may show of the registry's
records: a masked document (oscuramento) is hidden from the people treating the patient,
so its history is "not found" for every reader, and a masking's reason — the patient's
words — is never shown. Registered once, when the app is ready."""

from __future__ import annotations

from django.db import models

from corsia.audit.history import VISIBLE, HistoryPolicy, PolicyOf, register_history_policy
from corsia.patients.models import DocumentType, Masking
from corsia.patients.selectors import in_hidden_stay, is_masked

HIDDEN = HistoryPolicy(hidden=True)


def _masking_policy(record: models.Model) -> HistoryPolicy:
    # An active masking names the document it hides: not shown. A revoked one is shown
    # (who recorded and revoked it, when), never its reason.
    assert isinstance(record, Masking)
    if record.revoked_at is None:
        return HIDDEN
    return HistoryPolicy(redacted=frozenset({"reason"}))


# Other modules' records dated within a stay (by model label, never imported: they sit
# above patients), and the field that dates them. The history page knows no reader: a
# record dated within a masked stay is "not found" to every reader, as the masked stay's
# own history is (docs/security.md, section 25).
DATED_RECORDS = {
    "prescribing.therapyorder": "created_at",
    "prescribing.measurement": "measured_at",
    "toxicity.toxicityrecord": "recorded_at",
    "records.tumourboard": "created_at",
    "administration.administration": "started_at",
}


def _dated_policy(field: str) -> PolicyOf:
    def policy(record: models.Model) -> HistoryPolicy:
        patient_id = getattr(record, "patient_id", None)
        if patient_id is None:
            return VISIBLE
        hidden = in_hidden_stay(user=None, patient_id=patient_id, at=getattr(record, field))
        return HIDDEN if hidden else VISIBLE

    return policy


def register() -> None:
    register_history_policy(DocumentType.ENCOUNTER.value, _encounter_policy)
    register_history_policy(DocumentType.CONSENT.value, _consent_policy)
    register_history_policy("patients.masking", _masking_policy)
    for label, field in DATED_RECORDS.items():
        register_history_policy(label, _dated_policy(field))


def _encounter_policy(record: models.Model) -> HistoryPolicy:
    return _masked_document(DocumentType.ENCOUNTER, record)


def _consent_policy(record: models.Model) -> HistoryPolicy:
    return _masked_document(DocumentType.CONSENT, record)


def _masked_document(document_type: DocumentType, record: models.Model) -> HistoryPolicy:
    masked = is_masked(document_type=document_type.value, document_id=int(record.pk))
    return HIDDEN if masked else VISIBLE
