"""The ward therapy's prints from the API (``/api/v1/therapy/...``): the same prints and
permission as the pages (``therapy.view_therapy``), archived at every call; the PDF
answered is the archived copy, whose id is in ``X-Corsia-Document``.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from corsia.core.access import api_perm
from corsia.core.schemas import IsoDate, RecordId
from corsia.core.web import acting
from corsia.therapy import prints
from corsia.therapy.permissions import VIEW

if TYPE_CHECKING:
    from corsia.documents.models import Document

router = Router(tags=["therapy"])

PDF_ANSWER = {
    "responses": {200: {"description": "The print, archived.", "content": {"application/pdf": {}}}}
}


def _pdf(document: "Document", filename: str) -> HttpResponse:
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Corsia-Document"] = str(document.pk)
    return response


@router.get("/prescriptions/{prescription_id}/print.pdf", openapi_extra=PDF_ANSWER)
@api_perm(VIEW)
def prescription_pdf(request: HttpRequest, prescription_id: RecordId) -> HttpResponse:
    """One ward prescription as PDF (patient, drug, dose and unit, route, schedule,
    prescriber and signature time, every dose record with its corrections) through the
    editable template ``ward_prescription``, archived unsigned with the patient and the
    template version. 404 ``prescription_not_found``."""
    document = prints.prescription_print(
        **acting(request), prescription_id=prescription_id, channel="api"
    )
    return _pdf(document, f"prescrizione-reparto-{prescription_id}.pdf")


@router.get("/wards/{ward_code}/round.pdf", openapi_extra=PDF_ANSWER)
@api_perm(VIEW)
def round_pdf(request: HttpRequest, ward_code: str, day: IsoDate | None = None) -> HttpResponse:
    """The ward's therapy of ``day`` (today) as PDF, as the round shows it, through the
    editable template ``ward_round``, archived unsigned without a patient (a list of the
    ward's patients; each read logged). 404 ``ward_not_found``; 422 ``day_out_of_range``
    (more than ten years from today)."""
    chosen = day or timezone.localdate()
    document = prints.ward_round_print(
        **acting(request), ward_code=ward_code[:20], day=chosen, channel="api"
    )
    return _pdf(document, f"terapia-{ward_code[:20]}-{chosen.isoformat()}.pdf")
