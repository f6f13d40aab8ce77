"""Blocking the order: its lines marked when the cycle exceeds a limit (and released), and
the re-check at confirmation, validation and taking in charge under a lock on the patient."""

from __future__ import annotations

from decimal import Decimal

from corsia.core.domain.errors import NotFound
from corsia.patients.selectors import patient_record
from corsia.prescribing.cumulative.counting import order_cumulative
from corsia.prescribing.cumulative.limits import BLOCK_CODE, NEAR_CODE
from corsia.prescribing.domain.cumulative import (
    Tally,
    ensure_within,
)
from corsia.prescribing.models import ItemStatus, OrderItem, TherapyOrder


def order_cumulative_refresh(order: TherapyOrder) -> list[Tally]:
    """Recompute the limits and mark the order's lines: a line of a drug whose limit the
    cycle exceeds is blocked (``cumulative_dose_exceeded``) until a physician overrides it
    with a reason (``order_item_adjust``); a line no longer over the limit is released.

    Each block warning keeps the limit and the total it was raised for; an override
    covers that total only: if the total grows, the override is withdrawn and asked again.
    """
    tallies = order_cumulative(order)
    exceeded = [t for t in tallies if t.exceeded]
    near = [t for t in tallies if t.near_limit]
    for item in order.items.select_related("ingredient"):
        code = item.ingredient.code
        over = [t for t in exceeded if t.limit.counts(code)]
        close = [t for t in near if t.limit.counts(code)]
        kept = [w for w in item.warnings if w.get("code") not in (BLOCK_CODE, NEAR_CODE)]
        fields = {"warnings"}
        blocks: list[dict[str, str]] = []
        if over and item.status == ItemStatus.ACTIVE:
            for result in over:
                total = result.total
                covered = _overridden_total(item, result.limit.key)
                if item.block_code == BLOCK_CODE and item.override_reason:
                    if covered is not None and total <= covered:
                        total = covered  # the override still covers it: keep what it covered
                    else:
                        item.override_reason = ""  # the total grew: a new override is needed
                        fields.add("override_reason")
                blocks.append(
                    {
                        "code": BLOCK_CODE,
                        "message": f"Dose cumulativa oltre il limite. {result.describe()}.",
                        "limit": result.limit.key,
                        "total": str(total),
                    }
                )
            if item.block_code == "" and item.override_reason:
                item.override_reason = ""  # a new block (e.g. after a recalculation): ask again
                fields.add("override_reason")
            if item.block_code in ("", BLOCK_CODE):
                item.block_code = BLOCK_CODE
                item.block_message = " ".join(b["message"] for b in blocks)
                fields |= {"block_code", "block_message"}
        elif item.block_code == BLOCK_CODE:
            item.block_code = item.block_message = ""
            fields |= {"block_code", "block_message"}
        near_warnings = [
            {
                "code": NEAR_CODE,
                "message": f"Dose cumulativa al {t.pct_of_limit:.0f} % del limite. {t.describe()}.",
            }
            for t in close
        ]
        item.warnings = kept + blocks + near_warnings
        item.save(update_fields=sorted(fields))
    return tallies


def _overridden_total(item: OrderItem, key: str) -> Decimal | None:
    for w in item.warnings:
        if w.get("code") == BLOCK_CODE and w.get("limit") == key and w.get("total"):
            return Decimal(w["total"])
    return None


def order_cumulative_ensure(*, order_id: int) -> list[Tally]:
    """Re-check the order against the patient's history NOW (confirmation, pharmacist
    validation, taking in charge). Raises ``CumulativeDoseExceeded`` when a limit is
    exceeded and the order's lines of that drug do not all carry a physician override
    given for a total at least as large. Locks the patient for the rest of the
    transaction, so a second draft checked at the same time waits and sees the first."""
    order = TherapyOrder.objects.filter(pk=order_id).first()
    if order is None:
        raise NotFound("Prescrizione inesistente.", code="order_not_found")
    # the patient's row locked: two drafts confirmed at once are checked one after the other
    patient_record(patient_id=order.patient_id, lock=True)
    tallies = order_cumulative(order)
    items = list(order.items.filter(status=ItemStatus.ACTIVE).select_related("ingredient"))
    for result in tallies:
        if not result.exceeded:
            continue
        mine = [i for i in items if result.limit.counts(i.ingredient.code)]
        covered = [
            i
            for i in mine
            if i.block_code == BLOCK_CODE
            and i.override_reason
            and (_overridden_total(i, result.limit.key) or Decimal(0)) >= result.total
        ]
        if mine and len(covered) == len(mine):
            continue  # the physician exceeded it knowingly, for this total
        ensure_within(result)
    return tallies
