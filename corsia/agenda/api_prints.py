"""The agenda's prints from the API (``/api/v1/agenda/agendas/{id}/call-in.pdf``): the same
print and permission as the page (``agenda.view_agenda``, then ``documents.create_document``
or ``documents.archive_print`` to archive it), archived at every call; the PDF answered is
the archived copy, whose id is in ``X-Corsia-Document``. Mounted on the agenda's router
(``api.py``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from corsia.agenda import selectors
from corsia.agenda.permissions import VIEW
from corsia.agenda.prints import call_in_print
from corsia.core.access import api_perm
from corsia.core.schemas import IsoDate
from corsia.core.web import acting

router = Router(tags=["agenda"])

PDF_ANSWER = {
    "responses": {
        200: {"description": "The call-in list, archived.", "content": {"application/pdf": {}}}
    }
}


@router.get("/agendas/{agenda_id}/call-in.pdf", openapi_extra=PDF_ANSWER)
@api_perm(VIEW)
def call_in_pdf(request: HttpRequest, agenda_id: int, day: IsoDate) -> HttpResponse:
    """The day's call-in list (every booking still expected, by arrival time, as
    ``/call-in``) through the editable template ``call_in_list``, archived unsigned with
    its template version and the patients it names. ``day`` (AAAA-MM-GG) is required:
    missing or unreadable 422 ``validation_failed``, out of the agenda's range 422
    ``day_out_of_range``; an unknown agenda 404 ``agenda_not_found``."""
    day = selectors.day_in_range(day)
    document = call_in_print(**acting(request), agenda_id=agenda_id, day=day, channel="api")
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="convocazioni-{agenda_id}-{day.isoformat()}.pdf"'
    )
    response["X-Corsia-Document"] = str(document.pk)
    return response
