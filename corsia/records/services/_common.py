"""What every clinical act of the record does when it writes: the new row stamped with who
wrote it and where, with its audit event in the same transaction; a row locked before it is
changed. Each service still checks its permission, validates and opens its own
``transaction.atomic()``; these run inside it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import models

from corsia.audit.domain.events import EventType
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, workstation_label
from corsia.core.domain.errors import NotFound

M = TypeVar("M", bound=models.Model)

# What the audit row keeps of the new row: a snapshot function, or the values themselves.
After = Mapping[str, Any] | Callable[[Any], Mapping[str, Any]]


def stamp(workstation: Workstation) -> str:
    """The workstation as the row keeps it (its column holds 120 characters)."""
    return workstation_label(workstation)[:120]


def row_record(
    model: type[M],
    *,
    event: EventType,
    actor: User,
    workstation: Workstation,
    after: After,
    before: Mapping[str, Any] | None = None,
    reason: str = "",
    writer: str = "recorded_by",
    **fields: Any,
) -> M:
    """Insert a row of the patient's record written by ``actor`` (in the column ``writer``)
    at ``workstation``, and its audit event (``before`` and ``reason`` when the new row
    replaces another). ``fields`` must hold ``patient_id``."""
    row = model._default_manager.create(**{writer: actor}, workstation=stamp(workstation), **fields)
    audit_record(
        event=event,
        actor=actor,
        workstation=workstation,
        target=row,
        patient_id=fields["patient_id"],
        before=None if before is None else dict(before),
        after=dict(after(row) if callable(after) else after),
        reason=reason,
    )
    return row


def row_for_update(
    model: type[M],
    pk: int,
    *,
    related: tuple[str, ...] = ("updated_by",),
    missing: str,
    code: str,
) -> M:
    """The row locked until the transaction ends (its own row only, not the related ones);
    none: ``NotFound`` with the Italian ``missing`` and the stable ``code``."""
    row = (
        model._default_manager.select_for_update(of=("self",))
        .select_related(*related)
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFound(missing, code=code)
    return row
