"""The delivery document of a ward's request printed from its versioned template
(``ward_delivery_document``, printed by ``corsia.dispensing.ward_delivery``) and archived
with the template version and no patient, a ward's document (issue 23 §22-23): the request
page's address redirects to the PDF; the named lines' patients are printed with their
identifiers and their reads logged; not delivered yet, unknown or another ward's request:
refused in Italian (page) or with a problem code (API), nothing archived; the same
permission on page and API; an IT edit is the next version printed.

Hand count: a named request of the day hospital — line 1, 4 oxaliplatin for Rossi,
approved, picked 3 of lot OX1 and 1 of OX2; line 2, 20 fluorouracil for Bianchi, cut to 10
(«Scorta sufficiente per una settimana»), picked as one pack of 10 of FU1: 14 units
delivered at 11:00."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.documents.models import Document
from corsia.documents.rendering import DEFAULTS_DIR
from corsia.documents.services import template_update
from corsia.inventory.domain.ward_requests import Decision, LineDecision
from corsia.inventory.models import WardRequest
from corsia.inventory.services import ward_requests as wr
from corsia.patients.models import Patient, Ward, WardAssignment
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.documents import (
    edit_refused,
    printed_html,
    shipped_without,
    the_archived_print,
)
from corsia.testing.inventory import FU_GTIN, NOW, OXALI_GTIN, WardScene, gs1_pack

pytestmark = pytest.mark.django_db
OX_EXPIRY, OX2_EXPIRY, FU_EXPIRY = date(2027, 6, 30), date(2027, 9, 30), date(2027, 2, 28)
CODE = "ward_delivery_document"


def _name(user: User) -> str:
    return str(user.get_full_name() or user.username)


def _named_request(s: WardScene, rossi: Patient, *, deliver: bool = True) -> WardRequest:
    s.load(s.oxaliplatin, "OX1", OX_EXPIRY, 10)
    s.load(s.oxaliplatin, "OX2", OX2_EXPIRY, 5)
    s.load(s.fluorouracil, "FU1", FU_EXPIRY, 30)
    bianchi = Patient.objects.create(
        mrn="P0002", codice_fiscale="BNCNNA70D42H501A", surname="Bianchi", given_names="Anna",
        sex="F", date_of_birth=date(1970, 4, 2),
    )  # fmt: skip
    request = wr.ward_request_create(
        actor=s.nurse, workstation="DH-PC1", cabinet=s.cabinet, kind="named_patient",
        urgency="urgent", now=NOW, submit=True,
        lines=[
            wr.RequestLineInput(s.oxaliplatin, 4, patient_id=rossi.pk),
            wr.RequestLineInput(s.fluorouracil, 20, patient_id=bianchi.pk),
        ],
    )  # fmt: skip
    ox, fu = request.lines.order_by("position")
    wr.ward_request_evaluate(
        actor=s.pharmacist, workstation="FARM-1", request_id=request.pk, now=NOW,
        decisions={
            ox.pk: LineDecision(Decision.APPROVE),
            fu.pk: LineDecision(
                Decision.MODIFY, units=10, reason="Scorta sufficiente per una settimana"
            ),
        },
    )  # fmt: skip
    for barcode in [gs1_pack(OXALI_GTIN, OX_EXPIRY, "OX1")] * 3 + [
        gs1_pack(OXALI_GTIN, OX2_EXPIRY, "OX2"),
        gs1_pack(FU_GTIN, FU_EXPIRY, "FU1"),
    ]:
        wr.ward_request_pick_scan(
            actor=s.technician, workstation="FARM-2", request_id=request.pk, barcode=barcode,
            now=NOW,
        )  # fmt: skip
    wr.ward_request_close_pick(
        actor=s.technician, workstation="FARM-2", request_id=request.pk, now=NOW
    )
    if deliver:
        wr.ward_request_deliver(
            actor=s.technician, workstation="FARM-2", request_id=request.pk,
            now=NOW + timedelta(hours=1),
        )  # fmt: skip
    request.refresh_from_db()
    return request


def _pdf(request: WardRequest) -> str:
    return f"/dispensing/ward-requests/{request.pk}/delivery-document.pdf"


def _api(request_id: Any) -> str:
    return f"/api/v1/requests/{request_id}/delivery-document.pdf"


def test_the_delivery_document_is_printed_from_version_1_and_archived_for_the_ward(
    scene: WardScene, patient: Patient
) -> None:
    s = scene
    request = _named_request(s, patient)
    client = logged_in(s.pharmacist)
    # the request page's address leads to the PDF
    old = client.get(f"/inventory/requests/{request.pk}/document/")
    assert (old.status_code, old["Location"]) == (302, _pdf(request))
    response = client.get(old["Location"])
    # the PDF answered is the archived one: unsigned, template v1, a ward's document
    document = the_archived_print(response, CODE)
    assert response["X-Corsia-Document"] == str(document.pk)
    assert (document.template_version, document.patient_id, document.kind) == (1, None, CODE)
    # the patients its lines name are kept: reopening it from the archive logs a read of each
    named = sorted(document.named_patients.values_list("patient_id", flat=True))
    assert named == sorted(ln.patient_id for ln in request.lines.all() if ln.patient_id is not None)
    assert patient.pk in named and len(named) == 2
    assert (document.source_app, document.source_model, document.source_id) == (
        "inventory", "wardrequest", str(request.pk),
    )  # fmt: skip
    assert request.delivery_number == f"CR-2026-{request.pk:06d}"
    assert document.title == (
        f"Documento di consegna {request.delivery_number} · Day Hospital oncologico"
    )
    technician = _name(s.technician)
    assert document.context["delivery"] == {
        "number": request.delivery_number,
        "request": f"RR-2026-{request.pk:06d}",
        "kind": "Nominale (per paziente)",
        "urgency": "Urgente",
        "ward": "Day Hospital oncologico (DHONC)",
        "cabinet": "ARM-DH · Armadio Day Hospital",
        "requested_by": _name(s.nurse),
        "requested_at": "15/10/2026 10:00",
        "picked_by": technician,
        "delivered_by": technician,
        "delivered_at": "15/10/2026 11:00",
        "short_reason": "",
        "printed_by": _name(s.pharmacist),
        "lines": [
            {
                "position": "1", "product": "Oxaliplatino Test", "requested_product": "",
                "patient": "ROSSI Mario", "mrn": "P0001", "date_of_birth": "10/12/1985",
                "requested": "4", "approved": "4", "delivered": "4", "note": "",
            },
            {
                "position": "2", "product": "Fluorouracile Test", "requested_product": "",
                "patient": "BIANCHI Anna", "mrn": "P0002", "date_of_birth": "02/04/1970",
                "requested": "20", "approved": "10", "delivered": "10",
                "note": "Quantità modificata: Scorta sufficiente per una settimana",
            },
        ],
        "packs": [
            {"position": "1", "product": "Oxaliplatino Test", "aic": "012345676", "lot": "OX1",
             "expiry": "30/06/2027", "units": "3"},
            {"position": "1", "product": "Oxaliplatino Test", "aic": "012345676", "lot": "OX2",
             "expiry": "30/09/2027", "units": "1"},
            {"position": "2", "product": "Fluorouracile Test", "aic": "", "lot": "FU1",
             "expiry": "28/02/2027", "units": "10"},
        ],
        "total_units": "14",
    }  # fmt: skip
    html = printed_html(document)
    for text in (
        f"<h1>Documento di consegna {request.delivery_number}</h1>",
        "<strong>Day Hospital oncologico (DHONC)</strong>",
        f"<strong>{technician}</strong> il <strong>15/10/2026 11:00</strong>",
        "<strong>ROSSI Mario</strong><br>nato/a il 10/12/1985 · MRN P0001",
        "<strong>BIANCHI Anna</strong><br>nato/a il 02/04/1970 · MRN P0002",
        '<td class="n">20</td><td class="n">10</td><td class="n"><strong>10</strong></td>'
        "<td>Quantità modificata: Scorta sufficiente per una settimana</td>",
        '<td class="n">1</td><td>Oxaliplatino Test</td><td>012345676</td><td>OX1</td>'
        '<td>30/06/2027</td><td class="n"><strong>3</strong></td>',
        '<td class="n">2</td><td>Fluorouracile Test</td><td>—</td><td>FU1</td>'
        '<td>28/02/2027</td><td class="n"><strong>10</strong></td>',
        '<td class="n"><strong>14</strong></td>',
        "Consegna (farmacia): nome, firma, data e ora",
        "Ricevuto (reparto): nome, firma, data e ora",
    ):
        assert text in html, text
    # the patients named on it: a read of the pharmacist's, each in the access log
    logged = AccessLogEntry.objects.filter(user=s.pharmacist).values_list("patient_id", "what")
    assert set(logged) >= {
        (patient.pk, f"documento di consegna {request.delivery_number}"),
        (Patient.objects.get(mrn="P0002").pk, f"documento di consegna {request.delivery_number}"),
    }
    # a reprint is a new archived print
    client.get(_pdf(request))
    assert Document.objects.filter(template_code=CODE).count() == 2


def test_the_ward_s_nurse_prints_it_through_the_api(scene: WardScene, patient: Patient) -> None:
    s = scene
    request = _named_request(s, patient)
    response = api_client(s.nurse).get(_api(request.pk))
    document = the_archived_print(response, CODE)
    assert (response["X-Corsia-Document"], document.created_by) == (str(document.pk), s.nurse)
    assert AccessLogEntry.objects.filter(
        user=s.nurse, patient_id=patient.pk, channel="api"
    ).exists()


def test_not_delivered_unknown_or_another_ward_s_request_is_refused_and_nothing_archived(
    scene: WardScene, patient: Patient, make_user: MakeUser
) -> None:
    s = scene
    picked = _named_request(s, patient, deliver=False)
    assert (picked.state, picked.delivery_number) == ("picked", "")
    # not delivered yet: the page says why in Italian, the API with its code
    page = logged_in(s.technician).get(_pdf(picked))
    assert page.status_code == 409
    assert (
        f"La richiesta {picked.number} non è ancora stata consegnata: il documento di "
        "consegna si stampa dopo la consegna al reparto."
    ) in page.content.decode()
    refused = api_client(s.technician).get(_api(picked.pk))
    assert (refused.status_code, refused.json()["code"]) == (409, "ward_request_not_delivered")
    # unknown
    unknown = logged_in(s.technician).get("/dispensing/ward-requests/999999/delivery-document.pdf")
    assert unknown.status_code == 404
    missing = api_client(s.technician).get(_api(999999))
    assert (missing.status_code, missing.json()["code"]) == (404, "ward_request_not_found")
    # another ward's nurse: the day hospital's request is one that does not exist
    wr.ward_request_deliver(actor=s.technician, workstation="FARM-2", request_id=picked.pk, now=NOW)
    haematology = Ward.objects.create(code="EMA", name="Ematologia", kind="inpatient")
    other = make_user(Role.NURSE)
    WardAssignment.objects.create(user=other, ward=haematology, assigned_by=other)
    assert logged_in(other).get(_pdf(picked)).status_code == 404
    hidden = api_client(other).get(_api(picked.pk))
    assert (hidden.status_code, hidden.json()["code"]) == (404, "ward_request_not_found")
    # nothing archived, no patient read logged for a print refused
    assert not Document.objects.exists()
    assert not AccessLogEntry.objects.filter(what__startswith="documento di consegna").exists()


@pytest.mark.parametrize("role", [Role.IT_STAFF, Role.AUDITOR])
def test_without_view_ward_requests_nothing_is_printed_nor_archived(
    scene: WardScene, patient: Patient, make_user: MakeUser, role: Role
) -> None:
    request = _named_request(scene, patient)
    user = make_user(role)
    assert not user.has_perm("inventory.view_ward_requests")
    for url in (f"/inventory/requests/{request.pk}/document/", _pdf(request)):
        assert logged_in(user).get(url).status_code == 403
    refused = api_client(user).get(_api(request.pk))
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert not Document.objects.exists()


def test_an_it_edit_is_the_next_version_printed_and_one_dropping_a_lot_or_mrn_is_refused(
    scene: WardScene, patient: Patient, make_user: MakeUser
) -> None:
    it_staff = make_user(Role.IT_STAFF)
    refused = edit_refused(it_staff, CODE, shipped_without(CODE, "<td>{{ pack.lot }}</td>"))
    assert refused.code == "template_required_field_missing"
    assert refused.details == {"missing_fields": ["delivery.packs[].lot"]}
    refused = edit_refused(it_staff, CODE, shipped_without(CODE, " · MRN {{ line.mrn }}"))
    assert refused.details == {"missing_fields": ["delivery.lines[].mrn"]}
    assert "«delivery.lines[].mrn» (Numero di cartella (MRN)" in refused.message
    # an edit keeping every safety field is version 2, and the next print archives it
    request = _named_request(scene, patient)
    edited = template_update(
        actor=it_staff, workstation=None, code=CODE, title="Con il telefono della farmacia",
        body=(DEFAULTS_DIR / f"{CODE}.html").read_text().replace(
            "</h1>", "</h1>\n<p>Farmacia: interno 4321</p>"
        ),
        expected_version=1,
    )  # fmt: skip
    assert edited.version == 2
    logged_in(scene.technician).get(_pdf(request))
    document = Document.objects.get(template_code=CODE)
    assert document.template_version == 2
    assert "<p>Farmacia: interno 4321</p>" in printed_html(document)
