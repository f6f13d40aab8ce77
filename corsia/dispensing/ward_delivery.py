"""The delivery document of a ward's request to the pharmacy printed through the editable
template ``ward_delivery_document`` of ``corsia.documents`` (issue 23 §22-23; fields in
``documents/schemas_pharmacy.py``) and archived, unsigned, with its template version.

Printed here, not in ``inventory``: the requests sit beside the document archive in the
modules' layers, and the pharmacy's distribution is the first module above both (as the
wristband is printed by ``records``). ``inventory`` keeps the request, its permission
(``inventory.view_ward_requests``), its ward scope and the lines delivered
(``selectors_ward_requests``); its page ``/inventory/requests/<id>/document/`` redirects
here.

A ward's document: archived with no patient (``patient=None``, as the requirements sheet
and the call-in list); the patients of its named lines are printed with name, date of
birth and MRN, and each is logged as read by whoever prints. Only a delivered request has
a delivery document (``ward_request_not_delivered`` before). Every print is a new archived
document (a reprint too), as the wristband.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation

from corsia.audit.services import access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound
from corsia.dispensing.prints import person
from corsia.documents.services import document_print
from corsia.inventory import selectors_ward_requests as wsel
from corsia.inventory.services.ward_requests import VIEW_REQUESTS

if TYPE_CHECKING:
    from corsia.documents.models import Document

CODE = "ward_delivery_document"
VIEW_REFUSED = "Non hai il permesso di consultare le richieste dei reparti."


def _stamp(moment: Any) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}" if moment else ""


def _note(line: Any) -> str:
    if not line.decision or line.decision == "approve":
        return ""
    label = str(line.get_decision_display())
    return f"{label}: {line.decision_reason}" if line.decision_reason else label


def _line(line: Any) -> dict[str, Any]:
    patient = line.patient
    given = line.substitute or line.product
    return {
        "position": line.position,
        "product": given.name,
        "requested_product": line.product.name if line.substitute else "",
        "patient": f"{patient.surname.upper()} {patient.given_names}" if patient else "",
        "mrn": patient.mrn if patient else "",
        "date_of_birth": f"{patient.date_of_birth:%d/%m/%Y}" if patient else "",
        "requested": line.units_requested,
        "approved": line.units_approved or 0,
        "delivered": line.units_picked,
        "note": _note(line),
    }


def delivery_context(request: Any, *, printed_by: str) -> dict[str, Any]:
    """The ``delivery`` object of the print, from the request as ``ward_request_get``
    reads it (lines, scans, steps prefetched)."""
    steps = {step.action: step for step in request.steps.all()}  # the last of each action
    delivered, closed = steps.get("deliver"), steps.get("close_pick")
    packs = [
        {
            "position": p.position,
            "product": p.product_name,
            "aic": p.aic,
            "lot": p.lot,
            "expiry": f"{p.expiry:%d/%m/%Y}",
            "units": p.units,
        }
        for p in wsel.delivery_lines(request)
    ]
    with translation.override("it"):  # an Italian document, whatever the user's language
        return {
            "number": request.delivery_number,
            "request": request.number,
            "kind": str(request.get_kind_display()),
            "urgency": str(request.get_urgency_display()),
            "ward": f"{request.ward.name} ({request.ward.code})",
            "cabinet": f"{request.cabinet.code} · {request.cabinet.name}",
            "requested_by": person(request.requested_by),
            "requested_at": _stamp(request.requested_at),
            "picked_by": person(request.picker),
            "delivered_by": person(delivered.actor) if delivered else "",
            "delivered_at": _stamp(delivered.at) if delivered else "",
            "short_reason": closed.reason if closed else "",
            "printed_by": printed_by,
            "lines": [_line(line) for line in request.lines.all()],
            "packs": packs,
            "total_units": sum(p["units"] for p in packs),
        }


def delivery_print(
    *, actor: User, workstation: Workstation, request_id: int, channel: str = "web"
) -> Document:
    """Print the delivery document of a delivered request and archive it; the caller
    answers ``document.content``, the stored PDF. 404 ``ward_request_not_found`` (unknown,
    or of a ward out of the actor's wards), 409 ``ward_request_not_delivered``."""
    require_permission(actor, VIEW_REQUESTS, VIEW_REFUSED)
    request = wsel.ward_request_get(request_id=request_id, user=actor)
    if request is None:
        raise NotFound("Richiesta di reparto non trovata.", code="ward_request_not_found")
    if not request.delivery_number:
        raise ConflictError(
            f"La richiesta {request.number} non è ancora stata consegnata: il documento di "
            "consegna si stampa dopo la consegna al reparto.",
            code="ward_request_not_delivered",
        )
    patients = wsel.request_patient_ids(request)
    if patients:  # the named lines' patients are printed: a read of the printer's
        access_log_record_many(
            user=actor,
            patient_ids=patients,
            what=f"documento di consegna {request.delivery_number}",
            workstation=workstation,
            channel=channel,
        )
    return document_print(
        actor=actor,
        workstation=workstation,
        template_code=CODE,
        title=f"Documento di consegna {request.delivery_number} · {request.ward.name}",
        patient=None,
        context={"delivery": delivery_context(request, printed_by=person(actor))},
        source=("inventory", "wardrequest", request.pk),
        named_patients=list(patients),  # reopened from the archive: a read of each
    )
