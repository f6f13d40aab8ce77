"""Signing a patient in: a one-time code sent to the account, or SPID/CIE through the
hospital's OpenID Connect provider (the token checked in ``corsia.portal.oidc_client``).

Nothing here tells whether a fiscal code has an account: a code is "sent" either way,
and a wrong code, an expired one and an unknown fiscal code get the same answer.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.portal.domain.codes import (
    CODE_LIFETIME,
    CODE_REFUSED_MESSAGE,
    CodeRefused,
    CodeState,
    TooManyRequests,
    code_digest,
    code_from_random,
    code_normalise,
    code_usable,
    digests_match,
    may_send_code,
)
from corsia.portal.domain.oidc import SignInRefused
from corsia.portal.models import PortalAccount, SignInCode
from corsia.portal.selectors import account_by_fiscal_code
from corsia.portal.senders import CodeMessage, SendFailed, code_sender
from corsia.portal.services.accounts import activity_record

logger = logging.getLogger("corsia.portal.signin")


def _key() -> bytes:
    return f"corsia.portal.codes:{settings.SECRET_KEY}".encode()


def sign_in_code_request(*, fiscal_code: str, now: datetime | None = None) -> None:
    """Send a new code to the account of the patient with this fiscal code, if there is one.
    ``TooManyRequests`` past ``MAX_CODES_PER_WINDOW`` codes in ``WINDOW``."""
    now = now or timezone.now()
    found = account_by_fiscal_code(fiscal_code)
    if found is None:
        logger.info("portal code asked for a fiscal code with no account")
        return
    with transaction.atomic():
        # The account's row lock: two requests at once count each other's codes.
        account = PortalAccount.objects.select_for_update().get(pk=found.pk)
        sent = list(SignInCode.objects.filter(account=account).values_list("sent_at", flat=True))
        if not may_send_code(sent_at=sent, now=now):
            raise TooManyRequests("Hai chiesto troppi codici. Attendi qualche minuto e riprova.")
        code = code_from_random(secrets.randbelow(10**6))
        # Every earlier code stops working: only the latest one is good.
        SignInCode.objects.filter(account=account, used_at__isnull=True).update(used_at=now)
        SignInCode.objects.create(
            account=account,
            code_digest=code_digest(key=_key(), account_id=account.pk, code=code),
            sent_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        activity_record(account_id=account.pk, patient_id=account.patient_id, action="code_sent")
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    message = CodeMessage(
        account_id=account.pk,
        email=account.email,
        phone=account.phone,
        code=code,
        text=f"Il tuo codice di accesso al portale è {code}. Vale {minutes} minuti. "
        "Non comunicarlo a nessuno.",
    )
    try:
        code_sender().send(message)
    except SendFailed:
        logger.exception("portal code not sent to account %s", account.pk)


def sign_in_code_verify(
    *, fiscal_code: str, code: str, now: datetime | None = None
) -> PortalAccount:
    """The account the code signs in; ``CodeRefused`` for a wrong, expired or used code or an
    unknown fiscal code (one answer). A wrong code counts a try, kept even when refused."""
    now = now or timezone.now()
    found = account_by_fiscal_code(fiscal_code)
    refused = CodeRefused(CODE_REFUSED_MESSAGE, field="code")
    if found is None:
        raise refused
    with transaction.atomic():
        row = (
            SignInCode.objects.select_for_update()
            .filter(account_id=found.pk, used_at__isnull=True)
            .order_by("-sent_at", "-id")
            .first()
        )
        state = (
            None if row is None else CodeState(row.expires_at, row.used_at is not None, row.tries)
        )
        if row is None or state is None or not code_usable(state, now=now):
            raise refused
        given = code_digest(key=_key(), account_id=found.pk, code=code_normalise(code))
        if not digests_match(row.code_digest, given):
            row.tries += 1
            row.save(update_fields=["tries"])
            matched = False
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            account = PortalAccount.objects.select_for_update().get(pk=found.pk)
            account.last_sign_in_at = now
            account.save(update_fields=["last_sign_in_at"])
            activity_record(
                account_id=account.pk,
                patient_id=account.patient_id,
                action="sign_in",
                detail="codice monouso",
            )
            matched = True
    if not matched:  # raised outside the transaction: the try stays counted
        raise refused
    return account


def sign_in_oidc(*, fiscal_code: str, now: datetime | None = None) -> PortalAccount:
    """The account of the patient SPID/CIE identified (the token already checked)."""
    now = now or timezone.now()
    found = account_by_fiscal_code(fiscal_code)
    if found is None:
        raise SignInRefused(
            "La tua identità è stata verificata, ma non risulta un accesso al portale a tuo "
            "nome. Rivolgiti al reparto che ti segue.",
            code="no_portal_account",
        )
    with transaction.atomic():
        account = PortalAccount.objects.select_for_update().get(pk=found.pk)
        account.last_sign_in_at = now
        account.save(update_fields=["last_sign_in_at"])
        activity_record(
            account_id=account.pk,
            patient_id=account.patient_id,
            action="sign_in",
            detail="SPID/CIE",
        )
    return account
