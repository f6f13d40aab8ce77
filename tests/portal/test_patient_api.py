"""The patient's own API (/api/v1/portal/me/...): a short-lived portal token granted to a
signed-in portal session; appointments, messages (list, send, read receipts), documents,
telemonitoring readings and the diary — only the patient's own rows, another patient's
ids answered 404, staff tokens and sessions refused (401), problem+json errors."""

from __future__ import annotations

import json
from datetime import time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts import services as accounts
from corsia.accounts.domain.roles import Role
from corsia.portal.models import Message, PortalAccount, PortalActivity, PortalToken
from corsia.portal.services.documents import document_release
from corsia.portal.services.messages import message_send_by_patient, message_send_by_team
from corsia.telemonitoring.models import Alert, Reading
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.agenda import book, day_hospital, next_weekday
from corsia.testing.patients import ANNA_BIANCHI
from corsia.testing.portal import document_archived, patient_with_account, portal_client
from corsia.testing.telemonitoring import diary_for_today

pytestmark = pytest.mark.django_db

CALM = {"mouth": "0", "nausea": "0", "pain": "1", "fatigue": "0"}


def _token(account: PortalAccount) -> str:
    answer = portal_client(account).post("/portale/token/")
    assert answer.status_code == 201, answer.content
    assert answer["Cache-Control"] == "no-store"
    body = answer.json()
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 30 * 60)
    return str(body["access_token"])


def _api(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _problem(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["code"] == code


def test_a_token_is_granted_to_a_portal_session_only_and_is_short_lived(
    make_user: MakeUser,
) -> None:
    _, account = patient_with_account(make_user)
    # nobody signed in to the portal: the portal's sign-in, no token
    answer = Client().post("/portale/token/")
    assert answer.status_code == 302 and answer["Location"].startswith("/portale/accesso/")
    key = _token(account)
    # stored as a hash only, valid 30 minutes, the grant in the activity log
    token = PortalToken.objects.get()
    assert key not in token.key_hash and len(token.key_hash) == 64
    assert timedelta(minutes=29) < token.expires_at - token.created_at <= timedelta(minutes=30)
    assert PortalActivity.objects.filter(account=account, action="token_granted").count() == 1
    assert _api(key).get("/api/v1/portal/me/threads").status_code == 200
    # expired, or the account suspended: refused
    PortalToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    _problem(_api(key).get("/api/v1/portal/me/threads"), 401, "not_authenticated")
    key = _token(account)
    PortalAccount.objects.filter(pk=account.pk).update(active=False)
    _problem(_api(key).get("/api/v1/portal/me/threads"), 401, "not_authenticated")


def test_staff_tokens_and_sessions_are_not_patients(make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE)
    staff_key, _ = accounts.token_issue(user=nurse)
    _problem(_api(staff_key).get("/api/v1/portal/me/appointments"), 401, "not_authenticated")
    _problem(logged_in(nurse).get("/api/v1/portal/me/appointments"), 401, "not_authenticated")
    _problem(Client().get("/api/v1/portal/me/documents"), 401, "not_authenticated")
    # and a portal token opens no staff operation
    _, account = patient_with_account(make_user)
    answer = _post(_api(_token(account)), "/api/v1/portal/accounts", {"patient_id": 1})
    _problem(answer, 401, "not_authenticated")


def test_appointments_and_documents_are_the_patients_own(make_user: MakeUser) -> None:
    mario, account = patient_with_account(make_user)
    anna, _ = patient_with_account(make_user, **ANNA_BIANCHI, email="anna@example.org")
    dh = day_hospital(make_user)
    monday = next_weekday(timezone.localdate() + timedelta(days=1))
    mine = book(dh, mario.pk, day=monday, start=time(9))
    book(dh, anna.pk, day=monday, start=time(11), place="P02")
    physician = make_user(Role.PHYSICIAN)
    released = document_archived(physician, mario, "Lettera di dimissione")
    document_release(actor=physician, workstation=None, document_id=released)
    document_archived(physician, mario, "Non rilasciato")
    other = document_archived(physician, anna, "Di Anna")
    document_release(actor=physician, workstation=None, document_id=other)
    client = _api(_token(account))

    rows = client.get("/api/v1/portal/me/appointments").json()
    assert [r["booking_id"] for r in rows] == [mine.pk]
    assert rows[0]["start_at"].startswith(monday.isoformat())
    docs = client.get("/api/v1/portal/me/documents").json()
    assert [(d["id"], d["title"]) for d in docs] == [(released, "Lettera di dimissione")]


def test_messages_send_list_read_receipts_and_anothers_thread_404(make_user: MakeUser) -> None:
    mario, account = patient_with_account(make_user)
    anna, anna_account = patient_with_account(make_user, **ANNA_BIANCHI, email="a@example.org")
    theirs = message_send_by_patient(
        account_id=anna_account.pk, patient_id=anna.pk, body="Di Anna", subject="Anna"
    )
    client = _api(_token(account))

    # a new thread, stored before the answer
    sent = _post(client, "/api/v1/portal/me/threads", {"subject": "Febbre", "body": "Ho 37,8"})
    assert sent.status_code == 201
    thread_id = sent.json()["thread_id"]
    stored = Message.objects.get(pk=sent.json()["message_id"])
    assert (stored.body, stored.from_patient, stored.thread.patient_id) == (
        "Ho 37,8",
        True,
        mario.pk,
    )
    # the team answers; the list shows it unread; reading the thread writes the receipt
    nurse = make_user(Role.NURSE)
    reply = message_send_by_team(
        actor=nurse, workstation=None, thread_id=thread_id, body="Misuri ancora"
    ).pk
    listed = client.get("/api/v1/portal/me/threads").json()
    assert [(t["id"], t["unread"]) for t in listed] == [(thread_id, 1)]
    detail = client.get(f"/api/v1/portal/me/threads/{thread_id}").json()
    assert [m["body"] for m in detail["messages"]] == ["Ho 37,8", "Misuri ancora"]
    assert Message.objects.get(pk=reply).read_at is not None
    # a second message in the thread
    again = _post(client, f"/api/v1/portal/me/threads/{thread_id}/messages", {"body": "37,2"})
    assert again.status_code == 201 and again.json()["thread_id"] == thread_id
    # another patient's thread: 404 for reading and writing, nothing stored
    anna_thread = theirs.message.thread_id
    _problem(client.get(f"/api/v1/portal/me/threads/{anna_thread}"), 404, "thread_not_found")
    before = Message.objects.count()
    answer = _post(client, f"/api/v1/portal/me/threads/{anna_thread}/messages", {"body": "x"})
    _problem(answer, 404, "thread_not_found")
    assert Message.objects.count() == before
    # an empty body: problem+json, nothing stored
    answer = _post(client, "/api/v1/portal/me/threads", {"body": ""})
    assert answer.status_code == 422 and answer["Content-Type"] == "application/problem+json"
    assert Message.objects.count() == before


def test_telemonitoring_readings_and_diary(make_user: MakeUser) -> None:
    mario, account = patient_with_account(make_user)
    anna, anna_account = patient_with_account(make_user, **ANNA_BIANCHI, email="a@example.org")
    client = _api(_token(account))
    # a plausible reading counts at once; 38.6 °C is over the temperature threshold
    answer = _post(
        client, "/api/v1/portal/me/telemonitoring/readings", {"values": {"heart_rate": "72"}}
    )
    assert answer.status_code == 201 and answer.json()["to_confirm"] is False
    # an implausible one waits for the patient's confirmation
    doubtful = _post(
        client, "/api/v1/portal/me/telemonitoring/readings", {"values": {"heart_rate": "400"}}
    ).json()
    assert (doubtful["to_confirm"], [d["code"] for d in doubtful["doubts"]]) == (
        True,
        ["out_of_range"],
    )
    home = client.get("/api/v1/portal/me/telemonitoring").json()
    assert home["to_confirm"] == [doubtful["measurement"]]
    assert sorted(r["value"] for r in home["readings"]) == ["400", "72"]
    # another patient cannot decide it: 404, unchanged
    other = _api(_token(anna_account))
    url = f"/api/v1/portal/me/telemonitoring/readings/{doubtful['measurement']}/decision"
    _problem(_post(other, url, {"confirm": True}), 404, "reading_not_found")
    assert Reading.objects.get(value=400).state == "to_confirm"
    assert other.get("/api/v1/portal/me/telemonitoring").json()["readings"] == []
    rejected = _post(client, url, {"confirm": False})
    assert rejected.status_code == 200
    assert Reading.objects.get(value=400).state == "rejected"
    # the diary: fever after chemotherapy raises the urgent alert with the instruction
    diary_for_today(make_user, mario.pk, regimen="FOLFOX", cycle_number=2)
    answer = _post(
        client,
        "/api/v1/portal/me/telemonitoring/diary",
        {"answers": {**CALM, "temperature": "38,5", "stools": "2"}},
    )
    assert answer.status_code == 201
    assert answer.json()["alerts"] == 1
    assert answer.json()["instructions"][0].startswith("Chiama subito il reparto")
    assert Alert.objects.get(patient_id=mario.pk).rule == "fever_after_chemotherapy"
    assert not Alert.objects.filter(patient_id=anna.pk).exists()
