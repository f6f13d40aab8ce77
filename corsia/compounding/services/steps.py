"""What every act at the UFA shares: the permission names, the clock, the preparation
row locked for the act, a step of the preparation's transition table, the versioned save
and the order's milestones (recorded through prescribing's idempotent entry point)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from corsia.compounding.domain.workflow import PrepEvent, PrepState, prep_next_state
from corsia.compounding.models import Preparation
from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import NotFound
from corsia.prescribing.domain.states import OrderMilestone
from corsia.prescribing.services import order_milestone_record

VIEW = "compounding.view_workplan"
VALIDATE = "compounding.validate"
RELEASE = "compounding.release"
PREPARE = "compounding.prepare"

MG_STEP = Decimal("0.0001")
ML_STEP = Decimal("0.01")
DOSE_TOLERANCE_MG = Decimal("0.1")  # the planner's unit: a dose is covered to 0.1 mg


def clock(now: datetime | None) -> datetime:
    """``now`` when the caller fixes it (tests, imports), else the clock."""
    return now if now is not None else timezone.now()


def locked_preparation(preparation_id: int, *, also: tuple[str, ...] = ()) -> Preparation:
    """The preparation (with its line's ingredient, product and order, and the relations
    ``also`` names), row locked."""
    prep = (
        Preparation.objects.select_for_update(of=("self",))
        .select_related("order_item__ingredient", "product__ingredient", "order", *also)
        .filter(pk=preparation_id)
        .first()
    )
    if prep is None:
        raise NotFound("Preparazione inesistente.", code="preparation_not_found")
    return prep


def locked_preparations(preparation_ids: Iterable[int]) -> list[Preparation]:
    """The preparations (as :func:`locked_preparation`), every row locked in one query (in
    id order, as any other act locking several), returned in the order asked; one that
    does not exist refuses them all."""
    wanted = list(preparation_ids)
    found = {
        p.pk: p
        for p in Preparation.objects.select_for_update(of=("self",))
        .select_related("order_item__ingredient", "product__ingredient", "order")
        .filter(pk__in=wanted)
        .order_by("pk")
    }
    if any(pk not in found for pk in wanted):
        raise NotFound("Preparazione inesistente.", code="preparation_not_found")
    return [found[pk] for pk in wanted]


def fire(prep: Preparation, event: PrepEvent) -> list[str]:
    """Move the preparation by the transition table (refused: ``InvalidTransition``);
    returns the fields to save."""
    prep.state = prep_next_state(PrepState(prep.state), event).value
    return ["state"]


def save_preparation(prep: Preparation, actor: User, fields: Iterable[str]) -> None:
    prep.save(update_fields=[*set(fields), *prep.bump(by=actor)])


def milestone_record(
    actor: User, workstation: Workstation, order_id: int, milestone: OrderMilestone, source: str
) -> None:
    """Record a milestone of the loop on the order (prescribing's idempotent entry point:
    a multi-day order already past it after its first day is left alone)."""
    order_milestone_record(
        actor=actor,
        workstation=workstation,
        order_id=order_id,
        milestone=milestone,
        source=source,
    )
