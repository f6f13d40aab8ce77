"""Pharmacogenomic results: recorded once (a newer one for the same gene supersedes it) or
marked entered in error with the reason, never deleted (``domain/pgx.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients import audit_events as events
from corsia.patients.domain.allergies import ensure_reason
from corsia.patients.domain.pgx import ResultStatus, pgx_choice
from corsia.patients.models import Patient
from corsia.patients.models_pgx import PgxResult
from corsia.patients.services.patient import ensure_not_merged, locked_patient, today

RECORD_PGX = "patients.record_pgx_result"


@dataclass(frozen=True)
class PgxInput:
    gene: str  # a Gene value: DPYD, TPMT, NUDT15, UGT1A1
    phenotype: str  # a Phenotype value: intermediate_metabolizer …
    report_date: date | None
    activity_score: Decimal | str | None = None  # DPYD only: 0, 0.5, 1, 1.5, 2
    diplotype: str = ""  # as reported: "c.1905+1G>A/wt", "*1/*3A"
    laboratory: str = ""
    notes: str = ""


def snapshot(result: PgxResult) -> dict[str, Any]:
    return {
        "gene": result.gene,
        "phenotype": result.phenotype,
        "activity_score": None if result.activity_score is None else str(result.activity_score),
        "diplotype": result.diplotype,
        "report_date": result.report_date.isoformat(),
        "laboratory": result.laboratory,
        "status": result.status,
    }


def pgx_result_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: PgxInput
) -> PgxResult:
    """Record one gene's result as the laboratory reported it. The patient's earlier valid
    result for the gene stays, superseded by the newer report (by report date)."""
    require_permission(
        actor, RECORD_PGX, "Il tuo ruolo non può registrare risultati farmacogenomici."
    )
    choice = pgx_choice(
        gene=data.gene,
        phenotype=data.phenotype,
        activity_score=data.activity_score,
        diplotype=data.diplotype,
        report_date=data.report_date,
        laboratory=data.laboratory,
        notes=data.notes,
        today=today(),
    )
    with transaction.atomic():
        patient = locked_patient(patient_id)
        ensure_not_merged(patient)
        result = PgxResult.objects.create(
            patient=patient,
            gene=choice.gene.value,
            phenotype=choice.phenotype.value,
            activity_score=choice.activity_score,
            diplotype=choice.diplotype,
            report_date=choice.report_date,
            laboratory=choice.laboratory,
            notes=choice.notes,
            recorded_by=actor,
            workstation=workstation_label(workstation),
        )
        audit_record(
            event=events.PGX_RESULT_RECORDED,
            actor=actor,
            workstation=workstation,
            target=result,
            patient_id=patient.pk,
            after=snapshot(result),
        )
    return result


def pgx_result_enter_in_error(
    *, actor: User, workstation: Workstation, patient_id: int, result_id: int, reason: str
) -> PgxResult:
    """The result was entered in error (wrong patient, gene or value): kept, with the
    reason, who and when; it counts for nothing (the previous valid one applies again)."""
    require_permission(
        actor, RECORD_PGX, "Il tuo ruolo non può modificare i risultati farmacogenomici."
    )
    text = ensure_reason(reason, what="segnare il risultato come registrato per errore")
    with transaction.atomic():
        result = (
            PgxResult.objects.select_for_update(of=("self",))
            .filter(pk=result_id, patient_id=patient_id)
            .first()
        )
        if result is None:
            raise NotFound("Risultato farmacogenomico non trovato.", code="pgx_result_not_found")
        if result.status != ResultStatus.VALID.value:
            raise ValidationFailed(
                "Il risultato è già segnato come registrato per errore.",
                code="pgx_result_already_in_error",
            )
        before = snapshot(result)
        result.status = ResultStatus.ENTERED_IN_ERROR.value
        result.status_reason = text
        result.status_changed_at = timezone.now()
        result.status_changed_by = actor
        result.save(
            update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"]
        )
        audit_record(
            event=events.PGX_RESULT_ENTERED_IN_ERROR,
            actor=actor,
            workstation=workstation,
            target=result,
            patient_id=result.patient_id,
            before=before,
            after=snapshot(result),
            reason=text,
        )
    return result


def pgx_results_move(*, survivor: Patient, duplicate: Patient) -> list[int]:
    """A merge: the duplicate's results go to the survivor (in the merge's transaction).
    Which one applies is decided at each read (the latest valid report per gene)."""
    ids = sorted(duplicate.pgx_results.values_list("pk", flat=True))
    PgxResult.objects.filter(pk__in=ids).update(patient=survivor)
    return ids
