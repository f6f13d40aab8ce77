"""The recipient taken in charge for a transplant (the case opened), its data changed
under optimistic locking, the case cancelled with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from corsia.accounts.selectors import user_by_username
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.codes import code_of
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.selectors import patient_get
from corsia.transplant import audit_events as events
from corsia.transplant.domain import codes
from corsia.transplant.models import Transplant
from corsia.transplant.permissions import DECIDE
from corsia.transplant.services.common import (
    case_for_update,
    clean_text,
    ensure_open,
    snapshot,
)


@dataclass(frozen=True)
class CaseInput:
    transplant_type: str
    source: str
    indication: str
    diagnosis_code: str = ""
    disease_status: str = ""
    coordinator: str = ""  # username; empty: none yet
    taken_in_charge_on: date | None = None  # None: today
    note: str = ""


@dataclass(frozen=True)
class _Checked:
    transplant_type: codes.TransplantType
    source: codes.StemCellSource
    indication: str
    diagnosis_code: str
    disease_status: str
    coordinator: User | None
    note: str


def _checked(data: CaseInput) -> _Checked:
    kind = code_of(
        codes.TransplantType, data.transplant_type, "transplant_type",
        "Indica il tipo di trapianto (autologo o allogenico).",
    )  # fmt: skip
    source = code_of(
        codes.StemCellSource, data.source, "source",
        "Indica la sorgente delle cellule staminali.",
    )  # fmt: skip
    if kind == codes.TransplantType.AUTOLOGOUS and source == codes.StemCellSource.CORD_BLOOD:
        raise ValidationFailed(
            "Un trapianto autologo non usa sangue cordonale.",
            code="autologous_cord_blood",
            field="source",
        )
    coordinator = None
    if (data.coordinator or "").strip():
        try:
            coordinator = user_by_username(
                username=clean_text(data.coordinator, "coordinator", limit=150)
            )
        except NotFound:
            raise ValidationFailed(
                "Coordinatore sconosciuto.", code="coordinator_unknown", field="coordinator"
            ) from None
    return _Checked(
        transplant_type=kind,
        source=source,
        indication=clean_text(
            data.indication, "indication", required="Indica l'indicazione al trapianto."
        ),
        diagnosis_code=clean_text(data.diagnosis_code, "diagnosis_code", limit=10),
        disease_status=clean_text(data.disease_status, "disease_status", limit=120),
        coordinator=coordinator,
        note=clean_text(data.note, "note"),
    )


def transplant_open(
    *, actor: User, workstation: Workstation, patient_id: int, data: CaseInput
) -> Transplant:
    """The recipient taken in charge: a new case (a patient with an open case of the same
    type is refused: one pathway at a time)."""
    require_permission(actor, DECIDE)
    checked = _checked(data)
    today = timezone.localdate()
    on = data.taken_in_charge_on or today
    if on > today:
        raise ValidationFailed(
            "La presa in carico non può essere nel futuro.",
            code="date_in_future",
            field="taken_in_charge_on",
        )
    with transaction.atomic():
        patient = patient_get(user=actor, patient_id=patient_id)
        if (
            Transplant.objects.select_for_update()
            .filter(patient_id=patient.pk, state__in=[s.value for s in codes.OPEN_STATES])
            .exists()
        ):
            raise ConflictError(
                "Il paziente ha già un percorso di trapianto aperto.",
                code="transplant_already_open",
            )
        case = Transplant.objects.create(
            patient_id=patient.pk,
            transplant_type=checked.transplant_type.value,
            source=checked.source.value,
            indication=checked.indication,
            diagnosis_code=checked.diagnosis_code,
            disease_status=checked.disease_status,
            coordinator=checked.coordinator,
            taken_in_charge_on=on,
            taken_in_charge_by=actor,
            workstation=workstation_label(workstation),
            note=checked.note,
            updated_by=actor,
        )
        audit_record(
            event=events.CASE_OPENED, actor=actor, workstation=workstation, target=case,
            patient_id=case.patient_id, after=snapshot(case),
        )  # fmt: skip
    return case


def transplant_update(
    *,
    actor: User,
    workstation: Workstation,
    transplant_id: int,
    expected_version: int | None,
    data: CaseInput,
) -> Transplant:
    """The case's data changed (type, source, indication, coordinator); the type is fixed
    once a donor is chosen for an allogeneic case."""
    require_permission(actor, DECIDE)
    checked = _checked(data)
    with transaction.atomic():
        case = case_for_update(actor=actor, transplant_id=transplant_id)
        ensure_open(case)
        case.check_version(expected_version if expected_version is not None else -1)
        if case.day_zero is not None and case.state in (
            codes.CaseState.INFUSED, codes.CaseState.ENGRAFTED, codes.CaseState.FOLLOW_UP
        ) and (
            checked.transplant_type != case.transplant_type or checked.source != case.source
        ):  # fmt: skip
            raise ConflictError(
                "Dopo l'infusione il tipo e la sorgente non si cambiano.",
                code="transplant_already_infused",
            )
        before = snapshot(case)
        case.transplant_type = checked.transplant_type.value
        case.source = checked.source.value
        case.indication = checked.indication
        case.diagnosis_code = checked.diagnosis_code
        case.disease_status = checked.disease_status
        case.coordinator = checked.coordinator
        case.note = checked.note
        fields = case.bump(by=actor)
        case.save(
            update_fields=[
                "transplant_type", "source", "indication", "diagnosis_code",
                "disease_status", "coordinator", "note", *fields,
            ]
        )  # fmt: skip
        audit_record(
            event=events.CASE_UPDATED, actor=actor, workstation=workstation, target=case,
            patient_id=case.patient_id, before=before, after=snapshot(case),
        )  # fmt: skip
    return case


def transplant_cancel(
    *,
    actor: User,
    workstation: Workstation,
    transplant_id: int,
    expected_version: int | None,
    reason: str,
) -> Transplant:
    """The pathway stopped before the infusion, with the reason; the case is frozen."""
    require_permission(actor, DECIDE)
    why = clean_text(reason, "reason", required="Indica il motivo dell'annullamento.")
    with transaction.atomic():
        case = case_for_update(actor=actor, transplant_id=transplant_id)
        ensure_open(case)
        case.check_version(expected_version if expected_version is not None else -1)
        if not case.cancellable:
            raise ConflictError(
                "Dopo l'infusione il percorso non si annulla: si chiude nel follow-up.",
                code="transplant_already_infused",
            )
        before = snapshot(case)
        case.state = codes.CaseState.CANCELLED.value
        case.cancel_reason = why
        fields = case.bump(by=actor)
        case.save(update_fields=["state", "cancel_reason", *fields])
        audit_record(
            event=events.CASE_CANCELLED, actor=actor, workstation=workstation, target=case,
            patient_id=case.patient_id, before=before, after=snapshot(case), reason=why,
        )  # fmt: skip
    return case


__all__ = ["CaseInput", "transplant_cancel", "transplant_open", "transplant_update"]
