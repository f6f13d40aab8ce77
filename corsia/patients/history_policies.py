"""What the change-history page (``corsia.audit.history``) may show of the registry's
records: a masked document (oscuramento) is hidden from the people treating the patient,
so its history is "not found" for every reader, and a masking's reason — the patient's
words — is never shown. Registered once, when the app is ready."""

from __future__ import annotations

from django.db import models

from corsia.audit.history import VISIBLE, HistoryPolicy, register_history_policy
from corsia.patients.models import DocumentType, Masking
from corsia.patients.selectors import is_masked

HIDDEN = HistoryPolicy(hidden=True)


def _masking_policy(record: models.Model) -> HistoryPolicy:
    # An active masking names the document it hides: not shown. A revoked one is shown
    # (who recorded and revoked it, when), never its reason.
    assert isinstance(record, Masking)
    if record.revoked_at is None:
        return HIDDEN
    return HistoryPolicy(redacted=frozenset({"reason"}))


def register() -> None:
    register_history_policy(DocumentType.ENCOUNTER.value, _encounter_policy)
    register_history_policy(DocumentType.CONSENT.value, _consent_policy)
    register_history_policy("patients.masking", _masking_policy)


def _encounter_policy(record: models.Model) -> HistoryPolicy:
    return _masked_document(DocumentType.ENCOUNTER, record)


def _consent_policy(record: models.Model) -> HistoryPolicy:
    return _masked_document(DocumentType.CONSENT, record)


def _masked_document(document_type: DocumentType, record: models.Model) -> HistoryPolicy:
    masked = is_masked(document_type=document_type.value, document_id=int(record.pk))
    return HIDDEN if masked else VISIBLE
