"""The wristband from the API (``/api/v1/patients/{id}/wristband.pdf``): the same print
and permission as the page (``patients.print_wristband``), archived at every call; the
PDF answered is the archived copy, whose id is in ``X-Corsia-Document``. The ZPL of the
thermal printer (``/api/v1/patients/{id}/wristband.zpl``) stays a fixed layout."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from corsia.core.access import api_perm
from corsia.core.web import acting, request_actor, request_workstation
from corsia.patients.wristband import wristband_for, wristband_zpl_for
from corsia.records.wristband import wristband_print

router = Router(tags=["records"])

PDF_ANSWER = {
    "responses": {
        200: {"description": "The wristband, archived.", "content": {"application/pdf": {}}}
    }
}


@router.get("/{patient_id}/wristband.pdf", openapi_extra=PDF_ANSWER)
@api_perm("patients.print_wristband")
def wristband_pdf(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's wristband as PDF (254 x 25 mm: surname, name, sex, date of birth,
    MRN and the Code 128 of ``PZ`` + MRN) through the editable template ``wristband``,
    archived unsigned with its template version. 404 ``patient_not_found``."""
    document = wristband_print(**acting(request), patient_id=patient_id, channel="api")
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="braccialetto-{patient_id}.pdf"'
    response["X-Corsia-Document"] = str(document.pk)
    return response


ZPL_ANSWER = {
    "responses": {200: {"description": "The wristband in ZPL II.", "content": {"text/plain": {}}}}
}


@router.get("/{patient_id}/wristband.zpl", openapi_extra=ZPL_ANSWER)
@api_perm("patients.print_wristband")
def wristband_zpl(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The same wristband in ZPL II for a 1 x 10 inch band at 203 dpi (a fixed layout, not
    archived: the thermal printer's). 404 ``patient_not_found``."""
    patient = wristband_for(
        user=request_actor(request),
        patient_id=patient_id,
        what="braccialetto (ZPL)",
        workstation=request_workstation(request),
        channel="api",
    )
    response = HttpResponse(wristband_zpl_for(patient), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="braccialetto-{patient.mrn}.zpl"'
    return response
