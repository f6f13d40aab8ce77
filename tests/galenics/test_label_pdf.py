"""The released batch's label printed as PDF (page and API), refused before the release.

WeasyPrint's PDF keeps its text as glyph ids and no PDF text extractor is installed (no
pypdf, no pdftotext): the PDF is checked as a PDF, and the HTML it is printed from for the
label's text. The figures by hand: the ointment of the lab's formulary, zinc oxide 0,1 g
per g (OINTMENT in corsia/testing/galenics.py), a batch of 200 g → «Quantità: 200 g»."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.accounts.models import User
from corsia.documents.models import Document
from corsia.galenics import services
from corsia.galenics.models import Formula
from corsia.testing.accounts import api_client, logged_in
from corsia.testing.barcodes import decode_data_uri
from corsia.testing.documents import printed_html
from corsia.testing.galenics import OINTMENT, Lab, batch_prepared, published

pytestmark = pytest.mark.django_db
API = "/api/v1/galenics"


@pytest.fixture
def ointment(lab: Lab) -> Formula:
    return published(lab.pharmacist, OINTMENT)


def test_the_released_label_prints(
    lab: Lab, technician: User, releaser: User, ointment: Formula
) -> None:
    batch = batch_prepared(lab, technician, ointment, Decimal(200))
    client = logged_in(technician)
    before = client.get(f"/galenics/batches/{batch.pk}/label.pdf")
    assert before.status_code == 409
    early = api_client(technician).get(f"{API}/batches/{batch.pk}/label.pdf")
    assert early.status_code == 409
    assert early["Content-Type"].startswith("application/problem+json")
    assert early.json()["code"] == "batch_not_released"
    services.batch_release(actor=releaser, workstation="test", batch_id=batch.pk)
    page = client.get(f"/galenics/batches/{batch.pk}/")
    assert f"/galenics/batches/{batch.pk}/label.pdf".encode() in page.content
    pdf = client.get(f"/galenics/batches/{batch.pk}/label.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    batch.refresh_from_db()
    assert pdf["Content-Disposition"] == f'inline; filename="lotto-{batch.number}.pdf"'
    api = api_client(technician).get(f"{API}/batches/{batch.pk}/label.pdf")
    assert api.status_code == 200 and api.content.startswith(b"%PDF-")
    # each print archived as a galenic_label document (version 1: the shipped template)
    archived = Document.objects.filter(template_code="galenic_label").order_by("pk")
    assert [d.template_version for d in archived] == [1, 1]
    assert bytes(archived[1].content) == api.content
    html = printed_html(archived[0])
    assert decode_data_uri(archived[0].context["barcode"]["image"]) == batch.number
    for text in (
        "Preparazione officinale",
        "Zinco ossido 0,1 g per g",
        "Quantità: 200 g",
        f"Lotto {batch.number}",
        "Da usare entro il",
        '<img class="barcode" src="data:image/svg+xml;base64,',
    ):
        assert text in html, text
    assert api_client(technician).get(f"{API}/batches/999999/label.pdf").status_code == 404
    assert client.get("/galenics/batches/999999/label.pdf").status_code == 404
