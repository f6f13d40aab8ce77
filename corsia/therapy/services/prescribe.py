"""The physician prescribes, suspends and replaces a ward drug; each prescription is signed
as it is written (the permission ``therapy.prescribe``) and never changes again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.drugs.selectors import ingredient_get_by_id, product_find
from corsia.patients.selectors import patient_current_ward_id, patient_get
from corsia.prescribing.domain.allergy_check import overrides_for
from corsia.therapy import audit_events as events
from corsia.therapy.domain import limits, schedule
from corsia.therapy.domain.schedule import Frequency, Plan
from corsia.therapy.models import PrescriptionStatus, Route, WardPrescription
from corsia.therapy.permissions import PRESCRIBE
from corsia.therapy.services.checks import CheckResult, ensure_cleared, prescription_checks
from corsia.therapy.services.common import (
    Decision,
    PrescriptionInput,
    ensure_active,
    label120,
    prescription_for_update,
    required_reason,
    snapshot,
)


def _clean(data: PrescriptionInput, *, now: datetime) -> dict[str, Any]:
    try:
        ingredient = ingredient_get_by_id(ingredient_id=data.ingredient_id)
    except NotFound:
        raise ValidationFailed(
            "Scegli il farmaco dall'archivio.", code="ingredient_not_found", field="ingredient_id"
        ) from None
    if ingredient.is_antineoplastic:
        raise ValidationFailed(
            f"{ingredient.name_it} è un antiblastico: si prescrive con uno schema di terapia.",
            code="antineoplastic_not_allowed",
            field="ingredient_id",
        )
    product = None
    if data.product_id is not None:
        product = product_find(product_id=data.product_id)
        if product is None or product.ingredient_id != ingredient.pk:
            raise ValidationFailed(
                "Il medicinale scelto non contiene il principio attivo prescritto.",
                code="product_mismatch",
                field="product_id",
            )
    dose = limits.ensure_dose(data.dose, data.dose_unit)
    if data.route not in Route.values:
        raise ValidationFailed(
            "Scegli la via di somministrazione.", code="route_invalid", field="route"
        )
    try:
        frequency = Frequency(data.frequency)
    except ValueError:
        raise ValidationFailed(
            "Scegli la frequenza: a orari fissi, dose singola o al bisogno.",
            code="frequency_invalid",
            field="frequency",
        ) from None
    today = timezone.localdate(now)
    start = data.start_date or today
    if start < today:
        raise ValidationFailed(
            "La terapia non può iniziare in un giorno passato.",
            code="start_in_past",
            field="start_date",
        )
    fields: dict[str, Any] = {
        "ingredient": ingredient,
        "product": product,
        "dose": dose.value,
        "dose_unit": data.dose_unit,
        "route": data.route,
        "frequency": frequency.value,
        "start_date": start,
        "notes": " ".join((data.notes or "").split())[:2000],
    }
    plan = Plan(frequency=frequency, start_date=start)
    if frequency is Frequency.SCHEDULED:
        times = schedule.parse_times(data.times)
        fields["times"] = schedule.times_text(times)
        fields["days"] = schedule.ensure_days(data.days)
        plan = Plan(frequency=frequency, start_date=start, times=times, days=fields["days"])
    elif frequency is Frequency.SINGLE:
        at = data.single_at
        if not isinstance(at, datetime) or timezone.is_naive(at):
            raise ValidationFailed(
                "Indica data e ora della dose singola.",
                code="single_at_required",
                field="single_at",
            )
        if at < now - schedule.PRN_WINDOW:
            raise ValidationFailed(
                "La dose singola non può essere nel passato.",
                code="single_in_past",
                field="single_at",
            )
        fields["single_at"] = at
        fields["start_date"] = timezone.localdate(at)
        plan = Plan(frequency=frequency, start_date=fields["start_date"], single_at=at)
    else:
        indication, interval, per_day = schedule.ensure_prn_rules(
            indication=data.prn_indication,
            min_interval_hours=data.prn_min_interval_hours,
            max_per_day=data.prn_max_per_day,
        )
        fields.update(
            prn_indication=indication[:200],
            prn_min_interval_hours=interval,
            prn_max_per_day=per_day,
        )
    fields["_plan"] = plan
    fields["_dose"] = dose
    return fields


def _record_overrides(
    result: CheckResult, decision: Decision, *, actor: User, at: str
) -> list[dict[str, Any]]:
    reason = decision.override_reason.strip()
    who = actor.get_full_name() or actor.get_username()
    rows: list[dict[str, Any]] = [
        {
            "check": b.code,
            "message": b.message,
            "reason": reason,
            "by_id": actor.pk,
            "by": who,
            "at": at,
        }
        for b in result.blocks
    ]
    rows.extend(
        o.as_json()
        for o in overrides_for(result.allergy_matches, reason=reason, by_id=actor.pk, by=who, at=at)
    )
    return rows


def _audit_overrides(
    p: WardPrescription,
    result: CheckResult,
    decision: Decision,
    *,
    actor: User,
    workstation: Workstation,
) -> None:
    reason = decision.override_reason.strip()
    for block in result.blocks:
        event = (
            events.INTERACTION_OVERRIDDEN
            if block.code == "interaction_contraindicated"
            else events.LIMIT_OVERRIDDEN
        )
        audit_record(
            event=event,
            actor=actor,
            workstation=workstation,
            target=p,
            patient_id=p.patient_id,
            after={"check": block.code, "message": block.message},
            reason=reason,
        )
    for match in result.allergy_matches:
        if match.hard_stop or reason:
            audit_record(
                event=events.ALLERGY_OVERRIDDEN,
                actor=actor,
                workstation=workstation,
                target=p,
                patient_id=p.patient_id,
                after=match.as_json(),
                reason=reason or "presa visione dell'avviso",
            )


def _write(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    data: PrescriptionInput,
    decision: Decision,
    replaces: WardPrescription | None,
) -> WardPrescription:
    now = timezone.now()
    fields = _clean(data, now=now)
    plan: Plan = fields.pop("_plan")
    dose = fields.pop("_dose")
    result = prescription_checks(
        patient_id=patient_id,
        ingredient=fields["ingredient"],
        dose=dose,
        plan=plan,
        prn_max_per_day=fields.get("prn_max_per_day"),
        replacing_id=replaces.pk if replaces else None,
    )
    ensure_cleared(
        result, override_reason=decision.override_reason, acknowledged=decision.acknowledged
    )
    warnings = [w.as_json() for w in result.warnings]
    p = WardPrescription.objects.create(
        patient_id=patient_id,
        ward_id=patient_current_ward_id(patient_id=patient_id, user=actor),
        prescriber=actor,
        signed_at=now,
        workstation=label120(workstation),
        replaces=replaces,
        overrides=_record_overrides(result, decision, actor=actor, at=now.isoformat()),
        warnings=warnings,
        updated_by=actor,
        **fields,
    )
    audit_record(
        event=events.PRESCRIPTION_SIGNED,
        actor=actor,
        workstation=workstation,
        target=p,
        patient_id=patient_id,
        after={**snapshot(p), "warnings": warnings, "interactions": result.interactions},
    )
    _audit_overrides(p, result, decision, actor=actor, workstation=workstation)
    return p


def prescription_create(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    data: PrescriptionInput,
    decision: Decision | None = None,
) -> WardPrescription:
    """Prescribe and sign a ward drug for the patient (merged duplicate: its survivor).
    Refused (nothing written) while a check's hard stop has no reason."""
    require_permission(actor, PRESCRIBE, message="Solo il medico prescrive la terapia.")
    patient = patient_get(user=actor, patient_id=patient_id)
    with transaction.atomic():
        return _write(
            actor=actor,
            workstation=workstation,
            patient_id=patient.pk,
            data=data,
            decision=decision or Decision(),
            replaces=None,
        )


def _stop(
    p: WardPrescription, *, status: PrescriptionStatus, reason: str, actor: User
) -> dict[str, Any]:
    before = snapshot(p)
    p.status = status
    p.status_reason = reason
    p.status_changed_by = actor
    p.status_changed_at = timezone.now()
    p.save(
        update_fields=[
            "status",
            "status_reason",
            "status_changed_by",
            "status_changed_at",
            *p.bump(by=actor),
        ]
    )
    return before


def prescription_suspend(
    *,
    actor: User,
    workstation: Workstation,
    prescription_id: int,
    expected_version: int | None,
    reason: str,
) -> WardPrescription:
    """Stop a prescription from now on, with the reason; the doses already recorded stay."""
    require_permission(actor, PRESCRIBE, message="Solo il medico sospende la terapia.")
    why = required_reason(reason)
    with transaction.atomic():
        p = prescription_for_update(prescription_id)
        patient_get(user=actor, patient_id=p.patient_id)
        p.check_version(expected_version if expected_version is not None else -1)
        ensure_active(p)
        before = _stop(p, status=PrescriptionStatus.SUSPENDED, reason=why, actor=actor)
        audit_record(
            event=events.PRESCRIPTION_SUSPENDED,
            actor=actor,
            workstation=workstation,
            target=p,
            patient_id=p.patient_id,
            before=before,
            after=snapshot(p),
            reason=why,
        )
    return p


def prescription_replace(
    *,
    actor: User,
    workstation: Workstation,
    prescription_id: int,
    expected_version: int | None,
    reason: str,
    data: PrescriptionInput,
    decision: Decision | None = None,
) -> WardPrescription:
    """A new prescription in place of the old one (dose, timing or drug changed): the old
    one is ``replaced``, the new one ``replaces`` it; both or neither."""
    require_permission(actor, PRESCRIBE, message="Solo il medico modifica la terapia.")
    why = required_reason(reason)
    with transaction.atomic():
        old = prescription_for_update(prescription_id)
        patient_get(user=actor, patient_id=old.patient_id)
        old.check_version(expected_version if expected_version is not None else -1)
        ensure_active(old)
        before = _stop(old, status=PrescriptionStatus.REPLACED, reason=why, actor=actor)
        new = _write(
            actor=actor,
            workstation=workstation,
            patient_id=old.patient_id,
            data=data,
            decision=decision or Decision(),
            replaces=old,
        )
        audit_record(
            event=events.PRESCRIPTION_REPLACED,
            actor=actor,
            workstation=workstation,
            target=old,
            patient_id=old.patient_id,
            before=before,
            after={**snapshot(old), "replaced_by": new.pk},
            reason=why,
        )
    return new
