"""The claims of the JWT a Jitsi Meet server with token authentication (prosody
``token_verification``: ``app_id`` as issuer, ``app_secret`` HS256) accepts for one room.

Pure: the caller signs the claims (``corsia.telemedicine.rooms``) and builds the URL."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

ROOM_NAME_BYTES = 24  # 192 bits: a room name nobody guesses


def new_room_name() -> str:
    """An unguessable room name (letters, digits, - and _ only)."""
    return "corsia-" + secrets.token_urlsafe(ROOM_NAME_BYTES)


def token_claims(
    *,
    base_url: str,
    app_id: str,
    room: str,
    user_id: str,
    display_name: str,
    moderator: bool,
    now: datetime,
    minutes: int,
) -> dict[str, Any]:
    """The room-scoped claims: valid from ``now`` for ``minutes`` (a short expiry: the
    token only admits the participant into the room)."""
    host = urlsplit(base_url).hostname or ""
    issued = int(now.timestamp())
    return {
        "aud": "jitsi",
        "iss": app_id,
        "sub": host,
        "room": room,
        "iat": issued,
        "nbf": issued - 10,
        "exp": issued + minutes * 60,
        "context": {
            "user": {"id": user_id, "name": display_name, "moderator": moderator},
        },
    }


def room_url(base_url: str, room: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/{quote(room, safe='')}?jwt={quote(token, safe='')}"
