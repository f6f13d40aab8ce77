"""The galenic batch's label printed as PDF: the domain's label (``domain/label.py``)
through an HTML template and WeasyPrint, as the UFA's preparation label, with the batch
number also as Code 128."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from corsia.galenics.domain.label import Label
from corsia.galenics.models import Batch
from corsia.patients.wristband import barcode_svg


def label_html(batch: Batch, label: Label) -> str:
    barcode = mark_safe(barcode_svg(batch.number))  # noqa: S308 - SVG from python-barcode, our batch number
    return render_to_string(
        "galenics/print/label.html", {"label": label, "batch": batch, "barcode": barcode}
    )


def label_pdf(batch: Batch, label: Label) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=label_html(batch, label)).write_pdf()
    return pdf
