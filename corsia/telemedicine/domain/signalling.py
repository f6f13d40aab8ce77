"""The built-in WebRTC room's signalling messages, checked before anything is stored.

A participant posts ``{"room": <room name>, "kind": <kind>, "payload": {...}}``; the other
participant reads it by polling. Kinds: ``hello`` (I am here: the clinician's browser then
offers), ``offer`` and ``answer`` (an SDP), ``candidate`` (one ICE candidate), ``bye`` (I
left). Each refusal has a stable code; nothing refused is stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# A fake-device offer with audio and video is ~6 KB; a real one with many codecs stays
# under 20 KB. Anything larger is not an SDP or a candidate.
MAX_BODY_BYTES = 32 * 1024
MAX_SDP_CHARS = 30_000
MAX_CANDIDATE_CHARS = 1_000
# A room holds at most this many messages (a loop in a browser must not fill the table).
MAX_MESSAGES_PER_ROOM = 2_000
# The poll answers at most this many messages at once.
POLL_BATCH = 200


class SignalKind(StrEnum):
    HELLO = "hello"
    OFFER = "offer"
    ANSWER = "answer"
    CANDIDATE = "candidate"
    BYE = "bye"


class Side(StrEnum):
    """Who posted: the clinician who holds the televisit, or the other participant (the
    patient of a televisit, the consultant of a teleconsultation)."""

    HOST = "host"
    GUEST = "guest"


class SignalRefused(Exception):
    """A refused message: ``code`` (stable, English), ``message`` (Italian), HTTP status."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Signal:
    kind: SignalKind
    payload: dict[str, Any]


def _text(payload: dict[str, Any], key: str, limit: int, *, required: bool = True) -> str:
    value = payload.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise SignalRefused("signal_payload_invalid", f"Campo «{key}» mancante o non testo.", 422)
    if len(value) > limit or "\x00" in value:
        raise SignalRefused("signal_payload_invalid", f"Campo «{key}» non valido.", 422)
    return value


def parse_signal(body: bytes, *, room: str) -> Signal:
    """The message posted to ``room``, checked: size, JSON, room, kind, payload shape."""
    if len(body) > MAX_BODY_BYTES:
        raise SignalRefused(
            "signal_too_large", f"Messaggio oltre {MAX_BODY_BYTES // 1024} KB: rifiutato.", 413
        )
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SignalRefused("signal_not_json", "Il messaggio non è JSON valido.", 400) from None
    if not isinstance(data, dict):
        raise SignalRefused("signal_not_json", "Il messaggio deve essere un oggetto JSON.", 400)
    if data.get("room") != room:
        raise SignalRefused(
            "signal_wrong_room", "Il messaggio è indirizzato a un'altra stanza.", 409
        )
    try:
        kind = SignalKind(str(data.get("kind")))
    except ValueError:
        raise SignalRefused(
            "signal_kind_unknown",
            "Tipo di messaggio sconosciuto (hello, offer, answer, candidate, bye).",
            422,
        ) from None
    payload = data.get("payload", {})
    if not isinstance(payload, dict):
        raise SignalRefused("signal_payload_invalid", "Il contenuto deve essere un oggetto.", 422)
    return Signal(kind=kind, payload=_clean_payload(kind, payload))


def _clean_payload(kind: SignalKind, payload: dict[str, Any]) -> dict[str, Any]:
    """Only the fields a kind carries, each checked; anything else dropped."""
    if kind in (SignalKind.OFFER, SignalKind.ANSWER):
        sdp = _text(payload, "sdp", MAX_SDP_CHARS)
        if not sdp.startswith("v=0"):
            raise SignalRefused("signal_payload_invalid", "SDP non valido.", 422)
        return {"sdp": sdp}
    if kind is SignalKind.CANDIDATE:
        candidate = _text(payload, "candidate", MAX_CANDIDATE_CHARS, required=False)
        mid = _text(payload, "sdpMid", 64, required=False)
        index = payload.get("sdpMLineIndex")
        if index is not None and (
            not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < 64
        ):
            raise SignalRefused("signal_payload_invalid", "sdpMLineIndex non valido.", 422)
        return {"candidate": candidate, "sdpMid": mid, "sdpMLineIndex": index}
    return {}
