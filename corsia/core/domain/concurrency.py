"""Optimistic concurrency: the rule, without the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from corsia.core.domain.errors import ConflictError


@dataclass(frozen=True)
class LastChange:
    version: int
    by: str
    at: datetime


class StaleVersion(ConflictError):
    code = "stale_version"


def ensure_current(*, expected_version: int, current: LastChange) -> None:
    """Refuse a save based on an outdated copy, naming who changed it and when."""
    if expected_version != current.version:
        when = current.at.strftime("%d/%m/%Y %H:%M:%S")
        raise StaleVersion(
            f"Il record è stato modificato da {current.by} il {when} mentre lo stavi "
            "modificando: ricarica la pagina e riapplica le tue modifiche.",
            details={
                "expected_version": expected_version,
                "current_version": current.version,
                "changed_by": current.by,
                "changed_at": current.at.isoformat(),
            },
        )
