"""Use cases of the toxicity module. Each one checks the permission, validates everything
(pure rules in ``domain/``) before writing, locks what it changes, writes, and records its
audit event in the same transaction. Nothing is deleted; a recorded value is never updated."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.drugs.selectors import IngredientInfo, ingredients_by_id
from corsia.patients.selectors import patient_get
from corsia.toxicity import audit_events as events
from corsia.toxicity.domain import ctcae, extravasation, grading
from corsia.toxicity.models import CtcaeTerm, ExtravasationEvent, ToxicityRecord

VIEW = "toxicity.view_toxicity"
RECORD = "toxicity.record_toxicity"

CTCAE_CSV = Path(__file__).resolve().parent / "data" / "ctcae_v5.csv"
# The Corsia Italian translation of the terms and organ classes (data/NOTICE.md).
CTCAE_IT_CSV = Path(__file__).resolve().parent / "data" / "ctcae_v5_it.csv"
_TERM_FIELDS = (
    "soc",
    "term",
    "grade_1",
    "grade_2",
    "grade_3",
    "grade_4",
    "grade_5",
    "definition",
    "navigational_note",
)


def _label120(workstation: Workstation) -> str:
    return workstation_label(workstation)[:120]


# --- reference data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CtcaeLoad:
    created: int
    updated: int
    unchanged: int


def _italian_labels(content: str | None, codes: set[str]) -> dict[str, ctcae.ItalianLabel]:
    text = content if content is not None else CTCAE_IT_CSV.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    labels = [ctcae.italian_label_from_csv(r, line=n) for n, r in enumerate(reader, start=2)]
    return ctcae.italian_labels(labels, codes=codes)


def ctcae_reference_load(*, content: str | None = None, italian: str | None = None) -> CtcaeLoad:
    """Load (or refresh) the CTCAE v5.0 terms from the shipped CSV, with the Corsia Italian
    labels of ``ctcae_v5_it.csv`` (``content`` / ``italian``: other texts of the two
    files); idempotent.

    New terms are created, changed ones updated (pghistory keeps the old text), none is
    deleted. A term the Italian file does not name keeps its English label only. A
    malformed row of either file refuses the whole load (nothing written).
    """
    text = content if content is not None else CTCAE_CSV.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    rows = [ctcae.row_from_csv(r, line=n) for n, r in enumerate(reader, start=2)]
    codes = [r.meddra_code for r in rows]
    if len(set(codes)) != len(codes):
        raise ctcae.CtcaeRowError("duplicate MedDRA codes in the CTCAE file")
    labels = _italian_labels(italian, set(codes))
    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {t.meddra_code: t for t in CtcaeTerm.objects.select_for_update()}
        new_terms: list[CtcaeTerm] = []
        for row in rows:
            values: dict[str, str] = {f: getattr(row, f) for f in _TERM_FIELDS}
            label = labels.get(row.meddra_code)
            values["term_it"] = label.term if label else ""
            values["soc_it"] = label.soc if label else ""
            values["search_text"] = ctcae.search_key(row.term)
            values["search_text_it"] = ctcae.search_key(values["term_it"])
            term = existing.get(row.meddra_code)
            if term is None:
                new_terms.append(CtcaeTerm(meddra_code=row.meddra_code, **values))
                continue
            changed = [name for name, value in values.items() if getattr(term, name) != value]
            if not changed:
                unchanged += 1
                continue
            for name in changed:
                setattr(term, name, values[name])
            term.updated_at = timezone.now()
            term.save(update_fields=[*changed, "updated_at"])
            updated += 1
        CtcaeTerm.objects.bulk_create(new_terms)
        created = len(new_terms)
        if created or updated:
            audit_record(
                event=events.CTCAE_LOADED,
                actor=None,
                workstation=None,
                after={"created": created, "updated": updated, "unchanged": unchanged},
            )
    return CtcaeLoad(created=created, updated=updated, unchanged=unchanged)


# --- toxicity records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ToxicityInput:
    term_id: int
    grade: int
    attribution: str
    onset_date: date
    resolution_date: date | None = None
    serious: bool = False
    notes: str = ""
    suspected_ingredient_ids: tuple[int, ...] = field(default_factory=tuple)
    order_id: int | None = None
    cycle_number: int | None = None


@dataclass(frozen=True)
class _Clean:
    term: CtcaeTerm
    grade: int
    attribution: str
    onset_date: date
    resolution_date: date | None
    serious: bool
    notes: str
    ingredients: list[IngredientInfo]
    order_id: int | None
    cycle_number: int | None


def _clean(data: ToxicityInput, *, today: date) -> _Clean:
    term = CtcaeTerm.objects.filter(pk=data.term_id).first()
    if term is None:
        raise ValidationFailed(
            "Scegli un termine CTCAE dall'elenco.", code="term_not_found", field="term_id"
        )
    grade = grading.ensure_grade(
        data.grade, defined=grading.defined_grades(term.grade_texts()), term=term.label
    )
    attribution = grading.ensure_attribution(data.attribution)
    if not isinstance(data.onset_date, date):
        raise ValidationFailed("Indica la data di insorgenza.", code="required", field="onset_date")
    grading.ensure_dates(onset=data.onset_date, resolution=data.resolution_date, today=today)
    cycle = grading.ensure_cycle_number(data.cycle_number)
    ids = sorted(set(data.suspected_ingredient_ids))
    found = ingredients_by_id(ids)
    ingredients = [found[pk] for pk in ids if pk in found]
    if len(ingredients) != len(ids):
        raise ValidationFailed(
            "Uno dei farmaci sospetti non è in archivio.",
            code="ingredient_not_found",
            field="suspected_ingredient_ids",
        )
    if data.order_id is not None and data.order_id < 1:
        raise ValidationFailed("Ordine non valido.", code="order_invalid", field="order_id")
    return _Clean(
        term=term,
        grade=grade,
        attribution=attribution.value,
        onset_date=data.onset_date,
        resolution_date=data.resolution_date,
        serious=bool(data.serious),
        notes=(data.notes or "").strip(),
        ingredients=ingredients,
        order_id=data.order_id,
        cycle_number=cycle,
    )


def _snapshot(record: ToxicityRecord, codes: list[str]) -> dict[str, Any]:
    return {
        "id": record.pk,
        "term": record.term.meddra_code,
        "term_name": record.term.term,
        "grade": record.grade,
        "attribution": record.attribution,
        "onset_date": record.onset_date.isoformat(),
        "resolution_date": record.resolution_date.isoformat() if record.resolution_date else None,
        "serious": record.serious,
        "suspected_ingredients": codes,
        "order_id": record.order_id,
        "cycle_number": record.cycle_number,
        "supersedes": record.supersedes_id,
    }


def _create(
    clean: _Clean,
    *,
    patient_id: int,
    actor: User,
    workstation: Workstation,
    supersedes: ToxicityRecord | None = None,
    reason: str = "",
) -> ToxicityRecord:
    record = ToxicityRecord.objects.create(
        patient_id=patient_id,
        term=clean.term,
        grade=clean.grade,
        attribution=clean.attribution,
        onset_date=clean.onset_date,
        resolution_date=clean.resolution_date,
        serious=clean.serious,
        notes=clean.notes,
        order_id=clean.order_id,
        cycle_number=clean.cycle_number,
        recorded_by=actor,
        workstation=_label120(workstation),
        supersedes=supersedes,
        correction_reason=reason,
    )
    if clean.ingredients:
        record.suspected_ingredients.set([i.pk for i in clean.ingredients])
    return record


def toxicity_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: ToxicityInput
) -> ToxicityRecord:
    """Record a graded adverse event for a patient (merged duplicates: their survivor)."""
    require_permission(actor, RECORD)
    patient = patient_get(user=actor, patient_id=patient_id)
    clean = _clean(data, today=timezone.localdate())
    with transaction.atomic():
        record = _create(clean, patient_id=patient.pk, actor=actor, workstation=workstation)
        audit_record(
            event=events.TOXICITY_RECORDED,
            actor=actor,
            workstation=workstation,
            target=record,
            patient_id=patient.pk,
            after=_snapshot(record, [i.code for i in clean.ingredients]),
        )
    return record


def _current_for_update(record_id: int) -> ToxicityRecord:
    record = (
        ToxicityRecord.objects.select_for_update(of=("self",))
        .select_related("term")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise NotFound("Registrazione di tossicità non trovata.", code="toxicity_not_found")
    if record.entered_in_error:
        raise ConflictError(
            "La registrazione è stata annullata come inserita per errore.",
            code="toxicity_entered_in_error",
        )
    if not record.is_current:
        raise ConflictError(
            "La registrazione è già stata corretta: correggi la versione più recente.",
            code="toxicity_superseded",
        )
    return record


def _required_reason(reason: str) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationFailed("Indica il motivo.", code="reason_required", field="reason")
    return text


def toxicity_correct(
    *, actor: User, workstation: Workstation, record_id: int, data: ToxicityInput, reason: str
) -> ToxicityRecord:
    """A correction: a new record that supersedes the old one, which stays as it was."""
    require_permission(actor, RECORD)
    why = _required_reason(reason)
    clean = _clean(data, today=timezone.localdate())
    with transaction.atomic():
        old = _current_for_update(record_id)
        old_codes = list(old.suspected_ingredients.order_by("pk").values_list("code", flat=True))
        before = _snapshot(old, old_codes)
        old.is_current = False
        old.updated_at = timezone.now()
        old.save(update_fields=["is_current", "updated_at"])
        new = _create(
            clean,
            patient_id=old.patient_id,
            actor=actor,
            workstation=workstation,
            supersedes=old,
            reason=why,
        )
        audit_record(
            event=events.TOXICITY_CORRECTED,
            actor=actor,
            workstation=workstation,
            target=new,
            patient_id=old.patient_id,
            before=before,
            after=_snapshot(new, [i.code for i in clean.ingredients]),
            reason=why,
        )
    return new


def toxicity_mark_entered_in_error(
    *, actor: User, workstation: Workstation, record_id: int, reason: str
) -> ToxicityRecord:
    """Flag a record as entered by mistake (wrong patient, duplicate): kept, no longer counted."""
    require_permission(actor, RECORD)
    why = _required_reason(reason)
    with transaction.atomic():
        record = _current_for_update(record_id)
        record.is_current = False
        record.entered_in_error = True
        record.entered_in_error_reason = why
        record.entered_in_error_by = actor
        record.entered_in_error_at = timezone.now()
        record.updated_at = record.entered_in_error_at
        record.save(
            update_fields=[
                "is_current",
                "entered_in_error",
                "entered_in_error_reason",
                "entered_in_error_by",
                "entered_in_error_at",
                "updated_at",
            ]
        )
        audit_record(
            event=events.TOXICITY_ENTERED_IN_ERROR,
            actor=actor,
            workstation=workstation,
            target=record,
            patient_id=record.patient_id,
            before={"is_current": True, "entered_in_error": False},
            after={"is_current": False, "entered_in_error": True},
            reason=why,
        )
    return record


# --- extravasation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtravasationInput:
    ingredient_id: int
    occurred_at: datetime
    site: str
    estimated_volume_ml: Decimal | None = None
    symptoms: str = ""
    steps_done: tuple[str, ...] = field(default_factory=tuple)
    actions_taken: str = ""
    order_id: int | None = None


def extravasation_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: ExtravasationInput
) -> ExtravasationEvent:
    """Record an extravasation with the guidance applied and the steps done."""
    require_permission(actor, RECORD)
    patient = patient_get(user=actor, patient_id=patient_id)
    ingredient = ingredients_by_id([data.ingredient_id]).get(data.ingredient_id)
    if ingredient is None:
        raise ValidationFailed(
            "Scegli il farmaco stravasato.", code="ingredient_not_found", field="ingredient_id"
        )
    if not isinstance(data.occurred_at, datetime) or timezone.is_naive(data.occurred_at):
        raise ValidationFailed(
            "Indica data e ora dello stravaso.", code="required", field="occurred_at"
        )
    if data.occurred_at > timezone.now():
        raise ValidationFailed(
            "Lo stravaso non può essere nel futuro.",
            code="occurred_in_future",
            field="occurred_at",
        )
    site = " ".join((data.site or "").split())
    if not site:
        raise ValidationFailed(
            "Indica la sede dello stravaso (es. avambraccio sinistro, PICC).",
            code="required",
            field="site",
        )
    volume = data.estimated_volume_ml
    if volume is not None:
        try:
            volume = Decimal(volume).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        except (InvalidOperation, TypeError):
            raise ValidationFailed(
                "Volume non valido.", code="volume_invalid", field="estimated_volume_ml"
            ) from None
        if volume < 0 or volume > Decimal(10000):
            raise ValidationFailed(
                "Il volume stimato deve essere tra 0 e 10000 mL.",
                code="volume_invalid",
                field="estimated_volume_ml",
            )
    guidance = extravasation.guidance_for(ingredient.code)
    steps = extravasation.ensure_steps(guidance.procedure, list(data.steps_done))
    with transaction.atomic():
        event = ExtravasationEvent.objects.create(
            patient_id=patient.pk,
            ingredient_id=ingredient.pk,
            order_id=data.order_id,
            occurred_at=data.occurred_at,
            site=site,
            estimated_volume_ml=volume,
            symptoms=(data.symptoms or "").strip(),
            extravasation_class=guidance.klass.value,
            procedure_code=guidance.procedure.code,
            steps_done=steps,
            actions_taken=(data.actions_taken or "").strip(),
            recorded_by=actor,
            workstation=_label120(workstation),
        )
        audit_record(
            event=events.EXTRAVASATION_RECORDED,
            actor=actor,
            workstation=workstation,
            target=event,
            patient_id=patient.pk,
            after={
                "ingredient": ingredient.code,
                "class": guidance.klass.value,
                "procedure": guidance.procedure.code,
                "steps_done": steps,
                "occurred_at": data.occurred_at.isoformat(),
                "site": site,
                "estimated_volume_ml": str(volume) if volume is not None else None,
                "order_id": data.order_id,
            },
        )
    return event
