"""The signed Referto di Televisita handed to the FSE (telemedicine calls this after the
report's signature commits): the CDA built by ``sources.televisit_report_cda`` and queued
like the LDO (``fse_document_submit``: validation, consent, the gateway's flow). What stops
it — no consent to feed the FSE, a signer without codice fiscale, a CDA the rules refuse —
is audited (``fse.televisit_not_sent``, with the code and message) and never undoes the
signature, which stands in the chart."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import CorsiaError
from corsia.fse import audit_events as events
from corsia.fse.domain.cda.model import Clinician
from corsia.fse.models import FseDocument
from corsia.fse.services.common import PUBLISH
from corsia.fse.services.submit import fse_document_submit
from corsia.fse.sources import televisit_report_cda


def fse_televisit_submit(
    *,
    actor: User,
    workstation: Workstation,
    televisit_id: int,
    booking_id: int | None,
    patient_id: int,
    signed_at: datetime,
    started_at: datetime,
    ended_at: datetime,
    history: str,
    findings: str,
    conclusions: str,
    consent_text: str,
) -> FseDocument | None:
    """Queue the signed televisit report (``actor``: the physician who signed it, author
    and legal authenticator) for the FSE; ``None`` when refused (audited)."""
    try:
        require_permission(actor, PUBLISH)
        with transaction.atomic():
            cda = televisit_report_cda(
                televisit_id=televisit_id,
                booking_id=booking_id,
                patient_id=patient_id,
                signer=Clinician(actor.tax_code, actor.last_name, actor.first_name),
                signed_at=signed_at,
                started_at=started_at,
                ended_at=ended_at,
                history=history,
                findings=findings,
                conclusions=conclusions,
                consent_text=consent_text,
            )
            return fse_document_submit(
                actor=actor, workstation=workstation, patient_id=patient_id, cda=cda
            )
    except CorsiaError as refusal:
        audit_record(
            event=events.TELEVISIT_NOT_SENT,
            actor=actor,
            workstation=workstation,
            patient_id=patient_id,
            after={
                "televisit_id": televisit_id,
                "code": refusal.code,
                "message": str(refusal)[:2000],
            },
        )
        return None
