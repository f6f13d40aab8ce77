"""The rejection and the look-up by patient through the API (problem+json with a stable
code) and the pages (the button with its reason, the rejected batch shown read-only)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.galenics import services
from corsia.galenics.models import Batch, BatchState, Formula
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.galenics import OINTMENT, Lab, batch_prepared, batch_weighed, published
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db

API = "/api/v1/galenics"


def test_rejection_through_the_api(
    lab: Lab, suspension: Formula, technician: User, releaser: User
) -> None:
    batch = batch_weighed(lab, technician, suspension, Decimal(150))
    url = f"{API}/batches/{batch.pk}/rejection"
    status, problem = post_json(api_client(technician), url, {"reason": "contaminato"})
    assert status == 403, problem
    status, problem = post_json(api_client(releaser), url, {"reason": "  "})
    assert (status, problem["code"]) == (422, "reason_required")
    status, problem = post_json(api_client(releaser), url, {})
    assert status == 422, problem  # the reason is a required field
    status, body = post_json(api_client(releaser), url, {"reason": "Aspetto non conforme"})
    assert status == 200, body
    assert (body["state"], body["rejection_reason"], body["label"]) == (
        "rejected",
        "Aspetto non conforme",
        None,
    )
    assert sorted(line["wasted_units"] for line in body["lines"]) == [1, 13]
    status, problem = post_json(api_client(releaser), url, {"reason": "di nuovo"})
    assert (status, problem["code"]) == (409, "batch_rejected")
    status, problem = post_json(api_client(releaser), f"{API}/batches/{batch.pk}/release")
    assert (status, problem["code"]) == (409, "batch_rejected")
    assert api_client(releaser).get(f"{API}/batches/{batch.pk}/label").status_code == 409


def test_a_released_batch_is_not_rejected_through_the_api(
    lab: Lab, technician: User, releaser: User
) -> None:
    batch = batch_prepared(lab, technician, published(lab.pharmacist, OINTMENT), Decimal(100))
    services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
    status, problem = post_json(
        api_client(lab.pharmacist), f"{API}/batches/{batch.pk}/rejection", {"reason": "x"}
    )
    assert (status, problem["code"]) == (409, "batch_already_released")


def test_rejection_from_the_page(
    lab: Lab, suspension: Formula, technician: User, releaser: User
) -> None:
    batch = batch_prepared(lab, technician, suspension, Decimal(150))
    checker = logged_in(releaser)
    html = checker.get(f"/galenics/batches/{batch.pk}/").content.decode()
    assert 'data-testid="reject-form"' in html and 'name="reason"' in html
    # the technician does not see the button, and may not post it
    tech_html = logged_in(technician).get(f"/galenics/batches/{batch.pk}/").content.decode()
    assert 'data-testid="reject-form"' not in tech_html
    assert (
        logged_in(technician)
        .post(f"/galenics/batches/{batch.pk}/reject/", {"reason": "x"})
        .status_code
        == 403
    )
    # without a reason: refused, the batch unchanged
    answer = checker.post(f"/galenics/batches/{batch.pk}/reject/", {"reason": ""})
    assert answer.status_code in {302, 422}
    assert Batch.objects.get(pk=batch.pk).state == BatchState.PREPARED
    answer = checker.post(
        f"/galenics/batches/{batch.pk}/reject/", {"reason": "Volume di riempimento errato"}
    )
    assert answer.status_code == 302
    assert Batch.objects.get(pk=batch.pk).state == BatchState.REJECTED
    html = checker.get(f"/galenics/batches/{batch.pk}/").content.decode()
    assert 'data-testid="rejected-notice"' in html
    assert "Volume di riempimento errato" in html
    for gone in ("reject-form", "qc-form", 'data-testid="release"', 'data-testid="label"'):
        assert gone not in html, gone
    assert 'data-testid="waste-1"' in html
    assert "style=" not in html.split("<main", 1)[-1]


def test_the_batches_of_a_patient(
    lab: Lab, suspension: Formula, technician: User, releaser: User, make_user: MakeUser
) -> None:
    patient = patient_registered(make_user(Role.COORDINATOR))
    made = services.batch_open(
        actor=technician,
        workstation="t",
        formula_id=suspension.pk,
        quantity=Decimal(100),
        cost_center_code="CC-GAL",
        patient_id=patient.pk,
    )
    ointment = batch_prepared(lab, technician, published(lab.pharmacist, OINTMENT), Decimal(100))
    services.batch_release(actor=releaser, workstation="t", batch_id=ointment.pk)
    services.batch_dispense(
        actor=releaser,
        workstation="t",
        batch_id=ointment.pk,
        quantity=Decimal(30),
        patient_id=patient.pk,
    )
    unrelated = batch_weighed(lab, technician, suspension, Decimal(50))
    client = api_client(releaser)
    found = client.get(f"{API}/batches", {"patient": patient.surname}).json()
    assert [row["patient_id"] for row in found] == [patient.pk]
    batches = {b["number"]: b["made_for_patient"] for b in found[0]["batches"]}
    assert batches == {made.number: True, ointment.number: False}
    assert unrelated.number not in batches
    assert AccessLogEntry.objects.filter(
        patient_id=patient.pk, user=releaser, what="galenics.batches_by_patient"
    ).exists()
    assert client.get(f"{API}/batches", {"patient": "Nessuno Inesistente"}).json() == []
    assert client.get(f"{API}/batches").status_code == 422  # the look-up needs a text
    nurse = api_client(make_user(Role.NURSE))
    assert nurse.get(f"{API}/batches", {"patient": patient.surname}).status_code == 403
    html = logged_in(releaser).get("/galenics/", {"patient": patient.surname}).content.decode()
    assert 'data-testid="patient-batches"' in html
    assert made.number in html and ointment.number in html
    assert (
        unrelated.number
        not in html.split('data-testid="patient-batches"', 1)[1].split("</section>", 1)[0]
    )
