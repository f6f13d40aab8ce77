"""Telemonitoring's pages (the patient's in the portal, the team's) and API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.patients.models import Patient
from corsia.portal.models import PortalAccount, PortalActivity
from corsia.telemonitoring.models import Alert, Reading
from corsia.testing.accounts import api_client, logged_in
from corsia.testing.portal import portal_client
from corsia.testing.telemonitoring import BP_120_80_PULSE_72, b64, diary_for_today

pytestmark = pytest.mark.django_db
Pair = tuple[Patient, PortalAccount]
DEVICE = "/telemonitoraggio/portale/misura/dispositivo/"


def _post_json(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_browser_posts_the_gatt_bytes_and_the_server_decodes_them(mario: Pair) -> None:
    _, account = mario
    client = portal_client(account)
    response = _post_json(
        client, DEVICE, {"characteristic": 0x2A35, "payload": b64(BP_120_80_PULSE_72)}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["next"] == "/telemonitoraggio/portale/"
    assert body["values"] == [
        {"parameter": "systolic", "value": "120"},
        {"parameter": "diastolic", "value": "80"},
        {"parameter": "mean_arterial", "value": "93"},
        {"parameter": "heart_rate", "value": "72"},
    ]
    home = client.get("/telemonitoraggio/portale/")
    assert home.status_code == 200
    assert "Pressione sistolica" in home.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        {"characteristic": 0x2A35, "payload": b64(BP_120_80_PULSE_72[:5])},
        {"characteristic": "x", "payload": "AA=="},
        ["not", "an", "object"],
        {"characteristic": 0x2A18, "payload": "AA=="},
    ],
)
def test_bad_device_posts_are_refused_with_a_code(mario: Pair, body: Any) -> None:
    response = _post_json(portal_client(mario[1]), DEVICE, body)
    assert response.status_code == 422
    assert response.json()["code"].startswith("gatt_")
    assert Reading.objects.count() == 0


def test_portal_pages_need_the_portal_session(mario: Pair, nurse: User) -> None:
    for client in (Client(), logged_in(nurse)):
        response = client.get("/telemonitoraggio/portale/")
        assert response.status_code == 302
        assert response["Location"].startswith("/portale/")
        assert _post_json(client, DEVICE, {}).status_code == 302


def test_a_patient_cannot_open_another_patients_measurement(mario: Pair, anna: Pair) -> None:
    mario_client = portal_client(mario[1])
    mario_client.post("/telemonitoraggio/portale/misura/", {"heart_rate": "400"})
    measurement = Reading.objects.get().measurement
    url = f"/telemonitoraggio/portale/misura/{measurement}/"
    assert mario_client.get(url).status_code == 200
    anna_client = portal_client(anna[1])
    assert anna_client.get(url).status_code == 404
    anna_client.post(url, {"decision": "confirm"})
    assert Reading.objects.get().state == "to_confirm"


def test_the_diary_page_tells_the_patient_to_call_and_the_team_sees_it(
    mario: Pair, make_user: Any, nurse: User
) -> None:
    patient, account = mario
    diary_for_today(make_user, patient.pk)
    client = portal_client(account)
    assert "diary-due" in client.get("/telemonitoraggio/portale/").content.decode()
    page = client.post(
        "/telemonitoraggio/portale/diario/",
        {
            "temperature": "38,6",
            "stools": "1",
            "mouth": "0",
            "nausea": "0",
            "pain": "0",
            "fatigue": "0",
        },
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Chiama subito il reparto" in text
    assert PortalActivity.objects.filter(
        account=account, action="telemonitoring.diary_submitted"
    ).exists()
    team = logged_in(nurse).get("/telemonitoraggio/allerte/")
    assert "Febbre 38,6 °C dopo chemioterapia" in team.content.decode()
    chart = logged_in(nurse).get(f"/telemonitoraggio/pazienti/{patient.pk}/")
    assert chart.status_code == 200
    assert AccessLogEntry.objects.filter(user=nurse, what="telemonitoraggio").count() == 1


def test_an_incomplete_diary_is_shown_again_with_the_message(mario: Pair) -> None:
    page = portal_client(mario[1]).post("/telemonitoraggio/portale/diario/", {"temperature": "38"})
    assert page.status_code == 422
    assert "Rispondi a questa domanda." in page.content.decode()


def test_the_team_page_draws_the_series_with_thresholds(mario: Pair, nurse: User) -> None:
    patient, account = mario
    _post_json(
        portal_client(account),
        DEVICE,
        {"characteristic": 0x2A35, "payload": b64(BP_120_80_PULSE_72)},
    )
    text = logged_in(nurse).get(f"/telemonitoraggio/pazienti/{patient.pk}/").content.decode()
    assert 'data-testid="chart-systolic"' in text
    assert 'data-testid="table-systolic"' in text
    assert "soglia alta 180" in text


def test_the_api_lists_and_closes_alerts(mario: Pair, make_user: Any, physician: User) -> None:
    patient, account = mario
    diary_for_today(make_user, patient.pk)
    portal_client(account).post(
        "/telemonitoraggio/portale/diario/",
        {"stools": "1", "mouth": "3", "nausea": "0", "pain": "0", "fatigue": "0"},
    )
    client = api_client(physician)
    alerts = client.get("/api/v1/telemonitoring/alerts").json()["items"]
    assert [(a["rule"], a["urgent"], a["patient_id"]) for a in alerts] == [
        ("mucositis_unable_to_eat", True, patient.pk)
    ]
    closed = _post_json(
        client, f"/api/v1/telemonitoring/alerts/{alerts[0]['id']}/close", {"note": "ok"}
    )
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    again = _post_json(client, f"/api/v1/telemonitoring/alerts/{alerts[0]['id']}/close", {})
    assert again.status_code == 422 and again.json()["code"] == "alert_closed"
    assert Alert.objects.get().state == "closed"
    monitoring = client.get(f"/api/v1/telemonitoring/patients/{patient.pk}").json()
    assert monitoring["patient_id"] == patient.pk
