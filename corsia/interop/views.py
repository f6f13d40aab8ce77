"""Pages of the HL7 interface for IT staff: the inbound messages with filters, one
message (raw text, ACK, outcome), and the replay of one in error or parked."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import refusals_as_messages
from corsia.core.web import request_actor, request_workstation
from corsia.interop import selectors, services
from corsia.interop.domain.states import RETRIABLE, STATE_LABELS_IT, MessageState
from corsia.interop.selectors import MESSAGE_CODES, MessageFilter


@require_perm(services.VIEW)
def message_list(request: HttpRequest) -> HttpResponse:
    filters = MessageFilter(
        state=request.GET.get("state", ""),
        message_code=request.GET.get("type", ""),
        control_id=request.GET.get("control_id", ""),
    )
    user = request_actor(request)
    rows = None
    with refusals_as_messages(request):
        rows = list(selectors.messages_list(user=user, filters=filters))
    return render(
        request,
        "interop/messages.html",
        {
            "rows": rows,
            "filters": filters,
            "counts": selectors.message_counts(user=user),
            "states": [(s.value, STATE_LABELS_IT[s]) for s in MessageState],
            "codes": MESSAGE_CODES,
        },
    )


@require_perm(services.VIEW)
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    detail = selectors.message_detail(
        user=request_actor(request),
        message_id=message_id,
        workstation=request_workstation(request),
    )
    row = detail.message
    return render(
        request,
        "interop/message.html",
        {
            "row": row,
            "results": detail.results,
            "raw": row.raw.replace("\r", "\n"),
            "ack": row.ack.replace("\r", "\n"),
            "retriable": MessageState(row.state) in RETRIABLE,
            "may_replay": request.user.has_perm(services.REPLAY),
        },
    )


@require_perm(services.REPLAY)
@require_POST
def message_replay(request: HttpRequest, message_id: int) -> HttpResponse:
    with refusals_as_messages(request):
        row = services.message_replay(
            actor=request_actor(request),
            workstation=request_workstation(request),
            message_id=message_id,
            reason=request.POST.get("reason", ""),
        )
        messages.success(
            request,
            _("Messaggio rielaborato: ora è «%(state)s».")
            % {"state": STATE_LABELS_IT[MessageState(row.state)]},
        )
    return redirect("interop:message", message_id=message_id)
