"""Reads of the patient's pharmacogenomic results: the current result per gene, as frozen
facts for another module (prescribing's alert; the caller checks its own permission and logs
its own read), and every result for the patient's page and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from corsia.audit.services import access_log_record
from corsia.core.access_cache import per_request
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.read_together import ReadPart
from corsia.patients.domain.pgx import Gene, PgxResultFacts, Phenotype, ResultStatus
from corsia.patients.models import Patient
from corsia.patients.models_pgx import PgxResult
from corsia.patients.selectors import VIEW, patient_get


def _facts(result: PgxResult) -> PgxResultFacts:
    return PgxResultFacts(
        id=result.pk,
        gene=Gene(result.gene),
        phenotype=Phenotype(result.phenotype),
        activity_score=result.activity_score,
        diplotype=result.diplotype,
        report_date=result.report_date,
        laboratory=result.laboratory,
    )


def _current(results: list[PgxResult]) -> dict[str, PgxResult]:
    """The latest valid report per gene (by report date, then the later recorded)."""
    current: dict[str, PgxResult] = {}
    for result in sorted(results, key=lambda r: (r.report_date, r.pk)):
        if result.status == ResultStatus.VALID.value:
            current[result.gene] = result
    return current


def pgx_current(*, patient_id: int) -> tuple[PgxResultFacts, ...]:
    """The patient's current result for each gene: the latest valid report (a newer one
    supersedes, one entered in error counts for nothing), by gene. For another module's
    service (the checks at prescription): the caller checks its permission and logs."""

    # a page reads them for the findings and for the results since the prescription
    return per_request(
        ("pgx_current", patient_id), pgx_current_read(patient_id=patient_id).evaluate
    )


def pgx_current_read(*, patient_id: int) -> ReadPart[tuple[PgxResultFacts, ...]]:
    """The batched variant of :func:`pgx_current` (``corsia.core.read_together``, with
    other modules' reads of a page): the results are kept for the rest of the read-only
    request, where :func:`pgx_current` answers them."""
    valid = PgxResult.objects.filter(patient_id=patient_id, status=ResultStatus.VALID.value)

    def decode(results: list[list[Any]]) -> tuple[PgxResultFacts, ...]:
        current = tuple(_facts(r) for _, r in sorted(_current(results[0]).items()))
        return per_request(("pgx_current", patient_id), lambda: current)

    return ReadPart(querysets=(valid,), decode=decode)


def pgx_current_many(*, patient_ids: Iterable[int]) -> dict[int, tuple[PgxResultFacts, ...]]:
    """:func:`pgx_current` of many patients in one query (a list page: the pharmacy's work
    plan); every patient asked is in the answer (``()``: no result)."""
    wanted = sorted(set(patient_ids))
    by_patient: dict[int, list[PgxResult]] = {pk: [] for pk in wanted}
    for result in PgxResult.objects.filter(patient_id__in=wanted, status=ResultStatus.VALID.value):
        by_patient[result.patient_id].append(result)
    return {
        pk: tuple(_facts(r) for _, r in sorted(_current(results).items()))
        for pk, results in by_patient.items()
    }


@dataclass(frozen=True)
class PgxRow:
    result: PgxResult
    current: bool  # the one that applies for its gene
    superseded: bool  # valid, but a newer report for the gene applies


@dataclass(frozen=True)
class PgxOverview:
    patient: Patient
    current: tuple[PgxResultFacts, ...]
    rows: list[PgxRow]  # every result: by gene, the newest report first


def pgx_records(patient: Patient) -> PgxOverview:
    """The results part of a page whose read of the patient is already logged."""
    results = list(
        PgxResult.objects.filter(patient=patient).select_related("recorded_by", "status_changed_by")
    )
    current = _current(results)
    rows = [
        PgxRow(
            result=r,
            current=current.get(r.gene) is r,
            superseded=r.status == ResultStatus.VALID.value and current.get(r.gene) is not r,
        )
        for r in sorted(results, key=lambda r: (r.gene, -r.report_date.toordinal(), -r.pk))
    ]
    return PgxOverview(
        patient=patient,
        current=tuple(_facts(r) for _, r in sorted(current.items())),
        rows=rows,
    )


def pgx_overview(
    *, user: User, patient_id: int, workstation: Workstation, channel: str = "web"
) -> PgxOverview:
    """Every pharmacogenomic result of the patient; writes the access log."""
    require_permission(user, VIEW)
    patient = patient_get(user=user, patient_id=patient_id)
    access_log_record(
        user=user,
        patient_id=patient.pk,
        what="risultati farmacogenomici",
        workstation=workstation,
        channel=channel,
    )
    return pgx_records(patient)
