"""``/api/v1/requests/{id}/delivery-document.pdf``: the delivery document of a ward's
request as the archived PDF, beside the request's own operations (``inventory``'s
``api_requests``, mounted at the same address) but printed here, above the document
archive (``ward_delivery.py``). Same permission as the page
(``inventory.view_ward_requests``).

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from corsia.core.access import api_perm
from corsia.core.schemas import RecordId
from corsia.core.web import acting
from corsia.dispensing.prints import pdf_answer
from corsia.dispensing.ward_delivery import delivery_print
from corsia.inventory.services.ward_requests import VIEW_REQUESTS

router = Router(tags=["ward requests"])

PDF_ANSWER = {
    "responses": {
        200: {
            "description": "The delivery document, archived.",
            "content": {"application/pdf": {}},
        }
    }
}


@router.get("/{request_id}/delivery-document.pdf", openapi_extra=PDF_ANSWER)
@api_perm(VIEW_REQUESTS)
def delivery_document_pdf(request: HttpRequest, request_id: RecordId) -> HttpResponse:
    """The delivery document of a delivered request as PDF (A4: number ``CR-…``, ward,
    cabinet, each line with the patient of a named one and the units requested, approved
    and delivered, each lot given with AIC and expiry, who picked and who delivered, the
    signature lines) through the editable template ``ward_delivery_document``, archived
    unsigned with its template version and no patient (a ward's document; the named
    patients' reads logged); every call is a new archived print (the id in
    ``X-Corsia-Document``). 404 ``ward_request_not_found`` (unknown or another ward's),
    409 ``ward_request_not_delivered``."""
    document = delivery_print(**acting(request), request_id=request_id, channel="api")
    return pdf_answer(document, f"documento-consegna-{request_id}.pdf")
