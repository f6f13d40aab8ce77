"""IT staff's page of the documents sent to the FSE (``/fse/``): each one's state,
attempts and errors, one document with its history, and the retry of a failed one."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.paging import paginate
from corsia.core.refusals import act_with_reason
from corsia.core.web import request_actor, request_workstation, viewing
from corsia.fse import selectors, services
from corsia.fse.domain.states import STATE_LABELS_IT, FseState
from corsia.fse.selectors import DocumentFilter

PAGE_SIZE = 100  # documents per page, the newest first


@require_perm(services.VIEW)
def document_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    filters = DocumentFilter(state=state if state in FseState.__members__.values() else "")
    user = request_actor(request)
    counts = selectors.document_counts(user=user)
    # paged (issue 27): every document reachable, the newest first (before: the newest 500)
    paged = paginate(
        request, selectors.documents_list(user=user, filters=filters), page_size=PAGE_SIZE
    )
    return render(
        request,
        "fse/documents.html",
        {
            "rows": paged.page,
            "paged": paged,
            "filters": filters,
            "states": [(s.value, STATE_LABELS_IT[s], counts.get(s.value, 0)) for s in FseState],
            "letters_not_sent": selectors.letters_not_sent(
                user=user, workstation=request_workstation(request)
            ),
            "may_resend": request.user.has_perm(services.MANAGE),
        },
    )


@require_perm(services.VIEW)
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    detail = selectors.document_detail(**viewing(request), document_id=document_id)
    row = detail.document
    return render(
        request,
        "fse/document.html",
        {
            "row": row,
            "events": detail.events,
            "answer": json.dumps(row.error_body, indent=2, ensure_ascii=False),
            "state_label": STATE_LABELS_IT[FseState(row.state)],
            "may_retry": row.state == FseState.FAILED.value
            and request.user.has_perm(services.MANAGE),
        },
    )


@require_perm(services.MANAGE)
@require_POST
def document_retry(request: HttpRequest, document_id: int) -> HttpResponse:
    act_with_reason(
        request,
        services.fse_document_retry,
        done=_("Documento rimesso in coda per il FSE."),
        document_id=document_id,
    )
    return redirect("fse:document", document_id=document_id)


@require_perm(services.MANAGE)
@require_POST
def letter_resend(request: HttpRequest, letter_id: int) -> HttpResponse:
    act_with_reason(
        request,
        services.fse_letter_resend,
        done=_("Lettera messa in coda per il FSE."),
        letter_id=letter_id,
    )
    return redirect("fse:documents")
