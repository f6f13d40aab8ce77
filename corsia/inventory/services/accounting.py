"""Consumption by cost centre exported for the hospital's accounting (CSV or JSON for a
period), audited like the File F extraction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.inventory import audit_events as events
from corsia.inventory import selectors
from corsia.inventory.domain.accounting import ConsumptionLine, consumption_csv
from corsia.inventory.services.lots import VIEW


@dataclass(frozen=True)
class ConsumptionExport:
    since: date
    until: date
    lines: list[ConsumptionLine]

    def csv_bytes(self) -> bytes:
        return "\ufeff".encode() + consumption_csv(self.lines).encode("utf-8")


def consumption_export(
    *, actor: User, workstation: Workstation, since: date, until: date
) -> ConsumptionExport:
    require_permission(actor, VIEW, "Non hai il permesso di esportare i consumi.")
    lines = selectors.consumption_lines(since=since, until=until)
    audit_record(
        event=events.CONSUMPTION_EXPORTED,
        actor=actor,
        workstation=workstation,
        target=None,
        after={"since": since.isoformat(), "until": until.isoformat(), "rows": len(lines)},
    )
    return ConsumptionExport(since=since, until=until, lines=lines)
