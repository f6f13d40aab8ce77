"""The patient's wristband printed through the editable template ``wristband`` of
``corsia.documents`` (issue 23 §22-23) and archived, unsigned, with its template version
at every print.

Printed here, not in ``patients``: the registry sits below the document archive in the
modules' layers, and the record is the first module above both. ``patients`` keeps the
permission (``patients.print_wristband``), the logged read of the patient
(``wristband.wristband_for``), the barcode payload (``PZ`` + MRN, Code 128, the value the
bedside reads) and the fixed-layout ZPL of the thermal printer.

Audited as every print is: the archive's ``documents.document_created`` (the patient, kind
``wristband``, the template version, source ``patients:patient:<id>``), in the transaction
that stores the copy; no event of its own (``patients.wristband_printed``, never written,
was removed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corsia.core.actors import User, Workstation
from corsia.documents.barcodes import barcode_field
from corsia.documents.services import document_print
from corsia.patients.domain.wristband import wristband_payload
from corsia.patients.selectors import AllergyState, allergy_summary
from corsia.patients.wristband import wristband_for

if TYPE_CHECKING:
    from corsia.documents.models import Document
    from corsia.patients.models import Patient


def wristband_context(patient: Patient) -> dict[str, Any]:
    """The ``wristband`` and ``barcode`` of the print (schema ``wristband``)."""
    allergies = allergy_summary(patient_id=patient.pk)
    return {
        "wristband": {
            "surname": patient.surname.upper(),
            "given_names": patient.given_names,
            "sex": patient.sex,
            "date_of_birth": f"{patient.date_of_birth:%d/%m/%Y}",
            "mrn": patient.mrn,
            "allergy_alert": allergies.state is AllergyState.LISTED,
            "allergies": allergies.text,
        },
        "barcode": barcode_field(wristband_payload(patient.mrn)),
    }


def wristband_print(
    *, actor: User, workstation: Workstation, patient_id: int, channel: str = "web"
) -> Document:
    """Print the wristband (``patients.print_wristband``, a logged read) and archive it;
    the caller answers ``document.content``, the stored PDF."""
    patient = wristband_for(
        user=actor,
        patient_id=patient_id,
        what="braccialetto (PDF)",
        workstation=workstation,
        channel=channel,
    )
    return document_print(
        actor=actor,
        workstation=workstation,
        template_code="wristband",
        title=f"Braccialetto MRN {patient.mrn}",
        patient=patient,
        context=wristband_context(patient),
        source=("patients", "patient", patient.pk),
    )
