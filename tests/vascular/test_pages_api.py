"""Pages and API of the register: the same acts with the same permissions, refusals in
Italian on the page and problem+json with a stable code from the API, nothing written
when refused, the access log written on reads, the CSV export."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.patients.models import Patient, Ward
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.patients import masked_stay_admitted
from corsia.testing.vascular import PICC, inserted
from corsia.vascular.models import AccessEvent, Device

pytestmark = pytest.mark.django_db

API = "/api/v1/vascular"
PICC_JSON = {
    "device_type": "picc", "indication": "vesicant", "lumens": 1, "size": "4", "size_unit": "Fr",
    "vein": "basilic", "side": "right", "tip_location": "ecg", "tip_confirmed": True,
    "ultrasound_guided": True, "brand": "PowerPICC 4Fr", "lot": "A1",
}  # fmt: skip


def test_insert_care_complication_removal_through_the_api(nurse: User, patient: Patient) -> None:
    client = api_client(nurse)
    status, body = post_json(client, f"{API}/patients/{patient.pk}/devices", PICC_JSON)
    assert status == 201, body
    device_id = body["id"]
    status, body = post_json(
        client, f"{API}/devices/{device_id}/care", {"kind": "flush", "solution": "NaCl 0,9%",
                                                    "volume_ml": "10"},
    )  # fmt: skip
    assert (status, body["details"]["volume_ml"]) == (201, "10")
    status, body = post_json(
        client, f"{API}/devices/{device_id}/complications", {"kind": "occlusion"}
    )
    assert status == 201
    status, body = post_json(
        client, f"{API}/devices/{device_id}/removal",
        {"expected_version": 1, "reason": "complication", "note": "occlusione non risolta"},
    )  # fmt: skip
    assert (status, body["state"], body["removal_reason"]) == (200, "removed", "complication")
    listed = client.get(f"{API}/patients/{patient.pk}/devices").json()
    assert [d["id"] for d in listed] == [device_id]
    assert AccessLogEntry.objects.filter(patient_id=patient.pk, channel="api").exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"size": "1e308"}, None),  # refused by the schema (422)
        ({"size": "20", "size_unit": "G"}, "size_unit_invalid"),
        ({"brand": "PICC\u0000"}, None),  # NUL: refused at the door
        ({"inserted_at": "2999-01-01T10:00:00+01:00"}, "date_in_future"),
        ({"vein": "aorta"}, "vein_unknown"),
        ({"tip_location": "none"}, "tip_location_required"),
    ],
)
def test_bad_insertions_are_problems_and_nothing_is_written(
    nurse: User, patient: Patient, change: dict[str, str], code: str | None
) -> None:
    response = api_client(nurse).post(
        f"{API}/patients/{patient.pk}/devices",
        {**PICC_JSON, **change},
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"].startswith("application/problem+json")
    if code:
        assert response.json()["code"] == code
    assert not Device.objects.exists()


def test_a_removal_before_insertion_is_refused_in_italian_on_the_page(
    nurse: User, patient: Patient
) -> None:
    device = inserted(nurse, patient.pk, at=timezone.now() - timedelta(days=2))
    before = timezone.localtime(device.inserted_at) - timedelta(days=1)
    response = logged_in(nurse).post(
        f"/vascular/devices/{device.pk}/removal/",
        {"version": "1", "reason": "end_of_therapy", "removed_at": f"{before:%Y-%m-%dT%H:%M}"},
    )
    assert response.status_code == 422
    assert "La rimozione non può precedere l&#x27;inserimento" in response.content.decode()
    device.refresh_from_db()
    assert device.state == "in_place"


def test_the_pages_render_and_the_care_form_records(nurse: User, patient: Patient) -> None:
    device = inserted(nurse, patient.pk, PICC, at=timezone.now() - timedelta(days=9))
    client = logged_in(nurse)
    for url in ("/vascular/", f"/vascular/patients/{patient.pk}/", "/vascular/statistics/"):
        assert client.get(url).status_code == 200, url
    listing = client.get("/vascular/").content.decode()
    assert 'data-testid="dressing-overdue"' in listing  # 9 days, transparent: due on day 7
    response = client.post(
        f"/vascular/devices/{device.pk}/care/", {"kind": "dressing", "dressing": "transparent"}
    )
    assert response.status_code == 302
    assert AccessEvent.objects.get().details["dressing"] == "transparent"
    page = client.get(f"/vascular/devices/{device.pk}/").content.decode()
    assert "Pellicola trasparente" in page or "pellicola trasparente" in page
    csv_text = client.get("/vascular/statistics/csv/").content.decode()
    # one PICC in place 9 days, no complication: a rate of 0.00, not an empty cell
    assert csv_text.splitlines()[1].startswith("totale;total;1;10;0;0.00;0;0;0.00;0;")


def test_permissions_are_the_same_on_pages_and_api(
    make_user: MakeUser, nurse: User, patient: Patient
) -> None:
    pharmacist = make_user(Role.PHARMACIST)
    assert logged_in(pharmacist).get("/vascular/").status_code == 403
    assert api_client(pharmacist).get(f"{API}/devices").status_code == 403
    coordinator = make_user(Role.COORDINATOR)  # reads, does not record
    assert api_client(coordinator).get(f"{API}/devices").status_code == 200
    status, _body = post_json(
        api_client(coordinator), f"{API}/patients/{patient.pk}/devices", PICC_JSON
    )
    response = logged_in(coordinator).post(
        f"/vascular/patients/{patient.pk}/insert/", {**PICC_JSON, "tip_confirmed": "1"}
    )
    assert (status, response.status_code) == (403, 403)
    assert not Device.objects.exists()


def test_statistics_api(nurse: User, patient: Patient) -> None:
    inserted(nurse, patient.pk, at=timezone.now() - timedelta(days=3))
    body = api_client(nurse).get(f"{API}/statistics").json()
    assert (body["total"]["devices"], body["by_type"][0]["label"]) == (1, "PICC")


def test_a_device_of_a_masked_stay_is_hidden_from_an_outsider(
    make_user: MakeUser, nurse: User, patient: Patient
) -> None:
    # a masked stay in progress: a device put in now is of the masked stay
    coordinator = make_user(Role.COORDINATOR)
    ward = Ward.objects.create(code="ZZ", name="Altro", kind="inpatient")
    masked_stay_admitted(
        coordinator, patient, ward.pk, admitted_at=timezone.now() - timedelta(hours=1)
    )
    device = inserted(nurse, patient.pk)
    outsider = api_client(make_user(Role.NURSE))
    assert outsider.get(f"{API}/devices/{device.pk}").status_code == 404
    assert outsider.get(f"{API}/patients/{patient.pk}/devices").json() == []
    assert outsider.get(f"{API}/devices").json() == {
        "count": 0,
        "limit": 100,
        "offset": 0,
        "items": [],
    }
    assert (
        logged_in(make_user(Role.NURSE)).get(f"/vascular/devices/{device.pk}/").status_code == 404
    )


def test_request_then_insertion_with_its_version_and_a_correction(
    nurse: User, patient: Patient
) -> None:
    client = api_client(nurse)
    status, planned = post_json(
        client, f"{API}/patients/{patient.pk}/requests",
        {"device_type": "picc", "indication": "pn", "planned_dwell_days": 90},
    )  # fmt: skip
    assert (status, planned["state"], planned["version"]) == (201, "planned", 1)
    waiting = client.get(f"{API}/devices", {"state": "planned"}).json()
    assert ([d["id"] for d in waiting["items"]], waiting["count"]) == ([planned["id"]], 1)
    url = f"{API}/devices/{planned['id']}/insertion"
    status, stale = post_json(client, url, {**PICC_JSON, "expected_version": 0})
    assert (status, stale["code"]) == (409, "stale_version")
    status, device = post_json(client, url, {**PICC_JSON, "expected_version": 1})
    assert (status, device["state"], device["version"]) == (200, "in_place", 2)
    status, event = post_json(
        client, f"{API}/devices/{device['id']}/complications",
        {"kind": "crbsi", "certainty": "suspected"},
    )  # fmt: skip
    status, fixed = post_json(
        client, f"{API}/events/{event['id']}/corrections",
        {"reason": "emocoltura positiva", "certainty": "confirmed"},
    )  # fmt: skip
    assert (status, fixed["details"]["certainty"], fixed["supersedes_id"]) == (
        201, "confirmed", event["id"],
    )  # fmt: skip
    history = client.get(f"{API}/devices/{device['id']}/history").json()
    assert [e["id"] for e in history] == [fixed["id"], event["id"]]
