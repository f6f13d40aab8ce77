"""The resources added for the integrators: Practitioner, Medication, RequestGroup (an order
as a whole), PlanDefinition, DocumentReference with its PDF at Binary, AuditEvent. Each R4
valid (``fhir_get`` parses it), each with the permission of the page showing the same."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.fhir.domain import catalog
from corsia.fhir.domain.orders import (
    DocumentFacts,
    OrderFacts,
    document_reference_resource,
    request_group_resource,
    with_base,
)
from corsia.records import services as records
from corsia.records.domain.letters import FREE_TEXT, LetterKind
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.administration import Folfox, give
from corsia.testing.fhir import fhir_get, fhir_reads, ids, issue, r4
from corsia.testing.outside import masked_chart

AT = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

# --- pure ---------------------------------------------------------------------------------------


def test_a_practitioner_carries_the_username_the_name_and_the_roles_only() -> None:
    resource = catalog.practitioner_resource(
        catalog.PractitionerFacts(
            id=4, username="bneri", family="Neri", given="Bianca Maria", active=True,
            roles=("Infermiere",),
        )
    )  # fmt: skip
    r4(resource)
    assert resource == {
        "resourceType": "Practitioner",
        "id": "4",
        "identifier": [{"system": "urn:corsia:user", "value": "bneri"}],
        "active": True,
        "name": [{"text": "Bianca Maria Neri", "family": "Neri", "given": ["Bianca", "Maria"]}],
        "qualification": [{"code": {"text": "Infermiere"}}],
    }


def test_a_medication_is_coded_by_its_packs_aic_and_its_atc() -> None:
    # oxaliplatin 50 mg vials: ATC L01XA03 (WHO), two packs with their AIC codes
    resource = catalog.medication_resource(
        catalog.MedicationFacts(
            id=9, code="oxali-50", name="Oxaliplatino Teva 50 mg", ingredient_code="oxaliplatin",
            ingredient_name="oxaliplatino", atc_code="L01XA03", form="polvere per infusione",
            strength=Decimal("50.000"), strength_unit="mg",
            packs=(catalog.PackCode("037012015", "1 flaconcino"), catalog.PackCode("", "")),
        )
    )  # fmt: skip
    r4(resource)
    systems = [(c["system"], c["code"]) for c in resource["code"]["coding"]]
    assert systems == [
        ("https://www.hl7.it/fhir/terminology/CodeSystem/aifa-aic", "037012015"),
        ("http://www.whocc.no/atc", "L01XA03"),
        ("urn:corsia:product", "oxali-50"),
    ]
    assert resource["ingredient"][0]["strength"]["numerator"] == {"value": 50, "unit": "mg"}


def test_an_order_is_a_request_group_of_its_lines() -> None:
    resource = request_group_resource(
        OrderFacts(
            id=12, patient_id=7, state="validated", regimen_name="FOLFOX-4", cycle_number=2,
            start_date="2026-12-01", prescriber_name="Dr X", authored_at=AT, line_ids=(40, 41),
        )
    )  # fmt: skip
    r4(resource)
    assert resource["status"] == "active"
    assert [a["resource"]["reference"] for a in resource["action"]] == [
        "MedicationRequest/40",
        "MedicationRequest/41",
    ]
    assert resource["identifier"] == [{"system": "urn:corsia:therapy-order", "value": "12"}]


def test_a_signed_document_points_at_its_pdf_and_the_version_it_replaces() -> None:
    resource = with_base(
        document_reference_resource(
            DocumentFacts(
                id=31, patient_id=7, kind="discharge_letter", title="Lettera di dimissione",
                mime_type="application/pdf", size=5120, signed_at=AT, signer_name="Dr X",
                version=2, supersedes_id=30, superseded=False,
            )
        ),
        "https://h/fhir",
    )  # fmt: skip
    r4(resource)
    assert resource["content"][0]["attachment"]["url"] == "https://h/fhir/Binary/31"
    assert resource["relatesTo"][0]["target"] == {"reference": "DocumentReference/30"}
    assert (resource["status"], resource["docStatus"]) == ("current", "final")


# --- through HTTP -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_practitioners_are_the_clinical_staff_without_their_account(
    make_user: MakeUser,
) -> None:
    nurse = make_user(Role.NURSE)
    it_staff = make_user(Role.IT_STAFF)
    client = api_client(make_user(Role.PHYSICIAN))
    status, body = fhir_get(client, f"/fhir/Practitioner/{nurse.pk}")
    assert (status, body["identifier"][0]["value"]) == (200, nurse.username)
    text = json.dumps(body)
    assert "password" not in text and "@" not in text and "last_login" not in text
    assert fhir_get(client, f"/fhir/Practitioner/{it_staff.pk}")[0] == 404
    found = fhir_get(client, f"/fhir/Practitioner?identifier=urn:corsia:user|{nurse.username}")[1]
    assert ids(found) == [str(nurse.pk)]
    status, body = fhir_get(api_client(it_staff), f"/fhir/Practitioner/{nurse.pk}")
    assert (status, issue(body)) == (403, "forbidden")


@pytest.mark.django_db
def test_the_order_its_drugs_and_its_regimen(folfox: Folfox, make_user: MakeUser) -> None:
    client = api_client(folfox.physician)
    pid, order = folfox.patient.pk, folfox.order
    # the order as a whole: its lines are the MedicationRequests of the same order
    status, group = fhir_get(client, f"/fhir/RequestGroup/{order.pk}")
    assert status == 200
    _status, lines = fhir_get(client, f"/fhir/MedicationRequest?patient={pid}&_count=200")
    assert sorted(a["resource"]["reference"] for a in group["action"]) == sorted(
        f"MedicationRequest/{i}" for i in ids(lines)
    )
    found = fhir_get(client, f"/fhir/RequestGroup?patient={pid}&identifier={order.pk}")[1]
    assert ids(found) == [str(order.pk)]
    assert "FHIR RequestGroup" in fhir_reads(pid)
    # a product of the archive by a pack's AIC code
    aic = next(iter(folfox.ufa.aic.values()))
    _status, medications = fhir_get(client, f"/fhir/Medication?code={aic}")
    [medication] = [e["resource"] for e in medications["entry"]]
    assert aic in {c["code"] for c in medication["code"]["coding"]}
    assert fhir_get(client, f"/fhir/Medication/{medication['id']}")[1] == medication
    # the regimen prescribed, as the regimens module exports it
    _status, plans = fhir_get(client, "/fhir/PlanDefinition")
    assert plans["total"] >= 1
    plan_id = plans["entry"][0]["resource"]["id"]
    assert fhir_get(client, f"/fhir/PlanDefinition/{plan_id}")[1]["resourceType"] == (
        "PlanDefinition"
    )


@pytest.mark.django_db
def test_signed_documents_and_their_pdf_but_none_of_a_masked_stay(make_user: MakeUser) -> None:
    chart = masked_chart(make_user)
    letter = records.letter_draft_create(
        actor=chart.physician, workstation=None, patient_id=chart.patient.pk,
        kind="outpatient_report", day=timezone.localdate(),
        texts={s.code: "Controllo in corso di FOLFOX-4." for s in FREE_TEXT[LetterKind.OUTPATIENT]},
    )  # fmt: skip
    letter = records.letter_sign(
        actor=chart.physician, workstation=None, letter_id=letter.pk,
        expected_version=letter.version,
    )  # fmt: skip
    client = api_client(chart.physician)
    _status, bundle = fhir_get(client, f"/fhir/DocumentReference?patient={chart.patient.pk}")
    assert ids(bundle) == [str(letter.document_id)]
    url = bundle["entry"][0]["resource"]["content"][0]["attachment"]["url"]
    assert url == f"http://testserver/fhir/Binary/{letter.document_id}"
    pdf = client.get(url)
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (
        200,
        "application/pdf",
        b"%PDF-",
    )
    # the letter of the masked stay: neither its reference nor its PDF
    hidden = chart.ids["document"]
    for path in (f"/fhir/DocumentReference/{hidden}", f"/fhir/Binary/{hidden}"):
        status, body = fhir_get(client, path)
        assert (status, issue(body)) == (404, "not-found")


@pytest.mark.django_db
def test_the_access_log_is_for_the_auditor(folfox: Folfox, make_user: MakeUser) -> None:
    give(folfox, folfox.items["ondansetron"])
    pid = folfox.patient.pk
    fhir_get(api_client(folfox.nurse), f"/fhir/MedicationAdministration?patient={pid}")
    auditor = api_client(make_user(Role.AUDITOR))
    status, body = fhir_get(auditor, f"/fhir/AuditEvent?patient={pid}")
    assert status == 200
    assert "FHIR MedicationAdministration" in {
        e["resource"]["entity"][0]["description"] for e in body["entry"]
    }
    status, body = fhir_get(api_client(folfox.physician), f"/fhir/AuditEvent?patient={pid}")
    assert (status, issue(body)) == (403, "forbidden")
