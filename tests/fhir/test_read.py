"""Read by id (``GET /fhir/<Type>/<id>``) for every resource of a patient's data: the same
resource the search answers, the same permission, patient scope, masking and access log; an
id out of scope, masked or unknown is the same 404, and writes no log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients import services as patients
from corsia.patients.models import Encounter, Ward
from corsia.records import services as records
from corsia.records.services.labs import LabInput
from corsia.records.services.vitals import VitalsInput
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.administration import Folfox, give
from corsia.testing.fhir import fhir_get, fhir_reads, ids, issue
from corsia.testing.outside import masked_chart
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db


def _chart(folfox: Folfox, make_coordinator: Callable[[], User]) -> None:
    """A stay, vital signs and a lab result for the patient."""
    physician, patient_id = folfox.physician, folfox.patient.pk
    now = timezone.now()
    ward = Ward.objects.create(code="ONCX", name="Oncologia X", kind="inpatient")
    patients.encounter_admit(
        actor=make_coordinator(), workstation=None, patient_id=patient_id, kind="day_hospital",
        ward_id=ward.pk, admitted_at=now - timedelta(hours=5),
    )  # fmt: skip
    records.vital_signs_record(
        actor=physician, workstation=None, patient_id=patient_id,
        data=VitalsInput(systolic_bp="120", diastolic_bp="80", measured_at=now - timedelta(hours=2)),
    )  # fmt: skip
    records.lab_result_record(
        actor=physician, workstation=None, patient_id=patient_id,
        data=LabInput(analyte="Creatinina", value="0,9", unit="mg/dL",
                      collected_at=now - timedelta(hours=3)),
    )  # fmt: skip


SEARCHED = [
    "Encounter",
    "AllergyIntolerance",
    "Observation",
    "MedicationRequest",
    "MedicationAdministration",
]


def test_each_resource_found_by_search_is_read_by_its_id(
    folfox: Folfox, make_user: MakeUser
) -> None:
    _chart(folfox, lambda: make_user(Role.COORDINATOR))
    patients.no_known_allergies_state(
        actor=folfox.physician, workstation=None, patient_id=folfox.patient.pk,
        stated_on=timezone.localdate(),
    )  # fmt: skip
    give(folfox, folfox.items["ondansetron"])
    client = api_client(folfox.physician)
    for resource_type in SEARCHED:
        _status, bundle = fhir_get(client, f"/fhir/{resource_type}?patient={folfox.patient.pk}")
        assert bundle["total"] >= 1, resource_type
        for entry in bundle["entry"][:3]:
            wanted = entry["resource"]
            status, got = fhir_get(client, f"/fhir/{resource_type}/{wanted['id']}")
            assert (status, got) == (200, wanted), resource_type


def test_a_read_is_logged_as_the_search_is(folfox: Folfox) -> None:
    give(folfox, folfox.items["ondansetron"])
    client = api_client(folfox.nurse)
    [given] = ids(
        fhir_get(client, f"/fhir/MedicationAdministration?patient={folfox.patient.pk}")[1]
    )
    before = len(fhir_reads(folfox.patient.pk))
    assert fhir_get(client, f"/fhir/MedicationAdministration/{given}")[0] == 200
    assert fhir_reads(folfox.patient.pk)[before:] == ["FHIR MedicationAdministration"]


def test_a_read_needs_the_permission_of_the_page(folfox: Folfox, make_user: MakeUser) -> None:
    line = folfox.items["oxaliplatin"].pk
    status, body = fhir_get(api_client(make_user(Role.IT_STAFF)), f"/fhir/MedicationRequest/{line}")
    assert (status, issue(body)) == (403, "forbidden")
    assert fhir_reads(folfox.patient.pk) == []


@pytest.mark.parametrize(
    "path",
    [
        "Encounter/abc",
        "Encounter/999999999",
        "AllergyIntolerance/7",
        "AllergyIntolerance/allergy-x",
        "AllergyIntolerance/nka-999999999",
        "Observation/vs-1",
        "Observation/vs-999999999-bp",
        "Observation/lab-999999999",
        "Condition/999999999",
        "MedicationRequest/999999999",
        "MedicationAdministration/99999999999999999999999",
    ],
)
def test_an_unknown_id_is_not_found(make_user: MakeUser, path: str) -> None:
    status, body = fhir_get(api_client(make_user(Role.PHYSICIAN)), f"/fhir/{path}")
    assert (status, issue(body)) == (404, "not-found")


def test_a_masked_encounter_or_a_patient_out_of_scope_is_not_found(make_user: MakeUser) -> None:
    chart = masked_chart(make_user)
    physician = api_client(chart.physician)
    status, body = fhir_get(physician, f"/fhir/Encounter/{chart.ids['encounter']}")
    assert (status, issue(body)) == (404, "not-found")
    assert fhir_get(physician, f"/fhir/Encounter/{chart.visible_encounter_id}")[0] == 200
    # a trial monitor: the enrolled patient's stay is read, another patient's is the same
    # 404 as an id that does not exist, and nothing is logged about them
    other = patient_registered(
        chart.coordinator, given_names="Altro", codice_fiscale="", stp_eni_code="STP1200000000009"
    )
    ward_id = Encounter.objects.get(pk=chart.visible_encounter_id).ward_id
    stay = patients.encounter_admit(
        actor=chart.coordinator, workstation=None, patient_id=other.pk, kind="day_hospital",
        ward_id=ward_id, admitted_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    monitor = api_client(chart.monitor)
    assert fhir_get(monitor, f"/fhir/Encounter/{chart.visible_encounter_id}")[0] == 200
    status, body = fhir_get(monitor, f"/fhir/Encounter/{stay.pk}")
    assert (status, issue(body)) == (404, "not-found")
    assert fhir_reads(other.pk) == []
