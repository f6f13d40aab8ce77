"""The ward requests' pages (test client, real services): the nurse's request with the
restock proposal, the pharmacist's evaluation with a modified line, the technician's pick
by pack scan and delivery, the nurse's receipt by scan with a difference and its reason,
the delivery document (an archived print), every ward cabinet's stock; refusals shown in
Italian with nothing changed; another ward's request answered as unknown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.models import User
from corsia.inventory.models import (
    ParLevel,
    StockLot,
    StockMovement,
    WardRequest,
    WardRequestDiscrepancy,
    WardRequestScan,
)
from corsia.inventory.services import ward_requests as wr
from corsia.patients.models import Ward
from corsia.testing.accounts import logged_in
from corsia.testing.documents import printed_html, the_archived_print
from corsia.testing.inventory import (
    FU_GTIN,
    OXALI_GTIN,
    WardScene,
    assert_stock_matches_movements,
    gs1_pack,
)

TODAY = timezone.localdate()
OX_EXPIRY = TODAY + timedelta(days=250)
FU_EXPIRY = TODAY + timedelta(days=120)
BASE = "/inventory/requests"


def _messages(client: Client, url: str) -> str:
    return client.get(url).content.decode()


@pytest.fixture
def stocked(scene: WardScene) -> WardScene:
    s = scene
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 10)
    s.load(s.fluorouracil, "FU1", FU_EXPIRY, 30)
    # the cabinet holds 1 oxaliplatin; par 4, reorder at 2 → the proposal asks 3
    s.load(s.oxaliplatin, "OXC", OX_EXPIRY, 1, location=s.cabinet)
    now = timezone.now()
    wr.par_level_save(
        actor=s.pharmacist, workstation="t", cabinet=s.cabinet, product=s.oxaliplatin,
        par=4, reorder_point=2, now=now,
    )  # fmt: skip
    return s


def test_a_ward_stock_request_from_the_restock_proposal_to_the_receipt(
    stocked: WardScene,
) -> None:
    s = stocked
    nurse, pharmacist, tech = logged_in(s.nurse), logged_in(s.pharmacist), logged_in(s.technician)
    # the restock proposal fills the first line: par 4 − on hand 1 − in transit 0 = 3
    page = nurse.get(f"{BASE}/new/?cabinet=ARM-DH&restock=1").content.decode()
    assert f'value="{s.oxaliplatin.code}"' in page
    assert 'name="units-0" value="3"' in page
    # the proposal shown: on hand 1, on its way 0, par 4, reorder point 2, ask 3
    proposal = page.split('data-testid="restock-proposal"')[1].split("</table>")[0]
    cells = [c.split(">")[-1] for c in proposal.split("</td>")[:-1]]
    assert cells == ["Oxaliplatino Test", "1", "0", "4", "2", "3"]
    response = nurse.post(f"{BASE}/new/", {
        "rows": 8, "cabinet": "ARM-DH", "kind": "ward_stock", "urgency": "urgent",
        "product-0": s.oxaliplatin.code, "units-0": "3",
        "product-1": s.fluorouracil.code, "units-1": "20", "action": "submit",
    })  # fmt: skip
    request = WardRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/{request.pk}/"
    assert (request.state, request.urgency, request.lines.count()) == ("submitted", "urgent", 2)
    ox, fu = request.lines.order_by("position")
    # the pharmacy's queue shows it to evaluate
    assert request.number in pharmacist.get(f"{BASE}/queue/").content.decode()
    # evaluation: fluorouracil modified to 10 without a reason → refused, nothing changed
    form = {
        "version": request.version,
        f"decision-{ox.pk}": "approve",
        f"decision-{fu.pk}": "modify",
        f"units-{fu.pk}": "10",
    }
    response = pharmacist.post(f"{BASE}/{request.pk}/evaluate/", form)
    page = response.content.decode()
    assert response.status_code == 422
    # the refusal names the line, and what was typed is still there
    line_error = page.split('data-testid="evaluate-line-error">')[1].split("</p>")[0]
    assert line_error.startswith("Riga 2: ") and "motivo" in line_error, line_error
    assert f'name="units-{fu.pk}" value="10"' in page
    assert '<option value="modify" selected>' in page
    request.refresh_from_db()
    assert request.state == "submitted"
    form[f"reason-{fu.pk}"] = "Scorta di reparto sufficiente per una settimana"
    response = pharmacist.post(f"{BASE}/{request.pk}/evaluate/", form)
    assert response["Location"] == f"{BASE}/{request.pk}/"
    fu.refresh_from_db()
    assert (fu.decision, fu.units_approved) == ("modify", 10)
    # the pick page: the pick list from shelf A1, FEFO
    page = tech.get(f"{BASE}/{request.pk}/pick/").content.decode()
    assert "OX1" in page and "FU1" in page and "autofocus" in page
    # a lot the pharmacy does not hold: refused in Italian, nothing scanned
    other = gs1_pack(FU_GTIN, FU_EXPIRY, "NOPE")
    response = tech.post(f"{BASE}/{request.pk}/pick/", {"action": "scan", "barcode": other})
    assert "Il lotto NOPE di questo medicinale non è in giacenza in farmacia" in _messages(
        tech, response["Location"]
    )
    assert WardRequestScan.objects.count() == 0
    for barcode in [gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1")] * 3 + [
        gs1_pack(FU_GTIN, FU_EXPIRY, "FU1")
    ]:
        tech.post(f"{BASE}/{request.pk}/pick/", {"action": "scan", "barcode": barcode})
    assert WardRequestScan.objects.filter(act="pick").count() == 4
    tech.post(f"{BASE}/{request.pk}/pick/", {"action": "close"})
    request.refresh_from_db()
    assert request.state == "picked"
    tech.post(f"{BASE}/{request.pk}/pick/", {"action": "deliver"})
    request.refresh_from_db()
    assert request.state == "delivered"
    assert request.delivery_number.startswith("CR-")
    # the delivery document, an archived print: number, ward, cabinet, lots, AIC, signatures
    old = tech.get(f"{BASE}/{request.pk}/document/")
    assert old["Location"] == f"/dispensing/ward-requests/{request.pk}/delivery-document.pdf"
    doc = printed_html(the_archived_print(tech.get(old["Location"]), "ward_delivery_document"))
    for text in (request.delivery_number, "Day Hospital oncologico", "ARM-DH", "OX1", "FU1",
                 "012345676", "Consegna (farmacia)", "Ricevuto (reparto)", "@page"):  # fmt: skip
        assert text in doc, text
    # the receipt: two oxaliplatin packs scanned, the third missing (with the reason);
    # fluorouracil counted by hand
    page = nurse.get(f"{BASE}/{request.pk}/receive/").content.decode()
    assert "autofocus" in page
    for _ in range(2):
        nurse.post(f"{BASE}/{request.pk}/receive/", {
            "action": "scan", "barcode": gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1"),
        })  # fmt: skip
    # a difference without its reason: refused, still delivered
    nurse.post(f"{BASE}/{request.pk}/receive/", {"action": "receive", f"units-{fu.pk}": "10"})
    request.refresh_from_db()
    assert request.state == "delivered"
    response = nurse.post(f"{BASE}/{request.pk}/receive/", {
        "action": "receive", f"units-{fu.pk}": "10",
        f"reason-{ox.pk}": "Una fiala mancante nella cassetta",
    })  # fmt: skip
    request.refresh_from_db()
    assert request.state == "received", _messages(nurse, response["Location"])
    missing = WardRequestDiscrepancy.objects.get()
    assert (missing.kind, missing.units) == ("missing", 1)
    detail = nurse.get(f"{BASE}/{request.pk}/").content.decode()
    assert "Una fiala mancante nella cassetta" in detail
    # the cabinet: 1 + 3 oxaliplatin, 10 fluorouracil (the missing vial stays in the books)
    stock = pharmacist.get("/inventory/ward-stock/").content.decode()
    assert "Oxaliplatino Test" in stock
    cabinet = dict(StockLot.objects.filter(location=s.cabinet).values_list("lot", "quantity"))
    assert cabinet == {"OXC": 1, "OX1": 3, "FU1": 10}
    assert StockMovement.objects.filter(reference=request.delivery_number).count() == 2
    assert_stock_matches_movements()


def test_cancel_needs_a_reason_and_another_ward_s_request_is_unknown(
    stocked: WardScene,
) -> None:
    s = stocked
    request = wr.ward_request_create(
        actor=s.nurse, workstation="t", cabinet=s.cabinet, kind="ward_stock",
        urgency="routine", lines=[wr.RequestLineInput(s.oxaliplatin, 2)],
        now=timezone.now(), submit=True,
    )  # fmt: skip
    nurse = logged_in(s.nurse)
    response = nurse.post(f"{BASE}/{request.pk}/", {"action": "cancel", "reason": ""})
    assert "motivo" in _messages(nurse, response["Location"])
    request.refresh_from_db()
    assert request.state == "submitted"
    nurse.post(f"{BASE}/{request.pk}/", {"action": "cancel", "reason": "Richiesta doppia"})
    request.refresh_from_db()
    assert request.state == "cancelled"
    # a nurse of another ward: the request does not exist for her, nor in her list
    other = User.objects.create_user(username="inf_altro")
    other.groups.add(*s.nurse.groups.all())
    Ward.objects.create(code="EMA", name="Ematologia", kind="inpatient")
    client = logged_in(other)
    assert client.get(f"{BASE}/{request.pk}/").status_code == 404
    assert request.number not in client.get(f"{BASE}/").content.decode()
    assert request.number in nurse.get(f"{BASE}/").content.decode()
    # and she has no cabinet to ask for
    assert "Non sei assegnato" in client.get(f"{BASE}/new/").content.decode()


def test_bad_form_input_is_a_refusal_not_an_error(stocked: WardScene) -> None:
    nurse = logged_in(stocked.nurse)
    for form, message in [
        # an unreadable or huge row count, a product not in the archive
        ({"rows": "abc", "product-0": "nope"}, "medicinale «nope» non presente"),
        ({"rows": "99999999999", "product-0": "nope"}, "medicinale «nope» non presente"),
        # units that are not a number, or too many
        ({"product-0": stocked.oxaliplatin.code, "units-0": "tre"}, "numero intero di unità"),
        ({"product-0": stocked.oxaliplatin.code, "units-0": "999999999999"}, "numero intero"),
        # no line at all
        ({}, "La richiesta non contiene alcuna riga."),
        # a patient unknown
        ({"kind": "named_patient", "product-0": stocked.oxaliplatin.code, "units-0": "1",
          "mrn-0": "X999"}, "nessun paziente con nosologico X999"),
    ]:  # fmt: skip
        body = {"cabinet": "ARM-DH", "kind": "ward_stock", "urgency": "routine"} | form
        response = nurse.post(f"{BASE}/new/", body | {"action": "submit"})
        assert response.status_code == 422, form
        error = response.content.decode().split('data-testid="request-error">')[1]
        assert message in error.split("</div>")[0], (form, error[:200])
    assert WardRequest.objects.count() == 0


def test_the_pharmacy_pages_are_the_pharmacy_s(stocked: WardScene) -> None:
    nurse = logged_in(stocked.nurse)
    assert nurse.get(f"{BASE}/queue/").status_code == 200  # reads her wards' queue
    assert nurse.get("/inventory/ward-stock/").status_code == 403
    request = wr.ward_request_create(
        actor=stocked.nurse, workstation="t", cabinet=stocked.cabinet, kind="ward_stock",
        urgency="routine", lines=[wr.RequestLineInput(stocked.oxaliplatin, 2)],
        now=timezone.now(), submit=True,
    )  # fmt: skip
    assert nurse.get(f"{BASE}/{request.pk}/evaluate/").status_code == 403
    assert nurse.get(f"{BASE}/{request.pk}/pick/").status_code == 403
    assert ParLevel.objects.count() == 1
