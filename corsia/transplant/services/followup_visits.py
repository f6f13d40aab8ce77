"""Follow-up visits: a draft recorded and edited (optimistic locking), signed by a physician,
then read-only; a signed visit is corrected by a new visit superseding it, with a reason.
The immunosuppressant's level is classified against the hospital's trough ranges."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.codes import code_of
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.selectors import patient_get
from corsia.transplant import audit_events_followup as events
from corsia.transplant.domain import followup_codes as codes
from corsia.transplant.domain import immunosuppression as imm
from corsia.transplant.models import Transplant
from corsia.transplant.models.followup import FollowUpVisit, TroughTarget
from corsia.transplant.permissions import DECIDE, RECORD
from corsia.transplant.services.followup_common import (
    day_of,
    followup_case,
    optional_decimal,
    text,
)

TEXTS = (
    "current_status", "examination", "instrumental_tests", "consultations", "conclusions",
    "day_hospital_therapy", "home_therapy",
)  # fmt: skip


@dataclass(frozen=True)
class VisitInput:
    visit_on: date
    current_status: str = ""
    examination: str = ""
    instrumental_tests: str = ""
    consultations: str = ""
    conclusions: str = ""
    immunosuppressant: str = "none"
    immunosuppressant_dose: str = ""
    level_ng_ml: object = None
    level_sampled_at: datetime | None = None
    level_next_dose_at: datetime | None = None
    day_hospital_therapy: str = ""
    home_therapy: str = ""
    next_follow_up_on: date | None = None
    performance_scale: str = ""
    performance_score: int | None = None


def _targets() -> list[imm.TargetRange]:
    return [
        imm.TargetRange(
            drug=imm.Drug(t.drug), from_day=t.from_day, to_day=t.to_day, low=t.low, high=t.high
        )
        for t in TroughTarget.objects.exclude(drug="none").order_by("drug", "from_day")
    ]


def _window(drug: str, day: int) -> int:
    row = TroughTarget.objects.filter(drug=drug, from_day__lte=day, to_day__gte=day).first()
    return row.window_minutes if row is not None else 60


def _values(case: Transplant, data: VisitInput) -> dict[str, Any]:
    """The visit's columns from the input, checked; the level classified."""
    values: dict[str, Any] = {name: text(getattr(data, name), name) for name in TEXTS}
    day = day_of(case, data.visit_on, field="visit_on", what="Visita di follow-up")
    drug = code_of(codes.Immunosuppressant, data.immunosuppressant, "immunosuppressant",
                   "Immunosoppressore non previsto.")  # fmt: skip
    level = optional_decimal(data.level_ng_ml, "level", "Livello (ng/mL)")
    band = ""
    if level is not None:
        if drug is codes.Immunosuppressant.NONE:
            raise ValidationFailed(
                "Un livello ematico richiede l'immunosoppressore a cui si riferisce.",
                code="level_without_drug",
                field="immunosuppressant",
            )
        if data.level_sampled_at is None:
            raise ValidationFailed(
                "Indica data e ora del prelievo del livello.",
                code="level_sampled_at_required",
                field="level_sampled_at",
            )
        timing = imm.trough_timing(
            sampled_at=data.level_sampled_at,
            next_dose_at=data.level_next_dose_at,
            window_minutes=_window(drug.value, day),
        )
        band = imm.classify_level(
            drug=imm.Drug(drug.value), level_ng_ml=level, day=day, ranges=_targets(), timing=timing
        ).band.value
    if data.next_follow_up_on is not None and data.next_follow_up_on < data.visit_on:
        raise ValidationFailed(
            "Il prossimo controllo non può precedere la visita.",
            code="next_follow_up_before_visit",
            field="next_follow_up_on",
        )
    scale = data.performance_scale
    score = data.performance_score
    if (scale == "") != (score is None) or (scale and scale not in ("karnofsky", "lansky")):
        raise ValidationFailed(
            "Indica insieme la scala (Karnofsky o Lansky) e il punteggio.",
            code="performance_inconsistent",
            field="performance_score",
        )
    if score is not None and (isinstance(score, bool) or score not in range(10, 101, 10)):
        raise ValidationFailed(
            "Performance status: un multiplo di 10 tra 10 e 100.",
            code="performance_score_invalid",
            field="performance_score",
        )
    values.update(
        visit_on=data.visit_on,
        day=day,
        immunosuppressant=drug.value,
        immunosuppressant_dose=text(
            data.immunosuppressant_dose, "immunosuppressant_dose", limit=200
        ),
        level_ng_ml=level,
        level_sampled_at=data.level_sampled_at,
        level_next_dose_at=data.level_next_dose_at,
        level_band=band,
        next_follow_up_on=data.next_follow_up_on,
        performance_scale=scale,
        performance_score=score,
    )
    return values


def _snap(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (
            v.isoformat()
            if isinstance(v, (date, datetime))
            else str(v)
            if isinstance(v, Decimal)
            else v
        )
        for k, v in values.items()
    }


def visit_record(
    *, actor: User, workstation: Workstation, transplant_id: int, data: VisitInput
) -> FollowUpVisit:
    """A new follow-up visit, as a draft."""
    require_permission(actor, RECORD)
    with transaction.atomic():
        case = followup_case(actor=actor, transplant_id=transplant_id)
        values = _values(case, data)
        visit = FollowUpVisit.objects.create(
            transplant=case,
            patient_id=case.patient_id,
            author=actor,
            updated_by=actor,
            workstation=workstation_label(workstation)[:120],
            **values,
        )
        audit_record(
            event=events.VISIT_RECORDED, actor=actor, workstation=workstation, target=visit,
            patient_id=case.patient_id, after=_snap(values),
        )  # fmt: skip
    return visit


def _visit_for_update(actor: User, visit_id: int) -> FollowUpVisit:
    visit = FollowUpVisit.objects.select_for_update(of=("self",)).filter(pk=visit_id).first()
    if visit is None:
        raise NotFound("Visita non trovata.", code="visit_not_found")
    patient_get(user=actor, patient_id=visit.patient_id)
    return visit


def visit_update(
    *, actor: User, workstation: Workstation, visit_id: int, expected_version: int, data: VisitInput
) -> FollowUpVisit:
    """Edit a draft visit (a signed one is read-only: correct it instead)."""
    require_permission(actor, RECORD)
    with transaction.atomic():
        visit = _visit_for_update(actor, visit_id)
        if visit.state == codes.VisitState.SIGNED:
            raise ConflictError(
                "La visita è firmata: non si modifica, si corregge con un motivo.",
                code="visit_signed",
            )
        visit.check_version(expected_version)
        case = followup_case(actor=actor, transplant_id=visit.transplant_id)
        values = _values(case, data)
        before = _snap({f: getattr(visit, f) for f in values})
        for name, value in values.items():
            setattr(visit, name, value)
        visit.save(update_fields=[*values, *visit.bump(by=actor)])
        audit_record(
            event=events.VISIT_UPDATED, actor=actor, workstation=workstation, target=visit,
            patient_id=visit.patient_id, before=before, after=_snap(values),
        )  # fmt: skip
    return visit


def visit_sign(
    *, actor: User, workstation: Workstation, visit_id: int, expected_version: int
) -> FollowUpVisit:
    """Sign a draft visit (a physician's act): from now on read-only."""
    require_permission(actor, DECIDE)
    with transaction.atomic():
        visit = _visit_for_update(actor, visit_id)
        if visit.state == codes.VisitState.SIGNED:
            raise ConflictError("La visita è già firmata.", code="visit_signed")
        visit.check_version(expected_version)
        visit.state = codes.VisitState.SIGNED.value
        visit.signed_at = timezone.now()
        visit.signed_by = actor
        visit.save(update_fields=["state", "signed_at", "signed_by", *visit.bump(by=actor)])
        audit_record(
            event=events.VISIT_SIGNED, actor=actor, workstation=workstation, target=visit,
            patient_id=visit.patient_id, after={"state": "signed"},
        )  # fmt: skip
    return visit


def visit_correct(
    *, actor: User, workstation: Workstation, visit_id: int, reason: str, data: VisitInput
) -> FollowUpVisit:
    """A signed visit corrected: a new draft visit superseding it, with the reason."""
    require_permission(actor, RECORD)
    why = text(reason, "reason", limit=2000, required="Indica il motivo della correzione.")
    with transaction.atomic():
        old = _visit_for_update(actor, visit_id)
        if old.state != codes.VisitState.SIGNED:
            raise ConflictError(
                "Una visita in bozza si modifica direttamente.", code="visit_not_signed"
            )
        if FollowUpVisit.objects.filter(supersedes=old).exists():
            raise ConflictError(
                "La visita è già stata corretta: correggi la versione più recente.",
                code="visit_superseded",
            )
        case = followup_case(actor=actor, transplant_id=old.transplant_id)
        values = _values(case, data)
        new = FollowUpVisit.objects.create(
            transplant=case,
            patient_id=case.patient_id,
            author=actor,
            updated_by=actor,
            workstation=workstation_label(workstation)[:120],
            supersedes=old,
            correction_reason=why,
            **values,
        )
        audit_record(
            event=events.VISIT_CORRECTED, actor=actor, workstation=workstation, target=new,
            patient_id=case.patient_id,
            before={"id": old.pk, **_snap({f.name: getattr(old, f.name) for f in fields(VisitInput)})},
            after={"id": new.pk, **_snap(values)}, reason=why,
        )  # fmt: skip
    return new
