"""Record a patient's delegation of a named person to collect their drugs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, workstation_label
from corsia.core.domain.errors import ValidationFailed
from corsia.dispensing import audit_events as events
from corsia.dispensing.models import Delegation
from corsia.dispensing.services.common import clean_text, require_dispense
from corsia.patients.selectors import patient_get

MAX_DELEGATION_DAYS = 366
# the codice fiscale's shape (16: 6 letters, 2 digits, letter, 2 digits, letter, 3 digits,
# letter; omocodia turns digits into letters, so every position but the letters' is either)
_FISCAL_CODE = re.compile(
    r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]"
)


@dataclass(frozen=True)
class DelegationInput:
    delegate_name: str
    delegate_fiscal_code: str
    identity_document: str
    valid_from: date
    valid_to: date


def delegation_record(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    data: DelegationInput,
    now: datetime,
) -> Delegation:
    """Record the delegation the patient signed. Refusals: ``delegate_name_required``,
    ``delegate_fiscal_code_invalid``, ``identity_document_required``,
    ``delegation_dates_invalid``, ``invalid_characters``."""
    require_dispense(actor)
    name = clean_text(
        data.delegate_name, "delegate_name", max_length=160,
        required="Indica nome e cognome del delegato.",
    )  # fmt: skip
    fiscal = clean_text(data.delegate_fiscal_code, "delegate_fiscal_code", max_length=16).upper()
    if not _FISCAL_CODE.fullmatch(fiscal):
        raise ValidationFailed(
            "Il codice fiscale del delegato non è valido.",
            code="delegate_fiscal_code_invalid",
            field="delegate_fiscal_code",
        )
    document = clean_text(
        data.identity_document, "identity_document", max_length=120,
        required="Indica tipo e numero del documento d'identità del delegato.",
    )  # fmt: skip
    if data.valid_to < data.valid_from or data.valid_to - data.valid_from >= timedelta(
        days=MAX_DELEGATION_DAYS
    ):
        raise ValidationFailed(
            f"Le date della delega non sono valide (al massimo {MAX_DELEGATION_DAYS} giorni).",
            code="delegation_dates_invalid",
            field="valid_to",
        )
    with transaction.atomic():
        patient = patient_get(user=actor, patient_id=patient_id)
        if fiscal == patient.codice_fiscale.upper():
            raise ValidationFailed(
                "Il delegato non può essere il paziente stesso.",
                code="delegate_is_patient",
                field="delegate_fiscal_code",
            )
        delegation = Delegation.objects.create(
            patient_id=patient.pk,
            delegate_name=name,
            delegate_fiscal_code=fiscal,
            identity_document=document,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
            recorded_by=actor,
            recorded_at=now,
            workstation=workstation_label(workstation),
        )
        audit_record(
            event=events.DELEGATION_RECORDED,
            actor=actor,
            workstation=workstation,
            target=delegation,
            patient_id=patient.pk,
            after={
                "delegate_name": name,
                "delegate_fiscal_code": fiscal,
                "valid_from": data.valid_from.isoformat(),
                "valid_to": data.valid_to.isoformat(),
            },
        )
    return delegation
