"""The FHIR server through HTTP: what a FHIR client gets, validated against the R4 model;
the same permissions, patient scope, masking and access log as the pages; every refusal an
OperationOutcome, never HTML, never a 500."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.patients import services as patients
from corsia.patients.models import Patient
from corsia.records import services as records
from corsia.records.services.labs import LabInput
from corsia.records.services.vitals import VitalsInput
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.administration import Folfox, give
from corsia.testing.fhir import fhir_get, fhir_reads, issue
from corsia.testing.outside import masked_chart
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db
FHIR_JSON = "application/fhir+json"
CF = "RSSMRA85T10A562S"  # Mario Rossi, M, born 10/12/1985 (corsia.testing.patients)


_get = fhir_get
_outcome = issue
_fhir_reads = fhir_reads


@pytest.fixture
def rossi(make_user: MakeUser) -> Patient:
    return patient_registered(make_user(Role.COORDINATOR))


# --- metadata and Patient -----------------------------------------------------------------------


def test_metadata_is_a_capability_statement_anyone_may_read(db: None) -> None:
    status, body = _get(Client(), "/fhir/metadata")
    assert status == 200
    assert body["resourceType"] == "CapabilityStatement"
    assert body["implementation"]["url"] == "http://testserver/fhir"


def test_a_patient_read_by_token_has_the_codice_fiscale_and_is_logged(
    make_user: MakeUser, rossi: Patient
) -> None:
    nurse = make_user(Role.NURSE)
    status, body = _get(api_client(nurse), f"/fhir/Patient/{rossi.pk}")
    assert status == 200
    assert body["identifier"][0] == {
        "use": "official", "system": "http://hl7.it/sid/codiceFiscale", "value": CF,
    }  # fmt: skip
    assert body["identifier"][1] == {"use": "usual", "system": "urn:corsia:mrn", "value": rossi.mrn}
    assert (body["name"][0]["family"], body["gender"], body["birthDate"]) == (
        "Rossi",
        "male",
        "1985-12-10",
    )
    assert _fhir_reads(rossi.pk) == ["FHIR Patient"]
    assert AccessLogEntry.objects.get(patient_id=rossi.pk, channel="fhir").user_id == nurse.pk


def test_the_session_works_as_on_the_api(make_user: MakeUser, rossi: Patient) -> None:
    status, body = _get(logged_in(make_user(Role.PHYSICIAN)), f"/fhir/Patient/{rossi.pk}")
    assert (status, body["id"]) == (200, str(rossi.pk))


@pytest.mark.parametrize(
    "query",
    [
        f"identifier=http://hl7.it/sid/codiceFiscale|{CF}",
        f"identifier={CF}",
        "family=ros",
        "birthdate=1985-12-10",
        "birthdate=ge1985-12&birthdate=lt1986",
    ],
)
def test_patient_search_finds_rossi(make_user: MakeUser, rossi: Patient, query: str) -> None:
    status, body = _get(api_client(make_user(Role.NURSE)), f"/fhir/Patient?{query}")
    assert status == 200
    assert body["type"] == "searchset"
    assert (body["total"], body["entry"][0]["resource"]["id"]) == (1, str(rossi.pk))


def test_patient_search_by_mrn_and_id(make_user: MakeUser, rossi: Patient) -> None:
    client = api_client(make_user(Role.NURSE))
    assert _get(client, f"/fhir/Patient?identifier=urn:corsia:mrn|{rossi.mrn}")[1]["total"] == 1
    assert _get(client, f"/fhir/Patient?_id={rossi.pk}")[1]["total"] == 1
    # another system's identifier, a birth date not his: nobody, and nobody logged
    assert _get(client, f"/fhir/Patient?identifier=urn:other|{CF}")[1]["total"] == 0
    assert _get(client, "/fhir/Patient?birthdate=1985-12-11")[1]["total"] == 0
    assert _get(client, "/fhir/Patient?_id=abc")[1]["total"] == 0
    assert _fhir_reads(rossi.pk) == ["FHIR ricerca Patient", "FHIR ricerca Patient"]


def test_patient_search_pages_with_next_links(make_user: MakeUser) -> None:
    registrar = make_user(Role.COORDINATOR)
    for n in range(3):  # three Rossi known by their STP code (no codice fiscale)
        patient_registered(
            registrar, given_names=f"Nome{n}", codice_fiscale="", stp_eni_code=f"STP120000000000{n}"
        )
    client = api_client(make_user(Role.NURSE))
    _, first = _get(client, "/fhir/Patient?family=Rossi&_count=2")
    assert (first["total"], len(first["entry"])) == (3, 2)
    next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
    assert next_url == "http://testserver/fhir/Patient?family=Rossi&_count=2&_offset=2"
    _status, second = _get(client, next_url)
    assert len(second["entry"]) == 1
    assert "next" not in {link["relation"] for link in second["link"]}
    ids = [e["resource"]["id"] for e in first["entry"] + second["entry"]]
    assert len(set(ids)) == 3


# --- refusals: always an OperationOutcome ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/fhir/Patient?name=Rossi", 400, "invalid"),
        ("/fhir/Patient?family:exact=Rossi", 400, "invalid"),
        ("/fhir/Patient", 400, "invalid"),
        ("/fhir/Patient?family=Ro%00ssi", 400, "invalid"),
        ("/fhir/Patient?birthdate=1985-02-30", 400, "invalid"),
        ("/fhir/Patient?birthdate=ge", 400, "invalid"),
        ("/fhir/Patient?family=Rossi&_count=-5", 400, "invalid"),
        ("/fhir/Patient?family=Rossi&_offset=99999999999999999999", 400, "invalid"),
        ("/fhir/Patient/abc", 404, "not-found"),
        ("/fhir/Patient/99999999999999999999999", 404, "not-found"),
        ("/fhir/Patient/999999", 404, "not-found"),
        ("/fhir/Observation?category=vital-signs", 400, "invalid"),
        ("/fhir/Observation?patient=1&category=imaging", 400, "invalid"),
        ("/fhir/MedicationAdministration?patient=1&date=2026-12-01T10:00", 400, "invalid"),
        ("/fhir/Location/1", 404, "not-found"),
        ("/fhir/Practitioner/abc", 404, "not-found"),
    ],
)
def test_bad_input_is_an_operation_outcome(
    make_user: MakeUser, url: str, status: int, code: str
) -> None:
    got, body = _get(api_client(make_user(Role.PHYSICIAN)), url)
    assert (got, _outcome(body)) == (status, code)


def test_a_huge_count_is_served_as_200(make_user: MakeUser, rossi: Patient) -> None:
    status, body = _get(
        api_client(make_user(Role.NURSE)), "/fhir/Patient?family=Rossi&_count=100000000000"
    )
    assert status == 200
    assert body["link"][0]["url"].endswith("_count=200&_offset=0")


def test_no_credentials_or_a_bad_token_is_login(rossi: Patient) -> None:
    status, body = _get(Client(), f"/fhir/Patient/{rossi.pk}")
    assert (status, _outcome(body)) == (401, "login")
    bad = Client(headers={"Authorization": "Bearer nope"})
    status, body = _get(bad, f"/fhir/Patient?_id={rossi.pk}")
    assert (status, _outcome(body)) == (401, "login")
    assert _fhir_reads(rossi.pk) == []


def test_a_write_is_refused_as_not_supported(make_user: MakeUser) -> None:
    response = api_client(make_user(Role.PHYSICIAN)).post(
        "/fhir/Patient", "{}", content_type=FHIR_JSON
    )
    assert response.status_code == 405
    assert _outcome(json.loads(response.content)) == "not-supported"


# --- permissions, as the pages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "resource", "allowed"),
    [
        (Role.IT_STAFF, "Patient/{id}", False),
        (Role.ADMINISTRATOR, "Encounter?patient={id}", False),
        (Role.TECHNICIAN, "Patient/{id}", True),
        (Role.TECHNICIAN, "Observation?patient={id}", False),  # no chart for the technician
        (Role.AUDITOR, "Condition?patient={id}", False),
        (Role.PHARMACIST, "MedicationAdministration?patient={id}", False),
        (Role.NURSE, "MedicationAdministration?patient={id}", True),
        (Role.PHYSICIAN, "MedicationRequest?patient={id}", True),
        (Role.IT_STAFF, "MedicationRequest?patient={id}", False),
        (Role.NURSE, "AllergyIntolerance?patient={id}", True),
    ],
)
def test_a_role_reads_what_its_pages_show_and_nothing_else(
    make_user: MakeUser, rossi: Patient, role: Role, resource: str, allowed: bool
) -> None:
    status, body = _get(api_client(make_user(role)), "/fhir/" + resource.format(id=rossi.pk))
    if allowed:
        assert status == 200
        assert len(_fhir_reads(rossi.pk)) == 1
    else:
        assert (status, _outcome(body)) == (403, "forbidden")
        assert _fhir_reads(rossi.pk) == []


# --- monitor scope and masking ----------------------------------------------------------------------


def test_a_monitor_reads_only_the_enrolled_patient(make_user: MakeUser, rossi: Patient) -> None:
    chart = masked_chart(make_user)
    client = api_client(chart.monitor)
    assert _get(client, f"/fhir/Patient/{chart.patient.pk}")[0] == 200
    status, body = _get(client, f"/fhir/Patient/{rossi.pk}")
    assert (status, _outcome(body)) == (404, "not-found")
    assert _get(client, f"/fhir/Patient?identifier={CF}")[1]["total"] == 0
    assert _get(client, f"/fhir/Condition?patient={rossi.pk}")[1]["total"] == 0
    assert _get(client, f"/fhir/MedicationRequest?patient={rossi.pk}")[1]["total"] == 0
    assert _fhir_reads(rossi.pk) == []


def test_a_masked_encounter_is_not_returned(make_user: MakeUser) -> None:
    chart = masked_chart(make_user)
    client = api_client(chart.physician)
    status, body = _get(client, f"/fhir/Encounter?patient=Patient/{chart.patient.pk}")
    assert status == 200
    assert [e["resource"]["id"] for e in body["entry"]] == [str(chart.visible_encounter_id)]
    assert body["entry"][0]["resource"]["status"] == "in-progress"
    text = json.dumps(body)
    assert all(sentinel not in text for sentinel in chart.sentinels if not sentinel.isdigit())
    assert (
        _get(client, f"/fhir/Encounter?patient={chart.patient.pk}&status=finished")[1]["total"] == 0
    )


# --- the chart: observations, allergies ------------------------------------------------------------


def test_vitals_and_labs_are_observations(make_user: MakeUser, rossi: Patient) -> None:
    physician = make_user(Role.PHYSICIAN)
    now = timezone.now()
    records.vital_signs_record(
        actor=physician, workstation=None, patient_id=rossi.pk,
        data=VitalsInput(systolic_bp="120", diastolic_bp="80", heart_rate="72", measured_at=now - timedelta(days=3)),
    )  # fmt: skip
    records.lab_result_record(
        actor=physician, workstation=None, patient_id=rossi.pk,
        data=LabInput(analyte="Creatinina", value="1,4", unit="mg/dL", reference_low="0.7",
                      reference_high="1.2", collected_at=now - timedelta(days=1)),
    )  # fmt: skip
    client = api_client(make_user(Role.NURSE))
    _, vitals = _get(client, f"/fhir/Observation?patient={rossi.pk}&category=vital-signs")
    assert vitals["total"] == 2
    panel = next(
        e["resource"]
        for e in vitals["entry"]
        if e["resource"]["code"]["coding"][0]["code"] == "85354-9"
    )
    assert [(c["code"]["coding"][0]["code"], c["valueQuantity"]["value"]) for c in panel["component"]] == [
        ("8480-6", 120), ("8462-4", 80),
    ]  # fmt: skip
    by_code = _get(client, f"/fhir/Observation?patient={rossi.pk}&code=http://loinc.org|8480-6")[1]
    assert [e["resource"]["id"] for e in by_code["entry"]] == [panel["id"]]
    _status, labs = _get(client, f"/fhir/Observation?patient={rossi.pk}&category=laboratory")
    [lab] = [e["resource"] for e in labs["entry"]]
    assert (lab["code"]["text"], lab["valueQuantity"]["value"]) == ("Creatinina", 1.4)
    assert lab["interpretation"][0]["coding"][0]["code"] == "H"
    # dates: the lab of yesterday only, then nothing before the vitals
    day = timezone.localdate()
    recent = _get(client, f"/fhir/Observation?patient={rossi.pk}&date=ge{day - timedelta(days=2)}")[
        1
    ]
    assert [e["resource"]["id"] for e in recent["entry"]] == [lab["id"]]
    older = _get(client, f"/fhir/Observation?patient={rossi.pk}&date=le{day - timedelta(days=4)}")[
        1
    ]
    assert older["total"] == 0
    # each read logged by the chart's own selectors, on the fhir channel
    assert set(_fhir_reads(rossi.pk)) == {"parametri vitali", "esami di laboratorio"}


def test_no_known_allergies_is_answered_the_fhir_way(make_user: MakeUser, rossi: Patient) -> None:
    patients.no_known_allergies_state(
        actor=make_user(Role.PHYSICIAN),
        workstation=None,
        patient_id=rossi.pk,
        stated_on=date(2026, 11, 2),
    )
    _status, body = _get(
        api_client(make_user(Role.NURSE)), f"/fhir/AllergyIntolerance?patient={rossi.pk}"
    )
    [nka] = [e["resource"] for e in body["entry"]]
    assert nka["code"]["coding"][0]["code"] == "716186003"
    assert nka["recordedDate"] == "2026-11-02"
    assert _fhir_reads(rossi.pk) == ["allergie"]


# --- medication: the order lines and what was given ---------------------------------------------------


def test_a_fhir_client_lists_the_patient_s_medication_administrations(folfox: Folfox) -> None:
    # the issue's done criterion: oxaliplatin 170 mg (85 mg/m² × 2.00 m²) given by the nurse
    give(folfox, folfox.items["ondansetron"])  # the day's sequence: 1, 2, then 3
    give(folfox, folfox.items["dexamethasone"])
    given = give(folfox, folfox.items["oxaliplatin"])
    client = api_client(folfox.physician)
    status, body = _get(client, f"/fhir/MedicationAdministration?patient={folfox.patient.pk}")
    assert (status, body["total"]) == (200, 3)
    resource = body["entry"][0]["resource"]  # newest first
    assert resource["id"] == str(given.pk)
    assert resource["status"] == "completed"
    assert resource["medicationCodeableConcept"]["coding"][0]["code"] == "oxaliplatin"
    assert resource["dosage"]["dose"] == {
        "value": 170, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg",
    }  # fmt: skip
    assert resource["performer"][0]["actor"]["display"] == folfox.nurse.get_full_name()
    assert resource["effectivePeriod"]["end"]
    assert resource["request"]["reference"] == f"MedicationRequest/{folfox.items['oxaliplatin'].pk}"
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert (
        _get(
            client, f"/fhir/MedicationAdministration?patient={folfox.patient.pk}&date=ge{tomorrow}"
        )[1]["total"]
        == 0
    )
    # nobody else's
    assert (
        _get(client, f"/fhir/MedicationAdministration?patient={folfox.other_patient.pk}")[1][
            "total"
        ]
        == 0
    )
    assert "FHIR MedicationAdministration" in _fhir_reads(folfox.patient.pk)


def test_each_order_line_is_a_medication_request_of_its_order(folfox: Folfox) -> None:
    client = api_client(folfox.physician)
    _status, body = _get(client, f"/fhir/MedicationRequest?patient={folfox.patient.pk}&_count=200")
    lines = [e["resource"] for e in body["entry"]]
    assert body["total"] == folfox.order.items.count()
    assert {line["groupIdentifier"]["value"] for line in lines} == {str(folfox.order.pk)}
    oxaliplatin = next(line for line in lines if line["id"] == str(folfox.items["oxaliplatin"].pk))
    assert oxaliplatin["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] == 170
    assert oxaliplatin["dosageInstruction"][0]["text"].startswith("85 mg/m2 × BSA 2.00 m²")
    assert oxaliplatin["status"] == "active"
    assert (
        _get(client, f"/fhir/MedicationRequest?patient={folfox.patient.pk}&status=completed")[1][
            "total"
        ]
        == 0
    )


def test_a_password_to_change_is_refused_as_on_the_api(make_user: MakeUser, rossi: Patient) -> None:
    nurse = make_user(Role.NURSE)
    session = logged_in(nurse)
    token = api_client(nurse)
    User.objects.filter(pk=nurse.pk).update(must_change_password=True)
    status, body = _get(session, f"/fhir/Patient/{rossi.pk}")
    assert (status, _outcome(body)) == (403, "forbidden")
    status, body = _get(token, f"/fhir/Patient/{rossi.pk}")
    assert (status, _outcome(body)) == (401, "login")
    assert _fhir_reads(rossi.pk) == []
