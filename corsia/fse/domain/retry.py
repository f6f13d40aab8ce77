"""When to try the gateway again: exponential backoff with a cap, and which answers are
worth another attempt (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

# The gateway validates and the publication must follow within 5 days: the validation is
# kept in the gateway's cache by workflowInstanceId that long (it-fse-support,
# doc/integrazione-gateway §2: "recuperato dalla cache tramite il workflowInstanceId").
VALIDATION_WINDOW = timedelta(days=5)


def is_transient(status: int | None) -> bool:
    """No answer (timeout, refused connection: ``None``), 5xx, and 429 are worth another
    attempt; any other 4xx is the gateway refusing the request: trying it again changes
    nothing until someone mends the cause."""
    return status is None or status >= 500 or status == 429


def backoff(*, attempts: int, base_seconds: int, cap_seconds: int) -> timedelta:
    """``base · 2^(attempts-1)``, never more than the cap (attempts counts from 1)."""
    exponent = max(0, attempts - 1)
    seconds = base_seconds * (2 ** min(exponent, 30))
    return timedelta(seconds=min(seconds, cap_seconds))


def validation_expired(*, validated_at: datetime | None, now: datetime) -> bool:
    """The gateway no longer holds the validation: publishing needs a new one."""
    return validated_at is None or now - validated_at >= VALIDATION_WINDOW
