"""The pages' prints: the dispensing receipt (``/dispensing/dispensings/<id>/receipt.pdf``;
``.../receipt/``, the old address, redirects) and the delivery document of a ward's
request (``/dispensing/ward-requests/<id>/delivery-document.pdf``; the request's page
``/inventory/requests/<id>/document/`` redirects). Each prints through its editable
template and archives the print; the PDF answered is the archived copy. A refusal (an
unknown dispensing or request, another ward's request, one not delivered yet) is the
Italian refusal page, nothing archived."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from corsia.core.access import require_perm
from corsia.core.web import acting
from corsia.dispensing.permissions import VIEW
from corsia.dispensing.prints import pdf_answer, receipt_print
from corsia.dispensing.ward_delivery import delivery_print
from corsia.inventory.services.ward_requests import VIEW_REQUESTS


@require_perm(VIEW)
def receipt(request: HttpRequest, dispensing_id: int) -> HttpResponse:
    """The receipt's old address (the printable HTML page): the archived PDF now."""
    return redirect("dispensing:receipt_pdf", dispensing_id=dispensing_id)


@require_perm(VIEW)
def receipt_pdf(request: HttpRequest, dispensing_id: int) -> HttpResponse:
    document = receipt_print(**acting(request), dispensing_id=dispensing_id)
    return pdf_answer(document, f"ricevuta-dispensazione-{dispensing_id}.pdf")


@require_perm(VIEW_REQUESTS)
def delivery_document_pdf(request: HttpRequest, request_id: int) -> HttpResponse:
    document = delivery_print(**acting(request), request_id=request_id)
    return pdf_answer(document, f"documento-consegna-{request_id}.pdf")
