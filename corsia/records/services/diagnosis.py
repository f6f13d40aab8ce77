"""The oncological diagnosis (primary site validated against the ICD-9-CM catalogue), the
performance status, and the loading of the catalogue itself (reference data)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.patients.selectors import patient_get
from corsia.records import audit_events as events
from corsia.records.domain import diagnosis as rules
from corsia.records.domain.moments import past_date
from corsia.records.domain.text import one_line
from corsia.records.models import Diagnosis, Icd9Code, PerformanceStatus
from corsia.records.services._common import row_for_update, row_record
from corsia.records.services.diary import WRITE

ICD9CM_CSV = Path(__file__).resolve().parent.parent / "data" / "icd9cm_it_2007.csv"
Biomarker = rules.Biomarker


# --- reference data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Icd9Load:
    created: int
    updated: int
    unchanged: int
    duplicates: tuple[str, ...] = ()  # codes repeated in the file: the first row kept


def icd9cm_reference_load(*, content: str | None = None) -> Icd9Load:
    """Load (or refresh) the ICD-9-CM catalogue from the shipped CSV; idempotent. New codes
    are created, changed labels updated (pghistory keeps the old), none deleted. A malformed
    row refuses the whole file (nothing written). A code repeated keeps its first row: the
    Ministry's 2007 file repeats procedure 43 with a stray COVID-19 label (data/NOTICE.md)."""
    text = content if content is not None else ICD9CM_CSV.read_text(encoding="utf-8")
    rows: dict[str, tuple[str, str]] = {}
    duplicates: list[str] = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        code = (row.get("code") or "").strip()
        kind = (row.get("kind") or "").strip()
        label = (row.get("description_it") or "").strip()
        if not code or len(code) > 8 or kind not in ("D", "P") or not label:
            raise ValueError(f"ICD-9-CM file, line {line}: malformed row")
        if code in rows:
            duplicates.append(code)
            continue
        rows[code] = (kind, label[:300])
    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {c.code: c for c in Icd9Code.objects.select_for_update()}
        new: list[Icd9Code] = []
        for code, (kind, label) in rows.items():
            found = existing.get(code)
            if found is None:
                new.append(Icd9Code(code=code, kind=kind, description_it=label))
            elif (found.kind, found.description_it) != (kind, label):
                found.kind, found.description_it = kind, label
                found.updated_at = timezone.now()
                found.save(update_fields=["kind", "description_it", "updated_at"])
                updated += 1
            else:
                unchanged += 1
        Icd9Code.objects.bulk_create(new, batch_size=2000)
        created = len(new)
        if created or updated:
            audit_record(
                event=events.ICD9CM_LOADED,
                actor=None,
                workstation=None,
                after={"created": created, "updated": updated, "unchanged": unchanged},
            )
    return Icd9Load(
        created=created, updated=updated, unchanged=unchanged, duplicates=tuple(duplicates)
    )


def icd9_diagnosis_code(raw: str | None) -> Icd9Code:
    """The catalogue's diagnosis code, or an Italian refusal (``icd9_unknown``)."""
    code = rules.icd9_code(raw)
    found = Icd9Code.objects.filter(code=code, kind="D").first()
    if found is None:
        raise ValidationFailed(
            f"Il codice {code} non è nel catalogo ICD-9-CM delle diagnosi (versione 2007).",
            code="icd9_unknown",
            field="primary_site_code",
        )
    return found


# --- diagnosis ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiagnosisInput:
    primary_site_code: str
    diagnosed_on: date | None
    histotype: str = ""
    morphology_icdo3: str = ""
    grade: str = ""
    stage: str = ""
    staging_system: str = ""
    biomarkers: tuple[Biomarker, ...] = field(default_factory=tuple)
    metastases: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Clean:
    site: Icd9Code
    values: dict[str, Any]


def _clean(data: DiagnosisInput) -> _Clean:
    today = timezone.localdate()
    site = icd9_diagnosis_code(data.primary_site_code)
    values: dict[str, Any] = {
        "diagnosed_on": past_date(data.diagnosed_on, today=today, field="diagnosed_on"),
        "histotype": one_line(data.histotype, field="histotype", limit=200, required=False),
        "morphology_icdo3": rules.icdo3_morphology(data.morphology_icdo3),
        "grade": rules.grade(data.grade),
        "stage": one_line(data.stage, field="stage", limit=40, required=False),
        "staging_system": one_line(
            data.staging_system, field="staging_system", limit=60, required=False
        ),
        "biomarkers": [b.as_dict() for b in rules.biomarkers(list(data.biomarkers), today=today)],
        "metastases": rules.metastases(list(data.metastases)),
    }
    return _Clean(site=site, values=values)


def _snapshot(diagnosis: Diagnosis) -> dict[str, Any]:
    return {
        "primary_site": diagnosis.primary_site_id,
        "diagnosed_on": diagnosis.diagnosed_on.isoformat(),
        "histotype": diagnosis.histotype,
        "morphology_icdo3": diagnosis.morphology_icdo3,
        "grade": diagnosis.grade,
        "stage": diagnosis.stage,
        "staging_system": diagnosis.staging_system,
        "biomarkers": diagnosis.biomarkers,
        "metastases": diagnosis.metastases,
        "version": diagnosis.version,
    }


def diagnosis_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: DiagnosisInput
) -> Diagnosis:
    """Record an oncological diagnosis; a code not in the catalogue: nothing saved."""
    require_permission(actor, WRITE)
    patient = patient_get(user=actor, patient_id=patient_id)
    clean = _clean(data)
    with transaction.atomic():
        diagnosis = row_record(
            Diagnosis,
            event=events.DIAGNOSIS_RECORDED,
            actor=actor,
            workstation=workstation,
            after=_snapshot,
            patient_id=patient.pk,
            primary_site=clean.site,
            updated_by=actor,
            **clean.values,
        )
    return diagnosis


def diagnosis_update(
    *,
    actor: User,
    workstation: Workstation,
    diagnosis_id: int,
    data: DiagnosisInput,
    expected_version: int,
) -> Diagnosis:
    """Change a diagnosis built from ``expected_version`` (another change since: refused)."""
    require_permission(actor, WRITE)
    clean = _clean(data)
    with transaction.atomic():
        diagnosis = row_for_update(
            Diagnosis, diagnosis_id, missing="Diagnosi non trovata.", code="diagnosis_not_found"
        )
        diagnosis.check_version(expected_version)
        before = _snapshot(diagnosis)
        diagnosis.primary_site = clean.site
        for name, value in clean.values.items():
            setattr(diagnosis, name, value)
        diagnosis.save(update_fields=["primary_site", *clean.values, *diagnosis.bump(by=actor)])
        audit_record(
            event=events.DIAGNOSIS_UPDATED,
            actor=actor,
            workstation=workstation,
            target=diagnosis,
            patient_id=diagnosis.patient_id,
            before=before,
            after=_snapshot(diagnosis),
        )
    return diagnosis


# --- performance status ---------------------------------------------------------------------------


def performance_status_record(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    scale: str,
    value: int | None,
    assessed_on: date | None = None,
) -> PerformanceStatus:
    """A dated ECOG, Karnofsky (16 years and over) or Lansky (under 16) score."""
    require_permission(actor, WRITE)
    patient = patient_get(user=actor, patient_id=patient_id)
    today = timezone.localdate()
    day = past_date(assessed_on or today, today=today, field="assessed_on") or today
    checked_scale, checked = rules.performance_status(
        scale, value, born=patient.date_of_birth, on=day
    )
    with transaction.atomic():
        row = row_record(
            PerformanceStatus,
            event=events.PERFORMANCE_STATUS_RECORDED,
            actor=actor,
            workstation=workstation,
            after={"scale": checked_scale.value, "value": checked, "assessed_on": day.isoformat()},
            patient_id=patient.pk,
            scale=checked_scale.value,
            value=checked,
            assessed_on=day,
        )
    return row
