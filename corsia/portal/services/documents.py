"""Documents the hospital releases to the patient: a member of the staff releases one they
may read (scope and masking: ``corsia.documents.selectors.document_get``); the patient
sees only released documents of their own."""

from __future__ import annotations

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.documents.patient_copies import (
    PatientDocument,
    patient_document_content,
    patient_documents_among,
)
from corsia.documents.selectors import document_get
from corsia.portal.audit_events import DOCUMENT_RELEASED
from corsia.portal.models import DocumentRelease
from corsia.portal.services.accounts import activity_record

RELEASE_DOCUMENT = "portal.release_document"


def document_release(*, actor: User, workstation: Workstation, document_id: int) -> DocumentRelease:
    require_permission(actor, RELEASE_DOCUMENT)
    document = document_get(user=actor, document_id=document_id)  # not found outside scope
    if document.patient_id is None:
        raise ValidationFailed(
            "Il documento non riguarda un paziente.", code="document_without_patient"
        )
    with transaction.atomic():
        if DocumentRelease.objects.filter(document_id=document.pk).exists():
            raise ConflictError("Il documento è già visibile al paziente.", code="already_released")
        release = DocumentRelease.objects.create(
            document_id=document.pk, patient_id=document.patient_id, released_by=actor
        )
        audit_record(
            event=DOCUMENT_RELEASED,
            actor=actor,
            workstation=workstation,
            target=release,
            patient_id=document.patient_id,
            after={"document_id": document.pk, "title": document.title},
        )
    return release


def released_documents(*, account_id: int, patient_id: int) -> list[PatientDocument]:
    ids = DocumentRelease.objects.filter(patient_id=patient_id).values_list(
        "document_id", flat=True
    )
    activity_record(account_id=account_id, patient_id=patient_id, action="documents")
    return patient_documents_among(patient_id=patient_id, document_ids=ids)


def released_document_content(
    *, account_id: int, patient_id: int, document_id: int
) -> tuple[PatientDocument, bytes]:
    released = DocumentRelease.objects.filter(
        document_id=document_id, patient_id=patient_id
    ).exists()
    found = (
        patient_document_content(patient_id=patient_id, document_id=document_id)
        if released
        else None
    )
    if found is None:
        raise NotFound("Documento non trovato.", code="document_not_found")
    activity_record(
        account_id=account_id,
        patient_id=patient_id,
        action="document_read",
        detail=f"documento {document_id}",
    )
    return found
