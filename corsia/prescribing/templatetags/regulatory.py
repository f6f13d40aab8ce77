"""``{% regulatory_panel order %}``: the order's AIFA registry, 648/96 and off-label
documentation, with the physician's forms (an unsigned order) or the pharmacist's override
(missing documentation) — on the order page and the pharmacist's validation screen."""

from __future__ import annotations

from typing import Any

from django import template

from corsia.prescribing.selectors_regulatory import order_requirements
from corsia.prescribing.services import PRESCRIBE
from corsia.prescribing.services.regulatory import PHARMACIST

register = template.Library()


@register.inclusion_tag("prescribing/partials/regulatory.html", takes_context=True)
def regulatory_panel(context: dict[str, Any], order: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    rows = order_requirements(order.pk)
    return {
        "order": order,
        "rows": rows,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "may_document": order.signed_at is None and user is not None and user.has_perm(PRESCRIBE),
        "may_override": user is not None
        and user.has_perm(PHARMACIST)
        and any(r.missing and not r.requirement.override_reason for r in rows),
    }
