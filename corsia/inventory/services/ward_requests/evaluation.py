"""The pharmacist evaluates a submitted request, line by line: approve, modify the
quantity, refuse, or substitute an equivalent product (each but approve with its reason).
Two pharmacists evaluating the same request at once: the first wins, the second is told
the request was evaluated, by whom and when (the row is locked, the state checked)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.drugs.selectors import products_by_id
from corsia.inventory import audit_events as events
from corsia.inventory.domain import ward_requests as domain
from corsia.inventory.domain.ward_requests import LineDecision, RequestAction
from corsia.inventory.models import WardRequest, WardRequestLine
from corsia.inventory.services.ward_requests.common import (
    EVALUATE,
    EVALUATE_REFUSED,
    locked_request,
    require_step,
    step_record,
)


def ward_request_evaluate(
    *,
    actor: User,
    workstation: Workstation,
    request_id: int,
    decisions: Mapping[int, LineDecision],
    now: datetime,
    version: int | None = None,
    note: str = "",
) -> WardRequest:
    """Every line decided (``decisions``: line id → decision), all or nothing. Refused:
    ``decision_missing`` / ``line_unknown``, the domain's refusals (``reason_required``,
    ``modify_same_quantity``, ``substitute_required``, ``substitute_same_product``,
    ``quantity_invalid``), ``substitute_unknown``; ``request_state_invalid`` (409) when the
    request is no longer waiting for an evaluation (another pharmacist evaluated it)."""
    require_permission(actor, EVALUATE, EVALUATE_REFUSED)
    with transaction.atomic():
        request = locked_request(request_id, version, actor=actor)
        require_step(request, RequestAction.EVALUATE)
        lines = list(
            WardRequestLine.objects.select_for_update().filter(request=request).order_by("position")
        )
        ids = {ln.pk for ln in lines}
        unknown = sorted(set(decisions) - ids)
        if unknown:
            raise ValidationFailed(
                "Decisione per righe che non sono di questa richiesta.",
                code="line_unknown",
                field="decisions",
                details={"lines": unknown},
            )
        missing = [ln.position for ln in lines if ln.pk not in decisions]
        if missing:
            raise ValidationFailed(
                "Decidi ogni riga della richiesta: mancano le righe "
                + ", ".join(str(p) for p in missing)
                + ".",
                code="decision_missing",
                field="decisions",
                details={"positions": missing},
            )
        substitutes = products_by_id(
            d.substitute_product_id
            for d in decisions.values()
            if d.substitute_product_id is not None
        )
        outcomes = []
        for ln in lines:
            decision = decisions[ln.pk]
            try:
                kind = domain.Decision(decision.decision)
            except ValueError:
                raise ValidationFailed(
                    f"Riga {ln.position}: decisione sconosciuta.",
                    code="decision_invalid",
                    field=f"decisions[{ln.pk}].decision",
                ) from None
            outcome = domain.evaluate_line(
                product_id=ln.product_id,
                requested=ln.units_requested,
                decision=decision,
                field=f"decisions[{ln.pk}]",
            )
            if outcome.substitute_product_id is not None and (
                outcome.substitute_product_id not in substitutes
            ):
                raise ValidationFailed(
                    f"Riga {ln.position}: il medicinale sostitutivo non è in archivio.",
                    code="substitute_unknown",
                    field=f"decisions[{ln.pk}].substitute",
                )
            ln.decision = kind.value
            ln.decision_reason = outcome.reason
            ln.units_approved = outcome.units_approved
            ln.substitute_id = outcome.substitute_product_id
            fields = ln.bump(by=actor)
            ln.save(
                update_fields=[
                    "decision",
                    "decision_reason",
                    "units_approved",
                    "substitute",
                    *fields,
                ]
            )
            outcomes.append(outcome)
        state = domain.state_after_evaluation(outcomes)
        step_record(
            request,
            action=RequestAction.EVALUATE,
            state=state,
            event=events.WARD_REQUEST_EVALUATED,
            actor=actor,
            workstation=workstation,
            now=now,
            reason=(note or "").strip()[:500],
            after={
                "lines": [
                    {
                        "position": ln.position,
                        "decision": ln.decision,
                        "approved": ln.units_approved,
                        "substitute": ln.substitute_id,
                        "reason": ln.decision_reason,
                    }
                    for ln in lines
                ]
            },
        )
    return request
