"""Jitsi Meet rooms: the JWT admits one participant to one room, signed HS256 with the
configured key, with a short expiry; the room name is unguessable; the page links to the
room on the configured server instead of the built-in room."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from jwcrypto import jwk, jws, jwt

from corsia.telemedicine import rooms
from corsia.telemedicine.domain.jitsi import new_room_name, token_claims
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.portal import portal_client
from corsia.testing.telemedicine import TelevisitCase, televisit_case, televisit_open

JITSI = {
    "CORSIA_JITSI_URL": "https://meet.ospedale.example/",
    "CORSIA_JITSI_APP_ID": "corsia",
    "CORSIA_JITSI_SIGNING_KEY": "una-chiave-segreta-di-prova-lunga-32",
    "CORSIA_JITSI_TOKEN_MINUTES": 5,
}


def test_claims_by_hand() -> None:
    now = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    claims = token_claims(
        base_url="https://meet.ospedale.example/",
        app_id="corsia",
        room="corsia-abc",
        user_id="user-7",
        display_name="Dr. Bianchi",
        moderator=True,
        now=now,
        minutes=5,
    )
    assert claims == {
        "aud": "jitsi",
        "iss": "corsia",
        "sub": "meet.ospedale.example",
        "room": "corsia-abc",
        "iat": 1796461200,
        "nbf": 1796461190,
        "exp": 1796461500,
        "context": {"user": {"id": "user-7", "name": "Dr. Bianchi", "moderator": True}},
    }


def test_room_names_are_unguessable() -> None:
    names = {new_room_name() for _ in range(200)}
    assert len(names) == 200
    assert all(len(n) == len("corsia-") + 32 for n in names)


@override_settings(**JITSI)
def test_token_signed_with_the_key_and_scoped_to_the_room() -> None:
    token = rooms.jitsi_token(
        room="corsia-xyz", user_id="patient-3", display_name="P", moderator=False
    )
    key = jwk.JWK.from_password(JITSI["CORSIA_JITSI_SIGNING_KEY"])
    checked = jwt.JWT(jwt=token, key=key, check_claims={"aud": "jitsi", "iss": "corsia"})
    claims = json.loads(checked.claims)
    assert json.loads(checked.header) == {"alg": "HS256", "typ": "JWT"}
    assert claims["room"] == "corsia-xyz" and claims["sub"] == "meet.ospedale.example"
    assert claims["exp"] - claims["iat"] == 300
    assert claims["context"]["user"] == {"id": "patient-3", "name": "P", "moderator": False}
    # another key does not verify it; a changed payload breaks the signature
    with pytest.raises(jws.InvalidJWSSignature):
        jwt.JWT(jwt=token, key=jwk.JWK.from_password("un'altra chiave"))
    head, body, signature = token.split(".")
    forged = f"{head}.{body[:-2]}AA.{signature}"
    with pytest.raises((jws.InvalidJWSSignature, ValueError)):
        jwt.JWT(jwt=forged, key=key)


@pytest.mark.django_db
@override_settings(**JITSI)
def test_open_room_links_to_jitsi(make_user: MakeUser) -> None:
    case: TelevisitCase = televisit_case(make_user)
    televisit_open(case)
    page = logged_in(case.clinician).get(f"/telemedicine/{case.visit.pk}/")
    html = page.content.decode()
    assert "data-televisit-room" not in html
    start = html.index('data-testid="jitsi-link"')
    href = html[
        html.rindex('href="', 0, start) + 6 : html.index('"', html.rindex('href="', 0, start) + 6)
    ]
    href = href.replace("&amp;", "&")
    url = urlsplit(href)
    assert (url.scheme, url.netloc, url.path) == (
        "https", "meet.ospedale.example", f"/{case.visit.room_name}",
    )  # fmt: skip
    token = parse_qs(url.query)["jwt"][0]
    key = jwk.JWK.from_password(JITSI["CORSIA_JITSI_SIGNING_KEY"])
    claims = json.loads(jwt.JWT(jwt=token, key=key).claims)
    assert claims["room"] == case.visit.room_name
    assert claims["context"]["user"]["moderator"] is True
    patient = portal_client(case.account).get(f"/telemedicine/portale/{case.visit.pk}/")
    assert "meet.ospedale.example" in patient.content.decode()


def test_ice_servers_from_settings() -> None:
    with override_settings(CORSIA_TELEMEDICINE_ICE_URLS=[]):
        assert rooms.ice_servers() == []
    with override_settings(
        CORSIA_TELEMEDICINE_ICE_URLS=[
            "stun:stun.ospedale.example:3478",
            "turn:turn.ospedale.example",
        ],
        CORSIA_TELEMEDICINE_TURN_USERNAME="corsia",
        CORSIA_TELEMEDICINE_TURN_CREDENTIAL="segreto",
    ):
        assert rooms.ice_servers() == [
            {"urls": "stun:stun.ospedale.example:3478"},
            {"urls": "turn:turn.ospedale.example", "username": "corsia", "credential": "segreto"},
        ]
