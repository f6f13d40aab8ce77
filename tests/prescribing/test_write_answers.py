"""A write of the orders API answers with the order as a read of it then shows it: the same
JSON, field for field (issue 27: integrations and tests read the answer; a cheaper answer
must keep it so)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.prescribing import library_version, measured_patient

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 201), response.content[:500]
    answer: dict[str, Any] = response.json()
    return answer


def test_each_write_answers_what_a_read_then_shows(
    make_user: MakeUser, drugs_reference: None
) -> None:
    physician, pharmacist = make_user(Role.PHYSICIAN), make_user(Role.PHARMACIST)
    version = library_version(
        "FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    patient = measured_patient(registrar=make_user(Role.COORDINATOR), physician=physician)
    doctor, farm = api_client(physician), api_client(pharmacist)
    order = _post(
        doctor,
        "/api/v1/orders",
        {"patient_id": patient.pk, "regimen_version_id": version.pk, "start_date": "2026-12-01"},
    )
    answers = [order]
    item = next(i for i in order["items"] if i["competence"] == "pharmacy")
    order = _post(
        doctor,
        f"/api/v1/orders/{order['id']}/items/{item['id']}/adjust",
        {
            "reduction_percent": "20",
            "reason": "Neutropenia G2",
            "expected_version": order["version"],
        },
    )
    answers.append(order)
    for event, client in (("confirm", doctor), ("send", doctor), ("validate", farm)):
        order = _post(
            client,
            f"/api/v1/orders/{order['id']}/transitions",
            {"event": event, "expected_version": order["version"]},
        )
        answers.append(order)
        assert client.get(f"/api/v1/orders/{order['id']}").json() == order, event
    # every answer moved the version on by one and names the state reached
    assert [a["version"] for a in answers] == list(
        range(answers[0]["version"], answers[0]["version"] + 5)
    )
    assert answers[-1]["state"] == "validated"
    adjusted = next(i for i in answers[1]["items"] if i["id"] == item["id"])
    assert adjusted["reduction_percent"] == "20.00"
