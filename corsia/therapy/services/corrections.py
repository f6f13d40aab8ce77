"""Correcting a dose record entered in error. The record stays as it was written (read
only); a correction is a new record that supersedes it (``corrects``, one-to-one: a
record is corrected once), written by its recorder or by the ward's physician or
coordinator (``therapy.correct_dose``), with who, when, workstation, the reason and what
changed. Either the record was entered in error (wrong line, patient or time: it counts
for nothing and the dose is open again), or it is amended (outcome, reason, which dose,
the time it was given, the amount). The ward cabinet follows: a dose that is no longer
given gives its units back, one that becomes given (or another amount) unloads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import ConflictError, NotFound, PermissionRefused, ValidationFailed
from corsia.patients.selectors import patient_get
from corsia.therapy import audit_events as events
from corsia.therapy.domain.schedule import Frequency
from corsia.therapy.models import CabinetMoveKind, DoseOutcome, DoseRecord
from corsia.therapy.permissions import ADMINISTER, CORRECT
from corsia.therapy.services.cabinet import cabinet_reverse, cabinet_unload
from corsia.therapy.services.common import label120, prescription_for_update, required_reason
from corsia.therapy.services.doses import already_recorded, checked_outcome, ensure_due, next_slot

IN_ERROR = "in_error"
AMEND = "amend"
MAX_AMOUNT = Decimal(100_000)


@dataclass(frozen=True)
class CorrectionInput:
    """What the corrector says: the ward it acts in, the kind (``in_error`` or ``amend``),
    the reason, and for an amendment the fields that change (None: unchanged)."""

    ward_code: str
    kind: str
    reason: str
    outcome: str | None = None
    not_given_reason: str | None = None
    note: str | None = None
    due_at: datetime | None = None
    given_at: datetime | None = None
    amount: Decimal | None = None


def _refuse_nul(data: CorrectionInput) -> None:
    for name in ("ward_code", "kind", "reason", "outcome", "not_given_reason", "note"):
        value = getattr(data, name)
        if isinstance(value, str) and "\x00" in value:
            raise ValidationFailed(
                "Il testo contiene un carattere non ammesso.", code="text_invalid", field=name
            )


def _locked_record(record_id: int) -> DoseRecord:
    found = DoseRecord.objects.filter(pk=record_id).values_list("prescription_id", flat=True)
    prescription_id = found.first()
    if prescription_id is None:
        raise NotFound("Registrazione di somministrazione inesistente.", code="dose_not_found")
    p = prescription_for_update(prescription_id)  # the one lock of every write on its doses
    record = DoseRecord.objects.select_related("nurse").get(pk=record_id)
    record.prescription = p
    return record


def _ensure_may_correct(actor: User, record: DoseRecord, ward_code: str) -> None:
    own = record.nurse_id == actor.pk and actor.has_perm(ADMINISTER)
    if not own and not actor.has_perm(CORRECT):
        raise PermissionRefused(
            "Corregge la registrazione chi l'ha scritta, o il medico o il coordinatore del "
            "reparto.",
            code="correction_not_allowed",
        )
    p = record.prescription
    if p.ward is None or p.ward.code != ward_code:
        raise PermissionRefused(
            "La registrazione è di un altro reparto: la corregge quel reparto.",
            code="dose_other_ward",
        )
    if record.superseded:
        later = record.corrected_by
        who = later.nurse.get_full_name() or later.nurse.get_username()
        raise ConflictError(
            f"Registrazione già corretta da {who} alle "
            f"{timezone.localtime(later.recorded_at):%H:%M} del "
            f"{timezone.localtime(later.recorded_at):%d/%m}: ricarica la pagina.",
            code="dose_already_corrected",
            details={"correction_id": later.pk},
        )
    if record.outcome == DoseOutcome.IN_ERROR:
        raise ConflictError(
            "Questa registrazione annulla già un errore: registra la dose di nuovo.",
            code="dose_already_corrected",
        )


def _amount(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 < value <= MAX_AMOUNT:
        raise ValidationFailed(
            "La dose somministrata è un numero maggiore di zero.",
            code="amount_invalid",
            field="amount",
        )
    return value.quantize(Decimal("0.0001"))


def _amended(record: DoseRecord, data: CorrectionInput, now: datetime) -> dict[str, Any]:
    """The corrected values (the original's where the correction says nothing)."""
    p = record.prescription
    outcome = data.outcome or record.outcome
    given, reason, note = checked_outcome(
        outcome,
        data.not_given_reason or record.reason,
        record.note if data.note is None else data.note,
        reason_field="not_given_reason",
    )
    due_at = record.due_at
    if data.due_at is not None and p.frequency != Frequency.PRN:
        due_at = data.due_at
        if due_at != record.due_at:
            ensure_due(p, due_at, now=now)
            if (conflict := already_recorded(p, due_at)) is not None:
                raise conflict
    given_at = record.given_at
    if data.given_at is not None:
        if timezone.is_naive(data.given_at) or not (
            p.signed_at - timedelta(minutes=1) <= data.given_at <= now + timedelta(minutes=5)
        ):
            raise ValidationFailed(
                "L'ora di somministrazione è tra la firma della prescrizione e adesso.",
                code="given_at_invalid",
                field="given_at",
            )
        given_at = data.given_at
    amount = _amount(data.amount) if given else None
    if amount is None and given:
        amount = record.amount
    values = {
        "outcome": outcome,
        "reason": reason,
        "note": note,
        "due_at": due_at,
        "given_at": given_at,
        "amount": amount,
    }
    if all(values[k] == getattr(record, k) for k in values):
        raise ValidationFailed(
            "La correzione non cambia nulla della registrazione.", code="correction_no_change"
        )
    return values


def _text(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def dose_correct(
    *, actor: User, workstation: Workstation, record_id: int, data: CorrectionInput
) -> DoseRecord:
    """Supersede a dose record with its correction (``in_error`` or ``amend``)."""
    _refuse_nul(data)
    if data.kind not in (IN_ERROR, AMEND):
        raise ValidationFailed(
            "Indica il tipo di correzione.", code="correction_kind_invalid", field="kind"
        )
    reason = required_reason(data.reason)
    _amount(data.amount)
    now = timezone.now()
    with transaction.atomic():
        record = _locked_record(record_id)
        p = record.prescription
        patient_get(user=actor, patient_id=record.patient_id)
        _ensure_may_correct(actor, record, data.ward_code)
        if data.kind == IN_ERROR:
            values: dict[str, Any] = {"outcome": DoseOutcome.IN_ERROR, "due_at": record.due_at}
        else:
            values = _amended(record, data, now)
        was_given = record.outcome == DoseOutcome.GIVEN
        now_given = values["outcome"] == DoseOutcome.GIVEN
        keep_pack = now_given and was_given
        correction = DoseRecord.objects.create(
            prescription=p,
            patient_id=record.patient_id,
            slot=next_slot(p, values["due_at"]),
            recorded_at=now,
            nurse=actor,
            workstation=label120(workstation),
            corrects=record,
            correction_reason=reason,
            changes={
                k: [_text(getattr(record, k)), _text(v)]
                for k, v in values.items()
                if getattr(record, k) != v
            },
            pack_aic=record.pack_aic if keep_pack else "",
            pack_gtin=record.pack_gtin if keep_pack else "",
            lot=record.lot if keep_pack else "",
            expiry=record.expiry if keep_pack else None,
            **values,
        )
        audit_record(
            event=events.DOSE_CORRECTED,
            actor=actor,
            workstation=workstation,
            target=correction,
            patient_id=record.patient_id,
            before={"record": record.pk, "outcome": record.outcome, "by": record.nurse_id},
            after={"kind": data.kind, "changes": correction.changes},
            reason=reason,
        )
        amount_changed = record.amount != values.get("amount")
        if was_given and (not now_given or amount_changed):
            cabinet_reverse(
                actor=actor, workstation=workstation, record=record, correction=correction, now=now
            )
        if now_given and (not was_given or amount_changed):
            first = record.cabinet_moves.filter(kind=CabinetMoveKind.UNLOAD).first()
            cabinet_unload(
                actor=actor,
                workstation=workstation,
                record=correction,
                product_id=first.product_id if first and first.product_id else p.product_id,
            )
    return correction
