"""A document handed to the FSE: validated offline first (the gateway's own rules), the
patient's consent to feed the FSE checked, stored with the hash of the bytes validated and
queued for the gateway. The hook from a signed records letter builds its CDA through
``corsia.fse.sources.letter_cda``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import IntegrityError, transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.fse import audit_events as events
from corsia.fse.attachment import cda_facts, cda_title
from corsia.fse.models import FseDocument, PendingAction
from corsia.fse.services.common import (
    MANAGE,
    PUBLISH,
    defer_on_commit,
    record_event,
    snapshot,
)
from corsia.fse.sources import letter_cda
from corsia.fse.validation import validate_cda
from corsia.patients.selectors import patient_record, visible_consents
from corsia.records.letter_hooks import SignedLetter
from corsia.records.selectors_letters import letter_for_publication, letter_get

FSE_CONSENT = "fse"  # patients' ConsentKind.FSE: consent to feed the FSE


def fse_consent(*, patient_id: int) -> bool:
    """The patient's consent to feed the FSE, as last given and not revoked (none: no)."""
    patient = patient_record(patient_id=patient_id)
    for consent in visible_consents(patient):  # newest first
        if consent.kind == FSE_CONSENT and consent.revoked_at is None:
            return bool(consent.granted)
    return False


def _consented(patient_id: int) -> None:
    if not fse_consent(patient_id=patient_id):
        raise ValidationFailed(
            "Il paziente non ha dato il consenso all'alimentazione del Fascicolo Sanitario "
            "Elettronico: il documento non viene inviato.",
            code="fse_consent_missing",
        )


class CdaRefused(ValidationFailed):
    """The CDA fails the gateway's rules offline: nothing leaves Corsia."""


def _checked(cda: bytes, patient_id: int) -> tuple[str, str, str]:
    report = validate_cda(cda)
    if not report.ok:
        first = report.errors[0]
        raise CdaRefused(
            f"Il CDA non supera la validazione ({len(report.errors)} errori; il primo: "
            f"{first.rule} {first.message}).",
            code="cda_invalid",
            field="cda",
        )
    facts = cda_facts(cda)
    patient = patient_record(patient_id=patient_id)
    if facts is None or not facts.patient_cf:
        raise CdaRefused("Il CDA non identifica il paziente.", code="cda_patient_missing")
    if patient.codice_fiscale and facts.patient_cf.upper() != patient.codice_fiscale.upper():
        raise CdaRefused(
            "Il CDA è di un altro paziente (codice fiscale diverso).",
            code="cda_patient_mismatch",
            field="cda",
        )
    return report.document_type, report.sha256, facts.code


def fse_document_submit(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    cda: bytes,
    letter_id: int | None = None,
    obscured: bool = False,
    practice_setting: str = "",
    replaces_id: int | None = None,
) -> FseDocument:
    """Validate ``cda`` offline, check the consent to feed the FSE, store it and queue it
    for the gateway (validation → PAdES signature → publication, by the worker)."""
    require_permission(actor, PUBLISH)
    return _queued(
        actor=actor,
        workstation=workstation,
        patient_id=patient_id,
        cda=cda,
        letter_id=letter_id,
        obscured=obscured,
        practice_setting=practice_setting,
        replaces_id=replaces_id,
    )


def _queued(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    cda: bytes,
    letter_id: int | None,
    obscured: bool = False,
    practice_setting: str = "",
    replaces_id: int | None = None,
) -> FseDocument:
    """``fse_document_submit`` once its caller's permission is checked."""
    _consented(patient_id)
    document_type, digest, code = _checked(cda, patient_id)
    facts = cda_facts(cda)
    assert facts is not None  # checked above
    with transaction.atomic():
        replaces = None
        if replaces_id is not None:
            replaces = FseDocument.objects.select_for_update().filter(pk=replaces_id).first()
            if (
                replaces is None
                or replaces.state != "published"
                or replaces.patient_id != patient_id
            ):
                raise ValidationFailed(
                    "Si sostituisce solo un documento pubblicato dello stesso paziente.",
                    code="fse_replace_not_published",
                )
        try:
            with transaction.atomic():
                row = FseDocument.objects.create(
                    patient_id=patient_id,
                    letter_id=letter_id,
                    document_type=document_type,
                    document_code=code,
                    title=cda_title(cda)[:300],
                    cda=cda,
                    cda_sha256=digest,
                    identificativo_doc=f"pending-{uuid.uuid4()}",
                    practice_setting=practice_setting or settings.CORSIA_FSE_PRACTICE_SETTING,
                    service_start=facts.service_start,
                    service_end=facts.service_stop,
                    consent=True,
                    obscured=obscured,
                    pending_action=PendingAction.REPLACE if replaces else PendingAction.PUBLISH,
                    replaces=replaces,
                    created_by=actor,
                    workstation=workstation_label(workstation),
                )
        except IntegrityError:
            raise ValidationFailed(
                "Questo documento è già stato inviato al FSE.", code="fse_already_submitted"
            ) from None
        # identificativoDoc (XDSDocumentEntry.uniqueId): 2.16.840.1.113883.2.9.2.[REGION].4.4^X;
        # a replacement has its own, the replaced one's goes in the PUT's path.
        row.identificativo_doc = (
            f"2.16.840.1.113883.2.9.2.{settings.CORSIA_FSE_REGION_CODE}.4.4^{row.pk}"
        )
        row.save(update_fields=["identificativo_doc"])
        record_event(row, "queued", actor=actor, workstation=workstation, detail={"sha256": digest})
        audit_record(
            event=events.DOCUMENT_QUEUED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=patient_id,
            after=snapshot(row),
        )
        defer_on_commit(row.pk)
    return row


def fse_letter_submit(*, actor: User, workstation: Workstation, letter_id: int) -> FseDocument:
    """A signed records letter's CDA (``corsia.fse.sources.letter_cda``) sent to the FSE
    like any other document."""
    letter = letter_get(user=actor, letter_id=letter_id, workstation=workstation)
    _consented(letter.patient_id)  # before the CDA is built: most refusals cost nothing
    return fse_document_submit(
        actor=actor,
        workstation=workstation,
        patient_id=letter.patient_id,
        cda=letter_cda(letter_id),
        letter_id=letter_id,
    )


# A diary report stays in the chart: only the discharge letter (LDO) and the outpatient
# report (RSA) go to the FSE.
FSE_LETTER_KINDS = frozenset({"discharge_letter", "outpatient_report"})


def fse_letter_resend(
    *, actor: User, workstation: Workstation, letter_id: int, reason: str
) -> FseDocument:
    """IT staff send again a signed letter that did not go to the FSE
    (``fse.letter_not_sent``), once its cause is mended — the patient's consent recorded, the
    signer's codice fiscale added. The CDA is built again from the letter as signed; its
    author stays the physician who signed it. Refused again: the new refusal is audited like
    the first (the list shows the latest reason) and raised; nothing is queued."""
    require_permission(actor, MANAGE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Indica il motivo.", code="reason_required", field="reason")
    letter = letter_for_publication(letter_id=letter_id)
    if letter.kind not in FSE_LETTER_KINDS:
        raise ValidationFailed(
            "Al FSE vanno solo la lettera di dimissione e il referto ambulatoriale.",
            code="fse_letter_kind_unsupported",
        )
    try:
        with transaction.atomic():
            _consented(letter.patient_id)
            row = _queued(
                actor=actor,
                workstation=workstation,
                patient_id=letter.patient_id,
                cda=letter_cda(letter_id),
                letter_id=letter_id,
            )
            audit_record(
                event=events.LETTER_RESENT,
                actor=actor,
                workstation=workstation,
                target=row,
                patient_id=letter.patient_id,
                after={"letter_id": letter_id, "version": letter.number, "document_id": row.pk},
                reason=reason,
            )
    except CorsiaError as refusal:
        _not_sent(
            patient_id=letter.patient_id,
            letter_id=letter_id,
            version=letter.number,
            refusal=refusal,
            actor=actor,
            workstation=workstation,
        )
        raise
    return row


def _not_sent(
    *,
    patient_id: int,
    letter_id: int,
    version: int,
    refusal: CorsiaError,
    actor: User,
    workstation: Workstation,
) -> None:
    audit_record(
        event=events.LETTER_NOT_SENT,
        actor=actor,
        workstation=workstation,
        patient_id=patient_id,
        after={
            "letter_id": letter_id,
            "version": version,
            "code": refusal.code,
            "message": str(refusal)[:2000],
        },
    )


def letter_signed(letter: SignedLetter, actor: User, workstation: Workstation) -> None:
    """records' hook (``letter_hooks``), run after the signature commits: the letter goes
    to the FSE at once. What stops it — no consent to feed the FSE, a CDA the gateway's
    rules refuse, a signer without codice fiscale — is audited with its code and message
    (``fse.letter_not_sent``) and never fails the signature, which stands in the chart."""
    if letter.kind not in FSE_LETTER_KINDS:
        return
    try:
        with transaction.atomic():
            fse_letter_submit(actor=actor, workstation=workstation, letter_id=letter.letter_id)
    except CorsiaError as refusal:
        _not_sent(
            patient_id=letter.patient_id,
            letter_id=letter.letter_id,
            version=letter.version,
            refusal=refusal,
            actor=actor,
            workstation=workstation,
        )
