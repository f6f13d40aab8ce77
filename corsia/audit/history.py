"""Reading the trigger-written change history (django-pghistory) of one record.

A module whose records may be hidden from the people who read histories (a masked
document, oscuramento) registers a :class:`HistoryPolicy` for them with
:func:`register_history_policy`: the history of a hidden record is "not found", like a
record that does not exist, and redacted fields never show their values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pghistory.models
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from corsia.core.actors import User  # the project user model, not accounts: audit is below it
from corsia.core.domain.errors import NotFound


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    label: str
    actor: str
    workstation: str
    url: str
    reason: str
    changes: list[tuple[str, Any, Any]]  # (field, before, after); all fields on insert


REDACTED = "[riservato]"


@dataclass(frozen=True)
class HistoryPolicy:
    """What the history page may show of one record."""

    hidden: bool = False  # the record's history is not shown at all (404)
    redacted: frozenset[str] = frozenset()  # fields whose values are never shown


VISIBLE = HistoryPolicy()
PolicyOf = Callable[[models.Model], HistoryPolicy]
_POLICIES: dict[str, PolicyOf] = {}


def register_history_policy(model_label: str, policy: PolicyOf) -> None:
    """Declare, once, what the history of a model's records may show (``"app.model"``)."""
    label = model_label.lower()
    if label in _POLICIES:
        raise ValueError(f"history policy for {label} registered twice")
    _POLICIES[label] = policy


def history_policy(record: models.Model) -> HistoryPolicy:
    policy = _POLICIES.get(record._meta.label_lower)
    return VISIBLE if policy is None else policy(record)


def _tracked_model(app_label: str, model_name: str) -> type[models.Model]:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise NotFound("Tipo di record sconosciuto.", code="unknown_model") from exc
    tracked = any(
        getattr(event_model, "pgh_tracked_model", None) is model
        for event_model in apps.get_models()
        if issubclass(event_model, pghistory.models.Event)
    )
    if not tracked:
        raise NotFound(
            "Questo tipo di record non ha una storia delle modifiche.", code="not_tracked"
        )
    return model


def record_history(
    *, app_label: str, model_name: str, pk: str
) -> tuple[models.Model, list[HistoryEntry]]:
    """The record and its versions, oldest first, with who/when/where/why and the diff."""
    model = _tracked_model(app_label, model_name)
    try:
        key = model._meta.pk.to_python(pk) if model._meta.pk is not None else None
    except ValidationError:
        key = None  # "abc" for a numeric id: no such record
    record = model._default_manager.filter(pk=key).first() if key is not None else None
    policy = history_policy(record) if record is not None else VISIBLE
    if record is None or policy.hidden:
        # a hidden record is answered exactly like a missing one: no existence oracle
        raise NotFound("Record non trovato.", code="not_found")
    events = list(
        pghistory.models.Events.objects.tracks(record).order_by("pgh_created_at", "pgh_id")
    )
    user_ids = {
        e.pgh_context.get("user") for e in events if e.pgh_context and e.pgh_context.get("user")
    }
    names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=user_ids)}
    entries = []
    for event in events:
        context = event.pgh_context or {}
        if event.pgh_diff:
            changes = [(name, pair[0], pair[1]) for name, pair in sorted(event.pgh_diff.items())]
        else:
            data = event.pgh_data or {}
            changes = [
                (name, None, value)
                for name, value in sorted(data.items())
                if not name.startswith("pgh_")
            ]
        changes = [
            (name, *_redacted(before, after)) if name in policy.redacted else (name, before, after)
            for name, before, after in changes
        ]
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,
                label=event.pgh_label,
                actor=names.get(context.get("user") or 0)
                or str(context.get("username", "sistema")),
                workstation=str(context.get("workstation_ip", "")),
                url=str(context.get("url", "")),
                reason=REDACTED
                if "reason" in policy.redacted and context.get("reason")
                else str(context.get("reason", "")),
                changes=changes,
            )
        )
    return record, entries


def _redacted(before: Any, after: Any) -> tuple[Any, Any]:
    return (None if before is None else REDACTED), (None if after is None else REDACTED)


def patient_id_of(record: models.Model) -> int | None:
    """The patient a record belongs to, for the access log (a patient is its own)."""
    if record._meta.label_lower == "patients.patient":
        return int(record.pk)
    value = getattr(record, "patient_id", None)
    return int(value) if value is not None else None
