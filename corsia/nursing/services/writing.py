"""The nursing record's written parts: the admission and entry anamnesis (one text per
Gordon pattern), the care diary, the monitoring entries. Every row is written once (the
database refuses UPDATE and DELETE); a correction, or a new version of the anamnesis, is a
new row that supersedes the latest one, with a reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from corsia.audit.domain.events import EventType
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.core.domain.text import has_unsafe_characters
from corsia.nursing import audit_events as events
from corsia.nursing.domain import gordon, monitoring
from corsia.nursing.models import MonitoringEntry, NoteKind, NursingAnamnesis, NursingNote
from corsia.nursing.services.care_common import audit, fits
from corsia.patients.selectors import patient_get

RECORD = "nursing.record_nursing"
MAX_TEXT = 20000
LATEST_BACKDATING = timedelta(days=7)
FUTURE_SKEW = timedelta(minutes=5)

_W = TypeVar("_W", NursingAnamnesis, NursingNote, MonitoringEntry)
_Row = TypeVar("_Row", NursingNote, MonitoringEntry)


def _text(value: str, *, field_name: str, label: str, required: bool, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if has_unsafe_characters(text):
        raise ValidationFailed(
            f"«{label}» contiene caratteri non ammessi.",
            code="invalid_characters",
            field=field_name,
        )
    if required and not text:
        raise ValidationFailed(f"Scrivi «{label}».", code="required", field=field_name)
    if len(text) > limit:
        raise ValidationFailed(
            f"«{label}» supera {limit} caratteri.", code="text_too_long", field=field_name
        )
    return text


def _reason(reason: str) -> str:
    return " ".join(
        _text(reason, field_name="reason", label="Motivo", required=True, limit=2000).split()
    )


def when_recorded(value: datetime | None, *, field_name: str) -> datetime:
    """When a nurse says it happened: empty is now; not in the future, at most 7 days ago."""
    now = timezone.now()
    if value is None:
        return now
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValidationFailed("Indica data e ora.", code="datetime_invalid", field=field_name)
    if value > now + FUTURE_SKEW:
        raise ValidationFailed(
            "Data e ora non possono essere nel futuro.", code="in_future", field=field_name
        )
    if value < now - LATEST_BACKDATING:
        raise ValidationFailed(
            "Più di 7 giorni fa: scrivilo nel diario con la data in cui è avvenuto.",
            code="too_long_ago",
            field=field_name,
        )
    return value


def _latest_for_update(model: type[_W], pk: int, what: str) -> _W:
    row = model.objects.select_for_update(of=("self",)).filter(pk=pk).first() if fits(pk) else None
    if row is None:
        raise NotFound(f"{what} non trovata.", code="not_found")
    if model.objects.filter(supersedes=row).exists():
        raise ConflictError(
            f"{what} è già stata corretta: correggi la versione più recente.", code="superseded"
        )
    return row


def _audit(event: EventType, row: Any, **fields: Any) -> None:
    audit(event, row, patient_id=row.patient_id, **fields)


def _write(
    model: type[_Row],
    patient_id: int,
    when: datetime,
    *,
    actor: User,
    workstation: Workstation,
    event: EventType,
    values: dict[str, Any],
    audited: dict[str, Any],
) -> _Row:
    """A first version of a diary note or a monitored value, written and audited."""
    with transaction.atomic():
        row = model.objects.create(
            patient_id=patient_id,
            written_at=when,
            author=actor,
            workstation=workstation_label(workstation)[:120],
            **values,
        )
        _audit(event, row, actor=actor, workstation=workstation, after=audited)
    return row


def _supersede(
    model: type[_Row],
    row_id: int,
    what: str,
    *,
    actor: User,
    workstation: Workstation,
    reason: str,
    event: EventType,
    values: Callable[[_Row], dict[str, Any]],
    audited: str,
) -> _Row:
    """The one way a diary note or a monitored value is corrected: the latest version only
    (locked), a new row with ``values(old)`` at the same time, superseding it with the
    reason, audited with the ``audited`` field before and after."""
    require_permission(actor, RECORD)
    why = _reason(reason)
    with transaction.atomic():
        old = _latest_for_update(model, row_id, what)
        patient_get(user=actor, patient_id=old.patient_id)
        fields = values(old)
        row = model.objects.create(
            patient_id=old.patient_id,
            written_at=old.written_at,
            author=actor,
            workstation=workstation_label(workstation)[:120],
            supersedes=old,
            correction_reason=why,
            **fields,
        )
        _audit(
            event,
            row,
            actor=actor,
            workstation=workstation,
            before={"id": old.pk, audited: str(getattr(old, audited))},
            after={audited: str(fields[audited])},
            reason=why,
        )
    return row


# --- anamnesis ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnamnesisInput:
    admission_reason: str
    patterns: Mapping[str, str] = field(default_factory=dict)  # Gordon pattern code -> text
    caregiver: str = ""
    aids: str = ""


def _patterns(raw: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise ValidationFailed(
            "Modelli funzionali non validi.", code="patterns_invalid", field="patterns"
        )
    unknown = [k for k in raw if k not in gordon.PATTERN_CODES]
    if unknown:
        raise ValidationFailed(
            f"«{str(unknown[0])[:40]}» non è un modello funzionale di Gordon.",
            code="pattern_unknown",
            field="patterns",
        )
    out: dict[str, str] = {}
    for p in gordon.PATTERNS:
        value = raw.get(p.code, "")
        if not isinstance(value, str):
            raise ValidationFailed(
                f"«{p.label}»: scrivi un testo.", code="pattern_invalid", field=f"pattern_{p.code}"
            )
        text = _text(
            value, field_name=f"pattern_{p.code}", label=p.label, required=False, limit=4000
        )
        if text:
            out[p.code] = text
    return out


def anamnesis_write(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    data: AnamnesisInput,
    expected_latest_id: int | None = None,
    reason: str = "",
) -> NursingAnamnesis:
    """The patient's nursing anamnesis: the first one, or a new version of the latest
    (``expected_latest_id``: the version the nurse edited; another one written meanwhile is
    a conflict), with a reason."""
    require_permission(actor, RECORD)
    patient = patient_get(user=actor, patient_id=patient_id)
    admission = _text(
        data.admission_reason,
        field_name="admission_reason",
        label="Motivo dell'ingresso",
        required=True,
    )
    patterns = _patterns(data.patterns)
    caregiver = _text(
        data.caregiver,
        field_name="caregiver",
        label="Persona di riferimento",
        required=False,
        limit=300,
    )
    aids = _text(data.aids, field_name="aids", label="Protesi e ausili", required=False, limit=300)
    with transaction.atomic():
        latest = (
            NursingAnamnesis.objects.select_for_update(of=("self",))
            .filter(patient_id=patient.pk, superseded_by__isnull=True)
            .order_by("-written_at", "-pk")
            .first()
        )
        if (latest.pk if latest else None) != expected_latest_id:
            raise ConflictError(
                "L'anamnesi è stata aggiornata da un altro utente: ricarica la pagina.",
                code="version_conflict",
            )
        why = _reason(reason) if latest is not None else ""
        row = NursingAnamnesis.objects.create(
            patient_id=patient.pk,
            admission_reason=admission,
            patterns=patterns,
            caregiver=caregiver,
            aids=aids,
            author=actor,
            workstation=workstation_label(workstation)[:120],
            supersedes=latest,
            correction_reason=why,
        )
        after = {
            "admission_reason": admission,
            "patterns": sorted(patterns),
            "supersedes": row.supersedes_id,
        }
        if latest is None:
            _audit(events.ANAMNESIS_WRITTEN, row, actor=actor, workstation=workstation, after=after)
        else:
            _audit(
                events.ANAMNESIS_REVISED,
                row,
                actor=actor,
                workstation=workstation,
                after=after,
                before={"id": latest.pk},
                reason=why,
            )
    return row


# --- care diary -----------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in NoteKind.values:
        raise ValidationFailed("Scegli il tipo di nota.", code="kind_unknown", field="kind")
    return kind


def note_write(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    text: str,
    kind: str = NoteKind.DIARY,
    written_at: datetime | None = None,
) -> NursingNote:
    """A care-diary entry (diary, shift handover, event)."""
    require_permission(actor, RECORD)
    patient = patient_get(user=actor, patient_id=patient_id)
    body = _text(text, field_name="text", label="Testo", required=True)
    kind_clean = _kind(kind)
    when = when_recorded(written_at, field_name="written_at")
    return _write(
        NursingNote,
        patient.pk,
        when,
        actor=actor,
        workstation=workstation,
        event=events.NOTE_WRITTEN,
        values={"kind": kind_clean, "text": body},
        audited={"kind": kind_clean, "text": body},
    )


def note_correct(
    *, actor: User, workstation: Workstation, note_id: int, text: str, reason: str
) -> NursingNote:
    """A correction of a diary entry: a new row with the text, superseding it (reason)."""
    return _supersede(
        NursingNote,
        note_id,
        "La nota",
        actor=actor,
        workstation=workstation,
        reason=reason,
        event=events.NOTE_CORRECTED,
        values=lambda old: {
            "kind": old.kind,
            "text": _text(text, field_name="text", label="Testo", required=True),
        },
        audited="text",
    )


# --- monitoring -----------------------------------------------------------------------------


def monitoring_record(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    parameter: str,
    value: object,
    measured_at: datetime | None = None,
    note: str = "",
) -> MonitoringEntry:
    """One monitored value (``domain/monitoring.py``), refused outside its hard limits."""
    require_permission(actor, RECORD)
    patient = patient_get(user=actor, patient_id=patient_id)
    spec, clean = monitoring.ensure_value(parameter, value)
    when = when_recorded(measured_at, field_name="measured_at")
    note_clean = _text(note, field_name="note", label="Nota", required=False, limit=300)
    return _write(
        MonitoringEntry,
        patient.pk,
        when,
        actor=actor,
        workstation=workstation,
        event=events.MONITORING_RECORDED,
        values={"parameter": spec.code, "value": clean, "note": note_clean},
        audited={"parameter": spec.code, "value": str(clean), "measured_at": when.isoformat()},
    )


def monitoring_correct(
    *, actor: User, workstation: Workstation, entry_id: int, value: object, reason: str
) -> MonitoringEntry:
    """A correction of a monitored value (same parameter, same time), with a reason."""

    def values(old: MonitoringEntry) -> dict[str, Any]:
        spec, clean = monitoring.ensure_value(old.parameter, value)
        return {"parameter": spec.code, "value": clean, "note": old.note}

    return _supersede(
        MonitoringEntry,
        entry_id,
        "La rilevazione",
        actor=actor,
        workstation=workstation,
        reason=reason,
        event=events.MONITORING_CORRECTED,
        values=values,
        audited="value",
    )
