"""One-time sign-in codes: how they are made, kept (a keyed hash, never the code), how long
they live, how many may be asked and how many wrong tries a code survives.

A code is six digits drawn by the caller's random source; the database keeps
``code_digest`` only. A code is good once, until it expires, for ``MAX_TRIES`` wrong tries;
at most ``MAX_CODES_PER_WINDOW`` codes are sent per account in ``WINDOW``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from corsia.core.domain.errors import CorsiaError

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
MAX_TRIES = 5
MAX_CODES_PER_WINDOW = 3
WINDOW = timedelta(minutes=15)


class TooManyRequests(CorsiaError):
    """Too many codes asked or too many wrong tries: wait, then ask again."""

    code = "too_many_requests"
    status = 429


class CodeRefused(CorsiaError):
    """The code is wrong, expired or already used (one message for all: nothing leaks)."""

    code = "code_refused"
    status = 400


CODE_REFUSED_MESSAGE = "Codice non valido o scaduto. Chiedi un nuovo codice."


def code_from_random(number: int) -> str:
    """The six digits of a code from a random integer (``secrets.randbelow(10**6)``)."""
    if not 0 <= number < 10**CODE_DIGITS:
        raise ValueError("random number out of range")
    return f"{number:0{CODE_DIGITS}d}"


def code_normalise(text: str) -> str:
    """What the patient typed, as digits: spaces and dashes dropped ("123 456" → "123456")."""
    return "".join(ch for ch in text if ch not in " -\t")


def code_digest(*, key: bytes, account_id: int, code: str) -> str:
    """The keyed hash kept for a code: bound to the account, useless without the key."""
    message = f"{account_id}:{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def digests_match(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


def may_send_code(*, sent_at: Sequence[datetime], now: datetime) -> bool:
    """Whether another code may be sent, given when the account's earlier codes were sent."""
    recent = [at for at in sent_at if now - at < WINDOW]
    return len(recent) < MAX_CODES_PER_WINDOW


@dataclass(frozen=True)
class CodeState:
    expires_at: datetime
    used: bool
    tries: int


def code_usable(state: CodeState, *, now: datetime) -> bool:
    """A code is usable once, before it expires and before ``MAX_TRIES`` wrong tries."""
    return not state.used and now < state.expires_at and state.tries < MAX_TRIES
