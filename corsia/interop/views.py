"""Pages of the HL7 interface for IT staff: the messages received and sent with filters,
one message (raw text, ACK, outcome), the replay of one received in error or parked, the
resend of one sent that was refused or never answered, and the subscribers."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.paging import paginate
from corsia.core.refusals import act_with_reason, form_refusals, refusals_as_messages
from corsia.core.web import acting, request_actor, request_workstation, viewing
from corsia.interop import selectors, services
from corsia.interop.domain.outbound import DEAD_LETTERS, OUTBOUND_STATE_LABELS_IT, OutboundState
from corsia.interop.domain.states import RETRIABLE, STATE_LABELS_IT, MessageState
from corsia.interop.forms import SubscriberForm
from corsia.interop.selectors import MESSAGE_CODES, OUTBOUND_CODES, MessageFilter, OutboundFilter

PAGE_SIZE = 100  # messages per page, the newest first (issue 27: every one reachable)


@require_perm(services.VIEW)
def message_list(request: HttpRequest) -> HttpResponse:
    """The messages received (``direction=in``, the default) or sent (``direction=out``)."""
    if request.GET.get("direction") == "out":
        return _outbound_list(request)
    filters = MessageFilter(
        state=request.GET.get("state", ""),
        message_code=request.GET.get("type", ""),
        control_id=request.GET.get("control_id", ""),
    )
    user = request_actor(request)
    paged = None
    with refusals_as_messages(request):
        paged = paginate(
            request, selectors.messages_list(user=user, filters=filters), page_size=PAGE_SIZE
        )
    return render(
        request,
        "interop/messages.html",
        {
            "rows": paged.page if paged else None,
            "paged": paged,
            "filters": filters,
            "counts": selectors.message_counts(user=user),
            "states": [(s.value, STATE_LABELS_IT[s]) for s in MessageState],
            "codes": MESSAGE_CODES,
        },
    )


@require_perm(services.VIEW)
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    detail = selectors.message_detail(**viewing(request), message_id=message_id)
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
            **acting(request),
            message_id=message_id,
            reason=request.POST.get("reason", ""),
        )
        messages.success(
            request,
            _("Messaggio rielaborato: ora è «%(state)s».")
            % {"state": STATE_LABELS_IT[MessageState(row.state)]},
        )
    return redirect("interop:message", message_id=message_id)


# --- outgoing messages ------------------------------------------------------------------------


def _outbound_list(request: HttpRequest) -> HttpResponse:
    user = request_actor(request)
    subscriber = request.GET.get("subscriber", "")
    filters = OutboundFilter(
        state=request.GET.get("state", ""),
        message_code=request.GET.get("type", ""),
        control_id=request.GET.get("control_id", ""),
        subscriber_id=int(subscriber) if subscriber.isdigit() else None,
    )
    paged = None
    with refusals_as_messages(request):
        paged = paginate(
            request, selectors.outbound_list(user=user, filters=filters), page_size=PAGE_SIZE
        )
    return render(
        request,
        "interop/outbound_messages.html",
        {
            "rows": paged.page if paged else None,
            "paged": paged,
            "filters": filters,
            "counts": selectors.outbound_counts(user=user),
            "states": [(s.value, OUTBOUND_STATE_LABELS_IT[s]) for s in OutboundState],
            "codes": OUTBOUND_CODES,
            "subscribers": selectors.subscribers_list(user=user),
        },
    )


@require_perm(services.VIEW)
def outbound_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    row = selectors.outbound_detail(**viewing(request), message_id=message_id)
    return render(
        request,
        "interop/outbound_message.html",
        {
            "row": row,
            "raw": row.raw.replace("\r", "\n"),
            "ack": row.ack.replace("\r", "\n"),
            "resendable": OutboundState(row.state) in DEAD_LETTERS,
            "may_resend": request.user.has_perm(services.REPLAY),
        },
    )


@require_perm(services.REPLAY)
@require_POST
def outbound_resend(request: HttpRequest, message_id: int) -> HttpResponse:
    act_with_reason(
        request,
        services.outbound_resend,
        done=_("Messaggio rimesso in coda di invio."),
        message_id=message_id,
    )
    return redirect("interop:outbound", message_id=message_id)


# --- subscribers ------------------------------------------------------------------------------


def _subscriber_input(form: SubscriberForm) -> services.SubscriberInput:
    data = form.cleaned_data
    return services.SubscriberInput(
        name=data["name"],
        receiving_application=data["receiving_application"],
        receiving_facility=data["receiving_facility"],
        host=data["host"],
        port=data["port"],
        message_types=data["message_types"],
        active=data["active"],
    )


@require_perm(services.MANAGE_SUBSCRIBERS)
def subscribers(request: HttpRequest) -> HttpResponse:
    """The subscribers, and the form to add one."""
    user = request_actor(request)
    form = SubscriberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_refusals(form):
            row = services.subscriber_save(
                actor=user, workstation=request_workstation(request), data=_subscriber_input(form)
            )
            messages.success(request, _("Destinatario «%(name)s» aggiunto.") % {"name": row.name})
            return redirect("interop:subscribers")
    return render(
        request,
        "interop/subscribers.html",
        {"rows": selectors.subscribers_list(user=user), "form": form},
        status=422 if request.method == "POST" else 200,
    )


@require_perm(services.MANAGE_SUBSCRIBERS)
def subscriber_edit(request: HttpRequest, subscriber_id: int) -> HttpResponse:
    user = request_actor(request)
    row = selectors.subscriber_get(user=user, subscriber_id=subscriber_id)
    initial = {
        "name": row.name,
        "receiving_application": row.receiving_application,
        "receiving_facility": row.receiving_facility,
        "host": row.host,
        "port": str(row.port),
        "message_types": list(row.message_types),
        "active": row.active,
        "expected_version": row.version,
    }
    form = SubscriberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form_refusals(form):
            services.subscriber_save(
                actor=user,
                workstation=request_workstation(request),
                data=_subscriber_input(form),
                subscriber_id=row.pk,
                expected_version=form.cleaned_data["expected_version"],
            )
            messages.success(request, _("Destinatario aggiornato."))
            return redirect("interop:subscribers")
    return render(
        request,
        "interop/subscriber.html",
        {"row": row, "form": form},
        status=422 if request.method == "POST" else 200,
    )
