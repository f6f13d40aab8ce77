"""The built-in room's signalling: a participant posts a message (stored, then
acknowledged), the other reads the messages posted after the last one it saw.

Who is a participant is decided by the caller (``rooms.participant``): the clinician
holding the televisit, its patient (their link), the consultant of a teleconsultation —
anyone else never reaches these functions (404). Refusals carry a stable code; nothing
refused is stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from corsia.core.domain.errors import ConflictError, CorsiaError
from corsia.telemedicine.domain.signalling import (
    MAX_MESSAGES_PER_ROOM,
    POLL_BATCH,
    Side,
    SignalRefused,
    parse_signal,
)
from corsia.telemedicine.domain.states import VisitState
from corsia.telemedicine.models import SignalMessage, Televisit


class SignalError(CorsiaError):
    """A refused signalling message as an error the pages and the API render."""

    def __init__(self, refused: SignalRefused) -> None:
        super().__init__(refused.message, code=refused.code)
        self.status = refused.status


def _room_open(visit: Televisit) -> None:
    if visit.state == VisitState.SCHEDULED.value:
        raise ConflictError(
            "La stanza non è ancora aperta: attendere il medico.", code="televisit_not_open"
        )
    if visit.state != VisitState.OPEN.value:
        raise ConflictError("La televisita è conclusa: stanza chiusa.", code="televisit_closed")


def signal_post(*, televisit_id: int, side: Side, body: bytes) -> SignalMessage:
    """Store one message of ``side`` in the televisit's room."""
    with transaction.atomic():
        visit = Televisit.objects.select_for_update().get(pk=televisit_id)
        _room_open(visit)
        try:
            signal = parse_signal(body, room=visit.room_name)
        except SignalRefused as refused:
            raise SignalError(refused) from None
        if visit.signals.count() >= MAX_MESSAGES_PER_ROOM:
            raise ConflictError("Troppi messaggi per questa stanza.", code="signal_room_full")
        return SignalMessage.objects.create(
            televisit=visit, side=side.value, kind=signal.kind.value, payload=signal.payload
        )


@dataclass(frozen=True)
class Poll:
    state: str
    messages: list[dict[str, Any]]
    last_id: int


def signal_poll(*, televisit_id: int, side: Side, after: int) -> Poll:
    """The other side's messages after ``after`` (oldest first), and the room's state (the
    page leaves the room when it is closed)."""
    visit = Televisit.objects.get(pk=televisit_id)
    after = min(max(after, 0), 2**62)  # a cursor no id reaches is just "nothing new"
    other = Side.GUEST if side is Side.HOST else Side.HOST
    rows = list(
        SignalMessage.objects.filter(televisit=visit, side=other.value, pk__gt=after)
        .order_by("pk")
        .values("pk", "kind", "payload")[:POLL_BATCH]
    )
    messages = [{"id": r["pk"], "kind": r["kind"], "payload": r["payload"]} for r in rows]
    return Poll(
        state=visit.state,
        messages=messages,
        last_id=messages[-1]["id"] if messages else after,
    )
