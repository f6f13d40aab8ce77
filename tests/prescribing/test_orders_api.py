"""The orders API: create, read, adjust, transitions, measurements; errors are problem+json."""

from __future__ import annotations

from datetime import date

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser, logged_in, post_json
from corsia.testing.prescribing import library_version, measured_patient

pytestmark = pytest.mark.django_db


def test_order_life_through_the_api(make_user: MakeUser) -> None:
    physician = make_user(Role.PHYSICIAN)
    pharmacist = make_user(Role.PHARMACIST)
    version = library_version(
        "FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    patient = measured_patient(registrar=make_user(Role.COORDINATOR), physician=physician)
    doctor = logged_in(physician)

    status, body = post_json(
        doctor,
        "/api/v1/orders",
        {"patient_id": patient.pk, "regimen_version_id": version.pk, "start_date": "2026-12-01"},
    )
    assert status == 201, body
    assert body["state"] == "draft"
    assert body["bsa_m2"] == "2.0000"
    oxali = next(i for i in body["items"] if i["ingredient"] == "oxaliplatin")
    assert oxali["final_dose"] == "170.0000"

    status, problem = post_json(
        doctor,
        f"/api/v1/orders/{body['id']}/items/{oxali['id']}/adjust",
        {"reduction_percent": "20", "expected_version": body["version"]},
    )
    assert status == 422
    assert problem["code"] == "reason_required"

    status, body = post_json(
        doctor,
        f"/api/v1/orders/{body['id']}/items/{oxali['id']}/adjust",
        {"reduction_percent": "20", "reason": "Neuropatia G2", "expected_version": body["version"]},
    )
    assert status == 200
    oxali = next(i for i in body["items"] if i["ingredient"] == "oxaliplatin")
    assert oxali["final_dose"] == "136.0000"

    for event in ("confirm", "send"):
        status, body = post_json(
            doctor,
            f"/api/v1/orders/{body['id']}/transitions",
            {"event": event, "expected_version": body["version"]},
        )
        assert status == 200, body
    status, problem = post_json(
        doctor,
        f"/api/v1/orders/{body['id']}/transitions",
        {"event": "validate", "expected_version": body["version"]},
    )
    assert status == 403
    assert problem["code"] == "validator_is_prescriber"

    status, body = post_json(
        logged_in(pharmacist),
        f"/api/v1/orders/{body['id']}/transitions",
        {"event": "validate", "expected_version": body["version"]},
    )
    assert status == 200
    assert body["state"] == "validated"
    assert body["validated_by"] == pharmacist.username

    listed = doctor.get("/api/v1/orders", {"day": "2026-12-01"}).json()
    assert [row["id"] for row in listed] == [body["id"]]
    assert AccessLogEntry.objects.filter(patient_id=patient.pk, channel="api").exists()


def test_nurse_cannot_create_an_order_and_nothing_is_saved(make_user: MakeUser) -> None:
    nurse = logged_in(make_user(Role.NURSE))
    status, _ = post_json(
        nurse,
        "/api/v1/orders",
        {"patient_id": 1, "regimen_version_id": 1, "start_date": date(2026, 12, 1).isoformat()},
    )
    assert status == 403
    assert not TherapyOrder.objects.exists()


def test_measurement_out_of_range_names_the_field(make_user: MakeUser) -> None:
    physician = make_user(Role.PHYSICIAN)
    patient = measured_patient(registrar=make_user(Role.COORDINATOR), physician=physician)
    status, problem = post_json(
        logged_in(physician),
        "/api/v1/measurements",
        {"patient_id": patient.pk, "kind": "weight_kg", "value": "401"},
    )
    assert status == 422
    assert problem["field"] == "weight_kg"


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["{}", '{"event": "confirm", "expected_version": 1}'])
def test_a_role_taking_no_order_decision_is_403_before_the_body_is_read(
    make_user: MakeUser, body: str
) -> None:
    # issue 26: a trial monitor's empty transition body was a 422 naming the fields the
    # operation wants; a role that takes no decision on any order is refused first
    from django.test import Client

    from corsia.accounts.services import token_issue

    key, _ = token_issue(user=make_user(Role.TRIAL_MONITOR))
    client = Client(headers={"Authorization": f"Bearer {key}"})
    response = client.post(
        "/api/v1/orders/999999/transitions", body, content_type="application/json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "order_decision_not_permitted"


@pytest.mark.django_db
def test_a_role_taking_decisions_still_gets_422_on_an_empty_transition(
    make_user: MakeUser,
) -> None:
    from django.test import Client

    from corsia.accounts.services import token_issue

    key, _ = token_issue(user=make_user(Role.PHYSICIAN))
    client = Client(headers={"Authorization": f"Bearer {key}"})
    response = client.post(
        "/api/v1/orders/999999/transitions", "{}", content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] in ("validation_failed", "expected_version_required")


@pytest.mark.django_db
def test_the_orders_of_the_day_are_in_the_access_log(make_user: MakeUser) -> None:
    # issue 26, found by the scripted day (tests/audit/test_completeness_day.py):
    # the list of the day's orders (patient, regimen, drugs) was read without a trace
    from django.test import Client
    from django.utils import timezone

    from corsia.accounts.services import token_issue
    from corsia.testing.prescribing import folfox_order

    physician = make_user(Role.PHYSICIAN)
    order = folfox_order(make_user, physician, start=timezone.localdate())
    reader = make_user(Role.PHARMACIST)
    key, _ = token_issue(user=reader)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    listed = api.get("/api/v1/orders", {"day": timezone.localdate().isoformat()}).json()
    assert [row["patient_id"] for row in listed] == [order.patient_id]
    assert logged_in(physician).get("/prescribing/").status_code == 200
    logged = AccessLogEntry.objects.filter(patient_id=order.patient_id).order_by("id")
    assert [(e.username, e.channel) for e in logged if e.what.startswith("prescrizioni del")] == [
        (reader.username, "api"),
        (physician.username, "web"),
    ]
