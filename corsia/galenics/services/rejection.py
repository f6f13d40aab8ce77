"""A batch rejected by a pharmacist: a quality control failed, or any other reason, typed.

A rejected batch is read-only: never released, never dispensed, no label. The stock is
unloaded only at the release, so a batch rejected before it still holds, in the ledger,
the raw materials its preparer has already weighed and used: the rejection takes them
out of the stock as **waste** (``services/waste.py``: the lot weighed, the units rounded
up as the release does, charged to the batch's cost centre, the reason the rejection's).
A line the stock cannot give (the lot no longer there, too few units, no stock
permission) is still rejected: the line records the stock's refusal code and the
storekeeper corrects the count; the rejection itself never fails on the stock.

The batch is locked (``select_for_update``) as the release locks it: a release and a
rejection at once are one after the other, and the second is refused
(``batch_already_released``, ``batch_rejected``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError
from corsia.galenics import audit_events as events
from corsia.galenics.domain.batch import qc_gaps
from corsia.galenics.models import Batch, BatchLine, BatchState
from corsia.galenics.permissions import RELEASE
from corsia.galenics.services.batches import last_results
from corsia.galenics.services.common import batch_for_update, clean_text, clock
from corsia.galenics.services.waste import weighed_to_waste

REJECT_REFUSED = "Non hai il permesso di respingere i lotti galenici."
REASON_LIMIT = 1000


def _waste(
    batch: Batch, line: BatchLine, reason: str, actor: User, workstation: Workstation
) -> dict[str, Any]:
    """The weighed amount of ``line`` out of the stock as waste (a refusal of the stock
    leaves the rest of the rejection standing)."""
    assert line.weighed is not None and batch.rejected_at is not None
    wasted = weighed_to_waste(
        batch=batch, line=line, weighed=line.weighed, unit=line.unit, lot=line.lot,
        reason=f"Lotto galenico {batch.number} respinto: {reason}", moment=batch.rejected_at,
        actor=actor, workstation=workstation,
    )  # fmt: skip
    outcome: dict[str, Any] = {"product": line.product_id, "lot": line.lot, "units": wasted.units}
    if not wasted.done:
        line.waste_refusal = wasted.refusal
        line.save(update_fields=["waste_refusal"])
        return {**outcome, "wasted": False, "refusal": wasted.refusal}
    line.wasted_units = wasted.units
    line.save(update_fields=["wasted_units"])
    return {**outcome, "wasted": True}


def batch_reject(
    *,
    actor: User,
    workstation: Workstation,
    batch_id: int,
    reason: str,
    now: datetime | None = None,
) -> Batch:
    """The pharmacist rejects a batch in preparation or waiting for the release (a
    control failed, or another reason, required): it becomes read-only and is never
    released or dispensed; the raw materials already weighed are unloaded as waste.
    Refusals: ``reason_required``, ``batch_already_released``, ``batch_rejected``
    (already rejected), ``permission_denied``."""
    require_permission(actor, RELEASE, REJECT_REFUSED)
    text = clean_text(
        reason, "reason", limit=REASON_LIMIT, required="Indica il motivo del rifiuto del lotto."
    )
    moment = clock(now)
    with transaction.atomic():
        batch = batch_for_update(batch_id)
        if batch.state == BatchState.RELEASED:
            raise ConflictError(
                "Il lotto è già stato rilasciato: non si può più respingere.",
                code="batch_already_released",
            )
        if batch.state == BatchState.REJECTED:
            raise ConflictError("Il lotto è già stato respinto.", code="batch_rejected")
        before = {"state": batch.state}
        failed = [
            gap.control
            for gap in qc_gaps(batch.formula.quality_controls, last_results(batch))
            if gap.problem == "failed"
        ]
        batch.state, batch.rejected_by, batch.rejected_at = BatchState.REJECTED, actor, moment
        batch.rejection_reason = text
        batch.save(
            update_fields=[
                "state", "rejected_by", "rejected_at", "rejection_reason", *batch.bump(by=actor)
            ]
        )  # fmt: skip
        weighed = batch.lines.select_related("product", "ingredient").filter(weighed__isnull=False)
        waste = [_waste(batch, line, text, actor, workstation) for line in weighed]
        audit_record(
            event=events.BATCH_REJECTED,
            actor=actor,
            workstation=workstation,
            target=batch,
            patient_id=batch.patient_id,
            before=before,
            after={"batch": batch.number, "qc_failed": failed, "waste": waste},
            reason=text,
        )
    return batch
