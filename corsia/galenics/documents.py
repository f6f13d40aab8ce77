"""The galenic batch's label printed as PDF through the editable template
``galenic_label`` of ``corsia.documents`` (fields declared in
``documents/schemas_labels.py``), archived with its template version at every print; the
lines are the domain's label (``domain/label.py``), the batch number also as Code 128."""

from __future__ import annotations

from typing import Any

from corsia.core.actors import User, Workstation
from corsia.documents.barcodes import barcode_field
from corsia.documents.services import document_print
from corsia.galenics.domain.label import Label
from corsia.galenics.models import Batch


def label_context(batch: Batch, label: Label) -> dict[str, Any]:
    return {
        "galenic": {
            "pharmacy": label.pharmacy,
            "title": label.title,
            "kind_text": label.kind_text,
            "patient": label.patient,
            "composition": list(label.composition),
            "excipients": list(label.excipients),
            "quantity_text": label.quantity_text,
            "batch_line": label.batch_line,
            "dates_line": label.dates_line,
            "storage": label.storage,
            "lines": list(label.lines),
        },
        "barcode": barcode_field(batch.number),
    }


def label_pdf(batch: Batch, label: Label, *, actor: User, workstation: Workstation) -> bytes:
    """The label's PDF, archived (unsigned) as a ``galenic_label`` document."""
    document = document_print(
        actor=actor,
        workstation=workstation,
        template_code="galenic_label",
        title=f"Etichetta lotto {batch.number}",
        patient=batch.patient,
        context=label_context(batch, label),
        source=("galenics", "batch", batch.pk),
    )
    return bytes(document.content)
