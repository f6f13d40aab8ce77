"""Vital signs, and the ward round that writes a diary entry with them in one act.

A reading outside the physiological hard limits (``domain/vitals.py``) is refused with
nothing saved; one inside them but abnormal is saved and flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.core.actors import User, Workstation, require_permission
from corsia.records import audit_events as events
from corsia.records.domain import vitals
from corsia.records.domain.diary import EntryKind
from corsia.records.domain.moments import past_moment
from corsia.records.models import DiaryEntry, VitalSigns
from corsia.records.services._common import row_record
from corsia.records.services.diary import (
    WRITE,
    CleanEntry,
    DiaryInput,
    active_encounter_id,
    diary_input_clean,
    entry_sign,
)

RECORD = "records.record_vitals"
V = vitals.Vital


@dataclass(frozen=True)
class VitalsInput:
    """As typed: strings or numbers (a decimal comma accepted), empty for not measured."""

    systolic_bp: object = None
    diastolic_bp: object = None
    heart_rate: object = None
    temperature_c: object = None
    respiratory_rate: object = None
    spo2: object = None
    pain_nrs: object = None
    measured_at: datetime | None = None

    def raw(self) -> dict[vitals.Vital, object | None]:
        return {v: getattr(self, v.value) for v in vitals.Vital}

    def is_blank(self) -> bool:
        return all(value is None or str(value).strip() == "" for value in self.raw().values())


def _int(value: Decimal | None) -> int | None:
    return None if value is None else int(value)


def _vitals_snapshot(row: VitalSigns, reading: vitals.VitalReading) -> dict[str, Any]:
    found = {v.value: str(reading.value(v)) for v in V if reading.value(v) is not None}
    flagged = {v.value: f.value for v, f in vitals.flags(reading).items()}
    return {
        "id": row.pk,
        "measured_at": row.measured_at.isoformat(),
        **found,
        "flags": flagged,
        "diary_entry": row.diary_entry_id,
    }


def _vitals_create(
    reading: vitals.VitalReading,
    *,
    measured_at: datetime,
    patient_id: int,
    actor: User,
    workstation: Workstation,
    diary_entry: DiaryEntry | None = None,
) -> VitalSigns:
    row = row_record(
        VitalSigns,
        event=events.VITAL_SIGNS_RECORDED,
        actor=actor,
        workstation=workstation,
        after=lambda row: _vitals_snapshot(row, reading),
        patient_id=patient_id,
        measured_at=measured_at,
        systolic_bp=_int(reading.systolic_bp),
        diastolic_bp=_int(reading.diastolic_bp),
        heart_rate=_int(reading.heart_rate),
        temperature_c=reading.temperature_c,
        respiratory_rate=_int(reading.respiratory_rate),
        spo2=_int(reading.spo2),
        pain_nrs=_int(reading.pain_nrs),
        diary_entry=diary_entry,
    )
    return row


def vital_signs_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: VitalsInput
) -> VitalSigns:
    """Record one set of vital signs (physicians and nurses)."""
    require_permission(actor, RECORD)
    reading = vitals.checked_reading(data.raw())
    measured_at = past_moment(data.measured_at, now=timezone.now(), field="measured_at")
    patient_pk, _encounter = active_encounter_id(user=actor, patient_id=patient_id)
    with transaction.atomic():
        return _vitals_create(
            reading,
            measured_at=measured_at,
            patient_id=patient_pk,
            actor=actor,
            workstation=workstation,
        )


@dataclass(frozen=True)
class WardRound:
    entry: DiaryEntry
    vital_signs: VitalSigns | None


def ward_round_record(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    text: str,
    vital_signs: VitalsInput | None = None,
) -> WardRound:
    """The fast ward-round entry: one signed diary entry and, when any is typed, the vital
    signs taken at the bedside, in one transaction (both saved or neither)."""
    require_permission(actor, WRITE)
    now = timezone.now()
    clean: CleanEntry = diary_input_clean(
        DiaryInput(kind=EntryKind.WARD_ROUND.value, text=text), now=now
    )
    reading = None
    if vital_signs is not None and not vital_signs.is_blank():
        require_permission(actor, RECORD)
        reading = vitals.checked_reading(vital_signs.raw())
    patient_pk, encounter_id = active_encounter_id(user=actor, patient_id=patient_id)
    with transaction.atomic():
        entry = entry_sign(
            clean,
            patient_id=patient_pk,
            encounter_id=encounter_id,
            actor=actor,
            workstation=workstation,
        )
        row = None
        if reading is not None:
            row = _vitals_create(
                reading,
                measured_at=clean.written_at,
                patient_id=patient_pk,
                actor=actor,
                workstation=workstation,
                diary_entry=entry,
            )
    return WardRound(entry=entry, vital_signs=row)
