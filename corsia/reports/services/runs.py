"""Running a report: the definition's permission checked, the filters parsed, the run done
now or queued as a job (long runs), the patients whose data it holds written in the access
log, a pseudonymised extract audited.

- ``report_run``: the one entry point of the page and the API. A run whose definition says
  it is long (``background(params)``), or whose period is longer than
  ``CORSIA_REPORTS_SYNC_MAX_DAYS``, or asked for ``background``, becomes a ``ReportRun``
  row and the job ``corsia.reports.run_compute`` (deferred when the transaction commits);
  otherwise the result comes back at once.
- ``report_run_compute`` (the job): runs the definition with a progress callback that
  writes the row's percent, stores the result (JSON) or the refusal (Italian message,
  stable code), logs the patients read under the requester's name.
- ``run_result``: a stored run's result for its requester (the page's download), with the
  ids of the patients it names (stored with a result holding patient data, not
  pseudonymised: its PDF is archived naming them).

A definition's computation reads from the read-only replica when one is configured
(``corsia.core.dbrouter.replica_reads``; ``DATABASE_REPLICA_URL``); the access-log rows of
the patients it read, the pseudonymised extract's audit event, the run's row and its
progress are written on the primary, the access log in the transaction that finishes the
run (outside ``replica_reads``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.audit.services import access_log_record_many, audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.dbrouter import replica_reads
from corsia.core.domain.errors import ConflictError, CorsiaError, NotFound
from corsia.reports import audit_events as events
from corsia.reports.domain.definition import (
    Params,
    ReportDefinition,
    ReportResult,
    no_progress,
)
from corsia.reports.domain.params import params_parse
from corsia.reports.domain.pseudonymise import pseudonymised
from corsia.reports.domain.registry import definition_get
from corsia.reports.domain.serial import result_from_json, result_json
from corsia.reports.models import ReportRun, RunState
from corsia.reports.permissions import PSEUDONYMISED

COMPUTE_TASK = "corsia.reports.run_compute"  # tasks.py; deferred by name (a lower layer)
log = logging.getLogger(__name__)

ONLY_PSEUDONYMISERS = "Non hai il permesso di estrarre dati pseudonimizzati per la ricerca."


@dataclass(frozen=True)
class RunOutcome:
    """A run done now (``result``) or queued (``run``, its result stored when done)."""

    definition: ReportDefinition
    params: Params
    result: ReportResult | None
    run: ReportRun | None
    pseudonymised: bool = False


def pseudonym_key() -> bytes:
    """The centre's key for research pseudonyms (``CORSIA_REPORTS_PSEUDONYM_KEY``; unset:
    derived from the secret key, so stable for one installation)."""
    configured = str(getattr(settings, "CORSIA_REPORTS_PSEUDONYM_KEY", "") or "")
    if configured:
        return configured.encode("utf-8")
    secret = str(settings.SECRET_KEY).encode("utf-8")
    return hmac.new(secret, b"corsia.reports.pseudonym", hashlib.sha256).digest()


def _long(definition: ReportDefinition, params: Params) -> bool:
    if definition.background is not None:
        return definition.background(params)
    if params.period_from is None or params.period_to is None:
        return False
    limit = int(getattr(settings, "CORSIA_REPORTS_SYNC_MAX_DAYS", 400))
    return (params.period_to - params.period_from).days > limit


def _what(definition: ReportDefinition) -> str:
    return f"Report «{definition.title}»"[:200]


def _log_patients(
    definition: ReportDefinition,
    result: ReportResult,
    *,
    user: User,
    workstation: Workstation,
    channel: str,
) -> None:
    if definition.holds_patient_data and result.patient_ids:
        access_log_record_many(
            user=user,
            patient_ids=sorted(result.patient_ids),
            what=_what(definition),
            workstation=workstation,
            channel=channel,
        )


def _finish(
    definition: ReportDefinition,
    params: Params,
    result: ReportResult,
    *,
    actor: User,
    workstation: Workstation,
    channel: str,
    pseudonymise: bool,
) -> ReportResult:
    _log_patients(definition, result, user=actor, workstation=workstation, channel=channel)
    if not pseudonymise:
        return result
    audit_record(
        event=events.PSEUDONYMISED_EXTRACTED,
        actor=actor,
        workstation=workstation,
        after={"report": definition.code, "params": params.as_json(), "rows": len(result.rows)},
    )
    return pseudonymised(result, pseudonym_key())


def _defer(run_id: int) -> None:
    from procrastinate import exceptions
    from procrastinate.contrib.django import app

    try:
        with transaction.atomic():  # a savepoint: the lock's refusal must not abort a caller
            app.configure_task(
                COMPUTE_TASK, queue="reports", queueing_lock=f"reports_run_{run_id}"
            ).defer(run_id=run_id)
    except exceptions.AlreadyEnqueued:
        pass
    except Exception:  # the queue unreachable: the run stays queued, visibly
        log.exception("report run %s: job not deferred", run_id)


def report_run(
    *,
    actor: User,
    workstation: Workstation,
    code: str,
    raw: Mapping[str, str],
    channel: str = "web",
    background: bool = False,
    pseudonymise: bool = False,
    today: date | None = None,
) -> RunOutcome:
    """Run the report ``code`` with the filters ``raw`` (text, as typed)."""
    definition = definition_get(code)
    require_permission(actor, definition.permission)
    if pseudonymise:
        require_permission(actor, PSEUDONYMISED, ONLY_PSEUDONYMISERS)
    params = params_parse(definition, raw, today=today or timezone.localdate())
    if background or _long(definition, params):
        with transaction.atomic():
            run = ReportRun.objects.create(
                code=definition.code,
                params=params.as_json(),
                pseudonymised=pseudonymise,
                requested_by=actor,
                requested_at=timezone.now(),
                workstation=workstation_label(workstation)[:120],
                channel=channel[:10],
            )
            audit_record(
                event=events.RUN_QUEUED,
                actor=actor,
                workstation=workstation,
                target=run,
                after={"report": definition.code, "params": params.as_json()},
            )
            transaction.on_commit(lambda: _defer(run.pk))
        return RunOutcome(definition, params, None, run, pseudonymise)
    with replica_reads():  # the definition's reads only: the access log below is the primary's
        result = definition.run(params, no_progress)
    with transaction.atomic():
        result = _finish(
            definition,
            params,
            result,
            actor=actor,
            workstation=workstation,
            channel=channel,
            pseudonymise=pseudonymise,
        )
    return RunOutcome(definition, params, result, None, pseudonymise)


def report_run_compute(*, run_id: int) -> ReportRun | None:
    """The job: run a queued report, its progress written as it goes, the result stored."""
    with transaction.atomic():
        run = (
            ReportRun.objects.select_for_update(skip_locked=True)
            .filter(pk=run_id, state=RunState.QUEUED)
            .first()
        )
        if run is None:
            return None
        run.state = RunState.RUNNING
        run.save(update_fields=["state"])
    definition = definition_get(run.code)
    params = Params.from_json(run.params)

    def progress(percent: int) -> None:
        ReportRun.objects.filter(pk=run.pk).update(progress=max(0, min(100, int(percent))))

    try:
        with replica_reads():  # the progress and everything after it written on the primary
            result = definition.run(params, progress)
        with transaction.atomic():
            result = _finish(
                definition,
                params,
                result,
                actor=run.requested_by,
                workstation=run.workstation,
                channel=run.channel,
                pseudonymise=run.pseudonymised,
            )
            run.result = result_json(result)
            if definition.holds_patient_data and not run.pseudonymised:
                # whom the result names: its PDF is archived naming them (exports.py)
                run.result["patient_ids"] = sorted(result.patient_ids)
            run.state, run.progress = RunState.DONE, 100
            run.finished_at = timezone.now()
            run.save(update_fields=["result", "state", "progress", "finished_at"])
    except CorsiaError as refused:
        run.state, run.error_code, run.error_message = (
            RunState.FAILED,
            refused.code,
            refused.message,
        )
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "error_code", "error_message", "finished_at"])
    return run


def run_get(*, user: User, run_id: int) -> ReportRun:
    """A kept run, for the user who asked for it (anyone else: not found)."""
    run = ReportRun.objects.filter(pk=run_id, requested_by=user).first()
    if run is None:
        raise NotFound("Esecuzione del report non trovata.", code="report_run_not_found")
    require_permission(user, definition_get(run.code).permission)
    return run


def run_result(*, user: User, run_id: int) -> tuple[ReportRun, ReportResult]:
    """A finished run's stored result (not finished yet: ConflictError ``report_run_pending``)."""
    run = run_get(user=user, run_id=run_id)
    if run.state != RunState.DONE or run.result is None:
        raise ConflictError(
            run.error_message or "Il report è ancora in preparazione.",
            code=run.error_code or "report_run_pending",
        )
    named = run.result.get("patient_ids") or ()
    return run, replace(result_from_json(run.result), patient_ids=frozenset(map(int, named)))
