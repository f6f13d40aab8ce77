"""The thiopurine's frequency proposed at three days a week (CPIC: TPMT / NUDT15 poor
metaboliser, "thrice weekly instead of daily", H67), applied only when the physician
confirms it: the lines of the drug on a Tuesday, Thursday, Saturday or Sunday are skipped
(``ItemStatus.SKIPPED``, the reason naming the gene and CPIC), as a typed edit of the
order, audited (``prescribing.item_status``). The dose is the barrier's business
(``order_pgx_apply_suggested``, the override or acknowledgement): Corsia changes neither
by itself."""

from __future__ import annotations

from django.db import transaction

from corsia.core.actors import User, Workstation
from corsia.core.domain.errors import ValidationFailed
from corsia.prescribing import audit_events as events
from corsia.prescribing.cumulative import order_cumulative_refresh
from corsia.prescribing.domain.pgx_frequency import ThriceWeeklyPlan, thrice_weekly_plan
from corsia.prescribing.models import ItemStatus, TherapyOrder
from corsia.prescribing.services.orders import editable_order, order_edit_saved
from corsia.prescribing.services.pgx_check import order_pgx_findings


def _plan(order: TherapyOrder, ingredient_id: int) -> tuple[ThriceWeeklyPlan, str]:
    findings = [
        f
        for f in order_pgx_findings(order, order.items.select_related("ingredient"))
        if f.ingredient_id == ingredient_id and f.thrice_weekly
    ]
    if not findings:
        raise ValidationFailed(
            "La farmacogenomica non indica per questo farmaco la frequenza di tre volte a "
            "settimana.",
            code="pgx_no_thrice_weekly",
            field="ingredient_id",
        )
    lines = order.items.filter(ingredient_id=ingredient_id, status=ItemStatus.ACTIVE)
    plan = thrice_weekly_plan((i.pk, i.scheduled_date) for i in lines)
    finding = findings[0]
    return plan, f"{finding.reason}: frequenza ridotta a tre volte a settimana (CPIC)"


def order_pgx_apply_thrice_weekly(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    ingredient_id: int,
    confirmed: bool = False,
    expected_version: int | None = None,
) -> ThriceWeeklyPlan:
    """Skip the drug's lines off Monday, Wednesday and Friday, once the physician confirms.

    Without ``confirmed`` nothing is written: the refusal ``pgx_thrice_weekly_confirm``
    carries the proposal (days kept and skipped) for the physician to read. Refused when
    no day would be kept (``pgx_thrice_weekly_no_day``: the physician moves the days) or
    the drug already runs at most on those days (``pgx_thrice_weekly_already``)."""
    with transaction.atomic():
        order = editable_order(actor, order_id, expected_version)
        plan, reason = _plan(order, ingredient_id)
        if not plan.keep:
            raise ValidationFailed(
                "Nessun giorno del farmaco cade di lunedì, mercoledì o venerdì: adeguare i "
                "giorni a mano.",
                code="pgx_thrice_weekly_no_day",
            )
        if not plan.changes:
            raise ValidationFailed(
                "Il farmaco è già prescritto al più tre volte a settimana (lunedì, mercoledì, "
                "venerdì).",
                code="pgx_thrice_weekly_already",
            )
        details = {
            "keep": [d.isoformat() for _, d in plan.keep],
            "skip": [d.isoformat() for _, d in plan.skip],
        }
        if not confirmed:
            raise ValidationFailed(
                f"Proposta: {plan.summary_it()}. La dose non cambia. Confermare per applicarla.",
                code="pgx_thrice_weekly_confirm",
                field="confirmed",
                details=details,
            )
        skipped = [pk for pk, _ in plan.skip]
        order.items.filter(pk__in=skipped).update(status=ItemStatus.SKIPPED, status_reason=reason)
        order_cumulative_refresh(order)
        order_edit_saved(
            order,
            actor,
            workstation,
            events.ORDER_ITEM_STATUS,
            after={"items": skipped, "status": ItemStatus.SKIPPED.value, **details},
            reason=reason,
        )
    return plan
