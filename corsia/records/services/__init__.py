"""Use cases of the medical record, one module per clinical act; the public names are
re-exported here. Each checks the permission, validates everything (pure rules in
``domain/``) before writing, writes in a transaction and records its audit event there.
Nothing is deleted and a signed record is never updated."""

from corsia.records.services.anamnesis import Sections, anamnesis_note_sign, anamnesis_sign
from corsia.records.services.diary import (
    DiaryInput,
    diary_entry_correct,
    diary_entry_sign,
)
from corsia.records.services.vitals import (
    VitalsInput,
    WardRound,
    vital_signs_record,
    ward_round_record,
)

__all__ = [
    "DiaryInput",
    "Sections",
    "VitalsInput",
    "WardRound",
    "anamnesis_note_sign",
    "anamnesis_sign",
    "diary_entry_correct",
    "diary_entry_sign",
    "vital_signs_record",
    "ward_round_record",
]
