"""The built-in room's signalling endpoints: only the televisit's clinician and its patient
(their link) reach the room, anyone else 404; bad messages (too large, not JSON, another
room, an unknown kind, a malformed SDP, before the room opens, after it closed) are refused
with stable codes and nothing is stored."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.telemedicine import services
from corsia.telemedicine.domain.signalling import MAX_BODY_BYTES
from corsia.telemedicine.models import SignalMessage
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.portal import patient_with_account, portal_client
from corsia.testing.telemedicine import (
    WORKSTATION,
    TelevisitCase,
    signal_body,
    televisit_case,
    televisit_open,
)

pytestmark = pytest.mark.django_db

SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


@pytest.fixture
def case(make_user: MakeUser) -> TelevisitCase:
    return televisit_case(make_user)


def _post(client: Client, url: str, body: bytes) -> tuple[int, dict[str, object]]:
    response = client.post(url, body, content_type="application/json")
    return response.status_code, response.json()


def _urls(case: TelevisitCase) -> tuple[str, str]:
    return (
        f"/telemedicine/{case.visit.pk}/signal/",
        f"/telemedicine/portale/{case.visit.pk}/signal/",
    )


def test_clinician_and_patient_exchange_messages_in_order(case: TelevisitCase) -> None:
    televisit_open(case)
    staff_url, patient_url = _urls(case)
    clinician, patient = logged_in(case.clinician), portal_client(case.account)
    room = case.visit.room_name
    assert _post(patient, patient_url, signal_body(room, "hello"))[0] == 201
    status, ack = _post(clinician, staff_url, signal_body(room, "offer", {"sdp": SDP}))
    assert status == 201
    candidate = {"candidate": "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "sdpMid": "0",
                 "sdpMLineIndex": 0, "extra": "dropped"}  # fmt: skip
    assert _post(clinician, staff_url, signal_body(room, "candidate", candidate))[0] == 201
    # the patient reads the clinician's two messages, oldest first; the clinician the hello
    polled = patient.get(patient_url, {"after": 0}).json()
    assert polled["state"] == "open"
    assert [m["kind"] for m in polled["messages"]] == ["offer", "candidate"]
    assert polled["messages"][0]["id"] == ack["id"]
    assert polled["messages"][0]["payload"] == {"sdp": SDP}
    assert polled["messages"][1]["payload"] == {
        "candidate": candidate["candidate"], "sdpMid": "0", "sdpMLineIndex": 0,
    }  # fmt: skip
    assert polled["last_id"] == polled["messages"][1]["id"]
    again = patient.get(patient_url, {"after": polled["last_id"]}).json()
    assert again["messages"] == [] and again["last_id"] == polled["last_id"]
    mine = clinician.get(staff_url, {"after": 0}).json()
    assert [m["kind"] for m in mine["messages"]] == ["hello"]
    stored = list(SignalMessage.objects.filter(televisit=case.visit).values_list("side", "kind"))
    assert stored == [("guest", "hello"), ("host", "offer"), ("host", "candidate")]


def test_anyone_else_is_not_found(case: TelevisitCase, make_user: MakeUser) -> None:
    televisit_open(case)
    staff_url, patient_url = _urls(case)
    room = case.visit.room_name
    other_physician = logged_in(make_user(Role.PHYSICIAN))
    assert _post(other_physician, staff_url, signal_body(room))[0] == 404
    assert other_physician.get(staff_url).status_code == 404
    assert other_physician.get(f"/telemedicine/{case.visit.pk}/").status_code == 404
    # another patient signed in to the portal: not found; nobody signed in: the sign-in
    _, other = patient_with_account(
        make_user, codice_fiscale="", stp_eni_code="STP1400000000888", email="b@example.org"
    )
    status, problem = _post(portal_client(other), patient_url, signal_body(room))
    assert (status, problem["code"]) == (404, "televisit_not_found")
    assert portal_client(other).get(f"/telemedicine/portale/{case.visit.pk}/").status_code == 404
    assert Client().get(patient_url).status_code == 302
    assert (
        Client().post(patient_url, signal_body(room), content_type="application/json").status_code
        == 302
    )
    # a staff user is not a patient: the portal's sign-in too
    assert (
        logged_in(case.clinician).get(f"/telemedicine/portale/{case.visit.pk}/").status_code == 302
    )
    # the API: the same participant rule
    response = api_client(make_user(Role.PHYSICIAN)).get(
        f"/api/v1/telemedicine/televisits/{case.visit.pk}/signal"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "televisit_not_found"
    assert not SignalMessage.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"x" * (MAX_BODY_BYTES + 1), 413, "signal_too_large"),
        (b"{not json", 400, "signal_not_json"),
        (b"[1, 2]", 400, "signal_not_json"),
        (b"\xff\xfe", 400, "signal_not_json"),
        ("ROOM:other-room", 409, "signal_wrong_room"),
        ("KIND:shout", 422, "signal_kind_unknown"),
        ("KIND:", 422, "signal_kind_unknown"),
        ("SDP:not an sdp", 422, "signal_payload_invalid"),
        ("SDP:", 422, "signal_payload_invalid"),
        ("PAYLOAD:list", 422, "signal_payload_invalid"),
        ("INDEX:-1", 422, "signal_payload_invalid"),
        ("NUL", 422, "signal_payload_invalid"),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_stored(
    case: TelevisitCase, body: bytes | str, status: int, code: str
) -> None:
    televisit_open(case)
    room = case.visit.room_name
    if isinstance(body, str):
        what, _, value = body.partition(":")
        data: dict[str, object] = {"room": room, "kind": "offer", "payload": {"sdp": SDP}}
        if what == "ROOM":
            data["room"] = value
        elif what == "KIND":
            data["kind"] = value
        elif what == "SDP":
            data["payload"] = {"sdp": value}
        elif what == "PAYLOAD":
            data["payload"] = [1]
        elif what == "INDEX":
            data.update(kind="candidate", payload={"candidate": "c", "sdpMLineIndex": -1})
        elif what == "NUL":
            data["payload"] = {"sdp": "v=0\x00"}
        body = json.dumps(data).encode()
    for client, url in zip(
        (logged_in(case.clinician), portal_client(case.account)), _urls(case), strict=True
    ):
        got, problem = _post(client, url, body)
        assert (got, problem["code"]) == (status, code)
    assert not SignalMessage.objects.exists()


def test_before_opening_and_after_the_end_nothing_is_stored(case: TelevisitCase) -> None:
    _staff_url, patient_url = _urls(case)
    room = case.visit.room_name
    status, problem = _post(portal_client(case.account), patient_url, signal_body(room))
    assert (status, problem["code"]) == (409, "televisit_not_open")
    assert portal_client(case.account).get(patient_url).json()["state"] == "scheduled"
    televisit_open(case)
    assert _post(portal_client(case.account), patient_url, signal_body(room))[0] == 201
    services.televisit_close(
        actor=case.clinician, workstation=WORKSTATION, televisit_id=case.visit.pk
    )
    for client, url in zip(
        (logged_in(case.clinician), portal_client(case.account)), _urls(case), strict=True
    ):
        status, problem = _post(client, url, signal_body(room, "bye"))
        assert (status, problem["code"]) == (409, "televisit_closed")
    assert portal_client(case.account).get(patient_url).json()["state"] == "closed"
    assert SignalMessage.objects.count() == 1


def test_the_api_signals_like_the_page(case: TelevisitCase) -> None:
    televisit_open(case)
    client = api_client(case.clinician)
    url = f"/api/v1/telemedicine/televisits/{case.visit.pk}/signal"
    response = client.post(
        url,
        signal_body(case.visit.room_name, "offer", {"sdp": SDP}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    response = client.post(url, signal_body("elsewhere"), content_type="application/json")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "signal_wrong_room"
    assert client.get(url, {"after": 2**70}).status_code in (200, 422)
    assert SignalMessage.objects.count() == 1
