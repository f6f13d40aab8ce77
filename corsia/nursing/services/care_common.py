"""What the nursing-process services share: the reason of a change, a row locked at the
version the nurse saw (optimistic locking), a problem still open, the audit record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from corsia.audit.domain.events import EventType
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.nursing.domain.care_plans import MAX_GOAL_DAYS, wording
from corsia.nursing.models import (
    CareGoal,
    CareIntervention,
    CareProblem,
    CareTemplate,
    ProblemStatus,
    Scale,
)

RECORD = "nursing.record_nursing"
_V = TypeVar("_V", CareProblem, CareGoal, CareIntervention)


def reason_of(reason: str) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed("Indica il motivo.", code="reason_required", field="reason")
    return wording(reason, label="Motivo", field="reason", limit=2000)


INT_MAX = 2**31 - 1  # what an id column holds: a larger id names nothing


def fits(pk: object) -> bool:
    return isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk <= INT_MAX


def locked(model: type[_V], pk: int, expected_version: object, what: str) -> _V:
    """The row locked, refused when another user changed it since the nurse read it."""
    row = model.objects.select_for_update(of=("self",)).filter(pk=pk).first() if fits(pk) else None
    if row is None:
        raise NotFound(f"{what} non trovato.", code="not_found")
    if not fits(expected_version) or expected_version != row.version:
        raise ConflictError(
            f"{what} è stato modificato da un altro utente: ricarica la pagina.",
            code="version_conflict",
        )
    return row


def open_problem(problem: CareProblem) -> CareProblem:
    if problem.status != ProblemStatus.OPEN:
        raise ConflictError(
            "Il problema è chiuso: per riprenderlo aprine uno nuovo.", code="problem_closed"
        )
    return problem


def target_date(value: object, plan_start: date, *, field: str = "target_date") -> date:
    """A goal's date: a date, not before the plan began, within a year of it."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationFailed("Indica la data dell'obiettivo.", code="date_invalid", field=field)
    if value < plan_start:
        raise ValidationFailed(
            f"La data dell'obiettivo è prima dell'inizio del piano ({plan_start:%d/%m/%Y}).",
            code="goal_before_plan",
            field=field,
        )
    if (value - plan_start).days > MAX_GOAL_DAYS:
        raise ValidationFailed(
            "La data dell'obiettivo è oltre un anno dall'inizio del piano.",
            code="goal_too_far",
            field=field,
        )
    return value


def bump(row: models.Model, *fields: str) -> None:
    row.version += 1  # type: ignore[attr-defined]
    row.save(update_fields=[*fields, "version"])


def audit(
    event: EventType,
    row: models.Model,
    *,
    actor: User,
    workstation: Workstation,
    after: dict[str, Any],
    patient_id: int | None = None,
    before: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    audit_record(
        event=event,
        actor=actor,
        workstation=workstation,
        target=row,
        patient_id=patient_id,
        before=before,
        after=after,
        reason=reason,
    )


def today() -> date:
    return timezone.localdate()


_D = TypeVar("_D", CareTemplate, Scale)


def new_version_of(
    model: type[_D], code: str, version: str, *, refusal: str, what: str
) -> list[_D]:
    """Before a new version of a scale or a template is written: the code's versions locked,
    the same version number refused (``refusal``), the ones in use withdrawn (returned)."""
    same_code = list(model.objects.select_for_update().filter(code=code))
    if any(row.version == version for row in same_code):
        raise ConflictError(
            f"{what} «{code}» ha già una versione {version}: indica un nuovo numero di versione.",
            code=refusal,
            field="version",
        )
    withdraw(row for row in same_code if row.active)
    return same_code


def withdraw(rows: Iterable[models.Model]) -> None:
    now = timezone.now()
    for row in rows:
        row.active = False  # type: ignore[attr-defined]
        row.updated_at = now  # type: ignore[attr-defined]
        row.save(update_fields=["active", "updated_at"])


@dataclass(frozen=True)
class Activation:
    """What putting a catalogue version in use or withdrawing it needs: its rows, the
    permission, the audit event, the refusal when the id names nothing."""

    model: type[models.Model]
    permission: str
    event: EventType
    missing: str
    missing_code: str


def set_active(
    what: Activation, *, actor: User, workstation: Workstation, pk: int, active: bool, reason: str
) -> Any:
    """A catalogue version (a scale, a care-plan template) put in use — the code's other
    versions withdrawn — or withdrawn, with its reason, audited; the rows that used it keep
    it."""
    require_permission(actor, what.permission)
    why = reason_of(reason)
    with transaction.atomic():
        rows = what.model.objects.select_for_update()  # type: ignore[attr-defined]
        row = rows.filter(pk=pk).first() if fits(pk) else None
        if row is None:
            raise NotFound(what.missing, code=what.missing_code)
        if row.active == active:
            return row
        if active:
            withdraw(rows.filter(code=row.code, active=True))
        row.active = active
        row.updated_at = timezone.now()
        row.save(update_fields=["active", "updated_at"])
        change: dict[str, Any] = {"before": {"active": not active}, "after": {"active": active}}
        audit(what.event, row, actor=actor, workstation=workstation, reason=why, **change)
    return row
