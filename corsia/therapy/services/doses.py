"""The nurse records each dose of the drug round: given (the pack's barcode checked to be
the prescribed drug where there is one) or not given with the reason. An as-needed dose
before its minimum interval or beyond its maximum in 24 hours is refused; of two nurses
recording the same due dose at once, one wins and the other is told who did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.drugs.domain.aic import InvalidAic
from corsia.drugs.domain.barcodes import BarcodeUnreadable
from corsia.drugs.selectors import pack_find_by_barcode
from corsia.drugs.services_pack_market import pack_scan_check
from corsia.patients.selectors import patient_get
from corsia.therapy import audit_events as events
from corsia.therapy.domain.schedule import Frequency, ensure_prn_dose_allowed
from corsia.therapy.models import DoseOutcome, DoseRecord, NotGivenReason, WardPrescription
from corsia.therapy.permissions import ADMINISTER
from corsia.therapy.services.cabinet import cabinet_unload
from corsia.therapy.services.common import ensure_active, label120, prescription_for_update

# a due dose is recorded from two hours before its time (the round starts early)
EARLY = timedelta(hours=2)


@dataclass(frozen=True)
class DoseInput:
    outcome: str  # "given" | "not_given"
    due_at: datetime | None = None  # a scheduled or single dose; None: as needed
    reason: str = ""  # NotGivenReason, when not given
    note: str = ""
    barcode: str = ""  # the pack scanned, when given
    # H66: a pack withdrawn from the market is given only on a pharmacist's reason
    withdrawn_override_reason: str = ""


def _scan(
    p: WardPrescription,
    raw: str,
    *,
    today: datetime,
    actor: User,
    workstation: Workstation,
    withdrawn_override_reason: str = "",
) -> dict[str, object]:
    """The pack's barcode read and checked to be the prescribed drug, not expired, not
    withdrawn from the market (``pack_withdrawn``: only a pharmacist's reason, audited)."""
    text = (raw or "").strip()
    if not text:
        return {}
    try:
        pack, scan = pack_find_by_barcode(raw=text)
    except (BarcodeUnreadable, InvalidAic):
        raise ValidationFailed(
            "Codice a barre non leggibile: ripeti la scansione o digita l'AIC.",
            code="barcode_unreadable",
            field="barcode",
        ) from None
    except NotFound:
        raise ValidationFailed(
            "La confezione letta non è nell'archivio farmaci: non si può verificare.",
            code="pack_not_found",
            field="barcode",
        ) from None
    product = pack.product
    if product.ingredient_id != p.ingredient_id:
        raise ValidationFailed(
            f"Farmaco errato: la confezione è {product.name} ({product.ingredient.name_it}), "
            f"la prescrizione è {p.ingredient.name_it}. Non somministrare.",
            code="wrong_drug",
            field="barcode",
            details={"scanned": product.ingredient.code, "prescribed": p.ingredient.code},
        )
    expiry = scan.get("expiry")
    if isinstance(expiry, str) and expiry < today.date().isoformat():
        raise ValidationFailed(
            f"Confezione scaduta il {expiry[8:10]}/{expiry[5:7]}/{expiry[:4]}: non somministrare.",
            code="pack_expired",
            field="barcode",
        )
    pack_scan_check(
        actor=actor,
        workstation=workstation,
        pack=pack,
        where=f"somministrazione in reparto, prescrizione {p.pk}",
        override_reason=withdrawn_override_reason,
        patient_id=p.patient_id,
        today=today.date(),
    )
    return {
        "product_id": product.pk,
        "pack_aic": pack.aic or "",
        "pack_gtin": pack.gtin or "",
        "lot": str(scan.get("lot") or "")[:40],
        "expiry": expiry if isinstance(expiry, str) else None,
    }


def ensure_due(p: WardPrescription, due_at: datetime | None, *, now: datetime) -> None:
    if p.frequency == Frequency.PRN:
        if due_at is not None:
            raise ValidationFailed(
                "Una dose al bisogno non ha un orario previsto.",
                code="due_at_not_expected",
                field="due_at",
            )
        return
    if not isinstance(due_at, datetime) or timezone.is_naive(due_at):
        raise ValidationFailed(
            "Indica quale dose (l'orario previsto).", code="due_at_required", field="due_at"
        )
    local = timezone.localtime(due_at)
    if p.frequency == Frequency.SINGLE:
        due = p.single_at is not None and due_at == p.single_at
    else:
        day = local.date()
        last = None if p.days is None else p.start_date + timedelta(days=p.days - 1)
        due = (
            p.start_date <= day
            and (last is None or day <= last)
            and f"{local:%H:%M}" in p.times
            and local.second == 0
            and due_at >= p.signed_at.replace(second=0, microsecond=0)
        )
    if not due:
        raise ValidationFailed(
            "Nessuna dose prevista a quell'ora per questa prescrizione.",
            code="dose_not_due",
            field="due_at",
        )
    if due_at > now + EARLY:
        raise ValidationFailed(
            f"La dose delle {local:%H:%M} del {local:%d/%m} non si registra prima di due ore "
            "dall'orario previsto.",
            code="dose_not_yet_due",
            field="due_at",
        )


def checked_outcome(
    outcome: str, reason: str, note: str, *, reason_field: str = "reason"
) -> tuple[bool, str, str]:
    """Given or not given (an entry in error is a correction's, never recorded), the reason
    of a dose not given, the note (required with «Altro»): (given, reason, note)."""
    if outcome not in (DoseOutcome.GIVEN, DoseOutcome.NOT_GIVEN):
        raise ValidationFailed(
            "Indica se la dose è stata somministrata.", code="outcome_invalid", field="outcome"
        )
    given = outcome == DoseOutcome.GIVEN
    reason = "" if given else reason
    note = " ".join((note or "").split())[:300]
    if not given and reason not in NotGivenReason.values:
        raise ValidationFailed(
            "Indica perché la dose non è stata somministrata.",
            code="not_given_reason_required",
            field=reason_field,
        )
    if reason == NotGivenReason.OTHER and not note:
        raise ValidationFailed(
            "Specifica il motivo nella nota.", code="not_given_note_required", field="note"
        )
    return given, reason, note


def already_recorded(p: WardPrescription, due_at: datetime) -> ConflictError | None:
    """The refusal of a second record of a due dose (``None``: it is open)."""
    found = (
        DoseRecord.current()
        .filter(prescription=p, due_at=due_at)
        .select_related("nurse")
        .order_by("-pk")
        .first()
    )
    if found is None:
        return None
    who = found.nurse.get_full_name() or found.nurse.get_username()
    return ConflictError(
        f"Dose delle {timezone.localtime(due_at):%H:%M} già registrata da {who} alle "
        f"{timezone.localtime(found.recorded_at):%H:%M} "
        f"({found.get_outcome_display().lower()}).",
        code="dose_already_recorded",
        details={"recorded_by": found.nurse.get_username(), "outcome": found.outcome},
    )


def dose_record(
    *, actor: User, workstation: Workstation, prescription_id: int, data: DoseInput
) -> DoseRecord:
    """Record one dose of the round (given or not, with its reason)."""
    require_permission(actor, ADMINISTER, message="Solo l'infermiere registra la somministrazione.")
    given, reason, note = checked_outcome(data.outcome, data.reason, data.note)
    now = timezone.now()
    with transaction.atomic():
        p = prescription_for_update(prescription_id)
        patient_get(user=actor, patient_id=p.patient_id)
        ensure_active(p)
        ensure_due(p, data.due_at, now=now)
        if data.due_at is not None and (conflict := already_recorded(p, data.due_at)) is not None:
            raise conflict
        if given and p.frequency == Frequency.PRN:
            assert p.prn_min_interval_hours is not None and p.prn_max_per_day is not None
            # local times: the refusal says the hours the ward reads on its clock
            ensure_prn_dose_allowed(
                given_at=prn_given_times(p),
                now=timezone.localtime(now),
                min_interval_hours=p.prn_min_interval_hours,
                max_per_day=p.prn_max_per_day,
                drug=p.ingredient.name_it,
            )
        pack = (
            _scan(
                p,
                data.barcode,
                today=timezone.localtime(now),
                actor=actor,
                workstation=workstation,
                withdrawn_override_reason=data.withdrawn_override_reason,
            )
            if given
            else {}
        )
        scanned = pack.pop("product_id", None)
        product_id = scanned if isinstance(scanned, int) else p.product_id
        try:
            with transaction.atomic():
                record = DoseRecord.objects.create(
                    prescription=p,
                    patient_id=p.patient_id,
                    due_at=data.due_at,
                    slot=next_slot(p, data.due_at),
                    outcome=data.outcome,
                    reason=reason,
                    note=note,
                    recorded_at=now,
                    nurse=actor,
                    workstation=label120(workstation),
                    **pack,
                )
        except IntegrityError:  # the row lock makes this unreachable; the constraint stays
            raise ConflictError(
                "Dose già registrata da un altro operatore.", code="dose_already_recorded"
            ) from None
        audit_record(
            event=events.DOSE_GIVEN if given else events.DOSE_NOT_GIVEN,
            actor=actor,
            workstation=workstation,
            target=record,
            patient_id=p.patient_id,
            after={
                "prescription": p.pk,
                "drug": p.ingredient.code,
                "dose": f"{p.dose.normalize()} {p.dose_unit}",
                "due_at": data.due_at.isoformat() if data.due_at else None,
                "outcome": data.outcome,
                "pack_aic": pack.get("pack_aic", ""),
                "lot": pack.get("lot", ""),
                "scanned": bool(pack),
            },
            reason="" if given else f"{NotGivenReason(reason).label}{': ' + note if note else ''}",
        )
        if given:
            cabinet_unload(
                actor=actor, workstation=workstation, record=record, product_id=product_id
            )
    return record


def next_slot(p: WardPrescription, due_at: datetime | None) -> int:
    """The next free slot of a due dose (its records so far); 0 for an as-needed one."""
    if due_at is None:
        return 0
    return DoseRecord.objects.filter(prescription=p, due_at=due_at).count()


def prn_given_times(p: WardPrescription) -> list[datetime]:
    """When the as-needed doses that count were given, on the ward's clock."""
    return [
        timezone.localtime(r.at)
        for r in DoseRecord.current().filter(prescription=p, outcome=DoseOutcome.GIVEN)
    ]
