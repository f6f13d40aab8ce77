"""The follow-up's written-once records: viral loads, response assessments, outcomes
(day +100, one year; death with its cause), consents and adverse events (JACIE); and the
hospital's settings the follow-up reads (viral thresholds, trough ranges)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.codes import code_of
from corsia.core.domain.errors import ValidationFailed
from corsia.transplant import audit_events_followup as events
from corsia.transplant.domain import followup_codes as codes
from corsia.transplant.domain import immunosuppression as imm
from corsia.transplant.domain import meda, viral
from corsia.transplant.domain.measures import ensure_int
from corsia.transplant.models.followup import (
    AdverseEvent,
    Consent,
    Outcome,
    ResponseAssessment,
    TroughTarget,
    ViralLoad,
    ViralThreshold,
)
from corsia.transplant.permissions import DECIDE, RECORD
from corsia.transplant.services.followup_common import (
    day_of,
    decimal,
    followup_case,
    optional_decimal,
    text,
)


@dataclass(frozen=True)
class ViralLoadInput:
    virus: str
    sampled_on: date
    kind: str
    unit: str = "IU/mL"
    value: object = None
    lloq: object = None
    iu_per_copy: object = None
    note: str = ""


def viral_load_record(
    *, actor: User, workstation: Workstation, transplant_id: int, data: ViralLoadInput
) -> ViralLoad:
    """A CMV-DNA or EBV-DNA result (quantified, below LLOQ, not detected)."""
    require_permission(actor, RECORD)
    virus = code_of(codes.Virus, data.virus, "virus", "Virus non previsto (CMV, EBV).")
    kind = code_of(codes.LoadKind, data.kind, "kind", "Esito non previsto.")
    unit = code_of(codes.LoadUnit, data.unit, "unit", "Unità non prevista (UI/mL, copie/mL).")
    value = optional_decimal(data.value, "viral_load", "Carica virale")
    lloq = optional_decimal(data.lloq, "lloq", "Limite di quantificazione")
    factor = optional_decimal(data.iu_per_copy, "iu_per_copy", "Fattore copie→UI")
    viral.Load(  # the domain's checks: value with its kind, LLOQ, the unit's factor
        virus=viral.Virus(virus.value), sampled_on=data.sampled_on, kind=viral.Kind(kind.value),
        unit=viral.Unit(unit.value), value=value, lloq=lloq, iu_per_copy=factor,
    )  # fmt: skip
    if value is not None and value.as_tuple().exponent < -2:  # type: ignore[operator]  # finite here
        value = value.quantize(Decimal("0.01"))
    note = text(data.note, "note")
    with transaction.atomic():
        case = followup_case(actor=actor, transplant_id=transplant_id)
        day = day_of(case, data.sampled_on, field="sampled_on", what="Prelievo")
        row = ViralLoad.objects.create(
            transplant=case, patient_id=case.patient_id, day=day, virus=virus.value,
            sampled_on=data.sampled_on, kind=kind.value, unit=unit.value, value=value,
            lloq=lloq, iu_per_copy=factor, note=note, author=actor,
            workstation=workstation_label(workstation)[:120],
        )  # fmt: skip
        audit_record(
            event=events.VIRAL_LOAD_RECORDED, actor=actor, workstation=workstation, target=row,
            patient_id=case.patient_id,
            after={"virus": virus.value, "day": day, "kind": kind.value, "unit": unit.value,
                   "value": None if value is None else str(value)},
        )  # fmt: skip
    return row


def response_record(
    *, actor: User, workstation: Workstation, transplant_id: int, assessed_on: date,
    response: str, note: str = "",
) -> ResponseAssessment:  # fmt: skip
    """The disease's response at a re-evaluation."""
    require_permission(actor, RECORD)
    code = code_of(codes.Response, response, "response", "Risposta non prevista.")
    clean = text(note, "note")
    with transaction.atomic():
        case = followup_case(actor=actor, transplant_id=transplant_id)
        day = day_of(case, assessed_on, field="assessed_on", what="Valutazione della risposta")
        row = ResponseAssessment.objects.create(
            transplant=case, patient_id=case.patient_id, day=day, assessed_on=assessed_on,
            response=code.value, note=clean, author=actor,
            workstation=workstation_label(workstation)[:120],
        )  # fmt: skip
        audit_record(
            event=events.RESPONSE_RECORDED, actor=actor, workstation=workstation, target=row,
            patient_id=case.patient_id, after={"day": day, "response": code.value},
        )  # fmt: skip
    return row


@dataclass(frozen=True)
class OutcomeInput:
    time_point: str
    assessed_on: date
    survival: str
    death_date: date | None = None
    death_cause: str = ""
    hsct_related_cause: str = ""
    performance_scale: str = ""
    performance_score: int | None = None
    note: str = ""


def outcome_record(
    *, actor: User, workstation: Workstation, transplant_id: int, data: OutcomeInput
) -> Outcome:
    """The outcome at a time point; the MED-A rules check survival and death together."""
    require_permission(actor, DECIDE)
    point = code_of(codes.TimePoint, data.time_point, "time_point", "Follow-up non previsto.")
    survival = code_of(codes.Survival, data.survival, "survival", "Stato in vita non previsto.")
    cause = code_of(codes.DeathCause, data.death_cause, "death_cause", "Causa non prevista.") if data.death_cause else None  # fmt: skip
    related = (
        code_of(codes.HsctRelatedCause, data.hsct_related_cause, "hsct_related_cause",
                "Causa non prevista.")
        if data.hsct_related_cause else None
    )  # fmt: skip
    scale = (
        code_of(meda.PerformanceScale, data.performance_scale, "performance_scale", "Scala non prevista.")
        if data.performance_scale else None
    )  # fmt: skip
    note = text(data.note, "note")
    with transaction.atomic():
        case = followup_case(actor=actor, transplant_id=transplant_id)
        day = day_of(case, data.assessed_on, field="assessed_on", what="Esito")
        if data.death_date is not None:
            day_of(case, data.death_date, field="death_date", what="Decesso")
        assert case.day_zero is not None
        # the MED-A consistency rules (death with date and cause, …) on this outcome alone
        meda._check_follow_up(  # the same rules, shared on purpose
            meda.MedATransplant(
                centre_code="-", patient_upn="-", hsct_date=case.day_zero,
                hsct_type=meda.HsctType.AUTOLOGOUS, source=meda.StemCellSource.OTHER,
                donor=meda.DonorType.NONE,
            ),
            meda.MedAFollowUp(
                time_point=meda.TimePoint(point.value), assessed_on=data.assessed_on,
                survival=meda.Survival(survival.value), death_date=data.death_date,
                death_cause=meda.DeathCause(cause.value) if cause else None,
                death_hsct_related_cause=meda.HsctRelatedCause(related.value) if related else None,
                performance_scale=scale, performance_score=data.performance_score,
            ),
        )  # fmt: skip
        row = Outcome.objects.create(
            transplant=case, patient_id=case.patient_id, day=day, time_point=point.value,
            assessed_on=data.assessed_on, survival=survival.value, death_date=data.death_date,
            death_cause=cause.value if cause else "",
            hsct_related_cause=related.value if related else "",
            performance_scale=scale.value if scale else "",
            performance_score=data.performance_score, note=note, author=actor,
            workstation=workstation_label(workstation)[:120],
        )  # fmt: skip
        audit_record(
            event=events.OUTCOME_RECORDED, actor=actor, workstation=workstation, target=row,
            patient_id=case.patient_id,
            after={"time_point": point.value, "survival": survival.value,
                   "death_cause": row.death_cause, "day": day},
        )  # fmt: skip
    return row


def consent_record(
    *, actor: User, workstation: Workstation, transplant_id: int, kind: str, given_on: date,
    granted: bool, document_version: str, note: str = "",
) -> Consent:  # fmt: skip
    """A consent the patient gave or refused, with the information sheet's version."""
    require_permission(actor, RECORD)
    code = code_of(codes.ConsentKind, kind, "kind", "Consenso non previsto.")
    version = text(document_version, "document_version", limit=40,
                   required="Indica la versione del modulo informativo.")  # fmt: skip
    clean = text(note, "note")
    if not isinstance(given_on, date):
        raise ValidationFailed(
            "Consenso: indica una data valida.", code="given_on_invalid", field="given_on"
        )
    if given_on > timezone.localdate():
        # A consent is recorded once the patient has given or refused it, never ahead.
        raise ValidationFailed(
            "Consenso: la data è nel futuro.", code="date_in_future", field="given_on"
        )
    with transaction.atomic():
        case = followup_case(actor=actor, transplant_id=transplant_id)
        row = Consent.objects.create(
            transplant=case, patient_id=case.patient_id, kind=code.value, given_on=given_on,
            granted=granted, document_version=version, note=clean, author=actor,
            workstation=workstation_label(workstation)[:120],
        )  # fmt: skip
        audit_record(
            event=events.CONSENT_RECORDED, actor=actor, workstation=workstation, target=row,
            patient_id=case.patient_id,
            after={"kind": code.value, "granted": granted, "version": version},
        )  # fmt: skip
    return row


def adverse_event_record(
    *, actor: User, workstation: Workstation, transplant_id: int, occurred_on: date, term: str,
    ctcae_grade: int, severity: str, relation: str, reported_on: date | None = None,
    note: str = "",
) -> AdverseEvent:  # fmt: skip
    """An adverse event with its CTCAE grade, seriousness and relation."""
    require_permission(actor, RECORD)
    clean_term = text(term, "term", limit=200, required="Indica l'evento avverso.")
    if (
        isinstance(ctcae_grade, bool)
        or not isinstance(ctcae_grade, int)
        or not 1 <= ctcae_grade <= 5
    ):
        raise ValidationFailed(
            "Grado CTCAE tra 1 e 5.", code="ctcae_grade_invalid", field="ctcae_grade"
        )
    sev = code_of(codes.AdverseSeverity, severity, "severity", "Gravità non prevista.")
    rel = code_of(codes.AdverseRelation, relation, "relation", "Correlazione non prevista.")
    if reported_on is not None and reported_on < occurred_on:
        raise ValidationFailed(
            "La segnalazione non può precedere l'evento.", code="reported_before_event",
            field="reported_on",
        )  # fmt: skip
    clean = text(note, "note")
    with transaction.atomic():
        case = followup_case(actor=actor, transplant_id=transplant_id)
        row = AdverseEvent.objects.create(
            transplant=case, patient_id=case.patient_id, occurred_on=occurred_on,
            term=clean_term, ctcae_grade=ctcae_grade, severity=sev.value, relation=rel.value,
            reported_on=reported_on, note=clean, author=actor,
            workstation=workstation_label(workstation)[:120],
        )  # fmt: skip
        audit_record(
            event=events.ADVERSE_EVENT_RECORDED, actor=actor, workstation=workstation,
            target=row, patient_id=case.patient_id,
            after={"term": clean_term, "grade": ctcae_grade, "severity": sev.value},
        )  # fmt: skip
    return row


def viral_threshold_set(
    *, actor: User, workstation: Workstation, virus: str, value: object, unit: str = "IU/mL",
    label: str = "", reason: str,
) -> ViralThreshold:  # fmt: skip
    """The hospital's pre-emptive therapy threshold of a virus (replaces the previous one)."""
    require_permission(actor, DECIDE)
    code = code_of(codes.Virus, virus, "virus", "Virus non previsto (CMV, EBV).")
    unit_code = code_of(codes.LoadUnit, unit, "unit", "Unità non prevista.")
    threshold = viral.Threshold(
        virus=viral.Virus(code.value), value=decimal(value, "threshold", "Soglia"),
        unit=viral.Unit(unit_code.value),
    )  # fmt: skip
    why = text(reason, "reason", limit=2000, required="Indica il motivo della modifica.")
    with transaction.atomic():
        row, _ = ViralThreshold.objects.update_or_create(
            virus=code.value,
            defaults={"value": threshold.value, "unit": unit_code.value,
                      "label": text(label, "label", limit=200)},
        )  # fmt: skip
        audit_record(
            event=events.SETTINGS_CHANGED, actor=actor, workstation=workstation, target=row,
            after={"virus": code.value, "value": str(threshold.value), "unit": unit_code.value},
            reason=why,
        )  # fmt: skip
    return row


def trough_target_add(
    *, actor: User, workstation: Workstation, drug: str, from_day: int, to_day: int,
    low: object, high: object, window_minutes: int = 60, reason: str,
) -> TroughTarget:  # fmt: skip
    """A trough range of the hospital for a drug over a period (no overlap allowed)."""
    require_permission(actor, DECIDE)
    code = code_of(imm.Drug, drug, "drug", "Immunosoppressore non previsto.")
    target = imm.TargetRange(
        drug=code, from_day=from_day, to_day=to_day, low=decimal(low, "target_low", "Minimo"),
        high=decimal(high, "target_high", "Massimo"),
    )  # fmt: skip
    ensure_int(window_minutes, field="window_minutes", label="Finestra (minuti)", minimum=1,
               maximum=imm.MAX_WINDOW_MINUTES)  # fmt: skip
    why = text(reason, "reason", limit=2000, required="Indica il motivo della modifica.")
    with transaction.atomic():
        existing = [
            imm.TargetRange(drug=imm.Drug(t.drug), from_day=t.from_day, to_day=t.to_day,
                            low=t.low, high=t.high)
            for t in TroughTarget.objects.select_for_update().filter(drug=code.value)
        ]  # fmt: skip
        imm.check_targets([*existing, target])
        row = TroughTarget.objects.create(
            drug=code.value, from_day=from_day, to_day=to_day, low=target.low, high=target.high,
            window_minutes=window_minutes,
        )  # fmt: skip
        audit_record(
            event=events.SETTINGS_CHANGED, actor=actor, workstation=workstation, target=row,
            after={"drug": code.value, "days": [from_day, to_day],
                   "range": [str(target.low), str(target.high)]},
            reason=why,
        )  # fmt: skip
    return row
