"""Bearer tokens for the patient's API: granted to a signed-in portal session, short-lived
(``CORSIA_PORTAL_TOKEN_MINUTES``, 30 by default), kept as a SHA-256 only."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from corsia.portal.models import PortalAccount, PortalToken
from corsia.portal.services.accounts import activity_record


@dataclass(frozen=True)
class Granted:
    key: str  # shown once, never stored
    expires_at: datetime
    expires_in: int  # seconds


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_minutes() -> int:
    return int(settings.CORSIA_PORTAL_TOKEN_MINUTES)


def portal_token_grant(*, account_id: int, patient_id: int) -> Granted:
    """A new token for the signed-in account (its portal session is the proof)."""
    key = "pt_" + secrets.token_urlsafe(32)
    now = timezone.now()
    life = timedelta(minutes=token_minutes())
    PortalToken.objects.create(
        account_id=account_id, key_hash=token_hash(key), created_at=now, expires_at=now + life
    )
    activity_record(account_id=account_id, patient_id=patient_id, action="token_granted")
    return Granted(key=key, expires_at=now + life, expires_in=int(life.total_seconds()))


def portal_token_account(key: str) -> PortalAccount | None:
    """The active account of a valid token, else ``None``."""
    now = timezone.now()
    token = (
        PortalToken.objects.select_related("account")
        .filter(key_hash=token_hash(key), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.account.active:
        return None
    return token.account
