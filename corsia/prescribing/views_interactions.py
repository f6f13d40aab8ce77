"""The order page's acknowledgement of the interactions with the patient's other therapies
(H59): the same service as ``POST /api/v1/orders/{id}/interactions/acknowledge``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import refusals_as_messages
from corsia.core.web import acting
from corsia.prescribing.interactions_check import order_interactions_acknowledge
from corsia.prescribing.services.orders import VIEW


@require_perm(VIEW)
@require_POST
def order_interactions_ack(request: HttpRequest, order_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        done = order_interactions_acknowledge(
            **acting(request),
            order_id=order_id,
            override_reason=request.POST.get("interaction_override_reason", "")[:2000],
            acknowledged=request.POST.get("interaction_acknowledged") == "yes",
        )
        if done:
            messages.success(request, "Interazioni prese in visione: registrate con il tuo nome.")
    return redirect("prescribing:order", order_id=order_id)
