"""Which room a televisit uses and who may enter it.

- With ``settings.CORSIA_JITSI_URL``: the Jitsi Meet room, entered with a signed JWT
  (HS256 with ``CORSIA_JITSI_SIGNING_KEY``, issuer ``CORSIA_JITSI_APP_ID``) scoped to the
  room and valid for ``CORSIA_JITSI_TOKEN_MINUTES``.
- Otherwise Corsia's own peer-to-peer WebRTC room, with the STUN/TURN servers of
  ``CORSIA_TELEMEDICINE_ICE_URLS`` (none by default)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from jwcrypto import jwk, jwt

from corsia.core.domain.errors import NotFound
from corsia.telemedicine.domain.jitsi import room_url, token_claims
from corsia.telemedicine.domain.signalling import Side
from corsia.telemedicine.domain.states import VisitKind
from corsia.telemedicine.models import Televisit


def jitsi_configured() -> bool:
    return bool(settings.CORSIA_JITSI_URL)


def jitsi_key() -> jwk.JWK:
    secret = settings.CORSIA_JITSI_SIGNING_KEY.encode("utf-8")
    return jwk.JWK(kty="oct", k=base64.urlsafe_b64encode(secret).rstrip(b"=").decode("ascii"))


def jitsi_token(*, room: str, user_id: str, display_name: str, moderator: bool) -> str:
    claims = token_claims(
        base_url=settings.CORSIA_JITSI_URL,
        app_id=settings.CORSIA_JITSI_APP_ID,
        room=room,
        user_id=user_id,
        display_name=display_name,
        moderator=moderator,
        now=timezone.now(),
        minutes=settings.CORSIA_JITSI_TOKEN_MINUTES,
    )
    token = jwt.JWT(header={"alg": "HS256", "typ": "JWT"}, claims=claims)
    token.make_signed_token(jitsi_key())
    return str(token.serialize())


def jitsi_room_url(visit: Televisit, *, user_id: str, display_name: str, moderator: bool) -> str:
    token = jitsi_token(
        room=visit.room_name, user_id=user_id, display_name=display_name, moderator=moderator
    )
    return room_url(settings.CORSIA_JITSI_URL, visit.room_name, token)


def ice_servers() -> list[dict[str, Any]]:
    """The RTCPeerConnection's iceServers: each configured URL; TURN ones with the
    credentials."""
    servers: list[dict[str, Any]] = []
    for url in settings.CORSIA_TELEMEDICINE_ICE_URLS:
        entry: dict[str, Any] = {"urls": url}
        if url.startswith(("turn:", "turns:")) and settings.CORSIA_TELEMEDICINE_TURN_USERNAME:
            entry["username"] = settings.CORSIA_TELEMEDICINE_TURN_USERNAME
            entry["credential"] = settings.CORSIA_TELEMEDICINE_TURN_CREDENTIAL
        servers.append(entry)
    return servers


def ice_servers_json() -> str:
    return json.dumps(ice_servers())


@dataclass(frozen=True)
class Participant:
    visit: Televisit
    side: Side


_NOT_FOUND = "Televisita inesistente."


def staff_participant(*, user: Any, televisit_id: int) -> Participant:
    """The signed-in clinician's place in the room: the holder (host) or the consultant of
    a teleconsultation (guest). Anyone else: not found (404), the room's existence unsaid."""
    visit = Televisit.objects.filter(pk=televisit_id).select_related("patient").first()
    if visit is None or not getattr(user, "is_authenticated", False):
        raise NotFound(_NOT_FOUND, code="televisit_not_found")
    if visit.clinician_id == user.pk:
        return Participant(visit=visit, side=Side.HOST)
    if visit.kind == VisitKind.TELECONSULTATION.value and visit.consultant_id == user.pk:
        return Participant(visit=visit, side=Side.GUEST)
    raise NotFound(_NOT_FOUND, code="televisit_not_found")


def patient_participant(*, patient_id: int, televisit_id: int) -> Participant:
    """The patient signed in to the portal, in a televisit of theirs (a teleconsultation
    has no patient in the room); another patient's televisit: not found."""
    visit = (
        Televisit.objects.filter(
            pk=televisit_id, kind=VisitKind.TELEVISIT.value, patient_id=patient_id
        )
        .select_related("patient")
        .first()
    )
    if visit is None:
        raise NotFound(_NOT_FOUND, code="televisit_not_found")
    return Participant(visit=visit, side=Side.GUEST)


def patient_televisits(*, patient_id: int) -> list[Televisit]:
    """The patient's televisits not cancelled, from a week back (the portal's list)."""
    since = timezone.now() - timedelta(days=7)
    return list(
        Televisit.objects.filter(
            kind=VisitKind.TELEVISIT.value, patient_id=patient_id, scheduled_end__gte=since
        )
        .exclude(state="cancelled")
        .select_related("clinician")
        .order_by("scheduled_start", "pk")[:50]
    )
