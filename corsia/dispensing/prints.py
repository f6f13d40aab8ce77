"""The dispensing receipt printed through the editable template ``dispensing_receipt`` of
``corsia.documents`` (issue 23 §22-23; fields in ``documents/schemas_pharmacy.py``) and
archived, unsigned, with its template version and the patient.

Every print is a new archived document (as the wristband): a reprint is archived too, so
the archive holds every paper handed over and the template version each was printed with.
The read is the one of the desk's pages and the API (``selectors.dispensing_get``:
``dispensing.view_dispensing``, the patient's read logged); archiving needs
``documents.create_document`` or ``documents.archive_print``, which every role reading the
desk holds (pharmacist, physician; technician).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils import timezone, translation

from corsia.core.actors import User, Workstation
from corsia.dispensing import selectors
from corsia.documents.services import document_print

if TYPE_CHECKING:
    from corsia.dispensing.models import Dispensing
    from corsia.documents.models import Document

RECEIPT = "dispensing_receipt"


def person(user: Any) -> str:
    return str(user.get_full_name() or user.username) if user is not None else ""


def it_units(value: Decimal) -> str:
    """Units a day as the desk says them: ``6``, ``1,5``, ``0,25`` (no trailing zeros)."""
    return f"{value.normalize():f}".replace(".", ",")


def receipt_context(row: Dispensing) -> dict[str, Any]:
    """The ``receipt`` object of the print (schema ``dispensing_receipt``); the patient's
    name, date of birth and MRN are the archive's (``document_print(patient=...)``)."""
    patient, delegation = row.patient, row.delegation
    lines = []
    for line in row.lines.all():
        per_pack = line.pack.units_per_pack
        whole = per_pack > 0 and line.units % per_pack == 0
        lines.append(
            {
                "aic": line.aic,
                "pack_units": per_pack,
                "packs": str(line.units // per_pack) if whole else "—",
                "lot": line.lot,
                "expiry": f"{line.expiry:%d/%m/%Y}",
                "units": line.units,
            }
        )
    with translation.override("it"):  # an Italian document, whatever the user's language
        kind = str(row.get_kind_display())
    return {
        "number": str(row.pk),
        "dispensed_at": f"{timezone.localtime(row.dispensed_at):%d/%m/%Y %H:%M}",
        "patient_code": patient.codice_fiscale or patient.stp_eni_code,
        "kind": kind,
        "plan": (row.plan.plan_number or str(row.plan.pk)) if row.plan else "",
        "registry_record": row.registry_record,
        "prescriber": person(row.prescriber),
        "product": row.product.name,
        "daily_units": it_units(row.daily_units),
        "units": row.units,
        "days_covered": row.days_covered,
        "next_due_date": f"{row.next_due_date:%d/%m/%Y}",
        "collector": f"Delegato: {delegation.delegate_name}" if delegation else "Il paziente",
        "delegated": delegation is not None,
        "delegate_fiscal_code": delegation.delegate_fiscal_code if delegation else "",
        "delegate_document": delegation.identity_document if delegation else "",
        "delegation_valid": (
            f"dal {delegation.valid_from:%d/%m/%Y} al {delegation.valid_to:%d/%m/%Y}"
            if delegation
            else ""
        ),
        "dispensed_by": person(row.dispensed_by),
        "workstation": row.workstation,
        "lines": lines,
    }


def receipt_print(
    *, actor: User, workstation: Workstation, dispensing_id: int, channel: str = "web"
) -> Document:
    """Print the dispensing's receipt and archive it with the patient; the caller answers
    ``document.content``, the stored PDF. 404 ``dispensing_not_found``."""
    row = selectors.dispensing_get(
        user=actor, workstation=workstation, dispensing_id=dispensing_id, channel=channel
    )
    return document_print(
        actor=actor,
        workstation=workstation,
        template_code=RECEIPT,
        title=f"Ricevuta di dispensazione n. {row.pk}",
        patient=row.patient,
        context={"receipt": receipt_context(row)},
        source=("dispensing", "dispensing", row.pk),
    )


def pdf_answer(document: Document, filename: str) -> HttpResponse:
    """The archived PDF as the answer (page or API), its archive id in ``X-Corsia-Document``."""
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Corsia-Document"] = str(document.pk)
    return response
