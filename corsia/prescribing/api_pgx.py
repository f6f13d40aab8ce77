"""The pharmacogenomic proposals of an order that the pages offer, as API operations
(/api/v1/orders/{id}/pgx/...): CPIC's three days a week for a thiopurine (H67). The dose
(``/pgx/apply-suggested``) and the acknowledgement (``/pgx/acknowledge``) are in
``api_orders.py``. No ``from __future__ import annotations`` (ninja resolves annotations
at runtime)."""

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from corsia.core.access import api_perm
from corsia.core.schemas import BoundedInt, IsoDate, RecordId
from corsia.core.web import acting
from corsia.prescribing import selectors, services

router = Router(tags=["orders"])


class ThriceWeeklyIn(Schema):
    ingredient_id: RecordId
    expected_version: BoundedInt  # required: a blind edit is refused (expected_version_required)
    confirmed: bool = Field(
        default=False,
        description="the physician confirms the proposal; without it nothing is written and "
        "the answer is 422 pgx_thrice_weekly_confirm carrying the proposal "
        "(details.keep, details.skip: the days)",
    )


class PlanDayOut(Schema):
    item_id: int
    date: IsoDate


class ThriceWeeklyOut(Schema):
    order_id: int
    version: int
    kept: list[PlanDayOut]
    skipped: list[PlanDayOut]
    summary: str


@router.post("/{order_id}/pgx/thrice-weekly", response=ThriceWeeklyOut)
@api_perm(services.PRESCRIBE)
def order_pgx_thrice_weekly(
    request: HttpRequest, order_id: RecordId, payload: ThriceWeeklyIn
) -> ThriceWeeklyOut:
    """CPIC's «three times a week instead of daily» for a TPMT / NUDT15 poor metaboliser on
    a thiopurine: the drug's lines off Monday, Wednesday and Friday skipped (reason naming
    the gene and CPIC; the dose unchanged), once the physician confirms — the page's «Tre
    volte a settimana», the same service and permission (``prescribing.prescribe``), on an
    order still editable (draft). 422 ``pgx_thrice_weekly_confirm`` without ``confirmed``
    (the proposal in ``details``, nothing written), ``pgx_no_thrice_weekly`` (the
    pharmacogenomics does not say so for this drug), ``pgx_thrice_weekly_no_day`` (no day
    on Monday, Wednesday or Friday), ``pgx_thrice_weekly_already`` (applied already);
    409 ``stale_version``; the refusals of an order that is no longer editable."""
    plan = services.order_pgx_apply_thrice_weekly(
        **acting(request),
        order_id=order_id,
        ingredient_id=payload.ingredient_id,
        confirmed=payload.confirmed,
        expected_version=payload.expected_version,
    )
    edited = selectors.order_find(order_id)  # its new version, for the next edit
    return ThriceWeeklyOut(
        order_id=order_id,
        version=edited.version if edited else 0,
        kept=[PlanDayOut(item_id=pk, date=day) for pk, day in plan.keep],
        skipped=[PlanDayOut(item_id=pk, date=day) for pk, day in plan.skip],
        summary=plan.summary_it(),
    )
