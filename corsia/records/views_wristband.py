"""The wristband's PDF from the patient's page (``/patients/<id>/wristband.pdf`` redirects
here): printed through its editable template and archived; the PDF answered is the
archived copy."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from corsia.core.access import require_perm
from corsia.core.web import acting
from corsia.records.wristband import wristband_print

PRINT_WRISTBAND = "patients.print_wristband"


@require_perm(PRINT_WRISTBAND)
def wristband_pdf(request: HttpRequest, patient_id: int) -> HttpResponse:
    document = wristband_print(**acting(request), patient_id=patient_id)
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="braccialetto-{patient_id}.pdf"'
    response["X-Corsia-Document"] = str(document.pk)
    return response
